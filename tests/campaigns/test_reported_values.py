"""End to end: a Meta Ads Manager export imported, then our KPIs against Meta's own columns."""

from __future__ import annotations

from pathlib import Path

import pytest

from socialproof.campaigns.report import campaign_report

EXPORT = Path(__file__).parent.parent / "data" / "campaigns" / "meta_ads_export.csv"
PAIRS = [
    ("cost_per_result", "reported_cost_per_result", 0.005),
    ("roas", "reported_roas", 0.005),
    ("ctr_link", "reported_ctr", 0.00005),
    ("cpm", "reported_cpm", 0.005),
    ("cpc", "reported_cpc", 0.005),
    ("frequency", "reported_frequency", 0.005),
]


def test_imported_export_agrees_with_meta(workspace) -> None:
    pytest.importorskip("socialproof.ingest.importer")
    from socialproof.ingest.importer import import_paths, read_context
    from socialproof.workspace import engine

    [summary] = import_paths(workspace, [EXPORT], ctx=read_context(workspace, account="acme"))
    assert summary.status != "failed", summary
    ours = campaign_report(workspace, by="campaign,ad_set,ad,day", kpis=[p[0] for p in PAIRS]).frame
    with engine.backend(workspace) as con:
        t = con.table("ad_stats")
        theirs = engine.execute(
            t.select("campaign", "ad_set", "ad", "date_start", *[p[1] for p in PAIRS])
        )
    assert len(ours) == len(theirs) == 6  # the summary row is not an ad
    theirs["day"] = theirs["date_start"].map(lambda d: d.date() if hasattr(d, "date") else d)
    merged = ours.merge(theirs, on=["campaign", "ad_set", "ad", "day"])
    assert len(merged) == 6
    checked = 0
    for kpi, reported, tol in PAIRS:
        for rec in merged.to_dict(orient="records"):
            if rec[reported] is None or rec[reported] != rec[reported]:
                continue
            assert rec[kpi] == pytest.approx(rec[reported], abs=tol), (kpi, rec)
            checked += 1
    assert checked >= 30


RANGE = Path(__file__).parent.parent / "data" / "metrics" / "meta_ads_range.csv"


def test_range_export_frequency_exact_per_ad_bound_per_campaign(workspace) -> None:
    """Per ad (one range row each) our frequency is Meta's; per campaign it is a marked
    lower bound, because the ads' reach cannot be added up."""
    import csv

    from socialproof.campaigns.report import for_people
    from socialproof.ingest.base import ReadContext
    from socialproof.ingest.importer import import_paths

    [summary] = import_paths(workspace, [RANGE], ctx=ReadContext(account="act_1"))
    assert summary.status != "failed", summary
    with RANGE.open(encoding="utf-8-sig", newline="") as fh:
        meta = {r["Ad name"] + "/" + r["Ad set name"]: r for r in csv.DictReader(fh)}
    per_ad = campaign_report(workspace, by="ad_set,ad", kpis=["frequency", "reach"])
    assert not any("bound" in n for n in per_ad.notes)
    for rec in per_ad.frame.to_dict(orient="records"):
        want = float(meta[rec["ad"] + "/" + rec["ad_set"]]["Frequency"])
        assert rec["frequency"] == pytest.approx(want, abs=0.005)
    per_campaign = campaign_report(workspace, by="campaign", kpis=["frequency"])
    spring = per_campaign.frame.set_index("campaign").loc["Spring Sale"]
    assert spring["frequency"] == pytest.approx(140095 / 66291)  # summed over three ads
    assert spring["frequency_bound"] == "lower"
    shown = for_people(per_campaign).set_index("campaign")
    assert shown.loc["Spring Sale", "frequency"] == "≥ 2.11"
    assert shown.loc["Retarget", "frequency"] == pytest.approx(12044 / 3105)  # one ad: exact
    assert any("Frequency is a lower bound (≥) in 1 of 2 rows" in n for n in per_campaign.notes)
