"""Tables for people (Rich) and for machines (CSV, JSON, JSON Lines, Parquet).

CSV output is safe to open in a spreadsheet: cells that would start a formula
(``=``, ``+``, ``-``, ``@``, tab, carriage return) are prefixed with a quote,
unless they are plain numbers.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import sys
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from socialproof.errors import BadInput, UsageError

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    import pandas as pd
    from rich.console import Console

FORMATS = ("table", "csv", "json", "jsonl", "parquet")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formula injection in one CSV cell."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


def records(data: pd.DataFrame | list[dict[str, Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    """(columns, rows) of a data frame or a list of dicts (columns in first-seen order)."""
    if isinstance(data, list):
        columns: list[str] = []
        for row in data:
            for key in row:
                if key not in columns:
                    columns.append(key)
        return columns, data
    columns = [str(c) for c in data.columns]
    return columns, [{str(k): v for k, v in r.items()} for r in data.to_dict(orient="records")]


def plain(value: Any) -> Any:
    """A JSON-friendly value: every type a report can hold becomes str/int/float/bool/None.

    NaN, infinity, NaT and NA -> None; Decimal -> float; numpy scalars -> Python;
    dates and timestamps -> ISO 8601 text; durations -> seconds; arrays, lists,
    tuples and dicts -> lists and dicts of plain values. Anything else -> its text.
    """
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else None
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    ndim: Any = getattr(value, "ndim", 0)
    if ndim and hasattr(value, "tolist"):  # numpy / pandas arrays
        return [plain(v) for v in value.tolist()]
    if type(value).__name__ in ("NaTType", "NAType"):
        return None
    if type(value).__name__ in ("datetime64", "timedelta64"):
        import numpy as np

        if np.isnat(value):
            return None
        if type(value).__name__ == "timedelta64":
            return float(value / np.timedelta64(1, "us")) / 1e6
        return str(value.astype("datetime64[us]"))
    if hasattr(value, "item") and not isinstance(value, bytes):
        try:
            value = value.item()
        except (ValueError, AttributeError, TypeError):
            pass
        if isinstance(value, (str, bool, int)):
            return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, (int, float)):
        return value
    return str(value)


def json_text(data: Any, *, indent: int | None = 1) -> str:
    """``data`` as JSON text, made plain first (so Decimal, dates and numpy never fail)."""
    return json.dumps(plain(data), ensure_ascii=False, indent=indent, allow_nan=False)


# the old private names, until every caller uses the public ones
_records = records
_plain = plain


def format_number(value: Any) -> str:
    value = _plain(value)
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value != 0 and abs(value) < 0.01:
            return f"{value:.4g}"
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:,.2f}"
    return str(value)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _is_year(name: str) -> bool:
    words = re.split(r"[^a-z]+", name.lower())
    return "year" in words or "years" in words


def _is_id(name: str) -> bool:
    low = name.strip().lower()
    return low == "id" or low.endswith(("_id", " id", "_ids", " ids"))


def column_format(name: str, values: list[Any]) -> Callable[[Any], str]:
    """One number format for a whole column of a table for people.

    Years and ids print as digits (2026, not 2,026); a column whose numbers
    are all whole (counts, even when stored as floats) prints them as integers
    with thousands separators; any other numeric column gets one number of
    decimals for every cell (two, or more when its smallest value needs them).
    Cells that are not numbers keep :func:`format_number`.
    """
    nums = [float(v) for v in (_plain(x) for x in values) if _number(v)]
    if not nums:
        return format_number
    whole = all(v.is_integer() for v in nums)
    if whole and (_is_id(name) or (_is_year(name) and all(0 < v < 10_000 for v in nums))):
        return lambda v: f"{int(p)}" if _number(p := _plain(v)) else format_number(p)
    if whole:
        return lambda v: f"{int(p):,}" if _number(p := _plain(v)) else format_number(p)
    tiny = [abs(v) for v in nums if v != 0 and abs(v) < 0.01]
    decimals = 2 if not tiny else min(8, 1 - math.floor(math.log10(min(tiny))))
    return lambda v: f"{p:,.{decimals}f}" if _number(p := _plain(v)) else format_number(p)


def write_table(
    data: pd.DataFrame | list[dict[str, Any]],
    fmt: str = "table",
    *,
    output: Path | None = None,
    title: str | None = None,
    caption: str | None = None,
    console: Console | None = None,
) -> None:
    if fmt not in FORMATS:
        raise UsageError(
            f"Unknown output format {fmt!r}.", hint=f"Use one of: {', '.join(FORMATS)}."
        )
    columns, rows = _records(data)
    if fmt == "parquet":
        _write_parquet(columns, rows, output)
        return
    if fmt == "table":
        _print_rich(columns, rows, title=title, caption=caption, console=console, output=output)
        return
    buf = io.StringIO()
    if fmt == "csv":
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow([safe_cell(c) for c in columns])
        for row in rows:
            writer.writerow([safe_cell(_csv_value(row.get(c))) for c in columns])
    elif fmt == "json":
        json.dump(
            [{c: _plain(r.get(c)) for c in columns} for r in rows],
            buf,
            ensure_ascii=False,
            indent=1,
        )
        buf.write("\n")
    else:  # jsonl
        for r in rows:
            buf.write(json.dumps({c: _plain(r.get(c)) for c in columns}, ensure_ascii=False) + "\n")
    _deliver(buf.getvalue(), output)


def _csv_value(value: Any) -> Any:
    value = _plain(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else value


def _deliver(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    write_atomic(output, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_atomic(output: Path, write: Callable[[Path], object]) -> Path:
    """Write ``output`` whole or not at all: ``write(tmp)`` then rename; one-line errors.

    Missing parent folders are created; a folder, an unwritable place or a full disk
    becomes a :class:`BadInput` naming the path (the ``.tmp`` file is removed).
    """
    from pathlib import Path

    output = Path(output)
    if output.is_dir():
        raise BadInput(f"{output} is a folder.", hint="Give a file name to write to.")
    tmp = output.with_name(output.name + ".tmp")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        write(tmp)
        tmp.replace(output)
    except OSError as exc:
        if not tmp.is_dir():
            tmp.unlink(missing_ok=True)
        reason = exc.strerror or type(exc).__name__
        raise BadInput(
            f"Cannot write {output}: {reason}.",
            hint="Choose another output path, or check the folder exists and is writable.",
        ) from None
    return output


def _write_parquet(columns: list[str], rows: list[dict[str, Any]], output: Path | None) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    if output is None:
        if sys.stdout.isatty():
            raise UsageError(
                "Parquet is binary and cannot be printed to a terminal.",
                hint="Pass --output FILE.parquet or redirect to a file.",
            )
    table = pa.Table.from_pylist([{c: _plain(r.get(c)) for c in columns} for r in rows])
    if output is None:
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink)
        sys.stdout.buffer.write(sink.getvalue().to_pybytes())
        return
    write_atomic(output, lambda tmp: pq.write_table(table, tmp))


def _print_rich(
    columns: list[str],
    rows: list[dict[str, Any]],
    *,
    title: str | None,
    caption: str | None,
    console: Console | None,
    output: Path | None,
) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=_escape(title) if title is not None else None,
        caption=_escape(caption) if caption is not None else None,
        show_lines=False,
        header_style="bold",
    )
    numeric = {
        c: all(isinstance(_plain(r.get(c)), (int, float)) or _plain(r.get(c)) is None for r in rows)
        for c in columns
    }
    for c in columns:
        table.add_column(
            _escape(c), justify="right" if numeric[c] and rows else "left", overflow="fold"
        )
    shown = {c: column_format(c, [r.get(c) for r in rows]) for c in columns}
    for r in rows:
        table.add_row(*[_escape(shown[c](r.get(c))) for c in columns])
    if not rows:
        table.add_row(*["" for _ in columns]) if columns else None
    if output is not None:

        def _write(tmp: Path) -> None:
            with tmp.open("w", encoding="utf-8") as fh:
                Console(file=fh, width=160).print(table)

        write_atomic(output, _write)
        return
    (console or Console()).print(table)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
