"""Ratios over rows with a missing numerator or denominator (issue 15, item 1).

Every ratio KPI sums its numerator and its denominator over the same rows (rows
where both are known) and says how many rows it left out.
"""

from __future__ import annotations

from typing import Any

import pytest

from socialproof.metrics import registry
from socialproof.workspace import engine


def _post(pid: str, **kw: Any) -> dict[str, Any]:
    return {"platform": "instagram", "account": "acme", "post_id": pid, **kw}


def test_a_post_without_reach_does_not_inflate_engagement_rate(canonical: Any) -> None:
    # 50 interactions on 1,000 reached = 5 %; the second post has 5,000 interactions and no
    # reach: summing its interactions over the first post's reach gave 505 %.
    t = canonical(
        "posts",
        [
            _post("1", reach=1000, reactions=40, comments=10),
            _post("2", reach=None, reactions=4000, comments=1000),
        ],
    )
    df = engine.execute(registry.compute(t, ["engagement_rate_reach"], table="posts", details=True))
    row = df.iloc[0]
    assert row["engagement_rate_reach"] == pytest.approx(0.05)
    assert row["engagement_rate_reach_rows_used"] == 1
    assert row["engagement_rate_reach_rows_left_out"] == 1
    assert row["engagement_rate_reach_rows_no_base"] == 1


def test_ad_ratios_leave_out_rows_missing_either_part(ads_table: Any) -> None:
    rows = [
        {"campaign": "c", "spend": 10.0, "impressions": 1000, "link_clicks": 10, "results": 5.0},
        # spend unknown: out of CPM, CPC and cost per result, not counted as free delivery
        {"campaign": "c", "spend": None, "impressions": 9000, "link_clicks": 90, "results": 45.0},
        # impressions unknown: its spend stays out of CPM
        {"campaign": "c", "spend": 50.0, "impressions": None, "link_clicks": None, "results": None},
    ]
    names = ["cpm", "cpc", "cost_per_result", "ctr_link"]
    df = engine.execute(registry.compute(ads_table(rows), names, table="ad_stats", details=True))
    row = df.iloc[0]
    assert row["cpm"] == pytest.approx(10.0)  # 10 / 1000 * 1000
    assert row["cpc"] == pytest.approx(1.0)  # 10 / 10
    assert row["cost_per_result"] == pytest.approx(2.0)  # 10 / 5
    assert row["ctr_link"] == pytest.approx(0.01)  # 100 / 10000: both known on two rows
    assert row["cpm_rows_used"] == 1 and row["cpm_rows_left_out"] == 2
    assert row["cpm_rows_no_base"] == 1  # the row with spend but no impressions
    assert row["ctr_link_rows_used"] == 2 and row["ctr_link_rows_left_out"] == 0


def test_notes_name_what_was_left_out_and_bounds() -> None:
    import pandas as pd

    from socialproof.metrics.notes import mark_bounds, split_details

    er, freq = registry.get("engagement_rate_reach"), registry.get("frequency")
    frame = pd.DataFrame(
        {
            "campaign": ["a", "b"],
            "engagement_rate_reach": [0.05, 0.02],
            "engagement_rate_reach_rows_used": [3, 2],
            "engagement_rate_reach_rows_left_out": [1, 2],
            "engagement_rate_reach_rows_no_base": [1, 1],
            "frequency": [1.5, 2.25],
            "frequency_rows_used": [1, 4],
            "frequency_rows_left_out": [0, 0],
            "frequency_rows_no_base": [0, 0],
        }
    )
    out, notes = split_details(frame, [er, freq])
    assert list(out.columns) == [
        "campaign",
        "engagement_rate_reach",
        "frequency",
        "frequency_bound",
    ]
    assert notes[0].startswith(
        "Engagement rate (by reach): 2 rows without reach and 1 row without interactions left out"
    )
    assert "same 5 rows" in notes[0]
    assert "lower bound (≥) in 1 of 2 rows" in notes[1]
    assert out["frequency_bound"].isna().tolist() == [True, False]
    assert out["frequency_bound"].iloc[1] == "lower"
    shown = mark_bounds(out, [er, freq])
    assert list(shown["frequency"]) == [1.5, "≥ 2.25"]
    assert "frequency_bound" not in shown.columns


