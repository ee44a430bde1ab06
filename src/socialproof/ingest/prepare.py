"""From a file to the rows the importer writes: detect, check, name accounts, settle keys.

:func:`open_and_detect` opens a file and picks its format; :func:`check_result` and
:func:`check_forced` refuse what a format should not have read; :func:`prepare` turns
what the format read into the tables to write: rows dated in the future or before 2004
become rejects, every row of the account tables names its account (``identity.py``),
rows with one key are settled (``sameness.py``), messages get ``is_brand`` and their
platform's id (``platform_names.py``) and every table its ``import_id``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialproof.errors import BadExport
from socialproof.ingest.archive import ArchiveMember
from socialproof.ingest.base import LINE_COLUMN, ReadContext, ReadResult, Reject

if TYPE_CHECKING:
    import pyarrow as pa

    from socialproof.ingest.base import Format, Source
    from socialproof.workspace.core import Workspace


EARLIEST = datetime(2004, 1, 1)  # nothing social predates 2004


_DATE_COLUMNS = ("published_at", "created_at", "date", "date_start", "date_stop", "posted_at")


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


def check_forced(fmt: Format, source: Source, result: ReadResult) -> None:
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


def check_result(fmt: Format, result: ReadResult) -> None:
    from socialproof.workspace.schema import CANONICAL

    for name in result.tables:
        if name not in CANONICAL or name == "imports":
            raise BadExport(
                f"The format '{fmt.name}' produced rows for an unknown table '{name}'.",
                hint="This is a bug in that format; report it.",
            )


def prepare(
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
            table = _platform_ids(table)
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
            stored = identity.stored_accounts(con) if has_tables(con) else {}
    out, notes = identity.assign_accounts(
        tables,
        display_name=source.display_name,
        given=ctx.account,
        declared=ws.settings.brand.accounts,
        stored=stored,
    )
    result.notes.extend(notes)
    return out


def has_tables(con: Any) -> bool:
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


def _platform_ids(table: pa.Table) -> pa.Table:
    """Each message's platform as socialproof names it ('Twitter', 'x.com' -> 'x'):
    one network is one platform in the report, and a reply joins the message it answers."""
    from socialproof.ingest.platform_names import platform_ids

    if "platform" not in table.column_names:
        return table
    at = table.column_names.index("platform")
    return table.set_column(at, "platform", platform_ids(table["platform"].combine_chunks()))


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
