"""Every fixture is recognised as its own format, and only clearly so."""

from __future__ import annotations

from pathlib import Path

import pytest

from socialproof.ingest.base import Source
from socialproof.ingest.registry import MIN_CONFIDENCE, registry
from socialproof.ingest.sources import open_source

from ._formats import DATA

EXPECTED = {
    "meta_ads/daily_usd.csv": "meta-ads",
    "meta_ads/range_eur_excel.csv": "meta-ads",
    "meta_ads/daily_ngn.xlsx": "meta-ads",
    "meta_ads/monthly_es.csv": "meta-ads",
    "meta_posts/instagram_posts.csv": "meta-posts",
    "meta_posts/facebook_posts.csv": "meta-posts",
    "meta_posts/Facebook Insights Data Export (Post Level).xlsx": "facebook-insights-legacy",
    "meta_posts/legacy_labels_and_descriptions.xlsx": "facebook-insights-legacy",
    "meta_metric/Reach.csv": "meta-metric",
    "meta_metric/Follows.csv": "meta-metric",
    "meta_metric/Views.csv": "meta-metric",
    "meta_metric/Visits.csv": "meta-metric",
    "tiktok/Overview.csv": "tiktok-overview",
    "tiktok/FollowerHistory.xlsx": "tiktok-followers",
    "tiktok/Viewers.csv": "tiktok-viewers",
    "tiktok/Contenido.csv": "tiktok-content",
    "tiktok/Resumen.csv": "tiktok-overview",
    "tiktok/Content.csv": "tiktok-content",
    "tiktok/Overview_newyear.csv": "tiktok-overview",
    "tiktok/FollowerHistory_window.csv": "tiktok-followers",
    "linkedin/acme_content.xls": "linkedin",
    "linkedin/acme_followers.xlsx": "linkedin",
    "linkedin/Content_2026-03-01_2026-03-31_SampleOwner.xlsx": "linkedin-creator",
    "x/tweet_activity_metrics_acme_20190101_20190201_en.csv": "x-analytics",
    "x/account_analytics_content_2025_variant.csv": "x-analytics",
    "x/account_analytics_content_2026_variant.csv": "x-analytics",
    "x/account_overview_analytics.csv": "x-analytics",
    "x/account_analytics_content_20260302_20260313.csv": "x-analytics",
    "youtube/Table data.csv": "youtube",
    "youtube/Chart data.csv": "youtube",
    "youtube/Totals.csv": "youtube",
    "youtube/Table data by day.csv": "youtube",
}


@pytest.mark.parametrize(("name", "expected"), sorted(EXPECTED.items()))
def test_detected_as_its_format_only(name: str, expected: str) -> None:
    scores = registry().detect(open_source(DATA / name))
    assert scores[0][0].name == expected
    assert scores[0][1] >= MIN_CONFIDENCE
    others = [(f.name, s) for f, s in scores[1:] if s >= MIN_CONFIDENCE]
    assert others == []


def test_every_fixture_is_listed() -> None:
    files = {
        str(p.relative_to(DATA))
        for p in DATA.rglob("*")
        if p.is_file()
        and p.suffix != ".py"
        and p.parent.name in {"meta_ads", "meta_posts", "tiktok", "linkedin", "x", "youtube"}
    }
    assert files <= set(EXPECTED)


def test_missing_columns_named(tmp_path: Path) -> None:
    path = tmp_path / "half.csv"
    path.write_text("Campaign name,Day,Impressions\nA,2026-03-01,10\n", encoding="utf-8")
    from socialproof.errors import UnknownFormat

    with pytest.raises(UnknownFormat, match="Amount spent"):
        registry().choose(open_source(path))


def _variant(name: str, mode: str) -> Source:
    import pyarrow as pa

    from socialproof.ingest.base import Frame

    source = open_source(DATA / name)
    frames = []
    for f in source.frames:
        if mode == "header only":
            data = f.data.slice(0, 0)
        else:
            data = pa.table({c: pa.array([""] * 3, pa.string()) for c in f.data.column_names})
        frames.append(
            Frame(
                header=f.header,
                data=data,
                line_numbers=[2, 3, 4][: data.num_rows],
                title_lines=f.title_lines,
                sheet=f.sheet,
            )
        )
    return Source(
        path=source.path, display_name=source.display_name, frames=frames, kind=source.kind
    )


@pytest.mark.parametrize("mode", ["header only", "blank rows"])
@pytest.mark.parametrize(("name", "expected"), sorted(EXPECTED.items()))
def test_no_rows_or_blank_rows_never_crash(name: str, expected: str, mode: str) -> None:
    from socialproof.ingest.base import ReadContext

    source = _variant(name, mode)
    result = registry().get(expected).read(source, ReadContext())
    stored = sum(t.num_rows for t in result.tables.values())
    # the creator export's follower total sits in a header line, not in a data row
    assert stored == (1 if expected == "linkedin-creator" else 0)
    if mode == "blank rows":
        # every blank row is accounted for: rejected with a reason, never dropped silently
        assert result.rejects and all(r.reason and r.line for r in result.rejects)


def test_repeated_keys_rejected_not_lost() -> None:
    import pyarrow as pa

    from socialproof.ingest.base import Frame, ReadContext
    from socialproof.ingest.meta_ads import MetaAdsFormat
    from socialproof.ingest.sameness import resolve, with_object_keys
    from socialproof.workspace.schema import AD_STATS

    cols = {
        "Campaign name": ["A", "A", "B"],
        "Day": ["2026-01-01"] * 3,
        "Amount spent (USD)": ["1", "2", "3"],
        "Unknown breakdown": ["x", "y", "z"],
    }
    frame = Frame(header=list(cols), data=pa.table(cols), line_numbers=[2, 3, 4])
    result = MetaAdsFormat().read(Source(DATA, "t.csv", [frame]), ReadContext())
    # rows that share names and day but not figures are separate objects: none is lost
    settled = resolve(with_object_keys(result.tables["ad_stats"]), AD_STATS)
    assert settled.table.column("spend").to_pylist() == [1.0, 2.0, 3.0]
    assert not settled.dropped
    assert [r.line for r in settled.conflicts] == [3]
    assert "line 2" in settled.conflicts[0].reason
