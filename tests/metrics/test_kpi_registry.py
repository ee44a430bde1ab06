"""The KPI registry: formulas on hand-computed rows, zero denominators, platform cross-checks."""

from __future__ import annotations

import csv
import math
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from socialproof.errors import UsageError
from socialproof.metrics import registry
from socialproof.metrics.registry import KPI
from socialproof.workspace import engine

DATA = Path(__file__).parent.parent / "data" / "campaigns"


def _one(t: Any, names: list[str], table: str, **kw: Any) -> dict[str, Any]:
    df = engine.execute(registry.compute(t, names, table=table, **kw))
    assert len(df) == 1
    return df.iloc[0].to_dict()


def _ad(**kw: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "platform": "meta",
        "account": "",
        "campaign": "c",
        "ad_set": "",
        "ad": "",
        "date_start": date(2026, 3, 1),
        "date_stop": date(2026, 3, 1),
        "breakdown": "",
        "currency": "USD",
        "spend": 0.0,
        "impressions": 0,
        "reach": 0,
        "clicks": 0,
        "link_clicks": 0,
        "results": 0.0,
        "purchases": 0.0,
        "purchase_value": 0.0,
        "leads": 0.0,
        "video_views": 0,
        "video_completions": 0,
    }
    row.update(kw)
    return row


def test_ad_formulas_are_ratios_of_sums(ads_table: Any) -> None:
    # Every per-row ratio differs between the two rows, so a mean of the rows' ratios
    # (CPM 10 and 20, mean 15) cannot pass for the ratio of sums (CPM 16).
    rows = [
        _ad(
            spend=10.0,
            impressions=1000,
            reach=500,
            clicks=30,
            link_clicks=20,
            results=5.0,
            purchases=2.0,
            purchase_value=50.0,
            leads=1.0,
            video_views=100,
            video_completions=25,
        ),
        _ad(
            spend=30.0,
            impressions=1500,
            reach=1000,
            clicks=10,
            link_clicks=45,
            results=10.0,
            purchases=0.0,
            purchase_value=0.0,
            leads=2.0,
            video_views=300,
            video_completions=150,
        ),
    ]
    names = [
        "spend",
        "cpm",
        "cpc",
        "cpc_all",
        "ctr_link",
        "ctr_all",
        "frequency",
        "cost_per_result",
        "roas",
        "conversion_rate",
        "cost_per_lead",
        "video_completion_rate",
        "results",
    ]
    got = _one(ads_table(rows), names, "ad_stats")
    # hand-computed: totals spend 40, impressions 2500, reach 1500, clicks 40, link clicks
    # 65, results 15, purchases 2, value 50, leads 3, video views 400, completions 175
    want = {
        "spend": 40.0,
        "cpm": 16.0,
        "cpc": 40 / 65,
        "cpc_all": 1.0,
        "ctr_link": 0.026,
        "ctr_all": 0.016,
        "frequency": 2500 / 1500,
        "cost_per_result": 40 / 15,
        "roas": 1.25,
        "conversion_rate": 5 / 65,
        "cost_per_lead": 40 / 3,
        "video_completion_rate": 0.4375,
        "results": 15.0,
    }
    # the mean of the two rows' own figures, which a wrong formula would give
    mean_of_rows = {
        "cpm": 15.0,
        "cpc": (0.5 + 30 / 45) / 2,
        "cpc_all": (1 / 3 + 3) / 2,
        "ctr_link": 0.025,
        "ctr_all": (0.03 + 10 / 1500) / 2,
        "frequency": 1.75,
        "cost_per_result": 2.5,
        "roas": 2.5,
        "conversion_rate": (0.15 + 2 / 45) / 2,
        "cost_per_lead": 12.5,
        "video_completion_rate": 0.375,
    }
    for name, value in want.items():
        assert got[name] == pytest.approx(value), name
    for name, value in mean_of_rows.items():
        assert got[name] != pytest.approx(value), name


def test_zero_denominators_give_null_not_inf(ads_table: Any) -> None:
    t = ads_table([_ad(spend=0.0, impressions=0, reach=0, link_clicks=0, results=0.0)])
    got = _one(t, ["cpm", "cpc", "ctr_link", "frequency", "cost_per_result", "roas"], "ad_stats")
    for name, value in got.items():
        assert value is None or (isinstance(value, float) and math.isnan(value)), name


