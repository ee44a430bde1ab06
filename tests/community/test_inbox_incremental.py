"""The stored inbox kept up to date incrementally: after imports and undos only the
threads the added or removed messages touch are recomputed, and the stored result
equals a rebuild from every message (and what the report computes on the spot)."""

from __future__ import annotations

from typing import Any

import pytest
from tests.community.test_threads import msg


def _a(*rows: dict[str, Any]) -> list[dict[str, Any]]:
    return [{**r, "import_id": "imp-a"} for r in rows]


def _b(*rows: dict[str, Any]) -> list[dict[str, Any]]:
    return [{**r, "import_id": "imp-b"} for r in rows]


# import A: on x, thread 1 waits, thread 2 is answered, 10 replies to a missing 9
# (partial), 32 replies to a missing 31, 50/51 are keyed by thread id T1, 60 is
# keyed by its thread id "40"; on linkedin the same ids "1" and "2" are other threads.
BASE = _a(
    msg("1", "ann", "2026-03-02 10:00", text="checkout is broken"),
    msg("2", "bob", "2026-03-02 11:00", text="love the app"),
    msg("3", "@acme", "2026-03-02 13:00", "2", text="thanks!"),
    msg("10", "dan", "2026-03-03 09:00", "9", text="and it still fails"),
    msg("30", "eve", "2026-03-03 10:00", text="my card was charged twice"),
    msg("32", "eve", "2026-03-03 12:00", "31", text="hello??"),
    msg("50", "fay", "2026-03-03 13:00", thread_id="T1", text="order late"),
    msg("51", "acmehelp", "2026-03-03 14:00", "50", thread_id="T1", text="sorry ^JM"),
    msg("60", "gus", "2026-03-03 15:00", thread_id="40", text="app crashes"),
    msg("70", "@acme", "2026-03-03 16:00", text="new feature out"),  # brand only
    msg("1", "hal", "2026-03-03 08:00", platform="linkedin", text="where is my order"),
    msg("2", "@acme", "2026-03-03 07:00", "1", platform="linkedin", text="early ^AB"),
)
# import B: a reply for old thread 1, the parent 9 of 10 arriving after it, the brand's
# 31 joining 30 and 32, a new root in thread T1, a new root "40" meeting thread "40",
# a new linkedin thread, and the newest message moving a day on.
LATER = _b(
    msg("4", "@acme", "2026-03-04 09:00", "1", text="we are on it"),
    msg("9", "dan", "2026-03-03 08:00", text="login fails"),
    msg("31", "acmehelp", "2026-03-03 11:00", "30", text="refunded /KL"),
    msg("52", "fay", "2026-03-04 10:00", thread_id="T1", text="still late"),
    msg("40", "ian", "2026-03-04 11:00", text="same crash here"),
    msg("3", "jo", "2026-03-05 12:00", platform="linkedin", text="hi, any news?"),
)


def _snapshot(ws: Any) -> tuple[Any, ...]:
    with ws.connect(read_only=True) as con:
        threads = con.execute("SELECT * FROM inbox_threads ORDER BY platform, thread_key").df()
        facts = con.execute("SELECT * FROM inbox_thread_facts ORDER BY ALL").fetchall()
        keys = con.execute("SELECT * FROM inbox_keys ORDER BY ALL").fetchall()
        (info,) = con.execute("SELECT info FROM inbox_state WHERE part = 'threads'").fetchone()
    import json

    state = json.loads(info)
    return threads.to_dict("records"), facts, keys, state["notes"], state.get("latest")


def _refresh(ws: Any) -> list[str]:
    from socialproof.community.inbox import refresh_inbox

    said: list[str] = []
    refresh_inbox(ws, progress=lambda _d, _t, m: said.append(m))
    return said


def _rebuilt(ws: Any) -> tuple[Any, ...]:
    """The stored result of a rebuild from every message (the state forgotten)."""
    with ws.transaction() as con:
        con.execute("DELETE FROM inbox_state")
    assert "rebuilding threads from every message" in _refresh(ws)
    return _snapshot(ws)


def _check_against_report(ws: Any) -> None:
    from socialproof.community.inbox import stored, waiting_threads

    expected, _sla, notes = waiting_threads(ws)
    got = stored(ws).threads
    assert got is not None and got.current
    assert [(r.platform, r.thread, r.opener, r.text) for r in got.rows] == [
        (r.platform, r.thread, r.opener, r.text) for r in expected
    ]
    assert [r.waiting_h for r in got.rows] == pytest.approx([r.waiting_h for r in expected])
    assert got.notes == notes


@pytest.fixture
def everything_incremental(monkeypatch: pytest.MonkeyPatch) -> None:
    from socialproof.community import inbox

    monkeypatch.setattr(inbox, "FULL_SHARE", 1e9)  # the fixture's imports are large


