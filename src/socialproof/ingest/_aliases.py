"""Shared machinery of the platform formats: column aliases, detection scores, row building.

Every format describes its columns as alias tuples (the names the platforms
have used, in any language, compared after :func:`base.normalize_header`).
:class:`Rows` turns one :class:`Frame` into canonical rows: it parses each
column with :mod:`socialproof.ingest.parse`, remembers why a row could not be
read, and hands back the table plus :class:`Reject` records, so nothing is
dropped silently.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from socialproof.ingest.base import Frame, ReadResult, Reject, Source, normalize_header
from socialproof.ingest.parse import (
    day_first_evidence,
    decimal_votes,
    missing_mask,
    parse_bools,
    parse_dates,
    parse_integers,
    parse_numbers,
    parse_timestamps,
    to_string_array,
)
from socialproof.workspace.schema import CANONICAL

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

    from socialproof.ingest.base import ReadContext

Aliases = tuple[str, ...]


_ARROW_TYPES = {
    "VARCHAR": "string",
    "TIMESTAMP": "timestamp[us]",
    "DATE": "date32",
    "DOUBLE": "double",
    "BIGINT": "int64",
    "BOOLEAN": "bool",
}


def header_index(frame: Frame) -> dict[str, str]:
    """Normalised header -> header as written (first occurrence wins); cached on the frame."""
    cached = getattr(frame, "_sp_header_index", None)
    if cached is not None and cached[0] == len(frame.header):
        index: dict[str, str] = cached[1]
        return index
    index = {}
    for raw in frame.header:
        index.setdefault(normalize_header(raw), raw)
    # every format asks for dozens of aliases; a 10,000-column file must not redo this each time
    object.__setattr__(frame, "_sp_header_index", (len(frame.header), index))
    return index


def find(frame: Frame, aliases: Aliases) -> str | None:
    """The frame's header matching the first alias found, or None."""
    index = header_index(frame)
    for alias in aliases:
        hit = index.get(normalize_header(alias))
        if hit is not None:
            return hit
    return None


def has(frame: Frame, aliases: Aliases) -> bool:
    return find(frame, aliases) is not None


def currency_suffix(frame: Frame, aliases: Aliases) -> str | None:
    """The ISO currency written in a header's suffix: 'Amount spent (EUR)' -> 'EUR'."""
    name = find(frame, aliases)
    if name is None:
        return None
    m = re.search(r"\(([A-Z]{3})\)\s*$", name.strip())
    return m.group(1) if m else None


def score(frame: Frame, required: tuple[Aliases, ...], optional: tuple[Aliases, ...] = ()) -> float:
    """0 when a required column is missing; else 0.6-1.0 by the share of optional ones found."""
    if not required or not all(has(frame, group) for group in required):
        return 0.0
    if not optional:
        return 0.8
    found = sum(1 for group in optional if has(frame, group))
    return 0.6 + 0.4 * found / len(optional)


def best_score(
    source: Source, required: tuple[Aliases, ...], optional: tuple[Aliases, ...] = ()
) -> float:
    return max((score(f, required, optional) for f in source.frames), default=0.0)


def column(frame: Frame, name: str) -> pa.Array:
    return to_string_array(frame.data.column(name))


def first_nonempty(values: list[str | None]) -> str | None:
    for v in values:
        if v is not None and v.strip():
            return v.strip()
    return None


#: First cells of a sum row: 'Total', 'Totals', 'Grand total', 'Summary', 'Total:', and
#: what follows in ads exports: 'Total: Account' (Google Ads), 'Total of 12 results' (TikTok)
_TOTAL_LABEL = (
    r"^(?:grand )?(?:totals?|summary|sum|total general|totales|gesamt)"
    r"(?:\s*:.*|\s+of\s+\d+\b.*)?$"
)