def test_campaign_report_notes_rows_without_reach(workspace: Any, insert: Any) -> None:
    from datetime import datetime

    from socialproof.campaigns.report import for_people, post_report

    base = {"platform": "instagram", "account": "acme", "format": "image", "text": "t"}
    insert(
        "posts",
        [
            {
                **base,
                "post_id": "1",
                "published_at": datetime(2026, 3, 1),
                "reach": 1000,
                "impressions": 1500,
                "reactions": 50,
            },
            {
                **base,
                "post_id": "2",
                "published_at": datetime(2026, 3, 2),
                "reach": None,
                "impressions": 2500,
                "reactions": 5000,
            },
            {
                **base,
                "post_id": "3",
                "published_at": datetime(2026, 3, 3),
                "reach": 3000,
                "impressions": 4000,
                "reactions": 150,
            },
        ],
    )
    res = post_report(
        workspace, group_by="platform", kpis=["reach", "engagement_rate_reach", "interactions"]
    )
    row = res.frame.iloc[0]
    assert row["engagement_rate_reach"] == pytest.approx(200 / 4000)
    assert row["interactions"] == 5200  # a sum: every post counts
    assert any("1 row without reach left out" in n for n in res.notes)
    assert any("Reach is an upper bound" in n for n in res.notes)
    assert for_people(res).iloc[0]["reach"] == "≤ 4,000"


def test_top_posts_leave_out_rates_on_a_tiny_base(workspace: Any, insert: Any) -> None:
    # 3 interactions from a reach of 1 is "300 %" and topped the list
    from datetime import datetime

    from socialproof.campaigns.report import post_report

    base = {"platform": "instagram", "account": "acme", "format": "image", "text": "t"}
    rows = [
        ("tiny", 1, 3),  # 300 %
        ("small", 99, 40),  # 40.4 %, one short of the base
        ("good", 2000, 160),  # 8 %
        ("fair", 100, 5),  # 5 %: exactly the base
    ]
    insert(
        "posts",
        [
            {**base, "post_id": pid, "published_at": datetime(2026, 3, 1 + i), "reach": reach}
            | {"reactions": inter, "comments": 0, "shares": 0, "saves": 0}
            for i, (pid, reach, inter) in enumerate(rows)
        ],
    )
    res = post_report(workspace, top=10)
    assert res.frame["post_id"].tolist() == ["good", "fair"]
    assert res.frame["engagement_rate_reach"].tolist() == pytest.approx([0.08, 0.05])
    assert "_base" not in res.frame.columns
    assert any(n.startswith("2 posts with reach under 100 are not ranked") for n in res.notes)
    every = post_report(workspace, top=10, min_base=0)
    assert every.frame["post_id"].tolist() == ["tiny", "small", "good", "fair"]
    assert not any("not ranked" in n for n in every.notes)
    # the full list (the workbench's table) keeps every post
    assert len(post_report(workspace, top=None).frame) == 4


def test_top_posts_say_how_many_posts_have_no_rate(workspace: Any, insert: Any) -> None:
    # 4 posts, 1 without reach: the list of 3 said nothing of the fourth
    from datetime import datetime

    from socialproof.campaigns.report import post_report

    base = {"platform": "instagram", "account": "acme", "format": "image", "text": "t"}
    rows = [("a", 2000, 160), ("b", 1000, 50), ("c", None, 90), ("d", 500, 10)]
    insert(
        "posts",
        [
            {**base, "post_id": pid, "published_at": datetime(2026, 3, 1 + i), "reach": reach}
            | {"reactions": inter}
            for i, (pid, reach, inter) in enumerate(rows)
        ],
    )
    res = post_report(workspace, top=10)
    assert res.frame["post_id"].tolist() == ["a", "b", "d"]
    assert (
        "1 post without reach or interactions has no Engagement rate (by reach) and is not "
        "ranked (--min-base 0 lists it after the ranked posts)."
    ) in res.notes
    every = post_report(workspace, top=10, min_base=0)
    assert every.frame["post_id"].tolist() == ["a", "b", "d", "c"]