def test_grouping_and_period(ads_table: Any) -> None:
    rows = [
        _ad(
            campaign="a",
            date_start=date(2026, 3, 2),
            date_stop=date(2026, 3, 2),
            spend=1.0,
            impressions=100,
        ),
        _ad(
            campaign="a",
            date_start=date(2026, 3, 8),
            date_stop=date(2026, 3, 8),
            spend=2.0,
            impressions=100,
        ),
        _ad(
            campaign="a",
            date_start=date(2026, 3, 9),
            date_stop=date(2026, 3, 9),
            spend=4.0,
            impressions=200,
        ),
        _ad(
            campaign="b",
            date_start=date(2026, 3, 9),
            date_stop=date(2026, 3, 9),
            spend=8.0,
            impressions=0,
        ),
    ]
    expr = registry.compute(
        ads_table(rows),
        ["spend", "cpm"],
        table="ad_stats",
        by=["campaign"],
        period="week",
        time_column="date_start",
    )
    df = engine.execute(expr)
    assert list(df.columns) == ["week", "campaign", "spend", "cpm"]
    recs = {(str(r.week)[:10], r.campaign): (r.spend, r.cpm) for r in df.itertuples()}
    assert recs[("2026-03-02", "a")] == pytest.approx((3.0, 15.0))
    assert recs[("2026-03-09", "a")] == pytest.approx((4.0, 20.0))
    assert math.isnan(recs[("2026-03-09", "b")][1])


def test_month_bucket_uses_workspace_timezone(canonical: Any) -> None:

    posts = [
        {
            "platform": "x",
            "post_id": "1",
            "published_at": datetime(2026, 2, 28, 23, 30),
            "impressions": 10,
            "reach": 5,
        },
    ]
    t = canonical("posts", posts)
    utc = _one(t, ["impressions"], "posts", period="month", time_column="published_at")
    berlin = _one(
        t,
        ["impressions"],
        "posts",
        period="month",
        time_column="published_at",
        timezone="Europe/Berlin",
    )
    assert str(utc["month"])[:7] == "2026-02"
    assert str(berlin["month"])[:7] == "2026-03"


def test_engagement_rates_name_their_base(canonical: Any) -> None:

    posts = [
        {
            "platform": "instagram",
            "post_id": "1",
            "reach": 1000,
            "impressions": 2000,
            "followers": 10000,
            "reactions": 40,
            "comments": 5,
            "shares": 3,
            "saves": 2,
            "views": 0,
        },
        {
            "platform": "instagram",
            "post_id": "2",
            "reach": 0,
            "impressions": 0,
            "followers": None,
            "reactions": 0,
            "comments": 0,
            "shares": 0,
            "saves": 0,
            "views": 0,
        },
    ]
    t = canonical("posts", posts)
    got = _one(
        t,
        [
            "engagement_rate_reach",
            "engagement_rate_impressions",
            "engagement_rate_followers",
            "engagement_rate_views",
            "interactions",
        ],
        "posts",
    )
    assert got["interactions"] == 50
    assert got["engagement_rate_reach"] == pytest.approx(0.05)
    assert got["engagement_rate_impressions"] == pytest.approx(0.025)
    assert got["engagement_rate_followers"] == pytest.approx(0.005)
    assert math.isnan(got["engagement_rate_views"])
    for name in (
        "engagement_rate_reach",
        "engagement_rate_impressions",
        "engagement_rate_followers",
    ):
        assert registry.get(name).base


def _fixture_ads() -> list[dict[str, Any]]:
    from tests.campaigns.conftest import _meta_rows

    return _meta_rows(reported=True)


@pytest.mark.parametrize(
    ("ours", "theirs", "tol"),
    [
        ("cost_per_result", "reported_cost_per_result", 0.005),
        ("roas", "reported_roas", 0.005),
        ("ctr_link", "reported_ctr", 0.00005),
        ("cpm", "reported_cpm", 0.005),
        ("cpc", "reported_cpc", 0.005),
        ("frequency", "reported_frequency", 0.005),
    ],
)
def test_agrees_with_meta_reported_values(
    ours: str, theirs: str, tol: float, ads_table: Any
) -> None:
    rows = _fixture_ads()
    t = ads_table(rows)
    df = engine.execute(
        registry.compute(t, [ours], table="ad_stats", by=["campaign", "ad_set", "ad", "date_start"])
    )
    reported = {(r["campaign"], r["ad_set"], r["ad"], r["date_start"]): r[theirs] for r in rows}
    checked = 0
    for rec in df.to_dict(orient="records"):
        want = reported[
            (
                rec["campaign"],
                rec["ad_set"],
                rec["ad"],
                rec["date_start"].date()
                if hasattr(rec["date_start"], "date")
                else rec["date_start"],
            )
        ]
        if want is None:
            continue
        assert rec[ours] == pytest.approx(want, abs=tol), rec
        checked += 1
    assert checked >= 5


