"""The Posts page's choices: 'socialproof report posts --group-by --period --kpis --by
--min-base --bottom' in the browser."""

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

# Invented posts: interactions are the likes alone, so engagement rate by reach is
# likes / reach: Alpha 5 %, Bravo 10 %, Charlie 50 % (a reach of 50), Delta 1 %.
_POSTS = (
    "Post ID,Account ID,Account username,Account name,Description,Duration (sec),Publish time,"
    "Permalink,Post type,Data comment,Date,Views,Reach,Likes,Shares,Follows,Comments,Saves,"
    "Custom labels\n"
    "5001,900001,bakery.demo,Bakery Demo,Alpha post,0,01/05/2026 10:00,"
    "https://www.instagram.com/p/ALPHA/,IG carousel,,Lifetime,1500,1000,50,0,0,0,0,\n"
    "5002,900001,bakery.demo,Bakery Demo,Bravo post,20,01/06/2026 10:00,"
    "https://www.instagram.com/reel/BRAVO/,IG reel,,Lifetime,3000,2000,200,0,0,0,0,\n"
    "5003,900001,bakery.demo,Bakery Demo,Charlie post,20,01/14/2026 10:00,"
    "https://www.instagram.com/reel/CHARLIE/,IG reel,,Lifetime,80,50,25,0,0,0,0,\n"
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
def posts(workspace: Any, tmp_path: Path) -> Any:
    _import(workspace, tmp_path)
    with make_client(workspace) as c:
        yield c


def _titles(client: Any, **params: str) -> list[str]:
    r = client.get("/posts", params={**params, "download": "csv"})
    assert r.status_code == 200, r.text
    return [row["title"] for row in csv.DictReader(io.StringIO(r.text))]


def _field(html_text: str, name: str) -> str:
    found = re.search(rf'<(?:input|select)[^>]*id="{name}"[^>]*>', html_text)
    assert found is not None, html_text
    return found.group(0)


def test_posts_rank_with_a_minimum_base_and_weakest_first(posts: Any) -> None:
    """The page listed every post by the default rate: 'report posts --min-base --bottom
    --by' had no field, so a 50 % rate on a reach of 50 topped the list for good."""
    assert _titles(posts) == ["Charlie post", "Bravo post", "Alpha post", "Delta post"]
    assert _titles(posts, min_base="100") == ["Bravo post", "Alpha post", "Delta post"]
    assert _titles(posts, min_base="100", bottom="1") == ["Delta post", "Alpha post", "Bravo post"]
    assert _titles(posts, rank="reach") == [
        "Bravo post",
        "Alpha post",
        "Delta post",
        "Charlie post",
    ]
    page = posts.get("/posts", params={"min_base": "100", "bottom": "1", "rank": "reach"})
    assert page.status_code == 200 and "aria-invalid" not in page.text
    text = html.unescape(page.text)
    assert 'value="100"' in _field(page.text, "min_base")
    assert "checked" in _field(page.text, "bottom")
    assert re.search(r'<option value="reach" selected>', page.text)
    # reach is no rate: no post is left out for its base
    assert "Charlie post" in text
    rate = html.unescape(posts.get("/posts", params={"min_base": "100"}).text)
    assert "1 post with reach under 100 is not ranked" in rate and "--min-base" not in rate
    assert "a blank Minimum base lists every post" in rate
    link = re.search(r'href="([^"]*download=)csv"', page.text)
    assert link is not None and "min_base=100" in link.group(1) and "bottom=1" in link.group(1)


def test_a_minimum_base_no_post_reaches_says_what_to_do(posts: Any) -> None:
    r = posts.get("/posts", params={"min_base": "5000"})
    text = html.unescape(r.text)
    assert "No post has reach of 5,000 or more to rank by" in text
    assert "leave Minimum base blank to list every post" in text and "--min-base" not in text


def test_posts_group_by_per_period_with_the_kpis_chosen(posts: Any) -> None:
    """'report posts --group-by --period --kpis' had no field: the page only listed posts."""
    r = posts.get(
        "/posts", params={"group_by": "Format", "kpis": "reach, interactions", "download": "csv"}
    )
    assert r.status_code == 200, r.text
    rows = list(csv.DictReader(io.StringIO(r.text)))
    got = {row["format"]: (float(row["Reach"]), float(row["Interactions"])) for row in rows}
    assert got == {"carousel": (1000, 50), "reel": (2050, 225), "image": (400, 4)}
    assert "Impressions" not in rows[0] and "title" not in rows[0]
    weekly = posts.get("/posts", params={"group_by": "week", "kpis": "interactions"})
    assert weekly.status_code == 200, weekly.text
    assert 'value="week"' in _field(weekly.text, "group_by") and "aria-invalid" not in weekly.text
    rows = list(
        csv.DictReader(
            io.StringIO(posts.get("/posts", params={"period": "week", "download": "csv"}).text)
        )
    )
    # 5 and 6 January in one week (250 interactions), 14 and 15 January in the next (29)
    assert sorted(float(row["Interactions"]) for row in rows) == [29, 250]


@pytest.mark.parametrize(
    ("params", "field", "says"),
    [
        ({"group_by": "planet, format"}, "group_by", "Group by cannot group posts by 'planet'."),
        ({"group_by": "week", "period": "month"}, "group_by", "Group by and Per name different"),
        ({"kpis": "reach, spend"}, "kpis", "KPI 'spend' does not apply to posts"),
        ({"rank": "cpm"}, "rank", "KPI 'cpm' does not apply to posts"),
        ({"rank": "<b>x</b>"}, "rank", "Unknown KPI '<b>x</b>'."),
        ({"min_base": "-1"}, "min_base", "Minimum base must be 0 or more, not -1."),
        ({"min_base": "nan"}, "min_base", "Minimum base must be 0 or more, not nan."),
        ({"min_base": "lots"}, "min_base", "Minimum base must be a number, not 'lots'."),
    ],
)
def test_a_refused_posts_choice_is_kept_and_marked(
    posts: Any, params: dict[str, str], field: str, says: str
) -> None:
    r = posts.get("/posts", params=params)
    assert r.status_code == 422, r.text
    text = html.unescape(r.text)
    assert says in text and "--" not in re.sub(r"<!--.*?-->", "", text.split("<main", 1)[1])
    assert "<b>x</b>" not in r.text
    marked = _field(r.text, field)
    assert 'aria-invalid="true"' in marked
    if field == "rank":
        assert re.search(
            rf'<option value="{re.escape(html.escape(params[field]))}" selected>', r.text
        )
    else:
        assert f'value="{params[field]}"' in html.unescape(marked)
    others = [f for f in ("group_by", "kpis", "rank", "min_base") if f != field]
    assert all("aria-invalid" not in _field(r.text, f) for f in others)


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_posts_choices_with_the_keyboard(
    browser: Any, workspace: Any, tmp_path: Path, width: int
) -> None:
    _import(workspace, tmp_path)
    server = LiveServer(workspace).start()
    page = open_page(browser, server.url + "/posts", width=width, for_axe=True)
    try:
        assert axe_violations(page) == []
        page.locator("#min_base").fill("some")
        page.locator("#min_base").press("Enter")
        page.get_by_text("Minimum base must be a number, not 'some'.").wait_for()
        assert page.locator("#min_base").get_attribute("aria-invalid") == "true"
        assert page.locator("#min_base").input_value() == "some"
        assert axe_violations(page) == []
        page.locator("#min_base").fill("100")
        page.locator("#bottom").check()
        page.locator("#min_base").press("Enter")
        page.wait_for_url(re.compile(r"min_base=100"))
        assert page.locator("#min_base").get_attribute("aria-invalid") is None
        assert page.locator("#bottom").is_checked()
        body = page.locator("table tbody").inner_text()
        assert "Charlie" not in body
        assert body.index("Delta") < body.index("Alpha") < body.index("Bravo")
        assert axe_violations(page) == []
        page.locator("#group_by").fill("format")
        page.locator("#group_by").press("Enter")
        page.wait_for_url(re.compile(r"group_by=format"))
        assert page.locator("table tbody tr").count() == 3
        assert axe_violations(page) == []
    finally:
        page.context.close()
        server.stop()
