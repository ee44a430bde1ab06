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
    ("ours", "theirs", "tol"),
    [
        ("cost_per_result", "reported_cost_per_result", 0.006),
        ("roas", "reported_roas", 1e-5),
        ("ctr_link", "reported_ctr", 1e-8),
        ("cpm", "reported_cpm", 0.006),
        ("cpc", "reported_cpc", 0.006),
        ("frequency", "reported_frequency", 1e-5),
    ],
)
def test_sample_reported_values_agree_with_the_kpi_registry(
    ours: str, theirs: str, tol: float
) -> None:
    """The file's own figures, as stored, match our KPI formulas row by row."""
    import pyarrow as pa

    from socialproof.metrics import registry as kpis
    from socialproof.workspace import engine

    source = open_source(SAMPLES / "meta_ads_daily.csv")
    result = registry().get("meta-ads").read(source, ReadContext())
    ads: pa.Table = result.tables["ad_stats"]
    t = engine.memory_backend({"ad_stats": ads}).table("ad_stats")
    by = ["campaign", "ad_set", "ad", "date_start"]
    df = engine.execute(kpis.compute(t, [ours], table="ad_stats", by=by))
    reported = {
        (r["campaign"], r["ad_set"], r["ad"], r["date_start"]): r[theirs] for r in ads.to_pylist()
    }
    checked = 0
    for rec in df.to_dict(orient="records"):
        day = rec["date_start"].date() if hasattr(rec["date_start"], "date") else rec["date_start"]
        want = reported[(rec["campaign"], rec["ad_set"], rec["ad"], day)]
        if want is None or rec[ours] is None:
            continue
        assert rec[ours] == pytest.approx(want, abs=tol), rec
        checked += 1
    assert checked > 100