def test_agrees_with_linkedin_engagement_rate(canonical: Any) -> None:

    with (DATA / "linkedin_posts.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    posts = [
        {
            "platform": "linkedin",
            "post_id": r["post_id"],
            **{
                k: int(r[k])
                for k in ("impressions", "clicks", "reactions", "comments", "shares", "follows")
            },
            "reported_engagement_rate": float(r["reported_engagement_rate"]),
        }
        for r in rows
    ]
    t = canonical("posts", posts)
    df = engine.execute(
        registry.compute(
            t,
            ["engagement_rate_impressions"],
            table="posts",
            by=["post_id", "reported_engagement_rate"],
        )
    )
    assert len(df) == 3
    for rec in df.itertuples():
        assert rec.engagement_rate_impressions == pytest.approx(
            rec.reported_engagement_rate, abs=0.00005
        )


def test_unknown_kpi_lists_valid_ones() -> None:
    with pytest.raises(UsageError) as exc:
        registry.get("ctr_lnk")
    assert "ctr_link" in str(exc.value)
    with pytest.raises(UsageError, match="does not apply"):
        registry.resolve(["spend"], table="posts")


def test_unknown_dimension_is_a_usage_error(ads_table: Any) -> None:
    t = ads_table([_ad()])
    with pytest.raises(UsageError, match="Valid"):
        registry.compute(t, ["spend"], table="ad_stats", by=["nope"])


def test_register_and_decorator(ads_table: Any) -> None:
    from socialproof.metrics.ops import safe_div

    @registry.kpi(
        "test_half_spend",
        "Half spend",
        formula_text="sum(spend)/2",
        unit="currency",
        better="neutral",
        tables=("ad_stats",),
        source="test",
    )
    def _half(t: Any) -> Any:
        return safe_div(t.spend.sum(), t.spend.count() * 0 + 2)

    try:
        got = _one(ads_table([_ad(spend=5.0)]), ["test_half_spend"], "ad_stats")
        assert got["test_half_spend"] == pytest.approx(2.5)
        with pytest.raises(ValueError, match="already registered"):
            registry.register(
                KPI("test_half_spend", "x", _half, "x", "count", "higher", ("posts",), "x")
            )
    finally:
        registry._REGISTRY.pop("test_half_spend", None)


def test_every_kpi_is_complete() -> None:
    required = {
        "reach",
        "impressions",
        "views",
        "engagement_rate_reach",
        "engagement_rate_impressions",
        "engagement_rate_followers",
        "ctr_all",
        "ctr_link",
        "cpc",
        "cpm",
        "frequency",
        "results",
        "cost_per_result",
        "roas",
        "conversion_rate",
        "leads",
        "cost_per_lead",
        "video_completion_rate",
        "follower_growth_rate",
    }
    names = {k.name for k in registry.all_kpis()}
    assert required <= names
    for k in registry.all_kpis():
        assert k.label and k.formula_text and k.source
        if k.name.startswith("engagement_rate"):
            assert k.base


def test_follower_growth_rate_from_daily_series() -> None:
    import pyarrow as pa

    from socialproof.metrics.views import daily_wide

    rows = []
    for i, (f, ch) in enumerate([(1000, 10), (1010, 10), (1050, 40)]):
        d = date(2026, 3, 1 + i)
        rows.append(
            {
                "platform": "tiktok",
                "account": "a",
                "date": d,
                "metric": "followers",
                "value": float(f),
            }
        )
        rows.append(
            {
                "platform": "tiktok",
                "account": "a",
                "date": d,
                "metric": "follower_change",
                "value": float(ch),
            }
        )
    t = daily_wide(
        engine.memory_backend({"account_daily": pa.Table.from_pylist(rows)}).table("account_daily")
    )
    got = _one(t, ["follower_growth_rate", "followers_gained"], "account_daily")
    assert got["followers_gained"] == pytest.approx(60)
    assert got["follower_growth_rate"] == pytest.approx(60 / 990)
    only_totals = [r for r in rows if r["metric"] == "followers"]
    t2 = daily_wide(
        engine.memory_backend({"account_daily": pa.Table.from_pylist(only_totals)}).table(
            "account_daily"
        )
    )
    got2 = _one(t2, ["follower_growth_rate"], "account_daily")
    assert got2["follower_growth_rate"] == pytest.approx(50 / 1000)


