"""What the parsers of ``parse.py`` share: the :class:`Parsed` result and the missing cells.

Every parser takes a whole column as a pyarrow string array (:func:`to_string_array`
turns pyarrow arrays, pandas Series and lists into one) and returns a :class:`Parsed`:
the values with nulls for missing cells, and a per-row ``invalid`` mask. A cell is
missing when it is null or one of the markers exports use for "no value" (:data:`MISSING`,
in every capitalisation: :func:`missing_mask`, :func:`missing_forms`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa


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
        # the other error values Excel, LibreOffice and Google Sheets write into a cell whose
        # formula has no value (a CTR over 0 impressions is '#DIV/0!'), as '#N/A' above
        "#div/0!",
        "#value!",
        "#ref!",
        "#name?",
        "#num!",
        "#null!",
        "#error!",
        "-",
        "--",
        "---",
        "—",
        "–",
        "·",
    }
)


@dataclass
class Parsed:
    """A parsed column: ``values`` (nulls where missing or invalid) and an ``invalid`` mask."""

    values: pa.Array
    invalid: np.ndarray  # bool per row: a value was present but could not be parsed
    notes: list[str] = field(default_factory=list)

    @property
    def n_invalid(self) -> int:
        return int(self.invalid.sum())


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


def trimmed(arr: pa.Array) -> pa.Array:
    import pyarrow.compute as pc

    # Unicode whitespace (incl. no-break spaces); a stray BOM is rare enough for a check
    return pc.utf8_trim_whitespace(arr)


def missing_mask(column: Any) -> np.ndarray:
    """True where the cell is null or one of the missing-value markers."""
    return missing_of_trimmed(trimmed(to_string_array(column)))


def missing_of_trimmed(arr: pa.Array) -> np.ndarray:
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


def np_mask(arr: pa.Array) -> np.ndarray:
    out: np.ndarray = arr.fill_null(False).to_numpy(zero_copy_only=False).astype(bool)
    return out
