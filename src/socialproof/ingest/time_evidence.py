"""What a file says about time: the year of dates written without one, and the time of day.

Year-less dates. TikTok Studio writes "April 8" or "8 de marzo". Taking "this
year" for them puts a video from last April a year late and splits a series
that runs across New Year. The year is chosen from evidence instead, strongest
first:

1. **ids that encode time**: a TikTok video id carries the Unix second it was
   created in its top 32 bits (``id >> 32``); a video is published at or after
   that moment, so its date takes the first year that is not earlier;
2. **--year**, the user's word for the year of the earliest date; it must agree
   with the ids and the export window, and place nothing after the import day;
3. **the export window** written in the file name or a title row
   ("overview_20251230-20260102.csv");
4. **the import day as an upper bound** (or the day the file was saved, its
   date on disk, when that is earlier): an export never describes a day after
   the day it was downloaded, so the dates are the most recent ones that fit.

Within one frame the rows run in file order, so a daily series is one chain:
when its month and day go back (December, then January) a year has passed.
The whole chain moves together; rows out of any order are placed one by one.

Time of day. Some exports give a date only (X's newer content export); such
a row has no time of day and must not feed "best hour to publish" advice.
:func:`has_time_of_day` tells, per cell, whether the text carried a time.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from socialproof.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy as np

__all__ = [
    "Placement",
    "YearEvidence",
    "has_time_of_day",
    "place_years",
    "tiktok_id_day",
    "window_from_texts",
]

#: A video is published at most this long after its id was made (drafts, scheduling).
MAX_PUBLISH_DELAY_DAYS = 366
#: Earliest and latest year a placement considers (TikTok and most exports are younger).
_FIRST_YEAR = 2004

_TIME = r"\d{1,2}:\d{2}|\dT\d{2}|^\s*\d{9,13}(?:\.\d+)?\s*$|\b\d{1,2}\s*[aApP]\.?[mM]\b"


def has_time_of_day(column: Any) -> np.ndarray:
    """Per cell: does the text carry a time of day ('10:31', ISO 'T', an epoch)?

    Missing cells are False; callers store NULL for them anyway.
    """
    import numpy as np
    import pyarrow.compute as pc

    from socialproof.ingest.parse import missing_mask, to_string_array

    arr = to_string_array(column)
    timed = pc.match_substring_regex(arr, _TIME).fill_null(False)
    out: np.ndarray = np.asarray(timed.to_numpy(zero_copy_only=False), dtype=bool)
    out &= ~np.asarray(missing_mask(arr), dtype=bool)
    return out


def tiktok_id_day(video_id: str | None, *, today: dt.date | None = None) -> dt.date | None:
    """The UTC day a TikTok video id was made (``id >> 32`` is Unix seconds), if plausible."""
    if not video_id or not video_id.strip().isdigit():
        return None
    value = int(video_id.strip())
    if value.bit_length() > 64 or value < (1 << 32):
        return None
    seconds = value >> 32
    day = dt.datetime.fromtimestamp(seconds, dt.UTC).date()
    latest = (today or dt.datetime.now(dt.UTC).date()) + dt.timedelta(days=1)
    if day < dt.date(2016, 9, 1) or day > latest:  # TikTok launched in September 2016
        return None
    return day


def window_from_texts(texts: Sequence[str]) -> tuple[dt.date, dt.date] | None:
    """A date range written in a file name or title line ('20251230-20260102', '2025')."""
    for text in texts:
        found = re.findall(r"(?<!\d)(20\d{2})[-_.]?(\d{2})[-_.]?(\d{2})(?!\d)", text)
        days = []
        for y, m, d in found:
            try:
                days.append(dt.date(int(y), int(m), int(d)))
            except ValueError:
                continue
        if days:
            return min(days), max(days)
        years = re.findall(r"(?<!\d)(20\d{2})(?!\d)", text)
        if years:
            return dt.date(int(min(years)), 1, 1), dt.date(int(max(years)), 12, 31)
    return None


@dataclass(frozen=True)
class YearEvidence:
    """What is known about the year of a frame's year-less dates."""

    today: dt.date  # the import day (or the file's date): nothing is placed after it
    today_is: str = "the import day"  # what ``today`` is, for messages
    explicit: int | None = None  # --year: the year of the earliest date
    window: tuple[dt.date, dt.date] | None = None  # export range from the name or title rows
    window_where: str = "file name"  # where the window was written, for the note
    id_days: Sequence[dt.date | None] | None = None  # per row: the day its id was made


