"""Paid social views: best/worst ads with reasons, budget pacing, creative fatigue."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from socialproof.campaigns.paid import ad_ranking, fatigue, load_budgets, pacing
from socialproof.errors import BadInput, NoData, UsageError


def _ad(ad: str, day: date, **kw):
    row = {
        "platform": "meta",
        "account": "a",
        "campaign": "C",
        "ad_set": "S",
        "ad": ad,
        "date_start": day,
        "date_stop": day,
        "breakdown": "",
        "currency": "USD",
        "spend": 10.0,
        "impressions": 2000,
        "reach": 1000,
        "clicks": 40,
        "link_clicks": 20,
        "results": 20.0,
        "result_type": "link_click",
    }
    row.update(kw)
    return row


def test_best_and_worst_ads_with_reason(workspace, insert) -> None:
    d = date(2026, 3, 1)
    insert(
        "ad_stats",
        [
            _ad("cheap", d, results=40.0),  # 0.25 per result
            _ad("mid", d, results=20.0),  # 0.50
            _ad("mid2", d, results=16.0),  # 0.625
            _ad("dear", d, results=5.0),  # 2.00
            _ad("tiny", d, impressions=50, results=50.0),  # too small to rank
        ],
    )
    res = ad_ranking(workspace, n=1)
    best = res.frame[res.frame["rank"] == "best"].iloc[0]
    worst = res.frame[res.frame["rank"] == "worst"].iloc[0]
    assert best["ad"] == "cheap" and worst["ad"] == "dear"
    median = (0.5 + 0.625) / 2
    assert best["median"] == pytest.approx(median)
    assert best["vs_median"] == pytest.approx((0.25 - median) / median)
    assert "below the median" in best["reason"] and "above the median" in worst["reason"]
    assert any("fewer than" in n for n in res.notes)
    by_ctr = ad_ranking(workspace, metric="ctr_link", n=1)
    assert "Link" in by_ctr.title or "link" in by_ctr.title


def test_reason_of_a_rate_gives_points_and_the_relative_gap(workspace, insert) -> None:
    d = date(2026, 3, 1)
    # link CTR 1.0 %, 1.5 %, 2.0 % on 2,000 impressions each: median 1.5 %
    insert("ad_stats", [_ad(n, d, link_clicks=c) for n, c in (("lo", 20), ("md", 30), ("hi", 40))])
    res = ad_ranking(workspace, metric="ctr_link", n=1)
    best = res.frame[res.frame["rank"] == "best"].iloc[0]
    worst = res.frame[res.frame["rank"] == "worst"].iloc[0]
    # 2.0 - 1.5 = 0.5 points, 0.5 / 1.5 = 33 % of the median (not '33 %' alone, read as points)
    assert "2.00 %, 0.50 pts (33 %) above the median of 1.50 % across 3 ads" in best["reason"]
    assert "1.00 %, 0.50 pts (33 %) below the median of 1.50 %" in worst["reason"]


def test_reason_of_an_ad_at_the_median(workspace, insert) -> None:
    d = date(2026, 3, 1)
    # two ads at 0.50 per result and one at 0.55: the median is 0.50
    insert("ad_stats", [_ad("a1", d), _ad("a2", d), _ad("a3", d, spend=11.0)])
    res = ad_ranking(workspace, n=1)
    best = res.frame[res.frame["rank"] == "best"].iloc[0]
    worst = res.frame[res.frame["rank"] == "worst"].iloc[0]
    assert best["reason"] == "Cost per result 0.50, the median of 3 ads"  # not '0 % below'
    # 0.55 against 0.50: 10 % above
    assert "0.55, 10 % above the median of 0.50" in worst["reason"]


def test_an_ad_that_spent_without_a_result_is_the_worst(workspace, insert) -> None:
    d = date(2026, 3, 1)
    insert(
        "ad_stats",
        [
            _ad("cheap", d, results=40.0),  # 0.25 per result
            _ad("mid", d, results=20.0),  # 0.50
            _ad("dear", d, results=5.0),  # 2.00
            _ad("nothing", d, spend=35.0, results=0.0, result_type=None),  # 35 for nothing
        ],
    )
    res = ad_ranking(workspace, n=1)
    assert [(r["rank"], r["ad"]) for r in res.frame.to_dict("records")] == [
        ("best", "cheap"),
        ("worst", "nothing"),
    ]
    worst = res.frame.iloc[1]
    assert worst["reason"] == "Spend 35.00 with no results"
    assert worst["spend"] == 35.0
    assert any("1 ad(s) had spend but no results" in n for n in res.notes)
    # the median is that of the ads with a cost per result: 0.25, 0.50, 2.00
    assert res.frame.iloc[0]["median"] == pytest.approx(0.5)
    # with room for two, the dearest ad with results follows it
    two = ad_ranking(workspace, n=2)
    assert [r["ad"] for r in two.frame.to_dict("records") if r["rank"] == "worst"] == [
        "nothing"
    ]  # 3 ranked ads: one best and one worst each (3 // 2), the worst slot taken


def test_two_ads_at_one_cost_are_tied_not_best_and_worst(workspace, insert) -> None:
    d = date(2026, 3, 1)
    # 10.00 for 20 results and 20.00 for 40: 0.50 per result each
    insert("ad_stats", [_ad("one", d), _ad("two", d, spend=20.0, results=40.0)])
    res = ad_ranking(workspace, n=3)
    assert sorted((r["rank"], r["ad"]) for r in res.frame.to_dict("records")) == [
        ("tied", "one"),
        ("tied", "two"),
    ]
    assert any("All 2 ranked ads have the same Cost per result (0.50)" in n for n in res.notes)


def test_ads_tied_with_the_last_one_listed_are_listed_too(workspace, insert) -> None:
    d = date(2026, 3, 1)
    # cost per result: 0.25, 0.25, 0.25, 0.50, 2.00; n=1 lists every 0.25 ad as best
    insert(
        "ad_stats",
        [
            _ad("c1", d, results=40.0),
            _ad("c2", d, results=40.0),
            _ad("c3", d, results=40.0),
            _ad("mid", d, results=20.0),
            _ad("dear", d, results=5.0),
        ],
    )
    res = ad_ranking(workspace, n=1)
    got = [(r["rank"], r["ad"]) for r in res.frame.to_dict("records")]
    assert got == [("best", "c1"), ("best", "c2"), ("best", "c3"), ("worst", "dear")]


def test_a_cost_at_both_ends_is_neither_best_nor_worst(workspace, insert) -> None:
    d = date(2026, 3, 1)
    # 0.25, 0.50, 0.50, 2.00 with n=2: the two 0.50 ads were one best and one worst
    insert(
        "ad_stats",
        [
            _ad("cheap", d, results=40.0),
            _ad("m1", d, results=20.0),
            _ad("m2", d, results=20.0),
            _ad("dear", d, results=5.0),
        ],
    )
    res = ad_ranking(workspace, n=2)
    got = [(r["rank"], r["ad"]) for r in res.frame.to_dict("records")]
    assert got == [("best", "cheap"), ("worst", "dear")]
    assert any("neither best nor worst" in n for n in res.notes)


def test_ranking_needs_two_ads(workspace, insert) -> None:
    insert("ad_stats", [_ad("only", date(2026, 3, 1))])
    with pytest.raises(NoData, match="Too few ads"):
        ad_ranking(workspace)


def test_pacing_with_budget_for_month(workspace, insert) -> None:
    rows = [_ad("x", date(2026, 3, 1) + timedelta(days=i), spend=50.0) for i in range(10)]
    insert("ad_stats", rows)
    res = pacing(workspace, budget=3100.0, period="month")
    r = res.frame.iloc[0]
    assert r["days_elapsed"] == 10 and r["days_total"] == 31
    assert r["spent"] == pytest.approx(500.0)
    assert r["expected_by_now"] == pytest.approx(1000.0)
    assert r["pace"] == pytest.approx(0.5)
    assert r["projected"] == pytest.approx(1550.0)
    assert r["status"] == "under-pacing"
    on = pacing(workspace, budget=1550.0, period="month").frame.iloc[0]
    assert on["status"] == "on track"


def test_pacing_from_budgets_yaml(workspace, insert, tmp_path) -> None:
    insert(
        "ad_stats", [_ad("x", date(2026, 3, 1) + timedelta(days=i), spend=100.0) for i in range(4)]
    )
    (workspace.root / "budgets.yaml").write_text(
        "budgets:\n  - campaign: C\n    amount: 400\n    start: 2026-03-01\n    end: 2026-03-08\n"
    )
    r = pacing(workspace).frame.iloc[0]
    assert r["scope"] == "C" and r["expected_by_now"] == pytest.approx(200.0)
    assert r["status"] == "over-pacing"
    bad = tmp_path / "b.yaml"
    bad.write_text("budgets:\n  - amount: ten\n    start: 2026-03-01\n    end: 2026-03-02\n")
    with pytest.raises(BadInput, match="budget 1"):
        load_budgets(bad)
    bad.write_text("budgets: [ {amount: 5, start: 2026-03-09, end: 2026-03-01} ]\n")
    with pytest.raises(BadInput, match="start on or before end"):
        load_budgets(bad)


def test_pacing_without_budget_is_usage_error(workspace, insert) -> None:
    insert("ad_stats", [_ad("x", date(2026, 3, 1))])
    with pytest.raises(UsageError, match="budget"):
        pacing(workspace)


def test_fatigue_flags_falling_ctr_with_rising_frequency(workspace, insert) -> None:
    rows = []
    for i in range(9):
        day = date(2026, 3, 1) + timedelta(days=i)
        # tired: CTR 2 % -> 1 %, frequency 1.2 -> 2.0
        rows.append(
            _ad(
                "tired",
                day,
                impressions=3000,
                link_clicks=int(60 - 3.75 * i),
                reach=int(3000 / (1.2 + 0.1 * i)),
            )
        )
        rows.append(_ad("fresh", day, impressions=3000, link_clicks=60, reach=2500))
    insert("ad_stats", rows)
    res = fatigue(workspace)
    assert list(res.frame["ad"]) == ["tired"]
    r = res.frame.iloc[0]
    assert r["ctr_change"] < -0.2 and r["frequency_change"] > 0.1
    assert "→" in r["evidence"] and "daily frequency" in r["evidence"]
    # the first third (days 1-3): impressions ÷ the days' reach added up, by hand
    assert r["frequency_early"] == pytest.approx(9000 / (2500 + 2307 + 2142))
    assert any("average daily frequency" in n for n in res.notes)
    everything = fatigue(workspace, all_ads=True)
    assert set(everything.frame["ad"]) == {"tired", "fresh"}


def test_fatigue_needs_enough_days(workspace, insert) -> None:
    insert("ad_stats", [_ad("x", date(2026, 3, 1))])
    with pytest.raises(NoData, match="days of daily rows"):
        fatigue(workspace)


def test_cli_paid_views(workspace, insert, cli, meta_rows) -> None:
    insert("ad_stats", meta_rows)
    r = cli("report", "ads", "--metric", "ctr_link", "-f", "json", cwd=workspace.root)
    assert r.exit_code == 0, r
    assert {d["rank"] for d in json.loads(r.stdout)} == {"best", "worst"}
    r = cli("report", "pacing", "--budget", "5000", "-f", "json", cwd=workspace.root)
    assert r.exit_code == 0, r
    assert json.loads(r.stdout)[0]["days_total"] == 31
    r = cli("report", "pacing", "--budget", "-5", cwd=workspace.root)
    assert r.exit_code == 2 and "positive" in r.stderr
    r = cli("report", "ads", "--metric", "engagement_rate_reach", cwd=workspace.root)
    assert r.exit_code == 2 and "Valid KPIs" in r.stderr
    r = cli("report", "fatigue", cwd=workspace.root)
    assert r.exit_code == 1 and "days of daily rows" in r.stderr


def test_cli_fatigue_min_days_is_checked(workspace, insert, cli) -> None:
    insert("ad_stats", [_ad("x", date(2026, 3, 1))])
    r = cli("report", "fatigue", "--min-days", "2", cwd=workspace.root)
    assert r.exit_code == 2 and "at least 3" in r.stderr


def test_pacing_refuses_mixed_currencies(workspace, insert) -> None:
    insert("ad_stats", [_ad("x", date(2026, 3, 1)), _ad("y", date(2026, 3, 2), currency="EUR")])
    with pytest.raises(UsageError, match="several currencies"):
        pacing(workspace, budget=1000.0)


def test_pacing_counts_a_range_inside_a_longer_one_once(workspace, insert, cli) -> None:
    # one ad exported for 1-15 March and again for 1-31 March: the ranges cannot be split,
    # so both were added (30 + 62 = 92, the first half twice); the month counts and the
    # pacing says what it left out, with its spend
    insert(
        "ad_stats",
        [
            _ad("x", date(2026, 3, 1), date_stop=date(2026, 3, 15), spend=30.0),
            _ad("x", date(2026, 3, 1), date_stop=date(2026, 3, 31), spend=62.0),
        ],
    )
    res = pacing(workspace, budget=310.0, period="month")
    assert res.frame.iloc[0]["spent"] == pytest.approx(62.0)
    left_out = "1 reporting-range row(s) (spend 30.00 USD) are left out"
    assert any(n.startswith(left_out) for n in res.notes)
    r = cli("report", "pacing", "--budget", "310", cwd=workspace.root)
    assert r.exit_code == 0, r
    assert left_out in " ".join((r.stdout + r.stderr).split())


def test_pacing_says_which_rows_have_no_spend(workspace, insert) -> None:
    insert(
        "ad_stats",
        [_ad("x", date(2026, 3, 1), spend=40.0), _ad("x", date(2026, 3, 2), spend=None)],
    )
    res = pacing(workspace, budget=310.0, period="month")
    assert res.frame.iloc[0]["spent"] == pytest.approx(40.0)
    assert any(n.startswith("1 row(s) have no spend") for n in res.notes)
