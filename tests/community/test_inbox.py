"""The inbox helpers: threads waiting for an answer with their SLA state, stored themes."""

from __future__ import annotations

from typing import Any

from tests.community.test_queue import ROWS

from socialproof.community.inbox import sla_state, stored_themes, waiting_threads


def test_sla_state_wording() -> None:
    assert sla_state(30.0, 24.0) == ("over SLA", "over by 6.0 h")
    assert sla_state(0.5, 24.0) == ("within SLA", "23.5 h left")
    assert sla_state(23.5, 24.0) == ("within SLA", "30 min left")
    assert sla_state(24 + 72.0, 24.0) == ("over SLA", "over by 3.0 days")
    assert sla_state(None, 24.0) == ("unknown", "no time")


def test_waiting_threads_oldest_first_with_sla(workspace: Any, insert: Any) -> None:
    insert("messages", ROWS)
    rows, sla, _ = waiting_threads(workspace, sla_hours=24)
    assert sla == 24
    # message 4 got a brand reply (5); the others wait. The newest message is
    # 2026-03-11 10:00, so message 1 (2 March 10:00) has waited 216 h, message 8 none.
    assert "you idiot, buy now" not in {r.text for r in rows}  # answered by the brand
    assert [r.opened_local for r in rows] == sorted(r.opened_local for r in rows)
    first, last = rows[0], rows[-1]
    assert (first.opened_local, first.text) == ("2026-03-02 10:00", "I love the new app")
    assert first.waiting_h == 216.0
    assert (first.sla_state, first.sla_note) == ("over SLA", "over by 8.0 days")
    assert (last.text, last.waiting_h, last.sla_state) == ("love it", 0.0, "within SLA")
    assert len(rows) == 6


def test_no_themes_stored(workspace: Any) -> None:
    assert stored_themes(workspace) == []
