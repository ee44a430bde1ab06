"""Text exports as frames of string cells: decoding, CSV sections, JSON records.

The shared cell and header helpers of every reader live here, below the readers
that use them: :mod:`socialproof.ingest.sources` (which opens any file and picks
a reader), :mod:`~socialproof.ingest.fastcsv` (pyarrow, for large clean CSVs) and
:mod:`~socialproof.ingest.sheets` (spreadsheets). This module imports none of them.

Decoding takes UTF-8 with or without a byte-order mark, UTF-16 with a BOM and
Windows-1252 as the fallback; the CSV path sniffs the delimiter, separates ``sep=``
and title/description lines from the header and splits multi-section files into one
:class:`Frame` per table, reporting ragged rows as :class:`Reject` with their line
numbers. Every cell stays a string; the formats convert.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from socialproof.errors import BadExport, NotText
from socialproof.ingest.base import Frame, Reject, Source

if TYPE_CHECKING:
    from pathlib import Path

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

SNIFF_BYTES = 64 * 1024  # the head of a text that decides its delimiter
MAX_TITLE_LINES = 5
MAX_LABEL_LINES = 20  # 'Report Start: ...' lines of a header block
DELIMITERS = (",", ";", "\t", "|")
XLSX_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")


@dataclass
class Decoded:
    text: str
    encoding: str
    notes: list[str] = field(default_factory=list)


# -- decoding ---------------------------------------------------------------------


def decode_bytes(raw: bytes, name: str) -> Decoded:
    """Decode an export's bytes; never drops a byte without a note."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return _decode_utf8(raw[3:], name, "utf-8-sig")
    if raw.startswith(b"\xff\xfe") or raw.startswith(b"\xfe\xff"):
        enc = "utf-16-le" if raw.startswith(b"\xff\xfe") else "utf-16-be"
        body = raw[2:]
        notes: list[str] = []
        if len(body) % 2:
            body = body[:-1]
            notes.append(f"{name}: the file ends in half a character (cut off?); it was ignored.")
        text = body.decode(enc, errors="replace")
        if "\ufffd" in text:
            notes.append(f"{name}: some bytes were not valid {enc.upper()} and show as '\ufffd'.")
        return Decoded(text, enc, notes)
    utf16 = guess_bomless_utf16(raw[:4096])
    if utf16:
        return Decoded(raw.decode(utf16, errors="replace"), utf16)
    if looks_binary(raw[:SNIFF_BYTES]):
        raise NotText(
            f"{name} is not a text file (binary content).",
            hint="Export the data as CSV, XLSX or JSON and import that file.",
        )
    return _decode_utf8(raw, name, "utf-8")


def _decode_utf8(raw: bytes, name: str, label: str) -> Decoded:
    try:
        return Decoded(raw.decode("utf-8"), label)
    except UnicodeDecodeError:
        pass
    # Mostly valid UTF-8 with a few broken bytes (a cut-off character, a bad paste)
    # stays UTF-8; text that is not UTF-8 at all is Windows-1252 (Excel's default).
    text = raw.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 127) - bad
    if good > 0 and bad <= good:
        note = f"{name}: {bad} invalid UTF-8 byte sequence(s) show as '\ufffd'."
        return Decoded(text, label, [note])
    text = raw.decode("cp1252", errors="replace")
    notes = [f"{name}: not UTF-8; read as Windows-1252."]
    if "\ufffd" in text:
        notes.append(f"{name}: some bytes are not valid Windows-1252 either and show as '\ufffd'.")
    return Decoded(text, "cp1252", notes)


def guess_bomless_utf16(sample: bytes) -> str | None:
    if len(sample) < 4:
        return None
    even = sample[0::2]
    odd = sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


# every byte but the control characters a text file does not hold (tab, LF, FF, CR, ESC kept)
_NOT_CONTROL = bytes(b for b in range(256) if b >= 32 or b in (9, 10, 12, 13, 27))


