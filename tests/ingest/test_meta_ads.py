from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from ._formats import DATA, detect, read, rows

HERE = DATA / "meta_ads"


def test_daily_usd_with_summary_row_and_bad_cell() -> None:
    result = read(HERE / "daily_usd.csv", "meta-ads")
    ads = rows(result, "ad_stats")
    assert result.rows_read == 5
    # the '1.2.3' impressions row is rejected with its line and column, not dropped
    assert [(r.line, "Impressions" in r.reason) for r in result.rejects] == [(5, True)]
    assert any("summary row" in n for n in result.notes)
    assert len(ads) == 3
    first = ads[0]
    assert first["campaign"] == "Spring Sale"
    assert first["ad_set"] == "Lookalike 1%"
    assert first["date_start"] == first["date_stop"] == dt.date(2026, 3, 1)
    assert first["currency"] == "USD"
    assert first["result_type"] == "actions:link_click"
    assert first["breakdown"] == "" and first["account"] == ""
    # quoted cells with commas and escaped quotes survive
    assert ads[2]["ad_set"] == "Interests, 25-44"
    assert ads[2]["ad"] == 'Video "B"'
    assert ads[2]["spend"] == 1020.0


def test_reported_values_are_the_files_own() -> None:
    ads = rows(read(HERE / "daily_usd.csv", "meta-ads"), "ad_stats")
    first = ads[0]
    assert first["reported_cost_per_result"] == 3.0125
    assert first["reported_roas"] == 1.99
    assert first["reported_cpm"] == 12.05
    assert first["reported_cpc"] == 3.0125  # 'CPC (cost per link click) (USD)'
    assert first["reported_frequency"] == 1.25
    assert first["reported_ctr"] == pytest.approx(0.004)  # '0.4' (percent) as a fraction
    # and they agree with the delivery columns of the same row
    assert first["spend"] / first["results"] == pytest.approx(first["reported_cost_per_result"])
    assert first["purchase_value"] / first["spend"] == pytest.approx(
        first["reported_roas"], abs=0.01
    )
    assert first["link_clicks"] / first["impressions"] == pytest.approx(first["reported_ctr"])
    assert first["spend"] / first["link_clicks"] == pytest.approx(first["reported_cpc"])
    assert first["spend"] / first["impressions"] * 1000 == pytest.approx(first["reported_cpm"])
    assert first["impressions"] / first["reach"] == pytest.approx(first["reported_frequency"])


def test_zero_spend_day_kept_with_missing_ratios() -> None:
    ads = rows(read(HERE / "daily_usd.csv", "meta-ads"), "ad_stats")
    zero = next(a for a in ads if a["date_start"] == dt.date(2026, 3, 2))
    assert zero["spend"] == 0.0 and zero["impressions"] == 0
    assert zero["reported_cost_per_result"] is None  # 'undefined'


