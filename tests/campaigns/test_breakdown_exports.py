"""Breakdown exports (age, gender, placement) imported next to each other and next to the
plain export: each day of each ad is counted once. Invented files; sums worked by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from socialproof.campaigns.report import campaign_report
from socialproof.ingest.importer import import_paths, read_context

HEAD = "Campaign name,Ad set name,Ad name"
AGE = (
    f"{HEAD},Day,Age,Amount spent (USD),Impressions,Results,Result indicator\n"
    "Spring,Set A,Ad 1,2026-03-01,18-24,4.00,400,1,actions:link_click\n"
    "Spring,Set A,Ad 1,2026-03-01,25-34,6.00,600,2,actions:link_click\n"
)
GENDER = (
    f"{HEAD},Day,Gender,Amount spent (USD),Impressions,Results,Result indicator\n"
    "Spring,Set A,Ad 1,2026-03-01,female,7.00,700,2,actions:link_click\n"
    "Spring,Set A,Ad 1,2026-03-01,male,3.00,300,1,actions:link_click\n"
)


def _import(ws: Any, tmp_path: Path, **files: str) -> None:
    paths = []
    for name, text in files.items():
        path = tmp_path / f"{name}.csv"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    summaries = import_paths(ws, paths, ctx=read_context(ws, account="acme"))
    assert [s.status for s in summaries] == ["imported"] * len(paths), [s.error for s in summaries]


def _totals(ws: Any) -> tuple[float, int]:
    [row] = campaign_report(ws, by="campaign").frame.to_dict("records")
    return row["spend"], row["impressions"]


def test_age_and_gender_exports_of_one_ad_count_once(workspace: Any, tmp_path: Path) -> None:
    _import(workspace, tmp_path, age=AGE, gender=GENDER)
    # each export adds up to 10.00 and 1,000 impressions: counted once, not 20.00
    assert _totals(workspace) == (pytest.approx(10.0), 1000)
    [row] = campaign_report(workspace, by="campaign").frame.to_dict("records")
    assert row["results"] == pytest.approx(3.0)
    from socialproof.metrics.explain import explain_kpi

    told = explain_kpi(workspace, "spend")
    assert told.value == pytest.approx(10.0)
    assert any(
        n.startswith("2 ad row(s) are not part of any figure")
        and "one kind of breakdown over another" in n
        for n in told.notes
    )


def test_a_plain_range_beside_daily_breakdowns_keeps_the_days(
    workspace: Any, tmp_path: Path
) -> None:
    plain = (
        f"{HEAD},Reporting starts,Reporting ends,Amount spent (USD),Impressions\n"
        "Spring,Set A,Ad 1,2026-03-01,2026-03-02,10.00,1000\n"
    )
    age = (
        f"{HEAD},Day,Age,Amount spent (USD),Impressions\n"
        "Spring,Set A,Ad 1,2026-03-01,18-24,4.00,400\n"
        "Spring,Set A,Ad 1,2026-03-01,25-34,2.00,200\n"
        "Spring,Set A,Ad 1,2026-03-02,18-24,3.00,300\n"
        "Spring,Set A,Ad 1,2026-03-02,25-34,1.00,100\n"
    )
    _import(workspace, tmp_path, plain=plain, age=age)
    # the daily rows count (4 + 2 + 3 + 1), the range row they cover does not; every row
    # was left out before ('No ad rows')
    assert _totals(workspace) == (pytest.approx(10.0), 1000)
    by_day = campaign_report(workspace, by="campaign", period="day").frame
    assert list(by_day["spend"]) == [pytest.approx(6.0), pytest.approx(4.0)]


def test_breakdown_days_without_a_plain_row_are_counted(workspace: Any, tmp_path: Path) -> None:
    plain = f"{HEAD},Day,Amount spent (USD),Impressions\nSpring,Set A,Ad 1,2026-03-01,10.00,1000\n"
    age = (
        f"{HEAD},Day,Age,Amount spent (USD),Impressions\n"
        "Spring,Set A,Ad 1,2026-03-01,18-24,4.00,400\n"
        "Spring,Set A,Ad 1,2026-03-01,25-34,6.00,600\n"
        "Spring,Set A,Ad 1,2026-03-02,18-24,5.00,500\n"
        "Spring,Set A,Ad 1,2026-03-02,25-34,2.50,250\n"
    )
    _import(workspace, tmp_path, plain=plain, age=age)
    # 1 March: the plain row (10.00), not its age rows too; 2 March: its age rows (7.50)
    assert _totals(workspace) == (pytest.approx(17.5), 1750)


def test_breakdown_ranges_beside_plain_rows_are_left_out(workspace: Any, tmp_path: Path) -> None:
    plain = (
        f"{HEAD},Reporting starts,Reporting ends,Amount spent (USD),Impressions\n"
        "Spring,Set A,Ad 1,2026-03-01,2026-03-15,10.00,1000\n"
    )
    age = (
        f"{HEAD},Reporting starts,Reporting ends,Age,Amount spent (USD),Impressions\n"
        "Spring,Set A,Ad 1,2026-03-01,2026-03-31,18-24,9.00,900\n"
        "Spring,Set A,Ad 1,2026-03-01,2026-03-31,25-34,11.00,1100\n"
    )
    _import(workspace, tmp_path, plain=plain, age=age)
    # a range's breakdown beside the ad's plain rows could overlap it: the plain row counts
    assert _totals(workspace) == (pytest.approx(10.0), 1000)


def test_the_stored_rollup_counts_a_second_breakdown_once(workspace: Any, tmp_path: Path) -> None:
    from socialproof.campaigns import rollup_store as store

    kpis = ("spend", "impressions", "results", "cost_per_result")
    _import(workspace, tmp_path, age=AGE)
    store.refresh(workspace, {store.ADS: kpis})
    _import(workspace, tmp_path, gender=GENDER)  # after the roll-up was stored
    store.refresh(workspace, {store.ADS: kpis})
    stored = store.current(workspace, store.ADS, kpis).report(by="platform", kpis=list(kpis))
    [row] = stored.frame.to_dict("records")
    assert (row["spend"], row["impressions"]) == (pytest.approx(10.0), 1000)
    assert row["cost_per_result"] == pytest.approx(10.0 / 3)


RANGE_HEAD = f"{HEAD},Reporting starts,Reporting ends"


def test_breakdown_ranges_of_two_kinds_and_lengths_count_each_day_once(
    workspace: Any, tmp_path: Path
) -> None:
    age = (
        f"{RANGE_HEAD},Age,Amount spent (USD),Impressions\n"
        "Spring,Set A,Ad 1,2026-03-01,2026-03-31,18-24,20.00,2000\n"
        "Spring,Set A,Ad 1,2026-03-01,2026-03-31,25-34,11.00,1100\n"
    )
    gender = (
        f"{RANGE_HEAD},Gender,Amount spent (USD),Impressions\n"
        "Spring,Set A,Ad 1,2026-03-01,2026-03-15,female,9.00,900\n"
        "Spring,Set A,Ad 1,2026-03-01,2026-03-15,male,6.00,600\n"
    )
    _import(workspace, tmp_path, age=age, gender=gender)
    # the age export covers all 31 days (20 + 11); the gender one's 15 days are inside it
    # and cannot be taken out of its total: counted once, not 31 + 15 = 46
    assert _totals(workspace) == (pytest.approx(31.0), 3100)
    report = campaign_report(workspace, by="campaign")
    assert any(
        n.startswith("2 reporting-range breakdown row(s) (spend 15.00 USD) are left out")
        for n in report.notes
    )
    from socialproof.metrics.explain import explain_kpi

    told = explain_kpi(workspace, "spend")
    assert told.value == pytest.approx(31.0)
    assert any(n.startswith("2 ad row(s) are not part of any figure") for n in told.notes)
    from socialproof.campaigns import rollup_store as store

    kpis = ("spend", "impressions")
    store.refresh(workspace, {store.ADS: kpis})
    stored = store.current(workspace, store.ADS, kpis).report(by="platform", kpis=list(kpis))
    [row] = stored.frame.to_dict("records")
    assert (row["spend"], row["impressions"]) == (pytest.approx(31.0), 3100)


def test_breakdown_ranges_that_do_not_meet_are_all_counted(workspace: Any, tmp_path: Path) -> None:
    age = (
        f"{RANGE_HEAD},Age,Amount spent (USD),Impressions\n"
        "Spring,Set A,Ad 1,2026-03-01,2026-03-31,18-24,20.00,2000\n"
        "Spring,Set A,Ad 1,2026-03-01,2026-03-31,25-34,11.00,1100\n"
    )
    gender = (
        f"{RANGE_HEAD},Gender,Amount spent (USD),Impressions\n"
        "Spring,Set A,Ad 1,2026-04-01,2026-04-15,female,9.00,900\n"
        "Spring,Set A,Ad 1,2026-04-01,2026-04-15,male,6.00,600\n"
    )
    _import(workspace, tmp_path, age=age, gender=gender)
    # March by age, April by gender: no day twice, so 31 + 15
    assert _totals(workspace) == (pytest.approx(46.0), 4600)
    assert not any("breakdown row(s)" in n for n in campaign_report(workspace).notes)


def test_the_kind_covering_most_days_wins_over_several_ranges(
    workspace: Any, tmp_path: Path
) -> None:
    gender = (
        f"{RANGE_HEAD},Gender,Amount spent (USD),Impressions\n"
        "Spring,Set A,Ad 1,2026-03-01,2026-03-15,female,9.00,900\n"
        "Spring,Set A,Ad 1,2026-03-01,2026-03-15,male,6.00,600\n"
        "Spring,Set A,Ad 1,2026-03-16,2026-03-31,female,10.00,1000\n"
        "Spring,Set A,Ad 1,2026-03-16,2026-03-31,male,7.00,700\n"
    )
    age = (
        f"{RANGE_HEAD},Age,Amount spent (USD),Impressions\n"
        "Spring,Set A,Ad 1,2026-03-01,2026-03-20,18-24,12.00,1200\n"
        "Spring,Set A,Ad 1,2026-03-01,2026-03-20,25-34,8.00,800\n"
        "Spring,Set B,Ad 2,2026-03-01,2026-03-20,18-24,5.00,500\n"
    )
    _import(workspace, tmp_path, gender=gender, age=age)
    # Ad 1: gender covers 15 + 16 = 31 days, age 20 of them: gender counts (9 + 6 + 10 + 7);
    # Ad 2 has only its age row, which counts (5)
    assert _totals(workspace) == (pytest.approx(37.0), 3700)
    assert any(
        n.startswith("2 reporting-range breakdown row(s) (spend 20.00 USD)")
        for n in campaign_report(workspace).notes
    )


def test_a_period_that_cuts_the_longer_kind_keeps_the_other(workspace: Any, tmp_path: Path) -> None:
    age = (
        f"{RANGE_HEAD},Age,Amount spent (USD),Impressions\n"
        "Spring,Set A,Ad 1,2026-03-01,2026-03-31,18-24,20.00,2000\n"
        "Spring,Set A,Ad 1,2026-03-01,2026-03-31,25-34,11.00,1100\n"
    )
    gender = (
        f"{RANGE_HEAD},Gender,Amount spent (USD),Impressions\n"
        "Spring,Set A,Ad 1,2026-03-01,2026-03-15,female,9.00,900\n"
        "Spring,Set A,Ad 1,2026-03-01,2026-03-15,male,6.00,600\n"
    )
    _import(workspace, tmp_path, age=age, gender=gender)
    # 1-15 March: the age range runs past the period (left out, cannot be split); the
    # gender range fits and is the only kind inside it, so it counts (9 + 6)
    report = campaign_report(workspace, by="campaign", until="2026-03-15")
    [row] = report.frame.to_dict("records")
    assert (row["spend"], row["impressions"]) == (pytest.approx(15.0), 1500)
    assert not any("breakdown row(s)" in n for n in report.notes)
    assert any("only partly overlap" in n for n in report.notes)


def test_a_chain_of_three_kinds_keeps_a_range_whose_rival_gave_way(
    workspace: Any, tmp_path: Path
) -> None:
    age = (
        f"{RANGE_HEAD},Age,Amount spent (USD),Impressions\n"
        "Spring,Set A,Ad 1,2026-03-01,2026-03-10,18-24,4.00,400\n"
        "Spring,Set A,Ad 1,2026-03-01,2026-03-10,25-34,6.00,600\n"
    )
    gender = (
        f"{RANGE_HEAD},Gender,Amount spent (USD),Impressions\n"
        "Spring,Set A,Ad 1,2026-03-08,2026-03-20,female,7.00,700\n"
        "Spring,Set A,Ad 1,2026-03-08,2026-03-20,male,5.00,500\n"
    )
    placement = (
        f"{RANGE_HEAD},Placement,Amount spent (USD),Impressions\n"
        "Spring,Set A,Ad 1,2026-03-18,2026-03-31,feed,9.00,900\n"
        "Spring,Set A,Ad 1,2026-03-18,2026-03-31,stories,5.00,500\n"
    )
    _import(workspace, tmp_path, age=age, gender=gender, placement=placement)
    # placement covers 14 days, gender 13, age 10: gender meets placement and gives way;
    # age meets only gender, which is not counted, so age counts: 10 + 14 (not 14 alone)
    assert _totals(workspace) == (pytest.approx(24.0), 2400)
    report = campaign_report(workspace, by="campaign")
    assert any(
        n.startswith("2 reporting-range breakdown row(s) (spend 12.00 USD) are left out")
        for n in report.notes
    )
    from socialproof.metrics.explain import explain_kpi

    assert explain_kpi(workspace, "spend").value == pytest.approx(24.0)


def test_a_chain_of_four_kinds_settles_from_the_top(workspace: Any, tmp_path: Path) -> None:
    def kind(column: str, value: str, start: int, stop: int, spend: float) -> str:
        return (
            f"{RANGE_HEAD},{column},Amount spent (USD),Impressions\n"
            f"Spring,Set A,Ad 1,2026-03-{start:02},2026-03-{stop:02},{value},{spend:.2f},100\n"
        )

    _import(
        workspace,
        tmp_path,
        # days: country 14, placement 9, gender 7, age 4; each meets the next one only
        country=kind("Country", "FR", 18, 31, 14.0),
        placement=kind("Placement", "feed", 10, 18, 9.0),  # shares 18 March with country
        gender=kind("Gender", "female", 4, 10, 7.0),  # shares 10 March with placement
        age=kind("Age", "18-24", 1, 4, 4.0),  # shares 4 March with gender
    )
    # country counts; placement gives way to it; gender meets only placement, so it
    # counts; age gives way to gender: 14 + 7
    assert _totals(workspace) == (pytest.approx(21.0), 200)
    assert any(
        n.startswith("2 reporting-range breakdown row(s) (spend 13.00 USD)")
        for n in campaign_report(workspace, by="campaign").notes
    )
