"""Import export files into a workspace: detect, read, check, upsert, archive.

One file goes in whole or not at all: its canonical rows and its ``imports``
row are written in one transaction. The raw file is archived as
``imports/<sha256><ext>`` and rejected rows go to
``imports/<sha256>.rejects.csv``; both files appear only once the transaction
has committed (temporary files are removed if anything fails, Ctrl-C
included). The same file twice adds nothing.

Formats may add an integer ``_line`` column (source line of each row) to the
tables they return; the importer uses it for rejects and drops it.

Between reading and writing, every row gets its account (``identity.py``) and
rows with one key are settled (``sameness.py``); writing merges figure by figure
(``engine.merge``): an empty cell or a 0 never replaces a value and the newer
export wins. Files that would take their account from the workspace wait until
the files of the same run that name theirs are in, so the order of the files
does not change the result.
"""

from __future__ import annotations

import contextlib
import csv
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialproof.errors import (
    BadExport,
    FileMissing,
    NoAccount,
    NotText,
    SocialproofError,
)
from socialproof.ingest.archive import MEDIA_SUFFIXES, ArchiveMember, expand_paths
from socialproof.ingest.base import LINE_COLUMN, ReadContext, ReadResult, Reject
from socialproof.ingest.prehash import sha256_file
from socialproof.ingest.rawcopy import PendingCopy, temp_copy
from socialproof.workspace.schema import ROLLUP_TABLE

if TYPE_CHECKING:
    import pyarrow as pa

    from socialproof.ingest.base import Format, Source
    from socialproof.ingest.sqlpath import Plan as SqlPlan
    from socialproof.workspace.core import Workspace
    from socialproof.workspace.engine import MergeCounts
    from socialproof.workspace.schema import TableSpec

_log = logging.getLogger(__name__)

EARLIEST = datetime(2004, 1, 1)  # nothing social predates 2004
_DATE_COLUMNS = ("published_at", "created_at", "date", "date_start", "date_stop", "posted_at")

FAST_INSERT_ROWS = 50_000  # batches this big go into an empty table by a plain append

Progress = Callable[[int, int, str], None]


@dataclass
class ImportSummary:
    """What happened to one file."""

    path: str
    status: str = "imported"  # imported, already imported, dry run, failed
    format: str = ""
    label: str = ""
    confidence: float = 0.0
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    conflicts: int = 0
    rejects_file: Path | None = None
    sha256: str = ""
    size_bytes: int = 0
    error: str | None = None
    deferrable: bool = False  # refused for want of an account; retried at the end of the run
    exported_at: datetime | None = None
    notes: list[str] = field(default_factory=list)
    tables: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    #: whether the dashboard had stored roll-ups when the file was looked at (None: not
    #: known); with none, the CLI has none to bring up to date (one connection fewer)
    rollups_stored: bool | None = None

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    def as_row(self, *, compact: bool = False) -> dict[str, Any]:
        """The summary as a table row; ``compact`` leaves out the long columns (terminals)."""
        row: dict[str, Any] = {
            "file": self.path,
            "status": self.status,
            "format": self.format,
            "confidence": round(self.confidence, 2),
            "read": self.rows_read,
            "inserted": self.inserted,
            "updated": self.updated,
            "rejected": self.rejected,
            "conflicts": self.conflicts,
            "rejects file": _short(self.rejects_file),
        }
        if compact:  # fits an 80-column terminal: the status shows in place of the format
            shown = self.format if self.status in ("imported", "dry run") else f"({self.status})"
            return {
                "file": Path(self.path.split("!")[-1]).name,
                "format": shown,
                "read": self.rows_read,
                "new": self.inserted,
                "updated": self.updated,
                "rejected": self.rejected,
                "conflicts": self.conflicts,
            }
        return row

    def conflict_note(self) -> str | None:
        """The conflicts in plain words, or None."""
        if not self.conflicts:
            return None
        s = "" if self.conflicts == 1 else "s"
        return (
            f"{self.conflicts} conflict{s}: row{s} with the same account, object and period "
            "as another row but different figures (each is listed with what was kept in "
            "the rejects file)."
        )


def _stored_path(name: str) -> str:
    """Where the file came from, absolute (zip members keep 'archive.zip!member')."""
    archive, sep, member = name.partition("!")
    try:
        return str(Path(archive).resolve()) + sep + member
    except OSError:
        return name


def _local(stamp: Any, timezone: str) -> str:
    """A naive UTC timestamp shown in the workspace's timezone."""
    from zoneinfo import ZoneInfo

    if stamp is None or str(stamp) in ("NaT", "None"):
        return ""
    when = stamp.to_pydatetime() if hasattr(stamp, "to_pydatetime") else stamp
    local = when.replace(tzinfo=UTC).astimezone(ZoneInfo(timezone))
    return f"{local:%Y-%m-%d %H:%M}"


def _short(path: Path | None) -> str:
    if path is None:
        return ""
    return f"{path.parent.name}/{path.name}"


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


