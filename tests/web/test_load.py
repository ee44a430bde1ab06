"""The workbench under load (bounded, not timed): many people approve, reschedule, lint and
read while an upload is imported; no 5xx, no lost or doubled approval, no false alarm."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from benchmarks.load_web import LoadResult, Runner, check, demo_workspace, load


@pytest.fixture
def load_ws(tmp_path: Path) -> Any:
    return demo_workspace(tmp_path / "ws")


def test_fifty_people_while_an_import_runs(load_ws: Any, tmp_path: Path) -> None:
    from benchmarks.ingest_speed import make_meta_ads

    from socialproof.content.approvals import read_log

    upload = tmp_path / "meta_ads_upload.csv"
    make_meta_ads(upload, 2000)
    result = load(load_ws, users=50, actions=2, upload=upload, wall_s=600)

    assert result.server_errors == []
    assert result.import_state == "done, 2,000 rows read"
    assert result.reads > 0 and result.false_alarms == []
    assert result.approved, "no approval went through"
    assert check(result, load_ws) == []
    # the log holds each confirmed approval once, and nothing else from the run
    logged = [e["approver"] for e in read_log(load_ws) if e["approver"].startswith("Load Tester")]
    assert sorted(logged) == sorted(result.approved)
    # every kind of action ran
    assert {"browse", "lint", "approve", "reschedule", "read approvals"} <= set(result.times)


def test_people_who_pause_between_actions(load_ws: Any) -> None:
    """The think-time model through the whole path (people in their own process, pauses
    between actions): the same guarantees as the stress model."""
    result = load(load_ws, users=8, actions=5, upload=None, wall_s=600, think=(0.01, 0.05))
    assert result.server_errors == []
    assert result.requests == 8 * 5
    assert check(result, load_ws) == []
    assert result.server_cpu_s > 0


def test_think_time_pauses_are_seeded_and_bounded() -> None:
    def runner(seed: int, think: tuple[float, float]) -> Runner:
        return Runner("http://127.0.0.1:1", "token", ["a.md"], wall_s=1, think=think, seed=seed)

    pauses = runner(3, (1.0, 5.0)).pauses(7, 10)
    assert pauses == runner(3, (1.0, 5.0)).pauses(7, 10)  # repeatable
    assert pauses != runner(4, (1.0, 5.0)).pauses(7, 10)  # the seed matters
    assert pauses != runner(3, (1.0, 5.0)).pauses(8, 10)  # each person their own
    assert len(pauses) == 10 and 0 <= pauses[0] <= 5
    assert all(1.0 <= p <= 5.0 for p in pauses[1:])
    assert runner(3, (0.0, 0.0)).pauses(7, 10) == [0.0] * 10  # stress: no pause


def test_check_reports_lost_doubled_and_unasked_approvals(load_ws: Any) -> None:
    from socialproof.content.approvals import approve

    post = sorted((load_ws.root / "content").glob("*.md"))[0]
    approve(load_ws, post, approver="Load Tester 1-1", role="reviewer")
    approve(load_ws, post, approver="Load Tester 2-2", role="reviewer")
    result = LoadResult()
    result.approved = ["Load Tester 1-1", "Load Tester 3-3"]  # 3-3 was confirmed but is lost
    result.false_alarms = ["entries were added or changed outside socialproof"]
    problems = check(result, load_ws)
    assert any("3-3 is in the log 0 times" in p for p in problems)
    assert any("nobody asked for" in p and "2-2" in p for p in problems)
    assert any("false tamper alarm" in p for p in problems)
    assert not any("1-1" in p for p in problems)


def test_check_reports_a_broken_chain(load_ws: Any) -> None:
    from socialproof.content.approvals import approve

    post = sorted((load_ws.root / "content").glob("*.md"))[0]
    approve(load_ws, post, approver="Load Tester 1-1", role="reviewer")
    logs = [p for p in load_ws.root.rglob("*approval*") if p.is_file()]
    assert logs, "no approvals log file found"
    for log in logs:
        log.write_text(log.read_text(encoding="utf-8").replace("1-1", "9-9"), encoding="utf-8")
    problems = check(LoadResult(approved=["Load Tester 1-1"]), load_ws)
    assert problems and "does not verify" in problems[0]


def test_inbox_lists_the_oldest_waiting_threads_and_counts_them_all(tmp_path: Path) -> None:
    import re

    from benchmarks.community_report import build
    from tests.web.conftest import make_client

    from socialproof.community.inbox import waiting_threads
    from socialproof.web.pages.community import INBOX_SHOWN
    from socialproof.workspace import Workspace

    build(tmp_path / "big", 5000)
    ws = Workspace.open(tmp_path / "big")
    total = len(waiting_threads(ws, None)[0])
    assert total > INBOX_SHOWN  # the generated workspace has more than a page's worth
    with make_client(ws) as client:
        page = client.get("/community")
    assert page.status_code == 200
    text = re.sub(r"\s+", " ", page.text)
    assert f"{total:,} threads without a brand reply or waiting again" in text
    assert f"Listed: 1 to {INBOX_SHOWN} of {total:,}." in text  # the first page, oldest first
    waiting = text.split('id="waiting-h"')[1].split("</section>")[0]
    assert waiting.count("<tr") == INBOX_SHOWN + 1  # the header row and one per thread