class Rows:
    """Canonical rows for ``table`` built from one frame, with per-row failure reasons."""

    def __init__(self, frame: Frame, table: str, ctx: ReadContext) -> None:
        import numpy as np

        self.frame = frame
        self.spec = CANONICAL[table]
        self.ctx = ctx
        self.n = frame.data.num_rows
        self.values: dict[str, pa.Array] = {}
        self.bad = np.zeros(self.n, dtype=bool)
        self.skip = np.zeros(self.n, dtype=bool)  # rows left out on purpose (summary rows)
        self.reasons: dict[int, str] = {}
        self.notes: list[str] = []
        self.used: set[str] = set()
        self._decimal: str | None = None
        self._decimal_known = False
        self._dayfirst: bool | None = None
        self._dayfirst_known = False

    @property
    def decimal(self) -> str | None:
        """The file's decimal separator from the cells that prove one (first 2,000 rows)."""
        if not self._decimal_known:
            import pyarrow as pa

            # the votes are counts over cells: every column at once counts the same
            sample = self.frame.data.slice(0, 2000)
            cells = [
                to_string_array(sample.column(name)).cast(pa.string())
                for name in sample.column_names
            ]
            comma, dot = decimal_votes(pa.concat_arrays(cells)) if cells else (0, 0)
            self._decimal = None if comma == dot else ("," if comma > dot else ".")
            self._decimal_known = True
        return self._decimal

    @property
    def dayfirst(self) -> bool | None:
        """Day/month order proven by any column of the file (first 2,000 rows), else None."""
        if not self._dayfirst_known:
            votes = set()
            sample = self.frame.data.slice(0, 2000)
            for name in sample.column_names:
                found = day_first_evidence(sample.column(name))
                if found is not None:
                    votes.add(found)
            self._dayfirst = votes.pop() if len(votes) == 1 else None
            if self._dayfirst is None and not votes and self.decimal == ",":
                # no day above 12 anywhere, but decimal commas: the locales that write them
                # write the day first (a re-saved European export's '05/01/2026' is 5 January)
                self._dayfirst = self._numeric_dates_in(sample) or None
                example = self._ambiguous_date_in(sample) if self._dayfirst else None
                if example is not None:  # quoted from the file; none when none was ambiguous
                    text, lead = example
                    self.notes.append(
                        f"Dates like {text} were read day first ({lead} = day), as the file "
                        "writes decimal commas."
                    )
            self._dayfirst_known = True
        return self._dayfirst

    @staticmethod
    def _ambiguous_date_in(sample: pa.Table) -> tuple[str, str] | None:
        """The first cell like '05/01/2026' that reads two ways, and its leading number."""
        from socialproof.ingest.parse_dates import ambiguous_date

        for name in sample.column_names:
            found = ambiguous_date(to_string_array(sample.column(name)).to_pylist())
            if found is not None:
                return found
        return None

    @staticmethod
    def _numeric_dates_in(sample: pa.Table) -> bool:
        """Does any cell look like '05/01/2026' (day and month both in digits)?"""
        import pyarrow.compute as pc

        for name in sample.column_names:
            cells = to_string_array(sample.column(name))
            if pc.any(
                pc.match_substring_regex(cells, r"^\s*\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b")
            ).as_py():
                return True
        return False

    # -- raw access -----------------------------------------------------------
    def raw(self, aliases: Aliases) -> pa.Array | None:
        name = find(self.frame, aliases)
        if name is None:
            return None
        self.used.add(name)
        return column(self.frame, name)

    def header(self, aliases: Aliases) -> str | None:
        return find(self.frame, aliases)

    # -- failures -------------------------------------------------------------
    def fail(self, mask: np.ndarray, reason: str | list[str]) -> None:
        """Mark rows as unreadable; the first reason per row is kept."""
        import numpy as np

        idx = np.flatnonzero(mask & ~self.skip)
        if isinstance(reason, str):
            for key in idx.tolist():
                self.reasons.setdefault(key, reason)
        else:
            for key in idx[:100_000].tolist():
                self.reasons.setdefault(key, reason[key])
        self.bad |= mask & ~self.skip

    def _fail_cells(self, invalid: np.ndarray, header: str, raw: pa.Array, what: str) -> None:
        import numpy as np

        if not invalid.any():
            return
        from socialproof.ingest.parse_dates import unread_zone, weekday_clash

        cells = raw.to_pylist()
        reasons = [""] * self.n
        dates = what.startswith("a date")
        for i in np.flatnonzero(invalid):
            cell = cells[int(i)]
            zone = unread_zone(str(cell)) if dates and cell is not None else None
            clash = weekday_clash(str(cell)) if dates and cell is not None else None
            if clash:
                reasons[int(i)] = f"column '{header}': {cell!r} {clash}"
            elif zone:
                reasons[int(i)] = (
                    f"column '{header}': {cell!r} ends with the time zone {zone!r}, which is "
                    "not read (several zones share the name, or it is unknown); export the "
                    "times with UTC offsets ('+05:30') or in UTC"
                )
            else:
                reasons[int(i)] = f"column '{header}': {cell!r} is not {what}"
        self.fail(invalid, reasons)

    # -- typed setters -------------------------------------------------------
    def number(
        self,
        target: str,
        aliases: Aliases,
        *,
        percent: bool = False,
        scale: float = 1.0,
        count: bool = False,
    ) -> pa.Array | None:
        """Parse a numeric column into ``target``.

        ``count=True`` says the values are counts even though the target is a float
        (daily series): a column whose values all read as whole numbers when '1.204'
        is taken as grouping ('1,204') is read that way, as :func:`parse_integers` does.
        """
        import pyarrow.compute as pc

        name = self.header(aliases)
        raw = self.raw(aliases)
        if raw is None or name is None:
            return None
        integer = self.spec.columns.get(target) == "BIGINT"
        dec = self.decimal
        if integer and scale == 1.0:
            parsed = parse_integers(raw, percent=percent, default_decimal=dec)
        elif count and (as_count := parse_integers(raw, default_decimal=dec)).n_invalid == 0:
            parsed = as_count
        else:
            parsed = parse_numbers(raw, percent=percent, default_decimal=dec or ".")
        self._fail_cells(parsed.invalid, name, raw, "a number")
        values = parsed.values
        if scale != 1.0:
            values = pc.multiply(values, scale)
            if integer:
                values = pc.round(values).cast("int64")
        self.values[target] = values
        return values

    def timestamp(self, target: str, aliases: Aliases, **kw: Any) -> pa.Array | None:
        name = self.header(aliases)
        raw = self.raw(aliases)
        if raw is None or name is None:
            return None
        kw.setdefault("dayfirst", self.dayfirst)
        parsed = parse_timestamps(raw, timezone=self.ctx.timezone, **kw)
        self._fail_cells(parsed.invalid, name, raw, "a date and time")
        self.notes.extend(parsed.notes)
        self.values[target] = parsed.values
        if target == "published_at" and "time_known" in self.spec.columns:
            self._time_known(raw, parsed.values)
        return parsed.values

    def _time_known(self, raw: pa.Array, values: pa.Array) -> None:
        """posts.time_known: the cell had a time of day, not a date alone (NULL: no date)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        from socialproof.ingest.time_evidence import has_time_of_day

        timed = pa.array(has_time_of_day(raw), pa.bool_())
        self.values["time_known"] = pc.if_else(values.is_valid(), timed, None)

    def date(self, target: str, aliases: Aliases, **kw: Any) -> pa.Array | None:
        name = self.header(aliases)
        raw = self.raw(aliases)
        if raw is None or name is None:
            return None
        kw.setdefault("dayfirst", self.dayfirst)
        parsed = parse_dates(raw, **kw)
        self._fail_cells(parsed.invalid, name, raw, "a date")
        self.notes.extend(parsed.notes)
        self.values[target] = parsed.values
        return parsed.values

    def boolean(self, target: str, aliases: Aliases) -> pa.Array | None:
        raw = self.raw(aliases)
        if raw is None:
            return None
        parsed = parse_bools(raw)  # unknown words stay null: a flag is not worth a reject
        self.values[target] = parsed.values
        return parsed.values

    def text(self, target: str, aliases: Aliases) -> pa.Array | None:
        import pyarrow.compute as pc

        raw = self.raw(aliases)
        if raw is None:
            return None
        values = pc.utf8_trim_whitespace(raw)
        self.values[target] = values
        return values

    def reject_mangled_ids(self, target: str) -> None:
        """Ids Excel turned into '1.23E+18' lost their digits: unusable as keys, so rejected."""
        import pyarrow.compute as pc

        ids = self.values.get(target)
        if ids is None:
            return
        sci = pc.match_substring_regex(ids, r"(?i)^\d(\.\d+)?e\+\d+$").fill_null(False)
        self.fail(
            sci.to_numpy(zero_copy_only=False),
            "id in scientific notation (Excel dropped its digits); re-export the file as CSV",
        )

    def const(self, target: str, value: Any) -> None:
        import pyarrow as pa

        duck = self.spec.columns.get(target, "VARCHAR")
        typ = pa.type_for_alias(_ARROW_TYPES[duck])
        self.values[target] = (
            pa.nulls(self.n, typ) if value is None else pa.repeat(pa.scalar(value, typ), self.n)
        )

    def set(self, target: str, values: Any) -> None:
        import pyarrow as pa

        self.values[target] = values if isinstance(values, pa.Array) else pa.array(values)

    def require(self, target: str, what: str) -> None:
        """Rows without a value in ``target`` are rejected (e.g. no date)."""
        import numpy as np

        vals = self.values.get(target)
        if vals is None:
            self.fail(np.ones(self.n, dtype=bool), f"no {what}")
            return
        missing = vals.is_null().to_numpy(zero_copy_only=False).astype(bool)
        if vals.type == "string":
            import pyarrow.compute as pc

            missing |= pc.equal(vals, "").fill_null(True).to_numpy(zero_copy_only=False)
        self.fail(missing & ~self.bad, f"no {what}")

    def skip_rows(self, mask: np.ndarray, note: str) -> None:
        mask = mask & ~self.skip
        count = int(mask.sum())
        if count:
            self.skip |= mask
            self.bad &= ~mask
            for i in [k for k in self.reasons if mask[k]]:
                del self.reasons[i]
            self.notes.append(note.format(n=count, s="" if count == 1 else "s"))

    # -- result ---------------------------------------------------------------
    def skip_total_rows(self) -> None:
        """Rows that could not be read and say 'Total' (or 'Summary') in their first cell.

        A sum written under the rows (by the export, or by hand in a spreadsheet) is not a
        row of its own: it is left out with a note instead of being reported as unreadable.
        """
        import numpy as np
        import pyarrow.compute as pc

        if not self.bad.any() or not self.frame.data.num_columns:
            return
        first = pc.utf8_trim_whitespace(to_string_array(self.frame.data.column(0)))
        said = pc.match_substring_regex(first, _TOTAL_LABEL, ignore_case=True).fill_null(False)
        mask = np.asarray(said.to_numpy(zero_copy_only=False), dtype=bool) & self.bad
        # the label after empty label cells ('Total' under Date, Business Suite's summary)
        blank = np.asarray(pc.equal(first, "").fill_null(True).to_numpy(zero_copy_only=False))
        columns = [to_string_array(c) for c in self.frame.data.columns[1:]]
        for k in np.flatnonzero(self.bad & blank)[:1000].tolist():
            label = next((t for c in columns if (t := (c[k].as_py() or "").strip())), "")
            mask[k] = bool(re.match(_TOTAL_LABEL, label, re.IGNORECASE))
        self.skip_rows(mask, "Skipped {n} 'Total' row{s} (a sum of the rows above).")
        self.skip_rows(
            self._unlabelled_sums(), "Skipped {n} row{s} without labels that add up the rows above."
        )
        self.skip_rows(
            self._descriptions(),
            "Skipped the row describing the columns under the header (not a row of data).",
        )

    def _descriptions(self) -> np.ndarray:
        """The first row, unreadable, when it describes the columns: a second header row
        of sentences ('The number of people who saw your post at least once'), as
        Facebook's exports write under the names. Two such cells at least, every filled
        cell a phrase of three words or more, none a number."""
        import numpy as np

        out = np.zeros(self.n, dtype=bool)
        if not self.n or not self.bad[0] or self.skip[0]:
            return out
        data = self.frame.data
        cells = [(to_string_array(c)[0].as_py() or "").strip() for c in data.columns]
        filled = [c for c in cells if c]
        if len(filled) < 2:
            return out
        numbers = parse_numbers(filled, default_decimal=self.decimal or ".")
        if numbers.values.null_count < len(filled):
            return out
        out[0] = all(len(c.split()) >= 3 for c in filled)
        return out

    def _unlabelled_sums(self) -> np.ndarray:
        """Unreadable rows of numbers only, most of them the sums of the rows kept.

        A summary row with no 'Total' label (Business Suite leaves the label cells empty).
        Two numbers at least, and two in three equal to their column's sum (averages and
        rates in such a row are not sums); a row with any text is not one.
        """
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        out = np.zeros(self.n, dtype=bool)
        kept = ~self.bad & ~self.skip
        candidates = np.flatnonzero(self.bad & ~self.skip)
        candidates = candidates[candidates >= self.n - 3]  # under the rows: the last ones
        if not len(candidates) or not kept.any():
            return out
        data = self.frame.data
        cells = {name: to_string_array(data.column(name)) for name in data.column_names}
        parsed = {}
        for name, col in cells.items():
            texts = [col[int(k)].as_py() for k in candidates]
            if any((t or "").strip() for t in texts):
                parsed[name] = parse_numbers(col, default_decimal=self.decimal or ".")
        for k in (int(k) for k in candidates):
            numbers = equal = 0
            for name, p in parsed.items():
                text = (cells[name][k].as_py() or "").strip()
                if not text:
                    continue
                value = p.values[k].as_py()
                if value is None or p.invalid[k]:
                    break  # text in the row: not a sum row
                numbers += 1
                total = pc.sum(p.values.filter(pa.array(kept))).as_py() or 0.0
                equal += abs(total - value) <= max(1.0, abs(total) * 0.005)
            else:
                out[k] = numbers >= 2 and 3 * equal >= 2 * numbers
        return out

    def finish(self) -> tuple[pa.Table, list[Reject]]:
        import pyarrow as pa

        self.skip_total_rows()
        keep = ~self.bad & ~self.skip
        cols: dict[str, pa.Array] = {}
        for name, duck in self.spec.columns.items():
            if name == "import_id":
                continue
            typ = pa.type_for_alias(_ARROW_TYPES[duck])
            vals = self.values.get(name)
            if vals is None:
                vals = pa.nulls(self.n, typ)
            elif vals.type != typ:
                vals = vals.cast(typ)
            if name in self.spec.key and duck == "VARCHAR":
                vals = vals.fill_null("")
            cols[name] = vals
        # Rows repeating a key are settled by the importer once accounts are known
        # (ingest/sameness.py): repeats dropped, conflicts reported, never lost silently.
        full = pa.table(cols)
        if keep.all():  # the usual case: no copy of every column
            return full, self.rejects()
        return full.filter(pa.array(keep)), self.rejects()

    def rejects(self) -> list[Reject]:
        """One Reject per unreadable row, with its source line, reason and raw cells."""
        import numpy as np
        import pyarrow as pa

        idx = np.flatnonzero(self.bad)
        if not len(idx):
            return []
        raw_rows = self.frame.data.take(pa.array(idx)).to_pylist()
        lines = self.frame.line_numbers
        out = []
        for i, row in zip(idx.tolist(), raw_rows, strict=True):
            line = lines[i] if lines is not None and i < len(lines) else None
            # Quoted as CSV: a cell holding a comma ("Mon, Jan 05, 2026", "1,472") stays one.
            text = io.StringIO()
            csv.writer(text, lineterminator="").writerow(
                "" if v is None else str(v) for v in row.values()
            )
            raw = text.getvalue()
            out.append(Reject(line, self.reasons.get(i, "could not be read"), raw[:2000]))
        return out


def concat(tables: list[pa.Table]) -> pa.Table:
    import pyarrow as pa

    return pa.concat_tables(tables) if len(tables) > 1 else tables[0]


@dataclass
class Parts:
    """A format's per-frame results, gathered into one :class:`ReadResult`."""

    tables: dict[str, list[pa.Table]] = field(default_factory=dict)
    rows_read: int = 0
    rejects: list[Reject] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, frame: Frame, table: str, part: tuple[Any, ...]) -> None:
        """Add ``(rows, rejects, notes, ...)`` read from ``frame`` into ``table``."""
        rows, rejects, notes = part[0], part[1], part[2]
        if rows.num_columns:
            self.tables.setdefault(table, []).append(rows)
        self.rows_read += frame.data.num_rows
        self.rejects.extend(rejects)
        self.notes.extend(notes)

    def result(self) -> ReadResult:
        out = {}
        for name, parts in self.tables.items():
            columns = parts[0].column_names
            out[name] = concat([p.select(columns) for p in parts])
        return ReadResult(out, self.rows_read, self.rejects, list(dict.fromkeys(self.notes)))


