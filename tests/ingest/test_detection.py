"""Every fixture is recognised as its own format, and only clearly so."""

from __future__ import annotations

from pathlib import Path

import pytest

from socialproof.ingest.registry import MIN_CONFIDENCE, registry
from socialproof.ingest.sources import open_source

from ._formats import DATA

EXPECTED = {
    "meta_ads/daily_usd.csv": "meta-ads",
    "meta_ads/range_eur_excel.csv": "meta-ads",
    "meta_ads/daily_ngn.xlsx": "meta-ads",
    "meta_posts/instagram_posts.csv": "meta-posts",
    "meta_posts/facebook_posts.csv": "meta-posts",
    "meta_posts/Facebook Insights Data Export (Post Level).xlsx": "facebook-insights-legacy",
    "meta_metric/Reach.csv": "meta-metric",
    "meta_metric/Follows.csv": "meta-metric",
    "tiktok/Overview.csv": "tiktok-overview",
    "tiktok/FollowerHistory.xlsx": "tiktok-followers",
    "tiktok/Viewers.csv": "tiktok-viewers",
    "tiktok/Contenido.csv": "tiktok-content",
    "linkedin/acme_content.xls": "linkedin",
    "linkedin/acme_followers.xlsx": "linkedin",
    "x/tweet_activity_metrics_acme_20190101_20190201_en.csv": "x-analytics",
    "x/account_analytics_content_2025_variant.csv": "x-analytics",
    "x/account_analytics_content_2026_variant.csv": "x-analytics",
    "x/account_overview_analytics.csv": "x-analytics",
    "youtube/Table data.csv": "youtube",
    "youtube/Chart data.csv": "youtube",
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
