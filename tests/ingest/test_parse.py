from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialproof.ingest.parse import (
    decimal_convention,
    missing_mask,
    parse_bools,
    parse_dates,
    parse_integers,
    parse_numbers,
    parse_timestamps,
)


def nums(values: list[str | None], **kw: object) -> tuple[list[float | None], list[bool]]:
    p = parse_numbers(values, **kw)  # type: ignore[arg-type]
    return p.values.to_pylist(), p.invalid.tolist()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234.5", 1234.5),
        ("1234", 1234.0),
        ("12%", 0.12),
        ("$1,200", 1200.0),
        ("(123)", -123.0),
        ("-4.5", -4.5),
        ("−7", -7.0),
        ("USD 1,200.50", 1200.5),
        ("1,200.50 USD", 1200.5),
        ("1.2K", 1200.0),
        ("3M", 3_000_000.0),
        (".5", 0.5),
        ("1.5E+03", 1500.0),
    ],
)
def test_numbers_english(text: str, expected: float) -> None:
    values, invalid = nums([text, "1.5"])
    assert values[0] == pytest.approx(expected)
    assert invalid == [False, False]


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        (["1.234,5", "2,25"], [1234.5, 2.25]),
        (["€1.200,50", "3,5"], [1200.5, 3.5]),
        (["1 234,5", "0,1"], [1234.5, 0.1]),
        (["1\u00a0234,5", "7"], [1234.5, 7.0]),
        (["12,5 %", "1,0 %"], [0.125, 0.01]),
        (["1.234.567", "12"], [1234567.0, 12.0]),
    ],
)
def test_numbers_decimal_comma_decided_per_column(column: list[str], expected: list[float]) -> None:
    values, invalid = nums(column)  # type: ignore[arg-type]
    assert values == pytest.approx(expected)
    assert not any(invalid)
    assert decimal_convention(column) in {",", "."}


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        # before, these were rejected as 'not a number' (only K / M / B were read)
        (["1,2 Mio.", "3,4 M", "12.345"], [1_200_000.0, 3_400_000.0, 12_345.0]),
        (["3 Tsd.", "1,5 Mrd.", "2,5"], [3_000.0, 1_500_000_000.0, 2.5]),
        (["1,5 mil", "2 mill.", "0,5"], [1_500.0, 2_000_000.0, 0.5]),
        (["2 mln", "4bn", "7 mi"], [2_000_000.0, 4_000_000_000.0, 7_000_000.0]),
    ],
)
def test_shorthands_in_other_languages(column: list[str], expected: list[float]) -> None:
    values, invalid = nums(column)  # type: ignore[arg-type]
    assert values == pytest.approx(expected)
    assert not any(invalid)


def test_a_word_alone_is_not_a_number() -> None:
    assert nums(["Mio", "mil", "k"])[1] == [True, True, True]


def test_ambiguous_grouping_defaults_to_english() -> None:
    assert nums(["1,234", "2,000"])[0] == [1234.0, 2000.0]
    assert nums(["1.234", "2.5"])[0] == [1.234, 2.5]
    # but one unambiguous cell decides for the whole column
    assert nums(["1.234", "1.234.567"])[0] == [1234.0, 1234567.0]
    assert nums(["1,234", "0,5"])[0] == [1.234, 0.5]


@pytest.mark.parametrize("bad", ["1.2.3", "abc", "12ab", "1,2,3,4.5.6", "$", "%"])
def test_invalid_numbers_are_flagged_not_dropped(bad: str) -> None:
    values, invalid = nums([bad, "1"])
    assert values == [None, 1.0]
    assert invalid == [True, False]


@pytest.mark.parametrize(
    "marker",
    ["undefined", "NAN", "NaN", "--", "—", "-", "N/A", "", "  ", "#N/A", "#DIV/0!", "#VALUE!"],
)
def test_missing_markers_are_null_not_invalid(marker: str) -> None:
    values, invalid = nums([marker, None, "5"])
    assert values == [None, None, 5.0]
    assert invalid == [False, False, False]
    assert missing_mask([marker, "x"]).tolist() == [True, False]


