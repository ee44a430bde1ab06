"""Blank Link clicks (and the other action counts) in Meta Ads exports.

Ads Manager leaves an action count empty on a day or ad that got none, as it does for
Results: an ad day with 1,000 impressions and no link click has a blank Link clicks
cell. Read as unknown, the day left the link CTR and CPC with its impressions and spend
out, so a campaign's CTR read 2.00 % and CPC 0.50 where Ads Manager says 1.00 % and
1.00. Every file here is invented; expected figures are worked by hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from socialproof.campaigns.report import campaign_report
from socialproof.ingest import sqlpath
from socialproof.ingest.importer import import_paths, read_context

HEADER = (
    "Campaign name,Ad name,Day,Amount spent (USD),Impressions,Link clicks,"
    "Landing page views,Adds to cart\n"
)
ROWS = (
    "Spring,Ad 1,2026-03-01,10.00,1000,,,\n"  # no click that day: blank cells
    "Spring,Ad 1,2026-03-02,10.00,1000,20,15,3\n"
    "Spring,Ad 2,2026-03-01,20.00,2000,-,-,-\n"  # a dash, as copied from the screen
    "Spring,Ad 3,2026-03-01,10.00,1000,#N/A,#N/A,#N/A\n"  # a spreadsheet error: unknown
)


@pytest.mark.parametrize("sql", ["1", "0"], ids=["sql-path", "python-path"])
def test_blank_link_clicks_are_zero_and_count_their_impressions_and_spend(
    workspace: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sql: str
) -> None:
    monkeypatch.setattr(sqlpath, "SQL_PATH_BYTES", 0)
    monkeypatch.setenv("SOCIALPROOF_SQL_PATH", sql)
    path = tmp_path / "spring.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    [summary] = import_paths(workspace, [path], ctx=read_context(workspace, account="acme"))
    assert summary.status == "imported", summary.error
    with workspace.connect(read_only=True) as con:
        stored = con.execute(
            "SELECT link_clicks, landing_page_views, adds_to_cart FROM ad_stats "
            "ORDER BY ad, date_start"
        ).fetchall()
    assert stored == [(0, 0, 0), (20, 15, 3), (0, 0, 0), (None, None, None)]
    [row] = campaign_report(
        workspace, by="campaign", kpis=["ctr_link", "cpc", "link_clicks"]
    ).frame.to_dict("records")
    # Ad 3's unknown day is left out; the days without a click count:
    # CTR 20 / (1000 + 1000 + 2000) = 0.50 % (not 20 / 1000 = 2.00 %)
    assert row["ctr_link"] == pytest.approx(0.005)
    # CPC (10 + 10 + 20) / 20 = 2.00 (not 10 / 20 = 0.50)
    assert row["cpc"] == pytest.approx(2.0)
    assert row["link_clicks"] == 20
