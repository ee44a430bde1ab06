"""A reporting-range export beside daily rows of the same ad: each day counts once, and
the days a range shares with no daily row are not lost. Invented files; sums by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from socialproof.campaigns.report import campaign_report
from socialproof.errors import NoData
from socialproof.ingest.importer import import_paths, read_context
from socialproof.metrics.explain import explain_kpi

RANGE = "Campaign name,Ad set name,Ad name,Reporting starts,Reporting ends,Amount spent (USD)"
DAILY = "Campaign name,Ad set name,Ad name,Day,Amount spent (USD)"


def _import(ws: Any, tmp_path: Path, **files: str) -> None:
    paths = []
    for name, text in files.items():
        path = tmp_path / f"{name}.csv"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    summaries = import_paths(ws, paths, ctx=read_context(ws, account="acme"))
    assert [s.status for s in summaries] == ["imported"] * len(paths), [s.error for s in summaries]


def _days(first: int, last: int, spend: str) -> str:
    return "".join(f"Spring,Set A,Ad 1,2026-03-{d:02},{spend}\n" for d in range(first, last + 1))


def _spend(ws: Any, **period: str) -> float:
    [row] = campaign_report(ws, by="campaign", **period).frame.to_dict("records")
    return float(row["spend"])


def test_a_range_beside_daily_rows_of_other_days_counts(workspace: Any, tmp_path: Path) -> None:
    _import(
        workspace,
        tmp_path,
        early=f"{RANGE}\nSpring,Set A,Ad 1,2026-03-01,2026-03-10,30.00\n",
        late=f"{DAILY}\n{_days(11, 20, '2.00')}",
    )
    # 1-10 March only in the range (30.00), 11-20 March by day (10 x 2.00): no day twice.
    # The range was left out because the ad had daily rows at all: 20.00, and a report of
    # 1-10 March found no rows
    assert _spend(workspace) == pytest.approx(50.0)
    assert _spend(workspace, since="2026-03-01", until="2026-03-10") == pytest.approx(30.0)
    assert _spend(workspace, since="2026-03-11", until="2026-03-20") == pytest.approx(20.0)
    assert explain_kpi(workspace, "spend").value == pytest.approx(50.0)


def test_a_range_that_daily_rows_cover_in_part_counts_instead_of_them(
    workspace: Any, tmp_path: Path
) -> None:
    _import(
        workspace,
        tmp_path,
        month=f"{RANGE}\nSpring,Set A,Ad 1,2026-03-01,2026-03-31,62.00\n",
        first_days=f"{DAILY}\n{_days(1, 10, '2.00')}",
    )
    # the month's total (62.00) holds its first ten days (10 x 2.00): the range counts and
    # the days inside it do not; leaving the range out lost 21 days (20.00 was reported)
    assert _spend(workspace) == pytest.approx(62.0)
    assert explain_kpi(workspace, "spend").value == pytest.approx(62.0)
    # 1-10 March: the month lies mostly outside the period (left out, it cannot be split),
    # so the days count
    report = campaign_report(workspace, by="campaign", since="2026-03-01", until="2026-03-10")
    assert float(report.frame["spend"].sum()) == pytest.approx(20.0)
    assert any("only partly overlap" in n for n in report.notes)
    told = explain_kpi(workspace, "spend", since="2026-03-01", until="2026-03-10")
    assert told.value == pytest.approx(20.0)
    # the whole of March: the range
    assert _spend(workspace, since="2026-03-01", until="2026-03-31") == pytest.approx(62.0)


def test_a_range_every_day_of_which_has_a_daily_row_gives_way(
    workspace: Any, tmp_path: Path
) -> None:
    _import(
        workspace,
        tmp_path,
        week=f"{RANGE}\nSpring,Set A,Ad 1,2026-03-01,2026-03-07,15.00\n",
        days=f"{DAILY}\n{_days(1, 10, '2.00')}",
    )
    # the days cover the whole week: they count (10 x 2.00), the week does not
    assert _spend(workspace) == pytest.approx(20.0)
    by_day = campaign_report(workspace, by="campaign", period="day").frame
    assert len(by_day) == 10


def test_a_period_outside_every_row_is_still_no_data(workspace: Any, tmp_path: Path) -> None:
    _import(
        workspace,
        tmp_path,
        month=f"{RANGE}\nSpring,Set A,Ad 1,2026-03-01,2026-03-31,62.00\n",
        first_days=f"{DAILY}\n{_days(1, 10, '2.00')}",
    )
    with pytest.raises(NoData):
        campaign_report(workspace, by="campaign", since="2026-04-01")


def test_pacing_and_fatigue_weigh_a_range_inside_their_own_period(
    workspace: Any, tmp_path: Path
) -> None:
    from socialproof.campaigns.paid import fatigue, pacing

    head = "Campaign name,Ad set name,Ad name,{},Amount spent (USD),Impressions,Reach,Link clicks"
    days = "".join(
        f"Spring,Set A,Ad 1,2026-03-{d:02},2.00,1000,800,{20 - d}\n" for d in range(1, 11)
    )
    _import(
        workspace,
        tmp_path,
        month=head.format("Reporting starts,Reporting ends")
        + "\nSpring,Set A,Ad 1,2026-03-01,2026-03-31,62.00,31000,20000,310\n",
        first_days=head.format("Day") + "\n" + days,
    )
    # judged on 31 March: the month's budget sees the month's range (62.00), not the ten
    # days inside it (20.00)
    [month] = pacing(workspace, budget=100.0, period="month").frame.to_dict("records")
    assert month["spent"] == pytest.approx(62.0)
    # a budget for the week of 2-8 March judged on Saturday 7 March: the range runs past
    # it, so the days count (2-7 March: 6 x 2.00)
    [week] = pacing(workspace, budget=20.0, period="week", as_of="2026-03-07").frame.to_dict(
        "records"
    )
    assert week["spent"] == pytest.approx(12.0)
    # fatigue reads the ad day by day: the ten days are there (first third 1-3 March:
    # 19 + 18 + 17 clicks over 3,000 impressions; last third 8-10 March: 12 + 11 + 10)
    [ad] = fatigue(workspace, all_ads=True, min_days=5).frame.to_dict("records")
    assert ad["ctr_link_early"] == pytest.approx(54 / 3000)
    assert ad["ctr_link_recent"] == pytest.approx(33 / 3000)


def test_the_stored_rollup_counts_a_range_beside_days_of_other_days(
    workspace: Any, tmp_path: Path
) -> None:
    from socialproof.campaigns import rollup_store as store

    _import(
        workspace,
        tmp_path,
        early=f"{RANGE}\nSpring,Set A,Ad 1,2026-03-01,2026-03-10,30.00\n",
        late=f"{DAILY}\n{_days(11, 20, '2.00')}",
    )
    kpis = ("spend", "impressions")
    store.refresh(workspace, {store.ADS: kpis})
    rolled = store.current(workspace, store.ADS, kpis)
    # the dashboard's figures: the range (30.00) and the days after it (20.00)
    [row] = rolled.report(by="platform", kpis=list(kpis)).frame.to_dict("records")
    assert row["spend"] == pytest.approx(50.0)
    [cut] = rolled.report(
        by="platform", since="2026-03-01", until="2026-03-10", kpis=list(kpis)
    ).frame.to_dict("records")
    assert cut["spend"] == pytest.approx(30.0)


@pytest.mark.parametrize(
    ("since", "until", "spend"),
    [
        # inside the month: the month is cut (left out), the days count
        ("2026-03-01", "2026-03-10", 20.0),
        ("2026-03-05", "2026-03-20", 12.0),  # 5-10 March by day
        # overlapping the month's end: cut too, the days inside the period count
        ("2026-02-20", "2026-03-03", 6.0),
        # holding the month: the month counts, its days do not
        ("2026-03-01", "2026-03-31", 62.0),
        ("2026-02-01", "2026-04-30", 62.0),
        (None, None, 62.0),
    ],
)
def test_the_dashboard_counts_the_days_a_range_takes_the_place_of_as_the_report(
    workspace: Any, tmp_path: Path, since: str | None, until: str | None, spend: float
) -> None:
    from socialproof.campaigns import rollup_store as store
    from socialproof.campaigns.rollup import ad_rollup

    _import(
        workspace,
        tmp_path,
        month=f"{RANGE}\nSpring,Set A,Ad 1,2026-03-01,2026-03-31,62.00\n",
        first_days=f"{DAILY}\n{_days(1, 10, '2.00')}",
    )
    period = {k: v for k, v in (("since", since), ("until", until)) if v is not None}
    # the report's figure, worked by hand above; the stored roll-up (the dashboard) and
    # the roll-up computed afresh give it too: the stored one kept no row for 1-10 March
    assert _spend(workspace, **period) == pytest.approx(spend)
    kpis = ("spend", "impressions")
    store.refresh(workspace, {store.ADS: kpis})
    for rolled in (store.current(workspace, store.ADS, kpis), ad_rollup(workspace, kpis=kpis)):
        frame = rolled.report(by="platform", kpis=list(kpis), **period).frame
        assert float(frame["spend"].sum()) == pytest.approx(spend)


@pytest.mark.parametrize(
    ("since", "until", "spend"),
    [
        (None, None, 62.0),  # the month's age rows (40 + 22); its days do not count
        ("2026-03-01", "2026-03-31", 62.0),
        ("2026-03-01", "2026-03-10", 20.0),  # the month is cut: its days (10 x 2.00)
        ("2026-03-05", "2026-03-31", 12.0),  # 5-10 March by day
    ],
)
def test_a_range_broken_down_by_age_beside_plain_days_on_the_dashboard(
    workspace: Any, since: str | None, until: str | None, spend: float
) -> None:
    from datetime import date

    import pyarrow as pa

    from socialproof.campaigns import rollup_store as store
    from socialproof.campaigns.rollup import ad_rollup
    from socialproof.ingest.sameness import with_object_keys
    from socialproof.workspace import engine
    from socialproof.workspace.schema import CANONICAL

    def row(start: int, stop: int, breakdown: str, spend: float) -> dict[str, Any]:
        return {
            "platform": "meta",
            "account": "acme",
            "campaign": "Spring",
            "ad_set": "Set A",
            "ad": "Ad 1",
            "date_start": date(2026, 3, start),
            "date_stop": date(2026, 3, stop),
            "breakdown": breakdown,
            "currency": "USD",
            "spend": spend,
        }

    rows = [row(1, 31, "age=18-24", 40.0), row(1, 31, "age=25-34", 22.0)]
    rows += [row(d, d, "", 2.0) for d in range(1, 11)]
    with workspace.transaction() as con:
        engine.upsert(con, CANONICAL["ad_stats"], with_object_keys(pa.Table.from_pylist(rows)))
    period = {k: v for k, v in (("since", since), ("until", until)) if v is not None}
    assert _spend(workspace, **period) == pytest.approx(spend)
    # the days kept for other windows did not make the month's age rows give way
    kpis = ("spend", "impressions")
    store.refresh(workspace, {store.ADS: kpis})
    for rolled in (store.current(workspace, store.ADS, kpis), ad_rollup(workspace, kpis=kpis)):
        frame = rolled.report(by="platform", kpis=list(kpis), **period).frame
        assert float(frame["spend"].sum()) == pytest.approx(spend)
