"""Report pages prepared in the background (``web/precompute.py``) and the progress
placeholder of what cannot be prepared (``ResultCache.get_or_start``).

A copy of the demo workspace (pilots, case studies, scored messages, a profile), served as
``socialproof serve`` serves it (``warm=True``): the start-up jobs compute each report page
under the key the page looks up, so a first visit computes nothing; a write (an import, a
moderation decision, a saved case study) makes the next visit show the change.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from tests.web.conftest import LiveServer, make_client


@pytest.fixture
def ws(demo_ws: Any, tmp_path: Path) -> Any:
    from socialproof.workspace import Workspace

    root = tmp_path / "ws"
    shutil.copytree(demo_ws.root, root)
    return Workspace.open(root)


def _settle(c: Any, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not c.app_state.cache.busy() and not any(j.running for j in c.app_state.jobs.all()):
            return
        time.sleep(0.05)
    raise AssertionError("the background work did not end")


def _counting(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[int]:
    calls: list[int] = []
    original = getattr(module, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def _pending(html: str) -> bool:
    return 'class="pending' in html


def test_first_visits_after_start_compute_no_report(ws: Any, monkeypatch: Any) -> None:
    from socialproof.community import queue
    from socialproof.portfolio import rubric

    with make_client(ws, warm=True) as c:
        _settle(c)
        scores = _counting(monkeypatch, rubric, "check_portfolio")
        flags = _counting(monkeypatch, queue, "moderation_queue")
        page = c.get("/portfolio")
        assert page.status_code == 200 and not _pending(page.text)
        assert re.search(r'<td class="num">\d+</td>', page.text)  # a score is shown
        page = c.get("/community/moderation")
        assert page.status_code == 200 and not _pending(page.text)
        assert "Flags to review" in page.text
        for url in ("/", "/audit", "/pilots", "/career", "/career/market"):
            assert c.get(url).status_code == 200
        assert scores == [] and flags == []  # both came from the start-up jobs


def test_a_write_shows_on_the_next_visit(ws: Any, monkeypatch: Any) -> None:
    """An import (rows written), a saved case study and saved settings each make the next
    visit show the workspace as it now is, prepared again by the background jobs."""
    from socialproof.community import queue
    from socialproof.portfolio.rubric import check_portfolio

    with make_client(ws, warm=True) as c:
        _settle(c)
        flags = _counting(monkeypatch, queue, "moderation_queue")
        # an import: the database changes, the follow-up jobs prepare the queue again
        with c.app_state.ws.transaction() as con:
            con.execute(
                "INSERT INTO ad_stats SELECT * REPLACE (date_start + 1 AS date_start, "
                "date_stop + 1 AS date_stop, 'test-import' AS import_id) FROM ad_stats "
                "WHERE date_stop = (SELECT max(date_stop) FROM ad_stats)"
            )
        c.app_state.jobs.after_write()
        _settle(c)
        assert len(flags) == 1
        assert c.get("/community/moderation").status_code == 200
        assert len(flags) == 1  # the visit found it prepared

        # a saved case study: its new score is shown
        name = sorted(p.name for p in (ws.root / "case-studies").glob("*.md"))[0]
        text = (ws.root / "case-studies" / name).read_text(encoding="utf-8")
        # the strategy and execution dropped: the rubric finds fault, the score falls
        shorter = re.sub(r"(?m)^(strategy|execution): \|\n(  .*\n)+", "", text)
        assert shorter != text
        before = c.get("/portfolio").text
        old_row = before[before.index(f">{name}</a>") :].split("</tr>")[0]
        r = c.post(f"/portfolio/edit/{name}", data={"csrf_token": c.csrf, "text": shorter})
        assert r.status_code in (200, 303)
        _settle(c)
        (expected,) = [x for x in check_portfolio(c.app_state.ws) if Path(x.file).name == name]
        page = c.get("/portfolio").text
        row = page[page.index(f">{name}</a>") :].split("</tr>")[0]
        assert f'<td class="num">{expected.score}</td>' in row
        assert row != old_row  # the edit changed the score, and the page shows the new one
        assert not _pending(page)

        # saved settings: the report pages are prepared again under them
        flags.clear()
        form = {"csrf_token": c.csrf, "owner": "Dana", "currency": "eur"}
        form |= {"timezone": "Europe/Berlin", "industry": "retail"}
        saved = c.post("/settings", data=form, follow_redirects=True)
        assert saved.status_code == 200 and "Settings saved" in saved.text
        _settle(c)
        assert len(flags) == 1
        page = c.get("/community/moderation")
        assert page.status_code == 200 and not _pending(page.text) and len(flags) == 1


def test_a_decision_shows_on_the_next_visit(tmp_path: Path) -> None:
    from tests.web.workbench_samples import build_sample_workspace

    from socialproof.community import queue

    sample = build_sample_workspace(tmp_path / "samples")
    with make_client(sample, warm=True) as c:
        _settle(c)
        first = queue.moderation_queue(c.app_state.ws, limit=1).to_dict("records")[0]
        message = str(first["message_id"])
        assert f"<code>{message}</code>" in c.get("/community/moderation").text
        r = c.post(
            "/community/moderation/decide",
            data={
                "csrf_token": c.csrf,
                "message_id": message,
                "platform": first["platform"],
                "decision": "dismiss",
                "who": "Dana",
            },
        )
        assert r.status_code in (200, 303)
        _settle(c)
        page = c.get("/community/moderation").text
        assert f"<code>{message}</code>" not in page.split('id="tune-h"')[0]
        assert "Dana" in page  # in the recent decisions


def test_a_plan_never_asked_shows_a_placeholder_then_the_plan(ws: Any) -> None:
    url = "/pilots/plan?metric=engagement_rate&mde=15%25&history=all"
    with make_client(ws, warm=True) as c:
        _settle(c)
        first = c.get(url)
        assert first.status_code == 200 and _pending(first.text)
        assert 'role="status"' in first.text and "Computing the plan" in first.text
        shown = url.replace("&", "&amp;")
        assert f'<a href="{shown}">' in first.text  # works without JavaScript
        assert f'hx-get="{shown}"' in first.text and 'hx-select="#plan-result"' in first.text
        _settle(c)
        done = c.get(url)
        assert done.status_code == 200 and not _pending(done.text)
        assert 'id="plan-result"' in done.text and "per variant" in done.text
        # asked once, it is prepared again after the next write (any write makes a new
        # generation of the workspace, even one that deletes nothing)
        with c.app_state.ws.transaction() as con:
            con.execute("DELETE FROM ad_stats WHERE import_id = 'nothing-at-all'")
        c.app_state.jobs.after_write()
        _settle(c)
        assert not _pending(c.get(url).text)


def test_a_plan_error_reaches_the_page_through_the_placeholder(ws: Any) -> None:
    url = "/pilots/plan?metric=engagement_rate&mde=10%25&baseline_days=-5"
    with make_client(ws, warm=True) as c:
        _settle(c)
        assert _pending(c.get(url).text)
        _settle(c)
        r = c.get(url)
        assert r.status_code >= 400 and not _pending(r.text)
        assert 'class="msg msg-error"' in r.text and "positive number of days" in r.text


def test_without_placeholders_a_plan_is_computed_on_the_visit(ws: Any) -> None:
    with make_client(ws) as c:
        r = c.get("/pilots/plan?metric=engagement_rate&mde=15%25&history=all")
        assert r.status_code == 200 and not _pending(r.text) and "per variant" in r.text


@pytest.mark.browser
def test_the_placeholder_passes_axe_and_fills_itself(
    ws: Any, browser: Any, monkeypatch: Any
) -> None:
    from tests.web.workbench_samples import axe_violations, open_page

    from socialproof.web.pages import audit

    original = audit.plan_outcome

    def slow(*args: Any) -> Any:
        time.sleep(2.5)
        return original(*args)

    monkeypatch.setattr(audit, "plan_outcome", slow)
    server = LiveServer(ws)
    server.app.state.placeholders = True
    server.start()
    try:
        for width in (1280, 375):
            url = f"{server.url}/pilots/plan?metric=engagement_rate&mde={width}%25&history=all"
            page = open_page(browser, url, width=width, for_axe=True)
            try:
                assert page.locator(".pending [role=status]").count() == 1
                assert axe_violations(page) == []
                page.wait_for_selector("#plan-result h2", timeout=30_000)
                assert page.locator(".pending").count() == 0
                assert "per variant" in page.locator("#plan-result").inner_text()
            finally:
                page.context.close()
    finally:
        server.stop()


class _Ws:
    """What the result cache needs of a workspace: where its database file is."""

    def __init__(self, root: Path) -> None:
        self.db_path = root / "workspace.duckdb"


def _wait_idle(cache: Any) -> None:
    deadline = time.monotonic() + 30
    while cache.busy() and time.monotonic() < deadline:
        time.sleep(0.01)


def test_get_or_start_computes_once_in_the_background(tmp_path: Path) -> None:
    import threading

    from socialproof.web.cache import ResultCache

    cache, ws, calls = ResultCache(), _Ws(tmp_path), []
    release = threading.Event()

    def slow() -> int:
        release.wait(10)
        calls.append(1)
        return 42

    try:
        assert cache.get_or_start(ws, "k", slow) == (False, None)
        assert cache.get_or_start(ws, "k", slow) == (False, None)  # not started twice
        release.set()
        _wait_idle(cache)
        assert cache.get_or_start(ws, "k", slow) == (True, 42)
        assert calls == [1]
        ws.db_path.write_text("changed")  # a write: stale, computed again
        assert cache.get_or_start(ws, "k", slow) == (False, None)
        _wait_idle(cache)
        assert cache.get_or_start(ws, "k", slow) == (True, 42) and calls == [1, 1]
    finally:
        cache.shutdown()


def test_get_or_start_fails_loudly_and_does_not_pile_up(tmp_path: Path) -> None:
    import logging
    import threading

    from socialproof.web import cache as cache_module

    cache, ws = cache_module.ResultCache(), _Ws(tmp_path)

    def broken() -> int:
        raise ValueError("a bug")

    logging.getLogger("socialproof.web.cache").disabled = True
    try:
        assert cache.get_or_start(ws, "bad", broken) == (False, None)
        _wait_idle(cache)
        with pytest.raises(ValueError, match="a bug"):  # the next visit says it
            cache.get_or_start(ws, "bad", broken)
        release = threading.Event()
        for i in range(cache_module.MAX_STARTED):
            assert cache.get_or_start(ws, ("wait", i), lambda: release.wait(10)) == (False, None)
        # crowded: the next one is computed on the visit, as without placeholders
        assert cache.get_or_start(ws, "more", lambda: 7) == (True, 7)
        release.set()
    finally:
        logging.getLogger("socialproof.web.cache").disabled = False
        cache.shutdown()


def test_a_table_after_an_import_shows_a_placeholder_then_its_rows(ws: Any) -> None:
    with make_client(ws, warm=True) as c:
        _settle(c)
        assert not _pending(c.get("/campaigns?view=ads").text)  # prepared at start
        with c.app_state.ws.transaction() as con:  # an import the jobs have not seen yet
            con.execute(
                "INSERT INTO ad_stats SELECT * REPLACE (date_start + 1 AS date_start, "
                "date_stop + 1 AS date_stop, 'test-import' AS import_id) FROM ad_stats "
                "WHERE date_stop = (SELECT max(date_stop) FROM ad_stats)"
            )
        first = c.get("/campaigns?view=ads")
        assert first.status_code == 200 and _pending(first.text)
        assert 'hx-select="#table-result"' in first.text
        assert '<a href="/campaigns?view=ads">' in first.text
        _settle(c)
        done = c.get("/campaigns?view=ads")
        assert not _pending(done.text) and 'id="table-result"' in done.text
        assert "<table" in done.text and "Download" in done.text
        # a download never answers with a placeholder
        with c.app_state.ws.transaction() as con:
            con.execute("DELETE FROM ad_stats WHERE import_id = 'test-import'")
        csv = c.get("/campaigns?view=ads&download=csv")
        assert csv.status_code == 200 and "text/csv" in csv.headers["content-type"]