def _undo(ws: Any, import_id: str) -> None:
    with ws.transaction() as con:  # what undoing an import does to the messages
        con.execute("DELETE FROM messages WHERE import_id = ?", [import_id])


def test_import_then_undo_updates_only_touched_threads_and_equals_a_rebuild(
    workspace: Any, insert: Any, everything_incremental: None
) -> None:
    insert("messages", BASE)
    assert "rebuilding threads from every message" in _refresh(workspace)
    before = _snapshot(workspace)
    _check_against_report(workspace)
    waiting = {(r["platform"], r["thread_key"]) for r in before[0]}
    # linkedin's 1 is answered by a reply stamped before it (clock anomaly): not waiting
    assert waiting == {("x", "1"), ("x", "10"), ("x", "30"), ("x", "32"), ("x", "40")}

    insert("messages", LATER)
    assert "updating the threads new or removed messages touch" in _refresh(workspace)
    after = _snapshot(workspace)
    _check_against_report(workspace)
    waiting = {(r["platform"], r["thread_key"]) for r in after[0]}
    # 1 answered by the late reply; 10 now starts at its parent 9; 30 and 32 joined by 31
    # and answered, but eve's 32 came after the answer: 30 waits again, as T1 does after
    # fay's 52; "40" took in the new root 40; linkedin's new thread 3 waits
    assert waiting == {("x", "9"), ("x", "30"), ("x", "40"), ("x", "T1"), ("linkedin", "3")}
    again = {(r["thread_key"], r["waiting_text"]) for r in after[0] if r["state"] != "unanswered"}
    assert again == {("30", "hello??"), ("T1", "still late")}
    t1 = next(r for r in after[0] if r["thread_key"] == "T1")
    assert t1["waiting_h"] == pytest.approx(26.0)  # since 03-04 10:00, to 03-05 12:00
    nine = next(r for r in after[0] if r["thread_key"] == "9")
    assert (nine["opener"], nine["opening_text"]) == ("dan", "login fails")
    assert nine["waiting_h"] == pytest.approx(52.0)  # 03-03 08:00 -> 03-05 12:00
    assert after == _rebuilt(workspace)

    _undo(workspace, "imp-b")
    assert "updating the threads new or removed messages touch" in _refresh(workspace)
    undone = _snapshot(workspace)
    _check_against_report(workspace)
    assert undone == _rebuilt(workspace)
    assert undone == before  # the threads split again as they were


def test_a_large_change_or_new_settings_rebuild_everything(workspace: Any, insert: Any) -> None:
    from socialproof.workspace.settings import settings_from_dict

    insert("messages", BASE)
    _refresh(workspace)
    insert("messages", LATER)  # 6 of 18 messages: over a fifth
    assert "rebuilding threads from every message" in _refresh(workspace)
    _check_against_report(workspace)
    workspace.settings = settings_from_dict(
        {"timezone": "UTC", "brand": {"handles": ["@acme"]}}  # AcmeHelp a customer now
    )
    assert "rebuilding threads from every message" in _refresh(workspace)
    _check_against_report(workspace)
    assert ("x", "30") in {(r["platform"], r["thread_key"]) for r in _snapshot(workspace)[0]}


def test_undoing_the_first_import_leaves_the_later_replies_as_threads(
    workspace: Any, insert: Any, everything_incremental: None
) -> None:
    insert("messages", BASE)
    _refresh(workspace)
    insert("messages", LATER)
    _refresh(workspace)
    _undo(workspace, "imp-a")  # 4 loses its parent 1, 31 its parent 30
    assert "updating the threads new or removed messages touch" in _refresh(workspace)
    got = _snapshot(workspace)
    _check_against_report(workspace)
    assert got == _rebuilt(workspace)
    assert {(r["platform"], r["thread_key"]) for r in got[0]} == {
        ("x", "9"),
        ("x", "40"),
        ("x", "T1"),  # 52 names its thread
        ("linkedin", "3"),
    }


def test_a_store_from_before_keys_were_kept_is_rebuilt_once(
    workspace: Any, insert: Any, everything_incremental: None
) -> None:
    insert("messages", BASE)
    _refresh(workspace)
    with workspace.transaction() as con:  # as an earlier version stored it
        con.execute('UPDATE inbox_state SET info = \'{"sla_hours": 24.0, "notes": []}\'')
        con.execute("DELETE FROM inbox_keys")
    insert("messages", LATER)
    assert "rebuilding threads from every message" in _refresh(workspace)
    _check_against_report(workspace)


def test_no_messages_left_after_an_undo(
    workspace: Any, insert: Any, everything_incremental: None
) -> None:
    from socialproof.community.inbox import stored

    insert("messages", BASE)
    _refresh(workspace)
    _undo(workspace, "imp-a")
    _refresh(workspace)
    got = stored(workspace).threads
    assert got is not None and got.current and got.total == 0 and got.rows == []
