"""Reports say which KPIs the imported files cannot give, and which column is missing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from socialproof.campaigns.creators import creator_report
from socialproof.campaigns.paid import ad_ranking, pacing
from socialproof.campaigns.report import campaign_report
from socialproof.ingest.importer import import_paths, read_context
from socialproof.metrics import registry
from socialproof.metrics.availability import kpi_inputs, unavailable_notes

NO_SPEND = (
    "Amount spent, CPC, CPM, Cost per result: not in the imported files (no Amount spent column)."
)

# An ad-set export with the columns its user chose: reach, clicks, ThruPlays, no spend.
CHOSEN_COLUMNS = (
    "Reporting starts,Reporting ends,Campaign name,Ad set name,Ad name,Day,Reach,Impressions,"
    "Link clicks,Clicks (all),ThruPlays,Results,Result indicator\n"
    "2026-03-01,2026-03-01,Spring,Set A,creator: Ana,2026-03-01,900,1200,30,41,200,30,"
    "actions:link_click\n"
    "2026-03-02,2026-03-02,Spring,Set A,creator: Ben,2026-03-02,950,1300,35,44,210,35,"
    "actions:link_click\n"
)


def _kpis(*names: str) -> list[Any]:
    return registry.resolve(list(names), table="ad_stats")


def test_inputs_of_sums_and_ratios() -> None:
    [spend, cpm, roas, conv] = _kpis("spend", "cpm", "roas", "conversion_rate")
    assert kpi_inputs(spend, "ad_stats") == [("spend",)]
    assert kpi_inputs(cpm, "ad_stats") == [("spend",), ("impressions",)]
    assert kpi_inputs(roas, "ad_stats") == [("purchase_value",), ("spend",)]
    assert kpi_inputs(conv, "ad_stats") == [("purchases", "leads"), ("link_clicks",)]


def test_notes_group_kpis_by_the_missing_column() -> None:
    kpis = _kpis("spend", "impressions", "cpm", "cpc", "ctr_link", "roas", "conversion_rate")
    present = {"impressions", "reach", "link_clicks", "clicks", "purchase_value", "leads"}
    assert unavailable_notes("ad_stats", present, kpis) == [
        "Amount spent, CPM, CPC, ROAS: not in the imported files (no Amount spent column)."
    ]
    # both inputs gone: named together; one of 'purchases + leads' is enough
    present = {"impressions", "link_clicks", "purchases"}
    assert unavailable_notes("ad_stats", present, _kpis("roas", "conversion_rate")) == [
        "ROAS: not in the imported files (no Purchases conversion value or Amount spent columns)."
    ]


def test_nothing_said_when_every_column_has_data() -> None:
    kpis = _kpis("spend", "cpm", "ctr_link")
    assert unavailable_notes("ad_stats", {"spend", "impressions", "link_clicks"}, kpis) == []


def _imported(workspace: Any, tmp_path: Path) -> Any:
    path = tmp_path / "adsets-chosen-columns.csv"
    path.write_text(CHOSEN_COLUMNS, encoding="utf-8")
    [summary] = import_paths(workspace, [path], ctx=read_context(workspace, account="acme"))
    assert summary.status == "imported", summary.error
    assert summary.inserted == 2
    return workspace


def test_campaign_report_says_what_the_export_cannot_give(workspace: Any, tmp_path: Path) -> None:
    ws = _imported(workspace, tmp_path)
    result = campaign_report(ws, by="campaign", kpis=["spend", "cpm", "cpc", "ctr_link"])
    assert "Amount spent, CPM, CPC: not in the imported files (no Amount spent column)." in (
        result.notes
    )
    assert result.frame.loc[0, "ctr_link"] == (30 + 35) / (1200 + 1300)  # what it can give


def test_ads_pacing_and_creators_say_it_too(workspace: Any, tmp_path: Path) -> None:
    ws = _imported(workspace, tmp_path)
    ranked = ad_ranking(ws, metric="ctr_link", n=1)
    assert "Amount spent: not in the imported files (no Amount spent column)." in ranked.notes
    paced = pacing(ws, budget=1000.0, period="month", as_of="2026-03-02")
    assert "Amount spent: not in the imported files (no Amount spent column)." in paced.notes
    creators = creator_report(ws)
    assert "Amount spent: not in the imported files (no Amount spent column)." in creators.notes


def test_cli_report_prints_the_note(workspace: Any, tmp_path: Path, cli: Any) -> None:
    ws = _imported(workspace, tmp_path)
    res = cli("report", "campaigns", cwd=ws.root)
    assert res.exit_code == 0, res
    said = " ".join((res.stdout + res.stderr).split())
    assert NO_SPEND in said
    assert "CPC (cost per link click): 2 rows without spend left out" not in said  # said once


def test_web_campaigns_page_shows_the_note(workspace: Any, tmp_path: Path) -> None:
    from tests.web.conftest import make_client

    ws = _imported(workspace, tmp_path)
    with make_client(ws) as client:
        page = client.get("/campaigns")
    assert page.status_code == 200
    text = " ".join(page.text.split())
    assert "not in the imported files (no Amount spent column)." in text
