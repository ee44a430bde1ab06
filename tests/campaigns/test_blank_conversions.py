"""Blank Purchases, Purchases conversion value and Leads cells in Meta Ads exports.

Ads Manager leaves these cells empty (a dash on screen, which copies carry) on the days
and ads that spent without a purchase or a lead, as it does for Results. They are 0, so
ROAS, cost per lead and conversion rate count those rows' spend and clicks; a spreadsheet
error ('#N/A') stays unknown and its row is left out. Every file here is invented;
expected figures are worked by hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from socialproof.campaigns.report import campaign_report
from socialproof.ingest import sqlpath
from socialproof.ingest.importer import import_paths, read_context

HEADER = (
    "Campaign name,Ad name,Day,Amount spent (USD),Impressions,Link clicks,Results,"
    "Purchases,Purchases conversion value,Leads\n"
)
# Ad 1 sold once on 1 March; its 2 March and Ad 2's day got no purchase (blank, dash);
# Ad 3's day is a spreadsheet error in every count.
ROWS = (
    "Spring,Ad 1,2026-03-01,10.00,1000,20,1,1,50.00,2\n"
    "Spring,Ad 1,2026-03-02,10.00,1000,20,,,,\n"
    "Spring,Ad 2,2026-03-01,20.00,2000,40,-,-,-,2\n"
    "Spring,Ad 3,2026-03-01,10.00,1000,20,#N/A,#N/A,#N/A,#N/A\n"
)


def _write(folder: Path) -> Path:
    path = folder / "spring.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    return path


@pytest.mark.parametrize("sql", ["1", "0"], ids=["sql-path", "python-path"])
def test_blank_purchases_and_leads_are_zero_and_errors_unknown(
    workspace: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sql: str
) -> None:
    monkeypatch.setattr(sqlpath, "SQL_PATH_BYTES", 0)
    monkeypatch.setenv("SOCIALPROOF_SQL_PATH", sql)
    [summary] = import_paths(
        workspace, [_write(tmp_path)], ctx=read_context(workspace, account="acme")
    )
    assert summary.status == "imported", summary.error
    with workspace.connect(read_only=True) as con:
        stored = con.execute(
            "SELECT purchases, purchase_value, leads FROM ad_stats ORDER BY ad, date_start"
        ).fetchall()
    assert stored == [(1.0, 50.0, 2.0), (0.0, 0.0, 0.0), (0.0, 0.0, 2.0), (None, None, None)]

    kpis = ["roas", "cost_per_lead", "conversion_rate", "purchases", "leads"]
    [row] = campaign_report(workspace, by="campaign", kpis=kpis).frame.to_dict("records")
    # Ad 3's unknown day is left out of each ratio; the rows without a sale count:
    # ROAS 50 / (10 + 10 + 20) = 1.25 (not 50 / 10 = 5.00)
    assert row["roas"] == pytest.approx(1.25)
    # cost per lead (10 + 10 + 20) / (2 + 0 + 2) = 10.00 (not 30 / 4 = 7.50)
    assert row["cost_per_lead"] == pytest.approx(10.0)
    # conversion rate (1 + 2 + 0 + 0 + 2) / (20 + 20 + 40) = 6.25 % (not 5 / 60)
    assert row["conversion_rate"] == pytest.approx(0.0625)
    assert row["purchases"] == pytest.approx(1.0)
    assert row["leads"] == pytest.approx(4.0)


def test_a_stored_purchase_is_kept_over_a_later_blank(workspace: Any, tmp_path: Path) -> None:
    first = tmp_path / "first.csv"
    first.write_text(HEADER + "Spring,Ad 1,2026-03-01,10.00,1000,20,1,1,50.00,2\n", "utf-8")
    again = tmp_path / "again.csv"
    again.write_text(HEADER + "Spring,Ad 1,2026-03-01,10.00,1000,20,1,,,\n", "utf-8")
    for path in (first, again):
        [summary] = import_paths(workspace, [path], ctx=read_context(workspace, account="acme"))
        assert summary.status == "imported", summary.error
    with workspace.connect(read_only=True) as con:
        stored = con.execute("SELECT purchases, purchase_value, leads FROM ad_stats").fetchall()
    assert stored == [(1.0, 50.0, 2.0)]


@pytest.mark.spark
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_spark_reads_and_reports_the_blank_cells_as_duckdb_does(tmp_path: Path) -> None:
    import os

    import pandas as pd

    from socialproof.ingest.spark_reader import import_with_spark
    from socialproof.workspace import Workspace, spark
    from socialproof.workspace.settings import Engine, settings_from_dict

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    path = _write(tmp_path)
    frames = []
    for backend in ("duckdb", "spark"):
        made = Workspace.init(
            tmp_path / backend, settings=settings_from_dict({"owner": "T", "timezone": "UTC"})
        )
        ws = Workspace(
            made.root, made.settings.model_copy(update={"engine": Engine(backend=backend)})
        )
        ctx = read_context(ws, account="acme")
        if backend == "spark":
            spark.stop()
            [summary] = import_with_spark(ws, [path], ctx=ctx)
        else:
            [summary] = import_paths(ws, [path], ctx=ctx)
        assert summary.status == "imported", summary.error
        kpis = ["roas", "cost_per_lead", "conversion_rate"]
        frames.append(campaign_report(ws, by="campaign", kpis=kpis).frame)
    spark.stop()
    [row] = frames[1].to_dict("records")
    assert (row["roas"], row["cost_per_lead"]) == (pytest.approx(1.25), pytest.approx(10.0))
    pd.testing.assert_frame_equal(frames[0], frames[1], check_dtype=False)