def read_context(ws: Workspace, **overrides: Any) -> ReadContext:
    """The ReadContext for ``ws`` with the user's options (None leaves a default)."""
    s = ws.settings
    ctx = ReadContext(
        timezone=s.timezone, currency=s.currency, brand_handles=tuple(s.brand.handles)
    )
    given = {k: v for k, v in overrides.items() if v is not None}
    return replace(ctx, **given)


def import_paths(
    ws: Workspace,
    paths: list[Path],
    *,
    format: str | None = None,
    ctx: ReadContext | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    debug: bool = False,
) -> list[ImportSummary]:
    """Import files, folders (recursively) and .zip archives; one summary per file.

    A file that fails is reported in its summary and the others still import;
    ``debug`` re-raises unexpected errors (bugs) instead.
    """
    ctx = ctx or read_context(ws)
    if ctx.mapping is not None:
        from socialproof.ingest.generic import load_mapping

        load_mapping(Path(ctx.mapping))  # a broken mapping is one error, not one per file
        format = format or "generic"
    if not dry_run:
        _check_writable(ws)
    summaries: list[ImportSummary] = []
    # Archives unpack next to the workspace (not into /tmp, which may be memory).
    with tempfile.TemporaryDirectory(prefix=".import-", dir=_scratch_parent(ws)) as tmp:
        members, missing = expand_paths([Path(p) for p in paths], Path(tmp))
        for name, exc in missing:
            summaries.append(ImportSummary(path=name, status="failed", error=str(exc)))
        seen: set[str] = set()
        total = len(members)
        waiting: list[tuple[int, ArchiveMember]] = []
        results: dict[int, ImportSummary] = {}

        def one(k: int, member: ArchiveMember, *, use_workspace_account: bool) -> ImportSummary:
            return _import_one(
                ws,
                member,
                format=format,
                ctx=ctx,
                dry_run=dry_run,
                seen=seen,
                stage=_stage_reporter(progress, k, total),
                debug=debug,
                use_workspace_account=use_workspace_account,
            )

        for k, member in enumerate(members):
            if progress:
                progress(k, total, member.display_name)
            summary = one(k, member, use_workspace_account=total == 1)
            if summary.deferrable:
                waiting.append((k, member))
                seen.discard(summary.sha256)
            results[k] = summary
        for k, member in waiting:  # now every file that names its account is in
            results[k] = one(k, member, use_workspace_account=True)
        summaries.extend(results[k] for k in sorted(results))
        if progress:
            progress(total, total, "")
    return summaries


def _stage_reporter(progress: Progress | None, k: int, total: int) -> Callable[[str], None] | None:
    if progress is None:
        return None
    report = progress

    def stage(what: str) -> None:
        report(k, total, what)

    return stage


def _scratch_parent(ws: Workspace) -> Path | None:
    """The workspace folder when socialproof may write there, else the system temp folder."""
    root = Path(ws.root)
    return root if os.access(root, os.W_OK) else None


def _check_writable(ws: Workspace) -> None:
    from socialproof.errors import WorkspaceError

    for folder in (ws.root, ws.imports_dir):
        if folder.exists() and not os.access(folder, os.W_OK):
            raise WorkspaceError(
                f"Cannot write to the workspace {folder}: permission denied.",
                hint="Check the folder's permissions or use a workspace you own.",
            )


