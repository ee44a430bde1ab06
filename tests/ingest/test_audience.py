"""Audience files (TikTok follower breakdowns, Instagram Audience) -> dated snapshots."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from socialproof.cli.main import app
from socialproof.errors import UsageError
from socialproof.ingest.audience import parse_window

from ._formats import DATA, read, rows

HERE = DATA / "coverage"


def _dated(tmp_path: Path, name: str, day: dt.date) -> Path:
    """A copy of a fixture whose modification time (its export date) is ``day``."""
    path = tmp_path / name
    shutil.copy(HERE / name, path)
    stamp = dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC).timestamp()
    os.utime(path, (stamp, stamp))
    return path


def test_instagram_audience_sections(tmp_path: Path) -> None:
    path = _dated(tmp_path, "instagram_audience.csv", dt.date(2026, 4, 2))
    got = rows(read(path, "instagram-audience"), "audience")
    assert {r["platform"] for r in got} == {"instagram"}
    assert {(r["date_start"], r["date_stop"]) for r in got} == {
        (dt.date(2026, 4, 2), dt.date(2026, 4, 2))
    }
    shares = {(r["dimension"], r["segment"]): r["value"] for r in got}
    assert shares[("age_gender", "female 25-34")] == pytest.approx(0.214)
    assert shares[("age_gender", "male 65+")] == pytest.approx(0.019)
    assert shares[("city", "Port Harcourt")] == pytest.approx(0.062)
    assert shares[("country", "United Kingdom")] == pytest.approx(0.033)
    assert len(got) == 12 + 4 + 3


def test_tiktok_gender_and_territories_as_fractions(tmp_path: Path) -> None:
    gender = rows(
        read(_dated(tmp_path, "FollowerGender.csv", dt.date(2026, 3, 9)), "tiktok-audience"),
        "audience",
    )
    assert [(r["segment"], r["value"]) for r in gender] == [
        ("female", 0.58),
        ("male", 0.39),
        ("other", 0.03),
    ]
    places = rows(read(HERE / "FollowerTopTerritories.csv", "tiktok-audience"), "audience")
    assert {r["dimension"] for r in places} == {"country"}
    assert places[0]["segment"] == "United States" and places[0]["value"] == 0.41


def test_tiktok_activity_rows_keep_their_own_day() -> None:
    got = rows(read(HERE / "FollowerActivity.csv", "tiktok-audience"), "audience")
    assert [(r["date_start"], r["segment"], r["value"]) for r in got][-2:] == [
        (dt.date(2026, 3, 2), "20", 712.0),
        (dt.date(2026, 3, 3), "20", 701.0),
    ]
    assert {r["metric"] for r in got} == {"active_followers"}


def test_window_given_dates_the_snapshot() -> None:
    window = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    got = rows(
        read(HERE / "FollowerGender.csv", "tiktok-audience", options={"window": window}),
        "audience",
    )
    assert {(r["date_start"], r["date_stop"]) for r in got} == {window}


@pytest.mark.parametrize("text", ["2026-03-01", "2026-03-31..2026-03-01", "march..april"])
def test_bad_window_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError, match="--window"):
        parse_window(text)


def test_bad_share_cell_rejected_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "gender.csv"
    path.write_text("Gender,Distribution\nFemale,0.6\nMale,lots\n", encoding="utf-8")
    result = read(path, "tiktok-audience")
    assert [(r.line, "Distribution" in r.reason) for r in result.rejects] == [(3, True)]
    assert [r["segment"] for r in rows(result, "audience")] == ["female"]


def test_audience_import_and_reimport(tmp_path: Path) -> None:
    runner = CliRunner()
    ws = tmp_path / "ws"
    assert runner.invoke(app, ["init", str(ws)]).exit_code == 0
    args = ["import", str(HERE / "FollowerGender.csv"), "--account", "acme", "--workspace", str(ws)]
    args += ["--window", "2026-03-01..2026-03-31"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    again = runner.invoke(app, args)
    assert again.exit_code == 0 and "nothing added" in again.output
    import duckdb

    con = duckdb.connect(str(ws / "workspace.duckdb"), read_only=True)
    try:
        got = con.execute(
            "SELECT account, date_start, segment, value FROM audience ORDER BY segment"
        ).fetchall()
    finally:
        con.close()
    assert got == [
        ("acme", dt.date(2026, 3, 1), "female", 0.58),
        ("acme", dt.date(2026, 3, 1), "male", 0.39),
        ("acme", dt.date(2026, 3, 1), "other", 0.03),
    ]
