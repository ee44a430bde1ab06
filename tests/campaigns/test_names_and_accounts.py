"""Names in ads exports: an ad renamed while it ran (same Ad ID) is one ad, and one
campaign name in two ad accounts is two campaigns. Invented files; sums by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from socialproof.campaigns.paid import ad_ranking
from socialproof.campaigns.report import campaign_report
from socialproof.ingest.importer import import_paths, read_context

HEAD = (
    "Account name,Campaign name,Ad set name,Ad name,Ad ID,Day,Amount spent (USD),Impressions,"
    "Link clicks,Results,Result indicator,Purchases conversion value"
)
RESULT = "actions:offsite_conversion.fb_pixel_purchase"
RENAMED = (
    f"{HEAD}\n"
    f"Acme,Spring,Set A,Blue shoes v1,120000000000000001,2026-03-01,10.00,1000,20,2,{RESULT},60\n"
    f"Acme,Spring,Set A,Blue shoes v2,120000000000000001,2026-03-02,30.00,2000,40,1,{RESULT},40\n"
    f"Acme,Spring,Set A,Red shoes,120000000000000002,2026-03-01,20.00,4000,10,1,{RESULT},10\n"
    f"Acme,Spring,Set A,Green shoes,120000000000000003,2026-03-01,12.00,3000,30,3,{RESULT},90\n"
)
US = (
    f"{HEAD}\n"
    f"Acme US,Spring,Set A,Blue shoes,130000000000000001,2026-03-01,50.00,5000,50,5,{RESULT},250\n"
    f"Acme US,Spring,Set A,Blue shoes,130000000000000001,2026-03-02,50.00,5000,50,5,{RESULT},250\n"
)
CANADA = (
    f"{HEAD}\n"
    f"Acme CA,Spring,Set A,Blue shoes,140000000000000001,2026-03-01,25.00,2500,25,1,{RESULT},50\n"
)


def _import(ws: Any, tmp_path: Path, **files: str) -> None:
    paths = []
    for name, text in files.items():
        path = tmp_path / f"{name}.csv"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    summaries = import_paths(ws, paths, ctx=read_context(ws))
    assert [s.status for s in summaries] == ["imported"] * len(paths), [s.error for s in summaries]


def test_an_ad_renamed_while_it_ran_is_one_ad(workspace: Any, tmp_path: Path) -> None:
    _import(workspace, tmp_path, renamed=RENAMED)
    report = campaign_report(workspace, by="ad")
    rows = {r["ad"]: r for r in report.frame.to_dict("records")}
    # 'Blue shoes v1' and 'v2' were two ads (cost per result 5.00 and 30.00): one ad
    # under its latest name, 10 + 30 over 2 + 1 results
    assert sorted(rows) == ["Blue shoes v2", "Green shoes", "Red shoes"]
    blue = rows["Blue shoes v2"]
    assert (blue["spend"], blue["impressions"], blue["results"]) == (pytest.approx(40.0), 3000, 3)
    assert blue["cost_per_result"] == pytest.approx(40.0 / 3)
    assert blue["roas"] == pytest.approx(100.0 / 40.0)
    assert any("1 ad(s) were renamed while they ran" in n for n in report.notes)
    # the ranking: three ads, not four; the best (Green, 4.00) and the worst (Red, 20.00)
    ranking = ad_ranking(workspace, n=1).frame
    assert list(ranking["ad"]) == ["Green shoes", "Red shoes"]
    assert float(ranking["median"].iloc[0]) == pytest.approx(40.0 / 3)
    # and with a period (the careful path)
    cut = campaign_report(workspace, by="ad", since="2026-03-01", until="2026-03-02").frame
    assert sorted(cut["ad"]) == ["Blue shoes v2", "Green shoes", "Red shoes"]


def test_one_campaign_name_in_two_ad_accounts_is_two_campaigns(
    workspace: Any, tmp_path: Path
) -> None:
    _import(workspace, tmp_path, us=US, canada=CANADA)
    report = campaign_report(workspace)
    rows = {r["account"]: r for r in report.frame.to_dict("records")}
    # both accounts' 'Spring' were added into one row: spend 125.00, ROAS 4.40
    assert sorted(rows) == ["Acme CA", "Acme US"]
    assert (rows["Acme US"]["spend"], rows["Acme US"]["roas"]) == (
        pytest.approx(100.0),
        pytest.approx(5.0),
    )
    assert (rows["Acme CA"]["spend"], rows["Acme CA"]["cost_per_result"]) == (
        pytest.approx(25.0),
        pytest.approx(25.0),
    )
    assert any("used in several ad accounts" in n for n in report.notes)
    ranking = ad_ranking(workspace, n=1).frame
    assert sorted(ranking["account"]) == ["Acme CA", "Acme US"]


def test_a_campaign_in_one_account_gets_no_account_column(workspace: Any, tmp_path: Path) -> None:
    _import(workspace, tmp_path, us=US)
    report = campaign_report(workspace)
    assert "account" not in report.frame.columns
    assert not any("ad accounts" in n for n in report.notes)


EUR = (
    "Account name,Campaign name,Ad set name,Ad name,Ad ID,Day,Amount spent (EUR),Impressions,"
    "Link clicks,Results,Result indicator,Purchases conversion value\n"
    f"Acme EU,Spring,Set A,Blue shoes,150000000000000001,2026-03-01,30.00,3000,30,3,{RESULT},90\n"
    f"Acme EU,Spring,Set A,Red shoes,150000000000000002,2026-03-01,20.00,4000,10,1,{RESULT},20\n"
)


def test_costs_in_two_currencies_are_not_ranked_against_one_median(
    workspace: Any, tmp_path: Path
) -> None:
    from socialproof.errors import BadInput

    _import(workspace, tmp_path, us=US, canada=CANADA, eur=EUR)
    # cost per result 10.00 USD, 25.00 USD, 10.00 EUR and 20.00 EUR were ranked against
    # a median of 15.00 made of both currencies
    with pytest.raises(BadInput, match=r"2 currencies \(EUR, USD\)"):
        ad_ranking(workspace, n=1)
    # converted: EUR at 1.10 USD makes 11.00 and 22.00; median of 10, 11, 22, 25 = 16.50
    converted = ad_ranking(workspace, n=1, rates={"EUR": 1.1}).frame
    assert float(converted["median"].iloc[0]) == pytest.approx(16.5)
    assert list(converted["ad"]) == ["Blue shoes", "Blue shoes"]
    assert list(converted["account"]) == ["Acme US", "Acme CA"]
    # a ratio of two amounts in one currency (ROAS) compares across currencies
    roas = ad_ranking(workspace, n=1, metric="roas").frame
    assert list(roas["roas"]) == [pytest.approx(5.0), pytest.approx(1.0)]


def test_a_renamed_ad_beside_a_range_export(workspace: Any, tmp_path: Path) -> None:
    month = (
        "Account name,Campaign name,Ad set name,Ad name,Ad ID,Reporting starts,Reporting ends,"
        "Amount spent (USD),Impressions\n"
        "Acme,Spring,Set A,Blue shoes v1,120000000000000001,2026-03-01,2026-03-31,90.00,9000\n"
    )
    _import(workspace, tmp_path, renamed=RENAMED, month=month)
    # one ad (two names, one id), named as its row that ends last (the month's): the
    # month range (90.00) holds its two days (10 + 30), which give way to it. Renamed
    # ads beside a range stopped the report with an internal error
    rows = {r["ad"]: r for r in campaign_report(workspace, by="ad").frame.to_dict("records")}
    assert rows["Blue shoes v1"]["spend"] == pytest.approx(90.0)
    assert "Blue shoes v2" not in rows
    cut = campaign_report(workspace, by="ad", since="2026-03-01", until="2026-03-02").frame
    assert dict(zip(cut["ad"], cut["spend"], strict=True))["Blue shoes v1"] == pytest.approx(40.0)