def _import_one(
    ws: Workspace,
    member: ArchiveMember,
    *,
    format: str | None,
    ctx: ReadContext,
    dry_run: bool,
    seen: set[str],
    stage: Callable[[str], None] | None = None,
    debug: bool = False,
    use_workspace_account: bool = True,
) -> ImportSummary:
    summary = ImportSummary(path=member.display_name)
    pending: PendingCopy | None = None
    counted: Future[tuple[int, bool]] | None = None  # the SQL path's line count, ahead
    count_stop = threading.Event()
    if not member.explicit and member.path.suffix.lower() in MEDIA_SUFFIXES:
        summary.status = "skipped"
        summary.notes.append(f"{member.display_name}: not an export file; skipped.")
        return summary
    try:
        stat = member.path.stat()
        summary.size_bytes = stat.st_size
        summary.exported_at = datetime.fromtimestamp(stat.st_mtime, UTC).replace(
            tzinfo=None, microsecond=0
        )
        from socialproof.ingest import lines, sqlpath  # the SQL path's candidates need no pandas

        planned: list[SqlPlan | None] = []
        read_file = ctx.options.get("read_file")  # a reader handed in: ingest/spark_reader.py
        sql_path = read_file is None and stat.st_size >= sqlpath.SQL_PATH_BYTES

        looking: list[Future[_Before]] = []

        def early(digest: Future[str]) -> None:
            # once the digest is known, on the core the hash leaves idle while the
            # libraries load and the plan is drawn (before DuckDB wants both): the file's
            # lines are counted and a copy goes into imports/ (both stopped, and the copy
            # removed, when nothing uses them)
            nonlocal pending, counted
            if sqlpath.enabled():
                counted = lines.precount(member.path, after=digest, stop=count_stop)
            if not dry_run:
                ws.imports_dir.mkdir(exist_ok=True)
                pending = PendingCopy(member.path, ws.imports_dir, digest)

        def plan_sql(digest: Future[str]) -> None:
            # the workspace is looked at on another thread meanwhile: DuckDB lets go of
            # the GIL while it opens the file and answers, the plan is Python
            looking.append(_look_meanwhile(ws, digest))
            drawn = _sql_plan(member, format, ctx)
            if drawn is not None:
                drawn.counted = counted
            planned.append(drawn)

        summary.sha256 = _hash_while_loading(
            member.path,
            pandas=not sql_path,
            meanwhile=plan_sql if sql_path else None,
            hashing=early if sql_path else None,
        )
        looked = _Before("earlier in this run") if summary.sha256 in seen else None
        looked = looked or (looking[0].result() if looking else _look_before(ws, summary.sha256))
        before = looked.before
        if before:
            summary.status = "already imported"
            summary.notes.append(
                f"{member.display_name} was imported before ({before}); nothing added."
            )
            return summary
        seen.add(summary.sha256)
        summary.rollups_stored = looked.rollups
        if not dry_run and pending is None:  # copied into imports/ on the other core meanwhile
            ws.imports_dir.mkdir(exist_ok=True)
            pending = PendingCopy(member.path, ws.imports_dir, summary.sha256)
        if stage:
            stage(f"{member.display_name}: reading")
        if planned and _sql_import(
            ws, member, summary, planned[0], dry_run, pending, use_workspace_account, looked
        ):
            return summary
        if pending is not None and pending.used:  # the SQL path declined after taking it
            pending = PendingCopy(member.path, ws.imports_dir, summary.sha256)
        if read_file is not None:
            source, fmt, confidence, result = read_file(member, format)
        else:
            source, fmt, confidence = open_and_detect(member, format=format, sha256=summary.sha256)
            summary.format, summary.label = fmt.name, fmt.label  # named if its read fails
            result = fmt.read(source, ctx)
        summary.format, summary.label, summary.confidence = fmt.name, fmt.label, confidence
        _check_result(fmt, result)
        if format:
            _check_forced(fmt, source, result)
        summary.notes.extend(source.notes)
        tables, rejects, conflicts = _prepare(
            result, source, ws, ctx, summary.sha256, use_workspace_account=use_workspace_account
        )
        summary.rows_read = result.rows_read
        summary.rejected = len(rejects)
        summary.conflicts = len(conflicts) + sum(r.reason.startswith("conflict") for r in rejects)
        rejects = sorted([*rejects, *conflicts], key=lambda r: (r.line is None, r.line or 0))
        summary.notes.extend(result.notes)
        del source, result  # the raw cells are no longer needed: free them before writing
        if stage:
            stage(
                f"{member.display_name}: writing {sum(t.num_rows for t in tables.values()):,} rows"
            )
        _write(ws, member, summary, tables, rejects, dry_run=dry_run, pending=pending)
    except NoAccount as exc:
        summary.status = "failed"
        summary.error = str(exc)
        summary.deferrable = exc.deferrable
    except SocialproofError as exc:
        if not member.explicit and isinstance(exc, NotText):
            summary.status = "skipped"  # a binary file inside a data download
            summary.notes.append(f"{member.display_name}: not an export (binary); skipped.")
            return summary
        summary.status = "failed"
        summary.error = str(exc)
    except (OSError, MemoryError) as exc:
        summary.status = "failed"
        summary.error = f"{member.display_name}: {type(exc).__name__}: {exc}"
    except Exception as exc:  # a bug in a format must not stop the other files
        if debug:
            raise
        summary.status = "failed"
        summary.error = (
            f"{member.display_name}: unexpected {type(exc).__name__} in the "
            f"'{summary.format or 'detection'}' reader: {exc}. Re-run with --debug and report it."
        )
    finally:
        if pending is not None:
            pending.discard()  # no-op once the write moved it into place
        if counted is not None:  # done when the SQL path used it; else stopped at its next read
            count_stop.set()
            counted.exception()  # waits: no reader outlives the import of its file
    return summary


def _sql_plan(member: ArchiveMember, format: str | None, ctx: ReadContext) -> SqlPlan | None:
    """How the SQL path would read the file (``sqlpath.plan``), or None: the Python path."""
    from socialproof.ingest import sqlpath

    if not sqlpath.enabled():
        return None
    return sqlpath.plan(member.path, member.display_name, ctx, format=format)


def _sql_import(
    ws: Workspace,
    member: ArchiveMember,
    summary: ImportSummary,
    plan: SqlPlan | None,
    dry_run: bool,
    pending: PendingCopy | None,
    use_workspace_account: bool,
    looked: _Before | None = None,
) -> bool:
    """Import a large clean CSV by DuckDB alone (``sqlpath.py``); False: the Python path."""
    from socialproof.ingest import sqlpath

    if plan is None:
        return False
    if looked is not None and looked.filled is not None:
        empty = plan.rows.table not in looked.filled  # checked again when writing
    else:
        empty = _empty_table(ws, plan.rows.table)
    if not empty:
        return False  # rows stored already: the merge of the Python path
    summary.format, summary.label = plan.fmt.name, plan.fmt.label
    summary.confidence = plan.confidence
    try:  # a decline is raised before the summary's counts and notes are touched
        _write(
            ws,
            member,
            summary,
            {},
            [],
            dry_run=dry_run,
            pending=pending,
            plan=plan,
            use_workspace_account=use_workspace_account,
        )
    except sqlpath.Declined as exc:
        _log.debug("%s: the SQL path declined (%s); reading it in Python", member.display_name, exc)
        return False
    return True