def _series(days: list[tuple[float | None, float | None]]) -> Any:
    """account_daily (wide) for one account from (followers, follower_change) per day."""
    import pyarrow as pa

    from socialproof.metrics.views import daily_wide

    rows = []
    for i, pair in enumerate(days):
        for metric, value in zip(("followers", "follower_change"), pair, strict=True):
            if value is not None:
                rows.append(
                    {
                        "platform": "tiktok",
                        "account": "a",
                        "date": date(2026, 3, 1 + i),
                        "metric": metric,
                        "value": float(value),
                    }
                )
    table = pa.Table.from_pylist(rows)
    return daily_wide(engine.memory_backend({"account_daily": table}).table("account_daily"))


def _growth(days: list[tuple[float | None, float | None]]) -> tuple[Any, ...]:
    got = _one(_series(days), ["followers_gained", "follower_growth_rate"], "account_daily")
    gained, rate = got["followers_gained"], got["follower_growth_rate"]
    return tuple(None if v is None or v != v else v for v in (gained, rate))


def test_follower_growth_with_a_day_missing_its_change() -> None:
    # counts at the end of each day 110, 125, 130; the change of 2 March is missing.
    # Adding the two known changes (10 + 5) left out the 15 of 2 March; the counts give
    # the change from the end of 1 March: 130 - 110 = 20, over 110.
    gained, rate = _growth([(110, 10), (125, None), (130, 5)])
    assert gained == pytest.approx(20)
    assert rate == pytest.approx(20 / 110)


def test_follower_growth_start_from_the_first_days_count() -> None:
    # every change known, a count on 1 March only: 100 at its end, so 90 at the start;
    # 'last count - all changes' took 100 - 30 = 70 as the start
    gained, rate = _growth([(100, 10), (None, 15), (None, 5)])
    assert gained == pytest.approx(30)
    assert rate == pytest.approx(30 / 90)
    # a count on the last day only: 130 - 30 = 100 at the start
    assert _growth([(None, 10), (None, 15), (130, 5)]) == (pytest.approx(30), pytest.approx(0.3))


def test_one_follower_count_is_no_change() -> None:
    # one count and no daily change says nothing about a change (it read as 0 and 0 %)
    assert _growth([(100, None)]) == (None, None)
    assert _growth([(100, None), (None, None)]) == (None, None)
    # a start of 0 gives no rate
    assert _growth([(0, None), (25, None)]) == (pytest.approx(25), None)


def test_follower_growth_per_day_from_counts_alone() -> None:
    t = _series([(100, None), (110, None), (130, None)])
    df = engine.execute(
        registry.compute(
            t, ["followers_gained"], table="account_daily", period="day", time_column="date"
        )
    )
    # a day's own count gives no change within the day (it read as 0 every day)
    assert df["followers_gained"].isna().all()


def _accounts(series: dict[str, list[tuple[float | None, float | None]]]) -> Any:
    """account_daily (wide) for Instagram accounts from (followers, follower_change) per day."""
    import pyarrow as pa

    from socialproof.metrics.views import daily_wide

    rows = []
    for account, days in series.items():
        for i, pair in enumerate(days):
            for metric, value in zip(("followers", "follower_change"), pair, strict=True):
                if value is not None:
                    rows.append(
                        {
                            "platform": "instagram",
                            "account": account,
                            "date": date(2026, 3, 1 + i),
                            "metric": metric,
                            "value": float(value),
                        }
                    )
    table = pa.Table.from_pylist(rows)
    return daily_wide(engine.memory_backend({"account_daily": table}).table("account_daily"))


