from __future__ import annotations

import datetime as dt

import pytest

from socialproof.errors import BadExport

from ._formats import DATA, read, rows

HERE = DATA / "meta_metric"


def test_utf16_reach_file() -> None:
    result = read(HERE / "Reach.csv", "meta-metric")
    daily = rows(result, "account_daily")
    assert [(d["date"], d["metric"], d["value"]) for d in daily] == [
        (dt.date(2026, 3, 1), "reach", 1200.0),
        (dt.date(2026, 3, 2), "reach", 1350.0),
    ]
    assert {d["platform"] for d in daily} == {"instagram"}
    # 'undefined' is no value; 'abc' is a reject with its line
    assert [r.line for r in result.rejects] == [7]


def test_platform_never_assumed() -> None:
    # the title says "Follows" and nothing else: Facebook or Instagram is the user's call
    with pytest.raises(BadExport, match="--platform facebook or --platform instagram"):
        read(HERE / "Follows.csv", "meta-metric")
    result = read(HERE / "Follows.csv", "meta-metric", platform="facebook")
    assert {d["metric"] for d in rows(result, "account_daily")} == {"follows"}
    assert {d["platform"] for d in rows(result, "account_daily")} == {"facebook"}


@pytest.mark.parametrize(
    ("name", "platform", "metric", "total"),
    [
        ("Views.csv", "facebook", "views", 4120 + 5310 + 6552),  # "Facebook views"
        ("Visits.csv", "facebook", "profile_views", 31 + 44),  # "Page visits": a Facebook Page
        ("Reach.csv", "instagram", "reach", 1200 + 1350),  # "Instagram reach"
    ],
)
def test_platform_from_the_file(name: str, platform: str, metric: str, total: float) -> None:
    daily = rows(read(HERE / name, "meta-metric"), "account_daily")
    assert {(d["platform"], d["metric"]) for d in daily} == {(platform, metric)}
    assert sum(d["value"] for d in daily) == total


def test_audience_sections_stored_as_a_snapshot() -> None:
    # read by ingest/audience.py since issue 14 (tests/ingest/test_audience.py)
    result = read(HERE / "Audience.csv", "instagram-audience")
    got = {(r["dimension"], r["segment"]): r["value"] for r in rows(result, "audience")}
    assert got[("age_gender", "female 25-34")] == pytest.approx(0.302)
    assert got[("city", "Madrid")] == pytest.approx(0.251)
    assert got[("country", "Portugal")] == pytest.approx(0.205)
