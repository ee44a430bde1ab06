"""The workspace's tables as Parquet on shared storage, read by DuckDB and by Spark alike.

With ``engine.storage = "file:///shared/acme"`` in ``socialproof.toml``, every table of
the workspace is *published* to that folder and both engines read it from there:
DuckDB through views over ``read_parquet`` and Spark (local or a cluster) through its
Hadoop file system. The DuckDB file stays the write side (imports merge there, with
their natural keys, hashes and rejects) and the journal of what was imported; the
store is what analyses read, so the embedded default and the cluster see one truth.

Layout of a store::

    _manifest.json                  the committed version: tables, rows, checksums
    v20260102T101500-1a2b3c4d/      one complete version of every table
        ad_stats/p=meta/m=2026-01/data_0.parquet   canonical tables: by platform and month
        imports/data.parquet                         bookkeeping tables: one file
    _staging/                       versions being written (never read)

A version is written in ``_staging``, checked (row counts and checksums read back from
the Parquet files), moved beside the others by one rename, and committed by replacing
``_manifest.json`` in one rename. A killed publish leaves only a folder under
``_staging``, which nobody reads and the next publish removes. Readers take the version
the manifest names, so they never see a partial one. The previous version is kept (a
query that started on it finishes); older ones are removed.

The partition folders are named ``p=`` and ``m=``, values reduced to ``[a-z0-9_-]``, and
the partition values are not columns of the files: the tables read back exactly as they
were written (Spark is told to read the files recursively, without partition discovery).

``file://`` URIs (or plain paths) are read and written here. Other URIs (``s3a://``,
``hdfs://``, ``abfss://``, ``gs://``) are read and written through Spark's Hadoop file
system (:func:`publish_with_spark`, :func:`publish_changes_with_spark`). Imports there
write only the partitions they change; with no hard links, the manifest names the
unchanged partitions where they are, in earlier versions (``TableInfo.reused``), and a
version is kept while a kept manifest reads it. See ``docs/scaling.md``.

This module commits versions and keeps the store in step with the database; the rest
lives beside it: ``parquet_manifest.py`` (the manifest, URIs and the readers' side),
``parquet_write.py`` (DuckDB writes to a local store) and ``parquet_spark.py`` (writes
through Spark's Hadoop file system).
"""

from __future__ import annotations

