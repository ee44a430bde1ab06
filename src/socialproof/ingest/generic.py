"""The generic importer: any CSV/XLSX/JSON plus a YAML mapping to canonical columns.

A mapping file names the canonical table, maps canonical columns to the
file's columns and may fix constant values::

    table: posts                 # posts, account_daily, ad_stats, messages, job_postings
    columns:                     # canonical column: column in the file
      post_id: ID
      published_at: Posted on
      impressions: Impr.
    constants:                   # the same value for every row
      platform: mastodon
      account: acme
    dayfirst: true               # optional: 03/04/2026 is 3 April
    percent: [reported_engagement_rate]   # optional: columns written as 1.23 meaning 1.23 %

Each value is parsed by the canonical column's type (numbers in any locale,
dates in the platforms' formats); a cell that cannot be read rejects its row
with the reason and line. For ``ad_stats``, an amount column named in micros
('metrics.cost_micros', as the Google Ads API writes costs) is divided by 1,000,000,
and sum rows ('Total: Account', 'Total of 12 results') are skipped with a note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialproof.errors import BadInput, FileMissing, UsageError
from socialproof.ingest._aliases import Rows, find
from socialproof.ingest.base import LINE_COLUMN, Format, Frame, ReadContext, ReadResult, Source
from socialproof.ingest.conversations import read_inbound, read_is_brand

if TYPE_CHECKING:
    import pyarrow as pa

WRITABLE_TABLES = ("posts", "account_daily", "ad_stats", "messages", "job_postings")


@dataclass
class Mapping:
    table: str
    columns: dict[str, str]
    constants: dict[str, Any] = field(default_factory=dict)
    dayfirst: bool | None = None
    percent: tuple[str, ...] = ()


def load_mapping(path: Path) -> Mapping:
    """Read and check a mapping file; every problem names the file and the fix."""
    import yaml

    from socialproof.workspace.schema import CANONICAL

    if not path.exists():
        raise FileMissing(f"The mapping file {path} does not exist.", hint="Check the path.")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise BadInput(f"{path} is not valid YAML: {first}.", hint="Fix the file.") from None
    if not isinstance(raw, dict):
        raise BadInput(f"{path}: expected 'table:' and 'columns:' keys.", hint=_EXAMPLE)
    unknown = set(raw) - {"table", "columns", "constants", "dayfirst", "percent"}
    if unknown:
        raise BadInput(f"{path}: unknown key(s) {', '.join(sorted(unknown))}.", hint=_EXAMPLE)
    table = str(raw.get("table", "")).strip()
    if table not in WRITABLE_TABLES:
        raise BadInput(
            f"{path}: 'table' must be one of {', '.join(WRITABLE_TABLES)} (got {table or 'nothing'!r}).",
            hint=_EXAMPLE,
        )
    spec = CANONICAL[table]
    columns = raw.get("columns") or {}
    constants = raw.get("constants") or {}
    if not isinstance(columns, dict) or not isinstance(constants, dict):
        raise BadInput(f"{path}: 'columns' and 'constants' must be mappings.", hint=_EXAMPLE)
    for name in list(columns) + list(constants):
        if name not in spec.columns or name == "import_id":
            raise BadInput(
                f"{path}: {name!r} is not a column of {table}.",
                hint=f"Columns of {table}: {', '.join(c for c in spec.columns if c != 'import_id')}.",
            )
    for name, value in constants.items():
        if isinstance(value, (list, dict)):  # stored as its Python text ('[1, 2]') before
            raise BadInput(
                f"{path}: constant {name!r} must be one value, got {value!r}.",
                hint=f"Write one value, e.g. {name}: acme.",
            )
    percent = raw.get("percent") or []
    if isinstance(percent, str):
        percent = [percent]
    dayfirst = raw.get("dayfirst")
    if dayfirst is not None and not isinstance(dayfirst, bool):  # bool("false") is True
        raise BadInput(
            f"{path}: 'dayfirst' must be true or false, got {dayfirst!r}.",
            hint="Write dayfirst: true for 03/04/2026 = 3 April, false for 4 March.",
        )
    return Mapping(
        table=table,
        columns={str(k): str(v) for k, v in columns.items()},
        constants=dict(constants),
        dayfirst=None if dayfirst is None else bool(dayfirst),
        percent=tuple(str(p) for p in percent),
    )


_EXAMPLE = (
    "Example:\n  table: posts\n  columns:\n    post_id: ID\n    published_at: Date\n"
    "  constants:\n    platform: mastodon"
)


class GenericFormat(Format):
    """Any table with a --mapping file (never detected on its own)."""

    name = "generic"
    label = "Generic table with a YAML column mapping"
    tables = WRITABLE_TABLES
    kinds = ("csv", "xlsx", "xls", "json", "jsonl")

    def detect(self, source: Source) -> float:
        return 0.0  # only on request: --format generic or --mapping

    def read(self, source: Source, ctx: ReadContext) -> ReadResult:
        if ctx.mapping is None:
            raise UsageError(
                "The generic format needs a mapping file.",
                hint="Pass --mapping map.yaml (see 'socialproof import --help').",
            )
        mapping = load_mapping(Path(ctx.mapping))
        frame = _frame_for(source, mapping)
        said: list[str] = []
        if mapping.table == "ad_stats" and not {"date_start", "date_stop"} & (
            set(mapping.columns) | set(mapping.constants)
        ):
            stated = _stated_range(source, frame, mapping.dayfirst)
            if stated is not None:
                start, stop, lines = stated
                dates = {"date_start": start, "date_stop": stop}
                mapping = replace(mapping, constants={**mapping.constants, **dates})
                said.append(
                    f"The table has no date column: each row is the report's range, {start} "
                    f"to {stop}, as the lines {lines} above the table say."
                )
        result = self._read(source, frame, mapping, ctx)
        result.notes.extend(said)
        return result

    def _read(self, source: Source, frame: Frame, mapping: Mapping, ctx: ReadContext) -> ReadResult:
        if (
            mapping.table == "ad_stats"
            and "currency" not in mapping.columns
            and "currency" not in mapping.constants
        ):
            found = _stated_currency(source, frame)
            if found is not None:
                code, line = found
                mapping = replace(mapping, constants={**mapping.constants, "currency": code})
                result = read_mapped(frame, mapping, ctx)
                result.notes.append(
                    f"Spend is in {code}, as the line '{line}' above the table says."
                )
                return result
        return read_mapped(frame, mapping, ctx)


_CURRENCY_LINE = r"(?i)^\s*(?:currency(?: code)?|account currency)\s*[:=]\s*([a-z]{3})\s*$"


def _stated_currency(source: Source, frame: Frame) -> tuple[str, str] | None:
    """The currency a report's header block states ('Currency: GBP', as LinkedIn Campaign
    Manager writes over its table), with the line; None when no line, or two, say one."""
    seen: dict[str, str] = {}
    for other in source.frames:
        cells = [*other.title_lines, *other.header]
        if other is not frame:  # a block of 'Name: value' lines above the table
            if other.data.num_columns:
                cells += [str(v) for v in other.data.column(0).to_pylist()[:20] if v is not None]
            cells += [r.raw for r in other.rejects[:20]]
        for cell in cells:
            m = re.match(_CURRENCY_LINE, cell)
            if m:
                seen.setdefault(m.group(1).upper(), cell.strip())
        if other is frame:
            break
    return next(iter(seen.items())) if len(seen) == 1 else None


_RANGE_LINE = r"(?i)^\s*report (start|end)(?: date)?\s*[:=]\s*([^,]+?)\s*(?:,.*)?$"


def _stated_range(
    source: Source, frame: Frame, dayfirst: bool | None
) -> tuple[str, str, str] | None:
    """The reporting range a report's header block states ('Report Start: 3/1/2026,
    12:00 AM' and 'Report End: ...', as LinkedIn Campaign Manager writes over a table
    without a date column): start, end (ISO) and the lines; None unless both read."""
    from socialproof.ingest.parse import parse_dates

    found: dict[str, tuple[str, str]] = {}
    for cell in frame.title_lines:
        m = re.match(_RANGE_LINE, cell)
        if m:
            found.setdefault(m.group(1).lower(), (m.group(2), cell.strip()))
    if set(found) != {"start", "end"}:
        return None
    parsed = parse_dates([found["start"][0], found["end"][0]], dayfirst=dayfirst)
    if parsed.invalid.any():
        return None
    start, stop = (d.isoformat() for d in parsed.values.to_pylist())
    if start > stop:
        return None
    return start, stop, f"'{found['start'][1]}' and '{found['end'][1]}'"


def _frame_for(source: Source, mapping: Mapping) -> Frame:
    best: Frame | None = None
    best_missing: list[str] = []
    for frame in source.frames:
        missing = [c for c in mapping.columns.values() if find(frame, (c,)) is None]
        if not missing:
            return frame
        if best is None or len(missing) < len(best_missing):
            best, best_missing = frame, missing
    if best is None:
        raise BadInput(f"{source.display_name} has no table to map.", hint="Check the file.")
    raise BadInput(
        f"{source.display_name} lacks the mapped column(s): {', '.join(best_missing)}.",
        hint=f"Its columns are: {', '.join(best.header[:20])}. Fix the mapping file.",
    )


def read_mapped(frame: Frame, mapping: Mapping, ctx: ReadContext) -> ReadResult:
    import numpy as np
    import pyarrow as pa

    from socialproof.workspace.schema import CANONICAL

    spec = CANONICAL[mapping.table]
    rows = Rows(frame, mapping.table, ctx)
    date_kw: dict[str, Any] = {}
    if mapping.dayfirst is not None:
        date_kw["dayfirst"] = mapping.dayfirst
    if ctx.year is not None:
        date_kw["year"] = ctx.year
    spans = mapping.table == "ad_stats" and _range_cells(rows, mapping, date_kw)
    for target, column in mapping.columns.items():
        if spans and target in ("date_start", "date_stop"):
            continue
        kind = spec.columns[target]
        aliases = (column,)
        if kind in ("BIGINT", "DOUBLE"):
            micros = target in _MONEY and re.search(_MICROS, column) is not None
            rows.number(
                target, aliases, percent=target in mapping.percent, scale=1e-6 if micros else 1.0
            )
            if micros:
                rows.notes.append(
                    f"'{column}' is in millionths of the currency (micros, as the Google Ads "
                    f"API writes costs): divided by 1,000,000 for {target}."
                )
        elif kind == "TIMESTAMP":
            rows.timestamp(target, aliases, **date_kw)
        elif kind == "DATE":
            rows.date(target, aliases, **date_kw)
        elif kind == "BOOLEAN" and mapping.table == "messages" and target == "inbound":
            # a direction column ('Incoming' / 'Outgoing') as the conversations format reads
            # it: plain yes/no reading left such words unknown, so no brand reply was seen
            read_inbound(rows, aliases)
        elif kind == "BOOLEAN" and mapping.table == "messages" and target == "is_brand":
            read_is_brand(rows, aliases)  # or the author's role ('agent' / 'end-user')
        elif kind == "BOOLEAN":
            rows.boolean(target, aliases)
        else:
            rows.text(target, aliases)
    constants = _constants(mapping, ctx)
    if mapping.table == "ad_stats":
        _google_dashes_are_zero(rows, mapping, constants)
        _skip_summary_rows(rows)
    for target, value in constants.items():
        rows.set(target, _constant(value, spec.columns[target], rows.n))
    missing_keys = unmapped_keys(mapping, ctx)
    if missing_keys:
        raise BadInput(
            f"The mapping does not give {', '.join(missing_keys)}, part of the key of "
            f"{mapping.table} ({', '.join(spec.key)}).",
            hint="Map a column to it or set it under 'constants'"
            + (" (platform: mastodon), or pass --platform." if "platform" in missing_keys else "."),
        )
    for key in spec.key:
        if spec.columns[key] != "VARCHAR" and key in rows.values:
            rows.require(key, key.replace("_", " "))
    for key in ("post_id", "message_id", "posting_id"):
        if key in spec.key:
            rows.require(key, key.replace("_", " "))
    table, rejects = rows.finish()
    lines = frame.line_numbers
    if lines is not None and len(lines) == rows.n:
        kept = np.asarray(lines, dtype=np.int64)[~rows.bad & ~rows.skip]
        table = table.append_column(LINE_COLUMN, pa.array(kept, pa.int64()))
    return ReadResult(
        tables={mapping.table: table},
        rows_read=rows.n,
        rejects=rejects,
        notes=list(dict.fromkeys(rows.notes)),
    )


#: A sum row's name cell in an ads export: 'Total', 'Total: Account' (Google Ads), 'Total
#: of 12 results' (TikTok Ads Manager), 'Grand total', 'Summary', 'Results from 4 ads'
_SUMMARY_NAME = (
    r"(?i)^\s*(?:(?:grand )?(?:totals?|summary)(?:\s*:.*|\s+of\s+\d+\b.*|\s*\(.*\))?"
    r"|results from \d+ .*)\s*$"
)


_RANGE_CELL = r"^\s*(?P<a>.+?)\s+[-–]\s+(?P<b>.+?)\s*$"


def _range_cells(rows: Rows, mapping: Mapping, date_kw: dict[str, Any]) -> bool:
    """Read a reporting range written in one cell ('Mar 1, 2026 - Mar 31, 2026', as X Ads
    and others write 'Time period') into date_start and date_stop, when the mapping maps
    both to that column; a cell with one date is a day. False (nothing read) when the
    column holds no range."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from socialproof.ingest._aliases import parse_missing
    from socialproof.ingest.parse import day_first_evidence, parse_dates

    column = mapping.columns.get("date_start")
    if column is None or mapping.columns.get("date_stop") != column:
        return False
    raw = rows.raw((column,))
    if raw is None:
        return False
    found = pc.extract_regex(raw, _RANGE_CELL)
    if not pc.any(found.is_valid()).as_py():
        return False
    halves = {f: pc.if_else(found.is_valid(), pc.struct_field(found, f), raw) for f in ("a", "b")}
    kw = dict(date_kw)
    if kw.get("dayfirst") is None:  # one day/month order for both ends
        kw["dayfirst"] = day_first_evidence(pa.concat_arrays(list(halves.values())))
    for target, half in (("date_start", "a"), ("date_stop", "b")):
        rows.values[target] = parse_dates(halves[half], **kw).values
    start, stop = rows.values["date_start"], rows.values["date_stop"]
    bad = ~pc.and_(start.is_valid(), stop.is_valid()).to_numpy(zero_copy_only=False)
    rows.fail(bad & ~parse_missing(raw), f"column '{column}': not a date or date range")
    backwards = pc.fill_null(pc.greater(start, stop), False).to_numpy(zero_copy_only=False)
    rows.fail(backwards, f"column '{column}': the range ends before it starts")
    return True


