"""Local time for naive-UTC timestamps, as Ibis expressions and NumPy arrays.

Timestamps are stored as naive UTC. Grouping by week or month and counting
business hours need the workspace's local wall-clock time. Ibis has no portable
time-zone conversion, so :func:`local_expr` builds one from the zone's UTC
offsets over the data's range: a CASE over the (few) offset changes, which
runs the same on DuckDB and Spark.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    import ibis.expr.types as ir
    import numpy as np
    import numpy.typing as npt

    from socialproof.workspace.settings import BusinessHours

PERIODS = ("day", "week", "month")


def _offset(tz: ZoneInfo, at: datetime) -> int:
    off = at.replace(tzinfo=UTC).astimezone(tz).utcoffset()
    return int(off.total_seconds()) if off is not None else 0


def offset_spans(tz: ZoneInfo, lo: datetime, hi: datetime) -> list[tuple[int, int]]:
    """(utc_epoch_start, offset_seconds) spans covering [lo, hi] (naive UTC datetimes)."""
    lo = lo - timedelta(days=2)
    hi = hi + timedelta(days=2)
    epoch = datetime(1970, 1, 1)
    spans: list[tuple[int, int]] = [(-(2**62), _offset(tz, lo))]
    day = lo
    current = spans[0][1]
    while day < hi:
        nxt = day + timedelta(days=1)
        off = _offset(tz, nxt)
        if off != current:
            a, b = day, nxt  # the change happens in (a, b]: bisect to the second
            while (b - a) > timedelta(seconds=1):
                mid = a + (b - a) / 2
                if _offset(tz, mid) == current:
                    a = mid
                else:
                    b = mid
            b = b.replace(microsecond=0)
            spans.append((int((b - epoch).total_seconds()), off))
            current = off
        day = nxt
    return spans


def local_expr(
    ts: ir.TimestampValue, tz: ZoneInfo, lo: datetime, hi: datetime
) -> ir.TimestampValue:
    """The local wall-clock time of a naive-UTC timestamp column."""
    import ibis

    spans = offset_spans(tz, lo, hi)
    if len(spans) == 1:
        off = spans[0][1]
        return ts if off == 0 else ts + ibis.interval(seconds=off)
    secs = ts.epoch_seconds()
    branches = []
    for i in range(len(spans) - 1, 0, -1):
        start, off = spans[i]
        branches.append((secs >= start, off))
    offset = ibis.cases(*branches, else_=spans[0][1])
    return ts + offset.as_interval("s")


def period_expr(local: ir.TimestampValue, period: str) -> ir.DateValue:
    """Start date of the day, ISO week (Monday) or month holding each local time."""
    unit = {"day": "D", "week": "W", "month": "M"}[period]
    return local.truncate(unit).date()


def to_local(values: npt.NDArray[np.datetime64], tz: ZoneInfo) -> npt.NDArray[np.datetime64]:
    """Naive-UTC datetime64 array -> naive local wall-clock datetime64[s] (NaT kept)."""
    import pandas as pd

    idx = pd.DatetimeIndex(values).tz_localize("UTC").tz_convert(tz).tz_localize(None)
    return idx.to_numpy().astype("datetime64[s]")


def business_seconds_before(
    local: npt.NDArray[np.datetime64], hours: BusinessHours
) -> npt.NDArray[np.float64]:
    """Working seconds from a fixed origin up to each local time (NaT -> NaN).

    The difference of two values is the working time between them: only the
    hours between ``start`` and ``end`` on working ``weekdays`` count, and none on
    the ``holidays`` (closed days: a question on the Friday before a Monday holiday,
    answered on Tuesday, waited the Friday's rest and Tuesday's start).
    """
    import numpy as np

    start = _secs(hours.start)
    end = _secs(hours.end)
    per_day = max(0, end - start)
    working = np.zeros(7, dtype=np.int64)
    for d in hours.weekdays:
        working[d] = 1
    # Day 0 of the epoch (1970-01-01) was a Thursday (weekday 3).
    nat = np.isnat(local)
    secs = np.where(nat, 0, local.astype("datetime64[s]").astype(np.int64))
    days = np.floor_divide(secs, 86400)
    tod = secs - days * 86400
    weekday = (days + 3) % 7
    weeks = np.floor_divide(days, 7)
    rem = days - weeks * 7  # days into the 7-day block starting on a Thursday
    # working days in the first `rem` days of a block starting Thursday
    block = np.array([working[(3 + i) % 7] for i in range(7)], dtype=np.int64)
    prefix = np.concatenate([[0], np.cumsum(block)])
    full_days = weeks * int(block.sum()) + prefix[rem]
    today = np.clip(tod, start, end) - start
    today = np.where(working[weekday] == 1, today, 0)
    closed = _closed_days(hours, working)
    if closed.size:  # a holiday on a working day: that day's hours do not count
        full_days = full_days - np.searchsorted(closed, days, side="left")
        today = np.where(np.isin(days, closed), 0, today)
    out: npt.NDArray[np.float64] = (full_days * per_day + today).astype(np.float64)
    out[nat] = np.nan
    return out


def business_seconds(
    values: npt.NDArray[np.datetime64], tz: ZoneInfo, hours: BusinessHours
) -> npt.NDArray[np.float64]:
    """Working seconds from a fixed origin up to each naive-UTC instant (NaT -> NaN).

    The working hours are wall-clock hours in ``tz`` (:func:`business_seconds_before`);
    a clock change inside them is counted as the time that passed, not as the clock
    read: a team working through the night of the autumn change worked one hour more
    than its clock shows, and one less in spring (without this, a reply in the repeated
    hour could come out as a negative working time).
    """
    import numpy as np

    out = business_seconds_before(to_local(values, tz), hours)
    utc = np.asarray(values, dtype="datetime64[s]")
    ok = ~np.isnat(utc)
    if not ok.any():
        return out
    lo = utc[ok].min().astype(datetime)
    hi = utc[ok].max().astype(datetime)
    spans = offset_spans(tz, lo, hi)
    for (start, after), (_, before) in zip(spans[1:], spans[:-1], strict=True):
        at = np.datetime64(start, "s")
        clock = np.array(  # the wall clock just before and just after the change
            [at + np.timedelta64(before, "s"), at + np.timedelta64(after, "s")],
            dtype="datetime64[s]",
        )
        jump = np.diff(business_seconds_before(clock, hours))[0]
        if jump:
            out[ok & (utc >= at)] -= jump
    return out


def _closed_days(hours: BusinessHours, working: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The holidays that fall on working weekdays, as sorted days since 1970-01-01."""
    import numpy as np

    epoch = date(1970, 1, 1)
    days = sorted({(d - epoch).days for d in hours.holidays if working[d.weekday()]})
    return np.array(days, dtype=np.int64)


def _secs(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second
