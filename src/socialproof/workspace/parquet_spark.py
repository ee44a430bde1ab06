"""Write a Parquet store through Spark's Hadoop file system (``s3a://``, ``hdfs://``, ...).

:func:`publish_with_spark` writes every table as a new version, the same layout and
commit as a local publish; :func:`publish_changes_with_spark` writes, after an import,
only the partitions it changed and names the unchanged ones where they already are
(a remote file system has no hard links: ``TableInfo.reused``). Counts and checksums
are those of the database (DuckDB cannot read remote storage here); nothing is
written by this process's own file functions. See ``docs/scaling.md``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialproof.errors import IntegrityError, WorkspaceError
from socialproof.workspace.parquet_manifest import (
    MANIFEST,
    STAGING,
    Manifest,
    TableInfo,
    check_uri,
    new_version,
    quote_path,
    read_manifest,
    source_state,
    spark_uri,
    table_folders,
    versions_used,
)
from socialproof.workspace.parquet_write import (
    SAFE,
    base_tables,
    checksum,
    load_keys,
    part_exprs,
    partition_columns,
    scalar,
    table_columns,
    unchanged,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    import duckdb
    import pyarrow as pa

    from socialproof.workspace.core import Workspace


def _hadoop_target(ws: Workspace, uri: str) -> tuple[Any, str, Any]:
    """The Spark session that writes (the workspace's own on the Spark engine, else the
    running one), the store's URI as Spark reads it and its Hadoop file system."""
    from socialproof.workspace import spark

    session = (
        spark.session_for(ws) if ws.settings.engine.backend == "spark" else spark.running_session()
    )
    target_uri = spark_uri(uri)
    return session, target_uri, spark.HadoopFS(session, target_uri)


def publish_with_spark(ws: Workspace, uri: str) -> Manifest:
    """:func:`publish` through Spark's Hadoop file system (``s3a://``, ``hdfs://``, ...).

    The same layout and commit: each table is read from the database into Spark (through
    a local Parquet copy), written under ``_staging/<version>`` (partitioned by platform
    and month with the same folder names), its row count read back, the version renamed
    beside the others and ``_manifest.json`` replaced last. Counts and checksums are
    those of the database (DuckDB cannot read remote storage here). On HDFS the renames
    are atomic; on object stores (``s3a://``) a rename is a copy, so readers must only
    trust what the manifest names, as they do. Nothing is written by this process's own
    file functions; the cluster needs the file system's connector (``docs/scaling.md``).
    """
    import tempfile

    from socialproof.workspace._lock import write_lock

    uri = check_uri(uri)
    session, target_uri, fs = _hadoop_target(ws, uri)
    version = new_version()
    staging = f"{target_uri}/{STAGING}"
    infos: dict[str, TableInfo] = {}
    with write_lock(ws.root), tempfile.TemporaryDirectory(prefix="sp-publish-") as scratch:
        state = source_state(ws)
        fs.delete(staging)  # what a killed publish left
        with ws.connect(read_only=True) as con:
            for name in base_tables(con):
                out = f"{staging}/{version}/{name}"
                infos[name] = _spark_write_table(session, con, name, out, Path(scratch), uri)
        previous = read_manifest(uri)
        fs.replace(f"{staging}/{version}", f"{target_uri}/{version}")
        manifest = Manifest(version, datetime.now(UTC).isoformat(), state, infos)
        _spark_commit(fs, target_uri, manifest, previous)
    return manifest


def _spark_commit(fs: Any, target_uri: str, manifest: Manifest, previous: Manifest | None) -> None:
    """Replace the manifest (the commit), then remove versions neither manifest reads."""
    tmp = f"{target_uri}/{MANIFEST}.{manifest.version}.tmp"
    fs.write_text(tmp, manifest.to_json())
    fs.replace(tmp, f"{target_uri}/{MANIFEST}")  # the commit
    keep = versions_used(manifest) | versions_used(previous)
    for child in fs.children(target_uri):
        if child.startswith("v") and child not in keep:
            fs.delete(f"{target_uri}/{child}")
    fs.delete(f"{target_uri}/{STAGING}")


def _spark_write_table(
    session: Any, con: duckdb.DuckDBPyConnection, name: str, out: str, scratch: Path, uri: str
) -> TableInfo:
    """One whole table of the database written through Spark to ``out``, counted back."""
    from socialproof.workspace import duck

    columns = table_columns(con, name)
    rows = scalar(con, f'SELECT count(*) FROM "{name}"')
    parts = partition_columns(columns) if rows else ()
    sums = checksum(con, f'"{name}"', columns)
    local = scratch / f"{name}.parquet"
    duck.export_parquet(con, name, local)
    back = _spark_write(session, local, parts, out, name, uri)
    local.unlink(missing_ok=True)
    if back != rows:
        raise IntegrityError(
            f"The copy of {name} in {uri} reads back as {back} rows, not {rows}; "
            "nothing was published."
        )
    return TableInfo(name, rows, sums, tuple(columns), parts)