@dataclass
class Placement:
    """Year-less cells rewritten as ISO dates; other cells as they were."""

    values: list[str | None]
    notes: list[str]
    first: dt.date | None = None
    last: dt.date | None = None


@dataclass
class _Row:
    index: int  # row in the frame
    month: int
    day: int
    clock: str  # ' HH:MM:SS' when the cell had a time of day, else ''
    offset: int = 0  # years after the chain's first year


def _yearless_rows(values: Sequence[str | None]) -> list[_Row]:
    """Rows whose text is a month and day without a year, read twice to prove it."""
    import pandas as pd

    from socialproof.ingest.parse import parse_timestamps

    a = parse_timestamps(list(values), timezone="UTC", year=2000).values.to_pylist()
    b = parse_timestamps(list(values), timezone="UTC", year=2004).values.to_pylist()
    timed = has_time_of_day(list(values))
    rows = []
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        if x is None or y is None or x.year != 2000 or y.year != 2004:
            continue  # unreadable (rejected later) or it had a year of its own
        ts = pd.Timestamp(x)
        clock = f" {ts:%H:%M:%S}" if timed[i] else ""
        rows.append(_Row(i, ts.month, ts.day, clock))
    return rows


def _chain(rows: list[_Row]) -> bool:
    """Set year offsets from file order; False when the rows follow no order."""
    if len(rows) < 2:
        return len(rows) == 1
    ords = [dt.date(2000, r.month, r.day).toordinal() for r in rows]
    steps = [b - a for a, b in zip(ords, ords[1:], strict=False)]
    half = 183
    if all(s % 366 < half for s in steps):  # ascending, wrapping at New Year
        offset = 0
        for r, s in zip(rows[1:], steps, strict=True):
            offset += s < 0
            r.offset = offset
        return True
    if all((-s) % 366 < half for s in steps):  # descending (newest first)
        offset = 0
        for r, s in zip(rows[1:], steps, strict=True):
            offset -= s > 0
            r.offset = offset
        low = min(r.offset for r in rows)
        for r in rows:
            r.offset -= low
        return True
    return False


def _day(r: _Row, year: int) -> dt.date | None:
    try:
        return dt.date(year + r.offset, r.month, r.day)
    except ValueError:  # 29 February in a common year
        return None


def _fits_id(d: dt.date | None, made: dt.date) -> bool:
    return d is not None and -1 <= (d - made).days <= MAX_PUBLISH_DELAY_DAYS


def _year_from_ids(rows: list[_Row], ids: Sequence[dt.date | None]) -> int | None:
    """The first base year that publishes every dated row at or after its id was made."""
    known = [(r, ids[r.index]) for r in rows if ids[r.index] is not None]
    if not known:
        return None
    years = sorted({made.year - r.offset for r, made in known if made is not None})
    best: tuple[int, int] | None = None
    for y in range(years[0] - 1, years[-1] + 2):
        fit = sum(_fits_id(_day(r, y), made) for r, made in known if made is not None)
        if best is None or fit > best[0]:
            best = (fit, y)
    return None if best is None or best[0] == 0 else best[1]


def _in_window(rows: list[_Row], year: int, window: tuple[dt.date, dt.date]) -> int:
    lo = window[0] - dt.timedelta(days=1)
    hi = window[1] + dt.timedelta(days=1)
    return sum(1 for r in rows if (d := _day(r, year)) is not None and lo <= d <= hi)


def _latest(rows: list[_Row], year: int) -> dt.date | None:
    days = [_day(r, year) for r in rows]
    return None if any(d is None for d in days) else max(d for d in days if d is not None)


def _year_below(rows: list[_Row], today: dt.date) -> int:
    """The latest base year that places no row after ``today`` (one day of time zones)."""
    bound = today + dt.timedelta(days=1)
    top = max(r.offset for r in rows)
    for y in range(today.year - top, _FIRST_YEAR - 1, -1):
        last = _latest(rows, y)
        if last is not None and last <= bound:
            return y
    return today.year - top


