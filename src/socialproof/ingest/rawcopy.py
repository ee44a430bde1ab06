"""The raw export, copied into the workspace's ``imports/`` folder beside the import.

Every import keeps the file it read (its sha256 names it), so an undo or a rebuild
reads exactly what was imported. The copy runs on a thread of its own: for a large file
it starts as soon as the digest exists, on the core the hash leaves idle while the
libraries load, instead of beside DuckDB's insert. It is made under a temporary name;
the write renames it into place once its transaction commits, and a copy nobody will
use (the file was imported before, or the import failed) is stopped and removed.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

COPY_STEP = 1 << 25  # bytes copied between looks at the stop flag


class PendingCopy:
    """The raw file, being copied into ``folder`` on another thread.

    :meth:`result` waits for the temporary copy; :meth:`discard` stops and removes it.
    ``sha`` may be the digest still being computed: the copy then starts once it is known.
    """

    def __init__(self, src: Path, folder: Path, sha: str | Future[str]) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self._stop = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="socialproof-copy")
        self._future = self._pool.submit(temp_copy, src, folder, sha, self._stop)

    used = False  # result() was called: the copy belongs to that write now

    def result(self) -> Path:
        self.used = True
        try:
            return self._future.result()
        finally:
            self._pool.shutdown()

    def discard(self) -> None:
        if not self.used:
            self._stop.set()  # a copy nobody will use stops at its next step
        self._pool.shutdown()  # waits for the copy
        if self._future.exception() is None:
            with contextlib.suppress(OSError):
                self._future.result().unlink()


class ShortCopy(OSError):
    """The copy came out shorter than the file (a file system that stopped early)."""


def temp_copy(
    src: Path, folder: Path, sha: str | Future[str], stop: threading.Event | None = None
) -> Path:
    """A copy of ``src`` in ``folder`` under a temporary name (partial when ``stop`` was
    set: only :meth:`PendingCopy.discard` sets it, and removes the file)."""
    if isinstance(sha, Future):
        sha = sha.result()
    stop = stop or threading.Event()  # never set: copy to the end
    fd, name = tempfile.mkstemp(prefix=f".{sha[:16]}-", suffix=".part", dir=folder)
    tmp = Path(name)
    try:
        with src.open("rb") as fin, os.fdopen(fd, "wb") as fout:
            done = copy_in_steps(fin.fileno(), fout, stop)
            size = os.fstat(fin.fileno()).st_size
        if done < size and not stop.is_set():
            raise ShortCopy(f"{src}: copied {done:,} of {size:,} bytes into {folder}")
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return tmp


def copy_in_steps(fin: int, fout: Any, stop: threading.Event) -> int:
    """Copy to the end of ``fin`` (or until ``stop`` is set); the bytes copied.

    In the kernel where it can (``copy_file_range``: no bytes pass through Python), else,
    and after the kernel stops short of the file's size (some file systems answer 0
    early), through a buffer from where it stopped; ``stop`` is looked at each step.
    """
    done = 0
    copy_range = getattr(os, "copy_file_range", None)
    if copy_range is not None:
        with contextlib.suppress(OSError):  # not on this file system or kernel: buffered
            while not stop.is_set():
                n = copy_range(fin, fout.fileno(), COPY_STEP, done, done)
                if n == 0:
                    break
                done += n
            if done >= os.fstat(fin).st_size or stop.is_set():
                return done
    os.lseek(fin, done, os.SEEK_SET)
    fout.seek(done)
    while not stop.is_set():
        block = os.read(fin, 1 << 20)
        if not block:
            break
        fout.write(block)
        done += len(block)
    return done
