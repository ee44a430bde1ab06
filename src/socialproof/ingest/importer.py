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

This module runs the steps for each file; the steps live beside it: ``prepare.py``
(detect, check, name accounts, settle keys), ``lookbefore.py`` (what the workspace holds
before a file is read), ``writer.py`` (the transaction and the archive) and
``history.py`` (the summary of a file, the imports listed, a rejects file read back).
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialproof.errors import NoAccount, NotText, SocialproofError
from socialproof.ingest.archive import MEDIA_SUFFIXES, ArchiveMember, expand_paths
from socialproof.ingest.base import ReadContext
from socialproof.ingest.history import ImportSummary, list_imports, read_rejects
from socialproof.ingest.lookbefore import (
    Before,
    duckdb_errors,
    empty_table,
    look_before,
    look_meanwhile,
)
from socialproof.ingest.prehash import sha256_file
from socialproof.ingest.prepare import (
    EARLIEST,
    check_forced,
    check_result,
    open_and_detect,
    prepare,
)
from socialproof.ingest.rawcopy import PendingCopy
from socialproof.ingest.writer import FAST_INSERT_ROWS, record_import, write, write_transaction

if TYPE_CHECKING:
    from concurrent.futures import Future

    from socialproof.ingest.sqlpath import Plan as SqlPlan
    from socialproof.workspace.core import Workspace

__all__ = [  # the importer's face; the names that moved out stay importable from here
    "EARLIEST",
    "FAST_INSERT_ROWS",
    "ImportSummary",
    "Progress",
    "duckdb_errors",
    "import_paths",
    "list_imports",
    "open_and_detect",
    "read_context",
    "read_rejects",
    "record_import",
    "write_transaction",
]

_log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]


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

        looking: list[Future[Before]] = []

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
            looking.append(look_meanwhile(ws, digest))
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
        looked = Before("earlier in this run") if summary.sha256 in seen else None
        looked = looked or (looking[0].result() if looking else look_before(ws, summary.sha256))
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
        check_result(fmt, result)
        if format:
            check_forced(fmt, source, result)
        summary.notes.extend(source.notes)
        tables, rejects, conflicts = prepare(
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
        write(ws, member, summary, tables, rejects, dry_run=dry_run, pending=pending)
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
    looked: Before | None = None,
) -> bool:
    """Import a large clean CSV by DuckDB alone (``sqlpath.py``); False: the Python path."""
    from socialproof.ingest import sqlpath

    if plan is None:
        return False
    if looked is not None and looked.filled is not None:
        empty = plan.rows.table not in looked.filled  # checked again when writing
    else:
        empty = empty_table(ws, plan.rows.table)
    if not empty:
        return False  # rows stored already: the merge of the Python path
    summary.format, summary.label = plan.fmt.name, plan.fmt.label
    summary.confidence = plan.confidence
    try:  # a decline is raised before the summary's counts and notes are touched
        write(
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