def test_percent_column_without_sign() -> None:
    assert nums(["1.23", "12%"], percent=True)[0] == pytest.approx([0.0123, 0.12])


def test_forced_decimal() -> None:
    assert nums(["1,234"], decimal=",")[0] == [1.234]


def test_integer_counts_with_ambiguous_grouping() -> None:
    # a count is never written with three decimals: '45.300' is 45,300
    assert parse_integers(["1.204", "45.300"]).values.to_pylist() == [1204, 45300]
    assert parse_integers(["1,204", "45,300"]).values.to_pylist() == [1204, 45300]
    # unless the file proved that '.' is its decimal point
    assert parse_integers(["45.300"], default_decimal=".").invalid.tolist() == [True]


def test_yearless_without_year_is_most_recent_past() -> None:
    p = parse_dates(["December 30", "December 31", "January 1"])
    d30, d31, jan1 = p.values.to_pylist()
    assert (d31 - d30).days == 1 and (jan1 - d31).days == 1
    assert jan1 <= dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)


def test_integers() -> None:
    p = parse_integers(["1,234", "2.0", "2.5", "", "x"])
    assert p.values.to_pylist() == [1234, 2, None, None, None]
    assert p.invalid.tolist() == [False, False, True, False, True]
    assert p.values.type == pa.int64()


def test_bools() -> None:
    p = parse_bools(["Yes", "no", "Paid", "", "maybe"])
    assert p.values.to_pylist() == [True, False, True, None, None]
    assert p.invalid.tolist() == [False, False, False, False, True]


def test_accepts_pandas_and_chunked() -> None:
    import pandas as pd

    assert parse_numbers(pd.Series(["1", None, "2"])).values.to_pylist() == [1.0, None, 2.0]
    chunked = pa.chunked_array([["1"], ["2,5"]])
    assert parse_numbers(chunked).values.to_pylist() == [1.0, 2.5]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), min_size=1, max_size=20),
    st.sampled_from(["en", "de", "fr", "plain"]),
)
def test_number_round_trip(values: list[float], style: str) -> None:
    def fmt(v: float) -> str:
        text = f"{v:,.2f}"
        if style == "de":
            return text.replace(",", "_").replace(".", ",").replace("_", ".")
        if style == "fr":
            return text.replace(",", "\u202f").replace(".", ",")
        if style == "plain":
            return f"{v:.2f}"
        return text

    # one value with a visible decimal part makes the column unambiguous
    column = [fmt(v) for v in values] + [fmt(0.25)]
    parsed = parse_numbers(column)
    assert not parsed.invalid.any()
    expected = [round(v, 2) for v in values] + [0.25]
    assert parsed.values.to_pylist() == pytest.approx(expected, abs=0.006)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.datetimes(min_value=dt.datetime(2004, 1, 1), max_value=dt.datetime(2035, 12, 31)),
        min_size=1,
        max_size=10,
    ),
    st.sampled_from(
        [
            "%Y/%m/%d %H:%M",
            "%d-%m-%Y %H:%M",
            "%m/%d/%Y %H:%M",
            "%Y-%m-%dT%H:%M:%S",
            "%a, %b %d, %Y %H:%M",
            "%B %d, %Y %H:%M",
        ]
    ),
)
def test_timestamp_round_trip(stamps: list[dt.datetime], fmt: str) -> None:
    stamps = [s.replace(second=0 if "%S" not in fmt else s.second, microsecond=0) for s in stamps]
    # a day above 12 settles day/month order for the numeric formats
    anchor = dt.datetime(2020, 1, 31, 10, 0)
    column = [s.strftime(fmt) for s in [*stamps, anchor]]
    parsed = parse_timestamps(column)
    assert not parsed.invalid.any()
    assert parsed.values.to_pylist() == [*stamps, anchor]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026/03/08", dt.datetime(2026, 3, 8)),
        ("Thu, Apr 23, 2026", dt.datetime(2026, 4, 23)),
        ("Mon Feb 10 2025", dt.datetime(2025, 2, 10)),
        ("2025-02-10T14:03:00.000Z", dt.datetime(2025, 2, 10, 14, 3)),
        ("2025-02-10T16:03:00+02:00", dt.datetime(2025, 2, 10, 14, 3)),
        ("03/08/2026 14:05", dt.datetime(2026, 3, 8, 14, 5)),
        ("1739196180", dt.datetime(2025, 2, 10, 14, 3)),
        ("1739196180000", dt.datetime(2025, 2, 10, 14, 3)),
        ("8 de marzo de 2026", dt.datetime(2026, 3, 8)),
        ("Mon Feb 10 14:03:00 2025", dt.datetime(2025, 2, 10, 14, 3)),
        ("Tue Oct 31 22:10:47 +0200 2017", dt.datetime(2017, 10, 31, 20, 10, 47)),
        ("03/08/2026 2:05 PM", dt.datetime(2026, 3, 8, 14, 5)),
        ("2019-01-31 18:02 +0000", dt.datetime(2019, 1, 31, 18, 2)),
        ("8 mar. 2026", dt.datetime(2026, 3, 8)),
        ("8 de março de 2026", dt.datetime(2026, 3, 8)),
        ("8 mars 2026", dt.datetime(2026, 3, 8)),
        ("8. März 2026", dt.datetime(2026, 3, 8)),
        ("Sept 8, 2026", dt.datetime(2026, 9, 8)),
        ("March 8th, 2026 3:05 p.m.", dt.datetime(2026, 3, 8, 15, 5)),
    ],
)
def test_timestamp_shapes(text: str, expected: dt.datetime) -> None:
    parsed = parse_timestamps([text])
    assert parsed.values.to_pylist() == [expected]
    assert not parsed.invalid.any()


