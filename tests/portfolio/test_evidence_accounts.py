"""A case study's follower figures over a platform with two accounts add the accounts up."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from socialproof.portfolio.evidence import EvidenceResolver


def _rows() -> list[dict[str, Any]]:
    # 'big' from counts alone: 1000 -> 1040 over 1-5 March, +40 on 1000.
    # 'small' with a change of 2 every day and 208 at the end of the 5th: it started at
    # 198, +10. Instagram gains 50 on 1198 (the formula over both at once took big's
    # count with small's changes).
    rows = []
    for i in range(5):
        day = date(2026, 3, 1 + i)
        rows.append(("big", day, "followers", 1000 + 10 * i))
        rows.append(("small", day, "followers", 200 + 2 * i))
        rows.append(("small", day, "follower_change", 2))
    return [
        {"platform": "instagram", "account": a, "date": d, "metric": m, "value": float(v)}
        for a, d, m, v in rows
    ]


def test_followers_gained_of_a_platform_adds_up_its_accounts(workspace: Any, insert: Any) -> None:
    insert("account_daily", _rows())
    with EvidenceResolver(workspace) as resolver:
        gained, _unit, _ = resolver.kpi_value(
            "followers_gained", {"platform": "instagram"}, date(2026, 3, 1), date(2026, 3, 5)
        )
        rate, _unit, _ = resolver.kpi_value(
            "follower_growth_rate", {"platform": "instagram"}, date(2026, 3, 1), date(2026, 3, 5)
        )
        one, _unit, _ = resolver.kpi_value(
            "followers_gained", {"account": "small"}, date(2026, 3, 1), date(2026, 3, 5)
        )
    assert gained == pytest.approx(50)
    assert rate == pytest.approx(50 / 1198)
    assert one == pytest.approx(10)
