"""Create, find, open and migrate workspaces."""

from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialproof.errors import (
    BadInput,
    UsageError,
    WorkspaceBusy,
    WorkspaceError,
    WorkspaceNotFound,
)
from socialproof.workspace._lock import write_lock
from socialproof.workspace.settings import (
    SETTINGS_FILE,
    Settings,
    dump_settings,
    load_settings,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    import duckdb
    import ibis

DB_FILE = "workspace.duckdb"
FOLDERS = ("imports", "case-studies", "content")
ENV_WORKSPACE = "SOCIALPROOF_WORKSPACE"


def find_workspace(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` that holds ``socialproof.toml``."""
    env = os.environ.get(ENV_WORKSPACE)
    if start is None and env:
        start = Path(env)
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / SETTINGS_FILE).is_file():
            return folder
    raise WorkspaceNotFound(
        f"No socialproof workspace in {here} or its parents.",
        hint="Run 'socialproof init DIR' to make one, or pass --workspace DIR.",
    )


class Workspace:
    """A workspace folder. Open with :meth:`open` or create with :meth:`init`."""

    def __init__(self, root: Path, settings: Settings) -> None:
        self.root = root
        self.settings = settings

    # -- paths ---------------------------------------------------------------
    @property
    def db_path(self) -> Path:
        return self.root / DB_FILE

    @property
    def imports_dir(self) -> Path:
        return self.root / "imports"

    def path(self, relative: str | Path) -> Path:
        """Resolve a path a user wrote in a workspace file; it may not leave the workspace."""
        candidate = (self.root / relative).resolve()
        root = self.root.resolve()
        if candidate != root and root not in candidate.parents:
            raise BadInput(
                f"The path {str(relative)!r} points outside the workspace {self.root}.",
                hint="Use a path inside the workspace folder.",
            )
        return candidate

    # -- lifecycle ----------------------------------------------------------
    @classmethod
    def init(
        cls, root: Path, *, settings: Settings | None = None, exist_ok: bool = False
    ) -> Workspace:
        """Create a workspace (settings file, database, folders) at ``root``."""
        root = Path(root)
        if (root / SETTINGS_FILE).exists() and not exist_ok:
            raise UsageError(
                f"{root} is already a workspace.",
                hint="Use it as it is, or choose another folder.",
            )
        if root.exists() and not root.is_dir():
            raise UsageError(f"{root} exists and is not a folder.", hint="Choose another path.")
        settings = settings or Settings()
        try:
            root.mkdir(parents=True, exist_ok=True)
            for folder in FOLDERS:
                (root / folder).mkdir(exist_ok=True)
            settings_path = root / SETTINGS_FILE
            if not settings_path.exists():
                tmp = settings_path.with_suffix(".toml.tmp")
                tmp.write_text(settings_header() + dump_settings(settings), encoding="utf-8")
                tmp.replace(settings_path)
        except PermissionError:
            raise WorkspaceError(
                f"Cannot create a workspace in {root}: permission denied.",
                hint="Choose a folder you can write to.",
            ) from None
        ws = cls(root.resolve(), settings)
        ws.migrate()
        return ws

    @classmethod
    def open(cls, root: Path | None = None, *, migrate: bool = True) -> Workspace:
        """Open the workspace at ``root`` (or found from the current folder)."""
        if root is not None:
            root = Path(root)
            if root.is_file():
                raise WorkspaceNotFound(
                    f"{root} is a file, not a workspace folder.",
                    hint="Pass the folder that holds socialproof.toml to --workspace.",
                )
            if not (root / SETTINGS_FILE).is_file():
                raise WorkspaceNotFound(
                    f"{root} is not a socialproof workspace (no {SETTINGS_FILE}).",
                    hint=f"Run 'socialproof init {root}' first.",
                )
        else:
            root = find_workspace()
        ws = cls(root.resolve(), load_settings(root / SETTINGS_FILE))
        if migrate:
            ws.migrate()
        return ws

    def migrate(self) -> list[str]:
        """Apply pending migrations; returns the names applied."""
        from socialproof.workspace.migrations import all_migrations

        pending_names: list[str] = []
        if self.db_path.exists():
            with self.connect(read_only=True) as con:
                if self.schema_current(con):
                    return []
        migrations = all_migrations()
        with self.transaction() as con:
            con.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(number INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP)"
            )
            done = _applied(con)
            for mig in migrations:
                if mig.number in done:
                    continue
                mig.up(con)
                con.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                    [mig.number, mig.name, datetime.now(UTC).replace(tzinfo=None)],
                )
                pending_names.append(f"{mig.number:04d}_{mig.name}")
        return pending_names

    @staticmethod
    def schema_current(con: Any) -> bool:
        """Whether every migration is applied in the database behind ``con`` (read from
        the migrations' file names: no migration module is imported)."""
        from socialproof.workspace.migrations import numbers

        return _applied(con) >= numbers()

    # -- connections ----------------------------------------------------------
    @contextmanager
    def connect(self, *, read_only: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
        """A DuckDB connection to the workspace database (engine adapter use only)."""
        import duckdb

        if read_only and not self.db_path.exists():
            con = duckdb.connect(":memory:")
            try:
                yield con
            finally:
                con.close()
            return
        try:
            con = _open_duckdb(self.db_path, read_only=read_only)
        except duckdb.IOException as exc:
            text = str(exc)
            if _held_by_another(self.db_path, read_only=read_only, text=text):
                raise WorkspaceBusy(
                    f"The workspace database {self.db_path} is in use by another process.",
                    hint="Wait for the other socialproof command to finish, then retry.",
                ) from None
            wanted = os.R_OK if read_only else os.R_OK | os.W_OK
            if self.db_path.exists() and not os.access(self.db_path, wanted):
                raise WorkspaceError(
                    f"Cannot open {self.db_path}: permission denied.",
                    hint="Check the file's permissions.",
                ) from None
            raise WorkspaceError(
                f"Cannot open {self.db_path}: {text.splitlines()[0]}",
                hint="If the file is damaged, restore it from a backup or re-import.",
            ) from None
        try:
            con.execute("SET TimeZone = 'UTC'")
            yield con
        finally:
            con.close()

    @contextmanager
    def transaction(self, *, wait_s: float = 30.0) -> Iterator[duckdb.DuckDBPyConnection]:
        """Hold the write lock and a transaction; everything or nothing is written."""
        if not os.access(self.root, os.W_OK):
            raise WorkspaceError(
                f"Cannot write to the workspace {self.root}: permission denied.",
                hint="Check the folder's permissions or use a workspace you own.",
            )
        with write_lock(self.root, wait_s=wait_s), self.connect(read_only=False) as con:
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            else:
                con.execute("COMMIT")

    @contextmanager
    def ibis(self) -> Iterator[ibis.BaseBackend]:
        """An Ibis backend over the workspace, per the engine setting."""
        from socialproof.workspace import engine

        with engine.backend(self) as backend:
            yield backend


def _open_duckdb(path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """``duckdb.connect``, tried once more when it failed on a lock the other process has
    let go of by the time the lock is probed: without it, a reader closing between the
    two read as a damaged file ('Cannot open ...') instead of a moment's wait."""
    import duckdb

    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        text = str(exc)
        if "lock" not in text.lower() or _held_by_another(path, read_only=read_only, text=text):
            raise
    return duckdb.connect(str(path), read_only=read_only)


def _held_by_another(path: Path, *, read_only: bool, text: str) -> bool:
    """Whether another process holds DuckDB's lock on ``path`` (probed where POSIX locks
    exist; DuckDB's error carries no type or code for it)."""
    try:
        import fcntl
    except ImportError:  # Windows: no probe; DuckDB's message names the lock
        return "lock" in text.lower()
    try:
        fd = os.open(path, os.O_RDONLY if read_only else os.O_RDWR)
    except OSError:
        return False
    try:
        mode = fcntl.LOCK_SH if read_only else fcntl.LOCK_EX
        fcntl.lockf(fd, mode | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def _applied(con: Any) -> set[int]:
    try:
        rows = con.execute("SELECT number FROM schema_migrations").fetchall()
    except Exception:  # table missing (new file)
        return set()
    return {int(r[0]) for r in rows}


def settings_header() -> str:
    return (
        "# socialproof workspace settings. Every setting is documented in docs/settings.md\n"
        "# ('socialproof settings' prints them too). Edit freely; values are validated.\n\n"
    )
