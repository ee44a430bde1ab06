"""A reader letting go of the database just as another process opens it for writing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from socialproof.workspace import Workspace, core

# holds the database read-only until told (a line on stdin), then closes and exits
_HOLDER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print("open", flush=True)
sys.stdin.readline()
con.close()
"""


def test_a_lock_let_go_before_the_probe_is_not_a_damaged_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB refused the write (a reader held the file), the reader closed, and only then
    was the lock probed: the probe found it free and the workspace read as 'Cannot open
    ... restore it from a backup' (seen once as a failed import under load)."""
    ws = Workspace.init(tmp_path / "ws")
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(ws.db_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdin is not None and holder.stdout is not None
    assert holder.stdout.readline().strip() == "open"
    real_probe = core._held_by_another
    probes: list[bool] = []

    def probe_after_the_reader_left(path: Path, *, read_only: bool, text: str) -> Any:
        if holder.poll() is None:  # the interleaving of the race, made certain
            assert holder.stdin is not None
            holder.stdin.write("close\n")
            holder.stdin.flush()
            holder.wait(timeout=60)
        probes.append(real_probe(path, read_only=read_only, text=text))
        return probes[-1]

    monkeypatch.setattr(core, "_held_by_another", probe_after_the_reader_left)
    try:
        with ws.connect(read_only=False) as con:
            con.execute("CREATE TABLE t AS SELECT 1 AS x")
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.wait(timeout=60)
        holder.stdin.close()
        holder.stdout.close()
    assert probes == [False]  # DuckDB did refuse first, and the lock was free when probed
    with ws.connect() as con:
        assert con.execute("SELECT x FROM t").fetchall() == [(1,)]