def _empty_table(ws: Workspace, name: str) -> bool:
    """Whether the canonical table ``name`` has no rows yet (checked again when writing)."""
    from socialproof.errors import WorkspaceBusy
    from socialproof.workspace import engine

    try:
        with ws.connect(read_only=True) as con:
            return not engine.query_rows(con, f'SELECT 1 FROM "{name}" LIMIT 1')
    except WorkspaceBusy:
        return True
    except duckdb_errors():
        return True


def duckdb_errors() -> type[Exception]:
    import duckdb

    return duckdb.Error


def open_and_detect(
    member: ArchiveMember | Path, *, format: str | None = None, sha256: str = ""
) -> tuple[Source, Format, float]:
    """Open a file and pick its format (forced by name, else the best detection)."""
    from socialproof.ingest.registry import registry
    from socialproof.ingest.sources import open_source

    if isinstance(member, Path):
        member = ArchiveMember(member, str(member))
    reg = registry()
    fmt_forced = reg.get(format) if format else None
    source = open_source(member.path, display_name=member.display_name, sha256=sha256)
    if fmt_forced is not None:
        if source.kind not in fmt_forced.kinds:
            raise BadExport(
                f"{member.display_name} is {source.kind.upper()}, which the format "
                f"'{fmt_forced.name}' does not read ({', '.join(fmt_forced.kinds)}).",
                hint="Pass another --format, or leave it out to detect the format.",
            )
        try:
            confidence = float(fmt_forced.detect(source))
        except Exception:
            confidence = 0.0
        return source, fmt_forced, confidence
    if not any(f.data.num_rows for f in source.frames) and source.kind in ("csv", "xlsx", "xls"):
        _no_rows(source)
    fmt, confidence = reg.choose(source)
    return source, fmt, confidence


def _no_rows(source: Source) -> None:
    rejects = sum(len(f.rejects) for f in source.frames)
    if rejects:
        return
    header = ", ".join(source.frames[0].header[:6]) if source.frames else ""
    if not header:
        raise BadExport(f"{source.display_name} holds no records.", hint="Export the data again.")
    raise BadExport(
        f"{source.display_name} has a header ({header}) but no data rows.",
        hint="Export a date range that has data.",
    )


def _check_forced(fmt: Format, source: Source, result: ReadResult) -> None:
    """A format the user forced that read nothing from the file is an error, not an import."""
    if any(t.num_rows for t in result.tables.values()) or result.rejects:
        return
    if any(f.rejects for f in source.frames):
        return
    missing = fmt.missing(source)
    what = f" (missing: {', '.join(missing)})" if missing else ""
    raise BadExport(
        f"The format '{fmt.name}' read no rows from {source.display_name}{what}.",
        hint="Pass another --format, or leave it out to detect the format.",
    )


def _check_result(fmt: Format, result: ReadResult) -> None:
    from socialproof.workspace.schema import CANONICAL

    for name in result.tables:
        if name not in CANONICAL or name == "imports":
            raise BadExport(
                f"The format '{fmt.name}' produced rows for an unknown table '{name}'.",
                hint="This is a bug in that format; report it.",
            )