def test_day_first_decided_per_column() -> None:
    # 13-03 can only be day first, so 08-03 is the 8th of March too
    p = parse_dates(["08-03-2026", "13-03-2026"])
    assert p.values.to_pylist() == [dt.date(2026, 3, 8), dt.date(2026, 3, 13)]
    # 03/13 can only be month first
    p = parse_dates(["03/08/2026", "03/13/2026"])
    assert p.values.to_pylist() == [dt.date(2026, 3, 8), dt.date(2026, 3, 13)]
    # undecidable: dashes are Excel's European re-save, read day first and say so
    p = parse_dates(["08-03-2026"])
    assert p.values.to_pylist() == [dt.date(2026, 3, 8)]
    assert p.notes
    assert parse_dates(["08-03-2026"], dayfirst=False).values.to_pylist() == [dt.date(2026, 8, 3)]


def test_timezone_applied_to_naive_only() -> None:
    p = parse_timestamps(
        ["2026-07-01 12:00", "2026-07-01T12:00:00Z", "1782907200"], timezone="Europe/Madrid"
    )
    assert p.values.to_pylist() == [
        dt.datetime(2026, 7, 1, 10, 0),
        dt.datetime(2026, 7, 1, 12, 0),
        dt.datetime(2026, 7, 1, 12, 0),
    ]
    assert p.values.type == pa.timestamp("us")


def test_yearless_dates() -> None:
    p = parse_dates(["August 31", "8 de marzo", "Sep 1"], year=2025)
    assert p.values.to_pylist() == [dt.date(2025, 8, 31), dt.date(2025, 3, 8), dt.date(2025, 9, 1)]
    assert not p.notes
    rng = (dt.date(2025, 12, 30), dt.date(2026, 1, 2))
    p = parse_dates(["December 30", "December 31", "January 1"], year_range=rng)
    assert p.values.to_pylist() == [
        dt.date(2025, 12, 30),
        dt.date(2025, 12, 31),
        dt.date(2026, 1, 1),
    ]
    p = parse_dates(["August 31"])
    today = dt.datetime.now(dt.UTC).date()
    assert today - dt.timedelta(days=366) < p.values.to_pylist()[0] <= today + dt.timedelta(days=1)
    assert any("without a year" in n for n in p.notes)


