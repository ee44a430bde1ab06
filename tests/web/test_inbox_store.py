"""The stored inbox: computed in the background, read with a small query, marked pending
when the workspace changed; the result cache and job follow-ups that keep it current."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from tests.community.test_queue import KeywordModeration, KeywordSentiment
from tests.community.test_threads import msg
from tests.web.conftest import make_client

# x: thread 1 waits (opened 03-02 10:00), thread 2 answered; linkedin: thread 4 waits.
# The newest message anywhere is linkedin's at 03-03 12:00; the newest on x is 03-02 13:00.
ROWS = [
    msg("1", "ann", "2026-03-02 10:00", text="checkout is broken"),
    msg("2", "bob", "2026-03-02 11:00", text="love the app"),
    msg("3", "@acme", "2026-03-02 13:00", "2", text="thanks!"),
    msg("4", "cat", "2026-03-03 12:00", platform="linkedin", text="where is my order"),
]


def _models() -> Any:
    from socialproof.community.scoring import Models

    return Models(sentiment=KeywordSentiment(), moderation=KeywordModeration())


def test_refresh_stores_waiting_threads_and_reads_them_back(workspace: Any, insert: Any) -> None:
    from socialproof.community.inbox import refresh_inbox, stored

    insert("messages", ROWS)
    assert stored(workspace).threads is None  # never computed
    assert refresh_inbox(workspace) == ["threads", "sentiment"]
    got = stored(workspace)
    assert got.messages == 4
    assert got.threads is not None and got.threads.current
    assert got.threads.total == 2
    assert [(r.platform, r.thread) for r in got.threads.rows] == [("x", "1"), ("linkedin", "4")]
    # waiting time runs to the newest message anywhere: 03-02 10:00 -> 03-03 12:00
    assert got.threads.rows[0].waiting_h == pytest.approx(26.0)
    assert got.threads.over == 1  # 26 h > the 24 h SLA; 0 h is within
    assert refresh_inbox(workspace) == []  # nothing changed: nothing recomputed


def test_a_platform_view_waits_to_that_platforms_newest_message(
    workspace: Any, insert: Any
) -> None:
    from socialproof.community.inbox import refresh_inbox, stored
    from socialproof.errors import NoData

    insert("messages", ROWS)
    refresh_inbox(workspace)
    x = stored(workspace, "X").threads
    assert x is not None and x.total == 1
    assert x.rows[0].waiting_h == pytest.approx(3.0)  # 10:00 -> 13:00, x's newest
    assert x.over == 0
    with pytest.raises(NoData, match="no messages on platform 'tiktok'"):
        stored(workspace, "tiktok")


def test_new_messages_mark_the_stored_inbox_pending_until_refreshed(
    workspace: Any, insert: Any
) -> None:
    from socialproof.community.inbox import refresh_inbox, stored

    insert("messages", ROWS)
    refresh_inbox(workspace)
    insert("messages", [msg("5", "@acme", "2026-03-02 12:00", "1", text="fixed now")])
    before = stored(workspace).threads
    assert before is not None and not before.current and before.total == 2  # as stored
    assert "threads" in refresh_inbox(workspace)
    after = stored(workspace).threads
    assert after is not None and after.current
    assert [r.thread for r in after.rows] == ["4"]


def test_new_scores_refresh_sentiment_only(workspace: Any, insert: Any) -> None:
    from socialproof.community.inbox import refresh_inbox, stored
    from socialproof.community.scoring import score_messages

    insert("messages", ROWS)
    refresh_inbox(workspace)
    first = stored(workspace).sentiment
    assert first is not None and (first.members, first.scored, first.pending) == (3, 0, 3)
    score_messages(workspace, models=_models())
    assert refresh_inbox(workspace) == ["sentiment"]  # threads do not depend on scores
    s = stored(workspace).sentiment
    assert s is not None and s.current and (s.scored, s.pending) == (3, 0)
    assert [int(s.weeks[c].sum()) for c in ("positive", "neutral", "negative")] == [1, 1, 1]


def _wait_idle(client: Any, timeout: float = 60.0) -> None:
    jobs = client.app_state.jobs
    deadline = time.monotonic() + timeout
    while any(j.running for j in jobs.all()) and time.monotonic() < deadline:
        time.sleep(0.05)


def test_page_shows_the_stored_inbox_and_what_is_pending(
    workspace: Any, insert: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from socialproof.web.pages import community

    monkeypatch.setattr(community, "INLINE_MAX", 0)  # behave as a big workspace does
    insert("messages", ROWS)
    with make_client(workspace) as client:
        page = client.get("/community").text
        assert "has not been computed yet" in page and "Update now" in page
        r = client.post("/community/refresh", data={"csrf_token": client.csrf})
        assert r.status_code in (200, 303)
        _wait_idle(client)
        page = client.get("/community").text
        assert "checkout is broken" in page and "where is my order" in page
        assert "update is pending" not in page
        assert "3 member messages not scored yet" in page
        insert("messages", [msg("6", "dan", "2026-03-03 13:00", text="hello?")])
        page = client.get("/community").text
        assert "update is pending" in page  # the stored list, said to be behind
        assert "checkout is broken" in page


def test_serve_keeps_the_inbox_current_after_jobs(workspace: Any, insert: Any) -> None:
    from socialproof.community.inbox import stored

    insert("messages", ROWS)
    with make_client(workspace, warm=True) as client:
        _wait_idle(client)
        first = stored(workspace).threads
        assert first is not None and first.current and first.total == 2
        insert("messages", [msg("5", "@acme", "2026-03-02 12:00", "1", text="fixed now")])
        client.app_state.jobs.submit("Some other job", lambda job: None)
        _wait_idle(client)
        after = stored(workspace).threads
        assert after is not None and after.current and after.total == 1


def test_follow_ups_run_after_jobs_but_not_after_themselves() -> None:
    from socialproof.web.jobs import JobRunner

    runs: list[str] = []
    jobs = JobRunner()
    try:
        jobs.follow_with("follow", lambda job: runs.append("follow"))
        job = jobs.submit("work", lambda job: runs.append("work"))
        jobs.wait(job.id)
        deadline = time.monotonic() + 10
        while len(runs) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.1)
        assert runs == ["work", "follow"]
    finally:
        jobs.shutdown()


def test_cache_computes_a_missing_entry_once_for_concurrent_readers(workspace: Any) -> None:
    from socialproof.web.cache import ResultCache

    cache = ResultCache()
    calls: list[int] = []
    gate = threading.Event()

    def slow() -> int:
        calls.append(1)
        gate.wait(5)
        return 42

    results: list[int] = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get(workspace, "k", slow)))
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    time.sleep(0.2)
    gate.set()
    for t in threads:
        t.join(10)
    assert results == [42, 42, 42, 42]
    assert len(calls) == 1


def test_cache_entries_go_stale_on_a_write(workspace: Any, insert: Any) -> None:
    from socialproof.web.cache import ResultCache

    cache = ResultCache()
    assert cache.get(workspace, "k", lambda: 1) == 1
    assert cache.get(workspace, "k", lambda: 2) == 1
    insert("messages", ROWS[:1])
    assert cache.get(workspace, "k", lambda: 3) == 3


def test_cache_entries_outlive_a_checkpoint_that_changes_no_data(
    workspace: Any, insert: Any
) -> None:
    """A DuckDB checkpoint rewrites the database file (size and time change) without a
    change of the data: kept figures stay kept (they were keyed on the file's state)."""
    from socialproof.web.cache import ResultCache

    def state() -> list[tuple[int, int]]:
        files = (workspace.db_path, workspace.db_path.with_name("workspace.duckdb.wal"))
        return [(f.stat().st_size, f.stat().st_mtime_ns) if f.exists() else (0, 0) for f in files]

    insert("messages", ROWS[:1])
    cache = ResultCache()
    with workspace.connect(read_only=False) as holder:  # keeps the database open...
        insert("messages", ROWS[1:2])  # ...so this write waits in the write-ahead log
        assert holder.execute("SELECT count(*) FROM messages").fetchone() == (2,)
        assert cache.get(workspace, "k", lambda: 1) == 1
        before = state()
    # the last connection closed: DuckDB checkpointed the log into the file
    assert state() != before
    assert cache.get(workspace, "k", lambda: 2) == 1


def test_cache_entries_go_stale_on_a_write_by_another_process(workspace: Any, insert: Any) -> None:
    import subprocess
    import sys

    from socialproof.web.cache import ResultCache

    insert("messages", ROWS[:1])
    cache = ResultCache()
    assert cache.get(workspace, "k", lambda: 1) == 1
    script = (
        "import sys; from pathlib import Path; from socialproof.workspace import Workspace\n"
        "ws = Workspace.open(Path(sys.argv[1]))\n"
        "with ws.transaction() as con:\n"
        "    con.execute(\"UPDATE messages SET text = 'edited'\")\n"
    )
    subprocess.run([sys.executable, "-c", script, str(workspace.root)], check=True)
    assert cache.get(workspace, "k", lambda: 3) == 3


def test_stored_sentiment_draws_the_chart_computed_on_the_spot(
    workspace: Any, insert: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import re

    from socialproof.community.inbox import refresh_inbox
    from socialproof.community.scoring import score_messages
    from socialproof.web.pages import community

    insert("messages", ROWS)
    score_messages(workspace, models=_models())
    pattern = r'<script type="application/json"[^>]*>(.*?)</script>'
    with make_client(workspace) as client:
        on_the_spot = re.search(pattern, client.get("/community").text, re.S)
        refresh_inbox(workspace)
        monkeypatch.setattr(community, "INLINE_MAX", 0)
        client.app_state.cache.clear()
        page = client.get("/community").text
        from_store = re.search(pattern, page, re.S)
    assert on_the_spot is not None and from_store is not None
    assert from_store.group(1) == on_the_spot.group(1)
    assert "update is pending" not in page


@pytest.mark.parametrize("kept", [False, True], ids=["computed on the spot", "stored"])
def test_the_inbox_page_marks_the_threads_waiting_again(
    workspace: Any, insert: Any, kept: bool
) -> None:
    import re

    from tests.community.test_inbox import AGAIN

    from socialproof.community.inbox import refresh_inbox

    insert("messages", AGAIN)
    if kept:
        refresh_inbox(workspace)
    with make_client(workspace) as client:
        text = re.sub(r"\s+", " ", client.get("/community").text)
    assert "2 threads without a brand reply or waiting again" in text
    rows = text.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert len(rows) == 2
    assert "app crashes" in rows[0] and "<td>unanswered</td>" in rows[0]
    assert "still nothing" in rows[1] and "<strong>waiting again</strong>" in rows[1]
    assert "my order is late" not in text  # the message that waits, not the opening one