def test_excel_resaved_range_rows_with_breakdowns() -> None:
    result = read(HERE / "range_eur_excel.csv", "meta-ads")
    ads = rows(result, "ad_stats")
    assert not result.rejects
    assert len(ads) == 4
    a = ads[0]
    assert (a["date_start"], a["date_stop"]) == (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert a["breakdown"] == "age=25-34;gender=female"
    assert a["currency"] == "EUR"
    assert a["spend"] == 1234.56
    # '120.000' is 120,000 in a file whose decimal separator is a comma
    assert a["impressions"] == 120_000 and ads[1]["impressions"] == 99_500
    assert a["reported_ctr"] == pytest.approx(0.0125)
    assert a["leads"] == 95 and a["result_type"] == "actions:lead"
    assert len({x["breakdown"] for x in ads}) == 4  # distinct natural keys


def test_xlsx_with_other_currency() -> None:
    ads = rows(read(HERE / "daily_ngn.xlsx", "meta-ads"), "ad_stats")
    assert [a["currency"] for a in ads] == ["NGN", "NGN"]
    assert ads[0]["spend"] == 15000.5 and ads[0]["video_views"] == 900
    assert ads[1]["reported_cost_per_result"] is None


def test_detection_ignores_file_name(tmp_path: Path) -> None:
    renamed = tmp_path / "tiktok_overview.csv"
    shutil.copy(HERE / "daily_usd.csv", renamed)
    assert detect(renamed)[0] == "meta-ads"


def test_account_given_on_import(workspace: object) -> None:
    from socialproof.ingest.importer import import_paths, read_context

    ctx = read_context(workspace, account="acme-ads")  # type: ignore[arg-type]
    [s] = import_paths(workspace, [HERE / "daily_usd.csv"], ctx=ctx)  # type: ignore[arg-type]
    with workspace.connect() as con:  # type: ignore[attr-defined]
        accounts = con.execute("SELECT DISTINCT account FROM ad_stats").fetchall()
    assert (s.status, accounts) == ("imported", [("acme-ads",)])


def test_imports_into_workspace(workspace: object) -> None:
    from socialproof.ingest.importer import import_paths, read_context

    ctx = read_context(workspace, account="acme-ads")  # type: ignore[arg-type]
    summaries = import_paths(workspace, [HERE / "daily_usd.csv"], ctx=ctx)  # type: ignore[arg-type]
    assert summaries[0].format == "meta-ads"
    assert summaries[0].rejected == 1
    again = import_paths(workspace, [HERE / "daily_usd.csv"], ctx=ctx)  # type: ignore[arg-type]
    assert again[0].inserted == 0


def test_spanish_monthly_breakdown() -> None:
    result = read(HERE / "monthly_es.csv", "meta-ads")
    ads = rows(result, "ad_stats")
    assert not result.rejects
    assert [(a["date_start"], a["date_stop"]) for a in ads] == [
        (dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
        (dt.date(2026, 4, 1), dt.date(2026, 4, 30)),
    ]
    a = ads[0]
    assert (a["campaign"], a["ad_set"], a["currency"]) == ("Verano", "Madrid 25-44", "EUR")
    assert (a["spend"], a["impressions"], a["reach"]) == (1234.5, 98765, 54321)
    assert a["reported_cost_per_result"] == 10.29


def test_day_first_settled_by_another_column_of_the_file() -> None:
    import pyarrow as pa

    from socialproof.ingest.base import Frame, ReadContext, Source
    from socialproof.ingest.meta_ads import MetaAdsFormat

    # every start date is ambiguous; the end dates prove the file is day first
    cols = {
        "Campaign name": ["A", "B"],
        "Reporting starts": ["01/03/2026", "02/03/2026"],
        "Reporting ends": ["31/03/2026", "30/03/2026"],
        "Amount spent (EUR)": ["1,5", "2"],
    }
    frame = Frame(header=list(cols), data=pa.table(cols), line_numbers=[2, 3])
    result = MetaAdsFormat().read(Source(HERE, "x.csv", [frame]), ReadContext())
    ads = result.tables["ad_stats"].to_pylist()
    assert [(a["date_start"], a["date_stop"]) for a in ads] == [
        (dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
        (dt.date(2026, 3, 2), dt.date(2026, 3, 30)),
    ]


def test_overlapping_reporting_ranges_of_one_ad_are_noted(
    workspace: object, tmp_path: Path
) -> None:
    # Range exports of one ad for 1 Jan - 15 Feb and 1 Feb - 31 Mar: reports add both rows,
    # so 1-15 February counts twice; the import said nothing about it.
    from socialproof.ingest.importer import import_paths, read_context

    head = "Campaign name,Ad set name,Ad name,Amount spent (USD),Impressions,"
    head += "Reporting starts,Reporting ends\n"
    ranges = {
        "jan.csv": "Camp,Set,Ad,100.00,10000,2026-01-01,2026-02-15\n",
        "feb.csv": "Camp,Set,Ad,80.00,8000,2026-02-01,2026-03-31\n",
        "apr.csv": "Camp,Set,Ad,50.00,5000,2026-04-01,2026-04-30\n",  # next to them: fine
        "other.csv": "Camp,Set,Other ad,9.00,900,2026-01-10,2026-02-20\n",  # another ad
    }
    for name, row in ranges.items():
        (tmp_path / name).write_text(head + row, encoding="utf-8")
    ctx = read_context(workspace, account="acme-ads")  # type: ignore[arg-type]
    jan, feb, apr, other = (
        import_paths(workspace, [tmp_path / n], ctx=ctx)[0]  # type: ignore[arg-type]
        for n in ranges
    )
    assert not any("share days" in n for n in jan.notes + apr.notes + other.notes)
    [note] = [n for n in feb.notes if "share days" in n]
    assert note.startswith("1 reporting-range row(s) share days with another range")
    assert "Ad (2026-02-01 to 2026-03-31 and 2026-01-01 to 2026-02-15)" in note
    with workspace.connect() as con:  # type: ignore[attr-defined]
        saved = con.execute("SELECT note FROM imports WHERE import_id = ?", [feb.sha256])
        assert "share days" in saved.fetchone()[0]


def test_spreadsheet_error_cells_do_not_cost_the_row(workspace: object, tmp_path: Path) -> None:
    # An export opened in Excel or Google Sheets and saved again writes '#DIV/0!' where the
    # export's own CTR divided by 0 impressions, and '#VALUE!' / '#REF!' for broken
    # formulas: each such row was rejected, its spend and impressions lost from every
    # total, while '#N/A' was already read as no value.
    from socialproof.ingest.importer import import_paths, read_context

    path = tmp_path / "resaved.csv"
    path.write_text(
        "Campaign name,Ad name,Day,Amount spent (USD),Impressions,Link clicks,"
        "CTR (link click-through rate),Cost per result,Purchase ROAS (return on ad spend)\n"
        "Camp,Ad,2026-03-01,0.00,0,0,#DIV/0!,#VALUE!,#REF!\n"
        "Camp,Ad,2026-03-02,12.50,1000,10,1.00,#N/A,#NAME?\n",
        encoding="utf-8",
    )
    ctx = read_context(workspace, account="acme-ads")  # type: ignore[arg-type]
    [s] = import_paths(workspace, [path], ctx=ctx)  # type: ignore[arg-type]
    assert (s.rows_read, s.inserted, s.rejected) == (2, 2, 0)
    with workspace.connect() as con:  # type: ignore[attr-defined]
        got = con.execute(
            "SELECT sum(spend), sum(impressions), count(reported_ctr), count(reported_roas) "
            "FROM ad_stats"
        ).fetchone()
    assert got == (12.5, 1000, 1, 0)


def test_decimal_commas_mean_day_first_dates_when_no_day_is_above_12(tmp_path: Path) -> None:
    # A European re-save of the first days of the month: '05/01/2026;12,50'. No day above
    # 12 proves the order, so '/' meant month first: 5 January became 1 May (and
    # '12/03/2026' 3 December), silently. Decimal commas are written by day-first locales.
    head = "Campaign name;Ad name;Day;Amount spent (EUR);Impressions\n"
    euro = tmp_path / "euro.csv"
    euro.write_text(head + "C;A;05/01/2026;12,50;1000\nC;A;12/03/2026;7,25;800\n", "utf-8")
    result = read(euro, "meta-ads")
    days = [r["date_start"] for r in rows(result, "ad_stats")]
    assert days == [dt.date(2026, 1, 5), dt.date(2026, 3, 12)]
    assert [r["spend"] for r in rows(result, "ad_stats")] == [12.5, 7.25]
    assert any("read day first" in n and "decimal commas" in n for n in result.notes)
    us = tmp_path / "us.csv"
    us.write_text(head.replace(";", ",") + "C,A,05/01/2026,12.50,1000\n", "utf-8")
    result = read(us, "meta-ads")
    assert [r["date_start"] for r in rows(result, "ad_stats")] == [dt.date(2026, 5, 1)]


def test_the_decimal_comma_date_note_quotes_the_file(tmp_path: Path) -> None:
    head = "Campaign name;Ad name;Day;Amount spent (EUR);Impressions\n"
    euro = tmp_path / "euro.csv"
    euro.write_text(head + "C;A;02/02/2026;12,50;1000\nC;A;09/04/2026;7,25;800\n", "utf-8")
    result = read(euro, "meta-ads")
    assert [r["date_start"] for r in rows(result, "ad_stats")] == [
        dt.date(2026, 2, 2),
        dt.date(2026, 4, 9),
    ]
    notes = [n for n in result.notes if "decimal commas" in n]
    assert notes == [
        "Dates like 09/04/2026 were read day first (09 = day), as the file writes decimal commas."
    ]
    # 2 February and 1 January read the same either way: no date to warn about
    euro.write_text(head + "C;A;02/02/2026;12,50;1000\nC;A;01/01/2026;7,25;800\n", "utf-8")
    assert not [n for n in read(euro, "meta-ads").notes if "Dates like" in n]


@pytest.mark.parametrize(
    "head",
    [
        # French Ads Manager, re-saved by Excel (semicolons, decimal commas)
        "Nom de la campagne;Nom de la publicité;Jour;Âge;Montant dépensé (EUR);Impressions;"
        "Couverture;Clics sur un lien;Résultats;Indicateur de résultat;Coût par résultat",
        # Brazilian Portuguese
        "Nome da campanha;Nome do anúncio;Dia;Idade;Valor usado (EUR);Impressões;Alcance;"
        "Cliques no link;Resultados;Indicador de resultados;Custo por resultado",
        # German
        "Kampagnenname;Anzeigenname;Tag;Alter;Ausgegebener Betrag (EUR);Impressionen;"
        "Reichweite;Link-Klicks;Ergebnisse;Ergebnisindikator;Kosten pro Ergebnis",
    ],
    ids=["fr", "pt", "de"],
)
def test_localised_headers_keep_results_reach_and_clicks(tmp_path: Path, head: str) -> None:
    path = tmp_path / "ads.csv"
    path.write_text(
        head + "\nPrintemps;Pub 1;13/03/2026;25-34;12,50;1200;900;30;5;actions:link_click;2,50\n"
        "Printemps;Pub 1;14/03/2026;25-34;7,25;800;600;10;;;\n",
        encoding="utf-8",
    )
    ads = rows(read(path, "meta-ads"), "ad_stats")
    assert [
        (a["date_start"], a["spend"], a["reach"], a["link_clicks"], a["results"]) for a in ads
    ] == [
        (dt.date(2026, 3, 13), 12.5, 900, 30, 5.0),
        (dt.date(2026, 3, 14), 7.25, 600, 10, 0.0),  # a blank Results cell: no result
    ]
    assert ads[0]["result_type"] == "actions:link_click"
    assert ads[0]["reported_cost_per_result"] == 2.5
    assert ads[0]["breakdown"] == "age=25-34" and ads[0]["currency"] == "EUR"


def test_a_currency_sign_in_the_spend_cells_names_the_currency(tmp_path: Path) -> None:
    # a spreadsheet's currency format, saved as CSV: the header names no currency
    path = tmp_path / "signs.csv"
    path.write_text(
        "Campaign name,Ad name,Day,Amount spent,Impressions\n"
        "C,A,2026-03-01,€12.00,100\n"
        "C,A,2026-03-02,7.50 €,100\n"
        "C,A,2026-03-03,£8.00,100\n"
        "C,A,2026-03-04,9.00,100\n",
        encoding="utf-8",
    )
    ads = rows(read(path, "meta-ads", currency="USD"), "ad_stats")
    assert [(a["spend"], a["currency"]) for a in ads] == [
        (12.0, "EUR"),
        (7.5, "EUR"),
        (8.0, "GBP"),
        (9.0, "USD"),  # no sign: the workspace's currency, as before
    ]


def test_a_currency_sign_against_the_files_currency_rejects_the_row(tmp_path: Path) -> None:
    path = tmp_path / "clash.csv"
    path.write_text(
        "Campaign name,Ad name,Day,Amount spent (USD),Impressions\n"
        "C,A,2026-03-01,$12.00,100\n"
        "C,A,2026-03-02,€7.00,100\n",
        encoding="utf-8",
    )
    result = read(path, "meta-ads")
    assert [(a["spend"], a["currency"]) for a in rows(result, "ad_stats")] == [(12.0, "USD")]
    [reject] = result.rejects
    assert reject.line == 3
    assert (
        reject.reason
        == "column 'Amount spent (USD)': '€7.00' is in EUR, not USD (the file's currency)"
    )


def test_a_dash_in_results_is_no_result_and_an_error_cell_is_unknown(tmp_path: Path) -> None:
    path = tmp_path / "dashes.csv"
    path.write_text(
        "Campaign name,Ad name,Day,Amount spent (USD),Impressions,Results\n"
        "C,A,2026-03-01,5.00,100,—\n"  # Ads Manager's on-screen dash, copied
        "C,A,2026-03-02,5.00,100,-\n"
        "C,A,2026-03-03,5.00,100,#N/A\n",  # a spreadsheet's error: not known
        encoding="utf-8",
    )
    ads = rows(read(path, "meta-ads"), "ad_stats")
    assert [a["results"] for a in ads] == [0.0, 0.0, None]
