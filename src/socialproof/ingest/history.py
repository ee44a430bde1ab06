"""What imports did: one file's summary, the imports table listed, a rejects file read back.

:class:`ImportSummary` is what :func:`~socialproof.ingest.importer.import_paths` returns
for each file (the CLI and the web page show it as a table row); :func:`list_imports`
reads the ``imports`` table with the rows each file still provides (``socialproof
imports``), and :func:`read_rejects` reads an ``imports/<sha256>.rejects.csv`` back.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialproof.errors import FileMissing

if TYPE_CHECKING:
    from socialproof.workspace.core import Workspace


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


def _short(path: Path | None) -> str:
    if path is None:
        return ""
    return f"{path.parent.name}/{path.name}"


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


def _local(stamp: Any, timezone: str) -> str:
    """A naive UTC timestamp shown in the workspace's timezone."""
    from zoneinfo import ZoneInfo

    if stamp is None or str(stamp) in ("NaT", "None"):
        return ""
    when = stamp.to_pydatetime() if hasattr(stamp, "to_pydatetime") else stamp
    local = when.replace(tzinfo=UTC).astimezone(ZoneInfo(timezone))
    return f"{local:%Y-%m-%d %H:%M}"
