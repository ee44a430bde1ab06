"""Site and PDF: the build form takes the theme, public address and paper size that
'portfolio build --theme --base-url' and 'portfolio pdf --size' take; the build's warnings
are shown, in the page's words."""

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
    ws = build_sample_workspace(tmp_path_factory.mktemp("build") / "ws", score=False)
    with make_client(ws) as c:
        yield c


def _build(c: Any, **form: str) -> Any:
    r = c.post("/portfolio/build", data={"csrf_token": c.csrf, **form}, follow_redirects=False)
    assert r.status_code == 303, r.text
    job = c.app_state.jobs.wait(r.headers["location"].rsplit("/", 1)[1], timeout=300)
    assert job.state == "done", job.error
    return job, re.sub(r"\s+", " ", html.unescape(c.get(r.headers["location"]).text))


def _page_size(path: Any) -> str:
    """The first page's size in points, e.g. 595x842 (A4)."""
    from pypdf import PdfReader

    box = PdfReader(path).pages[0].mediabox
    return f"{float(box.width):.0f}x{float(box.height):.0f}"


def test_build_with_the_theme_address_and_paper_size_chosen(built_client: Any) -> None:
    """The page built with the classic theme, no public address and A4 paper only; the
    build's sitemap warning was dropped (and it named --base-url)."""
    c = built_client
    root = c.app_state.ws.root
    form = c.get("/portfolio/built").text
    assert 'id="build-theme"' in form and 'id="build-base-url"' in form
    assert 'id="build-size"' in form
    _job, page = _build(c, theme="classic", base_url="", size="a4")
    assert "sitemap.xml lists relative addresses" in page and "Public address" in page
    assert "--base-url" not in page
    assert "<loc>index.html</loc>" in (root / "site" / "sitemap.xml").read_text()
    assert _page_size(root / "portfolio.pdf") == "595x842"  # A4 in points
    classic = (root / "site" / "style.css").read_text()

    _job, page = _build(c, theme="studio", base_url="https://sam.example/work/", size="letter")
    assert "sitemap.xml lists relative addresses" not in page
    sitemap = (root / "site" / "sitemap.xml").read_text()
    assert "<loc>https://sam.example/work/index.html</loc>" in sitemap
    assert 'content="https://sam.example/work/' in (root / "site" / "index.html").read_text()
    assert (root / "site" / "style.css").read_text() != classic
    assert _page_size(root / "portfolio.pdf") == "612x792"  # US Letter


@pytest.mark.parametrize(
    ("field", "typed", "says"),
    [
        ("theme", "neon", "Unknown theme 'neon'."),
        ("base_url", "sam.example", "The public address 'sam.example' is not a web address."),
        ("base_url", "javascript:alert(1)", "is not a web address."),
        ("size", "a3", "Unknown paper size 'a3'."),
    ],
)
def test_a_refused_build_choice_is_kept_and_marked(
    built_client: Any, field: str, typed: str, says: str
) -> None:
    c = built_client
    form = {"theme": "classic", "base_url": "", "size": "a4", field: typed}
    jobs_before = len(c.app_state.jobs.all())
    for htmx in (False, True):
        headers = {"HX-Request": "true"} if htmx else {}
        r = c.post("/portfolio/build", data={"csrf_token": c.csrf, **form}, headers=headers)
        assert r.status_code == 422, r.text
        text = html.unescape(r.text)
        assert says in text
        name = {"theme": "theme", "base_url": "base-url", "size": "size"}[field]
        marked = re.search(rf'<(?:input|select)[^>]*id="build-{name}"[^>]*>', r.text)
        assert marked is not None and 'aria-invalid="true"' in marked.group(0)
        if field == "base_url":
            assert f'value="{typed}"' in html.unescape(marked.group(0))
        else:
            assert re.search(rf'<option value="{typed}" selected>', r.text)
        assert r.text.count('aria-invalid="true"') == 1
        assert ("hx-swap-oob" in r.text) is htmx
    assert len(c.app_state.jobs.all()) == jobs_before  # nothing started


@pytest.fixture(scope="module")
def build_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    yield from serve(tmp_path_factory, score=False)


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_build_options_with_the_keyboard(browser: Any, build_server: Any, width: int) -> None:
    root = build_server.app.state.ws.root
    page = open_page(browser, build_server.url + "/portfolio/built", width=width, for_axe=True)
    try:
        assert axe_violations(page) == []
        page.locator("#build-base-url").fill("sam.example")
        page.get_by_role("button", name="Build the site and PDF").focus()
        page.keyboard.press("Enter")
        page.get_by_text("is not a web address").wait_for()
        assert page.locator("#build-base-url").get_attribute("aria-invalid") == "true"
        assert page.locator("#build-base-url").input_value() == "sam.example"
        assert axe_violations(page) == []
        page.locator("#build-base-url").fill("https://sam.example/")
        page.locator("#build-size").select_option("letter")
        page.get_by_role("button", name="Build the site and PDF").focus()
        page.keyboard.press("Enter")
        page.get_by_role("link", name="See the result").wait_for(timeout=120_000)
        assert page.locator("#build-base-url").get_attribute("aria-invalid") is None
        assert axe_violations(page) == []
    finally:
        page.context.close()
    assert "https://sam.example/index.html" in (root / "site" / "sitemap.xml").read_text()