#: Amounts an API may write in millionths ('metrics.cost_micros', 'Cost (micros)')
_MONEY = (
    "spend",
    "purchase_value",
    "reported_cost_per_result",
    "reported_cpm",
    "reported_cpc",
)
_MICROS = r"(?i)(?:^|[^a-z])micros(?:$|[^a-z])|[a-z]micros$"


def _skip_summary_rows(rows: Rows) -> None:
    """Leave out the sum rows ads exports write under (or over) their rows.

    A row whose mapped campaign, ad set and ad cells are each blank or a total's label,
    one of them a label, adds up the other rows: counted as data it would be a campaign
    named 'Total: Account' holding the spend of all the others.
    """
    import numpy as np
    import pyarrow.compute as pc

    names = [rows.values[c] for c in ("campaign", "ad_set", "ad") if c in rows.values]
    if not names:
        return
    labelled = np.zeros(rows.n, dtype=bool)
    summary = np.ones(rows.n, dtype=bool)
    for v in names:
        label = pc.match_substring_regex(v, _SUMMARY_NAME).fill_null(False)
        blank = pc.equal(pc.utf8_trim_whitespace(v), "").fill_null(True)
        labelled |= np.asarray(label.to_numpy(zero_copy_only=False), dtype=bool)
        summary &= np.asarray(pc.or_(label, blank).to_numpy(zero_copy_only=False), dtype=bool)
    rows.skip_rows(summary & labelled, "Skipped {n} summary row{s} (totals of the other rows).")


