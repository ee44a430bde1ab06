"""The calendar's Platform and the exports' Posts not cleared too: 'socialproof calendar
--platform --include-uncleared' in the browser."""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.web.conftest import make_client
from tests.web.workbench_samples import axe_violations, build_sample_workspace, open_page, serve

WINTER = "2026-12-07-winter-menu.md"
WEEK = "/content/calendar?view=week&start=2026-12-07"


@pytest.fixture
def content_client(tmp_path: Path) -> Iterator[Any]:
    ws = build_sample_workspace(tmp_path / "ws", score=False)
    with make_client(ws) as c:
        yield c


def _select(page: str, name: str) -> str:
    found = re.search(rf'<select id="{name}"[^>]*>.*?</select>', page, re.S)
    assert found is not None, page
    return found.group(0)


def test_the_calendar_shows_one_platform(content_client: Any) -> None:
    """'calendar --platform' had no field: the page always planned every platform together,
    so a platform's own cadence, gaps and clashes could not be read."""
    c = content_client
    every = c.get(WEEK).text
    assert "We are hiring baristas" in every and "Barista tip" in every
    page = c.get(WEEK + "&platform=Instagram")
    assert page.status_code == 200 and "aria-invalid" not in page.text
    for title in ("Winter menu launch", "Cardamom bun close-up", "Coffee fund collab"):
        assert title in page.text
    for title in ("We are hiring baristas", "Barista tip", "Saturday tasting event"):
        assert title not in page.text
    assert '<option value="instagram" selected>' in _select(page.text, "platform")
    cadence = page.text.split("Cadence: posts per week", 1)[1].split("</table>", 1)[0]
    cadence = cadence.lower()
    assert "instagram" in cadence and "linkedin" not in cadence and "tiktok" not in cadence, cadence
    # the period links and the move form keep the platform
    assert 'start=2026-12-14&amp;platform=instagram">Next week' in page.text
    assert 'name="platform" value="instagram"' in page.text
    r = c.post(
        "/content/calendar/move",
        data={
            "csrf_token": c.csrf,
            "name": WINTER,
            "day": "2026-12-08",
            "view": "week",
            "start": "2026-12-07",
            "platform": "instagram",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert (
        r.headers["location"] == "/content/calendar?view=week&start=2026-12-07&platform=instagram"
    )


def test_a_refused_platform_is_kept_and_marked(content_client: Any) -> None:
    r = content_client.get(WEEK + "&platform=%3Cb%3Emyspace")
    assert r.status_code == 422
    text = html.unescape(r.text)
    assert "Platform: unknown platform '<b>myspace'." in text and "Showing every platform." in text
    assert "<b>myspace" not in r.text
    select = _select(r.text, "platform")
    assert 'aria-invalid="true"' in select
    assert '<option value="&lt;b&gt;myspace" selected>' in select
    assert "We are hiring baristas" in r.text  # every platform, as it says
    assert "platform=" not in r.text.split('aria-label="Calendar period"', 1)[1].split("</nav>")[0]


def test_exports_take_posts_not_cleared_when_asked(content_client: Any) -> None:
    """'calendar --include-uncleared' had no field: a draft plan for a client or a calendar
    app could not hold posts still waiting for approval."""
    c = content_client
    cleared = c.get("/content/exports/download?kind=buffer&view=all&platform=instagram")
    assert cleared.text.strip() == "Text,Image URL,Tags,Posting Time"
    page = c.get("/content/exports?kind=buffer&view=all&platform=instagram&uncleared=1")
    assert page.status_code == 200
    assert re.search(r'<input type="checkbox" id="uncleared"[^>]*checked', page.text)
    assert "Posts not cleared are in this file:" in page.text
    assert "3 planned posts go into it" in page.text and "Do not publish from it." in page.text
    link = re.search(r'href="(/content/exports/download\?[^"]*)"', page.text)
    assert link is not None and "uncleared=1" in link.group(1)
    every = c.get(html.unescape(link.group(1)))
    assert every.status_code == 200
    rows = list(csv.DictReader(io.StringIO(every.text)))
    assert len(rows) == 3 and rows[0]["Text"].startswith("Our winter menu is here")
    ical = c.get("/content/exports/download?kind=ical&view=all&uncleared=1").text
    # the six planned posts, none cleared: each an event marked tentative
    assert ical.count("BEGIN:VEVENT") == 6 and ical.count("STATUS:TENTATIVE") == 6
    plain = c.get("/content/exports?kind=ical&view=all").text
    assert "0 cleared posts go into the file" in plain and "Posts not cleared are in" not in plain


def test_the_calendar_downloads_as_the_html_file_the_cli_writes(
    content_client: Any, cli: Any, tmp_path: Path
) -> None:
    """'calendar --html' had no browser equivalent: the plan could not be sent to a client."""
    c = content_client
    ws = c.app_state.ws
    page = c.get(WEEK + "&platform=instagram").text
    link = re.search(r'href="(/content/calendar\.html\?[^"]*)" download', page)
    assert link is not None and "platform=instagram" in link.group(1)
    got = c.get(html.unescape(link.group(1)))
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/html")
    assert got.headers["content-disposition"] == 'attachment; filename="calendar.html"'
    out = tmp_path / "calendar.html"
    done = cli(
        "calendar",
        "--start",
        "2026-12-07",
        "--platform",
        "instagram",
        "--html",
        str(out),
        "--workspace",
        str(ws.root),
    )
    assert done.exit_code == 0, done

    def same(text: str) -> str:
        return re.sub(r"<footer>.*?</footer>", "", text, flags=re.S)

    assert same(got.text) == same(out.read_text(encoding="utf-8"))
    assert "Winter menu launch" in got.text and "We are hiring baristas" not in got.text
    assert c.get("/content/calendar.html?platform=myspace").status_code == 400
    assert c.get("/content/calendar.html?view=year").status_code == 422


@pytest.fixture(scope="module")
def sample_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    yield from serve(tmp_path_factory, score=False)


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_platform_and_uncleared_with_the_keyboard(
    browser: Any, sample_server: Any, width: int
) -> None:
    page = open_page(
        browser, sample_server.url + WEEK + "&platform=myspace", width=width, for_axe=True
    )
    try:
        assert page.locator("#platform").get_attribute("aria-invalid") == "true"
        assert axe_violations(page) == []
        page.locator("#platform").select_option("linkedin")
        page.get_by_role("button", name="Show", exact=True).press("Enter")
        page.wait_for_url(re.compile(r"platform=linkedin"))
        assert page.locator("#platform").get_attribute("aria-invalid") is None
        days = page.locator("ul.cal").inner_text()
        assert "We are hiring baristas" in days and "Winter menu launch" not in days
        assert axe_violations(page) == []
        page.goto(sample_server.url + "/content/exports?kind=ical")
        page.locator("#uncleared").press("Space")
        page.get_by_role("button", name="Show", exact=True).press("Enter")
        page.wait_for_url(re.compile(r"uncleared=1"))
        page.get_by_text("Posts not cleared are in this file:").wait_for()
        assert axe_violations(page) == []
    finally:
        page.context.close()
