"""Year-less dates placed from evidence, and cells that carry no time of day."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialproof.errors import UsageError
from socialproof.ingest.time_evidence import (
    YearEvidence,
    has_time_of_day,
    place_years,
    tiktok_id_day,
    window_from_texts,
)

TODAY = dt.date(2026, 12, 2)


def _days(values: list[str | None], **kw: object) -> list[str | None]:
    return place_years(values, YearEvidence(today=TODAY, **kw)).values  # type: ignore[arg-type]


def test_series_across_new_year_moves_as_one() -> None:
    got = _days(["December 30", "December 31", "January 1", "January 2"])
    assert got == ["2025-12-30", "2025-12-31", "2026-01-01", "2026-01-02"]


def test_newest_first_series_across_new_year() -> None:
    got = _days(["January 2", "January 1", "December 31"])
    assert got == ["2026-01-02", "2026-01-01", "2025-12-31"]


def test_feb_to_dec_window_is_never_split_nor_after_today() -> None:
    # a daily series from February 3 to December 20: 20 December 2026 is after the
    # import day (2 December 2026), so the whole series belongs to 2025
    start = dt.date(2025, 2, 3)
    days = [start + dt.timedelta(days=k) for k in range(0, 321)]
    values = [f"{d:%B} {d.day}" for d in days]
    placed = place_years(values, YearEvidence(today=TODAY))
    assert placed.values == [d.isoformat() for d in days]
    assert placed.last == dt.date(2025, 12, 20)
    assert any("import day (2026-12-02)" in n for n in placed.notes)


def test_most_recent_past_when_nothing_else_is_known() -> None:
    assert _days(["November 30", "December 1"]) == ["2026-11-30", "2026-12-01"]
    # one day after 'today' is tolerated (time zones), two are not
    assert _days(["December 3"]) == ["2026-12-03"]
    assert _days(["December 4"]) == ["2025-12-04"]


def test_window_in_name_or_title_gives_the_year() -> None:
    window = (dt.date(2023, 12, 30), dt.date(2024, 1, 2))
    placed = place_years(
        ["December 30", "December 31", "January 1"],
        YearEvidence(today=TODAY, window=window, window_where="title rows"),
    )
    assert placed.values == ["2023-12-30", "2023-12-31", "2024-01-01"]
    assert any("title rows" in n and "across New Year" in n for n in placed.notes)


def test_ids_place_each_video_even_out_of_order() -> None:
    ids = [dt.date(2025, 4, 8), dt.date(2024, 12, 3), dt.date(2025, 1, 14)]
    placed = place_years(
        ["April 8", "December 3", "January 15 10:31"],
        YearEvidence(today=TODAY, id_days=ids),
    )
    assert placed.values == ["2025-04-08", "2024-12-03", "2025-01-15 10:31:00"]
    assert any("video ids" in n for n in placed.notes)


def test_ids_outweigh_file_order() -> None:
    # ascending by day-of-year, but the ids say these are from two different years
    ids = [dt.date(2023, 3, 1), dt.date(2025, 3, 2)]
    got = _days(["March 1", "March 2"], id_days=ids)
    assert got == ["2023-03-01", "2025-03-02"]


def test_explicit_year_is_the_year_of_the_earliest_date() -> None:
    got = _days(["December 30", "January 1"], explicit=2024)
    assert got == ["2024-12-30", "2025-01-01"]


def test_explicit_year_must_agree_with_the_file() -> None:
    ids = [dt.date(2025, 4, 8)]
    with pytest.raises(UsageError, match="video ids"):
        _days(["April 8"], explicit=2026, id_days=ids)
    with pytest.raises(UsageError, match="after the import day"):
        _days(["December 20"], explicit=2026)
    window = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    with pytest.raises(UsageError, match="range in the file name"):
        _days(["May 5"], explicit=2025, window=window)
    assert _days(["April 8"], explicit=2025, id_days=ids) == ["2025-04-08"]


def test_cells_with_a_year_or_unreadable_are_left_alone() -> None:
    got = _days(["2025-03-01", "March 2", "Total", None])
    assert got == ["2025-03-01", "2026-03-02", "Total", None]


def test_spanish_and_leap_day() -> None:
    assert _days(["8 de marzo", "9 de marzo"]) == ["2026-03-08", "2026-03-09"]
    # 29 February exists in 2024, the latest leap year before the import day
    assert _days(["February 29"]) == ["2024-02-29"]


def test_tiktok_id_day() -> None:
    made = int(dt.datetime(2025, 4, 8, 15, 30, tzinfo=dt.UTC).timestamp())
    assert tiktok_id_day(str((made << 32) + 987654)) == dt.date(2025, 4, 8)
    assert tiktok_id_day("7490868352335372051") == dt.date(2025, 4, 8)
    assert tiktok_id_day("12345") is None  # too small to carry a time
    assert tiktok_id_day("abc") is None
    assert tiktok_id_day(None) is None


def test_window_from_texts() -> None:
    assert window_from_texts(["overview_20251230-20260102.csv"]) == (
        dt.date(2025, 12, 30),
        dt.date(2026, 1, 2),
    )
    assert window_from_texts(["Follower history 2024-02-03 to 2024-12-20"]) == (
        dt.date(2024, 2, 3),
        dt.date(2024, 12, 20),
    )
    assert window_from_texts(["TikTok 2025"]) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert window_from_texts(["Overview.csv"]) is None


@pytest.mark.parametrize(
    ("text", "timed"),
    [
        ("Mon Feb 10 2025", False),
        ("Thu, Apr 23, 2026", False),
        ("2026/03/08", False),
        ("April 8", False),
        ("", False),
        ("--", False),
        ("2019-01-31 18:02 +0000", True),
        ("2025-02-10T14:03:00.000Z", True),
        ("03/08/2026 9:05 AM", True),
        ("1739196180000", True),
    ],
)
def test_has_time_of_day(text: str, timed: bool) -> None:
    assert has_time_of_day([text]).tolist() == [timed]


@settings(deadline=None, max_examples=60)  # parsing is slow on a busy machine: no timing
@given(
    start=st.dates(dt.date(2016, 1, 1), dt.date(2026, 11, 1)),
    length=st.integers(1, 360),
    newest_first=st.booleans(),
)
def test_any_daily_series_within_a_year_is_placed_exactly(
    start: dt.date, length: int, newest_first: bool
) -> None:
    days = [start + dt.timedelta(days=k) for k in range(length)]
    days = [d for d in days if d <= TODAY]
    if newest_first:
        days.reverse()
    values = [f"{d:%B} {d.day}" for d in days]
    lo, hi = min(days), max(days)
    placed = place_years(values, YearEvidence(today=TODAY, window=(lo, hi)))
    assert placed.values == [d.isoformat() for d in days]
