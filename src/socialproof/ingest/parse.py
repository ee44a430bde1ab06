"""Vectorised parsing of exported values: numbers, dates and timestamps.

Platform exports write numbers the way the exporting user's locale does
("1,234.5", "1.234,5", "1 234,5", "12%", "$1,200", "(123)") and mark missing
values in many ways ("undefined", "--", "—", "N/A", empty). Dates come in a
dozen shapes ("2026/03/08", "08-03-2026", "Thu, Apr 23, 2026", "August 31",
"8 de marzo", epoch milliseconds...).

Every parser takes a whole column (pyarrow array, pandas Series or list of
strings), decides the convention once per column from its values (decimal
comma or point, day-first or month-first), and returns a :class:`Parsed`:
the values (a pyarrow array with nulls for missing cells) and a per-row
``invalid`` mask for cells that were present but could not be read, so the
importer can reject those rows with a reason instead of dropping them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

__all__ = [
    "MISSING",
    "Parsed",
    "decimal_convention",
    "day_first_evidence",
    "decimal_votes",
    "missing_forms",
    "missing_mask",
    "bool_words",
    "parse_bools",
    "parse_dates",
    "parse_integers",
    "parse_numbers",
    "parse_timestamps",
    "to_string_array",
]

#: Cell values that mean "no value" in some export (compared case-insensitively).
MISSING = frozenset(
    {
        "",
        "undefined",
        "nan",
        "null",
        "none",
        "n/a",
        "na",
        "#n/a",
        "-",
        "--",
        "---",
        "—",
        "–",
        "·",
    }
)

_SPACES = "\u00a0\u202f\u2009\u2007 \t"
_CURRENCY_SYMBOLS = "$€£¥₹₦₩₺₽₱฿₫₴₪"


@dataclass
class Parsed:
    """A parsed column: ``values`` (nulls where missing or invalid) and an ``invalid`` mask."""

    values: pa.Array
    invalid: np.ndarray  # bool per row: a value was present but could not be parsed
    notes: list[str] = field(default_factory=list)

    @property
    def n_invalid(self) -> int:
        return int(self.invalid.sum())


# --------------------------------------------------------------------------- helpers


def to_string_array(column: Any) -> pa.Array:
    """Any column-like (pyarrow array/chunked array, pandas Series, list) as a pyarrow string array."""
    import pyarrow as pa

    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    if isinstance(column, pa.Array):
        if pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            return column
        if pa.types.is_null(column.type):
            return pa.nulls(len(column), pa.string())
        return column.cast(pa.string())
    try:
        import pandas as pd

        if isinstance(column, pd.Series):
            return pa.array(column.astype(object).where(column.notna(), None).tolist(), pa.string())
    except ImportError:  # pragma: no cover - pandas is a core dependency
        pass
    return pa.array([None if v is None else str(v) for v in column], pa.string())


def _trimmed(arr: pa.Array) -> pa.Array:
    import pyarrow.compute as pc

    # Unicode whitespace (incl. no-break spaces); a stray BOM is rare enough for a check
    return pc.utf8_trim_whitespace(arr)


def missing_mask(column: Any) -> np.ndarray:
    """True where the cell is null or one of the missing-value markers."""
    return _missing_of_trimmed(_trimmed(to_string_array(column)))


def _missing_of_trimmed(arr: pa.Array) -> np.ndarray:
    import pyarrow.compute as pc

    mask = pc.or_kleene(pc.is_null(arr), pc.is_in(arr, value_set=_missing_set()))
    out: np.ndarray = mask.fill_null(True).to_numpy(zero_copy_only=False).astype(bool)
    return out


_MISSING_ARRAY: list[pa.Array] = []


def _missing_set() -> pa.Array:
    """The markers in every capitalisation seen ('undefined', 'NaN', 'N/A', 'None'...)."""
    from socialproof.ingest.arrowbuild import strings

    if not _MISSING_ARRAY:
        forms = set()
        for m in MISSING:
            forms.update({m, m.upper(), m.title(), m.capitalize()})
        forms.update({"NaN", "nAn", "#N/A", "N/a"})
        _MISSING_ARRAY.append(strings(sorted(forms)))
    return _MISSING_ARRAY[0]


def missing_forms() -> list[str]:
    """The missing-value markers in every capitalisation :func:`missing_mask` knows."""
    return [str(v) for v in _missing_set().to_pylist()]


def _np_mask(arr: pa.Array) -> np.ndarray:
    out: np.ndarray = arr.fill_null(False).to_numpy(zero_copy_only=False).astype(bool)
    return out


# --------------------------------------------------------------------------- numbers

_THOUSANDS_COMMA = r"^-?[1-9]\d{0,2}(?:,\d{3})+$"
_THOUSANDS_DOT = r"^-?[1-9]\d{0,2}(?:\.\d{3})+$"


def _number_core(arr: pa.Array) -> tuple[pa.Array, pa.Array, pa.Array, pa.Array]:
    """Strip currency, spaces, percent and parentheses: (core, negative, percent, multiplier)."""
    import numpy as np
    import pyarrow.compute as pc

    from socialproof.ingest.arrowbuild import doubles

    s = _trimmed(arr)
    s = pc.replace_substring(s, "\u2212", "-")  # unicode minus
    paren = pc.match_substring_regex(s, r"^\(.*\)$")
    pct = pc.match_substring_regex(s, r"%\s*\)?$")
    # currency codes before or after the number: 'USD 1,200', '1.200,50 EUR', 'US$ 5', 'R$ 5'
    s = pc.replace_substring_regex(s, r"^\(?\s*(?:[A-Z]{3}|[A-Z]{1,2}\$)\s*", "")
    s = pc.replace_substring_regex(s, r"\s*[A-Z]{3}\s*\)?$", "")
    s = pc.replace_substring_regex(s, "[" + re.escape(_SPACES + _CURRENCY_SYMBOLS) + r"'’%()+]", "")
    # 'K' / 'M' / 'B' suffixes as TikTok and X print them ('1.2K')
    suffix = pc.extract_regex(s, r"^(?P<num>.*\d)(?P<suffix>[kKmMbB])$")
    has_suffix = pc.is_valid(suffix)
    mult_map = {"k": 1e3, "m": 1e6, "b": 1e9}
    multiplier = doubles(np.ones(len(s)))  # no pa.array: pandas stays unloaded
    if pc.any(has_suffix).as_py():
        suff = pc.utf8_lower(pc.struct_field(suffix, "suffix"))
        for key, factor in mult_map.items():
            multiplier = pc.if_else(pc.equal(suff, key).fill_null(False), factor, multiplier)
        s = pc.if_else(has_suffix, pc.struct_field(suffix, "num"), s)
    return s, paren, pct, multiplier


def decimal_convention(column: Any) -> str:
    """'.' or ',': the decimal separator this column's values use (English '.' when unsure)."""
    core, _, _, _ = _number_core(to_string_array(column))
    return _decide_decimal(core)


