"""Daily roll-ups: any date range added up from partial sums equals the report on the rows."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import pandas as pd
import pytest

from socialproof.campaigns.report import campaign_report, post_report
from socialproof.campaigns.rollup import ad_rollup, post_rollup
from socialproof.errors import NoData, UsageError


def _same(a: Any, b: Any) -> None:
    """Same columns, rows, figures (to float rounding) and notes."""
    fa, fb = a.frame.reset_index(drop=True), b.frame.reset_index(drop=True)
    assert list(fa.columns) == list(fb.columns)
    assert len(fa) == len(fb)
    kpis = {k.name for k in a.kpis}
    for col in fa.columns:
        for x, y in zip(fa[col], fb[col], strict=True):
            if col in kpis:
                xs = None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)
                ys = None if y is None or (isinstance(y, float) and math.isnan(y)) else float(y)
                assert (xs is None) == (ys is None), (col, x, y)
                if xs is not None:
                    assert xs == pytest.approx(ys, rel=1e-9), col
            else:
                assert (pd.isna(x) and pd.isna(y)) or str(x) == str(y), (col, x, y)
    assert a.notes == b.notes


def _ad(day: date, account: str, **kw: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "platform": "meta",
        "account": account,
        "campaign": "C",
        "ad_set": "S",
        "ad": "A",
        "date_start": day,
        "date_stop": day,
        "breakdown": "",
        "currency": "USD",
        "spend": 10.0,
        "impressions": 1000,
        "reach": 800,
        "clicks": 30,
        "link_clicks": 20,
        "results": 2.0,
        "result_type": "link_click",
        "purchases": 1.0,
        "purchase_value": 30.0,
    }
    row.update(kw)
    return row


def test_a_range_adds_up_the_days_in_it(workspace, insert) -> None:
    insert(
        "ad_stats",
        [
            _ad(date(2026, 3, 1), "a", link_clicks=10, impressions=1000, spend=5.0),
            _ad(date(2026, 3, 2), "a", link_clicks=30, impressions=1000, spend=15.0),
            _ad(date(2026, 3, 3), "a", link_clicks=99, impressions=100, spend=99.0),
            _ad(date(2026, 3, 2), "b", link_clicks=None, impressions=500, spend=-2.0),
        ],
    )
    res = ad_rollup(workspace).report(since="2026-03-01", until="2026-03-02")
    got = res.frame.set_index("account")
    assert got.loc["a", "spend"] == pytest.approx(20.0)
    assert got.loc["a", "ctr_link"] == pytest.approx(40 / 2000)
    assert got.loc["a", "cpc"] == pytest.approx(20.0 / 40)
    assert got.loc["a", "cpm"] == pytest.approx(20.0 / 2000 * 1000)
    assert math.isnan(got.loc["b", "ctr_link"])  # its only row has no link clicks
    assert any("negative spend" in n for n in res.notes)
    assert any("CTR" in n and "1 row without link_clicks" in n for n in res.notes)


def test_equals_campaign_report_for_ranges_and_periods(workspace, insert, meta_rows) -> None:
    rows = list(meta_rows)
    rows.append(  # a reporting-range row over three days: only ranges holding it count it
        _ad(date(2026, 3, 2), "act_2", date_stop=date(2026, 3, 4), spend=33.0, campaign="R")
    )
    rows.append(_ad(date(2026, 3, 3), "act_2", currency="EUR", campaign="E", result_type="lead"))
    insert("ad_stats", rows)
    rolled = ad_rollup(workspace)
    cases: list[dict[str, Any]] = [
        {"since": "2026-03-01", "until": "2026-03-31"},
        {"since": "2026-03-03", "until": "2026-03-03"},
        {"since": "2026-03-02", "until": "2026-03-04", "by": ["platform"]},
        {"since": "2026-03-01", "until": "2026-03-31", "period": "week", "by": ["platform"]},
        {"since": "2026-03-01", "until": "2026-03-31", "period": "day", "by": ["account"]},
        {"since": "2026-03-03", "until": "2026-03-03", "kpis": ["results", "cost_per_result"]},
    ]
    for case in cases:
        by = case.pop("by", ["platform", "account"])
        _same(campaign_report(workspace, by=by, **case), rolled.report(by=by, **case))
    with pytest.raises(NoData):
        rolled.report(since="2027-01-01", until="2027-01-31")


def test_equals_post_report_for_ranges_and_periods(workspace, insert, make_post) -> None:
    posts = [
        make_post("p1", datetime(2026, 3, 2, 23, 30), reach=1000, inter=50),
        make_post("p2", datetime(2026, 3, 3, 9), reach=None, inter=40),
        make_post("p3", datetime(2026, 3, 9, 12), platform="tiktok", reach=500, inter=90),
        make_post("p4", datetime(2026, 3, 20, 12), reach=2000, inter=10, account="other"),
    ]
    insert("posts", posts)
    rolled = post_rollup(workspace)
    for case in (
        {"since": "2026-03-01", "until": "2026-03-31"},
        {"since": "2026-03-03", "until": "2026-03-09"},
        {"since": "2026-03-01", "until": "2026-03-31", "period": "week", "group_by": ["platform"]},
    ):
        group_by = case.pop("group_by", ["platform", "account"])
        expected = post_report(workspace, group_by=group_by, top=None, **case)
        _same(expected, rolled.report(group_by=group_by, **case))
    got = rolled.report(since="2026-03-01", until="2026-03-31").frame
    row = got[(got["platform"] == "instagram") & (got["account"] == "acme")].iloc[0]
    # p2 has no reach: left out of the rate by reach on both sides
    assert row["engagement_rate_reach"] == pytest.approx(50 / 1000)
    assert row["reach_bound"] is None or pd.isna(row["reach_bound"])


def test_local_day_follows_the_workspace_timezone(tmp_path, make_post) -> None:
    import pyarrow as pa

    from socialproof.workspace import Workspace, engine
    from socialproof.workspace.schema import CANONICAL
    from socialproof.workspace.settings import settings_from_dict

    ws = Workspace.init(tmp_path / "ws", settings=settings_from_dict({"timezone": "Asia/Tokyo"}))
    with ws.transaction() as con:  # 20:00 UTC on March 2nd is March 3rd in Tokyo
        post = make_post("p1", datetime(2026, 3, 2, 20), reach=100, inter=5)
        engine.upsert(con, CANONICAL["posts"], pa.Table.from_pylist([post]))
    rolled = post_rollup(ws)
    assert len(rolled.report(since="2026-03-03", until="2026-03-03").frame) == 1
    with pytest.raises(NoData):
        rolled.report(since="2026-03-02", until="2026-03-02")


def test_bad_requests_are_usage_errors(workspace, insert, meta_rows) -> None:
    insert("ad_stats", meta_rows)
    rolled = ad_rollup(workspace, kpis=["spend"])
    with pytest.raises(UsageError, match="does not keep"):
        rolled.report(kpis=["ctr_link"])
    with pytest.raises(UsageError, match="cannot group by"):
        rolled.report(by=["campaign"])
    with pytest.raises(UsageError):
        rolled.report(since="2026-03-05", until="2026-03-01")


def test_a_kpi_that_is_not_a_sum_cannot_be_rolled_up(workspace, insert, make_post) -> None:
    insert("posts", [make_post("p1", datetime(2026, 3, 2, 12))])
    with pytest.raises(UsageError, match="not a sum or a ratio of sums"):
        post_rollup(workspace, kpis=["posts"])


def test_empty_tables_say_so(workspace) -> None:
    with pytest.raises(NoData):
        ad_rollup(workspace)
    with pytest.raises(NoData):
        post_rollup(workspace)
