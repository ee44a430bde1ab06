"""Our KPI definitions against figures the platforms computed (issue 15).

Each export in tests/data/metrics/ is read by its real format reader; our KPIs
over the rows must give the platform's own column, within the platform's
display rounding. The expected figures are read straight from the files with
the csv module (see tests/data/metrics/README.md for where each comes from).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from socialproof.ingest.base import ReadContext
from socialproof.ingest.registry import registry as formats
from socialproof.ingest.sources import open_source
from socialproof.metrics import registry
from socialproof.metrics.notes import split_details
from socialproof.workspace import engine

DATA = Path(__file__).parent.parent / "data" / "metrics"
META = DATA / "meta_ads_range.csv"
X = DATA / "tweet_activity_metrics_acmehome_20260301_20260331_en.csv"


def _read(path: Path, fmt: str, table: str, **ctx: Any) -> Any:
    source = open_source(path)
    chosen, _ = formats().choose(source)
    assert chosen.name == fmt
    result = chosen.read(source, ReadContext(**ctx))
    assert result.rejects == []
    return engine.memory_backend({table: result.tables[table]}).table(table)


def _file_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _ours(t: Any, names: list[str], table: str, by: list[str]) -> list[dict[str, Any]]:
    return engine.execute(registry.compute(t, names, table=table, by=by)).to_dict("records")


# Meta's column, our KPI, the factor from our unit to Meta's display, the rounding step
META_PAIRS = [
    ("Frequency", "frequency", 1.0),
    ("Cost per result", "cost_per_result", 1.0),
    ("CPM (cost per 1,000 impressions)", "cpm", 1.0),
    ("CTR (all)", "ctr_all", 100.0),
    ("CPC (all)", "cpc_all", 1.0),
    ("CTR (link click-through rate)", "ctr_link", 100.0),
    ("CPC (cost per link click)", "cpc", 1.0),
    ("Purchase ROAS (return on ad spend)", "roas", 1.0),
]
HALF_CENT = 0.005 + 1e-9  # Meta shows two decimals


@pytest.mark.parametrize(("column", "kpi", "factor"), META_PAIRS)
def test_meta_ads_rows(column: str, kpi: str, factor: float) -> None:
    t = _read(META, "meta-ads", "ad_stats")
    ours = {
        (r["campaign"], r["ad_set"], r["ad"]): r[kpi]
        for r in _ours(t, [kpi], "ad_stats", ["campaign", "ad_set", "ad"])
    }
    ads = [r for r in _file_rows(META) if r["Campaign name"]]
    assert len(ads) == len(ours) == 4
    for r in ads:
        got = ours[(r["Campaign name"], r["Ad set name"], r["Ad name"])] * factor
        assert got == pytest.approx(float(r[column]), abs=HALF_CENT), (kpi, r["Ad name"])


@pytest.mark.parametrize(
    ("column", "kpi", "factor"),
    [p for p in META_PAIRS if p[1] not in {"frequency", "cost_per_result"}],
)
def test_meta_summary_row_is_a_ratio_of_sums(column: str, kpi: str, factor: float) -> None:
    """Meta's total row divides the totals; a mean of the rows' figures would not match."""
    t = _read(META, "meta-ads", "ad_stats")
    [ours] = _ours(t, [kpi], "ad_stats", [])
    rows = _file_rows(META)
    summary = next(r for r in rows if not r["Campaign name"])
    want = float(summary[column])
    assert ours[kpi] * factor == pytest.approx(want, abs=HALF_CENT)
    mean_of_rows = sum(float(r[column]) for r in rows if r["Campaign name"]) / 4
    assert mean_of_rows != pytest.approx(want, abs=HALF_CENT)


def test_meta_total_frequency_over_ads_is_a_marked_lower_bound() -> None:
    """Meta de-duplicates people across ads in its total; summing the ads' reach cannot."""
    t = _read(META, "meta-ads", "ad_stats")
    df = engine.execute(registry.compute(t, ["frequency"], table="ad_stats", details=True))
    frame, notes = split_details(df, [registry.get("frequency")])
    summary = next(r for r in _file_rows(META) if not r["Campaign name"])
    assert frame.iloc[0]["frequency"] < float(summary["Frequency"])  # 2.19 < 2.61
    assert frame.iloc[0]["frequency_bound"] == "lower"
    assert any("lower bound" in n for n in notes)
    per_ad = engine.execute(
        registry.compute(t, ["frequency"], table="ad_stats", by=["ad_set", "ad"], details=True)
    )
    frame, notes = split_details(per_ad, [registry.get("frequency")])
    assert frame["frequency_bound"].isna().all()  # one range row each: exact
    assert notes == []


def test_x_engagement_rate() -> None:
    t = _read(X, "x-analytics", "posts")
    ours = {
        r["post_id"]: r["engagement_rate_impressions"]
        for r in _ours(t, ["engagement_rate_impressions"], "posts", ["post_id"])
    }
    rows = _file_rows(X)
    assert len(ours) == len(rows) == 3
    for r in rows:
        assert ours[r["Tweet id"]] == pytest.approx(float(r["engagement rate"]), rel=1e-12)


def test_linkedin_engagement_rate(tmp_path: Path) -> None:
    import openpyxl

    rows = _file_rows(DATA / "linkedin_posts.csv")
    wb = openpyxl.Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.title = "All posts"
    sheet.append(["Aggregated metrics for Sample page's posts, 03/01/2026 - 03/31/2026."])
    sheet.append(list(rows[0]))
    for r in rows:
        sheet.append([float(v) if v.replace(".", "").isdigit() else v for v in r.values()])
    path = tmp_path / "sample_content_1710000000000.xlsx"
    wb.save(path)
    t = _read(path, "linkedin", "posts", account="sample-page")
    ours = {
        r["permalink"]: r["engagement_rate_impressions"]
        for r in _ours(t, ["engagement_rate_impressions"], "posts", ["permalink"])
    }
    assert len(ours) == len(rows) == 4
    for r in rows:
        want = float(r["Engagement rate"])
        assert ours[r["Post link"]] == pytest.approx(want, abs=0.00005 + 1e-12), r["Post title"]


def _seconds(hms: str) -> int:
    h, m, s = (int(p) for p in hms.split(":"))
    return h * 3600 + m * 60 + s


def test_youtube_average_view_duration() -> None:
    path = DATA / "youtube_table_data.csv"
    t = _read(path, "youtube", "posts")
    ours = {
        r["post_id"]: r["avg_watch_time"]
        for r in _ours(t, ["avg_watch_time"], "posts", ["post_id"])
    }
    rows = _file_rows(path)
    videos = [r for r in rows if r["Content"] != "Total"]
    assert len(ours) == len(videos) == 3
    for r in videos:
        # YouTube rounds to whole seconds; watch hours to 4 decimals (0.18 s over the video)
        assert ours[r["Content"]] == pytest.approx(_seconds(r["Average view duration"]), abs=0.51)
    [total] = _ours(t, ["avg_watch_time"], "posts", [])
    channel = next(r for r in rows if r["Content"] == "Total")
    assert total["avg_watch_time"] == pytest.approx(
        _seconds(channel["Average view duration"]), abs=0.51
    )
