from __future__ import annotations

import datetime as dt

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


def test_metric_named_from_title_and_platform_assumed() -> None:
    result = read(HERE / "Follows.csv", "meta-metric")
    assert {d["metric"] for d in rows(result, "account_daily")} == {"follows"}
    assert any("assumed" in n for n in result.notes)
    result = read(HERE / "Follows.csv", "meta-metric", platform="facebook")
    assert {d["platform"] for d in rows(result, "account_daily")} == {"facebook"}


def test_audience_sections_recognised_not_stored() -> None:
    result = read(HERE / "Audience.csv", "meta-metric")
    assert result.tables == {}
    assert any("Audience" in n for n in result.notes)