def decimal_votes(column: Any) -> tuple[int, int]:
    """How many cells prove a decimal comma, and how many a decimal point."""
    core, _, _, _ = _number_core(to_string_array(column))
    return _votes(core)


def _decide_decimal(core: pa.Array, default: str = ".") -> str:
    comma, dot = _votes(core)
    if comma == dot:
        return default
    return "," if comma > dot else "."


def _votes(core: pa.Array) -> tuple[int, int]:
    import pyarrow.compute as pc

    def count(pattern: str) -> int:
        return int(pc.sum(pc.match_substring_regex(core, pattern)).as_py() or 0)  # nulls skipped

    # a comma after the last point, or a point after the last comma, settles it
    comma_last = count(r"\.\d*,\d*$")
    dot_last = count(r",\d*\.\d*$")
    # a single separator that cannot be grouping ('1,5', '0,123', '12,34')
    comma_only = count(r"^-?\d*,\d+$") - count(_THOUSANDS_COMMA.replace("+$", "$"))
    dot_only = count(r"^-?\d*\.\d+$") - count(_THOUSANDS_DOT.replace("+$", "$"))
    # repeated separators are grouping ('1,234,567' / '1.234.567')
    comma_grouping = count(r"^-?\d+(?:,\d{3}){2,}$")
    dot_grouping = count(r"^-?\d+(?:\.\d{3}){2,}$")
    return comma_last + comma_only + dot_grouping, dot_last + dot_only + comma_grouping


