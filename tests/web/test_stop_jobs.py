"""Stop for the long jobs besides imports: scoring, themes, the market analysis, the
portfolio build and Analyse a file. A stopped job says so and leaves the workspace as it
was (its worker process is ended before it commits; the portfolio's site and PDF are
replaced only once both are built)."""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from tests.web.conftest import make_client
from tests.web.workbench_samples import axe_violations, build_sample_workspace, open_page, serve

STOPPED = "Stopped: nothing was written; the workspace is as it was before."


@pytest.fixture(scope="module")
def sample_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    ws = build_sample_workspace(tmp_path_factory.mktemp("stop") / "ws", score=False)
    with make_client(ws) as c:
        yield c


def _state(ws: Any) -> dict[str, Any]:
    """Every table's rows and every file of the workspace (but the database's), as digests."""
    seen: dict[str, Any] = {}
    with ws.connect(read_only=True) as con:
        for (table,) in con.execute("SHOW TABLES").fetchall():
            rows = con.execute(f'SELECT * FROM "{table}"').fetchall()  # noqa: S608
            seen[table] = sorted(hashlib.sha256(repr(r).encode()).hexdigest() for r in rows)
    for path in sorted(ws.root.rglob("*")):
        name = path.relative_to(ws.root).as_posix()
        if path.is_file() and not name.startswith(("workspace.duckdb", ".lock", ".generation")):
            seen[name] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.is_dir():
            seen[name] = "folder"
    return seen


def _wait_running(job: Any) -> None:
    deadline = time.monotonic() + 60
    while job.state == "queued" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert job.state == "running"


@pytest.mark.parametrize(
    ("url", "title"),
    [
        ("/community/score", "Score new member messages"),
        ("/community/themes/find", "Find conversation themes"),
        ("/career/market/analyse", "Analyse job postings"),
        ("/portfolio/build", "Build the portfolio site and PDF"),
    ],
)
def test_stop_a_long_job_from_its_page(sample_client: Any, url: str, title: str) -> None:
    """Only imports could be stopped: scoring, themes, the market analysis and the portfolio
    build ran to their end once started."""
    c = sample_client
    ws = c.app_state.ws
    before = _state(ws)
    with ws.gate.writing():  # the job waits for its turn, as behind a long write
        r = c.post(url, data={"csrf_token": c.csrf, "k": "auto"}, follow_redirects=False)
        assert r.status_code == 303, r.text
        where = r.headers["location"]
        job = c.app_state.jobs.get(where.rsplit("/", 1)[1])
        _wait_running(job)
        page = c.get(where).text
        assert f'action="/jobs/{job.id}/stop"' in page
        assert f'aria-label="Stop: {title}">Stop</button>' in page
        r = c.post(f"/jobs/{job.id}/stop", data={"csrf_token": c.csrf})
        assert r.status_code == 200 and "Stopping" in r.text
        # ended at once, or at the worker's next look at the Stop (within half a second)
        assert re.search(r"</strong>:\s*(stopping|stopped)", r.text)
        assert f"/jobs/{job.id}/stop" not in r.text
    job = c.app_state.jobs.wait(job.id, timeout=120)
    assert job.state == "failed" and job.error == STOPPED
    page = re.sub(r"\s+", " ", c.get(where).text)
    assert f"{title}</strong>: stopped" in page and STOPPED in page
    assert "See the result" not in page and "Traceback" not in page
    assert _state(ws) == before
    assert not list(ws.root.glob(".portfolio-build-*")) and not list(ws.root.glob(".site-*"))