def test_follower_growth_of_a_platform_adds_up_its_accounts() -> None:
    # 'big' from counts alone: 1000 -> 1040, +40 over 1000. 'small' with every change:
    # 2 a day for 5 days, 208 at the end of the last, so 198 at the start, +10.
    # The platform gains 50 over 1198; grouped by platform the count of one account was
    # taken with the changes of both.
    t = _accounts(
        {
            "big": [(1000, None), (1010, None), (1020, None), (1030, None), (1040, None)],
            "small": [(200, 2), (202, 2), (204, 2), (206, 2), (208, 2)],
        }
    )
    kpis = ["followers_gained", "follower_growth_rate"]
    for by in (["platform"], []):
        got = _one(t, kpis, "account_daily", by=by)
        assert got["followers_gained"] == pytest.approx(50)
        assert got["follower_growth_rate"] == pytest.approx(50 / 1198)
    per = engine.execute(registry.compute(t, kpis, table="account_daily", by=["account"]))
    assert per["account"].tolist() == ["big", "small"]
    assert per["followers_gained"].tolist() == pytest.approx([40, 10])
    assert per["follower_growth_rate"].tolist() == pytest.approx([40 / 1000, 10 / 198])
    # by week (2 March 2026 is a Monday): 1 March alone, then 2-5 March
    weekly = engine.execute(
        registry.compute(
            t, kpis, table="account_daily", by=["platform"], period="week", time_column="date"
        )
    )
    # week 1: one count of 'big' (no gain), so no total; week 2: 1010 -> 1040 and 4 x 2
    assert weekly["followers_gained"].isna().tolist() == [True, False]
    assert weekly["followers_gained"].iloc[1] == pytest.approx(38)
    assert weekly["follower_growth_rate"].iloc[1] == pytest.approx(38 / (1010 + 200))


def test_follower_growth_of_a_platform_with_other_kpis_and_details() -> None:
    t = _accounts({"a": [(100, None), (110, None)], "b": [(50, None), (55, None)]})
    got = _one(
        t,
        ["impressions", "followers_gained", "follower_growth_rate"],
        "account_daily",
        by=["platform"],
        details=True,
        extra={"days": t.date.nunique()},
    )
    assert list(got)[:4] == ["platform", "impressions", "followers_gained", "follower_growth_rate"]
    assert got["followers_gained"] == pytest.approx(15)
    assert got["follower_growth_rate"] == pytest.approx(15 / 150)
    assert got["days"] == 2


def test_third_party_kpis_load_from_entry_points(monkeypatch: pytest.MonkeyPatch) -> None:
    from socialproof import plugins
    from socialproof.metrics.ops import safe_div

    third = KPI(
        "test_ep_cpm_x2",
        "Double CPM",
        lambda t: safe_div(t.spend.sum(), t.impressions.sum()) * 2000,
        "2 × cpm",
        "currency",
        "lower",
        ("ad_stats",),
        "a plugin",
    )

    class EP:
        name = "plugin"

        def load(self):  # type: ignore[no-untyped-def]
            return lambda: [third]

    def fake(group: str) -> list[Any]:
        return [EP()] if group == registry.ENTRY_POINT_GROUP else []

    monkeypatch.setattr(plugins, "entry_points", fake)
    monkeypatch.setattr(registry, "_loaded", False)
    try:
        assert registry.get("test_ep_cpm_x2") is third
    finally:
        registry._REGISTRY.pop("test_ep_cpm_x2", None)


@pytest.mark.parametrize("seed", range(3))
def test_ratios_of_sums_hold_at_any_grouping(ads_table: Any, seed: int) -> None:
    """Totals from per-group sums equal the ungrouped KPIs; no infinities anywhere."""
    import random

    rng = random.Random(seed)
    rows = [
        _ad(
            campaign=rng.choice("abc"),
            ad=rng.choice("xyz"),
            spend=round(rng.uniform(0, 50), 2),
            impressions=rng.choice([0, rng.randint(1, 5000)]),
            reach=rng.randint(0, 3000),
            link_clicks=rng.randint(0, 90),
            results=float(rng.randint(0, 20)),
            purchase_value=round(rng.uniform(0, 200), 2),
        )
        for _ in range(60)
    ]
    t = ads_table(rows)
    names = ["spend", "impressions", "link_clicks", "cpm", "ctr_link", "cost_per_result", "roas"]
    total = _one(t, names, "ad_stats")
    parts = engine.execute(registry.compute(t, names, table="ad_stats", by=["campaign", "ad"]))
    assert parts["spend"].sum() == pytest.approx(total["spend"])
    assert parts["impressions"].sum() == total["impressions"]
    assert total["cpm"] == pytest.approx(total["spend"] / total["impressions"] * 1000)
    assert total["ctr_link"] == pytest.approx(total["link_clicks"] / total["impressions"])
    for name in names:
        assert not any(v in (float("inf"), float("-inf")) for v in parts[name].dropna())
