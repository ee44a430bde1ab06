"""Campaigns > Creators: 'socialproof report creators --mapping FILE' in the browser."""

from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path
from typing import Any

import pytest
from tests.web.conftest import LiveServer, make_client
from tests.web.workbench_samples import axe_violations, open_page

# Invented posts without creator labels; the mapping names whose they are.
_POSTS = (
    "Post ID,Account ID,Account username,Account name,Description,Duration (sec),Publish time,"
    "Permalink,Post type,Data comment,Date,Views,Reach,Likes,Shares,Follows,Comments,Saves,"
    "Custom labels\n"
    "5001,900001,bakery.demo,Bakery Demo,Alpha #ad,0,01/05/2026 10:00,"
    "https://www.instagram.com/p/ALPHA/,IG image,,Lifetime,1500,1000,50,0,0,0,0,\n"
    "5002,900001,bakery.demo,Bakery Demo,Bravo #ad,0,01/06/2026 10:00,"
    "https://www.instagram.com/p/BRAVO/,IG image,,Lifetime,3000,2000,200,0,0,0,0,\n"
    "5003,900001,bakery.demo,Bakery Demo,Charlie #ad,0,01/14/2026 10:00,"
    "https://www.instagram.com/p/CHARLIE/,IG image,,Lifetime,80,50,25,0,0,0,0,\n"
)
_MAPPING = "creator,post_id,fee\nRiver Stone,5001,200\nRiver Stone,5002,\nJune Park,5003,50\n"
URL = "/campaigns"


def _setup(ws: Any, tmp_path: Path) -> None:
    from socialproof.ingest.importer import import_paths

    path = tmp_path / "posts.csv"
    path.write_text(_POSTS, encoding="utf-8")
    (s,) = import_paths(ws, [path])
    assert s.status == "imported", s.error
    (ws.root / "creators.csv").write_text(_MAPPING, encoding="utf-8")
    (ws.root / "empty.csv").write_text("creator,post_id\n", encoding="utf-8")


@pytest.fixture
def client(workspace: Any, tmp_path: Path) -> Any:
    _setup(workspace, tmp_path)
    with make_client(workspace) as c:
        yield c


def _field(page: str) -> str:
    found = re.search(r'<input [^>]*id="mapping"[^>]*>', page)
    assert found is not None, page
    return found.group(0)


def test_creators_are_read_from_the_mapping_file(client: Any, workspace: Any) -> None:
    """'report creators --mapping' had no field: posts without 'creator:' labels could not
    be tied to their creators on the page."""
    unmapped = client.get(URL, params={"view": "creators"})
    assert "River Stone" not in unmapped.text and "aria-invalid" not in unmapped.text
    page = client.get(URL, params={"view": "creators", "mapping": "creators.csv"})
    assert page.status_code == 200, page.text
    assert 'value="creators.csv"' in _field(page.text) and "aria-invalid" not in page.text
    link = re.search(r'href="([^"]*download=)csv"', page.text)
    assert link is not None and "mapping=creators.csv" in link.group(1)
    rows = list(csv.DictReader(io.StringIO(client.get(html.unescape(link.group(1)) + "csv").text)))
    reach = next(c for c in rows[0] if c.lower() == "reach")
    posts = next(c for c in rows[0] if c.lower() == "posts")
    got = {r["creator"]: (int(float(r[posts])), float(r[reach])) for r in rows}
    # River Stone: posts 5001 and 5002 (reach 1,000 + 2,000); June Park: 5003 (50)
    assert got == {"River Stone": (2, 3000.0), "June Park": (1, 50.0)}
    # the file changed: the page reads it again (not the report kept for the old file)
    (workspace.root / "creators.csv").write_text(
        "creator,post_id\nJune Park,5001\n", encoding="utf-8"
    )
    again = client.get(URL, params={"view": "creators", "mapping": "creators.csv"})
    assert "River Stone" not in again.text and "June Park" in again.text


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("nope.csv", "Creator mapping: there is no file 'nope.csv' in the workspace."),
        ("../../etc/passwd", "points outside the workspace"),
        ("empty.csv", "has no rows"),
    ],
)
def test_a_refused_mapping_is_kept_and_marked(client: Any, typed: str, says: str) -> None:
    r = client.get(URL, params={"view": "creators", "mapping": typed})
    assert 400 <= r.status_code < 500, r.text
    text = html.unescape(r.text)
    assert says in text and "--mapping" not in text
    field = _field(r.text)
    assert 'aria-invalid="true"' in field and f'value="{typed}"' in field


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_creator_mapping_with_the_keyboard(
    browser: Any, workspace: Any, tmp_path: Path, width: int
) -> None:
    _setup(workspace, tmp_path)
    server = LiveServer(workspace).start()
    page = open_page(browser, server.url + URL + "?view=creators", width=width, for_axe=True)
    try:
        page.locator("#mapping").fill("missing.csv")
        page.locator("#mapping").press("Enter")
        page.get_by_text("Creator mapping: there is no file 'missing.csv'").wait_for()
        assert page.locator("#mapping").get_attribute("aria-invalid") == "true"
        assert axe_violations(page) == []
        page.locator("#mapping").fill("creators.csv")
        page.locator("#mapping").press("Enter")
        page.locator("table").get_by_text("River Stone").wait_for()
        assert page.locator("#mapping").get_attribute("aria-invalid") is None
        assert axe_violations(page) == []
    finally:
        page.context.close()
        server.stop()
