"""Write one imported file: its rows and its ``imports`` row in one transaction, then archive.

:func:`write` stores the tables :func:`~socialproof.ingest.prepare.prepare` made (or,
with a plan, lets DuckDB read and store the file, ``sqlpath.py``) and the file's
``imports`` row in one transaction; once it has committed, the raw file appears as
``imports/<sha256><ext>`` and the rejects as ``imports/<sha256>.rejects.csv`` (temporary
files are removed if anything fails). Into an empty table a large batch without
repeated keys is a plain append (:data:`FAST_INSERT_ROWS`).
"""

from __future__ import annotations

import contextlib
import csv
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialproof.errors import BadExport
from socialproof.ingest.base import Reject
from socialproof.ingest.prepare import has_tables
from socialproof.ingest.rawcopy import temp_copy

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    import pyarrow as pa

    from socialproof.ingest.archive import ArchiveMember
    from socialproof.ingest.history import ImportSummary
    from socialproof.ingest.rawcopy import PendingCopy
    from socialproof.ingest.sqlpath import Plan as SqlPlan
    from socialproof.workspace.core import Workspace
    from socialproof.workspace.engine import MergeCounts
    from socialproof.workspace.schema import TableSpec


FAST_INSERT_ROWS = 50_000  # batches this big go into an empty table by a plain append
#: the export date a lifetime export's posts merge with over posts added up from days: the
#: platform's own totals win over the days' sums whichever export is newer (post_days.py)
LIFETIME_OVER_DAYS = datetime(9999, 12, 31)


def _stored_path(name: str) -> str:
    """Where the file came from, absolute (zip members keep 'archive.zip!member')."""
    archive, sep, member = name.partition("!")
    try:
        return str(Path(archive).resolve()) + sep + member
    except OSError:
        return name


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


class _AllRejected(Exception):
    """Raised inside the transaction when the file has rows and none of them was kept."""


def _all_rejected(summary: ImportSummary) -> bool:
    """Rows were rejected and none went in, updated or matched a stored one."""
    kept = summary.inserted + summary.updated + summary.unchanged + summary.conflicts
    return bool(summary.rejected) and not kept