def to_long(
    frame: Frame,
    ctx: ReadContext,
    *,
    platform: str,
    date_aliases: Aliases,
    metrics: dict[str, Aliases],
    account: str = "",
    date_kw: dict[str, Any] | None = None,
    skip_mask: np.ndarray | None = None,
    skip_note: str = "",
    counts: bool = False,
) -> tuple[pa.Table, list[Reject], list[str], int]:
    """Daily wide rows (Date, metric columns) -> account_daily long rows."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    wide = Rows(frame, "account_daily", ctx)
    if skip_mask is not None:
        wide.skip_rows(skip_mask, skip_note)
    dates = wide.date("date", date_aliases, **(date_kw or {}))
    if dates is None:
        return pa.table({}), [], [], 0
    wide.require("date", "date")
    found: dict[str, pa.Array] = {}
    for metric, aliases in metrics.items():
        # '_' keeps it out of the canonical columns
        vals = wide.number("_" + metric, aliases, count=counts)
        if vals is not None:
            found[metric] = vals.cast(pa.float64())
    wide.skip_total_rows()
    keep = ~wide.bad & ~wide.skip
    parts = []
    for metric, vals in found.items():
        ok = keep & vals.is_valid().to_numpy(zero_copy_only=False).astype(bool)
        idx = pa.array(np.flatnonzero(ok))
        n = len(idx)
        parts.append(
            pa.table(
                {
                    "platform": pa.array([platform] * n, pa.string()),
                    "account": pa.array([account] * n, pa.string()),
                    "date": pc.take(dates, idx),
                    "metric": pa.array([metric] * n, pa.string()),
                    "value": pc.take(vals, idx),
                }
            )
        )
    rejects = wide.rejects()
    if not parts:
        return pa.table({}), rejects, wide.notes, int(keep.sum())
    return concat(parts), rejects, wide.notes, int(keep.sum())


def parse_missing(column: Any) -> np.ndarray:
    """True where a cell is empty or a missing-value marker."""
    return missing_mask(column)


def snake(text: str) -> str:
    """'Unique impressions (organic)' -> 'unique_impressions_organic'."""
    return re.sub(r"[^a-z0-9]+", "_", normalize_header(text)).strip("_")
