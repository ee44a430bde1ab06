"""Imports into a workspace with a Parquet store write only the partitions they change.

The store is published once (``engine migrate --to parquet``); each import then commits
a new version in which the platform x month partitions holding the file's keys are new
files and every other partition is a hard link to the previous version's file. These
tests need no Spark.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

HEADER = "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"


def _weekday(when: str) -> str:
    """The weekday of 'Mon DD HH:MM' in 2026, as the export writes it before the month."""
    return datetime.strptime(f"{when} 2026", "%b %d %H:%M %Y").strftime("%a")


def _care(path: Path, rows: list[tuple[str, str, str, str]], mtime: int) -> Path:
    """A customer-care export: (id, author, 'Mon DD HH:MM' in 2026, text), no reply links."""
    lines = [
        f"{i},{author},{'True' if author != 'AcmeHelp' else 'False'},"
        f"{_weekday(when)} {when}:00 +0000 2026,{text},,\n"
        for i, author, when, text in rows
    ]
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    os.utime(path, (mtime, mtime))
    return path


JAN_FEB = [
    ("1", "cust_a", "Jan 05 09:00", "@AcmeHelp my order never arrived"),
    ("2", "cust_b", "Jan 20 10:00", "@AcmeHelp where is my refund"),
    ("3", "cust_c", "Feb 02 11:00", "@AcmeHelp thanks for the help"),
    ("4", "cust_d", "Feb 14 12:00", "@AcmeHelp the app is down"),
]
# message 1 now dated in March (a newer export wins): it leaves the January partition
MARCH = [
    ("1", "cust_a", "Mar 01 09:00", "@AcmeHelp my order never arrived"),
    ("5", "cust_e", "Mar 03 09:30", "@AcmeHelp hello"),
]


def _store_files(root: Path, version: str, table: str) -> dict[str, int]:
    """Partition folder -> inode of its one Parquet file."""
    base = root / version / table
    return {str(p.parent.relative_to(base)): p.stat().st_ino for p in base.rglob("*.parquet")}


def _db_sums(ws: Any) -> dict[str, tuple[int, str]]:
    from socialproof.workspace import parquet_store

    with ws.connect(read_only=True) as con:
        out = {}
        for name in ("messages", "imports", "ad_stats"):
            cols = [
                (str(c), str(t))
                for c, t in con.execute(
                    "SELECT column_name, data_type FROM information_schema.columns "
                    "WHERE table_name = ? ORDER BY ordinal_position",
                    [name],
                ).fetchall()
            ]
            rows = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            out[name] = (int(rows), f"{int(parquet_store.checksum(con, name, cols), 16):x}")
        return out


def _store_sums(uri: str) -> dict[str, tuple[int, str]]:
    import duckdb

    from socialproof.workspace import parquet_store

    manifest = parquet_store.read_manifest(uri)
    assert manifest is not None
    con = duckdb.connect()
    parquet_store.create_views(con, uri, manifest)
    out = {}
    for name in ("messages", "imports", "ad_stats"):
        cols = list(manifest.tables[name].columns)
        rows = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
        out[name] = (int(rows), f"{int(parquet_store.checksum(con, name, cols), 16):x}")
        # what the manifest records is what the files hold
        assert (manifest.tables[name].rows, manifest.tables[name].checksum) == (
            out[name][0],
            f"{int(manifest.tables[name].checksum, 16):x}",
        )
        assert parquet_store.same_sum(manifest.tables[name].checksum, out[name][1])
    con.close()
    return out


@pytest.fixture
def stored(workspace: Any, tmp_path: Path, cli: Any) -> tuple[Any, str]:
    first = _care(tmp_path / "jan_feb.csv", JAN_FEB, 1_767_300_000)
    assert cli("import", str(first), cwd=workspace.root).exit_code == 0
    uri = (tmp_path / "store").as_uri()
    done = cli("engine", "migrate", "--to", "parquet", uri, cwd=workspace.root)
    assert done.exit_code == 0, done
    from socialproof.workspace import Workspace

    return Workspace.open(workspace.root), uri


def test_an_import_rewrites_only_the_partitions_it_changes(
    stored: tuple[Any, str], tmp_path: Path, cli: Any
) -> None:
    from socialproof.workspace import parquet_store

    ws, uri = stored
    root = tmp_path / "store"
    before = parquet_store.read_manifest(uri)
    assert before is not None
    old = _store_files(root, before.version, "messages")
    assert sorted(old) == ["p=x/m=2026-01", "p=x/m=2026-02"]

    march = _care(tmp_path / "march.csv", MARCH, 1_767_400_000)
    result = cli("import", str(march), cwd=ws.root)
    assert result.exit_code == 0, result

    after = parquet_store.read_manifest(uri)
    assert after is not None and after.version != before.version
    assert after.source_state == parquet_store.source_state(ws)  # current: no republish
    new = _store_files(root, after.version, "messages")
    assert sorted(new) == ["p=x/m=2026-01", "p=x/m=2026-02", "p=x/m=2026-03"]
    assert new["p=x/m=2026-02"] == old["p=x/m=2026-02"]  # untouched: the same file
    assert new["p=x/m=2026-01"] != old["p=x/m=2026-01"]  # message 1 left it
    # the store holds exactly the database's rows, and its manifest says so
    assert _store_sums(uri) == _db_sums(ws)
    assert _db_sums(ws)["messages"][0] == 5
    assert parquet_store.current(ws)[1].version == after.version


def test_the_same_file_again_publishes_nothing(
    stored: tuple[Any, str], tmp_path: Path, cli: Any
) -> None:
    from socialproof.workspace import parquet_store

    ws, uri = stored
    march = _care(tmp_path / "march.csv", MARCH, 1_767_400_000)
    assert cli("import", str(march), cwd=ws.root).exit_code == 0
    once = parquet_store.read_manifest(uri)
    again = cli("import", str(march), cwd=ws.root)
    assert again.exit_code == 0 and "already imported" in again.stdout + again.stderr
    assert parquet_store.read_manifest(uri) == once


def test_a_store_behind_the_database_is_published_whole_on_the_next_read(
    stored: tuple[Any, str], tmp_path: Path, cli: Any, insert: Any
) -> None:
    from datetime import datetime

    from socialproof.workspace import parquet_store

    ws, uri = stored
    before = parquet_store.read_manifest(uri)
    # a write that does not go through the importer: the store is now behind
    insert(
        "messages",
        [
            {
                "platform": "x",
                "message_id": "9",
                "author_id": "cust_z",
                "created_at": datetime(2026, 4, 1, 8),
                "text": "hi",
            }
        ],
    )
    march = _care(tmp_path / "march.csv", MARCH, 1_767_400_000)
    assert cli("import", str(march), cwd=ws.root).exit_code == 0
    assert parquet_store.read_manifest(uri) == before  # not patched on top of a stale store
    assert parquet_store.current(ws)[1] != before  # the next read publishes everything
    assert _store_sums(uri) == _db_sums(ws)


def test_a_killed_import_leaves_no_partial_partition(
    stored: tuple[Any, str], tmp_path: Path
) -> None:
    """SIGKILL while the new partitions are being written: readers see the old version."""
    from socialproof.workspace import parquet_store

    ws, uri = stored
    root = tmp_path / "store"
    before = parquet_store.read_manifest(uri)
    assert before is not None
    old_sums = _store_sums(uri)
    march = _care(tmp_path / "march.csv", MARCH, 1_767_400_000)
    script = textwrap.dedent(
        f"""
        import os, signal
        from socialproof.workspace import parquet_write
        real = parquet_write._link_tree

        def dies(src, dst):
            real(src, dst)  # some partitions are in the staging folder, then the kill
            os.kill(os.getpid(), signal.SIGKILL)

        parquet_write._link_tree = dies
        from socialproof.cli.main import main
        main(["import", {str(march)!r}])
        """
    )
    env = {**os.environ, "SOCIALPROOF_WORKSPACE": str(ws.root)}
    proc = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], env=env, cwd=ws.root, capture_output=True, timeout=300
    )
    assert proc.returncode == -9, proc.stderr.decode()[-2000:]
    assert parquet_store.read_manifest(uri) == before
    visible = sorted(p.name for p in root.iterdir() if not p.name.startswith("_"))
    assert visible == [before.version]
    assert (root / "_staging").exists()  # what the kill left, read by no one
    assert _store_sums(uri) == old_sums
    # the database committed the file before the kill: the next read publishes it
    manifest = parquet_store.current(ws)[1]
    assert manifest.version != before.version
    assert _store_sums(uri) == _db_sums(ws)
    assert not (root / "_staging").exists()