def write(
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

    from socialproof.ingest import post_days
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
                    _merge_into(
                        con, CANONICAL[name], table, summary, rejects, tables.get("post_daily")
                    )
                if plan is None and summary.format in post_days.FORMATS and "post_daily" in tables:
                    post_days.mark(con, sha, importing=True)
                    _, several, first, last = post_days.add_up(con, importing=sha)
                    if days_note := post_days.note(several, first, last):
                        summary.notes.append(days_note)
                if summary.conflicts and (note := summary.conflict_note()):
                    summary.notes.append(note)
                if plan is None and _has_range_rows(tables.get("ad_stats")):
                    if overlap := _range_overlap_note(con, sha):
                        summary.notes.append(overlap)
                if _all_rejected(summary):
                    raise _AllRejected
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
        except _AllRejected:
            _refuse_all_rejected(ws, member, summary, rejects, rejects_path, dry_run=dry_run)
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
        else:  # left by an attempt whose rows were all rejected (_refuse_all_rejected)
            rejects_path.unlink(missing_ok=True)
    finally:
        for tmp in temps:
            with contextlib.suppress(OSError):
                tmp.unlink()


def _merge_into(
    con: Any,
    spec: TableSpec,
    table: pa.Table,
    summary: ImportSummary,
    rejects: list[Reject],
    days: pa.Table | None,
) -> None:
    """Merge one table of the import and count what it did in ``summary``.

    Posts whose days the file holds (``post_days.py``) are merged without their figures,
    which are then worked out from all their stored days; the file's rows are those
    days, so they, not the posts, count as the rows inserted or updated.
    """
    from socialproof.ingest import post_days
    from socialproof.workspace import engine

    if spec.name == "ad_stats":
        _refuse_other_attribution(con, table, summary.path)
    parts = [table]
    over_days = None
    if spec.name == "posts" and summary.format in post_days.FORMATS:
        rest, with_days = post_days.split_posts(table, days)
        parts = [rest] if with_days is None else [rest, with_days]
        if with_days is not None and with_days.num_rows:
            kept = post_days.figures_without_days(con, with_days)
            if note := post_days.kept_note(kept):
                summary.notes.append(note)
        if rest.num_rows and "post_daily" in engine.list_tables(con):
            rest, over_days = post_days.split_over_days(con, rest)
            parts = [rest, *parts[1:], over_days]
            if note := post_days.replaced_note(over_days.num_rows):
                summary.notes.append(note)
    done = [0, 0, 0]
    for k, part in enumerate(parts):
        if not part.num_rows:
            continue
        # a lifetime export's figures replace days' sums, whichever export is newer
        as_of = LIFETIME_OVER_DAYS if part is over_days else summary.exported_at
        counts = _insert_or_merge(con, spec, part, as_of)
        done = [done[0] + counts.inserted, done[1] + counts.updated, done[2] + counts.unchanged]
        if k == 0 or part is over_days:
            summary.inserted += counts.records_inserted
            summary.updated += counts.records_updated
            summary.unchanged += counts.unchanged
        summary.conflicts += counts.conflicts
        rejects.extend(Reject(*row) for row in counts.conflict_rows)
    summary.tables[spec.name] = (done[0], done[1], done[2])


def _refuse_other_attribution(con: Any, table: pa.Table, name: str) -> None:
    """Refuse ad rows that would replace stored rows of the same ad, days and breakdown
    counted under another attribution setting ('1-day click' over '7-day click or 1-day
    view'): their results, purchases and value are other figures, not an update. Rows
    whose setting is unknown (older imports, exports without the column) are not judged.
    """
    import pyarrow.compute as pc

    from socialproof.workspace import engine

    if "attribution" not in table.column_names or not table.num_rows:
        return
    named = table.filter(pc.is_valid(table["attribution"]))
    if not named.num_rows or not engine.query_rows(
        con, "SELECT 1 FROM ad_stats WHERE attribution IS NOT NULL LIMIT 1"
    ):
        return
    keys = ["platform", "account", "object_key", "date_start", "date_stop", "breakdown"]
    cols = [c for c in (*keys, "ad", "attribution") if c in named.column_names]
    con.register("_sp_attribution", named.select(cols))
    try:
        match = " AND ".join(f"o.{k} IS NOT DISTINCT FROM n.{k}" for k in keys if k in cols)
        found = engine.query_rows(
            con,
            f"""
            SELECT count(*) OVER (), n.attribution, o.attribution, o.ad, o.date_start,
                   o.date_stop, i.path
            FROM _sp_attribution n JOIN ad_stats o ON {match}
            LEFT JOIN imports i ON i.import_id = o.import_id
            WHERE o.attribution IS NOT NULL AND o.attribution <> n.attribution
            ORDER BY o.date_start, o.ad
            LIMIT 1
            """,
        )
    finally:
        con.unregister("_sp_attribution")
    if not found:
        return
    n, new, old, ad, start, stop, path = found[0]
    days = f"{start}" if start == stop else f"{start} to {stop}"
    source = f", from {Path(str(path)).name}" if path else ""
    raise BadExport(
        f"{Path(name).name} counts results under the attribution setting {new!r}, but "
        f"{n:,} stored row(s) of the same ads and days count them under {old!r} (e.g. "
        f"{ad}, {days}{source}): results, purchases and their value under two settings are "
        "different figures, and this import would replace one with the other.",
        hint=f"Export with the setting the stored rows have ({old!r}), or undo the other "
        "import first (Import page of socialproof serve) to keep this setting.",
    )


def _refuse_all_rejected(
    ws: Workspace,
    member: ArchiveMember,
    summary: ImportSummary,
    rejects: list[Reject],
    rejects_path: Path,
    *,
    dry_run: bool,
) -> None:
    """A file whose every row was rejected is not imported (no ``imports`` row, so it can
    be imported again once fixed); its rejects are kept to say why."""
    rejects.sort(key=lambda r: (r.line is None, r.line or 0))
    first = rejects[0]
    where = f"line {first.line}: " if first.line is not None else ""
    summary.status = "failed"
    summary.inserted = summary.updated = summary.unchanged = 0
    summary.tables = {}
    if not dry_run:  # the CLI and the import page point at it
        tmp = _write_rejects_temp(rejects, ws.imports_dir, summary.sha256)
        os.replace(tmp, rejects_path)
        summary.rejects_file = rejects_path
    every = "its row was" if summary.rejected == 1 else f"all {summary.rejected:,} of its rows were"
    summary.error = (
        f"{member.display_name}: nothing imported, {every} rejected ({where}{first.reason})."
        " Fix the file, or choose its format or column mapping, and import it again."
    )


def _has_range_rows(table: pa.Table | None) -> bool:
    """Does this batch of ad rows hold reporting-range rows (more than one day each)?"""
    if table is None or not {"date_start", "date_stop"} <= set(table.column_names):
        return False
    import pyarrow.compute as pc

    return bool(pc.any(pc.not_equal(table["date_start"], table["date_stop"])).as_py())


def _range_overlap_note(con: Any, sha: str) -> str | None:
    """A note when this import's range rows share days with other ranges of the same ad.

    Reports leave a range row out where the ad has daily rows, but two ranges of one ad
    that overlap ('Jan 1 - Feb 15' and 'Feb 1 - Mar 31', or a month inside a quarter)
    cannot be told apart by day: reports count the range covering more days and leave the
    other out, so the days only it covers are in no figure.
    """
    from socialproof.workspace import engine

    found = engine.query_rows(
        con,
        """
        SELECT count(DISTINCT (n.object_key, n.breakdown, n.date_start, n.date_stop)),
               min(n.ad || ' (' || n.date_start || ' to ' || n.date_stop || ' and '
                   || o.date_start || ' to ' || o.date_stop || ')')
        FROM ad_stats n JOIN ad_stats o
          ON n.platform = o.platform AND n.account = o.account
         AND n.object_key IS NOT DISTINCT FROM o.object_key
         AND coalesce(n.breakdown, '') = coalesce(o.breakdown, '')
         AND (n.date_start <> o.date_start OR n.date_stop <> o.date_stop)
         AND n.date_start <= o.date_stop AND o.date_start <= n.date_stop
        WHERE n.import_id = ? AND n.date_start <> n.date_stop AND o.date_start <> o.date_stop
        """,
        [sha],
    )
    count, example = found[0] if found else (0, None)
    if not count:
        return None
    return (
        f"{count:,} reporting-range row(s) share days with another range of the same ad, e.g. "
        f"{example}: ranges cannot be split by day, so reports count the one covering more "
        "days and leave the other out (the days only it covers are in no figure but for the "
        "ad's daily rows of those days). Export by day, or undo the import whose range you do "
        "not want (Import page of socialproof serve)."
    )


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
    """The SQL path's part of :func:`write`: DuckDB reads, checks and stores the file."""
    from socialproof.ingest import identity, sqlpath

    stored = None
    if use_workspace_account:
        stored = identity.stored_accounts(con) if has_tables(con) else {}
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
