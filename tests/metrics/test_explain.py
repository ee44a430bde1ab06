"""socialproof explain: the rows and sums behind a figure, from the library and the CLI."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import pytest

from socialproof.errors import BadInput, NoData, UsageError
from socialproof.metrics.explain import explain_kpi


def _ad(ad: str, day: int, **kw: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "platform": "meta",
        "account": "act_1",
        "campaign": "Spring",
        "ad_set": "Broad",
        "ad": ad,
        "date_start": date(2026, 3, day),
        "date_stop": date(2026, 3, day),
        "breakdown": "",
        "currency": "USD",
        "spend": None,
        "impressions": None,
        "reach": None,
        "link_clicks": None,
        "results": None,
    }
    row.update(kw)
    return row


ADS = [
    _ad("A", 1, spend=10.0, impressions=1000, reach=500, link_clicks=10),
    _ad("A", 2, spend=20.0, impressions=3000, reach=1000, link_clicks=30),
    # no impressions: its spend must stay out of CPM's numerator
    _ad("B", 1, spend=5.0, impressions=None, reach=None, link_clicks=2),
    _ad("C", 3, campaign="Autumn", spend=1.0, impressions=100, reach=100, link_clicks=0),
]


def _posts() -> list[dict[str, Any]]:
    base = {"platform": "instagram", "account": "acme", "format": "image"}
    return [
        {
            **base,
            "post_id": "1",
            "published_at": datetime(2026, 3, 1, 12),
            "reach": 1000,
            "reactions": 40,
            "comments": 10,
            "text": "First",
        },
        {
            **base,
            "post_id": "2",
            "published_at": datetime(2026, 3, 2, 12),
            "reach": None,
            "reactions": 4000,
            "comments": 1000,
            "text": "Second",
        },
    ]


def test_cpm_sums_spend_and_impressions_over_the_same_rows(workspace, insert) -> None:
    insert("ad_stats", ADS)
    got = explain_kpi(workspace, "cpm", campaign="Spring")
    assert got.table == "ad_stats"
    assert got.numerator == pytest.approx(30.0)  # 10 + 20, not 35
    assert got.denominator == pytest.approx(4000)
    assert got.value == pytest.approx(7.5)  # 30 / 4000 * 1000
    assert got.rows_used == 2
    assert got.left_out == {"without impressions": 1}
    assert got.rows_in_scope == 3
    statuses = {(r.ad, str(r.date_start)[:10]): r.status for r in got.rows.itertuples()}
    assert statuses[("B", "2026-03-01")] == "left out: no impressions"
    assert list(got.rows["status"]).count("used") == 2


def test_amounts_in_two_currencies_are_not_added(workspace, insert, cli) -> None:
    # 10 USD and 20 EUR over 1,000 impressions each were explained as "CPM 15.00"
    # (30 / 2,000 x 1,000), adding euros to dollars; the report shows them per currency.
    usd = _ad("A", 1, spend=10.0, impressions=1000)
    eur = _ad("E", 1, campaign="Herbst", currency="EUR", spend=20.0, impressions=1000)
    insert("ad_stats", [usd, eur])
    for kpi in ("cpm", "spend", "roas"):
        with pytest.raises(BadInput, match=r"2 currencies \(EUR, USD\)"):
            explain_kpi(workspace, kpi)
    assert explain_kpi(workspace, "cpm", campaign="Herbst").value == pytest.approx(20.0)
    assert explain_kpi(workspace, "impressions").value == 2000  # counts add up fine
    result = cli("explain", "cpm", cwd=workspace.root)
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert "--by platform,currency" in result.stderr


def test_the_table_is_the_one_the_filters_select_rows_of(workspace, insert) -> None:
    # ctr_link applies to posts and ad rows; with both in the workspace, 'explain ctr_link
    # --platform meta' answered "No posts rows match platform meta" instead of explaining
    # the ad rows' CTR the campaigns report shows.
    posts = [p | {"impressions": 500, "link_clicks": 5} for p in _posts()]
    insert("posts", posts)
    insert("ad_stats", ADS)
    meta = explain_kpi(workspace, "ctr_link", platform="meta")
    assert meta.table == "ad_stats"
    assert meta.value == pytest.approx((10 + 30 + 0) / (1000 + 3000 + 100))
    assert explain_kpi(workspace, "ctr_link", campaign="Autumn").table == "ad_stats"
    assert explain_kpi(workspace, "ctr_link", platform="instagram").table == "posts"
    assert explain_kpi(workspace, "ctr_link").table == "posts"  # no filter: as before
    with pytest.raises(NoData, match="No posts rows match platform tiktok"):
        explain_kpi(workspace, "ctr_link", platform="tiktok")


def test_frequency_over_days_is_a_lower_bound(workspace, insert) -> None:
    insert("ad_stats", ADS)
    summed = explain_kpi(workspace, "frequency", campaign="Spring")
    assert summed.value == pytest.approx(4000 / 1500)
    assert summed.bound == "lower"
    assert any("lower bound" in line for line in summed.lines())
    one_day = explain_kpi(workspace, "frequency", campaign="Spring", since="2026-03-02")
    assert one_day.value == pytest.approx(3.0)
    assert one_day.bound == ""


def test_engagement_rate_post_without_reach(workspace, insert) -> None:
    insert("posts", _posts())
    got = explain_kpi(workspace, "engagement_rate_reach")
    assert got.value == pytest.approx(0.05)
    assert got.numerator == pytest.approx(50)
    assert got.denominator == pytest.approx(1000)
    assert got.left_out == {"without reach": 1}
    data = got.to_dict()
    assert data["rows_left_out"] == 1
    assert [r["status"] for r in data["rows"]] == ["used", "left out: no reach"]


def test_filters_that_do_not_apply_are_usage_errors(workspace, insert) -> None:
    insert("ad_stats", ADS)
    with pytest.raises(UsageError, match="Unknown KPI"):
        explain_kpi(workspace, "cmp")
    with pytest.raises(UsageError, match="not a date"):
        explain_kpi(workspace, "cpm", since="March")
    with pytest.raises(NoData):
        explain_kpi(workspace, "cpm", campaign="Nope")
    with pytest.raises(NoData, match="no posts"):
        explain_kpi(workspace, "engagement_rate_reach")


def test_cli_explain_table_and_json(workspace, insert, cli) -> None:
    insert("ad_stats", ADS)
    res = cli("explain", "cpm", "--campaign", "Spring", "-w", str(workspace.root))
    assert res.exit_code == 0, res
    assert "7.5" in res.stdout and "4,000" in res.stdout
    assert "1 row without impressions" in res.stdout
    res = cli("explain", "cpm", "--format", "json", "-w", str(workspace.root))
    assert res.exit_code == 0, res
    data = json.loads(res.stdout)
    assert data["numerator"] == pytest.approx(31.0)
    assert data["denominator"] == pytest.approx(4100)
    assert data["rows_used"] == 3 and data["rows_left_out"] == 1
    assert len(data["rows"]) == 4
    bad = cli("explain", "nope", "-w", str(workspace.root))
    assert bad.exit_code == 2 and "Error:" in bad.stderr and "Traceback" not in bad.stderr


def test_the_sums_keep_their_cents(workspace, insert) -> None:
    insert(
        "ad_stats",
        [
            _ad("A", 1, spend=1200.5, impressions=10000, link_clicks=500),
            _ad("A", 2, spend=800.0, impressions=8000, link_clicks=400),
        ],
    )
    told = explain_kpi(workspace, "cpc")
    # '= 2,000 spend / 900.00 link_clicks': a sum to check by hand lost its 50 cents
    assert "= 2,000.50 spend / 900 link_clicks" in told.lines()
    assert told.value == pytest.approx(2000.5 / 900)


def _posts_without_reach(n: int) -> list[dict[str, Any]]:
    return [
        {
            "platform": "instagram",
            "account": "acme",
            "format": "image",
            "post_id": str(i),
            "published_at": datetime(2026, 3, i, 12),
            "reactions": 4,
            "text": f"Post {i}",
        }
        for i in range(1, n + 1)
    ]


def test_no_row_carrying_the_figure_is_not_shown_as_rows_used(workspace, insert) -> None:
    insert("posts", _posts_without_reach(5))
    told = explain_kpi(workspace, "reach")
    lines = told.lines()
    assert told.value is None and told.rows_used == 0
    assert lines[0].endswith(": — (no row carries reach)")
    assert "0 of 5 rows in scope carry reach: no row is used." in lines
    assert not any(line.startswith("Rows used:") for line in lines)
    rate = explain_kpi(workspace, "engagement_rate_reach").lines()
    assert "0 of 5 rows in scope carry both interactions and reach: no row is used." in rate
    assert "Left out: 5 rows without reach." in rate


def test_a_figure_the_rows_do_not_give_uses_no_row(workspace, insert) -> None:
    # five days of impressions and no follower figure: no net followers gained
    days = [
        {"platform": "instagram", "account": "acme", "date": date(2026, 3, i), "impressions": 10}
        for i in range(1, 6)
    ]
    insert("account_daily", days)
    told = explain_kpi(workspace, "followers_gained")
    assert told.value is None
    assert told.rows_used == 0  # was 5: every row in scope presented as used
    assert "Rows used: none; the 5 rows in scope give no net followers gained figure." in (
        told.lines()
    )
    assert set(told.rows["status"]) == {"not applicable"}
    assert told.to_dict()["rows_used"] == 0
