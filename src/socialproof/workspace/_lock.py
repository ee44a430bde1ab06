"""An inter-process write lock on the workspace (one writer at a time)."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING

from socialproof.errors import WorkspaceBusy, WorkspaceError

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

LOCK_FILE = ".socialproof.lock"
#: Rewritten each time a writer lets go of the lock: readers that keep results (the
#: workbench's cache) key on it, since the database file's own size and time also change
#: when DuckDB checkpoints, which is not a change of the data.
GENERATION_FILE = ".socialproof.generation"
#: workspaces whose lock this thread holds: a nested ``write_lock`` on one of them passes
_held = threading.local()


@contextmanager
def write_lock(root: Path, *, wait_s: float = 30.0) -> Iterator[None]:
    """Hold the workspace's write lock; wait up to ``wait_s`` for another writer.

    Re-entrant within a thread (the Parquet store publishes an import's partitions
    under the same lock as the import's transaction).
    """
    path = root / LOCK_FILE
    held: set[str] = _held.__dict__.setdefault("roots", set())
    key = os.path.realpath(path)
    if key in held:
        yield
        return
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except PermissionError:
        raise WorkspaceError(
            f"Cannot write to the workspace {root}: permission denied.",
            hint="Check the folder's permissions or use a workspace you own.",
        ) from None
    try:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WorkspaceBusy(
                        f"Another socialproof command is writing to {root} "
                        f"(waited {wait_s:.0f} s).",
                        hint="Wait for it to finish, then retry.",
                    ) from None
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        held.add(key)
        try:
            yield
        finally:
            held.discard(key)
            _new_generation(root)  # after the writes, while still holding the lock
    finally:
        os.close(fd)  # closing releases the flock


def generation(root: Path) -> str | None:
    """What the last writer left in the generation file, or None without one."""
    try:
        return (root / GENERATION_FILE).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        return None


def _new_generation(root: Path) -> None:
    """Write a value no earlier writer wrote (atomically: a reader sees the old or the new)."""
    path = root / GENERATION_FILE
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}")
    try:
        tmp.write_text(f"{time.time_ns()}-{os.getpid()}-{os.urandom(4).hex()}", encoding="ascii")
        os.replace(tmp, path)
    except OSError:  # readers then fall back on the database file's state
        for stale in (tmp, path):
            try:
                stale.unlink()
            except OSError:
                pass