def _prepare(
    result: ReadResult,
    source: Source,
    ws: Workspace,
    ctx: ReadContext,
    sha256: str,
    *,
    use_workspace_account: bool = True,
) -> tuple[dict[str, pa.Table], list[Reject], list[Reject]]:
    """Check dates, name accounts, settle repeated keys, set is_brand, add provenance.

    Returns the tables, the rejected rows (source rejects included) and the rows kept
    despite a conflict (listed in the rejects file too, with what was done).
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from socialproof.ingest import sameness
    from socialproof.workspace.schema import CANONICAL

    rejects: list[Reject] = [r for f in source.frames for r in f.rejects]
    rejects.extend(result.rejects)
    out: dict[str, pa.Table] = {}
    now = datetime.now(UTC).replace(tzinfo=None)
    latest = now + timedelta(days=1)
    for name, table in result.tables.items():
        if table.num_rows == 0:
            continue
        bad = np.zeros(table.num_rows, dtype=bool)
        reasons = np.full(table.num_rows, "", dtype=object)
        for col in _DATE_COLUMNS:
            if col not in table.column_names:
                continue
            values = table[col]
            if pa.types.is_string(values.type):
                continue
            stamps = values.cast(pa.timestamp("us")) if pa.types.is_date(values.type) else values
            future = pc.greater(stamps, pa.scalar(latest, pa.timestamp("us")))
            early = pc.less(stamps, pa.scalar(EARLIEST, pa.timestamp("us")))
            f_np = future.fill_null(False).to_numpy(zero_copy_only=False)
            e_np = early.fill_null(False).to_numpy(zero_copy_only=False)
            if f_np.any() or e_np.any():
                texts = values.to_pylist()
                for k in np.flatnonzero(f_np | e_np):
                    if not bad[k]:
                        when = "in the future" if f_np[k] else "before 2004"
                        reasons[k] = f"{col} {texts[k]} is {when}"
                bad |= f_np | e_np
        if bad.any():
            lines = table[LINE_COLUMN].to_pylist() if LINE_COLUMN in table.column_names else None
            rows = table.drop_columns(
                [c for c in (LINE_COLUMN,) if c in table.column_names]
            ).filter(pa.array(bad))
            raws = [_row_text(r) for r in rows.to_pylist()]
            for j, k in enumerate(np.flatnonzero(bad)):
                line = int(lines[k]) if lines and lines[k] is not None else None
                rejects.append(Reject(line, str(reasons[k]), raws[j]))
            table = table.filter(pa.array(~bad))
        if name == "messages":
            table = _mark_brand(table, ctx, result)
        out[name] = table
    out = _with_accounts(out, source, ws, ctx, result, use_workspace_account)
    conflicts: list[Reject] = []
    for name, table in list(out.items()):
        spec = CANONICAL[name]
        if name == "ad_stats":
            table = sameness.with_object_keys(table)
        if spec.key:
            settled = sameness.resolve(table, spec)
            table = settled.table
            rejects.extend(settled.dropped)
            conflicts.extend(settled.conflicts)
            result.notes.extend(settled.notes)
        out[name] = _with_import_id(table, sha256)
    return out, sorted(rejects, key=lambda r: (r.line is None, r.line or 0)), conflicts


def _with_accounts(
    tables: dict[str, pa.Table],
    source: Source,
    ws: Workspace,
    ctx: ReadContext,
    result: ReadResult,
    use_workspace_account: bool,
) -> dict[str, pa.Table]:
    """Every row of the account tables names its account (see ``identity.py``)."""
    from socialproof.ingest import identity
    from socialproof.workspace.schema import ACCOUNT_TABLES

    if not any(name in tables for name in ACCOUNT_TABLES):
        return tables
    stored: dict[str, list[str]] | None = None
    if use_workspace_account:
        with ws.connect(read_only=True) as con:
            stored = identity.stored_accounts(con) if _has_tables(con) else {}
    out, notes = identity.assign_accounts(
        tables,
        display_name=source.display_name,
        given=ctx.account,
        declared=ws.settings.brand.accounts,
        stored=stored,
    )
    result.notes.extend(notes)
    return out


def _has_tables(con: Any) -> bool:
    from socialproof.workspace import engine

    return {"posts", "account_daily", "ad_stats"} <= set(engine.list_tables(con))


def _row_text(row: dict[str, Any]) -> str:
    parts = [f"{k}={v}" for k, v in row.items() if v not in (None, "")]
    return "; ".join(parts)[:2000]


def _with_import_id(table: pa.Table, sha256: str) -> pa.Table:
    """Provenance column; dictionary-encoded so a million rows cost 4 MB, not 64."""
    import numpy as np
    import pyarrow as pa

    column = pa.DictionaryArray.from_arrays(
        pa.array(np.zeros(table.num_rows, dtype=np.int32)), pa.array([sha256], pa.string())
    )
    if "import_id" in table.column_names:
        return table.set_column(table.column_names.index("import_id"), "import_id", column)
    return table.append_column("import_id", column)


def _handle_key(text: str) -> str:
    return text.strip().lstrip("@").casefold()


def _mark_brand(table: pa.Table, ctx: ReadContext, result: ReadResult) -> pa.Table:
    """is_brand: the author is a brand handle, or the export says the message is not inbound."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = table.num_rows
    handles = sorted({_handle_key(h) for h in ctx.brand_handles if h.strip()})
    brand = pa.repeat(False, n) if n else pa.array([], pa.bool_())
    if handles and "author_id" in table.column_names:
        authors = pc.utf8_lower(pc.utf8_ltrim(pc.utf8_trim_whitespace(table["author_id"]), "@"))
        found = pc.is_in(authors, value_set=pa.array(handles)).fill_null(False)
        brand = pc.or_(brand, found)
        present = set(pc.unique(pc.filter(authors, found)).to_pylist())
        for h in ctx.brand_handles:
            if h.strip() and _handle_key(h) not in present:
                result.notes.append(
                    f"The brand handle {h!r} (settings: brand.handles) does not appear "
                    "among this file's authors."
                )
    if "inbound" in table.column_names:
        not_inbound = pc.invert(table["inbound"].cast(pa.bool_())).fill_null(False)
        brand = pc.or_(brand, not_inbound)
    if "is_brand" in table.column_names:
        given = table["is_brand"].cast(pa.bool_()).fill_null(False)
        brand = pc.or_(brand, given)
        return table.set_column(table.column_names.index("is_brand"), "is_brand", brand)
    return table.append_column("is_brand", brand)


def _already_imported(ws: Workspace, sha256: str) -> str | None:
    """How the same content was imported before ('as meta-ads from a.csv'), or None."""
    return _look_before(ws, sha256).before


