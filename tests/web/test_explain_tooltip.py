"""The dashboard's "rows and sums behind this figure": explain_kpi with the card's filters."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
from tests.web.conftest import make_client

ADS = Path(__file__).resolve().parents[1] / "data" / "web" / "meta_ads_two_weeks.csv"
WEEK_TWO = {"range": "custom", "start": "2026-03-08", "end": "2026-03-14"}


@pytest.fixture
def ads_client(workspace: Any) -> Any:
    from socialproof.ingest.importer import import_paths, read_context

    (summary,) = import_paths(workspace, [ADS], ctx=read_context(workspace, account="acme"))
    assert summary.status == "imported", summary.error
    with make_client(workspace) as c:
        yield c


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _files(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file()
    }


def _links(page: str) -> list[str]:
    return [html.unescape(u) for u in re.findall(r'hx-get="(/dashboard/explain\?[^"]+)"', page)]


def test_each_figure_links_to_its_explanation_with_the_dashboard_filters(ads_client: Any) -> None:
    page = ads_client.get("/dashboard", params=WEEK_TWO).text
    links = _links(page)
    assert links, "no explain link on the dashboard"
    ctr = [u for u in links if "kpi=ctr_link" in u]
    assert len(ctr) == 1
    for part in ("kind=paid", "platform=meta", "account=acme", "since=2026-03-08"):
        assert part in ctr[0]
    assert "until=2026-03-14" in ctr[0]
    for url in links:  # every figure shown can be explained
        r = ads_client.get(url, headers={"HX-Request": "true"})
        assert r.status_code == 200, (url, r.text[:300])


def test_explanation_shows_the_sums_and_rows_behind_the_figure(ads_client: Any) -> None:
    (url,) = [
        u for u in _links(ads_client.get("/dashboard", params=WEEK_TWO).text) if "ctr_link" in u
    ]
    fragment = ads_client.get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    text = _flat(fragment.text)
    assert "<html" not in text  # a fragment for htmx to swap in
    # week two: 7 days x 150 link clicks over 7 x 10,000 impressions
    assert "1,050" in text
    assert "70,000" in text
    assert "Rows used: 7 of 7 in scope." in text
    assert text.count("2026-03-0") + text.count("2026-03-1") >= 7  # the rows are listed
    assert "2026-03-07" not in text.split("Rows used")[1]  # week one is not among them
    # user text from the export is escaped
    assert "Spring <b>Launch" not in fragment.text
    assert "Spring &lt;b&gt;Launch" in fragment.text
    # without htmx the same link is a whole page
    full = ads_client.get(url)
    assert full.status_code == 200
    assert "<html" in full.text and "1,050" in full.text


def test_spend_is_a_plain_sum(ads_client: Any) -> None:
    (url,) = [
        u for u in _links(ads_client.get("/dashboard", params=WEEK_TWO).text) if "kpi=spend&" in u
    ]
    text = _flat(ads_client.get(url, headers={"HX-Request": "true"}).text)
    assert "1,050" in text  # 7 x 150.00
    assert "750" not in text  # not both weeks (7 x 100 + 7 x 150 = 1,750)


def test_explain_get_writes_nothing(ads_client: Any, workspace: Any) -> None:
    ads_client.get("/dashboard", params=WEEK_TWO)  # let the page settle anything it keeps
    before = _files(workspace.root)
    for url in _links(ads_client.get("/dashboard", params=WEEK_TWO).text):
        ads_client.get(url)
    assert _files(workspace.root) == before


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ({"kpi": "no_such_kpi", "kind": "paid"}, "no_such_kpi"),
        ({"kpi": "spend", "kind": "sideways"}, "kind must be one of"),
        ({"kpi": "spend", "kind": "paid", "since": "yesterday"}, "is not a date"),
        ({"kpi": "spend", "kind": "paid", "since": "2026-03-14", "until": "2026-03-01"}, "after"),
        ({"kind": "paid"}, "Name the KPI"),
    ],
)
def test_bad_input_is_a_clear_message(ads_client: Any, params: dict[str, str], needle: str) -> None:
    r = ads_client.get("/dashboard/explain", params=params)
    assert 400 <= r.status_code < 500
    assert needle in html.unescape(r.text)
    assert "Traceback" not in r.text


def test_empty_workspace_says_there_is_nothing_to_explain(client: Any) -> None:
    r = client.get("/dashboard/explain", params={"kpi": "spend", "kind": "paid"})
    assert 400 <= r.status_code < 500
    assert "no ad_stats rows" in html.unescape(r.text)


def test_no_row_carrying_the_figure_is_not_shown_as_used(workspace: Any, insert: Any) -> None:
    from datetime import datetime

    posts = [
        {
            "platform": "instagram",
            "account": "acme",
            "post_id": str(i),
            "published_at": datetime(2026, 3, i, 12),
            "reactions": 4,
            "text": f"Post {i}",
        }
        for i in range(1, 6)
    ]
    insert("posts", posts)
    with make_client(workspace) as c:
        r = c.get(
            "/dashboard/explain",
            params={"kpi": "reach", "kind": "organic"},
            headers={"HX-Request": "true"},
        )
    assert r.status_code == 200
    text = _flat(r.text)
    assert "0 of 5 rows in scope carry reach: no row is used." in text
    assert "Rows used" not in text and "rows used" not in text
    assert "No row is used: no sums" in text
