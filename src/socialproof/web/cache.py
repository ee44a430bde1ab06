"""A small cache of library results, valid while the workspace database is unchanged.

Reports compile Ibis expressions, which costs far more than running them on a
demo-sized workspace; a page that shows the same figures twice should not pay
twice. Entries are keyed by what was asked and by the database file's state
(size and modification time of the file and its write-ahead log), so any write
(an import, an undo, an approval) makes every entry stale at once.
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
        self.max_entries = max_entries

    def get(self, ws: Workspace, key: Hashable, fn: Callable[[], T]) -> T:
        full = (key, _state(ws))
        with self._lock:
            if full in self._data:
                self._data.move_to_end(full)
                value: T = self._data[full]
                return value
        result = fn()
        with self._lock:
            self._data[full] = result
            while len(self._data) > self.max_entries:
                self._data.popitem(last=False)
        return result

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