def test_the_portfolio_build_replaces_site_and_pdf_only_when_both_are_made(
    sample_client: Any,
) -> None:
    """The build goes through a staging folder now: a finished build still puts the site
    and the PDF in place, and leaves no staging folder behind."""
    c = sample_client
    ws = c.app_state.ws
    r = c.post("/portfolio/build", data={"csrf_token": c.csrf}, follow_redirects=False)
    job = c.app_state.jobs.wait(r.headers["location"].rsplit("/", 1)[1], timeout=300)
    assert job.state == "done", job.error
    assert "Sam Rivera" in (ws.root / "site" / "index.html").read_text(encoding="utf-8")
    assert (ws.root / "portfolio.pdf").read_bytes().startswith(b"%PDF")
    assert not list(ws.root.glob(".portfolio-build-*"))
    # a stopped build now leaves this site and PDF as they are
    test_stop_a_long_job_from_its_page(c, "/portfolio/build", "Build the portfolio site and PDF")
    assert (ws.root / "site" / "index.html").is_file()


def test_stop_an_analysis_of_a_file(sample_client: Any) -> None:
    """Analyse a file could not be stopped either; stopped, its page says so."""
    c = sample_client
    r = c.post(
        "/community/analyse",
        data={"csrf_token": c.csrf, "pasted": "Love it\nWhere is my parcel?\n"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    choose = r.headers["location"]
    release = threading.Event()
    busy = c.app_state.jobs.submit("Slow job", lambda _job: release.wait(60))
    try:  # the analysis waits behind another job
        r = c.post(choose, data={"csrf_token": c.csrf, "task": "sentiment"}, follow_redirects=False)
        where = r.headers["location"]
        assert re.fullmatch(r"/community/analysis/[0-9a-f]+", where)
        job = c.app_state.jobs.get(where.rsplit("/", 1)[1])
        page = c.get(where).text
        assert 'aria-label="Stop: Sentiment of pasted text.txt">Stop</button>' in page
        r = c.post(f"/jobs/{job.id}/stop", data={"csrf_token": c.csrf}, follow_redirects=False)
        assert r.headers["location"] == where  # back to the analysis's own page
    finally:
        release.set()
    assert c.app_state.jobs.wait(busy.id).state == "done"
    job = c.app_state.jobs.wait(job.id, timeout=60)
    assert job.state == "failed" and "Stopped" in str(job.error) and job.result is None
    page = re.sub(r"\s+", " ", c.get(where).text)
    assert "pasted text.txt</strong>: stopped" in page
    # not stopped, the same analysis runs in the worker process to its end
    r = c.post(choose, data={"csrf_token": c.csrf, "task": "sentiment"}, follow_redirects=False)
    job = c.app_state.jobs.wait(r.headers["location"].rsplit("/", 1)[1], timeout=300)
    assert job.state == "done", job.error
    assert [row["text"] for row in job.result["rows"]] == ["Love it", "Where is my parcel?"]
    assert job.result["rows"][0]["label"] == "positive"


# -- in Chromium -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stop_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    yield from serve(tmp_path_factory, score=False)


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_stop_the_scoring_in_the_browser(browser: Any, stop_server: Any, width: int) -> None:
    """Score new messages on the Moderation page, then Stop it with the keyboard."""
    ws = stop_server.app.state.ws
    page = open_page(browser, stop_server.url + "/community/moderation", width=width, for_axe=True)
    try:
        page.wait_for_load_state("networkidle")
        with ws.gate.writing():  # the scoring waits for its turn, as behind a long write
            page.get_by_role("button", name="Score new messages").first.click()
            stop = page.get_by_role("button", name="Stop: Score new member messages")
            stop.wait_for(timeout=60_000)
            assert axe_violations(page) == []
            stop.focus()
            page.keyboard.press("Enter")
            page.wait_for_url(re.compile(r"/jobs/[0-9a-f]+$"))
        page.get_by_text(STOPPED).wait_for(timeout=60_000)
        assert "stopped" in page.locator(".job").inner_text()
        assert axe_violations(page) == []
    finally:
        page.context.close()
    with ws.connect(read_only=True) as con:
        assert con.execute("SELECT count(*) FROM message_scores").fetchone()[0] == 0