def parse_numbers(
    column: Any,
    *,
    percent: bool = False,
    decimal: str | None = None,
    default_decimal: str = ".",
) -> Parsed:
    """Parse a column of numbers in any common locale format into float64.

    ``percent=True`` says the column holds percentages even where the cells
    lack a '%' sign (Meta's "CTR (all)" exports '1.23' for 1.23 %): every
    value without a sign is divided by 100. Cells with a "%" sign are always fractions
    ('12%' -> 0.12). ``decimal`` forces the decimal separator; by default it
    is decided once for the whole column from its values, and where they
    cannot tell ('1.234' could be either) ``default_decimal`` decides: pass
    the convention the rest of the file uses.
    """
    import numpy as np
    import pyarrow.compute as pc

    arr = to_string_array(column)
    fast = _fast_numbers(arr, percent=percent, decimal=decimal or default_decimal)
    if fast is not None:
        return fast
    if len(arr) > 4096:
        # the slow path works on the distinct values only
        encoded = pc.dictionary_encode(arr)
        sub = _slow_numbers(encoded.dictionary, percent, decimal, default_decimal)
        valid_idx = _np_mask(pc.is_valid(encoded.indices))
        idx = encoded.indices.fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
        values = pc.take(sub.values, encoded.indices)
        invalid = sub.invalid[idx] & valid_idx if len(sub.invalid) else np.zeros(len(arr), bool)
        return Parsed(values, np.asarray(invalid, dtype=bool))
    return _slow_numbers(arr, percent, decimal, default_decimal)


def _fast_numbers(arr: pa.Array, *, percent: bool, decimal: str) -> Parsed | None:
    """Plain numbers ('1234', '-5.5', '1e3'): one cast, no regular expressions."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if decimal == "," and pc.any(pc.match_substring(arr, ".")).as_py():
        return None
    try:  # the common case: clean numbers and real nulls
        values = pc.cast(arr, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        s = _trimmed(arr)
        missing = _missing_of_trimmed(s)
        nulled = pc.if_else(pa.array(missing), pa.scalar(None, pa.string()), s)
        try:
            values = pc.cast(nulled, pa.float64())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None
    if not pc.all(pc.is_finite(values)).as_py():
        return None  # 'inf' / 'nan' spelled out: let the strict path judge them
    if percent:
        values = pc.multiply(values, 0.01)
    return Parsed(values, np.zeros(len(arr), dtype=bool))


def _slow_numbers(
    arr: pa.Array, percent: bool, decimal: str | None, default_decimal: str
) -> Parsed:
    import pyarrow as pa
    import pyarrow.compute as pc

    missing = missing_mask(arr)
    core, paren, pct, multiplier = _number_core(arr)
    dec = decimal or _decide_decimal(core, default_decimal)
    thousands = "," if dec == "." else "."
    d, t = re.escape(dec), re.escape(thousands)
    exponent = r"(?:[eE][+-]?\d+)?" if dec == "." else ""
    valid_pattern = rf"^-?(?:\d{{1,3}}(?:{t}\d{{3}})+|\d*)(?:{d}\d*)?{exponent}$"
    valid = pc.and_(
        pc.match_substring_regex(core, valid_pattern),
        pc.match_substring_regex(core, r"\d"),
    )
    cleaned = pc.replace_substring(core, thousands, "")
    if dec == ",":
        cleaned = pc.replace_substring(cleaned, ",", ".")
    cleaned = pc.if_else(valid, cleaned, pa.scalar(None, pa.string()))
    values = pc.cast(cleaned, pa.float64())
    values = pc.multiply(values, multiplier)
    values = pc.if_else(paren, pc.negate(values), values)
    scale = pc.if_else(pct, 0.01, 1.0) if not percent else pa.array([0.01] * len(arr))
    values = pc.multiply(values, scale)
    import numpy as np

    present = ~missing
    ok = _np_mask(valid)
    invalid = present & ~ok
    mask = pa.array(~(present & ok))
    values = pc.if_else(mask, pa.scalar(None, pa.float64()), values)
    return Parsed(values, np.asarray(invalid, dtype=bool))


def parse_integers(
    column: Any,
    *,
    percent: bool = False,
    decimal: str | None = None,
    default_decimal: str | None = None,
) -> Parsed:
    """Counts as int64: like :func:`parse_numbers`, non-whole values are invalid.

    Where the column cannot tell its decimal separator and no
    ``default_decimal`` is given, a count written '12.000' is twelve thousand
    (a count with three decimals is implausible), and '12,000' likewise.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = to_string_array(column)
    column = arr
    if decimal is None and default_decimal is None and pc.any(pc.match_substring(arr, ".")).as_py():
        core, _, _, _ = _number_core(pc.unique(arr))
        comma, dot = _votes(core)
        if comma == dot:
            dot_groups = pc.any(pc.match_substring_regex(core, _THOUSANDS_DOT)).as_py()
            comma_groups = pc.any(pc.match_substring_regex(core, _THOUSANDS_COMMA)).as_py()
            if dot_groups and not comma_groups:
                decimal = ","
    parsed = parse_numbers(
        column, percent=percent, decimal=decimal, default_decimal=default_decimal or "."
    )
    vals = parsed.values
    rounded = pc.round(vals)
    whole = pc.less_equal(pc.abs(pc.subtract(vals, rounded)), 1e-6).fill_null(True)
    in_range = pc.less(pc.abs(rounded), 9.0e18).fill_null(True)
    ok = pc.and_(whole, in_range)
    bad = ~_np_mask(ok)
    ints = pc.if_else(ok, rounded, pa.scalar(None, pa.float64())).cast(pa.int64())
    return Parsed(ints, np.asarray(parsed.invalid | bad, dtype=bool), parsed.notes)


