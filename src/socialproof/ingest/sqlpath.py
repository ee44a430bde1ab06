"""The SQL path: a large, clean CSV file parsed, checked and stored by DuckDB.

For formats that describe their columns in SQL (:meth:`Format.sql_read`: Meta Ads
Manager exports so far), a first import into an empty table is one
``INSERT ... SELECT`` from ``read_csv`` inside the import's transaction: DuckDB
reads the whole file (numbers as ``DOUBLE``, the rest as text), parses each value,
names the account and keys the rows, on both cores, with no hand-over of the rows
between pyarrow, Python and DuckDB. Python keeps what only the formats know (which
column means what, from the header and the first 2,000 rows) and small metadata
(the account chosen on the file's (platform, account) pairs, the notes).

The path stores a file only when it stores exactly what the Python path
(``importer.py`` with ``fastcsv.py`` and the formats' ``read``) would: every used
cell in the plain shapes its SQL parses ('1234', '-5.5', '2026-03-08', missing-value
markers), no whitespace around values, no summary row, no row the Python path would
reject, no date out of range, no repeated key, one physical line per row, and a table
with no rows yet (a later export takes the Python path's figure-by-figure merge).
Anything else raises :class:`Declined` inside the transaction, which rolls back, and
the importer reads the file the Python way (rejects with reasons and line numbers,
``sameness.py`` for repeated keys). ``tests/ingest/test_sqlpath.py`` imports the same
files both ways and compares the canonical rows, counts and notes.
"""

from __future__ import annotations

import contextlib
import csv
import logging
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from socialproof.ingest import _aliases as A
from socialproof.ingest.base import Frame, Source
from socialproof.ingest.lines import counted_lines
from socialproof.ingest.parse import missing_forms
from socialproof.workspace.schema import ACCOUNT_TABLES, CANONICAL

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping
    from concurrent.futures import Future
    from pathlib import Path

    import pyarrow as pa

    from socialproof.ingest.base import Format, ReadContext
    from socialproof.workspace.schema import TableSpec

SQL_PATH_BYTES = 2_000_000  # smaller files: the Python path is as quick
HEAD_BYTES = 1 << 20  # read to sniff the layout and decide the decimal separator
SAMPLE_ROWS = 2000  # rows the formats' conventions are decided on (as ``_aliases.Rows``)
EARLIEST = datetime(2004, 1, 1)  # as the importer: nothing social predates 2004

# every character some reader trims as whitespace (ASCII, NEL, Unicode spaces and
# separators); the path declines a file with one at either end of a used value
_WS = r"[\t\n\x0b\x0c\r\x1c-\x1f \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]"
_ISO_DAY = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
# canonical columns the write fills from more than the staged cell (accounts, keys)
_REWRITTEN = frozenset({"account", "object_key", "import_id"})


def _edge_test(c: str) -> str:
    """True where ``c`` starts or ends with whitespace (NULL where ``c`` is NULL).

    Printable ASCII at both ends needs no regular expression (a third of the cost);
    ``c[-1]`` is the last code point, found without copying the text (reverse() did).
    """
    return (
        f"CASE WHEN ascii({c}) BETWEEN 33 AND 126 AND ascii({c}[-1]) BETWEEN 33 AND 126 "
        f"THEN false ELSE regexp_matches({c}, '^{_WS}|{_WS}$') END"
    )


_log = logging.getLogger(__name__)


@contextlib.contextmanager
def timed(what: str) -> Iterator[None]:
    """Log the wall and CPU seconds of a step (``--debug`` / benchmarks' profiling)."""
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    _log.debug(
        "sqlpath %s: %.3f s wall, %.3f s CPU",
        what,
        time.perf_counter() - wall,
        time.process_time() - cpu,
    )


STAGE = "_sp_parsed"  # the parsed file, when a format's hooks read it before the insert
ODD_ROW = "socialproof: a row the SQL path does not read as the Python path"


class Declined(Exception):
    """The file needs the Python path; the message says why (for tests and --debug)."""


