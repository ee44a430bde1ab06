"""A small cache of library results, valid while the workspace database is unchanged.

Reports compile Ibis expressions, which costs far more than running them on a
demo-sized workspace; a page that shows the same figures twice should not pay
twice. Entries are keyed by what was asked and by the database file's state
(size and modification time of the file and its write-ahead log), so any write
(an import, an undo, an approval, a moderation decision) makes every entry stale at
once. Results that depend on files apart from the database (settings) must name
them in their key.

When several requests ask for the same missing entry at once (the first visits
after a start or an import), one computes it and the others wait for its result
instead of computing it again side by side on the same cores.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable

    from socialproof.workspace import Workspace

T = TypeVar("T")
MAX_ENTRIES = 256


def _state(ws: Workspace) -> tuple[int, ...]:
    out: list[int] = []
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

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
