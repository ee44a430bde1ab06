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
    finally:
        os.close(fd)  # closing releases the flock
