"""Page reads and background writes share one workspace in one process (web/gate.py)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest


def test_a_read_waits_for_a_write_instead_of_failing(workspace: Any) -> None:
    import duckdb

    from socialproof.web.gate import GatedWorkspace

    gated = GatedWorkspace(workspace)
    # without the gate DuckDB refuses the second connection outright
    with workspace.connect(read_only=False):
        with pytest.raises(duckdb.Error), workspace.connect(read_only=True):
            pass
    order: list[str] = []
    writing = threading.Event()

    def writer() -> None:
        with gated.transaction() as con:
            writing.set()
            con.execute("CREATE TABLE gate_probe AS SELECT 42 AS x")
            time.sleep(0.3)
            order.append("write done")

    thread = threading.Thread(target=writer)
    thread.start()
    writing.wait(10)
    with gated.connect(read_only=True) as con:
        order.append("read")
        assert con.execute("SELECT x FROM gate_probe").fetchone() == (42,)
    thread.join(10)
    assert order == ["write done", "read"]


def test_readers_share_and_nested_reads_do_not_deadlock() -> None:
    from socialproof.web.gate import ReadWriteLock

    lock = ReadWriteLock()
    inside = threading.Barrier(2, timeout=5)

    def reader() -> None:
        with lock.reading():
            inside.wait()  # both readers hold the lock at once

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert not any(t.is_alive() for t in threads)

    got_write = threading.Event()
    with lock.reading():

        def writer() -> None:
            with lock.writing():
                got_write.set()

        w = threading.Thread(target=writer)
        w.start()
        time.sleep(0.1)  # the writer now waits for this reader
        with lock.reading():  # a nested read of the same thread goes ahead
            assert not got_write.is_set()
    w.join(10)
    assert got_write.is_set()


def test_a_writer_that_waits_too_long_gets_a_busy_error() -> None:
    from socialproof.errors import WorkspaceBusy
    from socialproof.web.gate import ReadWriteLock

    lock = ReadWriteLock()
    held = threading.Event()
    release = threading.Event()

    def reader() -> None:
        with lock.reading():
            held.set()
            release.wait(10)

    t = threading.Thread(target=reader)
    t.start()
    held.wait(5)
    with pytest.raises(WorkspaceBusy, match="busy"), lock.writing(timeout=0.2):
        pass
    release.set()
    t.join(10)
    with lock.writing(timeout=1):  # free again
        pass