@dataclass
class _Before:
    """What one read-only look at the workspace found before a file is read."""

    before: str | None = None  # how the same content was imported before, if it was
    filled: set[str] | None = None  # canonical tables with rows (None: not known)
    rollups: bool | None = None  # whether the dashboard stored roll-ups (None: not known)


def _look_meanwhile(ws: Workspace, digest: Future[str]) -> Future[_Before]:
    """:func:`_look_before` on a thread of its own: the connection opens and the tables
    are looked at while ``digest`` is still being computed (its errors, and the look's,
    come out of ``result()``, as from the call itself)."""
    import threading

    done: Future[_Before] = Future()

    def run() -> None:
        if not done.set_running_or_notify_cancel():
            return
        try:
            done.set_result(_look_before(ws, digest))
        except BaseException as exc:  # handed to the caller of result()
            done.set_exception(exc)

    threading.Thread(target=run, name="socialproof-look", daemon=True).start()
    return done


def _look_before(ws: Workspace, sha256: str | Future[str]) -> _Before:
    """One read-only connection per file: the schema is current (else migrate first),
    whether the content was imported before, and which canonical tables have rows
    (``sha256`` may still be coming: it is waited for last).

    The ``import`` command opens its workspace without the migration check and lets
    this connection make it (one DuckDB connection fewer per process).
    """
    import duckdb

    from socialproof.errors import WorkspaceBusy
    from socialproof.workspace import engine
    from socialproof.workspace.schema import CANONICAL

    found = _Before()
    try:
        with ws.connect(read_only=True) as con:
            current = ws.schema_current(con)
            if current:
                found.filled, found.rollups = _filled_tables(con, engine, CANONICAL)
                digest = sha256.result() if isinstance(sha256, Future) else sha256
                rows = engine.query_rows(
                    con, "SELECT format, path FROM imports WHERE import_id = ? LIMIT 1", [digest]
                )
        if not current:
            ws.migrate()
            return _look_before(ws, sha256)
    except WorkspaceBusy:
        return found  # checked again inside the transaction
    except duckdb.CatalogException:  # a workspace without the imports table yet
        return found
    if rows:
        fmt, path = rows[0]
        found.before = f"as {fmt} from {path}"
    return found


def _filled_tables(con: Any, engine: Any, canonical: Mapping[str, Any]) -> tuple[set[str], bool]:
    """The canonical tables with rows, and whether any roll-up is stored (one query)."""
    names = set(engine.list_tables(con))
    present = [n for n in canonical if n in names]
    if ROLLUP_TABLE in names:
        present.append(ROLLUP_TABLE)
    if not present:
        return set(), False
    union = " UNION ALL ".join(
        f"SELECT '{n}' WHERE EXISTS (SELECT 1 FROM \"{n}\")" for n in present
    )
    filled = {str(r[0]) for r in engine.query_rows(con, union)}
    return filled - {ROLLUP_TABLE}, ROLLUP_TABLE in filled


def _write(
    ws: Workspace,
    member: ArchiveMember,
    summary: ImportSummary,
    tables: dict[str, pa.Table],
    rejects: list[Reject],
    *,
    dry_run: bool,
    pending: PendingCopy | None = None,
    plan: SqlPlan | None = None,
    use_workspace_account: bool = True,
) -> None:
    """Store the rows and the ``imports`` row in one transaction, then archive the file.

    With a ``plan`` (``sqlpath.py``) DuckDB reads and stores the file itself inside the
    transaction; :class:`~socialproof.ingest.sqlpath.Declined` rolls it back.
    """

    from socialproof.workspace import engine, parquet_store
    from socialproof.workspace.schema import CANONICAL

    sha = summary.sha256
    ext = "".join(member.path.suffixes[-1:]).lower()[:12]
    archive = ws.imports_dir / f"{sha}{ext}"
    rejects_path = ws.imports_dir / f"{sha}.rejects.csv"
    temps: list[Path] = []
    tmp_rejects: Path | None = None
    tmp_archive: Path | None = None
    try:
        if not dry_run:
            ws.imports_dir.mkdir(exist_ok=True)
            if pending is None:
                tmp_archive = temp_copy(member.path, ws.imports_dir, sha)
                temps.append(tmp_archive)
        try:
            # with a Parquet store, the partitions this file changed are published on commit
            with parquet_store.publishing_import(ws, tables), write_transaction(ws) as con:
                if engine.query_rows(
                    con, "SELECT 1 FROM imports WHERE import_id = ? LIMIT 1", [sha]
                ):
                    summary.status = "already imported"
                    return
                if plan is not None:
                    _write_planned(ws, con, plan, summary, rejects, tables, use_workspace_account)
                for name, table in tables.items() if plan is None else ():
                    counts = _insert_or_merge(con, CANONICAL[name], table, summary.exported_at)
                    summary.tables[name] = (counts.inserted, counts.updated, counts.unchanged)
                    summary.inserted += counts.records_inserted
                    summary.updated += counts.records_updated
                    summary.unchanged += counts.unchanged
                    summary.conflicts += counts.conflicts
                    rejects.extend(Reject(*row) for row in counts.conflict_rows)
                if summary.conflicts and (note := summary.conflict_note()):
                    summary.notes.append(note)
                note = " ".join(summary.notes)[:4000]
                row = {
                    "import_id": sha,
                    "path": _stored_path(summary.path),
                    "format": summary.format,
                    "table_name": plan.rows.table if plan else ",".join(sorted(tables)),
                    "rows_read": summary.rows_read,
                    "rows_rejected": summary.rejected,
                    "rows_inserted": summary.inserted,
                    "rows_updated": summary.updated,
                    "size_bytes": summary.size_bytes,
                    "confidence": float(summary.confidence),
                    "imported_at": datetime.now(UTC).replace(tzinfo=None),
                    "note": note,
                    "exported_at": summary.exported_at,
                    "rows_conflicting": summary.conflicts,
                }
                record_import(con, row)
                if dry_run:
                    raise _DryRun
                if tmp_archive is None and pending is not None:  # copied while rows went in
                    tmp_archive = pending.result()
                    temps.append(tmp_archive)
                if rejects:  # written before the commit: a failure here rolls back
                    rejects.sort(key=lambda r: (r.line is None, r.line or 0))
                    tmp_rejects = _write_rejects_temp(rejects, ws.imports_dir, sha)
                    temps.append(tmp_rejects)
        except _DryRun:
            summary.status = "dry run"
            return
        # committed: now the archived raw file and the rejects appear
        if tmp_archive is None:  # every way to a commit copies the file first
            raise RuntimeError(f"{member.display_name}: imported, but its archive copy is missing")
        os.replace(tmp_archive, archive)
        temps.remove(tmp_archive)
        if tmp_rejects is not None:
            os.replace(tmp_rejects, rejects_path)
            temps.remove(tmp_rejects)
            summary.rejects_file = rejects_path
    finally:
        for tmp in temps:
            with contextlib.suppress(OSError):
                tmp.unlink()


