"""Imports into a remote Parquet store (s3a://, hdfs://) write only the partitions they change.

No S3 or HDFS is available here, so the store is a ``file://`` folder written through
Spark's Hadoop file system (``parquet_store.HADOOP_WRITER_FOR_LOCAL``): the same code
path as a remote store, with no hard links. The new version holds only the partitions
the file changed; its manifest names the others where they already are. Needs pyspark
and Java (``make test`` installs both).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from tests.workspace.test_parquet_import import JAN_FEB, MARCH, _care, _db_sums, _store_sums

pytestmark = [
    pytest.mark.spark,
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]

APRIL = [("6", "cust_f", "Apr 04 09:00", "@AcmeHelp still waiting")]


@pytest.fixture
def stored(
    workspace: Any, tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> tuple[Any, str]:
    from socialproof.workspace import Workspace, parquet_store

    monkeypatch.setenv("SPARK_LOCAL_IP", "127.0.0.1")
    first = _care(tmp_path / "jan_feb.csv", JAN_FEB, 1_767_300_000)
    assert cli("import", str(first), cwd=workspace.root).exit_code == 0
    uri = (tmp_path / "store").as_uri()
    done = cli("engine", "migrate", "--to", "parquet", uri, cwd=workspace.root)
    assert done.exit_code == 0, done
    monkeypatch.setattr(parquet_store, "HADOOP_WRITER_FOR_LOCAL", True)
    return Workspace.open(workspace.root), uri


def _files(root: Path, folder: str) -> list[str]:
    base = root / folder
    return sorted(str(p.parent.relative_to(base)) for p in base.rglob("*.parquet"))


def _spark_rows(uri: str, table: str) -> int:
    from socialproof.workspace import parquet_store, spark

    manifest = parquet_store.read_manifest(uri)
    assert manifest is not None
    paths = parquet_store.table_paths(uri, manifest, table)
    reader = spark.running_session().read.option("recursiveFileLookup", "true")
    return int(reader.parquet(*paths).count())


def test_an_import_through_hadoop_writes_only_the_changed_partitions(
    stored: tuple[Any, str], tmp_path: Path, cli: Any
) -> None:
    from socialproof.workspace import parquet_store

    ws, uri = stored
    root = tmp_path / "store"
    before = parquet_store.read_manifest(uri)
    assert before is not None
    assert _files(root, f"{before.version}/messages") == ["p=x/m=2026-01", "p=x/m=2026-02"]

    result = cli("import", str(_care(tmp_path / "march.csv", MARCH, 1_767_400_000)), cwd=ws.root)
    assert result.exit_code == 0, result
    after = parquet_store.read_manifest(uri)
    assert after is not None and after.version != before.version
    assert after.source_state == parquet_store.source_state(ws)  # current: no republish
    # written: January (message 1 left it) and March; February is named where it was
    assert _files(root, f"{after.version}/messages") == ["p=x/m=2026-01", "p=x/m=2026-03"]
    messages = after.tables["messages"]
    assert messages.fresh
    assert messages.reused == (f"{before.version}/messages/p=x/m=2026-02",)
    # a table the import did not touch is not written at all
    assert not (root / after.version / "ad_stats").exists()
    assert after.tables["ad_stats"].reused == (f"{before.version}/ad_stats",)
    assert (root / before.version).is_dir()  # still read by the new manifest
    # DuckDB and Spark both read exactly the database's rows from the patched store
    assert _store_sums(uri) == _db_sums(ws)
    assert _spark_rows(uri, "messages") == _db_sums(ws)["messages"][0] == 5

    # a second import on top: partitions of two earlier versions are reused
    result = cli("import", str(_care(tmp_path / "april.csv", APRIL, 1_767_500_000)), cwd=ws.root)
    assert result.exit_code == 0, result
    third = parquet_store.read_manifest(uri)
    assert third is not None and third.version != after.version
    assert _files(root, f"{third.version}/messages") == ["p=x/m=2026-04"]
    assert sorted(third.tables["messages"].reused) == sorted(
        [
            f"{after.version}/messages/p=x/m=2026-01",
            f"{after.version}/messages/p=x/m=2026-03",
            f"{before.version}/messages/p=x/m=2026-02",
        ]
    )
    assert _store_sums(uri) == _db_sums(ws)
    assert _spark_rows(uri, "messages") == 6
    assert not (root / "_staging").exists()


def test_a_killed_import_through_hadoop_leaves_nothing_visible(
    stored: tuple[Any, str], tmp_path: Path
) -> None:
    """SIGKILL after Spark wrote a new partition into staging: readers see the old version."""
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
        from socialproof.workspace import parquet_spark, parquet_store
        parquet_store.HADOOP_WRITER_FOR_LOCAL = True
        real = parquet_spark._spark_write

        def dies(*args, **kwargs):
            real(*args, **kwargs)  # new partitions are in the staging folder, then the kill
            os.kill(os.getpid(), signal.SIGKILL)

        parquet_spark._spark_write = dies
        from socialproof.cli.main import main
        main(["import", {str(march)!r}])
        """
    )
    env = {**os.environ, "SOCIALPROOF_WORKSPACE": str(ws.root), "SPARK_LOCAL_IP": "127.0.0.1"}
    proc = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], env=env, cwd=ws.root, capture_output=True, timeout=600
    )
    assert proc.returncode == -9, proc.stderr.decode()[-2000:]
    assert parquet_store.read_manifest(uri) == before
    visible = sorted(p.name for p in root.iterdir() if not p.name.startswith("_"))
    assert visible == [before.version]
    assert list((root / "_staging").rglob("*.parquet"))  # what the kill left, read by no one
    assert _store_sums(uri) == old_sums