import logging
import shutil
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from socialproof.errors import (
    BadInput,
    IntegrityError,
    SettingsError,
    SocialproofError,
    WorkspaceError,
)
from socialproof.workspace.parquet_manifest import (
    FORMAT_VERSION,
    MANIFEST,
    REMOTE_SCHEMES,
    STAGING,
    Manifest,
    TableInfo,
    check_uri,
    create_views,
    local_path,
    new_version,
    read_manifest,
    read_parquet,
    source_state,
    spark_uri,
    table_globs,
    table_paths,
    versions_used,
)
from socialproof.workspace.parquet_spark import publish_changes_with_spark, publish_with_spark
from socialproof.workspace.parquet_write import (
    base_tables,
    checksum,
    duckdb_error,
    prune,
    publish_changes,
    same_sum,
    write_version,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    import duckdb
    import ibis
    import pyarrow as pa

    from socialproof.workspace.core import Workspace

__all__ = [  # the store's face; the names that moved out stay importable from here
    "FORMAT_VERSION",
    "HADOOP_WRITER_FOR_LOCAL",
    "MANIFEST",
    "REMOTE_SCHEMES",
    "STAGING",
    "Manifest",
    "TableInfo",
    "check_uri",
    "checksum",
    "create_views",
    "current",
    "differs",
    "duckdb_backend",
    "duckdb_error",
    "hadoop_writes",
    "local_path",
    "publish",
    "publish_changes",
    "publish_changes_with_spark",
    "publish_with_spark",
    "publishing_import",
    "read_manifest",
    "restore",
    "same_sum",
    "source_state",
    "spark_uri",
    "summary",
    "table_globs",
    "table_paths",
    "write_version",
]

_log = logging.getLogger(__name__)


def current(ws: Workspace) -> tuple[str, Manifest]:
    """The store of ``ws`` and its committed version, published first if the database changed.

    Remote stores (``s3a://``, ``hdfs://``, ...) are published through Spark's Hadoop
    file system (:func:`publish_with_spark`).
    """
    uri = check_uri(ws.settings.engine.storage)
    manifest = read_manifest(uri)
    if manifest is None or manifest.source_state != source_state(ws):
        manifest = publish(ws, uri)
    return uri, manifest


@contextmanager
def duckdb_backend(ws: Workspace) -> Iterator[ibis.BaseBackend]:
    """An Ibis DuckDB backend whose tables are views over the workspace's Parquet store."""
    import duckdb
    import ibis

    from socialproof.workspace.duck import duckdb_compat

    uri, manifest = current(ws)
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET TimeZone = 'UTC'")
        create_views(con, uri, manifest)
        duckdb_compat()
        yield ibis.duckdb.from_connection(con)
    finally:
        con.close()


def publish(ws: Workspace, uri: str | None = None) -> Manifest:
    """Write every table of the workspace database to the store as a new version, all or nothing.

    Returns the committed manifest (row counts and checksums of each table).
    """
    from socialproof.workspace._lock import write_lock

    uri = check_uri(uri or ws.settings.engine.storage)
    root = local_path(uri)
    if root is None:
        return publish_with_spark(ws, uri)
    version = new_version()
    try:
        root.mkdir(parents=True, exist_ok=True)
        staging = root / STAGING
        with write_lock(ws.root):
            shutil.rmtree(staging, ignore_errors=True)  # what a killed publish left
            staging.mkdir()
            state = source_state(ws)
            with ws.connect(read_only=True) as con:
                infos = write_version(con, staging / version)
            (staging / version).rename(root / version)
            manifest = Manifest(version, datetime.now(UTC).isoformat(), state, infos)
            previous = read_manifest(uri)
            tmp = root / f"{MANIFEST}.{version}.tmp"
            tmp.write_text(manifest.to_json(), encoding="utf-8")
            tmp.replace(root / MANIFEST)  # the commit
            prune(root, keep={version} | versions_used(previous))
    except PermissionError as exc:
        raise WorkspaceError(
            f"Cannot write the Parquet store {uri}: permission denied ({exc.filename}).",
            hint="Choose a folder you can write to.",
        ) from None
    except OSError as exc:
        if isinstance(exc, WorkspaceError):
            raise
        raise WorkspaceError(
            f"Cannot write the Parquet store {uri}: {exc.strerror or exc}.",
            hint="Check the folder exists, is mounted and has room.",
        ) from None
    return manifest


# -- imports: only the partitions a file changed -------------------------------------


@contextmanager
def publishing_import(ws: Workspace, tables: Mapping[str, pa.Table]) -> Iterator[None]:
    """Around an import's write transaction: publish the partitions it changed on commit.

    With a local Parquet store (``engine.storage``) the workspace's write lock is taken
    first and held until the store is committed too, so no other writer comes between
    the import and its partitions. If the body raises (a failed file, a dry run), nothing
    is published. After the database committed, the partitions (platform x month) that
    hold a key of ``tables`` (canonical table name -> the rows the import wrote) are
    written anew into a staging folder, every other partition is hard-linked from the
    committed version, and the new version is committed by a rename and a manifest
    replaced in one rename (:func:`publish_changes`). A store that was already behind
    the database, or a publish that fails, is left as it was: the next analysis then
    publishes everything, as before.
    """
    from socialproof.workspace._lock import write_lock

    storage = ws.settings.engine.storage
    if not storage:
        yield
        return
    uri = check_uri(storage)
    hadoop = hadoop_writes(uri)
    with write_lock(ws.root):
        before = source_state(ws)
        yield
        if source_state(ws) == before:
            return  # nothing was written (the file was imported before)
        try:
            manifest = read_manifest(uri)
        except WorkspaceError:
            return
        if manifest is None or manifest.source_state != before:
            return
        try:
            if hadoop:
                publish_changes_with_spark(ws, uri, manifest, tables)
            else:
                publish_changes(ws, uri, manifest, tables)
        except (SocialproofError, OSError, duckdb_error()) as exc:
            _log.warning("The Parquet store was not updated (%s); the next read publishes it.", exc)
        except Exception as exc:  # noqa: BLE001 - Spark's own errors: the database has the file
            if not hadoop:
                raise
            _log.warning("The Parquet store was not updated (%s); the next read publishes it.", exc)


#: Write imports to ``file://`` stores through Spark's Hadoop file system too, as for
#: ``s3a://`` or ``hdfs://`` (the tests run that code path on local Spark this way).
HADOOP_WRITER_FOR_LOCAL = False


def hadoop_writes(uri: str) -> bool:
    """Whether imports into the store at ``uri`` are written through Spark."""
    return local_path(uri) is None or HADOOP_WRITER_FOR_LOCAL


def differs(con: duckdb.DuckDBPyConnection, manifest: Manifest) -> list[str]:
    """Tables of the manifest whose rows in ``con`` are not the store's."""
    tables = set(base_tables(con))
    out = []
    for info in manifest.tables.values():
        if info.name not in tables:
            out.append(info.name)
            continue
        if not same_sum(checksum(con, f'"{info.name}"', list(info.columns)), info.checksum):
            out.append(info.name)
    return out


def _holds_data(con: duckdb.DuckDBPyConnection) -> bool:
    for name in base_tables(con):
        if name == "schema_migrations":
            continue
        row = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()
        if row and row[0]:
            return True
    return False


def restore(ws: Workspace, uri: str, *, replace: bool = False) -> tuple[Manifest, list[str]]:
    """Read the store's tables into the workspace database (``migrate --to duckdb``).

    Returns the manifest and the tables that were replaced. A database that already
    holds the same rows is left as it is. One that holds other rows (imports made after
    the store was published, or another workspace's) is only replaced with ``replace``.
    Every table is read back and checked against the manifest's row count and checksum
    inside one transaction: a mismatch changes nothing.
    """
    uri = check_uri(uri)
    manifest = read_manifest(uri)
    if manifest is None:
        raise BadInput(
            f"{uri} holds no published workspace (no {MANIFEST}).",
            hint="Check the URI, or publish with 'socialproof engine migrate --to parquet'.",
        )
    if local_path(uri) is None:
        raise SettingsError(
            f"DuckDB cannot read {uri} here (only file:// stores).",
            hint="Copy the store to a local folder first (hadoop distcp, aws s3 sync).",
        )
    with ws.transaction() as con:
        changed = differs(con, manifest)
        if not changed:
            return manifest, []
        if not replace and _holds_data(con):
            raise BadInput(
                f"The workspace database holds other rows than {uri} in "
                f"{', '.join(changed[:5])}{' ...' if len(changed) > 5 else ''}.",
                hint="Publish them with 'socialproof engine migrate --to parquet URI', or "
                "pass --replace to take the store's tables instead.",
            )
        for info in manifest.tables.values():
            if info.name not in changed:
                continue
            source = read_parquet(uri, manifest, info.name)
            cols = ", ".join(f'CAST("{c}" AS {ty}) AS "{c}"' for c, ty in info.columns)
            names = ", ".join(f'"{c}"' for c, _ in info.columns)
            if info.name in base_tables(con):
                con.execute(f'DELETE FROM "{info.name}"')
                con.execute(f'INSERT INTO "{info.name}" ({names}) SELECT {cols} FROM {source}')
            else:
                con.execute(f'CREATE TABLE "{info.name}" AS SELECT {cols} FROM {source}')
            row = con.execute(f'SELECT count(*) FROM "{info.name}"').fetchone()
            rows = int(row[0]) if row else 0
            got = checksum(con, f'"{info.name}"', list(info.columns))
            if rows != info.rows or not same_sum(got, info.checksum):
                raise IntegrityError(
                    f"The store's {info.name} reads back as {rows} rows, not the "
                    f"{info.rows} its manifest records, or with another checksum; "
                    "the workspace database was not changed.",
                    hint="The store was changed after it was published: publish it again.",
                )
    return manifest, changed


def summary(manifest: Manifest) -> list[dict[str, Any]]:
    """One row per table: name, rows, checksum, partitioning (for the CLI)."""
    return [
        {
            "table": t.name,
            "rows": t.rows,
            "checksum": t.checksum,
            "partitioned_by": ", ".join(t.partitioned_by) or "-",
        }
        for t in sorted(manifest.tables.values(), key=lambda t: t.name)
    ]
