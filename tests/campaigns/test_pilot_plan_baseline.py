"""A per-post plan starts from the mean per post, never from a total over the window."""

from __future__ import annotations

import statistics
from datetime import datetime, timedelta
from typing import Any

import pytest


def test_additive_kpi_baseline_is_the_mean_per_post(workspace: Any, insert: Any) -> None:
    from socialproof.campaigns.pilot_plan import plan

    reach = [1000, 3000, 2000, 6000, 500, 2500, 4000, 1000]
    start = datetime(2026, 3, 1, 12)
    insert(
        "posts",
        [
            {
                "platform": "instagram",
                "post_id": str(i),
                "account": "acme",
                "published_at": start + timedelta(days=i),
                "reach": r,
                "impressions": r * 2,
                "reactions": r // 20,
            }
            for i, r in enumerate(reach)
        ],
    )
    p = plan(workspace, "reach", "10%", table="posts")
    mean = sum(reach) / len(reach)
    assert p.size.baseline == pytest.approx(mean)
    assert p.size.target == pytest.approx(mean * 1.1)
    assert p.sd is not None and p.sd > 0


# -- old data, and the spread computed for the user (issue 15, item 15) -------------------------

OLD_REACH = [1000, 1500, 800, 2000, 1200, 900, 1100, 1300, 1700, 600, 1400, 1000]
OLD_INTER = [50, 60, 30, 120, 48, 27, 66, 52, 85, 30, 42, 70]


@pytest.fixture
def old_ws(workspace: Any, insert: Any, make_post: Any) -> Any:
    """12 posts with reach from 2025; 3 recent ones (2026) from an export without reach."""
    old = [
        make_post(f"old{i}", datetime(2025, 5, 1, 12) + timedelta(days=7 * i), reach=r, inter=x)
        for i, (r, x) in enumerate(zip(OLD_REACH, OLD_INTER, strict=True))
    ]
    new = [
        make_post(f"new{i}", datetime(2026, 3, 1, 12) + timedelta(days=i), reach=None, views=900)
        for i in range(3)
    ]
    insert("posts", old + new)
    return workspace


def test_plan_says_older_posts_hold_the_metric_and_offers_them(old_ws: Any) -> None:
    from socialproof.campaigns.pilot_plan import plan
    from socialproof.errors import UsageError

    with pytest.raises(UsageError) as err:
        plan(old_ws, "engagement_rate_reach", "10%", table="posts")
    text = str(err.value)
    assert "the last 90 days of posts (to 2026-03-03) have too little" in text
    assert "holds 12 posts with engagement rate (by reach) from 2025-05-01 to 2025-07-17" in text
    assert "--use-all" in text and "--baseline-days 307" in text


def test_plan_uses_all_history_when_asked(old_ws: Any) -> None:
    from socialproof.campaigns.pilot_plan import plan

    rates = [x / r for r, x in zip(OLD_REACH, OLD_INTER, strict=True)]
    p = plan(old_ws, "engagement_rate_reach", "10%", table="posts", use_all=True)
    assert p.size.baseline == pytest.approx(statistics.fmean(rates))
    assert p.sd == pytest.approx(statistics.stdev(rates))
    assert any(
        "computed from the 12 posts in the workspace (all of its history" in n for n in p.notes
    )
    # A window that reaches back far enough gives the same figures.
    wide = plan(old_ws, "engagement_rate_reach", "10%", table="posts", baseline_days=307)
    assert wide.size == p.size and wide.sd == pytest.approx(p.sd)


def test_plan_with_a_baseline_still_offers_the_spread_from_old_posts(old_ws: Any) -> None:
    from socialproof.campaigns.pilot_plan import plan
    from socialproof.errors import UsageError

    with pytest.raises(UsageError, match="standard deviation of engagement rate") as err:
        plan(old_ws, "engagement_rate_reach", "10%", table="posts", baseline="5%")
    assert "--use-all" in str(err.value)


def test_plan_without_data_says_how_to_get_the_spread() -> None:
    from socialproof.campaigns.pilot_plan import plan
    from socialproof.errors import UsageError

    with pytest.raises(UsageError) as err:
        plan(None, "engagement_rate", "10%", baseline="5%")
    text = str(err.value)
    assert "computed from them" in text and "STDEV" in text and "--sd" in text


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"use_all": True, "baseline_days": 30}, "either --use-all or --baseline-days"),
        ({"baseline_days": 0}, "positive number of days"),
    ],
)
def test_plan_window_options_are_checked(kwargs: dict[str, Any], match: str) -> None:
    from socialproof.campaigns.pilot_plan import plan
    from socialproof.errors import UsageError

    with pytest.raises(UsageError, match=match):
        plan(None, "ctr", "10%", baseline="1%", **kwargs)


def test_plan_cli_offers_and_uses_old_posts(old_ws: Any, cli: Any) -> None:
    args = ["pilot", "plan", "--metric", "engagement_rate", "--mde", "10%", "--table", "posts"]
    bad = cli(*args, cwd=old_ws.root)
    assert bad.exit_code == 2
    assert bad.stderr.startswith("Error: The plan needs the current level")
    assert "--use-all" in bad.stderr and "Traceback" not in bad.stderr
    ok = cli(*args, "--use-all", cwd=old_ws.root)
    assert ok.exit_code == 0, ok
    assert "Standard deviation per post" in ok.stdout
    assert "computed from the 12 posts in the workspace" in ok.stdout
