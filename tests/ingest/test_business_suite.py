"""Business Suite's 2025 post and video exports, per-format summaries, the legacy Page workbook."""

from __future__ import annotations

import datetime as dt

import pytest

from socialproof.errors import BadExport

from ._formats import DATA, read, rows

HERE = DATA / "coverage"


def test_2025_post_export_views_and_account() -> None:
    got = rows(read(HERE / "bs2025_posts.csv", "meta-posts"), "posts")
    reel = got[1]
    assert (reel["platform"], reel["account"], reel["format"]) == ("instagram", "acme.home", "reel")
    assert reel["published_at"] == dt.datetime(2025, 4, 24, 18, 2)
    assert (reel["views"], reel["reach"], reel["saves"], reel["follows"]) == (22100, 15800, 133, 19)
    assert got[0]["text"] == "Spring drop, part 1"


def test_2025_video_export_keyed_by_video_asset() -> None:
    got = rows(read(HERE / "bs2025_videos.csv", "meta-posts"), "posts")
    assert [r["post_id"] for r in got] == ["1122334455667788", "1122334455667799"]
    first = got[0]
    assert first["platform"] == "facebook" and first["format"] == "reel"
    assert (first["video_views"], first["watch_time_s"], first["reactions"]) == (8800, 96500.0, 420)


def test_per_format_summary_says_what_to_export_instead() -> None:
    with pytest.raises(BadExport, match="per-format summary .*Views, Reach.*Export the content"):
        read(HERE / "bs_format_summary.csv", "business-suite-format-summary")


def test_legacy_page_workbook_daily_series() -> None:
    path = HERE / "Facebook Insights Data Export - Acme Home.xlsx"
    result = read(path, "facebook-page-legacy")
    got = {(r["date"], r["metric"]): r["value"] for r in rows(result, "account_daily")}
    day = dt.date(2019, 3, 2)
    assert got[(day, "followers")] == 1530.0
    assert got[(day, "reach")] == 2150.0 and got[(day, "impressions")] == 3900.0
    # the description row is not data; empty and '--' cells store nothing
    assert result.rows_read == 3 and not result.rejects
    assert (day, "engaged_users") not in got
    assert (dt.date(2019, 3, 3), "reach") not in got
    assert any("Weekly" not in n and "not stored" in n for n in result.notes)


def test_rows_wrapped_in_quotes_by_a_spreadsheet() -> None:
    # '"Post ID,""Account ID"",…"': every row one quoted cell, inner quotes doubled
    got = rows(read(HERE / "wrapped_rows.csv", "meta-posts"), "posts")
    assert [(r["post_id"], r["account"], r["views"]) for r in got] == [
        ("18045521234567890", "acme.home", 5400),
        ("18045521234567891", "acme.home", 22100),
    ]
