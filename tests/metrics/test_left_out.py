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
