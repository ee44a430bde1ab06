"""Reporting ranges of one ad that share days: two exports of one kind that cross (1-15
and 10-31 March, plain or by age), and range breakdowns of two kinds (age for the month,
gender for its first half). Each day counts once in the report, explain, pacing and the
dashboard's roll-ups (fresh and stored) alike, and what cannot be split by day is said
with its spend. Invented files; sums worked by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from socialproof.campaigns import rollup_store as store
from socialproof.campaigns.paid import pacing
from socialproof.campaigns.report import campaign_report
from socialproof.campaigns.rollup import ad_rollup
from socialproof.errors import NoData
from socialproof.ingest.importer import import_paths, read_context
from socialproof.metrics.explain import explain_kpi

RANGE = "Campaign name,Ad set name,Ad name,Reporting starts,Reporting ends"
KPIS = ("spend", "impressions")


def _import(ws: Any, tmp_path: Path, **files: str) -> None:
    paths = []
    for name, text in files.items():
        path = tmp_path / f"{name}.csv"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    summaries = import_paths(ws, paths, ctx=read_context(ws, account="acme"))
    assert [s.status for s in summaries] == ["imported"] * len(paths), [s.error for s in summaries]


def _plain(start: int, stop: int, spend: float) -> str:
    return (
        f"{RANGE},Amount spent (USD),Impressions\n"
        f"Spring,Set A,Ad 1,2026-03-{start:02},2026-03-{stop:02},{spend:.2f},{spend * 10:.0f}\n"
    )


def _by(column: str, start: int, stop: int, **spend: float) -> str:
    rows = "".join(
        f"Spring,Set A,Ad 1,2026-03-{start:02},2026-03-{stop:02},{value},{amount:.2f},"
        f"{amount * 10:.0f}\n"
        for value, amount in spend.items()
    )
    return f"{RANGE},{column},Amount spent (USD),Impressions\n{rows}"


def _windows(ws: Any, expected: dict[tuple[str | None, str | None], float | None]) -> None:
    """The report, a fresh roll-up and a stored one give each window's spend (None: no
    rows), and impressions at ten per unit of spend (each file's)."""
    store.refresh(ws, {store.ADS: KPIS})
    rollups = {"fresh": ad_rollup(ws), "stored": store.current(ws, store.ADS, KPIS)}
    for (since, until), spend in expected.items():
        period = {"since": since, "until": until}
        runs = {
            "report": lambda p=period: campaign_report(ws, by="platform", kpis=list(KPIS), **p),
            **{
                name: (lambda r=r, p=period: r.report(by="platform", kpis=list(KPIS), **p))
                for name, r in rollups.items()
            },
        }
        for name, run in runs.items():
            if spend is None:
                with pytest.raises(NoData):
                    run()
                continue
            [row] = run().frame.to_dict("records")
            assert (row["spend"], row["impressions"]) == (
                pytest.approx(spend),
                pytest.approx(spend * 10),
            ), (name, since, until)


def test_two_plain_ranges_that_cross_count_each_day_once(workspace: Any, tmp_path: Path) -> None:
    _import(workspace, tmp_path, first=_plain(1, 15, 150.0), second=_plain(10, 31, 220.0))
    # 1-31 March held both, added: 370.00 with 10-15 March twice. 10-31 covers more days
    # (22 against 15) and counts; 1-15 cannot be split, so it is said with its spend
    report = campaign_report(workspace, by="campaign", since="2026-03-01", until="2026-03-31")
    assert report.frame["spend"].tolist() == [pytest.approx(220.0)]
    assert (
        "1 reporting-range row(s) (spend 150.00 USD) are left out: their range shares days "
        "with a longer range of the same ad and breakdown, which counts"
    ) in " ".join(report.notes)
    assert not any("count twice" in n for n in report.notes)
    told = explain_kpi(workspace, "spend", since="2026-03-01", until="2026-03-31")
    assert told.value == pytest.approx(220.0)
    assert any("a range over a shorter one" in n for n in told.notes)
    # 10-15 March: both ranges run past it; nothing can be counted, and the spend is said
    with pytest.raises(NoData) as caught:
        campaign_report(workspace, by="campaign", since="2026-03-10", until="2026-03-15")
    assert (
        "2 reporting-range row(s) (spend 370.00 USD) only partly overlap 2026-03-10 to 2026-03-15"
    ) in str(caught.value)
    with pytest.raises(NoData) as caught:
        explain_kpi(workspace, "spend", since="2026-03-10", until="2026-03-15")
    assert "2 reporting-range row(s) (spend 370.00 USD) only partly overlap" in str(caught.value)
    # 1-15 March: the later range is cut, the earlier counts on its own
    cut = campaign_report(workspace, by="campaign", since="2026-03-01", until="2026-03-15")
    assert cut.frame["spend"].tolist() == [pytest.approx(150.0)]
    assert any(n.startswith("1 reporting-range row(s) (spend 220.00 USD) only") for n in cut.notes)
    _windows(
        workspace,
        {
            ("2026-03-01", "2026-03-31"): 220.0,
            (None, None): 220.0,
            ("2026-03-01", "2026-03-15"): 150.0,
            ("2026-03-10", "2026-03-31"): 220.0,
            ("2026-03-10", "2026-03-15"): None,
        },
    )


def test_pacing_counts_crossing_ranges_once_and_says_what_it_cannot_split(
    workspace: Any, tmp_path: Path
) -> None:
    _import(workspace, tmp_path, first=_plain(1, 15, 150.0), second=_plain(10, 31, 220.0))
    (workspace.root / "budgets.yaml").write_text(
        "budgets:\n"
        "  - {amount: 310, start: 2026-03-01, end: 2026-03-31}\n"
        "  - {amount: 60, start: 2026-03-10, end: 2026-03-15}\n",
        encoding="utf-8",
    )
    result = pacing(workspace)
    month, week = result.frame.to_dict("records")
    assert month["spent"] == pytest.approx(220.0)  # was 370.00, over-pacing a 310 budget
    assert week["spent"] == 0.0
    notes = " ".join(result.notes)
    assert "1 reporting-range row(s) (spend 150.00 USD) are left out" in notes
    assert "2 reporting-range row(s) (spend 370.00 USD) only partly overlap" in notes


def test_crossing_ranges_of_one_breakdown_kind_count_once(workspace: Any, tmp_path: Path) -> None:
    _import(
        workspace,
        tmp_path,
        first=_by("Age", 1, 15, **{"18-24": 100.0, "25-34": 50.0}),
        second=_by("Age", 10, 31, **{"18-24": 120.0, "25-34": 100.0}),
    )
    report = campaign_report(workspace, by="campaign")
    assert report.frame["spend"].tolist() == [pytest.approx(220.0)]  # not 370.00
    assert any(
        n.startswith("2 reporting-range row(s) (spend 150.00 USD) are left out")
        for n in report.notes
    )
    assert explain_kpi(workspace, "spend").value == pytest.approx(220.0)
    _windows(
        workspace,
        {
            (None, None): 220.0,
            ("2026-03-01", "2026-03-15"): 150.0,
            ("2026-03-11", "2026-03-31"): None,
        },
    )


def test_a_range_inside_a_longer_one_of_its_kind_counts_where_that_is_cut(
    workspace: Any, tmp_path: Path
) -> None:
    _import(workspace, tmp_path, month=_plain(1, 31, 310.0), week=_plain(1, 7, 70.0))
    # the month holds the week: the month counts, the week only where the month is cut
    _windows(
        workspace,
        {
            (None, None): 310.0,
            ("2026-03-01", "2026-03-31"): 310.0,
            ("2026-03-01", "2026-03-07"): 70.0,
            ("2026-03-01", "2026-03-20"): 70.0,
            ("2026-03-02", "2026-03-31"): None,
        },
    )


def test_the_dashboard_agrees_with_the_report_over_two_kinds_of_range(
    workspace: Any, tmp_path: Path
) -> None:
    _import(
        workspace,
        tmp_path,
        age=_by("Age", 1, 31, **{"18-24": 20.0, "25-34": 11.0}),
        gender=_by("Gender", 1, 15, female=9.0, male=6.0),
    )
    # the roll-up weighed the kinds over all dates, so gender (left out for age) was gone
    # from it: the dashboard's 1-15 March said 'no data' where the report counts gender
    _windows(
        workspace,
        {
            ("2026-03-01", "2026-03-15"): 15.0,
            ("2026-03-01", "2026-03-20"): 15.0,
            ("2026-03-01", "2026-03-31"): 31.0,
            (None, None): 31.0,
            ("2026-03-10", "2026-03-15"): None,
            ("2026-03-16", "2026-03-31"): None,
        },
    )


def _days(first: int, last: int, spend: float) -> str:
    rows = "".join(
        f"Spring,Set A,Ad 1,2026-03-{d:02},2026-03-{d:02},{spend:.2f},{spend * 10:.0f}\n"
        for d in range(first, last + 1)
    )
    return f"{RANGE},Amount spent (USD),Impressions\n{rows}"


def test_daily_rows_inside_a_range_that_gives_way_count(workspace: Any, tmp_path: Path) -> None:
    _import(
        workspace,
        tmp_path,
        first=_plain(1, 15, 150.0),
        second=_plain(10, 31, 220.0),
        days=_days(3, 8, 10.0),
    )
    # 10-31 counts (220.00) and 1-15 gives way; 3-8 March lie in 1-15 only, and their
    # daily rows (60.00) were left out with it: 220.00 for the month, where 5-31 March
    # (1-15 cut) gave 260.00. Each day once: 3-8 from the days, 10-31 from the range
    report = campaign_report(workspace, by="campaign", since="2026-03-01", until="2026-03-31")
    assert report.frame["spend"].tolist() == [pytest.approx(280.0)]
    assert explain_kpi(workspace, "spend").value == pytest.approx(280.0)
    (workspace.root / "budgets.yaml").write_text(
        "budgets:\n  - {amount: 310, start: 2026-03-01, end: 2026-03-31}\n", encoding="utf-8"
    )
    [month] = pacing(workspace).frame.to_dict("records")
    assert month["spent"] == pytest.approx(280.0)
    _windows(
        workspace,
        {
            (None, None): 280.0,
            ("2026-03-01", "2026-03-31"): 280.0,
            ("2026-03-05", "2026-03-31"): 260.0,  # 5-8 March's days and 10-31
            ("2026-03-01", "2026-03-20"): 150.0,  # 10-31 cut: 1-15 counts, holding 3-8
            ("2026-03-01", "2026-03-09"): 60.0,
            ("2026-03-10", "2026-03-20"): None,
        },
    )


def test_daily_rows_where_two_ranges_cross_count_where_both_are_cut(
    workspace: Any, tmp_path: Path
) -> None:
    _import(
        workspace,
        tmp_path,
        first=_plain(1, 15, 150.0),
        second=_plain(10, 31, 220.0),
        days=_days(12, 20, 10.0),
    )
    # the daily rows all lie in 10-31, which counts over the month; 1-15 cannot be split
    # (its 1-9 March are in no row of their own). The roll-up tagged 12-15 March with the
    # days both ranges share (10-15), so a window of 10-20 March, cutting both ranges,
    # left those days out: 50.00 where the report counts the nine days, 90.00
    report = campaign_report(workspace, by="campaign")
    assert report.frame["spend"].tolist() == [pytest.approx(220.0)]
    assert any(n.startswith("1 reporting-range row(s) (spend 150.00 USD)") for n in report.notes)
    _windows(
        workspace,
        {
            (None, None): 220.0,
            ("2026-03-10", "2026-03-20"): 90.0,
            ("2026-03-12", "2026-03-20"): 90.0,
            ("2026-03-01", "2026-03-20"): 200.0,  # 1-15 and 16-20 March's days
            ("2026-03-16", "2026-03-31"): 50.0,
            ("2026-03-05", "2026-03-31"): 220.0,
        },
    )


def test_a_chain_of_ranges_is_settled_in_each_window(workspace: Any, tmp_path: Path) -> None:
    _import(
        workspace,
        tmp_path,
        first=_plain(1, 10, 100.0),
        second=_plain(8, 20, 130.0),
        third=_plain(18, 31, 140.0),
    )
    # 18-31 (14 days) beats 8-20 (13), which beats 1-10 (10): over the month 8-20 gives
    # way and 1-10 counts (240.00). Over 1-20 March 18-31 is cut, so 8-20 counts and 1-10
    # gives way to it: the report said 130.00 and the roll-up, which had 1-10 counting in
    # any window, 230.00 (8-10 March twice)
    _windows(
        workspace,
        {
            (None, None): 240.0,
            ("2026-03-01", "2026-03-31"): 240.0,
            ("2026-03-01", "2026-03-20"): 130.0,
            ("2026-03-01", "2026-03-17"): 100.0,
            ("2026-03-08", "2026-03-31"): 140.0,
            ("2026-03-08", "2026-03-20"): 130.0,
        },
    )


def test_range_breakdowns_give_way_only_to_plain_rows_of_their_days(
    workspace: Any, tmp_path: Path
) -> None:
    april = (
        f"{RANGE},Amount spent (USD),Impressions\nSpring,Set A,Ad 1,2026-04-01,2026-04-01,5.00,50\n"
    )
    _import(
        workspace, tmp_path, age=_by("Age", 1, 31, **{"18-24": 20.0, "25-34": 11.0}), april=april
    )
    # the age rows of March gave way to the ad's plain row of 1 April, which shares no day
    # with them: the report said 5.00 and March had no ad rows (31.00 lost without a word)
    _windows(
        workspace,
        {
            (None, None): 36.0,
            ("2026-03-01", "2026-03-31"): 31.0,
            ("2026-04-01", "2026-04-30"): 5.0,
        },
    )
