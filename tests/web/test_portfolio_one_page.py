"""Site and PDF: 'portfolio pdf --one-page' in the browser (a one-page summary for
applications)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
from tests.web.conftest import make_client
from tests.web.workbench_samples import axe_violations, build_sample_workspace, open_page, serve


@pytest.fixture(scope="module")
def built_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    ws = build_sample_workspace(tmp_path_factory.mktemp("onepage") / "ws", score=False)
    with make_client(ws) as c:
        yield c


def _pages(path: Any) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def _build(c: Any, **form: str) -> str:
    r = c.post("/portfolio/build", data={"csrf_token": c.csrf, **form}, follow_redirects=False)
    assert r.status_code == 303, r.text
    job = c.app_state.jobs.wait(r.headers["location"].rsplit("/", 1)[1], timeout=300)
    assert job.state == "done", job.error
    return html.unescape(c.get(r.headers["location"]).text)


def test_the_pdf_is_built_as_a_one_page_summary_when_asked(built_client: Any) -> None:
    """The page built the full PDF only: 'portfolio pdf --one-page' had no field."""
    c = built_client
    pdf = c.app_state.ws.root / "portfolio.pdf"
    form = {"theme": "classic", "base_url": "", "size": "a4"}
    _build(c, **form)
    full = _pages(pdf)
    assert full > 1
    _build(c, **form, one_page="1")
    assert _pages(pdf) == 1
    # a refused build keeps the box ticked
    r = c.post(
        "/portfolio/build",
        data={"csrf_token": c.csrf, **form, "base_url": "nowhere", "one_page": "1"},
    )
    assert r.status_code == 422
    assert re.search(r'<input type="checkbox" id="build-one-page"[^>]*checked', r.text)
    unticked = c.get("/portfolio/built").text
    assert re.search(r'<input type="checkbox" id="build-one-page"[^>]*>', unticked)
    assert not re.search(r'<input type="checkbox" id="build-one-page"[^>]*checked', unticked)


@pytest.fixture(scope="module")
def build_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    yield from serve(tmp_path_factory, score=False)


@pytest.mark.browser
def test_one_page_with_the_keyboard(browser: Any, build_server: Any) -> None:
    pdf = build_server.app.state.ws.root / "portfolio.pdf"
    page = open_page(browser, build_server.url + "/portfolio/built", width=375, for_axe=True)
    try:
        page.locator("#build-one-page").press("Space")
        assert page.locator("#build-one-page").is_checked()
        assert axe_violations(page) == []
        page.get_by_role("button", name="Build the site and PDF").press("Enter")
        page.get_by_role("link", name="See the result").wait_for(timeout=120_000)
        assert axe_violations(page) == []
    finally:
        page.context.close()
    assert _pages(pdf) == 1
