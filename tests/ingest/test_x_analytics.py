from __future__ import annotations

import datetime as dt

import pytest

from ._formats import DATA, read, rows

HERE = DATA / "x"


def test_old_tweet_activity_metrics() -> None:
    result = read(HERE / "tweet_activity_metrics_acme_20190101_20190201_en.csv", "x-analytics")
    posts = rows(result, "posts")
    assert [p["post_id"] for p in posts] == ["1090000000000000001", "1090000000000000002"]
    assert "scientific notation" in result.rejects[0].reason
    p = posts[0]
    assert p["published_at"] == dt.datetime(2019, 1, 31, 18, 2)
    assert (p["impressions"], p["engagements"], p["reactions"], p["shares"]) == (1500, 45, 20, 3)
    assert p["reported_engagement_rate"] == pytest.approx(0.03)
    assert p["engagements"] / p["impressions"] == pytest.approx(p["reported_engagement_rate"])
    assert p["clicks"] == 4 + 10 + 1 + 5 + 0
    assert p["is_paid"] is False and posts[1]["is_paid"] is True


@pytest.mark.parametrize(
    ("name", "day", "impressions"),
    [
        ("account_analytics_content_2025_variant.csv", dt.datetime(2025, 2, 10), 2345),
        ("account_analytics_content_2026_variant.csv", dt.datetime(2026, 4, 23), 12001),
    ],
)
def test_new_content_export_variants(name: str, day: dt.datetime, impressions: int) -> None:
    result = read(HERE / name, "x-analytics")
    p = rows(result, "posts")[0]
    assert p["published_at"] == day
    assert p["impressions"] == impressions
    assert p["permalink"].startswith("https://x.com/acme/status/")
    assert p["saves"] is not None and p["follows"] is not None


def test_account_overview() -> None:
    result = read(HERE / "account_overview_analytics.csv", "x-analytics")
    got = {(d["date"], d["metric"]): d["value"] for d in rows(result, "account_daily")}
    assert got[(dt.date(2026, 4, 23), "impressions")] == 15000
    assert got[(dt.date(2026, 4, 24), "follows")] == 4
    assert "posts" not in result.tables