def record_import(con: Any, row: Mapping[str, Any]) -> None:
    """The ``imports`` row of a file, inside the import's transaction.

    Its import_id is new (checked in the same transaction), so a plain insert; with
    parameters, not a pyarrow table (which would load pandas on the SQL path).
    """
    from socialproof.workspace.schema import IMPORTS

    names = [c for c in IMPORTS.columns if c in row]
    con.execute(
        f"INSERT INTO imports ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
        [row[c] for c in names],
    )


def _write_planned(
    ws: Workspace,
    con: Any,
    plan: SqlPlan,
    summary: ImportSummary,
    rejects: list[Reject],
    publish: dict[str, pa.Table],
    use_workspace_account: bool,
) -> None:
    """The SQL path's part of :func:`_write`: DuckDB reads, checks and stores the file."""
    from socialproof.ingest import identity, sqlpath

    stored = None
    if use_workspace_account:
        stored = identity.stored_accounts(con) if _has_tables(con) else {}
    done = sqlpath.write(
        con,
        plan,
        sha256=summary.sha256,
        display_name=summary.path,
        publish=publish if ws.settings.engine.storage else None,
        declared=ws.settings.brand.accounts,
        stored_accounts=stored,
    )
    summary.rows_read = done.rows_read
    summary.notes.extend(done.notes)
    summary.tables[plan.rows.table] = (done.inserted, done.updated, done.unchanged)
    summary.inserted += done.records_inserted
    summary.updated += done.records_updated
    summary.unchanged += done.unchanged
    summary.conflicts += done.conflicts
    rejects.extend(Reject(*row) for row in done.conflict_rows)


