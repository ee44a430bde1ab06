"""Numbers and yes/no cells as exports write them, parsed a whole column at a time.

Platform exports write numbers the way the exporting user's locale does ("1,234.5",
"1.234,5", "1 234,5", "12%", "$1,200", "(123)", "1.2K"): :func:`parse_numbers` decides
the decimal mark once per column from its values (:func:`decimal_convention`) and reads
every cell with it; :func:`parse_integers` adds a check that each value is whole, and
:func:`parse_bools` reads the words exports use for true and false (:func:`bool_words`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from socialproof.ingest.parse_base import (
    Parsed,
    missing_mask,
    missing_of_trimmed,
    np_mask,
    to_string_array,
    trimmed,
)

if TYPE_CHECKING:
    import pyarrow as pa


_SPACES = "\u00a0\u202f\u2009\u2007 \t"
_CURRENCY_SYMBOLS = "$€£¥₹₦₩₺₽₱฿₫₴₪"

_THOUSANDS_COMMA = r"^-?[1-9]\d{0,2}(?:,\d{3})+$"
_THOUSANDS_DOT = r"^-?[1-9]\d{0,2}(?:\.\d{3})+$"


#: shorthand suffixes (lower case, without a final '.') and what they multiply by
_MULTIPLIERS = {
    "k": 1e3,
    "tsd": 1e3,  # German Tausend
    "mil": 1e3,  # Spanish, Portuguese
    "m": 1e6,
    "mio": 1e6,  # German, Italian
    "mill": 1e6,  # Spanish 'mill.'
    "mln": 1e6,  # Italian, Polish, Dutch
    "mn": 1e6,
    "mi": 1e6,  # Portuguese
    "b": 1e9,
    "bn": 1e9,
    "mrd": 1e9,  # German Milliarde
    "md": 1e9,  # French milliard
}
_SUFFIXES = "|".join(
    re.escape(k) + (r"\.?" if len(k) > 1 else "") for k in sorted(_MULTIPLIERS, key=len)[::-1]
)


def _number_core(arr: pa.Array) -> tuple[pa.Array, pa.Array, pa.Array, pa.Array]:
    """Strip currency, spaces, percent and parentheses: (core, negative, percent, multiplier)."""
    import numpy as np
    import pyarrow.compute as pc

    from socialproof.ingest.arrowbuild import doubles

    s = trimmed(arr)
    s = pc.replace_substring(s, "\u2212", "-")  # unicode minus
    paren = pc.match_substring_regex(s, r"^\(.*\)$")
    pct = pc.match_substring_regex(s, r"%\s*\)?$")
    # currency codes before or after the number: 'USD 1,200', '1.200,50 EUR', 'US$ 5', 'R$ 5'
    s = pc.replace_substring_regex(s, r"^\(?\s*(?:[A-Z]{3}|[A-Z]{1,2}\$)\s*", "")
    s = pc.replace_substring_regex(s, r"\s*[A-Z]{3}\s*\)?$", "")
    s = pc.replace_substring_regex(s, "[" + re.escape(_SPACES + _CURRENCY_SYMBOLS) + r"'’%()+]", "")
    # 'K' / 'M' / 'B' suffixes as TikTok and X print them ('1.2K'), and their words in
    # other languages ('1,2 Mio.', '3 Tsd.', '1,5 mil', '2 mln', '1 Mrd.')
    suffix = pc.extract_regex(s, r"^(?P<num>.*\d)(?P<suffix>(?i:" + _SUFFIXES + r"))$")
    has_suffix = pc.is_valid(suffix)
    multiplier = doubles(np.ones(len(s)))  # no pa.array: pandas stays unloaded
    if pc.any(has_suffix).as_py():
        suff = pc.utf8_rtrim(pc.utf8_lower(pc.struct_field(suffix, "suffix")), ".")
        for key, factor in _MULTIPLIERS.items():
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
        valid_idx = np_mask(pc.is_valid(encoded.indices))
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
        s = trimmed(arr)
        missing = missing_of_trimmed(s)
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
    ok = np_mask(valid)
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
    bad = ~np_mask(ok)
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

    arr = pc.utf8_lower(trimmed(to_string_array(column)))
    missing = missing_mask(arr)
    is_true = np_mask(pc.is_in(arr, value_set=pa.array(sorted(_TRUE))))
    is_false = np_mask(pc.is_in(arr, value_set=pa.array(sorted(_FALSE))))
    values = pa.array(np.where(is_true, True, False), pa.bool_())
    known = is_true | is_false
    values = pc.if_else(pa.array(known), values, pa.scalar(None, pa.bool_()))
    return Parsed(values, np.asarray(~missing & ~known, dtype=bool))
