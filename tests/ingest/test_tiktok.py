from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from ._formats import DATA, detect, read, rows

HERE = DATA / "tiktok"


def _series(result: object, metric: str) -> dict[dt.date, float]:
    return {d["date"]: d["value"] for d in rows(result, "account_daily") if d["metric"] == metric}  # type: ignore[arg-type]


def test_overview_with_year_given() -> None:
    result = read(HERE / "Overview.csv", "tiktok-overview", year=2025)
    views = _series(result, "views")
    assert views == {
        dt.date(2025, 12, 30): 1200,
        dt.date(2025, 12, 31): 2400,
        dt.date(2025, 1, 1): 900,
    }
    assert _series(result, "shares")[dt.date(2025, 12, 31)] == 11
    assert dt.date(2025, 1, 1) not in _series(result, "shares")  # '--' is no value
    assert [r.line for r in result.rejects] == [5]  # '1.2.3'


def test_year_from_file_name_range(tmp_path: Path) -> None:
    renamed = tmp_path / "acme_overview_20251230-20260102.csv"
    shutil.copy(HERE / "Overview.csv", renamed)
    result = read(renamed, "tiktok-overview")
    assert set(_series(result, "views")) == {
        dt.date(2025, 12, 30),
        dt.date(2025, 12, 31),
        dt.date(2026, 1, 1),
    }
    assert any("file name" in n for n in result.notes)


def test_no_year_assumes_recent_past_and_says_so() -> None:
    result = read(HERE / "Overview.csv", "tiktok-overview")
    days = sorted(_series(result, "views"))
    assert (days[-1] - days[0]).days == 2  # Dec 30 -> Jan 1 across the new year
    assert any("without a year" in n for n in result.notes)


def test_follower_history_xlsx_and_viewers() -> None:
    result = read(HERE / "FollowerHistory.xlsx", "tiktok-followers", year=2025)
    assert _series(result, "followers") == {
        dt.date(2025, 8, 30): 10500,
        dt.date(2025, 8, 31): 10520,
    }
    assert _series(result, "follower_change")[dt.date(2025, 8, 31)] == 20
    result = read(HERE / "Viewers.csv", "tiktok-viewers", year=2025)
    assert _series(result, "new_viewers") == {dt.date(2025, 8, 30): 600, dt.date(2025, 8, 31): 700}


def test_spanish_content_export() -> None:
    result = read(HERE / "Contenido.csv", "tiktok-content", year=2025)
    posts = rows(result, "posts")
    assert [p["post_id"] for p in posts] == ["7412345678901234567", "7412345678901234568"]
    p = posts[0]
    assert p["published_at"] == dt.datetime(2025, 3, 8)
    assert (p["views"], p["reactions"], p["comments"], p["shares"]) == (45300, 1204, 33, 12)
    assert p["title"].startswith("Video de muestra") and p["format"] == "video"


def test_renamed_file_detected_by_content(tmp_path: Path) -> None:
    renamed = tmp_path / "Reach.csv"
    shutil.copy(HERE / "Viewers.csv", renamed)
    assert detect(renamed)[0] == "tiktok-viewers"


def test_spanish_overview_with_grouped_counts() -> None:
    result = read(HERE / "Resumen.csv", "tiktok-overview", year=2026)
    views = _series(result, "views")
    assert views == {dt.date(2026, 3, 8): 1204, dt.date(2026, 3, 9): 12500}
    assert _series(result, "profile_views")[dt.date(2026, 3, 9)] == 40