def looks_binary(sample: bytes) -> bool:
    if b"\x00" in sample:
        return True
    control = len(sample.translate(None, _NOT_CONTROL))  # one pass in C, not a byte loop
    return control > max(2, len(sample) // 100)


# -- text -------------------------------------------------------------------------


def source_from_text(text: str, *, path: Path, name: str, notes: list[str] | None = None) -> Source:
    """Build a Source from decoded text: JSON, JSON Lines, front matter, or CSV."""
    text = text.lstrip("\ufeff")
    kind = sniff_text_kind(text, path.suffix.lower())
    frames: list[Frame]
    if kind == "json":
        frames = _frames_from_json(text, name)
    elif kind == "jsonl":
        frames = _frames_from_jsonl(text, name)
    elif kind in ("markdown", "html"):
        frames = []
    else:
        frames = frames_from_csv_text(text, name)
    source = Source(path=path, display_name=name, frames=frames, text=text, kind=kind)
    source.notes.extend(notes or [])
    if kind == "csv":
        source.text = text if len(text) < 5_000_000 else None
    return source


def frame_rejects(frame: Frame) -> list[Reject]:
    """Rows the reader could not place in the frame (ragged rows), with line numbers."""
    return frame.rejects


def sniff_text_kind(text: str, suffix: str = "") -> str:
    stripped = text.lstrip()
    if suffix in (".md", ".markdown"):
        return "markdown"
    if suffix in (".html", ".htm"):
        return "html"
    if stripped.startswith("---\n") or stripped.startswith("---\r\n"):
        return "markdown"
    lowered = stripped[:200].lower()
    if lowered.startswith("<!doctype html") or lowered.startswith("<html"):
        return "html"
    if stripped.startswith("[") and _json_array_start(stripped, suffix):
        return "json"
    if stripped.startswith("{"):
        first_line = stripped.split("\n", 1)[0].strip()
        try:
            json.loads(first_line)
        except ValueError:
            return "json"
        rest = stripped[len(first_line) :].strip()
        if not rest:
            return "jsonl" if suffix in (".jsonl", ".ndjson") else "json"
        return "jsonl" if rest.startswith("{") or suffix in (".jsonl", ".ndjson") else "json"
    return "csv"


def _json_array_start(text: str, suffix: str) -> bool:
    """Whether text that starts with '[' is a JSON array rather than a CSV.

    One character is not enough: a CSV title or header cell can start with a bracket
    ("[Sample] Page insights"). It is JSON when it is named so, when it parses, or
    when the bracket opens a record or nested array (or stands alone on its line);
    ``text`` may be only the head of a large file.
    """
    if suffix == ".json":
        return True
    first_line = text.split("\n", 1)[0].strip()
    after = first_line[1:].lstrip()
    if not after or after[0] in "{[":
        return True
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


# -- CSV: the tolerant Python path ---------------------------------------------------


def frames_from_csv_text(text: str, name: str) -> list[Frame]:
    """Parse CSV text into frames (sections), keeping source line numbers."""
    lines_for_sniff = text[:SNIFF_BYTES].splitlines()
    delimiter: str | None = None
    skip = 0
    if lines_for_sniff and re.fullmatch(r'"?sep=(.)"?,*', lines_for_sniff[0].strip()):
        match = re.fullmatch(r'"?sep=(.)"?,*', lines_for_sniff[0].strip())
        assert match is not None
        delimiter = match.group(1)
        skip = 1
    body_lines = lines_for_sniff[skip:]
    wrapped = _rows_wrapped_in_quotes(body_lines)
    if wrapped:
        body_lines = [_unwrap(line) for line in body_lines]
    if delimiter is None:
        delimiter = sniff_delimiter(body_lines)
    rows = list(_parse_rows(text, delimiter, skip=skip, unwrap=wrapped))
    if not any(count_nonempty(fields) for _, fields in rows):
        raise BadExport(f"{name} is empty (only blank lines).", hint="Export the data again.")
    truncated = None
    if rows and _unterminated_quote(text, rows[-1][0]):
        truncated = rows[-1][0]
    return frames_from_rows(rows, name, truncated_line=truncated)


def _unterminated_quote(text: str, start_line: int) -> bool:
    """True when the last row opens a quote it never closes (a file cut short)."""
    pos = 0
    for _ in range(start_line - 1):
        nxt = text.find("\n", pos)
        if nxt < 0:
            return False
        pos = nxt + 1
    return text.count('"', pos) % 2 == 1


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the sample lines most consistently into several fields."""
    sample = [ln for ln in lines[:60] if ln.strip()]
    if not sample:
        return ","
    best, best_score = ",", -1.0
    text = "\n".join(sample)
    for delim in DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(io.StringIO(text), delimiter=delim) if r]
        except csv.Error:
            continue
        if not counts:
            continue
        mode, freq = Counter(counts).most_common(1)[0]
        if mode < 2:
            continue
        score = freq / len(counts) + min(mode, 50) / 1000
        if score > best_score + 1e-9:
            best, best_score = delim, score
    return best


def _rows_wrapped_in_quotes(lines: list[str]) -> bool:
    """Excel sometimes writes every row as one quoted field (a,b,c inside one pair of quotes)."""
    sample = [ln.strip() for ln in lines[:60] if ln.strip()]
    if len(sample) < 2:
        return False
    wrapped = 0
    for ln in sample:
        if len(ln) > 2 and ln[0] == '"' and ln[-1] == '"':
            inner = ln[1:-1]
            # one field from the first quote to the last: no lone quote inside ('"a";"b"' is
            # two quoted fields, which the csv module with ',' would read as one)
            single = '"' not in inner.replace('""', "")
            if single and any(d in inner for d in DELIMITERS):
                wrapped += 1
    return wrapped >= max(2, int(0.8 * len(sample)))


def _unwrap(line: str) -> str:
    s = line.strip()
    if len(s) >= 2 and s[0] == '"' and s[-1] == '"':
        fields = next(csv.reader([s]), [s])
        if len(fields) == 1:
            return fields[0]
    return line


def _parse_rows(text: str, delimiter: str, *, skip: int, unwrap: bool) -> Any:
    """Yield (first line number, fields) for each physical row; [] for a blank line."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    last = 0
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # only a NUL byte gets here with strict=False; keep going with the next line
            start = last + 1
            last = reader.line_num
            yield start, ["\x00csv-error", str(exc)]
            continue
        start = last + 1
        last = reader.line_num
        if start <= skip:
            continue
        if unwrap and len(fields) == 1:
            inner = next(csv.reader([fields[0]], delimiter=delimiter), [])
            if len(inner) > 1:
                fields = inner
        yield start, fields


def count_nonempty(fields: list[str]) -> int:
    return sum(1 for f in fields if f.strip())


def frames_from_rows(
    rows: list[tuple[int, list[str]]],
    name: str,
    *,
    sheet: str | None = None,
    section_start: int = 0,
    truncated_line: int | None = None,
) -> list[Frame]:
    """Split rows into sections (title lines, header, data) and build a Frame per section."""
    frames: list[Frame] = []
    i = 0
    n = len(rows)
    section = section_start
    while i < n:
        # skip blank rows
        while i < n and count_nonempty(rows[i][1]) == 0:
            i += 1
        if i >= n:
            break
        titles: list[str] = []
        # title/description lines: one non-empty cell, followed by a wider row (after
        # other such lines: a report name, then its dates, as Google Ads writes them)
        plain = 0  # title lines, besides a header block's 'Name: value' lines
        while i < n and len(titles) < MAX_TITLE_LINES + MAX_LABEL_LINES:
            fields = rows[i][1]
            if count_nonempty(fields) == 0:
                i += 1
                continue
            nxt = _next_wide(rows, i + 1, MAX_TITLE_LINES - plain - 1)
            if (
                plain < MAX_TITLE_LINES
                and count_nonempty(fields) == 1
                and nxt is not None
                and count_nonempty(rows[nxt][1]) >= 2
                and len(rows[nxt][1]) >= 2
            ):
                titles.append(next(f for f in fields if f.strip()).strip())
                plain += 1
                i += 1
            elif _label_line(rows, i, MAX_LABEL_LINES) or (
                count_nonempty(fields) == 1
                and (below := _next_nonblank(rows, i + 1)) is not None
                and _label_line(rows, below, MAX_LABEL_LINES)
            ):  # a 'Name: value' line, or a report's name over a block of them
                titles.append(", ".join(f.strip() for f in fields if f.strip()))
                i += 1
            else:
                break
        if i >= n:
            break
        _, header_raw = rows[i]
        i += 1
        width = len(header_raw)
        header = clean_header(header_raw)
        body: list[tuple[int, list[str]]] = []
        rejects: list[Reject] = []
        while i < n:
            line, fields = rows[i]
            if fields and fields[0] == "\x00csv-error":
                rejects.append(Reject(line, f"unreadable row: {fields[1]}", ""))
                i += 1
                continue
            if count_nonempty(fields) == 0:
                # a blank line: the section ends if a title or a different table follows
                nxt = _next_nonblank(rows, i + 1)
                if nxt is None:
                    i = n
                    break
                nfields = rows[nxt][1]
                after = _next_nonblank(rows, nxt + 1)
                title_like = (
                    count_nonempty(nfields) == 1
                    and (width > 2 or len(nfields) < width)
                    and after is not None
                    and len(rows[after][1]) >= 2
                )
                if title_like or _differs(nfields, width, header_raw, header):
                    i = nxt
                    break
                i += 1
                continue
            if (
                count_nonempty(fields) == 1
                and width > 2
                and len(fields) < width
                and (nxt := _next_nonblank(rows, i + 1)) is not None
                and count_nonempty(rows[nxt][1]) >= 2
                and len(rows[nxt][1]) != width
            ):
                break  # a title line that starts the next section
            if _repeats_header(fields, width, header_raw) or _another_header(fields, header_raw):
                break  # exports joined end to end: the next one starts here, as after a blank
            cells = _fit(fields, width, header)
            if line == truncated_line:
                reason = "the file ends inside this row (an unclosed quote): truncated?"
                rejects.append(Reject(line, reason, _raw(fields)))
            elif cells is None:
                named = sum(1 for h in header if not is_unnamed(h)) or width
                reason = f"row has {len(fields)} fields, the header has {named}" + (
                    " (truncated line?)" if len(fields) < width and i == n - 1 else ""
                )
                rejects.append(Reject(line, reason, _raw(fields)))
            else:
                body.append((line, cells))
            i += 1
        frame = _make_frame(header, body, titles, sheet=sheet, section=section)
        frame_rejects(frame).extend(rejects)
        frames.append(frame)
        section += 1
    if not frames:
        raise BadExport(
            f"{name} has no table (no header row found).", hint="Export the data again."
        )
    return frames


def _differs(fields: list[str], width: int, header_raw: list[str], header: list[str]) -> bool:
    """A row after a blank line that cannot continue the current table (or repeats its header)."""
    if _fit(fields, width, header) is None:
        return True
    return _repeats_header(fields, width, header_raw) or _another_header(fields, header_raw)


def _repeats_header(fields: list[str], width: int, header_raw: list[str]) -> bool:
    """The row is the table's header again (cells beyond the header's width empty)."""
    if any(f.strip() for f in fields[width:]):
        return False
    return [f.strip() for f in fields[:width]] == [h.strip() for h in header_raw[:width]]


def _another_header(fields: list[str], header_raw: list[str]) -> bool:
    """The row is a header of the same kind of export with its columns in another order,
    or some columns more or fewer (an export of another month joined under this one).

    Three names at least; two in three of its cells are names of this header, and it
    has half of this header's names. Read as a row, its figures would land in the
    wrong columns.
    """
    cells = [f.replace("\ufeff", "").strip().casefold() for f in fields if f.strip()]
    names = {h.replace("\ufeff", "").strip().casefold() for h in header_raw if h.strip()}
    if len(cells) < 3 or len(names) < 3:
        return False
    known = sum(c in names for c in cells)
    return 3 * known >= 2 * len(cells) and 2 * len(names & set(cells)) >= len(names)


def _next_wide(rows: list[tuple[int, list[str]]], j: int, lines: int) -> int | None:
    """The next non-blank row, past at most ``lines`` rows of one non-empty cell."""
    nxt = _next_nonblank(rows, j)
    while nxt is not None and lines > 0 and count_nonempty(rows[nxt][1]) == 1:
        nxt = _next_nonblank(rows, nxt + 1)
        lines -= 1
    return nxt


#: a header block's 'Name: value' line ('Report Start: 3/1/2026, 12:00 AM', LinkedIn
#: Campaign Manager's, its value split at its comma when the line is not quoted)
_LABEL = re.compile(r"[^\W\d][^:,]{0,40}:(\s.*)?")


def _label_line(rows: list[tuple[int, list[str]]], i: int, lines: int) -> bool:
    """Is row ``i`` a 'Name: value' line of a header block, with a wider row (the table's
    header) below it within ``lines`` rows of such lines?"""
    fields = [f.strip() for f in rows[i][1] if f.strip()]
    if not fields or not _LABEL.fullmatch(fields[0]):
        return False
    # a value with commas is split over several cells ('Date range: Mar 1, 2026 - Mar 31,
    # 2026', TikTok Studio's): the table's header is the first wider row not a label line
    j = _next_nonblank(rows, i + 1)
    while j is not None and lines > 1:
        ahead = [f.strip() for f in rows[j][1] if f.strip()]
        label = _LABEL.fullmatch(ahead[0]) is not None
        if len(ahead) > 2 and not label:
            return True
        if not (len(ahead) == 1 or label):
            return False
        j = _next_nonblank(rows, j + 1)
        lines -= 1
    return False


def _next_nonblank(rows: list[tuple[int, list[str]]], j: int) -> int | None:
    while j < len(rows):
        if count_nonempty(rows[j][1]):
            return j
        j += 1
    return None


def _fit(fields: list[str], width: int, header: list[str]) -> list[str] | None:
    if len(fields) == width:
        return fields
    if len(fields) > width:
        if all(not f.strip() for f in fields[width:]):
            return fields[:width]
        return None
    # fewer fields: fine only when the missing columns have no name (trailing comma header)
    if all(
        not header[k].startswith(" ") and is_unnamed(header[k]) for k in range(len(fields), width)
    ):
        return fields + [""] * (width - len(fields))
    return None


_UNNAMED = "Unnamed column "


def is_unnamed(h: str) -> bool:
    return h.startswith(_UNNAMED)


def clean_header(raw: list[str]) -> list[str]:
    names: list[str] = []
    seen: Counter[str] = Counter()
    for k, h in enumerate(raw):
        h = h.replace("\ufeff", "").strip()
        if not h:
            h = f"{_UNNAMED}{k + 1}"
        seen[h] += 1
        if seen[h] > 1:
            h = f"{h} ({seen[h]})"
        names.append(h)
    return names


def _raw(fields: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(fields)
    return out.getvalue()[:2000]


def _make_frame(
    header: list[str],
    body: list[tuple[int, list[str]]],
    titles: list[str],
    *,
    sheet: str | None,
    section: int,
) -> Frame:
    import pyarrow as pa

    from socialproof.ingest.arrowbuild import strings

    # Drop unnamed trailing columns that hold nothing (a header ending in a comma).
    keep = list(range(len(header)))
    while keep and is_unnamed(header[keep[-1]]) and all(not r[keep[-1]].strip() for _, r in body):
        keep.pop()
    columns = {header[k]: strings([r[k] for _, r in body]) for k in keep}
    data = pa.table(columns) if columns else pa.table({})
    if not columns:
        data = pa.table({h: pa.array([], pa.string()) for h in header[:1]})
    return Frame(
        header=[header[k] for k in keep] or header[:1],
        data=data,
        line_numbers=[ln for ln, _ in body],
        title_lines=titles,
        sheet=sheet,
        section=section,
    )


# -- JSON -------------------------------------------------------------------------


def _frames_from_json(text: str, name: str) -> list[Frame]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise BadExport(
            f"{name} is not valid JSON: {exc}.", hint="Check the file is complete."
        ) from None
    records = _records_in(data)
    if records is None:
        return []
    return [_frame_from_records(records, list(range(1, len(records) + 1)))]


def _records_in(data: Any) -> list[dict[str, Any]] | None:
    """The list of objects inside a JSON document (top level or the first list value)."""
    if isinstance(data, list) and all(isinstance(r, dict) for r in data):
        return data
    if isinstance(data, dict):
        for value in data.values():
            if isinstance(value, list) and value and all(isinstance(r, dict) for r in value):
                return value
        return [data]
    return None


def _frames_from_jsonl(text: str, name: str) -> list[Frame]:
    records: list[dict[str, Any]] = []
    lines: list[int] = []
    rejects: list[Reject] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as exc:
            rejects.append(Reject(number, f"not valid JSON: {exc}", line[:2000]))
            continue
        if not isinstance(obj, dict):
            rejects.append(Reject(number, "not a JSON object", line[:2000]))
            continue
        records.append(obj)
        lines.append(number)
    frame = _frame_from_records(records, lines)
    frame_rejects(frame).extend(rejects)
    return [frame]


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _frame_from_records(records: list[dict[str, Any]], lines: list[int]) -> Frame:
    import pyarrow as pa

    header: list[str] = []
    seen: set[str] = set()
    for rec in records:
        for key in rec:
            if key not in seen:
                seen.add(key)
                header.append(str(key))
    columns = {
        h: pa.array([cell_text(r.get(h)) for r in records], type=pa.string()) for h in header
    }
    data = pa.table(columns) if columns else pa.table({})
    return Frame(header=header, data=data, line_numbers=lines)