def _google_dashes_are_zero(rows: Rows, mapping: Mapping, constants: dict[str, Any]) -> None:
    """'--' in a cost or count column of a Google Ads (or Microsoft Advertising) report is
    0: it writes the dashes for a day or campaign without cost, clicks or conversions.
    Rates and averages ('Avg. CPC', 'CTR': reported_*, percent columns) stay unknown
    there: a rate over no clicks has no value."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from socialproof.workspace.schema import CANONICAL

    google = "google" in str(constants.get("platform", "")).lower() or any(
        h in ("Impr.", "Conv. value") for h in rows.frame.header
    )
    if not google:
        return
    spec = CANONICAL["ad_stats"]
    filled: list[str] = []
    for target, column in mapping.columns.items():
        values = rows.values.get(target)
        if (
            values is None
            or spec.columns[target] not in ("BIGINT", "DOUBLE")
            or target.startswith("reported_")
            or target in mapping.percent
        ):
            continue
        raw = rows.raw((column,))
        if raw is None:
            continue
        dash = pc.equal(pc.utf8_trim_whitespace(raw), "--").fill_null(False)
        fill = pc.and_(dash, pc.is_null(values))
        if pc.any(fill).as_py():
            rows.values[target] = pc.if_else(fill, pa.scalar(0, values.type), values)
            filled.append(column)
    if filled:
        rows.notes.append(
            f"'--' in {', '.join(repr(c) for c in filled)} is read as 0, as Google Ads writes "
            "it where there was none."
        )


def _constants(mapping: Mapping, ctx: ReadContext) -> dict[str, Any]:
    """The mapping's constants with --platform and --account for what it does not map."""
    from socialproof.workspace.schema import CANONICAL

    spec = CANONICAL[mapping.table]
    constants = dict(mapping.constants)
    if ctx.platform and "platform" in spec.columns and "platform" not in mapping.columns:
        constants.setdefault("platform", ctx.platform)
    if ctx.account and "account" in spec.columns and "account" not in mapping.columns:
        constants["account"] = ctx.account
    return constants