def quote(name: str) -> str:
    """A SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def lit(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _missing_list() -> str:
    return ", ".join(lit(m) for m in missing_forms())


# -- the file's layout ----------------------------------------------------------


@dataclass
class Layout:
    """A CSV file as the SQL path reads it: sniffed from its head by the tolerant reader."""

    path: Path
    sample: Source  # the head of the file (detection, conventions)
    frame: Frame
    raw: dict[str, str]  # header as written -> the column name read_csv gives it
    delimiter: str
    header_line: int  # 1-based line of the header
    header_offset: int  # byte offset of the header line
    types: dict[str, str] = field(default_factory=dict)  # raw column -> type read_csv gives it


def layout(path: Path, name: str) -> Layout | None:
    """The layout of a large, plain UTF-8 CSV with one header row, or None."""
    from socialproof.ingest.csvtext import (
        clean_header,
        frame_rejects,
        frames_from_csv_text,
        guess_bomless_utf16,
        looks_binary,
    )
    from socialproof.ingest.fastcsv import csv_sample, sniffed_delimiter

    try:
        size = path.stat().st_size
        if size < SQL_PATH_BYTES or path.suffix.lower() in (".json", ".md", ".html", ".htm"):
            return None
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError:
        return None
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or guess_bomless_utf16(head[:4096]):
        return None
    if looks_binary(head):
        return None
    sample = csv_sample(head, path.suffix.lower())
    if sample is None:
        return None
    bom = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    cut = _nth_newline(sample, SAMPLE_ROWS + 60)  # the header, title lines, 2,000 rows
    partial = len(head) == HEAD_BYTES or cut < len(sample)
    sample = sample[:cut]
    from socialproof.errors import BadExport

    try:
        frames = frames_from_csv_text(sample, name)
    except BadExport:
        return None
    if len(frames) != 1 or frame_rejects(frames[0]) or frames[0].data.num_rows < 2:
        return None
    frame = frames[0]
    if partial and frame.data.num_rows < SAMPLE_ROWS:
        return None  # rows too wide for the head: conventions would be decided on fewer rows
    if not frame.line_numbers:
        return None
    lines = sample.splitlines(keepends=True)
    skip = frame.line_numbers[0] - 2  # lines above the header
    if skip < 0 or skip >= len(lines):
        return None
    if frame.line_numbers != list(range(skip + 2, skip + 2 + frame.data.num_rows)):
        return None  # blank lines or values across lines in the head
    delimiter = sniffed_delimiter(lines[skip:], frame.header)
    if delimiter is None:
        return None
    fields = next(csv.reader([lines[skip]], delimiter=delimiter))
    if clean_header(fields) != list(frame.header):
        return None  # empty trailing columns and the like: the Python path
    offset = bom + sum(len(ln.encode("utf-8")) for ln in lines[:skip])
    source = Source(path=path, display_name=name, frames=[frame], kind="csv")
    raw = {h: f"c{i}" for i, h in enumerate(frame.header)}
    return Layout(path, source, frame, raw, delimiter, skip + 1, offset)


def _nth_newline(text: str, n: int) -> int:
    """The end of the ``n``-th line of ``text`` (its length when it has fewer)."""
    at = -1
    for _ in range(n):
        at = text.find("\n", at + 1)
        if at < 0:
            return len(text)
    return at + 1


def read_csv_sql(lay: Layout) -> str:
    """``read_csv(...)`` of the rows below the header (text, or the type a format asked for)."""
    cols = ", ".join(f"{lit(c)}: {lit(lay.types.get(c, 'VARCHAR'))}" for c in lay.raw.values())
    return (
        f"read_csv({lit(str(lay.path))}, header = false, skip = {lay.header_line}, "
        f"delim = {lit(lay.delimiter)}, quote = '\"', escape = '\"', columns = {{{cols}}}, "
        "auto_detect = false, strict_mode = true, null_padding = false)"
    )


# -- canonical rows as SQL --------------------------------------------------------


@dataclass
class SqlRows:
    """Canonical rows for one table as SQL over the raw columns (the twin of ``Rows``).

    ``values`` maps a canonical column to its expression; ``odd`` holds conditions
    true on rows the Python path would read differently (the file is then declined: a
    row that meets one stops the insert). What the stored values alone can tell is
    checked once after the insert, as aggregates over the table (``stored``: required
    values, numbers that are not finite, dates out of range), which costs far less than
    a test on every row while the file is read.
    """

    lay: Layout
    table: str
    ctx: ReadContext
    values: dict[str, str] = field(default_factory=dict)
    odd: list[str] = field(default_factory=list)
    stored: list[str] = field(default_factory=list)  # aggregates over the stored table
    #: whitespace-at-the-ends tests not placed yet: (raw column, target, its expression)
    edges: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    inner: dict[str, str] = field(default_factory=dict)  # parsed once, used by values and odd
    consts: dict[str, Any] = field(default_factory=dict)  # columns with one value for every row
    #: run on the connection before the insert (a format registers what it joins, e.g.
    #: thread roots, reading the parsed rows from the relation it is given: the file is
    #: then parsed once into a temporary table), and after it (notes); ``join`` is SQL
    #: after the parsed rows ``s``
    before: list[Callable[[Any, str], None]] = field(default_factory=list)
    after: list[Callable[[Any, list[str]], None]] = field(default_factory=list)
    join: str = ""

    @property
    def spec(self) -> TableSpec:
        return CANONICAL[self.table]

    @property
    def frame(self) -> Frame:
        return self.lay.frame

    def decimal(self) -> str | None:
        """The file's decimal separator as ``Rows.decimal`` decides it (first 2,000 rows)."""
        if "decimal" not in self.consts:
            self.consts["decimal"] = A.Rows(self.frame, self.table, self.ctx).decimal
        found: str | None = self.consts["decimal"]
        return found

    def decimal_is_point(self) -> None:
        """Numbers are read as '1234.5': a file whose first rows prove a comma is declined."""
        if self.decimal() == ",":
            raise Declined("decimal comma")

    def raw(self, aliases: A.Aliases, typ: str = "VARCHAR") -> str | None:
        """The raw column (read as ``typ``: one type per column, else the file is declined)."""
        name = A.find(self.frame, aliases)
        if name is None:
            return None
        column = self.lay.raw[name]
        if self.lay.types.setdefault(column, typ) != typ:
            raise Declined(f"column {name!r} read as two types")
        return quote(column)

    def _no_edges(self, c: str, target: str | None = None) -> None:
        """No whitespace at either end of raw column ``c``'s cells (the Python path trims).

        Where ``target`` stores the cell as it is read, the test waits for
        :meth:`settle_edges` and runs once over the stored column: DuckDB tests each
        distinct value of a dictionary-compressed column once (names repeat on every
        day's row), and even unique texts cost less there than in the read.
        """
        self.edges.append((c, target, self.values.get(target) if target else None))

    def settle_edges(self) -> None:
        """Place each :meth:`_no_edges` test: over the stored column when it still holds
        the cell as read (its expression unchanged since, a text column the write keeps
        as staged), else on every row as it is read (``odd``)."""
        stored_as_read: dict[str, str] = {}
        for c, target, expr in self.edges:
            if (
                target is None
                or expr is None
                or target in _REWRITTEN
                or self.spec.columns.get(target) != "VARCHAR"
            ):
                continue
            # unchanged, or '' stored as NULL: either way the ends are the cell's
            if self.values.get(target) in (expr, f"nullif({expr}, '')"):
                stored_as_read.setdefault(c, target)
        for c in dict.fromkeys(c for c, _, _ in self.edges):
            if c in stored_as_read:
                self.stored.append(f"bool_or({_edge_test(quote(stored_as_read[c]))})")
            else:
                self.odd.append(_edge_test(c))
        self.edges.clear()

    def text(self, target: str, aliases: A.Aliases) -> str | None:
        c = self.raw(aliases)
        if c is None:
            return None
        self.values[target] = f"coalesce({c}, '')"
        self._no_edges(c, target)
        return self.values[target]

    def number(self, target: str, aliases: A.Aliases, *, percent: bool = False) -> str | None:
        """A number as ``parse_numbers`` / ``parse_integers`` read plain ones ('1234', '-5.5').

        DuckDB's cast reads what Arrow's does ('1e3', '.5'); what only DuckDB reads
        ('1_000', 'inf', 'nan') and, for counts, anything with a point or not whole
        ('12.000' may be twelve thousand) is declined, as are cells it cannot read
        unless they are missing-value markers.
        """
        integer = self.spec.columns.get(target) == "BIGINT"
        if integer and self.decimal() is None:
            # '12.000' may be twelve thousand (parse_integers): the text is needed
            c = self.raw(aliases)
            if c is None:
                return None
            v = self._inner(f"TRY_CAST({c} AS DOUBLE)")
            odd = f"NOT isfinite({v}) OR contains({c}, '_') OR contains({c}, '.')"
            missing = f"WHEN {c} IS NULL THEN false ELSE {c} NOT IN ({_missing_list()})"
        else:  # DuckDB parses while reading: no text kept
            typed = self.raw(aliases, "DOUBLE")
            if typed is None:
                return None
            v = typed
            odd = ""
            missing = "ELSE false"
        col = quote(target)
        if integer:  # not finite, or too large for BIGINT: the cast itself stops the insert
            value = f"CAST(round({v}) AS BIGINT)"
            odd = (f"{odd} OR " if odd else "") + f"abs({v} - round({v})) > 1e-6"
            self.stored.append(
                f"max({col}) >= 9000000000000000000 OR min({col}) <= -9000000000000000000"
            )
        else:  # NaN sorts above every number: min and max find any value not finite
            value = f"({v} * 0.01)" if percent else v
            self.stored.append(f"NOT isfinite(max({col})) OR NOT isfinite(min({col}))")
        if odd:
            self.odd.append(f"CASE WHEN {v} IS NOT NULL THEN {odd} {missing} END")
        self.values[target] = value
        return value

    def _inner(self, expr: str) -> str:
        """``expr`` computed once per row, below the canonical columns; its name."""
        name = f"_p{len(self.inner)}"
        self.inner[name] = expr
        return name

    def date(self, target: str, aliases: A.Aliases) -> str | None:
        c = self.raw(aliases)
        if c is None:
            return None
        value = self._inner(
            f"CASE WHEN regexp_full_match({c}, '{_ISO_DAY}') THEN TRY_CAST({c} AS DATE) END"
        )
        self.odd.append(
            f"CASE WHEN {value} IS NOT NULL OR {c} IS NULL THEN false "
            f"ELSE {c} NOT IN ({_missing_list()}) END"
        )
        self.values[target] = value
        return value

    def ids(self, target: str, aliases: A.Aliases, null_words: tuple[str, ...]) -> str | None:
        """An id column as ``conversations._ids`` reads it: '' and ``null_words`` as NULL,
        '123.0' (a spreadsheet's float) as '123'; a cell listing several ids ('a,b') or
        with space around it is declined."""
        c = self.raw(aliases)
        if c is None:
            return None
        self.odd.append(f"contains({c}, ',')")
        nulls = ", ".join(lit(w) for w in ("", *null_words))
        unfloat = (
            f"CASE WHEN suffix({c}, '.0') AND regexp_full_match({c}, '[0-9]+\\.0') "
            f"THEN left({c}, length({c}) - 2) ELSE {c} END"
        )
        value = self._inner(f"CASE WHEN {c} IN ({nulls}) THEN NULL ELSE {unfloat} END")
        self.values[target] = value
        # stored NULL (no edges) or the cell, less a '.0' after digits: edges as read
        self._no_edges(c, target)
        return value

    def boolean(self, target: str, aliases: A.Aliases, true: list[str], false: list[str]) -> None:
        """Yes/no words as ``parse_bools`` reads them (anything else NULL, as there)."""
        c = self.raw(aliases)
        if c is None:
            return
        self._no_edges(c)
        yes = ", ".join(lit(w) for w in sorted(true))
        no = ", ".join(lit(w) for w in sorted(false))
        self.values[target] = self._inner(
            f"CASE WHEN lower({c}) IN ({yes}) THEN true WHEN lower({c}) IN ({no}) THEN false END"
        )

    def twitter_utc(self, target: str, aliases: A.Aliases) -> str | None:
        """'Wed Oct 11 06:55:44 +0000 2017' (UTC), in exactly that shape; any other cell
        (another offset, an impossible day, a weekday not the date's, a missing value)
        declines the file."""
        c = self.raw(aliases)
        if c is None:
            return None
        shape = (
            "[A-Z][a-z]{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{2} "
            "[0-9]{2}:[0-9]{2}:[0-9]{2} \\+0000 [0-9]{4}"
        )
        value = self._inner(
            f"CASE WHEN regexp_full_match({c}, '{shape}') "
            f"THEN try_strptime({c}, '%a %b %d %H:%M:%S +0000 %Y') END"
        )
        self.odd.append(f"{value} IS NULL OR strftime({value}, '%a') <> left({c}, 3)")
        self.values[target] = value
        return value

    def const(self, target: str, value: Any) -> None:
        self.consts[target] = value
        typ = self.spec.columns.get(target, "VARCHAR")
        self.values[target] = f"NULL::{typ}" if value is None else f"{lit(str(value))}::{typ}"

    def set(self, target: str, expr: str) -> None:
        self.consts.pop(target, None)
        self.values[target] = expr

    def require(self, target: str) -> None:
        """No row may leave ``target`` missing (or blank, for text); checked on the stored
        column after the insert (it holds the expression's value, cast)."""
        if target not in self.values:
            raise Declined(f"no {target}")
        col = quote(target)
        blank = f" OR {col} = ''" if self.spec.columns.get(target) == "VARCHAR" else ""
        self.stored.append(f"bool_or({col} IS NULL{blank})")

    def fail_where(self, condition: str) -> None:
        """Decline the file when ``condition`` (over the raw columns) holds on some row."""
        self.odd.append(f"coalesce({condition}, false)")

    def fail_stored(self, condition: str) -> None:
        """Decline the file when ``condition``, an aggregate over the stored table, holds."""
        self.stored.append(condition)

    def staged_columns(self) -> dict[str, str]:
        """Every canonical column (but import_id) as typed SQL, as ``Rows.finish`` types them."""
        out: dict[str, str] = {}
        for name, typ in self.spec.columns.items():
            if name == "import_id":
                continue
            expr = self.values.get(name)
            if expr is None:
                value = f"NULL::{typ}"
            else:
                value = f"CAST({expr} AS {typ})"
            if name in self.spec.key and typ == "VARCHAR":
                value = f"coalesce({value}, '')"
            out[name] = value
        return out