_TRUE = frozenset({"true", "yes", "y", "1", "paid", "boosted", "sponsored", "promoted", "si", "sí"})
_FALSE = frozenset({"false", "no", "n", "0", "organic", "not boosted", "unpaid"})


def bool_words() -> tuple[list[str], list[str]]:
    """The words :func:`parse_bools` reads as true and as false (lower case)."""
    return sorted(_TRUE), sorted(_FALSE)


def parse_bools(column: Any) -> Parsed:
    """Yes/No, True/False, 1/0, Paid/Organic as booleans."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pc.utf8_lower(_trimmed(to_string_array(column)))
    missing = missing_mask(arr)
    is_true = _np_mask(pc.is_in(arr, value_set=pa.array(sorted(_TRUE))))
    is_false = _np_mask(pc.is_in(arr, value_set=pa.array(sorted(_FALSE))))
    values = pa.array(np.where(is_true, True, False), pa.bool_())
    known = is_true | is_false
    values = pc.if_else(pa.array(known), values, pa.scalar(None, pa.bool_()))
    return Parsed(values, np.asarray(~missing & ~known, dtype=bool))


# --------------------------------------------------------------------------- dates

_MONTHS_ES = {
    "enero": "January",
    "febrero": "February",
    "marzo": "March",
    "abril": "April",
    "mayo": "May",
    "junio": "June",
    "julio": "July",
    "agosto": "August",
    "septiembre": "September",
    "setiembre": "September",
    "octubre": "October",
    "noviembre": "November",
    "diciembre": "December",
    "ene": "Jan",
    "abr": "Apr",
    "ago": "Aug",
    "dic": "Dec",
}
# other languages platforms localise exports into (Portuguese, French, German)
_MONTHS_OTHER = {
    "janeiro": "January",
    "fevereiro": "February",
    "março": "March",
    "maio": "May",
    "junho": "June",
    "julho": "July",
    "setembro": "September",
    "outubro": "October",
    "novembro": "November",
    "dezembro": "December",
    "janvier": "January",
    "février": "February",
    "mars": "March",
    "avril": "April",
    "mai": "May",
    "juin": "June",
    "juillet": "July",
    "août": "August",
    "septembre": "September",
    "octobre": "October",
    "novembre": "November",
    "décembre": "December",
    "januar": "January",
    "februar": "February",
    "märz": "March",
    "juni": "June",
    "juli": "July",
    "oktober": "October",
    "dezember": "December",
    "sept": "Sep",
    "fev": "Feb",
    "out": "Oct",
    "dez": "Dec",
    "févr": "Feb",
    "avr": "Apr",
    "juil": "Jul",
    "déc": "Dec",
    "mär": "Mar",
    "okt": "Oct",
}
_WEEKDAYS_ES = (
    "lunes",
    "martes",
    "miércoles",
    "miercoles",
    "jueves",
    "viernes",
    "sábado",
    "sabado",
    "domingo",
)

_TIMES = ("", " %H:%M", " %H:%M:%S", " %I:%M %p", " %I:%M:%S %p")
_YEARLESS = ("%B %d", "%b %d", "%d %B", "%d %b", "%b. %d")
_NAMED = (
    "%a, %b %d, %Y",
    "%a %b %d %Y",
    "%a, %B %d, %Y",
    "%A, %B %d, %Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%b %d %Y",
    "%B %d %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%d-%b-%Y",
    "%d-%b-%y",
)


def _normalise_date_text(arr: pa.Array) -> pa.Array:
    """Month names in Spanish, Portuguese, French and German to English; 'de' and stray points dropped."""
    import pyarrow.compute as pc

    s = _trimmed(arr)
    if not pc.any(pc.match_substring_regex(s, "[A-Za-zÀ-ÿ]")).as_py():
        return s
    s = pc.replace_substring_regex(s, r"\s+", " ")
    s = pc.replace_substring_regex(s, "(?i)^(?:" + "|".join(_WEEKDAYS_ES) + r"),?\s+", "")
    s = pc.replace_substring_regex(s, r"(?i)\s+d[eo]l?\s+", " ")  # '8 de marzo', '8 do março'
    s = pc.replace_substring_regex(s, r"^(\d{1,2})\.\s", r"\1 ")  # German '8. März'
    names = {**_MONTHS_ES, **_MONTHS_OTHER}
    pattern = "(?i)\\b(?:" + "|".join(sorted(names, key=len, reverse=True)) + ")\\b"
    if pc.any(pc.match_substring_regex(s, pattern)).as_py():
        for word, en in sorted(names.items(), key=lambda kv: -len(kv[0])):
            s = pc.replace_substring_regex(s, rf"(?i)\b{word}\b\.?", en)
    # 'Mar.' -> 'Mar' (abbreviations with a point), '1st' -> '1', 'p.m.' -> 'PM'
    s = pc.replace_substring_regex(
        s, r"(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\.", r"\1"
    )
    s = pc.replace_substring_regex(s, r"(?i)(\d)(?:st|nd|rd|th)\b", r"\1")
    s = pc.replace_substring_regex(s, r"(?i)\b(a|p)\.?\s?m\.?$", r"\1M")
    return s


def day_first_evidence(column: Any) -> bool | None:
    """True/False when a value like '31/03/2026' or '03/31/2026' settles the order, else None.

    For a whole file: a column of reporting-end dates can settle the order of the
    start-date column next to it, where every day is 12 or less.
    """
    import pyarrow.compute as pc

    s = pc.utf8_trim_whitespace(to_string_array(column))
    parts = pc.extract_regex(s, r"^(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<y>\d{2,4})\b")
    a_big = bool(pc.any(pc.greater(pc.cast(pc.struct_field(parts, "a"), "int32"), 12)).as_py())
    b_big = bool(pc.any(pc.greater(pc.cast(pc.struct_field(parts, "b"), "int32"), 12)).as_py())
    if a_big != b_big:
        return a_big
    return None


def _numeric_order(s: pa.Array, dayfirst: bool | None) -> tuple[bool, str]:
    """Day-first or month-first for 'NN?NN?YYYY' dates, decided from the whole column."""
    import pyarrow.compute as pc

    if dayfirst is not None:
        return dayfirst, "given"
    parts = pc.extract_regex(s, r"^(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<y>\d{2,4})\b")
    a = pc.cast(pc.struct_field(parts, "a"), "int32")
    b = pc.cast(pc.struct_field(parts, "b"), "int32")
    a_big = bool(pc.any(pc.greater(a, 12)).as_py())
    b_big = bool(pc.any(pc.greater(b, 12)).as_py())
    if a_big and not b_big:
        return True, "values"
    if b_big and not a_big:
        return False, "values"
    # undecidable from values: Excel re-saves with '-' or '.' are European (day first);
    # '/' is what the US-built platforms write (month first)
    dash = int(pc.sum(pc.match_substring_regex(s, r"^\d{1,2}[-.]\d{1,2}[-.]\d{2,4}")).as_py() or 0)
    slash = int(pc.sum(pc.match_substring_regex(s, r"^\d{1,2}/\d{1,2}/\d{2,4}")).as_py() or 0)
    return dash > slash, "separator"


def _formats(dayfirst: bool) -> list[str]:
    numeric_dates = ["%Y/%m/%d", "%Y.%m.%d", "%Y%m%d"]
    order = ("%d", "%m") if dayfirst else ("%m", "%d")
    for sep in ("/", "-", "."):
        numeric_dates.append(f"{order[0]}{sep}{order[1]}{sep}%Y")
        numeric_dates.append(f"{order[0]}{sep}{order[1]}{sep}%y")
    out = [d + t for d in numeric_dates for t in _TIMES]
    out += [d + t for d in _NAMED for t in _TIMES]
    out.append("%a %b %d %H:%M:%S %Y")  # 'Mon Feb 10 14:03:00 2025' (old X 'time')
    out.append("%a %b %d %H:%M:%S %z %Y")  # 'Tue Oct 31 22:10:47 +0000 2017' (Twitter API)
    out += ["%Y/%m/%d %H:%M:%S %z", "%d/%m/%Y %H:%M:%S %z", "%Y-%m-%d %H:%M:%S %Z"]
    return out


@dataclass
class _Stamps:
    values: Any  # pandas Series datetime64[us], naive; NaT where unparsed
    aware: Any  # numpy bool: value carried an explicit offset (already UTC)
    notes: list[str]


def _parse_stamps(
    arr: pa.Array,
    *,
    dayfirst: bool | None,
    year: int | None,
    year_range: tuple[dt.date, dt.date] | None,
    epoch: bool,
) -> tuple[_Stamps, np.ndarray]:
    """Parse unique normalised strings; returns per-row stamps and the missing mask."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    missing = missing_mask(arr)
    s = pc.if_else(pa.array(missing), pa.scalar(None, pa.string()), arr)
    encoded = pc.dictionary_encode(s)
    # the text clean-up runs once per distinct value (a daily column has a few hundred)
    uniq = _normalise_date_text(encoded.dictionary).to_pylist()
    valid_idx = _np_mask(pc.is_valid(encoded.indices))
    indices = encoded.indices.fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
    u = pd.Series(uniq, dtype=object)
    result = pd.Series(pd.NaT, index=u.index, dtype="datetime64[us]")
    aware = np.zeros(len(u), dtype=bool)
    notes: list[str] = []
    todo = np.ones(len(u), dtype=bool)

    def take(mask: np.ndarray, parsed: pd.Series) -> None:
        nonlocal todo
        got = mask & parsed.notna().to_numpy()
        result[got] = parsed[got]
        todo &= ~got

    # ISO 8601, with or without an explicit offset
    iso = u.str.match(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}|$)").fillna(False).to_numpy(bool)
    if iso.any():
        offset = u.str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$", regex=True).fillna(False).to_numpy(bool)
        for with_tz in (True, False):
            m = iso & (offset == with_tz) & todo
            if m.any():
                p = pd.to_datetime(u[m], format="ISO8601", errors="coerce", utc=with_tz)
                if with_tz:
                    p = p.dt.tz_convert("UTC").dt.tz_localize(None)
                p = p.astype("datetime64[us]")
                full = pd.Series(pd.NaT, index=u.index, dtype="datetime64[us]")
                full[m] = p
                if with_tz:
                    aware |= m & full.notna().to_numpy()
                take(m, full)
    # Unix epoch seconds / milliseconds (always UTC); Excel serial days
    if epoch and todo.any():
        digits = u.str.fullmatch(r"\d{9,13}(?:\.\d+)?").fillna(False).to_numpy(bool) & todo
        if digits.any():
            nums = pd.to_numeric(u[digits], errors="coerce")
            ms = nums >= 1e11
            secs = nums.where(~ms, nums / 1000.0)
            p = pd.to_datetime(secs, unit="s", errors="coerce").astype("datetime64[us]")
            full = pd.Series(pd.NaT, index=u.index, dtype="datetime64[us]")
            full[digits] = p
            aware |= digits & full.notna().to_numpy()
            take(digits, full)
        serial = u.str.fullmatch(r"[34]\d{4}(?:\.\d+)?").fillna(False).to_numpy(bool) & todo
        if serial.any():
            days = pd.to_numeric(u[serial], errors="coerce")
            p = (pd.Timestamp("1899-12-30") + pd.to_timedelta(days, unit="D")).astype(
                "datetime64[us]"
            )
            full = pd.Series(pd.NaT, index=u.index, dtype="datetime64[us]")
            full[serial] = p
            take(serial, full)
    # fixed formats; the day/month order is one decision for the whole column
    if todo.any():
        uniq_arrow = pa.array(uniq, pa.string())
        df, how = _numeric_order(uniq_arrow.filter(pa.array(todo)), dayfirst)
        for fmt in _formats(df):
            m = todo.copy()
            if not m.any():
                break
            # Arrow's strptime: C speed, and it must consume the whole string
            got = pc.strptime(
                uniq_arrow.filter(pa.array(m)), format=fmt, unit="us", error_is_null=True
            )
            if got.null_count == len(got):
                continue
            with_tz = got.type.tz is not None
            if with_tz:
                got = got.cast(pa.timestamp("us"))  # the instants, in UTC
            full = pd.Series(pd.NaT, index=u.index, dtype="datetime64[us]")
            full[m] = got.to_numpy(zero_copy_only=False).astype("datetime64[us]")
            if full[m].notna().any():
                if with_tz:
                    aware |= m & full.notna().to_numpy()
                take(m, full)
                if fmt.startswith(("%d/", "%d-", "%d.")) and how == "separator":
                    notes.append("Dates like 08-03-2026 were read day first (08 = day).")
                elif fmt.startswith(("%m/", "%m-", "%m.")) and how == "separator":
                    notes.append("Dates like 03/08/2026 were read month first (03 = month).")
    # dates without a year ('August 31', '8 de marzo')
    if todo.any():
        for fmt in tuple(y + t for y in _YEARLESS for t in _TIMES):
            m = todo.copy()
            if not m.any():
                break
            base_year = year if year is not None else (year_range[0].year if year_range else 2000)
            candidates = u[m].astype(str) + f" {base_year}"
            p = pd.to_datetime(candidates, format=fmt + " %Y", errors="coerce")
            if not p.notna().any():
                continue
            p = p.astype("datetime64[us]")
            if year is None and year_range is not None:
                start = pd.Timestamp(year_range[0])
                p = p.where(p >= start, p + pd.DateOffset(years=1))
            elif year is None:
                # the most recent past: this year, or last year for dates still ahead
                today = pd.Timestamp(dt.datetime.now(dt.UTC).date())
                p = p + pd.DateOffset(years=today.year - base_year)
                p = p.where(p <= today + pd.Timedelta(days=1), p - pd.DateOffset(years=1))
                notes.append(
                    "Dates without a year were taken as the most recent past ones "
                    f"(up to {today:%Y-%m-%d}); pass --year if that is wrong."
                )
            full = pd.Series(pd.NaT, index=u.index, dtype="datetime64[us]")
            full[m] = p.astype("datetime64[us]")
            take(m, full)
    if len(u):
        rows_vals = result.to_numpy()[indices]
        rows_aware = aware[indices] & valid_idx
    else:
        rows_vals = np.full(len(indices), np.datetime64("NaT", "us"))
        rows_aware = np.zeros(len(indices), dtype=bool)
    if not valid_idx.all():
        rows_vals = np.where(valid_idx, rows_vals, np.datetime64("NaT", "us"))
    return _Stamps(pd.Series(rows_vals, dtype="datetime64[us]"), rows_aware, notes), missing


