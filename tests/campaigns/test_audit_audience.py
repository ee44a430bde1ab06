"""The audit shows who the audience is and when it is online (issue 14)."""

from __future__ import annotations

from datetime import date

from socialproof.campaigns.audit import audit
from socialproof.campaigns.audit_report import build


def _share(day: date, dimension: str, segment: str, value: float) -> dict:
    return {
        "platform": "instagram",
        "account": "acme",
        "date_start": day,
        "date_stop": day,
        "dimension": dimension,
        "segment": segment,
        "metric": "share",
        "value": value,
    }


def _active(day: date, hour: int, value: float) -> dict:
    return {**_share(day, "hour", str(hour), value), "metric": "active_followers"}


def test_latest_snapshot_and_peak_hours(workspace, insert, many_posts) -> None:
    insert("posts", many_posts(12))
    old, new = date(2026, 2, 1), date(2026, 3, 1)
    insert(
        "audience",
        [
            _share(old, "gender", "male", 0.7),  # an older snapshot: not the one shown
            _share(old, "gender", "female", 0.3),
            _share(new, "gender", "female", 0.6),
            _share(new, "gender", "male", 0.4),
            _share(new, "city", "Lagos", 0.31),
            _active(new, 20, 700.0),
            _active(date(2026, 3, 2), 20, 720.0),
            _active(new, 9, 100.0),
            _active(new, 19, 650.0),
            _active(new, 3, 20.0),
        ],
    )
    [acc] = audit(workspace).accounts
    rows = {r["audience"]: r for r in acc.audience}
    assert rows["gender"]["segments"] == "female 60%, male 40%"
    assert rows["gender"]["as of"] == "2026-03-01"
    assert rows["cities"]["segments"] == "Lagos 31%"
    online = rows["most online (average active followers)"]
    assert online["segments"] == "20:00 (710), 19:00 (650), 09:00 (100)"
    assert online["as of"] == "2026-03-01..2026-03-02"
    html = build(audit(workspace)).render()
    assert "who follows" in html and "female 60%" in html


def test_no_audience_no_rows(workspace, insert, many_posts) -> None:
    insert("posts", many_posts(12))
    [acc] = audit(workspace).accounts
    assert acc.audience == []


def test_small_shares_do_not_read_as_none(workspace, insert, many_posts) -> None:
    # 0.3 % printed as a whole percent read '0%', as if nobody
    insert("posts", many_posts(12))
    day = date(2026, 3, 1)
    insert(
        "audience",
        [
            _share(day, "country", "NG", 0.9967),
            _share(day, "country", "GH", 0.003),
            _share(day, "country", "KE", 0.0003),
            _share(day, "country", "ZA", 0.0),
        ],
    )
    [acc] = audit(workspace).accounts
    [row] = acc.audience
    assert row["segments"] == "NG 100%, GH 0.3%, KE <0.1%, ZA 0%"
