"""Campaign-level exports (no 'Ad set name' or 'Ad name' column) beside ad-level ones:
each day of a campaign is counted once, at its finest level. Invented files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from socialproof.campaigns.report import campaign_report
from socialproof.ingest.importer import import_paths, read_context
from socialproof.metrics.explain import explain_kpi as explain

CAMPAIGN_MARCH = (
    "Campaign name,Day,Amount spent (USD),Impressions\n"
    "Spring,2026-03-30,5.00,500\n"
    "Spring,2026-03-31,6.00,600\n"
)
CAMPAIGN_APRIL = (
    "Campaign name,Day,Amount spent (USD),Impressions\n"
    "Spring,2026-04-01,50.00,5000\n"
    "Spring,2026-04-02,30.00,3000\n"
)
ADS_MARCH = (
    "Campaign name,Ad set name,Ad name,Day,Amount spent (USD),Impressions\n"
    "Spring,Set A,Ad 1,2026-03-30,5.00,500\n"
    "Spring,Set A,Ad 2,2026-03-31,6.00,600\n"
)


def _import(ws: Any, tmp_path: Path, **files: str) -> None:
    paths = []
    for name, text in files.items():
        path = tmp_path / f"{name}.csv"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    summaries = import_paths(ws, paths, ctx=read_context(ws, account="acme"))
    assert [s.status for s in summaries] == ["imported"] * len(paths), [s.error for s in summaries]


def _spend(ws: Any) -> float:
    [row] = campaign_report(ws, by="campaign").frame.to_dict("records")
    return float(row["spend"])


def test_the_same_days_at_campaign_and_ad_level_count_once(workspace: Any, tmp_path: Path) -> None:
    _import(workspace, tmp_path, campaign=CAMPAIGN_MARCH, ads=ADS_MARCH)
    # 5 + 6 at ad level; the campaign rows of the same days were added too (22.00)
    assert _spend(workspace) == pytest.approx(11.0)
    assert explain(workspace, "spend").value == pytest.approx(11.0)


def test_campaign_days_without_ad_rows_are_counted(workspace: Any, tmp_path: Path) -> None:
    _import(workspace, tmp_path, campaign=CAMPAIGN_APRIL, ads=ADS_MARCH)
    # March at ad level (11.00) and April at campaign level (80.00): 'explain' left April out
    assert _spend(workspace) == pytest.approx(91.0)
    assert explain(workspace, "spend").value == pytest.approx(91.0)
    by_month = campaign_report(workspace, by="campaign", period="month").frame
    assert list(by_month["spend"]) == [pytest.approx(11.0), pytest.approx(80.0)]


def test_campaign_days_inside_an_ad_level_range_give_way_to_it(
    workspace: Any, tmp_path: Path
) -> None:
    ads = (
        "Campaign name,Ad set name,Ad name,Reporting starts,Reporting ends,"
        "Amount spent (USD),Impressions\n"
        "Spring,Set A,Ad 1,2026-03-01,2026-03-31,40.00,4000\n"
    )
    _import(workspace, tmp_path, campaign=CAMPAIGN_MARCH, ads=ads)
    # the ad's March range holds the campaign's 30 and 31 March: counted once, as the range
    assert _spend(workspace) == pytest.approx(40.0)