def parse_timestamps(
    column: Any,
    *,
    timezone: str = "UTC",
    dayfirst: bool | None = None,
    year: int | None = None,
    year_range: tuple[dt.date, dt.date] | None = None,
    epoch: bool = True,
) -> Parsed:
    """Timestamps as naive UTC (``timestamp[us]``).

    Naive values are local times in ``timezone`` and converted to UTC; values
    with an explicit offset ('Z', '+02:00') and Unix epochs are already
    absolute. Dates without a year take ``year``, else the year that puts
    them inside ``year_range``, else the current year (with a note).
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    arr = to_string_array(column)
    stamps, missing = _parse_stamps(
        arr, dayfirst=dayfirst, year=year, year_range=year_range, epoch=epoch
    )
    vals = stamps.values
    notes = list(stamps.notes)
    if timezone not in ("UTC", "Etc/UTC", "") and len(vals):
        naive = ~stamps.aware & vals.notna().to_numpy()
        if naive.any():
            local, dst_notes = _local_to_utc(vals[naive], timezone)
            vals = vals.copy()
            vals[naive] = local
            notes += dst_notes
    out = pa.array(vals, type=pa.timestamp("us"), from_pandas=True)
    invalid = ~missing & pd.isna(vals).to_numpy()
    return Parsed(out, np.asarray(invalid, dtype=bool), list(dict.fromkeys(notes)))


def _local_to_utc(wall: Any, timezone: str) -> tuple[Any, list[str]]:
    """Naive wall-clock times in ``timezone`` as naive UTC, across both DST edges.

    A time in the repeated autumn hour is read as its first occurrence
    (summer time): an export that needs the second one has to give the offset.
    A time in the spring gap never showed on a clock; it is read with the
    offset in force just before the gap, which moves it forward by the gap
    (02:30 in Berlin on the spring change is taken as 03:30 summer time).
    """
    import numpy as np

    plain = wall.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="NaT")
    out = plain.dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[us]")
    edge = out.isna().to_numpy()
    repeated = gap = 0
    if edge.any():
        at_edge = wall[edge]
        first = np.ones(len(at_edge), dtype=bool)
        gap = int(at_edge.dt.tz_localize(timezone, ambiguous=first, nonexistent="NaT").isna().sum())
        repeated = len(at_edge) - gap
        # 'shift_backward' lands on the last instant before the gap: its offset is the old one
        before = at_edge.dt.tz_localize(timezone, ambiguous=first, nonexistent="shift_backward")
        offset = before.dt.tz_localize(None) - before.dt.tz_convert("UTC").dt.tz_localize(None)
        out = out.copy()
        out[edge] = (at_edge - offset).astype("datetime64[us]")
    notes: list[str] = []
    if repeated:
        notes.append(
            f"{repeated} time(s) fell in the hour repeated when clocks went back ({timezone}); "
            "they were read as the first occurrence (summer time). Export with UTC offsets "
            "if some were the second."
        )
    if gap:
        notes.append(
            f"{gap} time(s) did not exist on the clock in {timezone} (spring "
            "change); they were moved forward by the gap, as a clock not yet changed would show."
        )
    return out, notes


def parse_dates(
    column: Any,
    *,
    dayfirst: bool | None = None,
    year: int | None = None,
    year_range: tuple[dt.date, dt.date] | None = None,
    timezone: str | None = None,
) -> Parsed:
    """Calendar dates (``date32``).

    A date in an export is already the platform's local day, so no timezone is
    applied unless ``timezone`` is given and a value carries an explicit
    offset or a time (then it is converted to that zone before taking the day).
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    arr = to_string_array(column)
    stamps, missing = _parse_stamps(
        arr, dayfirst=dayfirst, year=year, year_range=year_range, epoch=True
    )
    vals = stamps.values
    if timezone and len(vals) and stamps.aware.any():
        aware = stamps.aware
        local = (
            vals[aware]
            .dt.tz_localize("UTC")
            .dt.tz_convert(timezone)
            .dt.tz_localize(None)
            .astype("datetime64[us]")
        )
        vals = vals.copy()
        vals[aware] = local
    days = vals.dt.normalize()
    out = pa.array(days, type=pa.timestamp("us"), from_pandas=True).cast(pa.date32())
    invalid = ~missing & pd.isna(vals).to_numpy()
    return Parsed(out, np.asarray(invalid, dtype=bool), list(dict.fromkeys(stamps.notes)))
