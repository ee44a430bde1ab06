"""The SQL path's line checks: lines counted and '1_000' searched in a large CSV, light.

The SQL path (``sqlpath.py``) stores a file only when DuckDB read one row per physical
line (no value across lines) and, for columns it reads as numbers, found no digits
grouped with '_' ('1_000': DuckDB reads it as 1000, the Python path does not). Both
checks read the whole file, so both are kept off DuckDB's two cores: the lines are
counted ahead by numpy, which lets go of the GIL (:func:`precount`, on the core the hash
leaves idle while the libraries load), and only the '1_0' search runs beside the insert,
with a pattern that starts with the literal '_' (``re`` skips from '_' to '_').
On a 139 MB file: 0.03-0.05 s and 0.07-0.10 CPU-s (numpy masks took 0.26).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import threading
    from concurrent.futures import Future
    from pathlib import Path

SCAN_CHUNK = 1 << 22  # bytes read at a time (one buffer, read into again and again)

_DIGIT_UNDERSCORE_DIGIT = re.compile(rb"_(?<=[0-9]_)(?=[0-9])")


class Stopped(Exception):
    """A count stopped on request (nobody wants it any more)."""


def count_newlines(path: Path, stop: threading.Event | None = None) -> tuple[int, bool]:
    """The file's newline bytes and whether it ends with one.

    One buffer and one mask, read into again and again: fresh 16 MB blocks cost a page
    fault per 4 kB, as much again as the counting. ``stop`` is looked at between reads.
    """
    import numpy as np

    buffer = bytearray(SCAN_CHUNK)
    data = np.frombuffer(buffer, dtype=np.uint8)
    mask = np.empty(SCAN_CHUNK, dtype=bool)
    count = 0
    last = -1
    with path.open("rb", buffering=0) as fh:
        while n := fh.readinto(buffer):
            if stop is not None and stop.is_set():
                raise Stopped(str(path))
            np.equal(data[:n], 10, out=mask[:n])
            count += int(np.count_nonzero(mask[:n]))
            last = int(data[n - 1])
    return count, last == 10


def precount(
    path: Path, *, after: Future[Any] | None = None, stop: threading.Event | None = None
) -> Future[tuple[int, bool]]:
    """:func:`count_newlines` on a thread of its own, once ``after`` is done (the digest:
    the hash has the idle core first); setting ``stop`` ends it at its next read."""
    import contextlib
    from concurrent.futures import ThreadPoolExecutor

    def count() -> tuple[int, bool]:
        if after is not None:
            with contextlib.suppress(Exception):  # the hash's error is the hash's to report
                after.result()
        return count_newlines(path, stop)

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="socialproof-count")
    try:
        return pool.submit(count)
    finally:
        pool.shutdown(wait=False)


def lines_below(path: Path, offset: int, counted: tuple[int, bool]) -> int:
    """The lines from ``offset`` to the end (a last line without a newline counts, and an
    empty remainder is one line), from the whole file's :func:`count_newlines`."""
    newlines, ends_with_newline = counted
    with path.open("rb") as fh:
        above = fh.read(offset).count(b"\n")
        body = fh.read(1) != b""
    return newlines - above + (0 if body and ends_with_newline else 1)


def grouped_digits(path: Path, offset: int) -> bool:
    """Whether a '_' stands between two digits anywhere below ``offset``."""
    buffer = bytearray(b"\n\n") + bytearray(SCAN_CHUNK)  # two bytes carried from the last read
    view = memoryview(buffer)
    with path.open("rb", buffering=0) as fh:
        fh.seek(offset)
        while n := fh.readinto(view[2:]):
            if _DIGIT_UNDERSCORE_DIGIT.search(buffer, 0, n + 2) is not None:
                return True
            buffer[0:2] = buffer[n : n + 2]
    return False


def scan_lines(path: Path, offset: int, *, underscores: bool = True) -> tuple[int, bool]:
    """Lines from ``offset`` to the end and, with ``underscores``, whether digits are
    grouped with '_' there (a file DuckDB reads all as text has no use for the search)."""
    return counted_lines(path, offset, None, underscores=underscores)


def counted_lines(
    path: Path, offset: int, counted: Future[tuple[int, bool]] | None, *, underscores: bool
) -> tuple[int, bool]:
    """:func:`scan_lines`, from a :func:`precount` when there is one (then only the '1_0'
    search reads the file here)."""
    grouped = underscores and grouped_digits(path, offset)
    newlines = counted.result() if counted is not None else count_newlines(path)
    return lines_below(path, offset, newlines), grouped
