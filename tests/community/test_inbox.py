"""The inbox helpers: threads waiting for an answer with their SLA state, stored themes."""

from __future__ import annotations

from typing import Any

import pytest
from tests.community.test_queue import ROWS
from tests.community.test_threads import msg

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


# worked by hand: the newest message is 14:00 on 2 March
AGAIN = [
    # ann is answered at 11:00, writes again at 12:00 and 13:00: waiting again since 12:00
    msg("1", "ann", "2026-03-02 10:00", text="my order is late"),
    msg("2", "@acme", "2026-03-02 11:00", "1", text="sorry, checking"),
    msg("3", "ann", "2026-03-02 12:00", "2", text="still nothing"),
    msg("4", "ann", "2026-03-02 13:00", "3", text="hello?"),
    # never answered: waiting since 08:00
    msg("10", "cat", "2026-03-02 08:00", text="app crashes"),
    # answered, then someone else chimes in: dan waits for nothing
    msg("20", "dan", "2026-03-02 09:00", text="login fails"),
    msg("21", "AcmeHelp", "2026-03-02 09:30", "20", text="fixed now"),
    msg("22", "eve", "2026-03-02 10:00", "21", text="same for me"),
    # answered twice, the customer's message between the answers: settled
    msg("30", "fay", "2026-03-02 09:00", text="refund?"),
    msg("31", "@acme", "2026-03-02 09:10", "30", text="which order?"),
    msg("32", "fay", "2026-03-02 09:20", "31", text="#123"),
    msg("33", "@acme", "2026-03-02 14:00", "32", text="refunded"),
]


def test_a_customer_writing_after_the_answer_waits_again(workspace: Any, insert: Any) -> None:
    insert("messages", AGAIN)
    rows, _sla, _ = waiting_threads(workspace, sla_hours=3)
    assert [(r.thread, r.state, r.text, r.waiting_h) for r in rows] == [
        ("10", "unanswered", "app crashes", 6.0),
        ("1", "waiting again", "still nothing", 2.0),
    ]
    # the thread's opening stays when it opened; the wait runs from the message that waits
    assert rows[1].opened_local == "2026-03-02 10:00"
    assert [(r.sla_state, r.sla_note) for r in rows] == [
        ("over SLA", "over by 3.0 h"),
        ("within SLA", "1.0 h left"),
    ]


def test_the_stored_inbox_lists_the_threads_waiting_again(workspace: Any, insert: Any) -> None:
    from socialproof.community.inbox import refresh_inbox, stored

    insert("messages", AGAIN)
    refresh_inbox(workspace)
    got = stored(workspace).threads
    assert got is not None and got.current
    assert [(r.thread, r.state, r.text, r.waiting_h) for r in got.rows] == [
        ("10", "unanswered", "app crashes", 6.0),
        ("1", "waiting again", "still nothing", 2.0),
    ]


def test_a_workspace_stored_before_waiting_again_rebuilds_its_inbox(
    workspace: Any, insert: Any
) -> None:
    """An inbox stored by the old schema (no state column) is rebuilt after migration 0630:
    rows stored before read as unanswered, and the refresh adds the threads waiting again."""
    from socialproof.community.inbox import refresh_inbox, stored
    from socialproof.workspace.migrations.m0630_inbox_waiting_again import up

    insert("messages", AGAIN)
    refresh_inbox(workspace)
    with workspace.transaction() as con:  # as a workspace from before 0630 stored it
        con.execute("DELETE FROM inbox_threads WHERE state = 'waiting again'")
        for column in ("state", "waiting_since", "waiting_text"):
            con.execute(f"ALTER TABLE inbox_threads DROP COLUMN {column}")
        up(con)
    before = stored(workspace)
    assert before.threads is None  # not current: the page says an update is pending
    assert refresh_inbox(workspace) == ["threads"]
    after = stored(workspace).threads
    assert after is not None and [(r.thread, r.state) for r in after.rows] == [
        ("10", "unanswered"),
        ("1", "waiting again"),
    ]


# worked by hand: the newest message is 15:00 on 2 March
THANKS = [
    # gus thanks the brand after its answer: settled, not waiting
    msg("40", "gus", "2026-03-02 09:00", text="where is my parcel"),
    msg("41", "@acme", "2026-03-02 09:30", "40", text="on its way, arrives today"),
    msg("42", "gus", "2026-03-02 09:40", "41", text="@acme Thanks so much! 🙏"),
    # hal says thanks, then writes that it broke again: waiting since the real message
    msg("50", "hal", "2026-03-02 10:00", text="app crashes on login"),
    msg("51", "@acme", "2026-03-02 10:30", "50", text="please update the app"),
    msg("52", "hal", "2026-03-02 10:40", "51", text="ok thank you, that worked"),
    msg("53", "hal", "2026-03-02 13:00", "52", text="it crashes again"),
    # ivy's thanks comes with a new problem: waiting again
    msg("60", "ivy", "2026-03-02 11:00", text="refund?"),
    msg("61", "@acme", "2026-03-02 11:30", "60", text="refunded"),
    msg("62", "ivy", "2026-03-02 12:00", "61", text="thanks, but only half arrived"),
    # the newest message of the export
    msg("70", "jo", "2026-03-02 14:00", text="hi"),
    msg("71", "@acme", "2026-03-02 15:00", "70", text="hello"),
]


def test_a_thanks_after_the_answer_settles_the_thread(workspace: Any, insert: Any) -> None:
    insert("messages", THANKS)
    rows, _sla, _ = waiting_threads(workspace, sla_hours=3)
    assert [(r.thread, r.state, r.text, r.waiting_h) for r in rows] == [
        ("60", "waiting again", "thanks, but only half arrived", 3.0),
        ("50", "waiting again", "it crashes again", 2.0),
    ]


def test_a_thanks_after_the_answer_counts_the_thread_resolved(workspace: Any, insert: Any) -> None:
    from tests.community.test_threads import run

    insert("messages", THANKS)
    df = run(workspace).threads.set_index("thread_key")
    assert {k: bool(v) for k, v in df["resolved"].items()} == {
        "40": True,
        "50": False,
        "60": False,
        "70": True,
    }
    # gus's thread resolved with the brand's answer at 09:30, half an hour after opening
    assert df.loc["40", "resolution_s"] == 1800


@pytest.mark.parametrize(
    ("text", "closing"),
    [
        ("Thanks so much! 🙏", True),
        ("@acme ok thank you, that worked https://t.co/x1", True),
        ("I am! Thank you for the answer!!", True),
        ("thanks for letting me know", True),
        ("Merci beaucoup !", True),
        ("thanks but it still crashes", False),
        ("no thanks", False),
        ("thanks, let me know", False),
        ("Thank you, I am still waiting", False),
        ("Thanks to you my day is ruined", False),
        ("👍", False),
        ("hello?", False),
    ],
)
def test_which_messages_only_thank_the_brand(text: str, closing: bool) -> None:
    import ibis
    import pandas as pd

    from socialproof.community.threads import closing_expr

    t = ibis.memtable(pd.DataFrame({"text": [text]}))
    got = ibis.duckdb.connect().execute(t.select(c=closing_expr(t.text)))["c"].tolist()
    assert got == [closing]