# -- planning ---------------------------------------------------------------------


@dataclass
class Plan:
    """A file the SQL path will try: its layout, format and canonical rows as SQL."""

    lay: Layout
    fmt: Format
    confidence: float
    rows: SqlRows
    #: the file's newlines, counted meanwhile (``lines.precount``)
    counted: Future[tuple[int, bool]] | None = None


def plan(path: Path, name: str, ctx: ReadContext, *, format: str | None = None) -> Plan | None:
    """A :class:`Plan` for a file the SQL path can try, else None (the Python path)."""
    from socialproof.ingest.registry import registry

    if ctx.mapping is not None:
        return None
    lay = layout(path, name)
    if lay is None:
        return None
    reg = registry()
    if format:
        fmt = reg.get(format)
        if fmt is None or "csv" not in fmt.kinds:
            return None
        try:
            confidence = float(fmt.detect(lay.sample))
        except Exception:
            return None
    else:
        scores = reg.detect(lay.sample)
        from socialproof.ingest.registry import MIN_CONFIDENCE

        if not scores or scores[0][1] < MIN_CONFIDENCE:
            return None
        fmt, confidence = scores[0]
        if len(scores) > 1 and scores[1][1] == confidence:
            return None  # a tie the whole file might settle otherwise
    if not allowed(fmt.name):
        return None
    try:
        rows = fmt.sql_read(lay, ctx)
    except Declined:
        return None
    if rows is None:
        return None
    rows.settle_edges()
    return Plan(lay, fmt, confidence, rows)