def _base_year(rows: list[_Row], ev: YearEvidence) -> tuple[int, str]:
    """The chain's first year and the evidence that chose it."""
    bound = ev.today + dt.timedelta(days=1)
    from_ids = _year_from_ids(rows, ev.id_days) if ev.id_days is not None else None
    if ev.explicit is not None:
        y = ev.explicit
        last = _latest(rows, y)
        if last is not None and last > bound:
            raise UsageError(
                f"--year {y} would place dates up to {last:%Y-%m-%d}, after {ev.today_is} "
                f"({ev.today:%Y-%m-%d}).",
                hint="Give the year of the earliest date in the file, or leave --year out.",
            )
        if from_ids is not None and from_ids != y:
            raise UsageError(
                f"--year {y} disagrees with the video ids in the file, which date the earliest "
                f"video to {from_ids}.",
                hint="Leave --year out: the ids give the year.",
            )
        if ev.window is not None and _in_window(rows, y, ev.window) == 0:
            raise UsageError(
                f"--year {y} places no date inside {ev.window[0]:%Y-%m-%d}..{ev.window[1]:%Y-%m-%d}"
                f", the range in the {ev.window_where}.",
                hint="Leave --year out, or give the year of the earliest date in the file.",
            )
        return y, "--year"
    if from_ids is not None:
        return from_ids, "ids"
    if ev.window is not None:
        scored = []
        for y in range(ev.window[0].year - 1, ev.window[1].year + 1):
            last = _latest(rows, y)
            if last is not None and last <= bound:
                scored.append((_in_window(rows, y, ev.window), y))
        if scored and max(scored)[0] > 0:
            return max(scored)[1], "window"
    return _year_below(rows, ev.today), "today"


def place_years(values: Sequence[str | None], evidence: YearEvidence) -> Placement:
    """Give every year-less cell of a column (in file order) its year, from ``evidence``.

    Cells with a year of their own, and unreadable cells, are returned unchanged.
    Raises :class:`~socialproof.errors.UsageError` when ``--year`` contradicts the file.
    """
    rows = _yearless_rows(values)
    out = list(values)
    if not rows:
        return Placement(out, [])
    chains = [rows] if _chain(rows) else [[r] for r in rows]
    used: set[str] = set()
    crossed = False
    for chain in chains:
        year, how = _base_year(chain, evidence)
        used.add(how)
        crossed |= any(r.offset for r in chain)
        for r in chain:
            d = _day(r, year)
            if evidence.id_days is not None and evidence.explicit is None:
                made = evidence.id_days[r.index]
                if made is not None and not _fits_id(d, made):
                    # an id outweighs the order of the rows
                    d = next(
                        (c for y in (made.year, made.year + 1) if _fits_id(c := _day(r, y), made)),
                        d,
                    )
            out[r.index] = None if d is None else f"{d:%Y-%m-%d}{r.clock}"
    placed = [dt.date.fromisoformat(str(out[r.index])[:10]) for r in rows if out[r.index]]
    first, last = (min(placed), max(placed)) if placed else (None, None)
    span = f"{first:%Y-%m-%d}..{last:%Y-%m-%d}" if first and last else "no day"
    notes = []
    crossing = " (the series runs across New Year)" if crossed else ""
    if "ids" in used:
        notes.append(
            f"Dates without a year were placed in {span} from the video ids, which record when "
            f"each video was made{crossing}."
        )
    if "window" in used and evidence.window is not None:
        w = evidence.window
        notes.append(
            f"Dates without a year were placed in {span}{crossing}, inside "
            f"{w[0]:%Y-%m-%d}..{w[1]:%Y-%m-%d}, the range in the {evidence.window_where}; "
            "pass --year if that is wrong."
        )
    if "today" in used:
        notes.append(
            f"Dates without a year were placed in {span}{crossing}: the file gives no year, so "
            f"they are the most recent days up to {evidence.today_is} ({evidence.today:%Y-%m-%d}); "
            "pass --year (the year of the earliest date) if that is wrong."
        )
    if "--year" in used and crossed:
        notes.append(f"Dates without a year were placed in {span}, across New Year.")
    return Placement(out, notes, first, last)