def unmapped_keys(mapping: Mapping, ctx: ReadContext) -> list[str]:
    """Columns of the table's key (dates, numbers) that the mapping gives neither from a
    column nor as a constant: a file cannot be read with it."""
    from socialproof.workspace.schema import CANONICAL

    spec = CANONICAL[mapping.table]
    constants = _constants(mapping, ctx)
    # a platform left out was stored as '' (a platform of its own in every report)
    return [
        k
        for k in spec.key
        if k not in mapping.columns
        and k not in constants
        and (spec.columns[k] != "VARCHAR" or k == "platform")
    ]


def _constant(value: Any, kind: str, n: int) -> pa.Array:
    import pyarrow as pa

    from socialproof.ingest.parse import parse_bools, parse_dates, parse_numbers, parse_timestamps

    text = [None if value is None else str(value)] * n
    if kind in ("BIGINT", "DOUBLE"):
        parsed = parse_numbers(text[:1])
    elif kind == "TIMESTAMP":
        parsed = parse_timestamps(text[:1])
    elif kind == "DATE":
        parsed = parse_dates(text[:1])
    elif kind == "BOOLEAN":
        parsed = parse_bools(text[:1])
    else:
        return pa.array(text, pa.string())
    if parsed.invalid.any():
        raise BadInput(
            f"The constant {value!r} is not a valid {kind.lower()}.", hint="Fix the mapping."
        )
    return pa.repeat(parsed.values[0], n)
