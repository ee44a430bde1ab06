"""Undo an import: its rows leave the workspace, its archived file stays.

The rows an import brought in carry its ``import_id`` (the file's sha256).
Undoing deletes those rows from the tables the import wrote, removes the
import from the ``imports`` table (so the same file can be imported again) and
records the undo in ``import_undos``. The archived raw file and its rejects stay
under ``imports/``.

An import that *updated* rows an earlier import had brought in now owns those
rows; removing them would take the earlier figures with them. Such an undo is
refused unless ``force`` is given, and the message says how many rows it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from socialproof.errors import NeedsForce, NotFound, UsageError

if TYPE_CHECKING:
    from pathlib import Path

    from socialproof.workspace import Workspace

_HEX = re.compile(r"^[0-9a-f]{8,64}$")


@dataclass
class UndoResult:
    """What an undo removed."""

    import_id: str
    path: str
    format: str
    removed: dict[str, int] = field(default_factory=dict)
    archive: Path | None = None

    @property
    def rows_removed(self) -> int:
        return sum(self.removed.values())


def resolve_import_id(ws: Workspace, text: str) -> str:
    """The full import id that ``text`` (the id or a unique prefix of 8+ characters) names."""
    from socialproof.workspace import engine

    wanted = text.strip().lower()
    if not _HEX.match(wanted):
        raise UsageError(
            f"{text!r} is not an import id.",
            hint="Use the id shown by 'socialproof imports' (8 or more hex characters).",
        )
    with ws.connect(read_only=True) as con:
        if "imports" not in engine.list_tables(con):
            rows: list[tuple[Any, ...]] = []
        else:
            rows = engine.query_rows(
                con, "SELECT import_id FROM imports WHERE starts_with(import_id, ?)", [wanted]
            )
    if not rows:
        raise NotFound(
            f"No import {text!r} in this workspace.",
            hint="List them with 'socialproof imports'; it may have been undone already.",
        )
    if len(rows) > 1:
        raise UsageError(f"{text!r} names {len(rows)} imports.", hint="Give more characters.")
    return str(rows[0][0])


def undo_import(ws: Workspace, import_id: str, *, force: bool = False) -> UndoResult:
    """Remove the rows of import ``import_id`` (or a unique prefix); keep its archive."""
    from socialproof.ingest import post_days
    from socialproof.ingest.writer import write_transaction
    from socialproof.workspace import engine
    from socialproof.workspace.schema import CANONICAL

    full = resolve_import_id(ws, import_id)
    with write_transaction(ws) as con:
        found = engine.query_rows(
            con,
            "SELECT path, format, table_name, rows_updated, imported_at "
            "FROM imports WHERE import_id = ?",
            [full],
        )
        if not found:
            raise NotFound(f"No import {import_id!r} in this workspace.", hint="It was undone.")
        path, fmt, table_names, updated, imported_at = found[0]
        if updated and not force:
            raise NeedsForce(
                f"This import updated {int(updated)} rows that an earlier import had brought "
                "in; undoing it would remove those rows too.",
                hint="Undo it anyway with force (the earlier file can be imported again), "
                "or leave it.",
            )
        present = set(engine.list_tables(con))
        result = UndoResult(import_id=full, path=str(path or ""), format=str(fmt or ""))
        days = "post_daily" in present and (
            "post_daily" in str(table_names or "").split(",") or str(fmt) in post_days.FORMATS
        )  # a lifetime export over posts with days: they go back to their days
        if days:  # posts made of days from several imports keep the others' days
            post_days.mark(con, full)
            post_days.keep_posts(con, full)
        for name in [t for t in str(table_names or "").split(",") if t]:
            if name not in CANONICAL or name == "imports" or name not in present:
                continue
            n = engine.query_rows(
                con, f'SELECT count(*) FROM "{name}" WHERE import_id = ?', [full]
            )[0][0]
            engine.query_rows(con, f'DELETE FROM "{name}" WHERE import_id = ?', [full])
            result.removed[name] = int(n)
        engine.query_rows(con, "DELETE FROM imports WHERE import_id = ?", [full])
        if days:
            post_days.add_up(con)
        engine.query_rows(
            con,
            "INSERT INTO import_undos VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                full,
                result.path,
                result.format,
                str(table_names or ""),
                result.rows_removed,
                imported_at,
                datetime.now(UTC).replace(tzinfo=None),
            ],
        )
    archives = sorted(
        p for p in ws.imports_dir.glob(f"{full}*") if not p.name.endswith(".rejects.csv")
    )
    result.archive = archives[0] if archives else None
    return result


def list_undos(ws: Workspace) -> list[dict[str, Any]]:
    """Undone imports, newest first."""
    from socialproof.workspace import engine

    with ws.connect(read_only=True) as con:
        if "import_undos" not in engine.list_tables(con):
            return []
        rows = engine.query_rows(
            con,
            "SELECT import_id, path, format, rows_removed, imported_at, undone_at "
            "FROM import_undos ORDER BY undone_at DESC",
        )
    keys = ("import_id", "path", "format", "rows_removed", "imported_at", "undone_at")
    return [dict(zip(keys, r, strict=True)) for r in rows]
