"""A Meta ads export whose amounts name two currencies in their headers ('Amount spent
(EUR)' beside 'Purchases conversion value (USD)'): a row has one currency, so the value
was stored as EUR and ROAS divided dollars by euros (420 / 150 = 2.80). The column in
another currency is left out with a note, on the SQL path (first import) and the Python
path alike. Invented file; figures worked by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from socialproof.campaigns.report import campaign_report
from socialproof.ingest.importer import import_paths, read_context

TWO = (
    "Campaign name,Ad set name,Ad name,Day,Amount spent (EUR),Impressions,Link clicks,"
    "Purchases,Purchases conversion value (USD)\n"
    "Summer,Set,Ad X,2026-04-01,100.00,10000,100,2,300.00\n"
    "Summer,Set,Ad Y,2026-04-01,50.00,5000,40,1,120.00\n"
)
ONE = (
    "Campaign name,Ad set name,Ad name,Day,Amount spent (EUR),Impressions,"
    "Purchases conversion value (EUR)\n"
    "Winter,Set,Ad Z,2026-04-01,20.00,2000,60.00\n"
)


def _import(ws: Any, tmp_path: Path, name: str, text: str) -> Any:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    (summary,) = import_paths(ws, [path], ctx=read_context(ws, account="acme"))
    assert summary.status == "imported", summary.error
    return summary


@pytest.mark.parametrize("first", [False, True], ids=["sql-path", "python-path"])
def test_an_amount_in_another_currency_than_the_spend_is_left_out(
    workspace: Any, tmp_path: Path, first: bool
) -> None:
    if first:  # rows in the table already: the file goes the Python way
        _import(workspace, tmp_path, "one.csv", ONE)
    summary = _import(workspace, tmp_path, "two.csv", TWO)
    assert (
        "'Purchases conversion value (USD)' left out: not in the currency of 'Amount spent (EUR)'"
    ) in " ".join(summary.notes)
    assert not any("has no 'Purchases conversion value'" in n for n in summary.notes)
    frame = campaign_report(
        workspace, by="campaign", kpis=["spend", "purchase_value", "roas"]
    ).frame.set_index("campaign")
    assert frame.loc["Summer", "spend"] == pytest.approx(150.0)
    assert frame.loc["Summer", ["purchase_value", "roas"]].isna().all()  # was 420, 2.80
    if first:  # a value in the spend's currency is read as before: 60 / 20
        assert frame.loc["Winter", "roas"] == pytest.approx(3.0)
