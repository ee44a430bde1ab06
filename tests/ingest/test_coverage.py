"""Issue 14: exports with the columns a user chose, forced formats, errors matched by type."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from socialproof.cli.main import app
from socialproof.errors import BadExport, NotText, UnknownFormat
from socialproof.ingest.sources import open_source

from ._formats import DATA, detect, read, rows

HERE = DATA / "coverage"


def test_ad_set_export_without_amount_spent_is_read() -> None:
    result = read(HERE / "meta_ads_chosen_columns.csv", "meta-ads")
    got = rows(result, "ad_stats")
    assert [(r["ad_set"], r["reach"], r["clicks"], r["video_views"]) for r in got] == [
        ("Retarget 30d", 12000, 450, 3100),
        ("Broad 18-44", 54000, 1210, 9800),
    ]
    assert all(r["spend"] is None and r["impressions"] is None for r in got)
    # the import says which KPIs the file cannot give
    note = next(n for n in result.notes if "Amount spent" in n)
    assert "CPM" in note and "ROAS" in note


def test_ids_alone_identify_ad_rows(tmp_path: Path) -> None:
    path = tmp_path / "ids.csv"
    path.write_text(
        "Ad ID,Day,Amount spent (EUR),Impressions\n120330000001,2026-03-01,12.5,1000\n",
        encoding="utf-8",
    )
    got = rows(read(path, "meta-ads"), "ad_stats")
    assert got[0]["object_key"] == "ad:120330000001" and got[0]["spend"] == 12.5


def test_identity_without_any_metric_is_not_an_ad_export(tmp_path: Path) -> None:
    path = tmp_path / "names.csv"
    path.write_text("Campaign name,Day,Notes\nA,2026-03-01,hello\n", encoding="utf-8")
    with pytest.raises(UnknownFormat, match="a metric"):
        detect(path)


def test_post_export_with_a_campaign_column_is_not_taken_for_ads(tmp_path: Path) -> None:
    # no spend and nothing only Ads Manager writes: the hint names what is missing
    path = tmp_path / "half.csv"
    path.write_text("Campaign name,Day,Impressions\nA,2026-03-01,10\n", encoding="utf-8")
    with pytest.raises(UnknownFormat, match="Amount spent"):
        detect(path)


def _workspace(tmp_path: Path) -> tuple[CliRunner, Path]:
    runner = CliRunner()
    ws = tmp_path / "ws"
    assert runner.invoke(app, ["init", str(ws)]).exit_code == 0
    return runner, ws


def test_forced_format_that_reads_nothing_is_an_error(tmp_path: Path) -> None:
    runner, ws = _workspace(tmp_path)
    path = HERE / "meta_ads_chosen_columns.csv"
    args = ["import", str(path), "--format", "tiktok-overview", "--account", "a"]
    out = runner.invoke(app, [*args, "--workspace", str(ws)])
    assert out.exit_code == 1
    assert "read no rows" in out.output and "missing: Date" in out.output
    listed = runner.invoke(app, ["imports", "--workspace", str(ws)])
    assert "Nothing imported yet" in listed.output
    # the same file without --format imports, so it was not marked as imported
    ok = runner.invoke(app, ["import", str(path), "--account", "a", "--workspace", str(ws)])
    assert ok.exit_code == 0, ok.output


def test_binary_file_raises_not_text(tmp_path: Path) -> None:
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    with pytest.raises(NotText) as info:
        open_source(path)
    assert isinstance(info.value, BadExport)


def test_x_export_without_impressions_is_read() -> None:
    # the same rule on X: post id, time and any metric the user kept
    got = rows(read(HERE / "x_no_impressions.csv", "x-analytics"), "posts")
    assert [(r["post_id"], r["reactions"], r["comments"], r["impressions"]) for r in got] == [
        ("1912345678901234567", 10, 2, None)
    ]


def test_tiktok_content_without_views_is_read_when_links_are_tiktoks() -> None:
    got = rows(read(HERE / "tiktok_content_no_views.csv", "tiktok-content"), "posts")
    assert [(r["post_id"], r["reactions"], r["views"]) for r in got] == [
        ("7490868352335372051", 1204, None)
    ]


def test_title_time_and_likes_without_tiktok_links_is_not_tiktok(tmp_path: Path) -> None:
    path = tmp_path / "videos.csv"
    path.write_text(
        "Video title,Video link,Post time,Total likes\nA,https://example.com/a,2025-04-08,3\n",
        encoding="utf-8",
    )
    with pytest.raises(UnknownFormat):
        detect(path)


def test_linkedin_content_without_impressions_is_read() -> None:
    got = rows(read(HERE / "linkedin_no_impressions.csv", "linkedin"), "posts")
    assert [(r["post_id"], r["clicks"], r["reactions"], r["impressions"]) for r in got] == [
        ("7312345678901234567", 41, 120, None)
    ]
