from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

from ._formats import DATA, detect, read, rows

HERE = DATA / "tiktok"


def _series(result: object, metric: str) -> dict[dt.date, float]:
    return {d["date"]: d["value"] for d in rows(result, "account_daily") if d["metric"] == metric}  # type: ignore[arg-type]


TODAY = {"today": dt.date(2026, 12, 2)}  # the import day, an upper bound for year-less dates


def test_overview_with_year_given() -> None:
    # --year is the year of the earliest date; the series runs on across New Year
    result = read(HERE / "Overview.csv", "tiktok-overview", year=2025)
    views = _series(result, "views")
    assert views == {
        dt.date(2025, 12, 30): 1200,
        dt.date(2025, 12, 31): 2400,
        dt.date(2026, 1, 1): 900,
    }
    assert _series(result, "shares")[dt.date(2025, 12, 31)] == 11
    assert dt.date(2026, 1, 1) not in _series(result, "shares")  # '--' is no value
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


def test_overview_across_new_year_without_a_year() -> None:
    result = read(HERE / "Overview_newyear.csv", "tiktok-overview", options=TODAY)
    views = _series(result, "views")
    assert views == {
        dt.date(2025, 12, 29): 1000,
        dt.date(2025, 12, 30): 1100,
        dt.date(2025, 12, 31): 1200,
        dt.date(2026, 1, 1): 1300,
        dt.date(2026, 1, 2): 1400,
    }
    assert sum(views.values()) == 1000 + 1100 + 1200 + 1300 + 1400
    assert any("across New Year" in n for n in result.notes)


def test_content_years_from_video_ids() -> None:
    # 'December 3' is 2024 and 'April 8' 2025: the ids say so, whatever today is
    result = read(HERE / "Content.csv", "tiktok-content", options=TODAY)
    got = {p["title"]: (p["published_at"].date(), p["views"]) for p in rows(result, "posts")}
    assert got == {
        "Spring drop, part 1": (dt.date(2025, 4, 8), 45300),
        "Holiday teaser": (dt.date(2024, 12, 3), 12000),
        "New year, new routine": (dt.date(2025, 1, 15), 7100),
    }
    assert any("video ids" in n for n in result.notes)


def test_content_year_that_contradicts_the_ids_is_refused() -> None:
    import pytest

    from socialproof.errors import UsageError

    with pytest.raises(UsageError, match="--year 2026 disagrees with the video ids"):
        read(HERE / "Content.csv", "tiktok-content", year=2026, options=TODAY)


def test_follower_window_in_title_row() -> None:
    result = read(HERE / "FollowerHistory_window.csv", "tiktok-followers", options=TODAY)
    assert _series(result, "followers") == {
        dt.date(2024, 2, 3): 5000,
        dt.date(2024, 6, 30): 5400,
        dt.date(2024, 12, 20): 6100,
    }
    assert any("title rows" in n for n in result.notes)


def _tables(ws: object) -> dict[str, list[tuple[object, ...]]]:
    with ws.connect(read_only=True) as con:  # type: ignore[attr-defined]
        return {
            "daily": con.execute(
                "SELECT platform, account, date, metric, value FROM account_daily ORDER BY ALL"
            ).fetchall(),
            "posts": con.execute(
                "SELECT platform, account, post_id, published_at, views FROM posts ORDER BY ALL"
            ).fetchall(),
        }


def test_any_import_order_gives_the_same_tables(tmp_path: Path) -> None:
    import itertools

    from socialproof.ingest.importer import import_paths, read_context
    from socialproof.workspace import Workspace

    names = ["Content.csv", "Overview_newyear.csv", "FollowerHistory_window.csv"]
    seen = []
    for k, order in enumerate(itertools.permutations(names)):
        ws = Workspace.init(tmp_path / f"ws{k}")
        ctx = read_context(ws, account="maria.cooks")
        ctx.options["today"] = dt.date(2026, 12, 2)
        for name in order:
            [summary] = import_paths(ws, [HERE / name], ctx=ctx)
            assert summary.status != "failed", summary
        seen.append(_tables(ws))
    assert all(s == seen[0] for s in seen)
    daily = seen[0]["daily"]
    views = {d: v for _, _, d, m, v in daily if m == "views"}
    assert sum(views.values()) == 1000 + 1100 + 1200 + 1300 + 1400
    assert min(views) == dt.date(2025, 12, 29) and max(views) == dt.date(2026, 1, 2)
    assert sum(p[4] for p in seen[0]["posts"]) == 45300 + 12000 + 7100


def test_the_files_date_bounds_the_series(tmp_path: Path) -> None:
    import os

    # downloaded on 1 June 2025 (its date on disk), imported much later
    copy = tmp_path / "Overview.csv"
    shutil.copy(HERE / "Overview_newyear.csv", copy)
    saved = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC).timestamp()
    os.utime(copy, (saved, saved))
    result = read(copy, "tiktok-overview", options=TODAY)
    days = sorted(_series(result, "views"))
    assert (days[0], days[-1]) == (dt.date(2024, 12, 29), dt.date(2025, 1, 2))
    assert any("the day the file was saved (2025-06-01)" in n for n in result.notes)


def test_a_total_row_under_a_daily_series_is_skipped_not_rejected(tmp_path: Path) -> None:
    path = tmp_path / "tiktok_Overview_20260302-20260303.csv"
    path.write_text(
        "Date,Video Views,Profile Views,Likes,Comments,Shares\n"
        "March 2,100,5,10,1,0\nMarch 3,200,6,20,2,1\nTotal,300,11,30,3,1\n",
        encoding="utf-8",
    )
    result = read(path, "tiktok-overview")
    views = [r for r in rows(result, "account_daily") if r["metric"] == "views"]
    assert [(r["date"], r["value"]) for r in views] == [
        (dt.date(2026, 3, 2), 100.0),
        (dt.date(2026, 3, 3), 200.0),
    ]
    assert result.rejects == []
    assert any("Skipped 1 'Total' row" in n for n in result.notes)


def test_content_under_a_header_block_with_commas(workspace: Any, tmp_path: Path) -> None:
    # 'Date range: Mar 1, 2026 - Mar 31, 2026' is split at its commas into three cells:
    # it was read as the table's header and the table's own header as a section of
    # its own, so 'Exported: Apr 2, 2026' became a rejected row ('row has 2 fields')
    path = tmp_path / "Content.csv"
    path.write_text(
        "TikTok Studio - Content\n"
        "Account: @acme.bakes\n"
        "Date range: Mar 1, 2026 - Mar 31, 2026\n"
        "Exported: Apr 2, 2026\n"
        "\n"
        "Video title,Video link,Post time,Total likes,Total comments,Total shares,"
        "Total views,Total saves\n"
        "Sourdough,https://www.tiktok.com/@acme.bakes/video/7345000000000000001,"
        '"Mar 3, 2026 18:00",1.2K,45,30,"18,400",210\n'
        "Croissants,https://www.tiktok.com/@acme.bakes/video/7345000000000000002,"
        '"Mar 10, 2026 19:30",860,12,9,"9,750",64\n',
        encoding="utf-8",
    )
    from socialproof.ingest.importer import import_paths
    from socialproof.workspace import engine

    [s] = import_paths(workspace, [path])
    assert s.status == "imported", s.error
    assert (s.inserted, s.rejected) == (2, 0)
    with workspace.connect(read_only=True) as con:
        found = engine.query_rows(con, "SELECT sum(views), sum(reactions), min(account) FROM posts")
    assert found == [(28150, 2060, "acme.bakes")]
