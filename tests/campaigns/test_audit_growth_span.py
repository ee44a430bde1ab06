"""The audit's follower growth names the span it covers, not only the days with data."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from socialproof.campaigns.audit import audit


def _count(day: date, value: float, account: str = "acme") -> dict:
    return {
        "platform": "instagram",
        "account": account,
        "date": day,
        "metric": "followers",
        "value": value,
    }


def test_growth_over_the_span_first_to_last_day(workspace, insert, many_posts, tmp_path) -> None:
    from socialproof.campaigns.audit_report import write

    insert("posts", many_posts(30))
    start = date(2026, 3, 2)
    # counts on 3 days spread over 31: the gain is over 31 days, not 3
    insert(
        "account_daily",
        [
            _count(start, 1000.0),
            _count(start + timedelta(days=15), 990.0),
            _count(start + timedelta(days=30), 970.0),
        ],
    )
    res = audit(workspace)
    [acc] = res.accounts
    g = acc.growth
    assert g["followers_gained"] == pytest.approx(-30)
    assert (g["days"], g["days_with_data"]) == (31, 3)
    assert (g["first_day"], g["last_day"]) == ("2026-03-02", "2026-04-01")
    html = write(res, tmp_path / "audit.html").read_text(encoding="utf-8")
    assert "over 31 days (2026-03-02 to 2026-04-01; follower figures on 3 of them)." in html
    [rec] = [r for r in acc.recommendations if r.kind == "growth"]
    assert rec.evidence.startswith(
        "-30 followers over 31 days (2026-03-02 to 2026-04-01; follower figures on 3 of them)"
    )


def test_growth_of_every_day_names_the_span_alone(workspace, insert, many_posts) -> None:
    insert("posts", many_posts(30))
    start = date(2026, 3, 2)
    insert("account_daily", [_count(start + timedelta(days=i), 500.0 + i) for i in range(7)])
    [acc] = audit(workspace).accounts
    assert acc.growth["followers_gained"] == pytest.approx(6)
    assert (acc.growth["days"], acc.growth["days_with_data"]) == (7, 7)
