"""Hash the files named on the command line while the rest of socialproof loads.

An import first needs each file's sha256 (its identity: a file imported before adds
nothing). For a large export that is a few hundred milliseconds of one core, and the
libraries the import needs take about as long to load on the other. ``socialproof
import`` calls :func:`start` before it loads them; the importer then :func:`take`\\ s
the digest (or hashes the file itself when it was not started, or the file changed
since: the key is the resolved path with its size, modification time and inode).

Only the standard library is imported here. The hashing threads are daemons: a
command that stops early does not wait for them.
"""

from __future__ import annotations

import hashlib
import os
import stat
import threading
from concurrent.futures import Future
from pathlib import Path

MAX_FILES = 4  # the first few plain files named; the rest are hashed when reached
MIN_BYTES = 1 << 20  # smaller files hash in milliseconds: not worth a thread
SKIP_SUFFIXES = (".zip",)  # archives are unpacked and their members hashed instead

_Key = tuple[str, int, int, int]
_started: dict[_Key, Future[str]] = {}
_lock = threading.Lock()


def sha256_file(path: Path) -> str:
    """The hex sha256 of a file's bytes (hashlib lets go of the GIL on large blocks)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def _key(path: Path) -> tuple[_Key, os.stat_result] | None:
    try:
        real = os.path.realpath(path)
        st = os.stat(real)
    except (OSError, ValueError):
        return None
    return (real, st.st_size, st.st_mtime_ns, st.st_ino), st


def start(paths: list[Path]) -> None:
    """Begin hashing the first plain files of ``paths`` on background threads."""
    for path in paths[:MAX_FILES]:
        found = _key(path)
        if found is None:
            continue
        key, st = found
        if not stat.S_ISREG(st.st_mode) or st.st_size < MIN_BYTES:
            continue
        if path.suffix.lower() in SKIP_SUFFIXES:
            continue
        with _lock:
            if key in _started:
                continue
            future: Future[str] = Future()
            _started[key] = future
        threading.Thread(
            target=_run, args=(Path(key[0]), future), name="socialproof-prehash", daemon=True
        ).start()


def _run(path: Path, future: Future[str]) -> None:
    if not future.set_running_or_notify_cancel():
        return
    try:
        future.set_result(sha256_file(path))
    except BaseException as exc:  # handed to the caller of take()
        future.set_exception(exc)


def take(path: Path) -> Future[str] | None:
    """The digest started for ``path`` (once), or None: hash it yourself.

    None too when the file changed since it was started (size, time or inode).
    """
    found = _key(path)
    if found is None:
        return None
    with _lock:
        return _started.pop(found[0], None)
