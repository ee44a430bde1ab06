from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ._formats import DATA, read, rows

HERE = DATA / "x"


def test_old_tweet_activity_metrics() -> None:
    result = read(HERE / "tweet_activity_metrics_acme_20190101_20190201_en.csv", "x-analytics")
    posts = rows(result, "posts")
    # the third id went through Excel ('1.09E+18'); its link keeps the whole id
    assert [p["post_id"] for p in posts] == [
        "1090000000000000001",
        "1090000000000000002",
        "1090000000000000003",
    ]
    assert result.rejects == []
    assert any("came from the post links" in n for n in result.notes)
    p = posts[0]
    assert p["published_at"] == dt.datetime(2019, 1, 31, 18, 2)
    assert (p["impressions"], p["engagements"], p["reactions"], p["shares"]) == (1500, 45, 20, 3)
    assert p["reported_engagement_rate"] == pytest.approx(0.03)
    assert p["engagements"] / p["impressions"] == pytest.approx(p["reported_engagement_rate"])
    assert p["clicks"] == 4 + 10 + 1 + 5 + 0
    assert p["is_paid"] is False and posts[1]["is_paid"] is True


@pytest.mark.parametrize(
    ("name", "day", "impressions", "timed"),
    [
        # the first id records 2025-02-10 17:14:30.579 UTC, the row's own date: its time counts
        (
            "account_analytics_content_2025_variant.csv",
            dt.datetime(2025, 2, 10, 17, 14, 30, 579000),
            2345,
            True,
        ),
        # this id records 22 April, the row says 23 April: only the date is kept
        ("account_analytics_content_2026_variant.csv", dt.datetime(2026, 4, 23), 12001, False),
    ],
)
def test_new_content_export_variants(
    name: str, day: dt.datetime, impressions: int, timed: bool
) -> None:
    result = read(HERE / name, "x-analytics")
    p = rows(result, "posts")[0]
    assert p["published_at"] == day
    assert p["time_known"] is timed
    assert p["impressions"] == impressions
    assert p["permalink"].startswith("https://x.com/acme/status/")
    assert p["saves"] is not None and p["follows"] is not None


def test_account_overview() -> None:
    result = read(HERE / "account_overview_analytics.csv", "x-analytics")
    got = {(d["date"], d["metric"]): d["value"] for d in rows(result, "account_daily")}
    assert got[(dt.date(2026, 4, 23), "impressions")] == 15000
    assert got[(dt.date(2026, 4, 24), "follows")] == 4
    assert "posts" not in result.tables


DATES_ONLY = "account_analytics_content_20260302_20260313.csv"


def test_old_export_has_times_new_one_dates_only() -> None:
    old = rows(
        read(HERE / "tweet_activity_metrics_acme_20190101_20190201_en.csv", "x-analytics"), "posts"
    )
    assert {p["time_known"] for p in old} == {True}
    new = rows(read(HERE / "account_analytics_content_2026_variant.csv", "x-analytics"), "posts")
    assert {p["time_known"] for p in new} == {False}


def test_time_of_day_from_the_post_id_when_it_falls_on_the_date() -> None:
    result = read(HERE / DATES_ONLY, "x-analytics")
    posts = {p["text"]: p for p in rows(result, "posts")}
    assert len(posts) == 12
    # even rows: the id records 09:15 + k % 5 hours on the row's own date
    for k in range(0, 12, 2):
        p = posts[f"Sample post {k}"]
        assert p["time_known"] is True
        assert p["published_at"] == dt.datetime(2026, 3, 2 + k, 9 + k % 5, 15)
    # odd rows: the id is from three days earlier, so only the date is kept
    for k in range(1, 12, 2):
        p = posts[f"Sample post {k}"]
        assert p["time_known"] is False
        assert p["published_at"] == dt.datetime(2026, 3, 2 + k)
    assert any("6 posts was read from their post ids" in n for n in result.notes)


def test_audit_leaves_date_only_posts_out_of_timing(workspace: object) -> None:
    from socialproof.campaigns.audit import audit
    from socialproof.ingest.importer import import_paths

    [summary] = import_paths(workspace, [HERE / DATES_ONLY])  # type: ignore[arg-type]
    assert summary.status != "failed", summary
    [acc] = audit(workspace).accounts  # type: ignore[arg-type]
    assert acc.posts == 12 and acc.untimed == 6
    assert sum(h["posts"] for h in acc.by_hour) == 6
    assert 0 not in {h["hour"] for h in acc.by_hour}
    assert any(c.startswith("6 posts have no time of day") for c in acc.caveats)


def test_rounded_ids_without_an_agreeing_link_are_rejected(tmp_path: Path) -> None:
    # A rounded id is only replaced by the id of its own link, and only when that id
    # rounds to the same figure; otherwise the row cannot be keyed and is rejected.
    head = "Post id,Date,Post text,Post Link,Impressions,Likes,Engagements,Bookmarks,Shares,"
    head += "New follows,Replies,Reposts,Profile visits,Detail Expands,URL Clicks\n"
    figures = ",100,1,2,0,0,0,0,0,0,0,0\n"
    path = tmp_path / "account_analytics_content_2026-03-02_2026-03-03.csv"
    path.write_text(
        head
        + '2.01E+18,"Mon, Mar 02, 2026",a,https://x.com/acme/status/2010000000000007919'
        + figures
        + '2.02E+18,"Mon, Mar 02, 2026",b,https://x.com/acme/status/2010000000000000001'
        + figures
        + '2.01E+18,"Tue, Mar 03, 2026",c,'
        + figures,
        encoding="utf-8",
    )
    result = read(path, "x-analytics")
    assert [p["post_id"] for p in rows(result, "posts")] == ["2010000000000007919"]
    assert [r.line for r in result.rejects] == [3, 4]
    assert all("scientific notation" in r.reason for r in result.rejects)
