"""The fast path for large, clean CSV files: pyarrow parses, Python only sniffs.

:func:`socialproof.ingest.sources.open_source` sniffs the first kilobytes with the
tolerant reader (delimiter, lines above the header, header) and hands files of
``FAST_PATH_BYTES`` or more here. Anything the sample or pyarrow finds odd (ragged
rows, blank lines, bad UTF-8) returns None, and the tolerant reader takes the
whole file, so line numbers for rejects stay exact either way.
"""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING, Any

from socialproof.errors import BadExport
from socialproof.ingest.base import Frame, Source
from socialproof.ingest.csvtext import (
    DELIMITERS,
    clean_header,
    frame_rejects,
    frames_from_csv_text,
    is_unnamed,
    sniff_text_kind,
)

if TYPE_CHECKING:
    from pathlib import Path


def csv_sample(head: bytes, suffix: str) -> str | None:
    """The whole rows of a file's first bytes as UTF-8 text (BOM dropped, a character cut
    at the end forgiven), or None when they are not UTF-8 or do not look like a CSV."""
    bom = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    try:
        sample = head[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - bom - 4:
            return None
        sample = head[bom : bom + exc.start].decode("utf-8")
    if sniff_text_kind(sample, suffix) != "csv":
        return None
    return whole_rows(sample)


def read_fast_csv(path: Path, name: str, head: bytes) -> Source | None:
    """Parse a large, clean UTF-8 CSV with pyarrow; None when it is not clean enough."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    sample = csv_sample(head, path.suffix.lower())
    if sample is None:
        return None
    bom = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    try:
        frames = frames_from_csv_text(sample, name)
    except BadExport:
        return None
    if len(frames) != 1 or frame_rejects(frames[0]) or frames[0].data.num_rows < 2:
        return None
    first = frames[0]
    lines = sample.splitlines(keepends=True)
    skip_lines = 0 if not first.line_numbers else first.line_numbers[0] - 2  # lines above header
    if skip_lines < 0:
        return None
    header_offset = bom + sum(len(ln.encode("utf-8")) for ln in lines[:skip_lines])
    delimiter = sniffed_delimiter(lines[skip_lines:], first.header)
    if delimiter is None:
        return None
    raw = path.read_bytes()
    body = memoryview(raw)[header_offset:]
    header_line = skip_lines + 1
    names = list(first.header)
    # the header row as written may have more (empty) columns than the sample kept
    header_fields = next(csv.reader([lines[skip_lines]], delimiter=delimiter))
    all_names = clean_header(header_fields)
    invalid: list[str] = []

    def on_invalid(row: Any) -> str:
        invalid.append(row.text)
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(body)),
            read_options=pacsv.ReadOptions(column_names=all_names, skip_rows=1, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, invalid_row_handler=on_invalid
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(all_names, pa.string()), strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    if invalid:
        return None
    # the header again further down (exports joined end to end, its columns maybe in
    # another order): the Python path starts a new section there; a value that merely
    # equals a column's name costs only the slow path
    first_names = pa.array([h.strip() for h in header_fields if h.strip()], pa.string())
    again = pc.is_in(pc.utf8_trim_whitespace(table.column(0)), value_set=first_names)
    if pc.any(again).as_py():
        return None
    if names != all_names:
        dropped = [n for n in all_names if n not in names]
        for col in dropped:
            if pc.any(pc.not_equal(pc.utf8_trim_whitespace(table[col]), "")).as_py():
                return None
        table = table.select(names)
    # Line numbers: each row starts one line after the previous row's end.
    n = table.num_rows
    total_newlines = _count_newlines(raw, header_offset)
    trailing = len(raw) > 0 and raw.endswith(b"\n")
    del raw, body
    physical = total_newlines + (0 if trailing else 1)
    starts = header_line + 1 + np.arange(n, dtype=np.int64)
    if physical != 1 + n:  # some values span lines: count them
        extra = np.zeros(n, dtype=np.int64)
        for col in table.columns:
            counts = pc.count_substring(col, "\n").to_numpy(zero_copy_only=False)
            extra += counts.astype(np.int64)
        if physical != 1 + n + int(extra.sum()):
            return None  # blank lines or other oddities: the Python path numbers them right
        if n:
            starts[1:] += np.cumsum(extra)[:-1]
    # Rows of empty cells (',,,') count as blank lines, as in the tolerant reader.
    empty = None
    for col in table.columns:
        blank = (
            pc.equal(pc.utf8_trim_whitespace(col), "")
            if empty is None or pc.any(empty).as_py()
            else None
        )
        if blank is None:
            break
        empty = blank if empty is None else pc.and_(empty, blank)
    if empty is not None and pc.any(empty).as_py():
        keep = pc.invert(empty)
        table = table.filter(keep)
        starts = starts[keep.to_numpy(zero_copy_only=False)]
    frame = Frame(
        header=names,
        data=table,
        line_numbers=starts.tolist(),
        title_lines=first.title_lines,
    )
    return Source(path=path, display_name=name, frames=[frame], text=None, kind="csv")


def whole_rows(sample: str) -> str:
    """The sample cut after its last complete row (never inside a quoted value)."""
    end = sample.rfind("\n")
    for _ in range(200):
        if end < 0:
            return sample
        if sample.count('"', 0, end) % 2 == 0:
            return sample[: end + 1]
        end = sample.rfind("\n", 0, end)
    return sample[: end + 1] if end >= 0 else sample


def _count_newlines(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", offset)


def sniffed_delimiter(lines: list[str], header: list[str]) -> str | None:
    for delim in DELIMITERS:
        fields = next(csv.reader([lines[0]], delimiter=delim), [])
        cleaned = [f.replace("\ufeff", "").strip() for f in fields]
        if len(fields) >= len(header) and cleaned[: len(header)] == [
            h if not is_unnamed(h) else "" for h in header
        ]:
            if len(header) > 1 or delim == ",":
                return delim
    return None