def _spark_write(
    session: Any, local: Path, parts: tuple[str, ...], out: str, name: str, uri: str
) -> int:
    """A local Parquet file written by Spark under ``out`` (by platform and month when
    ``parts``); returns the rows read back from ``out``."""
    from socialproof.workspace import spark

    try:
        frame = session.read.parquet(local.resolve().as_uri())
        if parts:
            p_col, m_col = _spark_part_exprs(parts)
            frame = frame.selectExpr("*", f"{p_col} AS p", f"{m_col} AS m")
            frame.write.partitionBy("p", "m").parquet(out)
        else:
            frame.coalesce(1).write.parquet(out)
        return int(session.read.option("recursiveFileLookup", "true").parquet(out).count())
    except spark.SparkFailed:
        raise
    except Exception as exc:
        raise WorkspaceError(
            f"Spark could not write the table {name} to {uri}: {spark.in_words(exc)}",
            hint="Check the URI, the cluster's credentials and connector for it.",
        ) from None


def _spark_part_exprs(parts: tuple[str, ...]) -> tuple[str, str]:
    """:func:`part_exprs` in Spark SQL (the same folder names)."""
    platform, when = (f"`{c}`" for c in parts)
    p = f"coalesce(nullif(regexp_replace(lower({platform}), '{SAFE.pattern}', '_'), ''), 'none')"
    m = f"coalesce(date_format({when}, 'yyyy-MM'), 'none')"
    return p, m


def publish_changes_with_spark(
    ws: Workspace, uri: str, manifest: Manifest, tables: Mapping[str, pa.Table]
) -> Manifest:
    """:func:`publish_changes` through Spark's Hadoop file system (``s3a://``, ``hdfs://``).

    Only the partitions (platform x month) that hold a key of ``tables`` now, or held
    one in the committed version, are written, under ``_staging/<version>``; a remote
    file system has no hard links, so the new manifest names the unchanged partitions
    where they already are (``reused``: folders of earlier versions, kept as long as a
    manifest reads them). Tables the import did not touch are reused whole; bookkeeping
    tables that changed are written whole. The version is renamed beside the others and
    the manifest replaced last, so a killed import leaves only ``_staging``, which no
    reader looks at. ``manifest`` must describe the database before the import.
    """
    import tempfile

    session, target_uri, fs = _hadoop_target(ws, uri)
    version = new_version()
    staging = f"{target_uri}/{STAGING}"
    out_root = f"{staging}/{version}"
    fs.delete(staging)  # what a killed import left
    fs.mkdirs(out_root)
    infos: dict[str, TableInfo] = {}
    with (
        ws.connect(read_only=True) as con,
        tempfile.TemporaryDirectory(prefix="sp-import-") as scratch,
    ):
        state = source_state(ws)
        for name in base_tables(con):
            columns = table_columns(con, name)
            old = manifest.tables.get(name)
            parts = partition_columns(columns)
            same_shape = old is not None and old.columns == tuple(columns)
            if old is not None and same_shape and parts and name not in tables:
                if old.partitioned_by in (parts, ()):
                    infos[name] = _reused_whole(manifest, old)
                    continue
            if (
                old is not None
                and same_shape
                and parts
                and old.partitioned_by == parts
                and name in tables
                and tables[name].num_rows
            ):
                infos[name] = _spark_rewrite_partitions(
                    session,
                    fs,
                    con,
                    manifest,
                    old,
                    tables[name],
                    target_uri,
                    out_root,
                    Path(scratch),
                )
            elif old is not None and same_shape and unchanged(con, name, old):
                infos[name] = _reused_whole(manifest, old)
            else:
                out = f"{out_root}/{name}"
                infos[name] = _spark_write_table(session, con, name, out, Path(scratch), uri)
    fs.replace(out_root, f"{target_uri}/{version}")
    committed = Manifest(version, datetime.now(UTC).isoformat(), state, infos)
    _spark_commit(fs, target_uri, committed, manifest)
    return committed


def _reused_whole(manifest: Manifest, old: TableInfo) -> TableInfo:
    """A table of the committed version, read where it is (nothing written)."""
    from dataclasses import replace

    return replace(old, reused=tuple(table_folders(manifest, old.name)), fresh=False)


def _partition_folders(fs: Any, target_uri: str, folders: list[str]) -> dict[tuple[str, str], str]:
    """(p, m) -> folder (relative to the store) of each partition under ``folders``
    (each ``version/table``, ``version/table/p=..`` or ``version/table/p=../m=..``)."""
    out: dict[tuple[str, str], str] = {}
    for folder in folders:
        tail = folder.split("/")[2:]
        if len(tail) == 2:
            out[(tail[0][2:], tail[1][2:])] = folder
            continue
        p_folders = (
            [folder]
            if tail
            else [f"{folder}/{c}" for c in fs.children(f"{target_uri}/{folder}") if c[:2] == "p="]
        )
        for p_folder in p_folders:
            for m_dir in fs.children(f"{target_uri}/{p_folder}"):
                if m_dir.startswith("m="):
                    out[(p_folder.rsplit("/p=", 1)[1], m_dir[2:])] = f"{p_folder}/{m_dir}"
    return out


