"""Ads exports of other platforms read with a --mapping: title lines over the header and
sum rows under the data (Google Ads, TikTok Ads Manager). Invented files; sums by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from socialproof.campaigns.report import campaign_report
from socialproof.ingest.importer import import_paths, read_context

GOOGLE_DAILY = (
    "Campaign report\n"
    '"March 1, 2026 - March 3, 2026"\n'
    "Day,Campaign,Currency code,Cost,Impr.,Clicks,Conversions,Conv. value\n"
    '2026-03-01,Brand Search,USD,"1,200.50","10,000",500,10.00,"2,000.00"\n'
    '2026-03-02,Brand Search,USD,800.00,"8,000",400,8.00,"1,600.00"\n'
    '2026-03-03,Generic,USD,50.00,"1,000",25,1.00,100.00\n'
    'Total: Account,--,USD,"2,050.50","19,000",925,19.00,"3,700.00"\n'
    'Total: Campaigns,--,USD,"2,050.50","19,000",925,19.00,"3,700.00"\n'
)
GOOGLE_MAP = (
    "table: ad_stats\ncolumns:\n  date_start: Day\n  date_stop: Day\n  campaign: Campaign\n"
    "  currency: Currency code\n  spend: Cost\n  impressions: Impr.\n  link_clicks: Clicks\n"
    "  results: Conversions\n  purchase_value: Conv. value\n"
    "constants:\n  platform: google\n  account: acme\n"
)
# a report over a range, without a Day column: the dates are constants of the mapping
GOOGLE_RANGE = (
    "Campaign report\n"
    '"March 1, 2026 - March 31, 2026"\n'
    "Campaign,Currency code,Cost,Impr.,Clicks\n"
    'Brand Search,USD,"2,000.50","18,000",900\n'
    'Generic,USD,50.00,"1,000",25\n'
    'Total: Account,USD,"2,050.50","19,000",925\n'
    'Total: Search,USD,"2,050.50","19,000",925\n'
)
RANGE_MAP = (
    "table: ad_stats\ncolumns:\n  campaign: Campaign\n  currency: Currency code\n"
    "  spend: Cost\n  impressions: Impr.\n  link_clicks: Clicks\n"
    "constants:\n  platform: google\n  account: acme\n"
    "  date_start: 2026-03-01\n  date_stop: 2026-03-31\n"
)
TIKTOK = (
    "Campaign name,Ad group name,Ad name,By Day,Currency,Cost,Impressions,Conversions\n"
    "Spring Push,AG 1,Video A,2026-03-01,EUR,40.00,8000,4\n"
    "Spring Push,AG 1,Video A,2026-03-02,EUR,60.00,12000,6\n"
    "Total of 2 results,,,,EUR,100.00,20000,10\n"
)
TIKTOK_MAP = (
    "table: ad_stats\ncolumns:\n  campaign: Campaign name\n  ad_set: Ad group name\n"
    "  ad: Ad name\n  date_start: By Day\n  date_stop: By Day\n  currency: Currency\n"
    "  spend: Cost\n  impressions: Impressions\n  results: Conversions\n"
    "constants:\n  platform: tiktok\n  account: acme\n"
)


def _import(ws: Any, tmp_path: Path, text: str, mapping: str) -> Any:
    path, spec = tmp_path / "export.csv", tmp_path / "map.yaml"
    path.write_text(text, encoding="utf-8")
    spec.write_text(mapping, encoding="utf-8")
    [summary] = import_paths(ws, [path], ctx=read_context(ws, mapping=spec))
    assert summary.status == "imported", summary.error
    return summary


def _by_campaign(ws: Any) -> dict[str, dict[str, Any]]:
    frame = campaign_report(ws, by="campaign").frame
    return {r["campaign"]: r for r in frame.to_dict("records")}


def test_google_ads_title_lines_and_total_rows(workspace: Any, tmp_path: Path) -> None:
    summary = _import(workspace, tmp_path, GOOGLE_DAILY, GOOGLE_MAP)
    # two title lines (report name, its dates) sat over the header: the file was read as
    # one column 'Campaign report'; the 'Total:' rows are sums, not rejects
    assert (summary.inserted, summary.rejected) == (3, 0)
    assert any("Skipped 2 'Total' rows" in n for n in summary.notes)
    rows = _by_campaign(workspace)
    brand = rows["Brand Search"]
    assert (brand["spend"], brand["impressions"]) == (pytest.approx(2000.5), 18000)
    assert brand["cpc"] == pytest.approx(2000.5 / 900)
    assert brand["cost_per_result"] == pytest.approx(2000.5 / 18)
    assert brand["roas"] == pytest.approx(3600 / 2000.5)
    assert rows["Generic"]["ctr_link"] == pytest.approx(25 / 1000)


def test_a_total_row_in_the_campaign_column_is_no_campaign(workspace: Any, tmp_path: Path) -> None:
    body = GOOGLE_RANGE.split("\n", 2)[2]  # the header and rows, no title lines
    summary = _import(workspace, tmp_path, body, RANGE_MAP)
    # 'Total: Account' and 'Total: Search' were imported as campaigns: spend 6,151.50
    assert (summary.inserted, summary.rejected) == (2, 0)
    assert any("Skipped 2 summary rows" in n for n in summary.notes)
    rows = _by_campaign(workspace)
    assert sorted(rows) == ["Brand Search", "Generic"]
    assert sum(r["spend"] for r in rows.values()) == pytest.approx(2050.5)


def test_tiktok_total_of_results_row_is_left_out(workspace: Any, tmp_path: Path) -> None:
    summary = _import(workspace, tmp_path, TIKTOK, TIKTOK_MAP)
    # the sum row has no day: it was reported as a rejected row ('no date')
    assert (summary.inserted, summary.rejected) == (2, 0)
    assert any("Skipped 1 summary row" in n for n in summary.notes)
    [row] = campaign_report(workspace, by="campaign").frame.to_dict("records")
    assert (row["spend"], row["impressions"], row["results"]) == (pytest.approx(100.0), 20000, 10)
    assert row["cpm"] == pytest.approx(100.0 / 20)


def test_a_campaign_named_like_a_total_is_kept(workspace: Any, tmp_path: Path) -> None:
    text = (
        "Campaign,Currency code,Cost,Impr.,Clicks\n"
        "Total Recall,USD,10.00,100,1\n"
        "Totally Vegan,USD,5.00,50,1\n"
    )
    summary = _import(workspace, tmp_path, text, RANGE_MAP)
    assert summary.inserted == 2
    assert sorted(_by_campaign(workspace)) == ["Total Recall", "Totally Vegan"]


def test_costs_in_micros_are_divided(workspace: Any, tmp_path: Path) -> None:
    text = (
        "segments.date,campaign.name,customer.currency_code,metrics.cost_micros,"
        "metrics.impressions,metrics.clicks,metrics.conversions,metrics.conversions_value\n"
        "2026-03-01,Brand Search,USD,1200500000,10000,500,10,2000\n"
        "2026-03-02,Brand Search,USD,800000000,8000,400,8,1600\n"
    )
    mapping = (
        "table: ad_stats\ncolumns:\n  date_start: segments.date\n  date_stop: segments.date\n"
        "  campaign: campaign.name\n  currency: customer.currency_code\n"
        "  spend: metrics.cost_micros\n  impressions: metrics.impressions\n"
        "  link_clicks: metrics.clicks\n  results: metrics.conversions\n"
        "  purchase_value: metrics.conversions_value\n"
        "constants:\n  platform: google\n  account: acme\n"
    )
    summary = _import(workspace, tmp_path, text, mapping)
    assert any("micros" in n for n in summary.notes)
    [row] = campaign_report(workspace, by="campaign").frame.to_dict("records")
    # 1,200.50 + 800.00, not 2,000,500,000
    assert row["spend"] == pytest.approx(2000.5)
    assert row["cpc"] == pytest.approx(2000.5 / 900)
    assert row["roas"] == pytest.approx(3600 / 2000.5)


LINKEDIN_MAP = (
    "table: ad_stats\ncolumns:\n  date_start: Start Date (in UTC)\n"
    "  date_stop: Start Date (in UTC)\n  campaign: Campaign Name\n  spend: Total Spent\n"
    "  impressions: Impressions\n  link_clicks: Clicks\n  results: Leads\n"
    "constants:\n  platform: linkedin\n  account: acme\n"
)


@pytest.mark.parametrize(("q", "gap"), [('"', ""), ("", "\n")])
def test_the_currency_a_report_header_states_is_the_spend_currency(
    workspace: Any, tmp_path: Path, q: str, gap: str
) -> None:
    # the header block's lines quoted (one cell each), or not (split at their commas)
    # and set off by a blank line
    text = (
        f"{q}Campaign Performance Report (in UTC){q}\n"
        f"{q}Report Start: 3/1/2026, 12:00 AM{q}\n"
        f"{q}Report End: 3/31/2026, 11:59 PM{q}\n"
        f"{q}Currency: GBP{q}\n{gap}"
        "Start Date (in UTC),Account Name,Campaign Name,Total Spent,Impressions,Clicks,Leads\n"
        "3/1/2026,Acme Corp,Hiring Push,150.00,10000,80,3\n"
        "3/2/2026,Acme Corp,Hiring Push,50.00,5000,20,1\n"
    )
    summary = _import(workspace, tmp_path, text, LINKEDIN_MAP)
    assert summary.inserted == 2
    assert any("Spend is in GBP" in n for n in summary.notes)
    [row] = campaign_report(workspace, by="campaign,currency").frame.to_dict("records")
    # the spend was stored without a currency, shown as the workspace's (USD)
    assert (row["currency"], row["spend"]) == ("GBP", pytest.approx(200.0))
    assert row["cost_per_result"] == pytest.approx(50.0)


def test_a_mapped_currency_wins_over_the_header(workspace: Any, tmp_path: Path) -> None:
    text = (
        "Currency: GBP\n"
        "Start Date (in UTC),Campaign Name,Total Spent,Impressions,Clicks,Leads\n"
        "3/1/2026,Hiring Push,150.00,10000,80,3\n"
    )
    _import(
        workspace,
        tmp_path,
        text,
        LINKEDIN_MAP.replace("constants:\n", "constants:\n  currency: EUR\n"),
    )
    [row] = campaign_report(workspace, by="campaign,currency").frame.to_dict("records")
    assert row["currency"] == "EUR"


X_MAP = (
    "table: ad_stats\ncolumns:\n  campaign: Campaign name\n  date_start: Time period\n"
    "  date_stop: Time period\n  spend: Spend\n  currency: Currency\n"
    "  impressions: Impressions\n  link_clicks: Link clicks\n"
    "constants:\n  platform: x\n  account: acme\n"
)


def test_a_time_period_cell_is_a_reporting_range(workspace: Any, tmp_path: Path) -> None:
    text = (
        "Campaign name,Time period,Spend,Currency,Impressions,Link clicks\n"
        'Launch,"Mar 01, 2026 - Mar 31, 2026",60.00,USD,12000,100\n'
        'Launch,"Apr 01, 2026",5.00,USD,1000,10\n'
        "Launch,01/05/2026 - 15/05/2026,7.00,USD,1000,10\n"
        'Launch,"Jun 09, 2026 - Jun 03, 2026",5.00,USD,1000,10\n'
    )
    summary = _import(workspace, tmp_path, text, X_MAP)
    # every row was rejected ('not a date'); a range whose end comes first still is
    assert (summary.inserted, summary.rejected) == (3, 1)
    with workspace.connect() as con:
        spans = con.execute(
            "SELECT CAST(date_start AS VARCHAR), CAST(date_stop AS VARCHAR), spend "
            "FROM ad_stats ORDER BY date_start"
        ).fetchall()
    assert spans == [
        ("2026-03-01", "2026-03-31", 60.0),
        ("2026-04-01", "2026-04-01", 5.0),
        ("2026-05-01", "2026-05-15", 7.0),  # 15/05 settles the order for both ends
    ]
    by_month = campaign_report(workspace, by="campaign", period="month").frame
    assert list(by_month["spend"]) == [pytest.approx(60.0), pytest.approx(5.0), pytest.approx(7.0)]


NO_DATE_MAP = (
    "table: ad_stats\ncolumns:\n  campaign: Campaign Name\n  spend: Total Spent\n"
    "  impressions: Impressions\n  link_clicks: Clicks\n  results: Leads\n"
    "constants:\n  platform: linkedin\n  account: acme\n"
)


@pytest.mark.parametrize("q", ['"', ""], ids=["quoted", "bare"])
@pytest.mark.parametrize("gap", ["", "\n"], ids=["no-gap", "blank-line"])
def test_a_header_block_is_read_as_the_reports_range_not_as_rejects(
    workspace: Any, tmp_path: Path, q: str, gap: str
) -> None:
    # LinkedIn Campaign Manager's block over a table by campaign without a date column;
    # unquoted, 'Report Start: 3/1/2026, 12:00 AM' splits at its comma into two cells
    text = (
        "Campaign Performance Report (in UTC)\n"
        f"{q}Report Start: 3/1/2026, 12:00 AM{q}\n"
        f"{q}Report End: 3/31/2026, 11:59 PM{q}\n"
        f"{q}Date Generated: 4/2/2026, 9:15 AM{q}\n"
        "Currency: GBP\nTime zone: (UTC) Coordinated Universal Time\n"
        f"{gap}Account Name,Campaign Name,Total Spent,Impressions,Clicks,Leads\n"
        "Acme Corp,Hiring Push,150.00,10000,80,3\n"
        "Acme Corp,Brand,50.00,5000,20,1\n"
    )
    summary = _import(workspace, tmp_path, text, NO_DATE_MAP)
    assert (summary.inserted, summary.rejected) == (2, 0)
    assert any(
        n.startswith(
            "The table has no date column: each row is the report's range, 2026-03-01 to 2026-03-31"
        )
        for n in summary.notes
    )
    with workspace.connect(read_only=True) as con:
        stored = con.execute(
            "SELECT campaign, date_start, date_stop, spend, currency FROM ad_stats "
            "ORDER BY campaign"
        ).fetchall()
    assert stored == [
        ("Brand", date(2026, 3, 1), date(2026, 3, 31), 50.0, "GBP"),
        ("Hiring Push", date(2026, 3, 1), date(2026, 3, 31), 150.0, "GBP"),
    ]


def test_a_table_without_dates_or_a_stated_range_still_asks_for_dates(
    workspace: Any, tmp_path: Path
) -> None:
    path, spec = tmp_path / "export.csv", tmp_path / "map.yaml"
    path.write_text(
        "Campaign Name,Total Spent,Impressions,Clicks,Leads\nHiring Push,150.00,10000,80,3\n",
        encoding="utf-8",
    )
    spec.write_text(NO_DATE_MAP, encoding="utf-8")
    [summary] = import_paths(workspace, [path], ctx=read_context(workspace, mapping=spec))
    assert summary.status == "failed"
    assert "does not give date_start, date_stop" in (summary.error or "")


def test_google_ads_dashes_in_cost_and_counts_are_zero(workspace: Any, tmp_path: Path) -> None:
    text = (
        "Campaign report\n"
        '"March 1, 2026 - March 3, 2026"\n'
        "Day,Campaign,Currency code,Cost,Impr.,Clicks,Conversions,Conv. value,Avg. CPC\n"
        "2026-03-01,Brand Search,USD,10.00,1000,50,2.00,40.00,0.20\n"
        "2026-03-02,Brand Search,USD,--,0,0,--,--,--\n"  # a paused day
        "2026-03-03,Brand Search,USD,20.00,2000,50,--,--,0.40\n"  # spent, no conversion
    )
    mapping = GOOGLE_MAP.replace("  purchase_value:", "  reported_cpc: Avg. CPC\n  purchase_value:")
    summary = _import(workspace, tmp_path, text, mapping)
    assert summary.rejected == 0
    assert summary.notes == [
        "'--' in 'Cost', 'Conversions', 'Conv. value' is read as 0, as Google Ads writes it "
        "where there was none."
    ]
    with workspace.connect(read_only=True) as con:
        stored = con.execute(
            "SELECT spend, results, purchase_value, reported_cpc FROM ad_stats ORDER BY date_start"
        ).fetchall()
    # an average over no clicks stays unknown
    assert stored == [(10.0, 2.0, 40.0, 0.2), (0.0, 0.0, 0.0, None), (20.0, 0.0, 0.0, 0.4)]
    row = _by_campaign(workspace)["Brand Search"]
    # 30 spent for 2 conversions: 15.00 each (not 10 / 2 = 5.00); ROAS 40 / 30
    assert row["spend"] == pytest.approx(30.0)
    assert row["cost_per_result"] == pytest.approx(15.0)
    assert row["roas"] == pytest.approx(40 / 30)
