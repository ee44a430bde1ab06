from __future__ import annotations

import datetime as dt

from ._formats import DATA, read, rows

HERE = DATA / "youtube"


def test_table_data_skips_total_row() -> None:
    result = read(HERE / "Table data.csv", "youtube")
    posts = rows(result, "posts")
    assert [p["post_id"] for p in posts] == ["dQw4w9WgXcQ", "aBcDeFgHiJk"]
    assert any("Total" in n for n in result.notes)
    p = posts[0]
    assert p["published_at"] == dt.datetime(2026, 3, 8)
    assert p["views"] == 12000 and p["impressions"] == 150000
    assert p["watch_time_s"] == 700.25 * 3600
    assert p["format"] == "video" and posts[1]["format"] == "short"
    # the skipped total matches the sum of the videos
    assert sum(p["views"] for p in posts) == 15300


def test_chart_data_per_video_summed_per_day() -> None:
    result = read(HERE / "Chart data.csv", "youtube")
    got = {d["date"]: d["value"] for d in rows(result, "account_daily") if d["metric"] == "views"}
    assert got == {dt.date(2026, 3, 8): 5000, dt.date(2026, 3, 9): 4000, dt.date(2026, 3, 10): 6300}
