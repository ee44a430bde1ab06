from __future__ import annotations

import datetime as dt

import pytest

from ._formats import DATA, read, rows

HERE = DATA / "linkedin"


def test_xls_content_and_metrics_sheets() -> None:
    result = read(HERE / "acme_content.xls", "linkedin")
    posts = rows(result, "posts")
    assert [p["post_id"] for p in posts] == ["7171000000000000001", "7171000000000000002"]
    assert [r.line for r in result.rejects] == [5]  # '1.2.3' impressions, sheet row 5
    p = posts[1]
    assert p["published_at"] == dt.datetime(2026, 3, 15)
    assert (p["impressions"], p["views"], p["clicks"], p["reactions"]) == (12500, 3100, 410, 150)
    assert p["is_paid"] is True and posts[0]["is_paid"] is False
    assert p["campaign"] == "Webinar Q1" and p["format"] == "video"
    # the platform's own engagement rate, stored as the file has it (a fraction)
    assert p["reported_engagement_rate"] == pytest.approx(0.0477)
    ours = (p["clicks"] + p["reactions"] + p["comments"] + p["shares"] + p["follows"]) / p[
        "impressions"
    ]
    assert ours == pytest.approx(p["reported_engagement_rate"], abs=0.001)
    daily = rows(result, "account_daily")
    got = {(d["date"], d["metric"]): d["value"] for d in daily}
    assert got[(dt.date(2026, 3, 2), "impressions")] == 2550
    assert got[(dt.date(2026, 3, 2), "impressions_organic")] == 1950
    assert got[(dt.date(2026, 3, 2), "impressions_sponsored")] == 600
    assert (dt.date(2026, 3, 1), "engagement_rate_sponsored") not in got


def test_followers_xlsx_skips_demographic_sheets() -> None:
    result = read(HERE / "acme_followers.xlsx", "linkedin")
    got = {(d["date"], d["metric"]): d["value"] for d in rows(result, "account_daily")}
    assert got[(dt.date(2026, 3, 2), "follower_change")] == 9
    assert got[(dt.date(2026, 3, 2), "follower_change_organic")] == 7
    assert any("Location" in n for n in result.notes)


def test_creator_export_sheets() -> None:
    result = read(HERE / "Content_2026-03-01_2026-03-31_SampleOwner.xlsx", "linkedin-creator")
    assert not result.rejects
    posts = {p["post_id"]: p for p in rows(result, "posts")}
    # the two side-by-side top lists merge into one row per post
    assert posts["7300000000000000001"]["engagements"] == 40
    assert posts["7300000000000000001"]["impressions"] == 1800
    assert posts["7300000000000000002"]["published_at"] == dt.datetime(2026, 3, 5)
    got = {(d["date"], d["metric"]): d["value"] for d in rows(result, "account_daily")}
    assert got[(dt.date(2026, 3, 2), "impressions")] == 800
    assert got[(dt.date(2026, 3, 2), "engagements")] == 30
    assert got[(dt.date(2026, 3, 2), "follower_change")] == 5
    assert got[(dt.date(2026, 3, 31), "followers")] == 1234
    assert any("DEMOGRAPHICS" in n for n in result.notes)