def _spark_rewrite_partitions(
    session: Any,
    fs: Any,
    con: duckdb.DuckDBPyConnection,
    manifest: Manifest,
    old: TableInfo,
    incoming: pa.Table,
    target_uri: str,
    out_root: str,
    scratch: Path,
) -> TableInfo:
    """:func:`_rewrite_partitions` through Spark: write the partitions of a table that
    hold a key of ``incoming``, name the others where they are."""
    from dataclasses import replace

    from socialproof.workspace import spark

    name = old.name
    columns = list(old.columns)
    parts = old.partitioned_by
    p_sql, m_sql = part_exprs(parts)
    key, on = load_keys(con, name, columns, incoming)
    old_folders = _partition_folders(fs, target_uri, table_folders(manifest, name))
    try:
        tp_sql, tm_sql = part_exprs(parts, "t.")
        affected = {
            (str(p), str(m))
            for p, m in con.execute(
                f'SELECT DISTINCT {tp_sql}, {tm_sql} FROM "{name}" t JOIN _keys k ON {on}'
            ).fetchall()
        }
        if old.rows and not set(parts) <= set(key):
            # where the keys were (a post's date may have changed): asked of the old rows
            as_text = ", ".join(f'CAST("{k}" AS VARCHAR) AS "{k}"' for k in key)
            keys = con.sql(f"SELECT {as_text} FROM _keys").to_arrow_table()
            platforms = None
            if "platform" in key:  # only the platforms of the keys can hold them
                kp_sql, _ = part_exprs(parts, "k.")
                platforms = {
                    str(r[0])
                    for r in con.execute(f"SELECT DISTINCT {kp_sql} FROM _keys k").fetchall()
                }
            where = [
                f"{target_uri}/{f}"
                for (p, _), f in old_folders.items()
                if platforms is None or p in platforms
            ]
            affected |= _spark_old_partitions(session, where, keys, key, parts)
        in_parts = f"{p_sql} || '/' || {m_sql} IN (SELECT p || '/' || m FROM _parts)"
        con.execute("CREATE OR REPLACE TEMP TABLE _parts (p VARCHAR, m VARCHAR)")
        con.executemany("INSERT INTO _parts VALUES (?, ?)", sorted(affected))
        local = scratch / f"{name}.parquet"
        con.execute(
            f'COPY (SELECT * FROM "{name}" WHERE {in_parts}) TO '
            f"'{quote_path(local)}' (FORMAT parquet)"
        )
        new_rows = scalar(con, f'SELECT count(*) FROM "{name}" WHERE {in_parts}')
    finally:
        con.execute("DROP TABLE IF EXISTS _keys")
        con.execute("DROP TABLE IF EXISTS _parts")
    back = _spark_write(session, local, parts, f"{out_root}/{name}", name, target_uri)
    local.unlink(missing_ok=True)
    if back != new_rows:
        raise IntegrityError(
            f"The new partitions of {name} do not read back as written; nothing was published."
        )
    gone = [f"{target_uri}/{f}" for pm, f in old_folders.items() if pm in affected]
    try:
        gone_rows = (
            int(session.read.option("recursiveFileLookup", "true").parquet(*gone).count())
            if gone
            else 0
        )
    except Exception as exc:
        raise WorkspaceError(
            f"Spark could not read the partitions of {name}: {spark.in_words(exc)}"
        ) from None
    total = scalar(con, f'SELECT count(*) FROM "{name}"')
    if old.rows - gone_rows + new_rows != total:
        raise IntegrityError(
            f"The partitions of {name} add up to {old.rows - gone_rows + new_rows} rows, "
            f"not {total}; nothing was published."
        )
    kept = tuple(f for pm, f in sorted(old_folders.items()) if pm not in affected)
    sums = checksum(con, f'"{name}"', columns)
    return replace(old, rows=total, checksum=sums, reused=kept, fresh=True)


def _spark_old_partitions(
    session: Any, paths: list[str], keys: pa.Table, key: list[str], parts: tuple[str, ...]
) -> set[tuple[str, str]]:
    """The (p, m) partitions among ``paths`` holding a row with one of ``keys``."""
    from functools import reduce

    from socialproof.workspace import spark

    if not paths or not keys.num_rows:
        return set()
    try:
        from pyspark.sql.types import StringType, StructField, StructType

        schema = StructType([StructField(f"_k{i}", StringType(), True) for i in range(len(key))])
        wanted = session.createDataFrame(
            [tuple(r.values()) for r in keys.to_pylist()], schema=schema
        )
        rows = session.read.option("recursiveFileLookup", "true").parquet(*paths)
        cond = reduce(
            lambda a, b: a & b,
            [
                rows[k].cast("string").eqNullSafe(wanted[f"_k{i}"].cast("string"))
                for i, k in enumerate(key)
            ],
        )
        p_col, m_col = _spark_part_exprs(parts)
        found = (
            rows.join(wanted, cond, "inner")
            .selectExpr(f"{p_col} AS p", f"{m_col} AS m")
            .distinct()
            .collect()
        )
    except Exception as exc:
        raise WorkspaceError(
            f"Spark could not read the store's earlier rows: {spark.in_words(exc)}"
        ) from None
    return {(str(r["p"]), str(r["m"])) for r in found}
