"""Business Suite exports by day: windows of days imported one after another add up.

Each file holds one row per post and day. Post 1 has, on day d of March 2026, 10*d views,
d likes and a reach of 100 + d; post 2 has 5 views a day. The expected figures below are
worked out by hand from that rule, not by the code under test.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

HEAD = (
    "Post ID,Account username,Description,Publish time,Permalink,Post type,Date,Views,Reach,Likes\n"
)


def _window(
    folder: Path, name: str, days: range, *, exported: int, post2: range = range(0)
) -> Path:
    rows = [
        f"1,acme,a,03/01/2026 08:00,https://www.instagram.com/p/A/,IG image,"
        f"03/{d:02d}/2026,{10 * d},{100 + d},{d}\n"
        for d in days
    ]
    rows += [
        f"2,acme,b,03/09/2026 08:00,https://www.instagram.com/reel/B/,IG reel,"
        f"03/{d:02d}/2026,5,4,\n"
        for d in post2
    ]
    path = folder / name
    path.write_text(HEAD + "".join(rows), encoding="utf-8")
    stamp = datetime(2026, 3, exported, 12).timestamp()  # the export's date (file time)
    os.utime(path, (stamp, stamp))
    return path


def _posts(ws: Any) -> dict[str, tuple[Any, ...]]:
    from socialproof.workspace import engine

    with ws.connect(read_only=True) as con:
        found = engine.query_rows(
            con, "SELECT post_id, views, reach, reactions, account FROM posts ORDER BY post_id"
        )
    return {str(r[0]): tuple(r[1:]) for r in found}


def _import(ws: Any, *paths: Path) -> list[Any]:
    from socialproof.ingest.importer import import_paths

    summaries = []
    for p in paths:  # one at a time, in the order given
        (s,) = import_paths(ws, [p])
        assert s.status == "imported", s.error
        assert not s.conflicts
        summaries.append(s)
    return summaries


def test_a_later_window_adds_its_days(workspace: Any, tmp_path: Path) -> None:
    # before, 8-14 March replaced 1-7 March: views 770 (days 8-14) in place of 1050
    first = _window(tmp_path, "w1.csv", range(1, 8), exported=8)
    second = _window(tmp_path, "w2.csv", range(8, 15), exported=15, post2=range(10, 15))
    _, s2 = _import(workspace, first, second)
    # days 1-14: views 10 * (1 + ... + 14) = 1050, likes 105, reach the largest day's 114
    assert _posts(workspace) == {"1": (1050, 114, 105, "acme"), "2": (25, 4, None, "acme")}
    assert s2.inserted == 12  # the file's rows: 7 days of post 1, 5 of post 2
    assert any(n.startswith("1 post(s) also have days from other imports") for n in s2.notes)


def test_an_overlapping_window_counts_shared_days_once(workspace: Any, tmp_path: Path) -> None:
    first = _window(tmp_path, "w1.csv", range(1, 8), exported=8)
    overlap = _window(tmp_path, "w2.csv", range(5, 13), exported=13)
    _, s2 = _import(workspace, first, overlap)
    # days 1-12 once each: views 10 * 78 = 780, likes 78, reach 112
    assert _posts(workspace) == {"1": (780, 112, 78, "acme")}
    assert (s2.inserted, s2.unchanged) == (5, 3 * 3)  # days 8-12 new; 5-7 as stored


def test_the_order_of_the_imports_does_not_matter(workspace: Any, tmp_path: Path) -> None:
    # the older export imported last was refused in favour of the stored one before
    first = _window(tmp_path, "w1.csv", range(1, 8), exported=8)
    second = _window(tmp_path, "w2.csv", range(8, 15), exported=15)
    _import(workspace, second, first)
    assert _posts(workspace) == {"1": (1050, 114, 105, "acme")}


def test_a_post_with_one_day_in_a_file_by_day_is_a_day_too(workspace: Any, tmp_path: Path) -> None:
    # post 2 is published on the window's last day: one row, a day like the others
    first = _window(tmp_path, "w1.csv", range(1, 8), exported=8, post2=range(7, 8))
    second = _window(tmp_path, "w2.csv", range(8, 15), exported=15, post2=range(8, 10))
    _import(workspace, first, second)
    assert _posts(workspace)["2"] == (15, 4, None, "acme")  # days 7, 8 and 9: 5 views each


def test_a_file_of_one_post_with_one_dated_row_is_read_as_before(
    workspace: Any, tmp_path: Path
) -> None:
    # one row cannot tell a day from the export's own date (lifetime figures up to it),
    # so two such files are not added up; the newer export's figures are kept
    days = [_window(tmp_path, f"d{d}.csv", range(d, d + 1), exported=d + 1) for d in (3, 6)]
    s1, _ = _import(workspace, *days)
    assert _posts(workspace) == {"1": (60, 106, 6, "acme")}
    assert any(n.startswith("One row of the file is dated (2026-03-03)") for n in s1.notes)


def test_exports_of_one_day_with_several_posts_add_up(workspace: Any, tmp_path: Path) -> None:
    # each file is one day of two posts (one row each, several posts on one date): days,
    # not lifetime figures. Before, the second day replaced the first (views 60 and 5)
    days = [
        _window(tmp_path, f"d{d}.csv", range(d, d + 1), exported=d + 1, post2=range(d, d + 1))
        for d in (9, 10)
    ]
    _import(workspace, *days)
    # post 1: days 9 and 10, views 90 + 100, likes 9 + 10, reach the larger day's 110
    assert _posts(workspace) == {"1": (190, 110, 19, "acme"), "2": (10, 4, None, "acme")}


def test_a_file_whose_posts_have_one_row_on_different_dates_is_by_day(
    workspace: Any, tmp_path: Path
) -> None:
    # post 1 on 6 March, post 2 on 9 March: the file's dates span days, so they are days
    # (an export's own date would be one date for every row); a later day adds to them
    first = _window(tmp_path, "w1.csv", range(6, 7), exported=10, post2=range(9, 10))
    second = _window(tmp_path, "w2.csv", range(10, 11), exported=11, post2=range(10, 11))
    _import(workspace, first, second)
    # post 1: days 6 and 10 (60 + 100 views, 6 + 10 likes, reach 110); post 2: 5 + 5
    assert _posts(workspace) == {"1": (160, 110, 16, "acme"), "2": (10, 4, None, "acme")}


def test_a_day_with_revised_figures_counts_the_newer_export(workspace: Any, tmp_path: Path) -> None:
    first = _window(tmp_path, "w1.csv", range(1, 3), exported=3)
    revised = tmp_path / "w2.csv"
    revised.write_text(
        HEAD + "1,acme,a,03/01/2026 08:00,https://www.instagram.com/p/A/,IG image,"
        "03/02/2026,25,90,4\n"
        "1,acme,a,03/01/2026 08:00,https://www.instagram.com/p/A/,IG image,"
        "03/03/2026,30,103,3\n",
        encoding="utf-8",
    )
    stamp = datetime(2026, 3, 5, 12).timestamp()
    os.utime(revised, (stamp, stamp))
    _import(workspace, first, revised)
    # day 1: 10 views, 1 like, reach 101; day 2 as revised: 25, 4, 90; day 3: 30, 3, 103
    assert _posts(workspace) == {"1": (65, 103, 8, "acme")}


def test_undoing_a_window_takes_its_days_away(workspace: Any, tmp_path: Path) -> None:
    from socialproof.ingest.undo import undo_import

    first = _window(tmp_path, "w1.csv", range(1, 8), exported=8)
    second = _window(tmp_path, "w2.csv", range(8, 15), exported=15)
    s1, s2 = _import(workspace, first, second)
    undo_import(workspace, s1.sha256)
    # days 8-14: views 10 * 77 = 770, likes 77, reach 114; the post stays
    assert _posts(workspace) == {"1": (770, 114, 77, "acme")}
    undo_import(workspace, s2.sha256)
    assert _posts(workspace) == {}


def test_the_posts_report_shows_the_days_of_both_windows(
    workspace: Any, tmp_path: Path, cli: Any
) -> None:
    first = _window(tmp_path, "w1.csv", range(1, 8), exported=8)
    second = _window(tmp_path, "w2.csv", range(8, 15), exported=15)
    _import(workspace, first, second)
    out = cli(
        "report",
        "posts",
        "--platform",
        "instagram",
        "--min-base",
        "0",
        "--format",
        "csv",
        cwd=workspace.root,
    )
    assert out.exit_code == 0, out.stderr
    import csv
    import io

    [row] = list(csv.DictReader(io.StringIO(out.stdout)))
    assert (row["post_id"], row["interactions"], row["reach"]) == ("1", "105", "114")


def test_youtube_chart_days_do_not_replace_the_video_s_figures(
    workspace: Any, tmp_path: Path
) -> None:
    # YouTube's chart data is a window of a video: its lifetime figures stay Table data's
    from socialproof.ingest.importer import import_paths, read_context

    table = tmp_path / "Table data.csv"
    table.write_text(
        "Content,Video title,Video publish time,Views\nTotal,,,900\nvid1,V,Mar 1 2026,900\n",
        encoding="utf-8",
    )
    chart = tmp_path / "Chart data.csv"
    chart.write_text(
        "Date,Content,Video title,Views\n2026-03-02,vid1,V,40\n2026-03-03,vid1,V,60\n",
        encoding="utf-8",
    )
    for p in (table, chart):
        (s,) = import_paths(workspace, [p], ctx=read_context(workspace, account="chan"))
        assert s.status == "imported", s.error
    from socialproof.workspace import engine

    with workspace.connect(read_only=True) as con:
        assert engine.query_rows(con, "SELECT views FROM posts") == [(900,)]


def test_the_same_days_in_another_file_count_once(workspace: Any, tmp_path: Path) -> None:
    path = _window(tmp_path, "w1.csv", range(1, 8), exported=8)
    copy = tmp_path / "again.csv"
    copy.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    _import(workspace, path, copy)  # a different file (one more line) with the same days
    assert _posts(workspace) == {"1": (280, 107, 28, "acme")}


def test_two_windows_joined_in_one_file_add_up(workspace: Any, tmp_path: Path) -> None:
    # 1-7 and 5-12 March pasted one under the other: before, the post's two sums were
    # reported as a conflict and only the second window's kept
    first = _window(tmp_path, "w1.csv", range(1, 8), exported=8).read_text(encoding="utf-8")
    second = _window(tmp_path, "w2.csv", range(5, 13), exported=13).read_text(encoding="utf-8")
    joined = tmp_path / "joined.csv"
    joined.write_text(first + second, encoding="utf-8")
    (s,) = _import(workspace, joined)
    assert _posts(workspace) == {"1": (780, 112, 78, "acme")}  # days 1-12 once each
    assert s.rows_read == 15


def test_a_lifetime_export_keeps_its_figures_in_either_order(
    workspace: Any, tmp_path: Path
) -> None:
    # a lifetime export (the platform's own totals: views 5000, reach 900, likes 300) and
    # an export by day of the same post: before, the last one imported won (the days'
    # sums 770 / 114 / 77 after the lifetime; the lifetime after the days), so the order
    # of the imports decided the figures. Both orders keep the lifetime totals, with an
    # exact reach (not the largest day's floor), and say so
    from socialproof.campaigns.report import post_report
    from socialproof.workspace import Workspace

    lifetime = _lifetime(tmp_path)
    days = _window(tmp_path, "w2.csv", range(8, 15), exported=15)
    other = Workspace.init(tmp_path / "other", settings=workspace.settings)
    _, s = _import(workspace, lifetime, days)
    _, s2 = _import(other, days, lifetime)
    for ws in (workspace, other):
        assert _posts(ws) == {"1": (5000, 900, 300, "acme")}
        frame = post_report(ws, kpis=["reach"], top=None).frame
        assert "reach_bound" not in frame.columns  # exact: no post's reach is a floor
    assert any(
        n.startswith("1 post(s) have figures from an import without their days") for n in s.notes
    )
    assert any(
        n.startswith("1 post(s) had figures added up from an export by day: this file's")
        for n in s2.notes
    )
    again = _window(tmp_path, "w3.csv", range(10, 17), exported=17)
    _import(workspace, again)  # another window still leaves the lifetime totals
    assert _posts(workspace) == {"1": (5000, 900, 300, "acme")}


def test_undoing_either_export_leaves_the_other(workspace: Any, tmp_path: Path) -> None:
    from socialproof.ingest.undo import undo_import
    from socialproof.workspace import Workspace

    lifetime = _lifetime(tmp_path)
    days = _window(tmp_path, "w2.csv", range(8, 15), exported=15)
    _, s_life = _import(workspace, days, lifetime)
    undo_import(workspace, s_life.sha256, force=True)
    # back to days 8-14: views 10 * (8 + ... + 14) = 770, reach 114, likes 77 (before, the
    # post went with the lifetime row though its days stayed)
    assert _posts(workspace) == {"1": (770, 114, 77, "acme")}
    other = Workspace.init(tmp_path / "other", settings=workspace.settings)
    _, s_days = _import(other, lifetime, days)
    undo_import(other, s_days.sha256, force=True)
    assert _posts(other) == {"1": (5000, 900, 300, "acme")}


def _lifetime(folder: Path) -> Path:
    path = folder / "lifetime.csv"
    path.write_text(
        HEAD + "1,acme,a,03/01/2026 08:00,https://www.instagram.com/p/A/,IG image,"
        "Lifetime,5000,900,300\n",
        encoding="utf-8",
    )
    stamp = datetime(2026, 3, 7, 12).timestamp()
    os.utime(path, (stamp, stamp))
    return path
