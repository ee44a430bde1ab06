"""A small cache of library results, valid while the workspace database is unchanged.

Reports compile Ibis expressions, which costs far more than running them on a
demo-sized workspace; a page that shows the same figures twice should not pay
twice. Entries are keyed by what was asked and by the workspace's generation, a
file every writer rewrites when it lets go of the write lock, so any write (an import,
an undo, an approval, a moderation decision, from the workbench or a command in a
terminal) makes every entry stale at once. (The database file's size and time are not
used where the generation exists: DuckDB's checkpoints change them without changing
the data, and each change cost a page its kept figures.) Results that depend on files apart from the database (settings) must name
them in their key.

When several requests ask for the same missing entry at once (the first visits
after a start or an import), one computes it and the others wait for its result
instead of computing it again side by side on the same cores.

A page that cannot wait for a report (a pilot plan with the person's own options, a
report page visited while the background jobs are still preparing it) calls
:meth:`ResultCache.get_or_start`: it answers at once with what is kept, or starts the
computation on a background thread and answers "pending", so the page renders a
progress placeholder that asks again (see ``templates/_pending.html``).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from socialproof.errors import SocialproofError

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable

    from fastapi import Request

    from socialproof.workspace import Workspace

T = TypeVar("T")
MAX_ENTRIES = 256
#: Requests of each kind remembered for the background jobs to prepare again.
NOTED = 20
#: Threads that compute what a page asked for without waiting (placeholders).
BACKGROUND_WORKERS = 1
#: Past this many computations started and not ended, a page computes its own on the
#: visit (as without placeholders): many new addresses cannot pile up work.
MAX_STARTED = 8
log = logging.getLogger(__name__)


def _state(ws: Workspace) -> tuple[object, ...]:
    """The workspace's data version: the generation each writer leaves behind (see
    ``workspace._lock``), with the database file's identity; for a workspace no writer of
    this version has touched yet, the database files' sizes and times."""
    from socialproof.workspace import generation

    try:
        ino: object = ws.db_path.stat().st_ino
    except OSError:
        ino = 0
    gen = generation(ws.db_path.parent)
    if gen is not None:
        return (gen, ino)
    out: list[object] = []
    for path in (ws.db_path, ws.db_path.with_name(ws.db_path.name + ".wal")):
        try:
            st = path.stat()
        except OSError:
            out.extend((0, 0))
        else:
            out.extend((st.st_size, st.st_mtime_ns))
    return tuple(out)


class ResultCache:
    """Least-recently-used results of ``fn()`` per key and workspace state."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[Hashable, threading.RLock] = {}
        self._started: set[Hashable] = set()
        self._failed: set[Hashable] = set()
        self._asked: dict[str, OrderedDict[Hashable, None]] = {}
        self._pool: ThreadPoolExecutor | None = None
        self.max_entries = max_entries

    def _lookup(self, full: Hashable) -> tuple[bool, Any]:
        with self._lock:
            if full in self._data:
                self._data.move_to_end(full)
                return True, self._data[full]
        return False, None

    def get(self, ws: Workspace, key: Hashable, fn: Callable[[], T]) -> T:
        full = (key, _state(ws))
        found, value = self._lookup(full)
        if found:
            return value  # type: ignore[no-any-return]
        with self._lock:
            gate = self._computing.setdefault(full, threading.RLock())
        with gate:  # one computes; the others wait here, then find its result
            found, value = self._lookup(full)
            if found:
                return value  # type: ignore[no-any-return]
            try:
                result = fn()
                with self._lock:
                    self._data[full] = result
                    while len(self._data) > self.max_entries:
                        self._data.popitem(last=False)
            finally:
                with self._lock:
                    self._computing.pop(full, None)
        return result

    def peek(self, ws: Workspace, key: Hashable) -> tuple[bool, Any]:
        """(True, value) when ``key`` is cached for the workspace as it is now."""
        return self._lookup((key, _state(ws)))

    def get_or_start(
        self, ws: Workspace, key: Hashable, fn: Callable[[], T]
    ) -> tuple[bool, T | None]:
        """``(True, value)`` when ``key`` is kept for the workspace as it is now; otherwise
        ``(False, None)`` at once, with ``fn()`` started on a background thread (once per key
        and workspace state) so that a later call finds it. ``fn`` should not raise (return
        the expected errors as part of its value): a failure is logged, and the next call
        computes ``fn()`` itself, so that its error reaches the page."""
        full = (key, _state(ws))
        found, value = self._lookup(full)
        if found:
            return True, value
        with self._lock:
            failed = full in self._failed
            self._failed.discard(full)
        if failed:
            return True, self.get(ws, key, fn)
        with self._lock:
            if full in self._started:
                return False, None
            crowded = len(self._started) >= MAX_STARTED
            if not crowded:
                self._started.add(full)
        if crowded:
            return True, self.get(ws, key, fn)
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(
                    max_workers=BACKGROUND_WORKERS, thread_name_prefix="socialproof-page"
                )
            pool = self._pool

        def run() -> None:
            try:
                self.get(ws, key, fn)
            except SocialproofError as exc:  # expected (no data yet): the page will say it
                log.info("computing %r in the background: %s", key, exc)
                with self._lock:
                    self._failed.add(full)
            except Exception:
                log.exception("computing %r in the background failed", key)
                with self._lock:
                    self._failed.add(full)
            finally:
                with self._lock:
                    self._started.discard(full)

        try:
            pool.submit(run)
        except RuntimeError:  # shutting down: compute here rather than never
            with self._lock:
                self._started.discard(full)
            return True, self.get(ws, key, fn)
        return False, None

    def note(self, kind: str, item: Hashable) -> None:
        """Remember that a page asked for ``item`` (the last ``NOTED`` of each kind), so that
        the background jobs can prepare it again after the next write."""
        with self._lock:
            seen = self._asked.setdefault(kind, OrderedDict())
            seen[item] = None
            seen.move_to_end(item)
            while len(seen) > NOTED:
                seen.popitem(last=False)

    def noted(self, kind: str) -> list[Any]:
        """What pages asked for of ``kind``, most recent last."""
        with self._lock:
            return list(self._asked.get(kind, ()))

    def busy(self) -> bool:
        """Whether a computation started by :meth:`get_or_start` is still running."""
        with self._lock:
            return bool(self._started)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def shutdown(self) -> None:
        """Stop the background threads (waiting for what they are computing)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def kept_or_pending(request: Request, key: Hashable, fn: Callable[[], T]) -> tuple[bool, T | None]:
    """For a page: ``(True, fn())`` kept while the workspace is unchanged, or, in an app
    that shows placeholders (``socialproof serve``), ``(False, None)`` while ``fn()`` is
    computed in the background (see :meth:`ResultCache.get_or_start`)."""
    state = request.app.state
    cache: ResultCache = state.cache
    if not getattr(state, "placeholders", False):
        return True, cache.get(state.ws, key, fn)
    return cache.get_or_start(state.ws, key, fn)