def allowed(format_name: str) -> bool:
    """Whether ``SOCIALPROOF_SQL_PATH`` lets the SQL path take this format's files.

    Unset or '1': every format with :meth:`Format.sql_read`; '0': none; otherwise a
    comma-separated list of format names ('meta-ads'), for before/after measurements.
    """
    setting = _setting()
    if setting in ("", "1"):
        return True
    return format_name in {name.strip() for name in setting.split(",")}


def enabled() -> bool:
    """Whether ``SOCIALPROOF_SQL_PATH`` lets the SQL path take any file (not '0')."""
    return _setting() != "0"


def _setting() -> str:
    return os.environ.get("SOCIALPROOF_SQL_PATH", "1").strip()


# -- staging and writing ----------------------------------------------------------


@dataclass
class Written:
    """What the SQL path stored: counts for the summary, notes, keys for the Parquet store."""

    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    records_inserted: int = 0
    records_updated: int = 0
    conflicts: int = 0
    conflict_rows: list[tuple[Any, ...]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def write(
    con: Any,
    p: Plan,
    *,
    sha256: str,
    display_name: str,
    publish: dict[str, pa.Table] | None,
    declared: Mapping[str, str],
    stored_accounts: Mapping[str, list[str]] | None = None,
) -> Written:
    """Read, check and store the file in DuckDB; raises :class:`Declined`.

    Runs inside the caller's transaction: a decline or an error rolls everything back.
    Only into an empty table (a first import): rows already stored take the Python
    path's merge (``engine.merge``: figure by figure, the newer export wins).
    """
    from socialproof.workspace import engine

    rows = p.rows
    spec = rows.spec
    target = quote(spec.name)
    empty = not engine.query_rows(con, f"SELECT 1 FROM {target} LIMIT 1")
    static = _static_platform(rows)
    if empty and (static is not None or spec.name not in ACCOUNT_TABLES):
        return _direct_write(
            con,
            p,
            sha256=sha256,
            display_name=display_name,
            platform=static,
            publish=publish,
            declared=declared,
            stored_accounts=stored_accounts,
        )
    raise Declined("the table has rows already, or the file's accounts need its rows")


def _static_platform(rows: SqlRows) -> str | None:
    """The one platform of every row when the file names no account, else None."""
    if "account" in rows.values or "platform" not in rows.consts:
        return None
    return str(rows.consts["platform"] or "")


def _final_columns(rows: SqlRows, sha256: str, account: str | None) -> dict[str, str]:
    """The canonical columns over the staged ones (``r``): accounts, keys, provenance."""
    spec = rows.spec
    final = {c: f"r.{quote(c)}" for c in spec.columns}
    final["import_id"] = lit(sha256)
    if account is not None:
        final["account"] = account
    if spec.name == "ad_stats":
        names = " || chr(31) || ".join(
            f"coalesce(r.{quote(c)}, '')" for c in ("campaign", "ad_set", "ad")
        )
        final["object_key"] = (
            f"CASE WHEN coalesce(r.object_key, '') = '' THEN 'name:' || {names} ELSE r.object_key END"
        )
    return final


def _out_of_range(spec: TableSpec) -> list[str]:
    """Aggregates true when a stored date is in the future or before 2004 (the importer
    rejects such rows: the file then takes the Python path)."""
    latest = datetime.now(UTC).replace(tzinfo=None) + timedelta(days=1)
    return [
        f"CAST(max({quote(c)}) AS TIMESTAMP) > TIMESTAMP '{latest:%Y-%m-%d %H:%M:%S.%f}' OR "
        f"CAST(min({quote(c)}) AS TIMESTAMP) < TIMESTAMP '{EARLIEST:%Y-%m-%d}'"
        for c in ("published_at", "created_at", "date", "date_start", "date_stop", "posted_at")
        if c in spec.columns and spec.columns[c] in ("DATE", "TIMESTAMP")
    ]


def _direct_write(
    con: Any,
    p: Plan,
    *,
    sha256: str,
    display_name: str,
    platform: str | None,
    publish: dict[str, pa.Table] | None,
    declared: Mapping[str, str],
    stored_accounts: Mapping[str, list[str]] | None,
) -> Written:
    """Into an empty table: one ``INSERT ... SELECT`` from ``read_csv``, then the checks.

    Rows the Python path would read otherwise are left out by the ``WHERE``; when the
    count inserted is not the file's count of data lines, the file is declined (and the
    transaction rolls back), so nothing is ever stored short.
    """
    from concurrent.futures import ThreadPoolExecutor

    import duckdb

    rows = p.rows
    spec = rows.spec
    written = Written(notes=list(rows.notes))
    account = None
    if platform is not None:
        account = _account(platform, display_name, rows.ctx, declared, stored_accounts)
    final = _final_columns(rows, sha256, account)
    staged = rows.staged_columns()
    select = ", ".join(f"{v} AS {quote(k)}" for k, v in staged.items())
    inner = "".join(f", {v} AS {k}" for k, v in rows.inner.items())
    if rows.odd:  # a row the Python path reads otherwise stops the insert (no filter)
        odd = " OR ".join(f"coalesce({o}, false)" for o in rows.odd)
        final["import_id"] = (
            f"CASE WHEN r._odd THEN error({lit(ODD_ROW)}) ELSE {final['import_id']} END"
        )
        select += f", ({odd}) AS _odd"
    cols = ", ".join(quote(c) for c in spec.columns)
    body = ", ".join(f"{v} AS {quote(c)}" for c, v in final.items())
    parsed = f"SELECT *{inner} FROM {read_csv_sql(p.lay)}"
    source = STAGE if rows.before else f"({parsed})"
    sql = (
        f"INSERT INTO {quote(spec.name)} ({cols}) SELECT {body} FROM ("
        f"SELECT {select} FROM {source} s{rows.join}) r"
    )
    _log.debug("sqlpath insert: %s", sql)
    with (
        _unordered(con),
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="socialproof-lines") as pool,
    ):
        lines = pool.submit(  # the newlines counted while the plan was drawn, if they were
            counted_lines,
            p.lay.path,
            p.lay.header_offset,
            p.counted,
            underscores=bool(p.lay.types),
        )
        try:
            if rows.before:  # the hooks read the parsed rows too: parse the file once
                with timed("read_csv and parse"):
                    con.execute(f"CREATE TEMP TABLE {STAGE} AS {parsed}")
                with timed("before the insert"):
                    for hook in rows.before:
                        hook(con, STAGE)
            with timed("insert" if rows.before else "read_csv, parse and insert"):
                n = int(con.execute(sql).fetchall()[0][0])
            if rows.before:
                con.execute(f"DROP TABLE {STAGE}")
        except duckdb.Error as exc:  # ragged rows, bad UTF-8, an odd row: the Python path
            raise Declined(f"read_csv: {exc}") from None
        physical, grouped = lines.result()
    if grouped and p.lay.types:
        raise Declined("digits grouped with '_'")
    if not n or n != physical - 1:
        raise Declined("rows the SQL path does not read as the Python path, or values across lines")
    key = ", ".join(quote(k) for k in spec.key)
    checks = [*rows.stored, *_out_of_range(spec)]
    odd_stored = " OR ".join(f"coalesce({c}, false)" for c in checks) or "false"
    with timed("repeated keys and stored checks"):
        distinct, odd_found = con.execute(
            f"SELECT count(DISTINCT hash({key})), {odd_stored} FROM {quote(spec.name)}"
        ).fetchall()[0]
    if odd_found:
        raise Declined("a stored value the Python path rejects (missing, not finite, out of range)")
    if int(distinct) != n:
        raise Declined("repeated keys")  # sameness.py settles them (a hash clash lands here too)
    written.rows_read = written.inserted = written.records_inserted = n
    for after in rows.after:
        after(con, written.notes)
    if spec.record_key != spec.key:
        rec = ", ".join(quote(k) for k in spec.record_key)
        written.records_inserted = int(
            con.execute(
                f"SELECT count(*) FROM (SELECT DISTINCT {rec} FROM {quote(spec.name)})"
            ).fetchall()[0][0]
        )
    if publish is not None:
        publish[spec.name] = con.sql(
            f"SELECT DISTINCT {key} FROM {quote(spec.name)}"
        ).to_arrow_table()
    return written


@contextlib.contextmanager
def _unordered(con: Any) -> Iterator[None]:
    """DuckDB may store the rows in any order for a while (both cores write at once; about
    a fifth off the insert). Rows have no order in the workspace: every reader sorts."""
    before = con.execute("SELECT current_setting('preserve_insertion_order')").fetchall()[0][0]
    con.execute("SET preserve_insertion_order = false")
    yield  # on an error the transaction's owner rolls back and closes the connection
    con.execute(f"SET preserve_insertion_order = {'true' if before else 'false'}")


def _account(
    platform: str,
    display_name: str,
    ctx: ReadContext,
    declared: Mapping[str, str],
    stored: Mapping[str, list[str]] | None,
) -> str:
    """Every row's account (SQL) for a file that names none: ``identity``'s choice for
    the file's one platform (what ``assign_accounts`` fills such rows with)."""
    from socialproof.ingest import identity

    chosen = identity.account_for_unnamed(
        platform, display_name=display_name, given=ctx.account, declared=declared, stored=stored
    )
    return (
        f"CASE WHEN coalesce(r.account, '') = '' THEN CASE WHEN coalesce(r.platform, '') = "
        f"{lit(platform)} THEN {lit(chosen)} ELSE '' END ELSE r.account END"
    )
