"""Blank "Results" cells in Meta Ads exports: rows that spent without a result.

Ads Manager leaves "Results" (and often "Result indicator") empty on the days and ads
that got no result. Its cost per result is spend / results over every row, so those
rows' spend counts. Every file here is invented; expected figures are worked by hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from socialproof.campaigns.report import campaign_report
from socialproof.ingest import sqlpath
from socialproof.ingest.importer import import_paths, read_context

HEADER = (
    "Campaign name,Ad set name,Ad name,Day,Amount spent (USD),Impressions,Results,"
    "Result indicator,Cost per result\n"
)
# Ad 1 and Ad 2 got link clicks on one day each; Ad 3 never got a result.
SPRING = (
    "Spring,Set A,Ad 1,2026-03-01,5.00,1000,2,actions:link_click,2.50\n"
    "Spring,Set A,Ad 1,2026-03-02,3.00,800,,,\n"
    "Spring,Set A,Ad 2,2026-03-01,4.00,900,,,\n"
    "Spring,Set A,Ad 2,2026-03-02,6.00,1200,3,actions:link_click,2.00\n"
    "Spring,Set A,Ad 3,2026-03-01,2.00,500,,,\n"
)


def _import(ws: Any, path: Path) -> Any:
    [summary] = import_paths(ws, [path], ctx=read_context(ws, account="acme"))
    assert summary.status == "imported", summary.error
    return summary


def _write(path: Path, rows: str) -> Path:
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def _by(frame: Any, column: str) -> dict[Any, dict[str, Any]]:
    return {r[column]: r for r in frame.to_dict("records")}


@pytest.mark.parametrize("sql", ["1", "0"], ids=["sql-path", "python-path"])
def test_cost_per_result_counts_the_spend_of_days_without_a_result(
    workspace: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sql: str
) -> None:
    monkeypatch.setattr(sqlpath, "SQL_PATH_BYTES", 0)
    monkeypatch.setenv("SOCIALPROOF_SQL_PATH", sql)
    _import(workspace, _write(tmp_path / "spring.csv", SPRING))
    with workspace.connect(read_only=True) as con:
        stored = con.execute("SELECT results FROM ad_stats ORDER BY ad, date_start").fetchall()
    assert [r[0] for r in stored] == [2.0, 0.0, 0.0, 3.0, 0.0]  # blank cells are 0 results

    result = campaign_report(workspace, by="campaign")
    [row] = result.frame.to_dict("records")
    # 5 + 3 + 4 + 6 + 2 = 20 spent, 2 + 3 = 5 results: 4.00 (not 11 / 5 = 2.20)
    assert row["spend"] == pytest.approx(20.0)
    assert row["results"] == pytest.approx(5.0)
    assert row["cost_per_result"] == pytest.approx(4.0)
    assert not any("left out" in n or "different types" in n for n in result.notes)


def test_rows_without_a_result_take_their_ads_or_campaigns_result_type(
    workspace: Any, tmp_path: Path
) -> None:
    _import(workspace, _write(tmp_path / "spring.csv", SPRING))
    result = campaign_report(workspace, by="campaign,result_type")
    # one result type: the blank rows of Ad 1 and Ad 2 take their ad's, Ad 3 (no result
    # anywhere) the campaign's; no blank group holds 3 + 4 + 2 = 9 of the spend
    rows = result.frame.to_dict("records")
    assert [(r["result_type"], r["spend"], r["results"]) for r in rows] == [
        ("actions:link_click", pytest.approx(20.0), pytest.approx(5.0))
    ]
    assert rows[0]["cost_per_result"] == pytest.approx(4.0)
    # the dashboard's roll-up reads the same figure
    from socialproof.campaigns.rollup import ad_rollup

    [rolled] = ad_rollup(workspace).report(by="platform").frame.to_dict("records")
    assert rolled["cost_per_result"] == pytest.approx(4.0)


def test_a_blank_results_cell_does_not_replace_a_stored_result(
    workspace: Any, tmp_path: Path
) -> None:
    _import(
        workspace,
        _write(
            tmp_path / "first.csv",
            "Spring,Set A,Ad 1,2026-03-01,5.00,1000,12,actions:link_click,\n",
        ),
    )
    # a later export of the same day with Results and its type left blank
    _import(
        workspace, _write(tmp_path / "later.csv", "Spring,Set A,Ad 1,2026-03-01,5.00,1000,,,\n")
    )
    with workspace.connect(read_only=True) as con:
        stored = con.execute("SELECT results, result_type, spend FROM ad_stats").fetchall()
    assert stored == [(12.0, "actions:link_click", 5.0)]


@pytest.mark.parametrize("typed_first", [True, False], ids=["typed-first", "blank-first"])
def test_the_type_comes_from_rows_already_in_the_workspace(
    workspace: Any, tmp_path: Path, typed_first: bool
) -> None:
    typed = _write(
        tmp_path / "typed.csv", "Spring,Set A,Ad 1,2026-03-01,6.00,1000,3,actions:lead,\n"
    )
    blank = _write(tmp_path / "blank.csv", "Spring,Set A,Ad 1,2026-03-02,9.00,1000,,,\n")
    for path in (typed, blank) if typed_first else (blank, typed):
        _import(workspace, path)
    rows = campaign_report(workspace, by="result_type").frame.to_dict("records")
    # (6 + 9) / 3 = 5.00 per lead, whichever file came first
    assert [(r["result_type"], r["cost_per_result"]) for r in rows] == [
        ("actions:lead", pytest.approx(5.0))
    ]


def test_an_ad_with_two_result_types_keeps_its_blank_rows_apart_and_says_so(
    workspace: Any, tmp_path: Path
) -> None:
    _write(
        tmp_path / "two.csv",
        "Spring,Set A,Ad 1,2026-03-01,10.00,1000,5,actions:link_click,\n"
        "Spring,Set A,Ad 1,2026-03-02,20.00,1000,2,actions:purchase,\n"
        "Spring,Set A,Ad 1,2026-03-03,7.00,1000,,,\n"
        "Spring,Set A,Ad 1,2026-03-04,1.50,1000,,,\n",
    )
    _import(workspace, tmp_path / "two.csv")
    result = campaign_report(workspace, by="result_type")
    rows = _by(result.frame, "result_type")
    assert rows["actions:link_click"]["cost_per_result"] == pytest.approx(10.0 / 5)
    assert rows["actions:purchase"]["cost_per_result"] == pytest.approx(20.0 / 2)
    blank = next(r for k, r in rows.items() if k not in ("actions:link_click", "actions:purchase"))
    assert blank["spend"] == pytest.approx(8.5) and blank["results"] == 0
    [note] = [n for n in result.notes if "no result type" in n]
    assert note.startswith("2 row(s) without a result (spend 8.50 USD) have no result type")
    # grouped by campaign the two types are added up, and said to be
    by_campaign = campaign_report(workspace, by="campaign")
    assert any("different types" in n for n in by_campaign.notes)
    assert not any("no result type" in n for n in by_campaign.notes)


def test_a_campaign_that_never_got_a_result_does_not_make_results_mixed(
    workspace: Any, tmp_path: Path
) -> None:
    _write(
        tmp_path / "two_campaigns.csv",
        "Spring,Set A,Ad 1,2026-03-01,10.00,1000,4,actions:link_click,\n"
        "Autumn,Set B,Ad 9,2026-03-01,6.00,1000,,,\n",
    )
    _import(workspace, tmp_path / "two_campaigns.csv")
    result = campaign_report(workspace, by="platform")
    [row] = result.frame.to_dict("records")
    # Autumn adds spend and no result of any type: (10 + 6) / 4
    assert row["cost_per_result"] == pytest.approx(4.0)
    assert not any("different types" in n for n in result.notes)
    from socialproof.campaigns.rollup import ad_rollup

    rolled = ad_rollup(workspace).report(by="platform")
    assert rolled.frame.to_dict("records")[0]["cost_per_result"] == pytest.approx(4.0)
    assert not any("different types" in n for n in rolled.notes)


def test_an_ad_that_never_got_a_result_takes_its_ad_sets_type(
    workspace: Any, tmp_path: Path
) -> None:
    _write(
        tmp_path / "sets.csv",
        "Spring,Clicks,Ad 1,2026-03-01,10.00,1000,5,actions:link_click,\n"
        "Spring,Sales,Ad 2,2026-03-01,30.00,1000,2,actions:purchase,\n"
        "Spring,Sales,Ad 3,2026-03-01,6.00,1000,,,\n",  # Ad 3 never sold
    )
    _import(workspace, tmp_path / "sets.csv")
    result = campaign_report(workspace, by="result_type")
    rows = _by(result.frame, "result_type")
    assert set(rows) == {"actions:link_click", "actions:purchase"}
    # the campaign has two types; Ad 3's ad set one: (30 + 6) / 2 per purchase
    assert rows["actions:purchase"]["cost_per_result"] == pytest.approx(18.0)
    assert rows["actions:link_click"]["cost_per_result"] == pytest.approx(2.0)
    assert not any("no result type" in n for n in result.notes)