def _insert_or_merge(
    con: Any, spec: TableSpec, table: pa.Table, as_of: datetime | None
) -> MergeCounts:
    """``engine.merge``; into an empty table, a plain append (no staging, 40 % less CPU).

    The append is only taken when the batch has no duplicate keys, so the result is
    exactly what the merge would store.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    from socialproof.workspace import engine

    n = table.num_rows
    if n < FAST_INSERT_ROWS or engine.query_rows(con, f'SELECT 1 FROM "{spec.name}" LIMIT 1'):
        return engine.merge(con, spec, table, as_of=as_of)
    keys = [table[k].cast(pa.string()) for k in spec.key if k in table.column_names]
    if len(keys) != len(spec.key) or any(k.null_count for k in keys):
        return engine.merge(con, spec, table, as_of=as_of)
    from socialproof.workspace.schema import keys_marked_unique

    if not keys_marked_unique(table):
        varying = [k for k in keys if pc.count_distinct(k).as_py() > 1] or keys[:1]
        joined = varying[0] if len(varying) == 1 else pc.binary_join_element_wise(*varying, "\x1f")
        if pc.count_distinct(joined).as_py() != n:
            return engine.merge(con, spec, table, as_of=as_of)
    columns = [c for c in table.column_names if c in spec.columns]
    engine.append(con, spec.name, table.select(columns))
    records = n
    if spec.record_key != spec.key:
        records = (
            table.select(list(spec.record_key))
            .group_by(list(spec.record_key))
            .aggregate([])
            .num_rows
        )
    return engine.MergeCounts(inserted=n, records_inserted=records)


@contextlib.contextmanager
def write_transaction(ws: Workspace, *, wait_s: float = 60.0) -> Iterator[Any]:
    """``ws.transaction()``, waiting while another process has the database open."""
    from socialproof.errors import WorkspaceBusy

    deadline = time.monotonic() + wait_s
    while True:
        stack = contextlib.ExitStack()
        try:
            con = stack.enter_context(ws.transaction())
        except WorkspaceBusy:
            stack.close()
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.25)
            continue
        with stack:
            yield con
        return


def _hash_while_loading(
    path: Path,
    *,
    pandas: bool = True,
    meanwhile: Callable[[Future[str]], None] | None = None,
    hashing: Callable[[Future[str]], None] | None = None,
) -> str:
    """sha256 of the file, hashed on a second core while the data libraries load (and
    ``meanwhile`` runs: the SQL path's plan, which needs no digest). ``hashing`` is
    handed the digest's future as soon as it exists (work that waits for the digest on
    a thread of its own: the archive copy).

    hashlib lets go of the GIL on large blocks, so both run at once; the libraries are
    needed for the read that follows anyway (already loaded for a second file). The
    hash may have started before, while the command loaded (``prehash.py``). Then, with
    ``pandas``, pandas starts loading on a thread of its own: pyarrow loads it on the
    first ``pa.array`` of Python values (half a second), and the CSV parse that comes
    first lets go of the GIL for most of its time. The SQL path needs no pandas.
    """
    import importlib
    import sys
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from socialproof.ingest import prehash

    early = prehash.take(path)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="socialproof-sha256") as pool:
        future = early or pool.submit(sha256_file, path)
        if hashing is not None:
            hashing(future)
        # the Python path reads with pyarrow.csv and computes with pyarrow.compute; the
        # SQL path needs neither (50 ms of start-up)
        extra = ("pyarrow.compute", "pyarrow.csv") if pandas else ()
        for name in ("numpy", "pyarrow", *extra, "duckdb"):
            importlib.import_module(name)
        if meanwhile is not None:
            meanwhile(future)
        digest = future.result()
    if pandas and "pandas" not in sys.modules:  # after the others: no waits on each other
        threading.Thread(
            target=importlib.import_module, args=("pandas",), name="socialproof-pandas"
        ).start()
    return digest


def _write_rejects_temp(rejects: list[Reject], folder: Path, sha: str) -> Path:
    from socialproof.render.tables import safe_cell

    fd, name = tempfile.mkstemp(prefix=f".{sha[:16]}-", suffix=".rejects.part", dir=folder)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["line", "reason", "raw"])
            for r in rejects:
                writer.writerow(
                    ["" if r.line is None else r.line, safe_cell(r.reason), safe_cell(r.raw)]
                )
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return tmp


def read_rejects(path: Path) -> list[dict[str, str]]:
    """The rows of a rejects file (for tests and the CLI)."""
    if not path.exists():
        raise FileMissing(f"{path} does not exist.", hint="Check the import's summary.")
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def list_imports(ws: Workspace, *, format: str | None = None) -> list[dict[str, Any]]:
    """Rows of the imports table, newest first, with the rows each file still provides.

    ``inserted`` / ``updated`` are what the file did when imported (in source rows);
    ``rows now`` counts the canonical rows whose figures currently come from it (a
    newer export of the same rows takes them over).
    """
    from socialproof.workspace import engine
    from socialproof.workspace.schema import CANONICAL

    with ws.connect(read_only=True) as con:
        present = set(engine.list_tables(con))
        if "imports" not in present:
            return []
        where, params = ("WHERE format = ?", [format]) if format else ("", [])
        found = engine.query_rows(
            con,
            "SELECT path, format, rows_read, rows_rejected, rows_inserted, rows_updated, "
            f"rows_conflicting, exported_at, imported_at, import_id FROM imports {where} "
            "ORDER BY imported_at DESC",
            params,
        )
        parts = [
            f"SELECT import_id, count(*) AS n FROM {name} GROUP BY import_id"
            for name in CANONICAL
            if name != "imports" and name in present
        ]
        now: dict[str, int] = {}
        if parts:
            union = " UNION ALL ".join(parts)
            for import_id, n in engine.query_rows(
                con, f"SELECT import_id, sum(n) FROM ({union}) GROUP BY import_id"
            ):
                now[str(import_id)] = int(n)
    tz = ws.settings.timezone
    rows: list[dict[str, Any]] = []
    for path, fmt, read, rejected, inserted, updated, conflicts, exported, when, sha in found:
        rows.append(
            {
                "file": path,
                "format": fmt,
                "rows": int(read or 0),
                "rejected": int(rejected or 0),
                "inserted": int(inserted or 0),
                "updated": int(updated or 0),
                "conflicts": int(conflicts or 0),
                "rows now": now.get(str(sha), 0),
                "exported": _local(exported, tz),
                "when": _local(when, tz),
                "sha256": str(sha)[:12],
            }
        )
    return rows
