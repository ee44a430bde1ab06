"""The bundled sample exports: current, labelled as samples, and read cleanly."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from socialproof.ingest.base import ReadContext
from socialproof.ingest.registry import registry
from socialproof.ingest.sources import open_source

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "src" / "socialproof" / "data" / "samples"
EXPECTED = {
    "meta_ads_daily.csv": "meta-ads",
    "instagram_posts.csv": "meta-posts",
    "facebook_posts.csv": "meta-posts",
    "Reach.csv": "meta-metric",
    "tiktok_Overview_20260105-20260404.csv": "tiktok-overview",
    "tiktok_FollowerHistory_20260105-20260404.csv": "tiktok-followers",
    "tiktok_Content_20260105-20260404.csv": "tiktok-content",
    "linkedin_content.xlsx": "linkedin",
    "account_analytics_content_2026-01-05_2026-04-04.csv": "x-analytics",
    "Table data.csv": "youtube",
}


@pytest.mark.parametrize(("name", "fmt"), sorted(EXPECTED.items()))
def test_sample_reads_cleanly(name: str, fmt: str) -> None:
    source = open_source(SAMPLES / name)
    chosen, _ = registry().choose(source)
    assert chosen.name == fmt
    result = chosen.read(source, ReadContext(timezone="Europe/Madrid"))
    assert result.rejects == []
    assert sum(t.num_rows for t in result.tables.values()) > 0


def test_samples_are_current_and_small(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "make_samples", ROOT / "scripts" / "make_sample_exports.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    for name in EXPECTED:
        if name.endswith(".csv"):
            assert (tmp_path / name).read_bytes() == (SAMPLES / name).read_bytes(), name
    assert sum((SAMPLES / n).stat().st_size for n in EXPECTED) < 2_000_000


def test_samples_say_they_are_samples() -> None:
    assert "SAMPLE DATA" in (SAMPLES / "README.md").read_text(encoding="utf-8")
    for name in EXPECTED:
        if name.endswith(".xlsx") or "Overview" in name or "FollowerHistory" in name:
            continue  # no text cell in these formats: the README labels them
        raw = (SAMPLES / name).read_bytes()
        text = raw.decode("utf-16") if raw.startswith(b"\xff\xfe") else raw.decode("utf-8-sig")
        assert "Sample" in text or "SAMPLE" in text, name


@pytest.mark.parametrize(
    ("column", "reported", "factor"),
    [
        ("Cost per result", "reported_cost_per_result", 1.0),
        ("Purchase ROAS (return on ad spend)", "reported_roas", 1.0),
        ("CTR (link click-through rate)", "reported_ctr", 0.01),
        ("CPM (cost per 1,000 impressions)", "reported_cpm", 1.0),
        ("CPC (cost per link click) (USD)", "reported_cpc", 1.0),
        ("Frequency", "reported_frequency", 1.0),
    ],
)
def test_sample_keeps_the_exports_own_figures(column: str, reported: str, factor: float) -> None:
    """The reader stores the export's own figures as written (a parsing check).

    These figures were made by the sample generator, so they say nothing about our
    KPI definitions: tests/metrics/test_platform_figures.py checks those against
    figures computed as the platforms document them.
    """
    import csv

    path = SAMPLES / "meta_ads_daily.csv"
    result = registry().get("meta-ads").read(open_source(path), ReadContext())
    parsed = result.tables["ad_stats"].to_pylist()
    with path.open(encoding="utf-8-sig", newline="") as fh:
        raw = [r for r in csv.DictReader(fh) if r["Campaign name"]]  # not the summary row
    assert len(parsed) == len(raw)
    key = ("Campaign name", "Ad set name", "Ad name", "Day")
    by_key = {(r["campaign"], r["ad_set"], r["ad"], r["date_start"].isoformat()): r for r in parsed}
    checked = 0
    for r in raw:
        cell = r[column].strip()
        got = by_key[tuple(r[k] for k in key)][reported]
        if cell in ("", "undefined"):
            assert got is None, r
            continue
        assert got == pytest.approx(float(cell) * factor, rel=1e-9), r
        checked += 1
    assert checked > 100


def test_sample_tiktok_videos_fall_in_the_samples_period() -> None:
    # The sample's video ids said the videos were made on 6 August 2024 (74 followed by
    # zeros), so the importer, which trusts ids over the file name, put the year-less
    # "January 11" .. "April 2" in 2025, a year before every other sample.
    import datetime as dt

    name = "tiktok_Content_20260105-20260404.csv"
    source = open_source(SAMPLES / name)
    chosen, _ = registry().choose(source)
    result = chosen.read(source, ReadContext(timezone="Europe/Madrid"))
    published = result.tables["posts"].column("published_at").to_pylist()
    assert len(published) == 30
    days = {p.date() for p in published}
    assert min(days) >= dt.date(2026, 1, 5) and max(days) <= dt.date(2026, 4, 4)
