"""Let page reads and background writes share one workspace inside one process.

DuckDB refuses, within a process, a read-only connection to a file that a
read-write connection holds open (and the reverse). The CLI never meets this;
the web app does, since pages read while a background import writes. The app
therefore works through a :class:`GatedWorkspace`: read-only connections share a
read lock, a read-write connection takes the write lock, so a page waits for
the end of one file's write (a short transaction) instead of failing.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING

from socialproof.errors import WorkspaceBusy
from socialproof.workspace import Workspace

if TYPE_CHECKING:
    from collections.abc import Iterator

    import duckdb

WAIT_S = 60.0


class ReadWriteLock:
    """Many readers or one writer; a waiting writer goes before new readers.

    A thread that already reads may read again (nested connections) without
    waiting for a queued writer, which would otherwise wait for it forever.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers: dict[int, int] = {}
        self._writer: int | None = None
        self._writer_depth = 0
        self._waiting_writers = 0

    @contextmanager
    def reading(self, timeout: float = WAIT_S) -> Iterator[None]:
        me = threading.get_ident()
        with self._cond:
            if self._writer != me and self._readers.get(me, 0) == 0:
                ok = self._cond.wait_for(
                    lambda: self._writer is None and self._waiting_writers == 0, timeout
                )
                if not ok:
                    raise _busy()
            self._readers[me] = self._readers.get(me, 0) + 1
        try:
            yield
        finally:
            with self._cond:
                self._readers[me] -= 1
                if self._readers[me] == 0:
                    del self._readers[me]
                self._cond.notify_all()

    @contextmanager
    def writing(self, timeout: float = WAIT_S) -> Iterator[None]:
        me = threading.get_ident()
        with self._cond:
            if self._writer == me:
                self._writer_depth += 1
            else:
                self._waiting_writers += 1
                try:
                    ok = self._cond.wait_for(
                        lambda: self._writer is None and not any(t != me for t in self._readers),
                        timeout,
                    )
                finally:
                    self._waiting_writers -= 1
                if not ok:
                    self._cond.notify_all()
                    raise _busy()
                self._writer, self._writer_depth = me, 1
        try:
            yield
        finally:
            with self._cond:
                self._writer_depth -= 1
                if self._writer_depth == 0:
                    self._writer = None
                self._cond.notify_all()


def _busy() -> WorkspaceBusy:
    return WorkspaceBusy(
        "The workspace is busy with a long write (an import or a build).",
        hint="Wait for the job to finish, then reload the page.",
    )


class GatedWorkspace(Workspace):
    """A :class:`Workspace` whose connections take turns through one lock."""

    def __init__(self, ws: Workspace, lock: ReadWriteLock | None = None) -> None:
        super().__init__(ws.root, ws.settings)
        self.gate = lock or ReadWriteLock()

    @contextmanager
    def connect(self, *, read_only: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
        hold = self.gate.reading() if read_only else self.gate.writing()
        with hold, super().connect(read_only=read_only) as con:
            yield con
