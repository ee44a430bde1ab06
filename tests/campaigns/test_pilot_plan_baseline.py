"""A per-post plan starts from the mean per post, never from a total over the window."""

from __future__ import annotations

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
