"""Audience files -> ``audience`` (dated snapshots of who follows and when they are online).

* TikTok Studio's follower files: ``Gender, Distribution``, ``Top territories,
  Distribution`` (shares as fractions or percents) and ``Date, Hour, Active
  followers`` (how many followers were online in each hour of each day).
* Instagram's "Audience" export from Business Suite: several small sections, each
  a title line ("Age & gender", "Top cities", "Top countries") above either a
  table (ages across, genders down) or a row of names and a row of percents.

A breakdown describes the moment it was exported, or the window the user chose
when exporting: the snapshot is dated by ``ctx.options['window']`` (a pair of
dates) when given, else by the file's modification date (when it was downloaded).
Activity rows carry their own day.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from socialproof.ingest import _aliases as A
from socialproof.ingest.base import Format, ReadContext, ReadResult, Reject, Source
from socialproof.ingest.parse import parse_numbers

if TYPE_CHECKING:
    import pyarrow as pa

    from socialproof.ingest.base import Frame

GENDER = ("Gender", "Género", "Genre")
TERRITORY = ("Top territories", "Territories", "Territory", "Top countries", "Country")
SHARE = ("Distribution", "Distribución", "Percentage", "Share")
DATE = ("Date", "Fecha")
HOUR = ("Hour", "Hora")
ACTIVE = ("Active followers", "Seguidores activos")

_GENDERS = {
    "women": "female",
    "woman": "female",
    "female": "female",
    "mujeres": "female",
    "femenino": "female",
    "men": "male",
    "man": "male",
    "male": "male",
    "hombres": "male",
    "masculino": "male",
}
# Instagram section titles -> dimension
_SECTIONS = (
    (r"age\s*(?:&|and|y)\s*gender|edad y sexo", "age_gender"),
    (r"^(?:top )?cities|ciudades", "city"),
    (r"^(?:top )?countries|países|paises", "country"),
    (r"^age|edad", "age"),
    (r"^gender|sexo|género", "gender"),
)
_AGE = re.compile(r"^\s*\d{2}\s*(?:[-–]\s*\d{2}|\+)\s*$")


def parse_window(text: str) -> tuple[dt.date, dt.date]:
    """'2026-03-01..2026-03-31' -> the two dates (a UsageError when it is not that)."""
    from socialproof.errors import UsageError

    parts = text.split("..")
    try:
        if len(parts) != 2:
            raise ValueError
        start, stop = (dt.date.fromisoformat(p.strip()) for p in parts)
    except ValueError:
        raise UsageError(
            f"--window {text!r} is not FROM..TO.", hint="Write it as 2026-03-01..2026-03-31."
        ) from None
    if stop < start:
        raise UsageError(f"--window {text!r} ends before it starts.", hint="Swap the dates.")
    return start, stop


def snapshot_window(source: Source, ctx: ReadContext) -> tuple[dt.date, dt.date]:
    """The days a breakdown describes: the window the user gave, else the export date."""
    window = ctx.options.get("window")
    if window:
        start, stop = window
        return start, stop
    day = dt.datetime.fromtimestamp(source.path.stat().st_mtime, dt.UTC).date()
    return day, day


def _lines(frame: Frame, n: int) -> list[int | None]:
    """Source line of each data row (None when the reader did not keep them)."""
    if frame.line_numbers is not None and len(frame.line_numbers) == n:
        return list(frame.line_numbers)
    return [None] * n


def _gender(text: str) -> str:
    low = text.strip().casefold()
    return _GENDERS.get(low, low)


def _shares(raw: list[str | None]) -> list[float | None]:
    """Cells as fractions of the audience ('58%', '58.0' or '0.58' -> 0.58)."""
    import pyarrow as pa

    parsed = parse_numbers(pa.array(raw, pa.string()), percent=False, default_decimal=".")
    values: list[float | None] = parsed.values.to_pylist()
    percent = any("%" in (r or "") for r in raw) or sum(v or 0 for v in values) > 1.5
    return [None if v is None else (v / 100 if percent else v) for v in values]


class _Rows:
    """Long rows of one snapshot, gathered as plain lists (these files are small)."""

    def __init__(self) -> None:
        self.cols: dict[str, list[Any]] = {
            k: [] for k in ("date_start", "date_stop", "dimension", "segment", "metric", "value")
        }
        self.rejects: list[Reject] = []

    def add(
        self, days: tuple[dt.date, dt.date], dimension: str, segment: str, metric: str, value: Any
    ) -> None:
        for key, v in zip(
            self.cols, (days[0], days[1], dimension, segment, metric, value), strict=True
        ):
            self.cols[key].append(v)

    def table(self, platform: str, account: str) -> pa.Table:
        import pyarrow as pa

        n = len(self.cols["value"])
        return pa.table(
            {
                "platform": pa.array([platform] * n, pa.string()),
                "account": pa.array([account] * n, pa.string()),
                "date_start": pa.array(self.cols["date_start"], pa.date32()),
                "date_stop": pa.array(self.cols["date_stop"], pa.date32()),
                "dimension": pa.array(self.cols["dimension"], pa.string()),
                "segment": pa.array(self.cols["segment"], pa.string()),
                "metric": pa.array(self.cols["metric"], pa.string()),
                "value": pa.array(self.cols["value"], pa.float64()),
            }
        )


def _result(out: _Rows, platform: str, ctx: ReadContext, n: int, notes: list[str]) -> ReadResult:
    if not out.cols["value"]:
        return ReadResult({}, n, out.rejects, notes)
    table = out.table(platform, ctx.account or "")
    return ReadResult({"audience": table}, n, out.rejects, notes)


# --------------------------------------------------------------------------- TikTok


class TikTokAudienceFormat(Format):
    name = "tiktok-audience"
    label = "TikTok Studio follower audience (gender, top territories, activity by hour)"
    tables = ("audience",)
    required = (GENDER + TERRITORY + HOUR, SHARE + ACTIVE)

    def detect(self, source: Source) -> float:
        best = 0.0
        for frame in source.frames:
            if A.has(frame, HOUR) and A.has(frame, ACTIVE) and A.has(frame, DATE):
                best = max(best, 0.9)
            elif (A.has(frame, GENDER) or A.has(frame, TERRITORY)) and A.has(frame, SHARE):
                best = max(best, 0.85 if len(frame.header) == 2 else 0.6)
        return best

    def read(self, source: Source, ctx: ReadContext) -> ReadResult:
        out = _Rows()
        notes: list[str] = []
        n = 0
        for frame in source.frames:
            if A.has(frame, HOUR) and A.has(frame, ACTIVE):
                n += frame.data.num_rows
                _read_activity(frame, ctx, out)
            elif A.has(frame, SHARE) and (A.has(frame, GENDER) or A.has(frame, TERRITORY)):
                n += frame.data.num_rows
                days = snapshot_window(source, ctx)
                dimension = "gender" if A.has(frame, GENDER) else "country"
                _read_shares(frame, dimension, GENDER + TERRITORY, days, out)
                notes.append(_dated_note(days, ctx))
        return _result(out, ctx.platform or "tiktok", ctx, n, notes)


def _dated_note(days: tuple[dt.date, dt.date], ctx: ReadContext) -> str:
    if ctx.options.get("window"):
        return f"Audience snapshot dated {days[0]}..{days[1]} (the window given)."
    return (
        f"Audience snapshot dated {days[0]}, the file's export date; pass --window "
        "FROM..TO when it describes a chosen period."
    )


def _read_shares(
    frame: Frame, dimension: str, names: A.Aliases, days: tuple[dt.date, dt.date], out: _Rows
) -> None:
    name_col = A.find(frame, names)
    share_col = A.find(frame, SHARE)
    assert name_col is not None and share_col is not None  # noqa: S101 - checked by the caller
    segments = A.column(frame, name_col).to_pylist()
    raw = A.column(frame, share_col).to_pylist()
    shares = _shares(raw)
    lines = _lines(frame, len(raw))
    for seg, cell, value, line in zip(segments, raw, shares, lines, strict=False):
        segment = (seg or "").strip()
        if not segment:
            continue
        if value is None:
            if (cell or "").strip():
                out.rejects.append(Reject(line, f"column '{share_col}': not a number", cell or ""))
            continue
        out.add(
            days, dimension, _gender(segment) if dimension == "gender" else segment, "share", value
        )


def _read_activity(frame: Frame, ctx: ReadContext, out: _Rows) -> None:
    from socialproof.ingest.parse import parse_dates

    date_col, hour_col, active_col = (A.find(frame, g) for g in (DATE, HOUR, ACTIVE))
    assert date_col and hour_col and active_col  # noqa: S101 - checked by the caller
    dates = parse_dates(A.column(frame, date_col), year=ctx.year).values.to_pylist()
    hours = parse_numbers(A.column(frame, hour_col), default_decimal=".").values.to_pylist()
    raw = A.column(frame, active_col)
    active = parse_numbers(raw, default_decimal=".").values.to_pylist()
    texts = [",".join(str(v or "") for v in r.values()) for r in frame.data.to_pylist()]
    lines = _lines(frame, len(texts))
    for day, hour, value, text, line in zip(dates, hours, active, texts, lines, strict=False):
        if day is None:
            out.rejects.append(Reject(line, f"column '{date_col}': not a date", text))
        elif hour is None or not 0 <= hour <= 23 or hour != int(hour):
            out.rejects.append(Reject(line, f"column '{hour_col}': not an hour 0-23", text))
        elif value is None:
            out.rejects.append(Reject(line, f"column '{active_col}': not a number", text))
        else:
            when = day.date() if isinstance(day, dt.datetime) else day
            out.add((when, when), "hour", str(int(hour)), "active_followers", value)


# --------------------------------------------------------------------------- Instagram


def _section(frame: Frame) -> str | None:
    title = " ".join(frame.title_lines).strip().strip('"').casefold()
    for pattern, dimension in _SECTIONS:
        if title and re.search(pattern, title):
            return dimension
    return None


def _age_columns(frame: Frame) -> list[str]:
    return [h for h in frame.header if _AGE.match(h)]


class InstagramAudienceFormat(Format):
    name = "instagram-audience"
    label = "Instagram Audience export (age and gender, top cities and countries)"
    tables = ("audience",)
    required = (("Age & gender", "Top cities", "Top countries"),)
    kinds = ("csv", "xlsx", "xls")

    def missing(self, source: Source) -> list[str]:
        if any(_section(f) for f in source.frames):
            return []
        return ["a section titled 'Age & gender', 'Top cities' or 'Top countries'"]

    def detect(self, source: Source) -> float:
        found = [_section(f) for f in source.frames]
        known = [d for d in found if d]
        if not known:
            return 0.0
        return 0.95 if len(known) >= 2 else 0.8

    def read(self, source: Source, ctx: ReadContext) -> ReadResult:
        days = snapshot_window(source, ctx)
        out = _Rows()
        n = 0
        for frame in source.frames:
            dimension = _section(frame)
            if dimension is None:
                continue
            n += frame.data.num_rows
            ages = _age_columns(frame)
            if ages and frame.data.num_rows and len(ages) >= len(frame.header) - 1:
                _read_age_table(frame, ages, dimension, days, out)
            elif _ages_down(frame):
                _read_ages_down(frame, dimension, days, out)
            elif len(frame.header) == 2 and frame.data.num_rows:
                _read_pairs(frame, dimension, days, out)
            else:
                _read_across(frame, dimension, days, out)
        platform = ctx.platform or "instagram"
        return _result(out, platform, ctx, n, [_dated_note(days, ctx)])


def _read_age_table(
    frame: Frame, ages: list[str], dimension: str, days: tuple[dt.date, dt.date], out: _Rows
) -> None:
    """Ages across, one row per gender (or a single unnamed row of shares by age)."""
    label_cols = [h for h in frame.header if h not in ages]
    rows = frame.data.to_pylist()
    lines = _lines(frame, len(rows))
    cells = [[r.get(a) for a in ages] for r in rows]
    flat = _shares([c for row in cells for c in row])
    k = 0
    for row, line in zip(rows, lines, strict=False):
        label = str(row.get(label_cols[0]) or "").strip() if label_cols else ""
        gender = _gender(label) if label else ""
        for age in ages:
            value, raw = flat[k], row.get(age)
            k += 1
            if value is None:
                if (raw or "").strip():
                    out.rejects.append(Reject(line, f"column '{age}': not a number", str(raw)))
                continue
            segment = f"{gender} {age.strip()}".strip()
            out.add(days, "age_gender" if gender else "age", segment, "share", value)


def _read_across(frame: Frame, dimension: str, days: tuple[dt.date, dt.date], out: _Rows) -> None:
    """A row of names (the header) and a row of shares under it."""
    if not frame.data.num_rows:
        return
    first = frame.data.slice(0, 1).to_pylist()[0]
    names = [h for h in frame.header if not h.startswith("Unnamed column")]
    shares = _shares([first.get(h) for h in names])
    line = frame.line_numbers[0] if frame.line_numbers else None
    for name, value in zip(names, shares, strict=True):
        if value is None:
            raw = first.get(name)
            if (raw or "").strip():
                out.rejects.append(Reject(line, f"column '{name}': not a number", str(raw)))
            continue
        segment = _gender(name) if dimension == "gender" else name.strip()
        out.add(days, dimension, segment, "share", value)


def _ages_down(frame: Frame) -> bool:
    """Ages in the first column, one column per gender."""
    if not frame.data.num_rows or len(frame.header) < 2:
        return False
    first = A.column(frame, frame.header[0]).to_pylist()
    return sum(bool(_AGE.match(v or "")) for v in first) >= max(1, len(first) // 2)


def _read_ages_down(
    frame: Frame, dimension: str, days: tuple[dt.date, dt.date], out: _Rows
) -> None:
    ages = A.column(frame, frame.header[0]).to_pylist()
    lines = _lines(frame, len(ages))
    for col in frame.header[1:]:
        raw = A.column(frame, col).to_pylist()
        gender = "" if col.startswith("Unnamed column") else _gender(col)
        for age, cell, value, line in zip(ages, raw, _shares(raw), lines, strict=False):
            if not (age or "").strip():
                continue
            if value is None:
                if (cell or "").strip():
                    out.rejects.append(Reject(line, f"column '{col}': not a number", cell or ""))
                continue
            segment = f"{gender} {(age or '').strip()}".strip()
            out.add(days, "age_gender" if gender else "age", segment, "share", value)


def _read_pairs(frame: Frame, dimension: str, days: tuple[dt.date, dt.date], out: _Rows) -> None:
    """One row per segment: 'City, Value' / 'Madrid, 25.1'."""
    names = A.column(frame, frame.header[0]).to_pylist()
    raw = A.column(frame, frame.header[1]).to_pylist()
    lines = _lines(frame, len(raw))
    for name, cell, value, line in zip(names, raw, _shares(raw), lines, strict=False):
        segment = (name or "").strip()
        if not segment:
            continue
        if value is None:
            if (cell or "").strip():
                col = frame.header[1]
                out.rejects.append(Reject(line, f"column '{col}': not a number", cell or ""))
            continue
        out.add(
            days, dimension, _gender(segment) if dimension == "gender" else segment, "share", value
        )
