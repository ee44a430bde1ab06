"""One read-only look at the workspace before a file is read.

:func:`look_before` opens one connection per file: it migrates an old schema first,
then finds whether the same content was imported before, which canonical tables have
rows and whether the dashboard stored roll-ups (:class:`Before`); :func:`look_meanwhile`
runs it on a thread of its own while the file is still being hashed. The importer
takes the SQL path only into an empty table (:func:`empty_table`).
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from socialproof.workspace.schema import ROLLUP_TABLE

if TYPE_CHECKING:
    from collections.abc import Mapping

    from socialproof.workspace.core import Workspace


@dataclass
class Before:
    """What one read-only look at the workspace found before a file is read."""

    before: str | None = None  # how the same content was imported before, if it was
    filled: set[str] | None = None  # canonical tables with rows (None: not known)
    rollups: bool | None = None  # whether the dashboard stored roll-ups (None: not known)


def look_meanwhile(ws: Workspace, digest: Future[str]) -> Future[Before]:
    """:func:`look_before` on a thread of its own: the connection opens and the tables
    are looked at while ``digest`` is still being computed (its errors, and the look's,
    come out of ``result()``, as from the call itself)."""
    import threading

    done: Future[Before] = Future()

    def run() -> None:
        if not done.set_running_or_notify_cancel():
            return
        try:
            done.set_result(look_before(ws, digest))
        except BaseException as exc:  # handed to the caller of result()
            done.set_exception(exc)

    threading.Thread(target=run, name="socialproof-look", daemon=True).start()
    return done


def look_before(ws: Workspace, sha256: str | Future[str]) -> Before:
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

    found = Before()
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
            return look_before(ws, sha256)
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


def _already_imported(ws: Workspace, sha256: str) -> str | None:
    """How the same content was imported before ('as meta-ads from a.csv'), or None."""
    return look_before(ws, sha256).before


def empty_table(ws: Workspace, name: str) -> bool:
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
