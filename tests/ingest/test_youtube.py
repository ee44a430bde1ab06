from __future__ import annotations

import datetime as dt
import itertools
import shutil
from pathlib import Path
from typing import Any

import pytest

from ._formats import DATA, detect, read, rows

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


def test_table_data_says_its_figures_are_over_the_range_exported() -> None:
    # a monthly Table data replaced the previous month's figures of each video, read as
    # lifetime figures, without a word
    result = read(HERE / "Table data.csv", "youtube")
    assert any(
        n.startswith("Table data gives each video's figures over the range chosen in Studio")
        and "'Lifetime'" in n
        for n in result.notes
    )


def test_net_subscribers_are_not_interactions() -> None:
    # 'Subscribers' per video is gained minus lost: never an engagement figure
    posts = rows(read(HERE / "Table data.csv", "youtube"), "posts")
    assert [p["follows"] for p in posts] == [None, None]
    assert [p["time_known"] for p in posts] == [False, False]  # "Mar 8, 2026": a date only


def test_chart_data_per_video_stays_per_video() -> None:
    result = read(HERE / "Chart data.csv", "youtube")
    assert "account_daily" not in result.tables
    got = {
        (d["post_id"], d["date"]): d["value"]
        for d in rows(result, "post_daily")
        if d["metric"] == "views"
    }
    assert got == {
        ("dQw4w9WgXcQ", dt.date(2026, 3, 8)): 5000,
        ("dQw4w9WgXcQ", dt.date(2026, 3, 9)): 4000,
        ("aBcDeFgHiJk", dt.date(2026, 3, 10)): 3300,
        ("dQw4w9WgXcQ", dt.date(2026, 3, 10)): 3000,
    }
    assert any("Totals.csv" in n for n in result.notes)


def test_totals_are_the_channel_days() -> None:
    assert detect(HERE / "Totals.csv")[0] == "youtube"
    result = read(HERE / "Totals.csv", "youtube")
    daily = rows(result, "account_daily")
    views = {d["date"]: d["value"] for d in daily if d["metric"] == "views"}
    assert views == {
        dt.date(2026, 3, 8): 52000,
        dt.date(2026, 3, 9): 61000,
        dt.date(2026, 3, 10): 68588,
    }
    # 'Subscribers' is the day's net change: the channel's follower change (stored as
    # subscribers_net before, which no follower KPI read: net followers gained said '—')
    net = {d["date"]: d["value"] for d in daily if d["metric"] == "follower_change"}
    assert net[dt.date(2026, 3, 9)] == -3


@pytest.mark.parametrize(
    "order", list(itertools.permutations(["Table data.csv", "Chart data.csv", "Totals.csv"]))
)
def test_studio_files_in_any_order_keep_their_totals(
    tmp_path: Path, workspace: object, order: tuple[str, ...]
) -> None:
    from socialproof.ingest.importer import import_paths, read_context
    from socialproof.workspace import Workspace

    ws: Workspace = workspace  # type: ignore[assignment]
    ctx = read_context(ws, account="acme-channel")
    for name in order:
        folder = tmp_path / name.replace(" ", "_")
        folder.mkdir()
        shutil.copy(HERE / name, folder / name)
        [summary] = import_paths(ws, [folder / name], ctx=ctx)
        assert summary.status != "failed", summary
    with ws.connect(read_only=True) as con:
        channel = con.execute(
            "SELECT sum(value) FROM account_daily WHERE platform = 'youtube' AND metric = 'views'"
        ).fetchone()
        videos = con.execute(
            "SELECT sum(value) FROM post_daily WHERE platform = 'youtube' AND metric = 'views'"
        ).fetchone()
        posts = con.execute("SELECT sum(views) FROM posts WHERE platform = 'youtube'").fetchone()
    assert channel == (52000 + 61000 + 68588,)  # Totals.csv: 181,588
    assert videos == (5000 + 4000 + 3300 + 3000,)  # Chart data.csv, per video
    assert posts == (12000 + 3300,)  # Table data.csv without its Total row


def test_table_data_by_day_skips_its_total_row() -> None:
    result = read(HERE / "Table data by day.csv", "youtube")
    views = {d["date"]: d["value"] for d in rows(result, "account_daily") if d["metric"] == "views"}
    assert sum(views.values()) == 181588  # equal to the skipped Total row, counted once
    assert len(views) == 3 and not result.rejects
    assert any("'Total' row" in n for n in result.notes)


def test_two_chart_windows_keep_each_video_day_once(workspace: Any, tmp_path: Path) -> None:
    # Chart data of 1-7 March (two videos) and 5-12 March (one): video A has 10 views a
    # day, so 12 days once each are 120 views (the overlap 5-7 March counted twice: 150)
    from socialproof.ingest.importer import import_paths, read_context
    from socialproof.workspace import engine

    head = "Date,Content,Video title,Video publish time,Views\n"

    def chart(folder: str, days: range, videos: tuple[str, ...]) -> Path:
        (tmp_path / folder).mkdir()
        path = tmp_path / folder / "Chart data.csv"
        path.write_text(
            head
            + "".join(
                f'2026-03-{d:02d},{v},{v} title,"Mar 1, 2026",{10 if v == "vidA" else 3}\n'
                for d in days
                for v in videos
            ),
            encoding="utf-8",
        )
        return path

    for path in (
        chart("w1", range(1, 8), ("vidA", "vidB")),
        chart("w2", range(5, 13), ("vidA",)),
    ):
        [s] = import_paths(workspace, [path], ctx=read_context(workspace, account="chan"))
        assert s.status == "imported", s.error
    with workspace.connect(read_only=True) as con:
        found = engine.query_rows(
            con,
            "SELECT post_id, count(*), count(DISTINCT date), sum(value) FROM post_daily "
            "WHERE metric = 'views' GROUP BY post_id ORDER BY post_id",
        )
    assert [tuple(r) for r in found] == [("vidA", 12, 12, 120.0), ("vidB", 7, 7, 21.0)]


def test_the_channel_s_net_subscribers_are_its_followers_gained(workspace: Any) -> None:
    # Totals.csv: 40 - 3 + 12 = 49 net subscribers over 8-10 March
    from socialproof.ingest.importer import import_paths, read_context
    from socialproof.metrics.explain import explain_kpi

    ctx = read_context(workspace, account="bakes")
    [s] = import_paths(workspace, [HERE / "Totals.csv"], ctx=ctx)
    assert s.status == "imported", s.error
    gained = explain_kpi(workspace, "followers_gained")
    assert gained.value == 49