def test_invalid_dates_flagged_and_missing_ignored() -> None:
    p = parse_dates(["2026-03-08", "not a date", "--", None, "2026-02-30"])
    assert p.values.to_pylist() == [dt.date(2026, 3, 8), None, None, None, None]
    assert p.invalid.tolist() == [False, True, False, False, True]


def test_empty_column() -> None:
    assert parse_dates([]).values.to_pylist() == []
    assert parse_numbers([]).values.to_pylist() == []
    assert parse_timestamps([None, None]).values.to_pylist() == [None, None]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=30)), max_size=15))
def test_arbitrary_text_never_raises(cells: list[str | None]) -> None:
    for parse in (parse_numbers, parse_integers, parse_dates, parse_timestamps, parse_bools):
        parsed = parse(cells)
        values = parsed.values.to_pylist()
        assert len(values) == len(cells) == len(parsed.invalid)
        # a cell is a value, missing, or invalid: never a value and invalid at once
        assert not any(v is not None and bad for v, bad in zip(values, parsed.invalid, strict=True))


def test_dst_autumn_repeated_hour_is_read_as_first_occurrence() -> None:
    # Berlin 2026-10-25: clocks go back from 03:00 CEST to 02:00 CET, so 02:00-02:59 happens twice
    p = parse_timestamps(
        ["2026-10-25 01:59", "2026-10-25 02:30", "2026-10-25 03:30"], timezone="Europe/Berlin"
    )
    assert p.invalid.tolist() == [False, False, False]
    assert p.values.to_pylist() == [
        dt.datetime(2026, 10, 24, 23, 59),  # CEST, +02:00
        dt.datetime(2026, 10, 25, 0, 30),  # first occurrence, still CEST
        dt.datetime(2026, 10, 25, 2, 30),  # CET, +01:00
    ]
    assert any("first" in note for note in p.notes)


def test_dst_autumn_explicit_offset_picks_the_occurrence() -> None:
    p = parse_timestamps(
        ["2026-10-25T02:30:00+02:00", "2026-10-25T02:30:00+01:00"], timezone="Europe/Berlin"
    )
    assert p.values.to_pylist() == [
        dt.datetime(2026, 10, 25, 0, 30),
        dt.datetime(2026, 10, 25, 1, 30),
    ]


def test_dst_spring_gap_is_shifted_forward_by_the_gap() -> None:
    # Berlin 2026-03-29: 02:00 CET jumps to 03:00 CEST; 02:30 never happens on the wall clock
    p = parse_timestamps(
        ["2026-03-29 01:30", "2026-03-29 02:30", "2026-03-29 03:30"], timezone="Europe/Berlin"
    )
    assert p.invalid.tolist() == [False, False, False]
    assert p.values.to_pylist() == [
        dt.datetime(2026, 3, 29, 0, 30),
        dt.datetime(2026, 3, 29, 1, 30),  # read as 03:30 CEST, the offset before the gap
        dt.datetime(2026, 3, 29, 1, 30),
    ]
    assert any("spring" in note or "did not exist" in note for note in p.notes)


def test_dst_new_york_both_edges() -> None:
    p = parse_timestamps(["2026-03-08 02:15", "2026-11-01 01:15"], timezone="America/New_York")
    assert p.values.to_pylist() == [
        dt.datetime(2026, 3, 8, 7, 15),  # 02:15 EST (-05:00) == 03:15 EDT
        dt.datetime(2026, 11, 1, 5, 15),  # first 01:15, EDT (-04:00)
    ]
