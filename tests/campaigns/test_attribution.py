"""Meta's 'Attribution setting': results, purchases and their value counted under one
setting ('7-day click or 1-day view') are other figures than under another ('1-day
click'). An export of the same ads and days under another setting is refused, not taken
as an update; ads or days under several settings in one report are said. Invented
files; figures worked by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from socialproof.campaigns.report import campaign_report
from socialproof.ingest.importer import import_paths, read_context

HEADER = (
    "Campaign name,Ad set name,Ad name,Day,Amount spent (USD),Impressions,Results,"
    "Result indicator,Purchases,Purchases conversion value,Attribution setting\n"
)
PURCHASE = "actions:offsite_conversion.fb_pixel_purchase"


def _file(tmp_path: Path, name: str, *rows: tuple[str, str, int, str]) -> Path:
    """rows: (ad, day, purchases, setting); 10.00 spent, 100.00 per purchase."""
    lines = "".join(
        f"Spring,Set A,{ad},2026-03-{day},10.00,1000,{n},{PURCHASE},{n},{n * 100},{setting}\n"
        for ad, day, n, setting in rows
    )
    path = tmp_path / name
    path.write_text(HEADER + lines, encoding="utf-8")
    return path


def _import(ws: Any, path: Path) -> Any:
    (summary,) = import_paths(ws, [path], ctx=read_context(ws, account="acme"))
    return summary


SEVEN = "7-day click or 1-day view"


def test_an_export_under_another_setting_does_not_replace_the_rows(
    workspace: Any, tmp_path: Path
) -> None:
    first = _import(workspace, _file(tmp_path, "seven.csv", ("Ad 1", "01", 5, SEVEN)))
    assert first.status == "imported"
    # the same ad and day under 1-day click was taken as an update: 5 purchases became 2
    # (ROAS 50.00 became 20.00) without a word
    second = _import(workspace, _file(tmp_path, "one.csv", ("Ad 1", "01", 2, "1-day click")))
    assert second.status == "failed"
    assert second.error.startswith(
        "one.csv counts results under the attribution setting '1-day click', but 1 stored "
        "row(s) of the same ads and days count them under '7-day click or 1-day view' "
        "(e.g. Ad 1, 2026-03-01, from seven.csv)"
    )
    [row] = campaign_report(workspace, by="campaign", kpis=["purchases", "roas"]).frame.to_dict(
        "records"
    )
    assert (row["purchases"], row["roas"]) == (pytest.approx(5.0), pytest.approx(50.0))
    # the same setting again is an update as before
    again = _import(workspace, _file(tmp_path, "seven2.csv", ("Ad 1", "01", 6, SEVEN)))
    assert (again.status, again.updated) == ("imported", 1)


def test_ads_under_two_settings_in_one_report_are_said(workspace: Any, tmp_path: Path) -> None:
    assert _import(workspace, _file(tmp_path, "a.csv", ("Ad 1", "01", 5, SEVEN))).status == (
        "imported"
    )
    # the second file goes the Python way (the table has rows): its setting is kept too
    other = _file(tmp_path, "b.csv", ("Ad 2", "01", 2, "1-day click"))
    assert _import(workspace, other).status == "imported"
    report = campaign_report(workspace, by="campaign", kpis=["purchases", "roas"])
    assert report.frame["purchases"].tolist() == [pytest.approx(7.0)]
    assert any(
        n.startswith(
            "Results, purchases and their value add up rows counted under different "
            "attribution settings (from '1-day click' to '7-day click or 1-day view')"
        )
        for n in report.notes
    )
    # a period holding Ad 1's day only is under one setting: no note
    assert (
        _import(workspace, _file(tmp_path, "c.csv", ("Ad 1", "02", 1, SEVEN))).status == "imported"
    )
    one = campaign_report(workspace, by="campaign", since="2026-03-02", until="2026-03-02")
    assert not any("attribution" in n for n in one.notes)


def test_the_dashboard_roll_up_says_so_too(workspace: Any, tmp_path: Path) -> None:
    import html

    from tests.web.conftest import make_client

    from socialproof.campaigns.rollup import ad_rollup

    # Ad 1 on 1 March under 7-day click or 1-day view, Ad 2 on 2 March under 1-day click
    for name, ad, day, setting in (
        ("a.csv", "Ad 1", "01", SEVEN),
        ("b.csv", "Ad 2", "02", "1-day click"),
    ):
        assert _import(workspace, _file(tmp_path, name, (ad, day, 2, setting))).status == (
            "imported"
        )
    said = (
        "Results, purchases and their value add up rows counted under different attribution "
        "settings (from '1-day click' to '7-day click or 1-day view')"
    )
    rolled = ad_rollup(workspace)
    both = rolled.report(by="platform", since="2026-03-01", until="2026-03-02")
    assert any(n.startswith(said) for n in both.notes)
    first = rolled.report(by="platform", since="2026-03-01", until="2026-03-01")
    assert not any("attribution" in n for n in first.notes)  # one setting on 1 March
    with make_client(workspace) as client:
        week = {"range": "custom", "start": "2026-03-01", "end": "2026-03-02"}
        page = client.get("/dashboard", params=week)
        day = client.get("/dashboard", params={**week, "end": "2026-03-01"})
    assert page.status_code == 200 and day.status_code == 200
    assert said in html.unescape(page.text)
    assert said not in html.unescape(day.text)
