"""The audit form's Minimum base: 'socialproof audit --min-base' in the browser, and a
refused form that keeps what was typed."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
from tests.web.conftest import LiveServer, make_client
from tests.web.workbench_samples import axe_violations, open_page

# Invented posts: Charlie's 50 % rate stands on a reach of 50.
_POSTS = (
    "Post ID,Account ID,Account username,Account name,Description,Duration (sec),Publish time,"
    "Permalink,Post type,Data comment,Date,Views,Reach,Likes,Shares,Follows,Comments,Saves,"
    "Custom labels\n"
    "5001,900001,bakery.demo,Bakery Demo,Alpha post,0,01/05/2026 10:00,"
    "https://www.instagram.com/p/ALPHA/,IG image,,Lifetime,1500,1000,50,0,0,0,0,\n"
    "5002,900001,bakery.demo,Bakery Demo,Bravo post,0,01/06/2026 10:00,"
    "https://www.instagram.com/p/BRAVO/,IG image,,Lifetime,3000,2000,200,0,0,0,0,\n"
    "5003,900001,bakery.demo,Bakery Demo,Charlie post,0,01/14/2026 10:00,"
    "https://www.instagram.com/p/CHARLIE/,IG image,,Lifetime,80,50,25,0,0,0,0,\n"
    "5004,900001,bakery.demo,Bakery Demo,Delta post,0,01/15/2026 10:00,"
    "https://www.instagram.com/p/DELTA/,IG image,,Lifetime,600,400,4,0,0,0,0,\n"
)


def _import(ws: Any, tmp_path: Path) -> None:
    from socialproof.ingest.importer import import_paths

    path = tmp_path / "posts.csv"
    path.write_text(_POSTS, encoding="utf-8")
    (s,) = import_paths(ws, [path])
    assert s.status == "imported", s.error


@pytest.fixture
def client(workspace: Any, tmp_path: Path) -> Any:
    _import(workspace, tmp_path)
    with make_client(workspace) as c:
        yield c


def _audit(client: Any, **form: str) -> str:
    r = client.post("/audit", data={"csrf_token": client.csrf, **form}, follow_redirects=False)
    assert r.status_code == 303, r.text
    job = client.app_state.jobs.wait(r.headers["location"].rsplit("/", 1)[1], 120)
    assert job.state == "done", job.error
    return html.unescape(client.get(r.headers["location"]).text)


def test_the_minimum_base_ranks_the_posts_asked(client: Any) -> None:
    """'audit --min-base' had no field: the page always ranked from a base of 100, so an
    account of small posts could not see them ranked."""
    default = _audit(client, platform="instagram")
    every = _audit(client, platform="instagram", min_base="0")
    assert "Charlie post" not in default  # a reach of 50 is under 100: not ranked
    assert "Charlie post" in every
    high = _audit(client, platform="instagram", min_base="1500")
    assert "Bravo post" in high and "Alpha post" not in high


@pytest.mark.parametrize(
    ("form", "field", "says"),
    [
        ({"min_base": "-5"}, "min_base", "Minimum base must be 0 or more, not -5."),
        ({"min_base": "lots"}, "min_base", "Minimum base must be a number, not 'lots'."),
        ({"since": "2026-02-01", "until": "2026-01-01"}, "until", "is after To"),
    ],
)
def test_a_refused_audit_form_keeps_what_was_typed(
    client: Any, form: dict[str, str], field: str, says: str
) -> None:
    r = client.post("/audit", data={"csrf_token": client.csrf, "platform": "instagram", **form})
    assert r.status_code == 422
    assert says in html.unescape(r.text) and "--min-base" not in r.text
    marked = re.search(rf'<input [^>]*id="{field}"[^>]*>', r.text)
    assert marked is not None and 'aria-invalid="true"' in marked.group(0)
    assert f'value="{form[field]}"' in marked.group(0)
    assert '<option value="instagram" selected>' in r.text
    assert client.app_state.jobs.all() == []


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_minimum_base_with_the_keyboard(
    browser: Any, workspace: Any, tmp_path: Path, width: int
) -> None:
    _import(workspace, tmp_path)
    server = LiveServer(workspace).start()
    page = open_page(browser, server.url + "/audit", width=width, for_axe=True)
    try:
        page.locator("#min_base").fill("-1")
        page.locator("#min_base").press("Enter")
        page.get_by_text("Minimum base must be 0 or more, not -1.").wait_for()
        assert page.locator("#min_base").get_attribute("aria-invalid") == "true"
        assert page.locator("#min_base").input_value() == "-1"
        assert axe_violations(page) == []
        page.locator("#min_base").fill("0")
        page.locator("#min_base").press("Enter")
        page.get_by_text("Charlie post").first.wait_for(timeout=60_000)
    finally:
        page.context.close()
        server.stop()
