"""Write a local Parquet store with DuckDB: whole versions, or only the partitions a file changed.

:func:`write_version` copies tables of the workspace database into a version folder
(canonical tables by platform and month), reads each back and checks its rows and
checksum. :func:`publish_changes` makes the next version after an import: the
partitions that hold a key of the imported rows are written anew, every other one is
hard-linked from the committed version, and the manifest is replaced in one rename.
The checksums (:func:`checksum`, :func:`same_sum`) and the partition folder names
(:func:`part_exprs`) are shared with the Spark writer (``parquet_spark.py``).
"""

from __future__ import annotations

import os
import re
import shutil
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from socialproof.errors import IntegrityError, SettingsError
from socialproof.workspace.parquet_manifest import (
    MANIFEST,
    STAGING,
    Manifest,
    TableInfo,
    local_path,
    new_version,
    quote_path,
    source_state,
    versions_used,
)

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    import duckdb
    import pyarrow as pa

    from socialproof.workspace.core import Workspace

SAFE = re.compile(r"[^a-z0-9_-]+")


def table_columns(con: duckdb.DuckDBPyConnection, name: str) -> list[tuple[str, str]]:
    rows = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
        [name],
    ).fetchall()
    return [(str(c), str(t)) for c, t in rows]


def base_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
        "AND table_type = 'BASE TABLE' ORDER BY table_name"
    ).fetchall()
    return [str(r[0]) for r in rows]


def checksum(con: duckdb.DuckDBPyConnection, source: str, columns: list[tuple[str, str]]) -> str:
    """An order-free checksum of a table's rows: the sum of one hash per row, as hex."""
    cols = ", ".join(f'"{c}"' for c, _ in columns)
    row = con.execute(f"SELECT sum(hash({cols})::HUGEINT) FROM {source}").fetchone()
    total = int(row[0]) if row and row[0] is not None else 0
    return f"{total:x}"


def same_sum(a: str, b: str) -> bool:
    try:
        return int(a, 16) == int(b, 16)
    except ValueError:
        return False


def partition_columns(columns: list[tuple[str, str]]) -> tuple[str, ...]:
    names = dict(columns)
    if names.get("platform") != "VARCHAR":
        return ()
    for c, ty in columns:
        if ty in ("DATE", "TIMESTAMP") or ty.startswith("TIMESTAMP"):
            return ("platform", c)
    return ()


def part_exprs(parts: tuple[str, ...], alias: str = "") -> tuple[str, str]:
    """The SQL of a row's partition folder names (``p=`` and ``m=``), as :func:`write_version`."""
    platform, when = (f'{alias}"{c}"' for c in parts)
    p = f"coalesce(nullif(regexp_replace(lower({platform}), '{SAFE.pattern}', '_', 'g'), ''), 'none')"
    m = f"coalesce(strftime({when}, '%Y-%m'), 'none')"
    return p, m


def _partitions_query(root: Path, parts: set[tuple[str, str]], columns: str) -> str:
    """A subquery over the Parquet files of the ``p=.../m=...`` partitions of ``parts``
    that exist under ``root`` ("" when none does)."""
    folders = [
        root / f"p={p}" / f"m={m}"
        for p, m in sorted(parts)
        if (root / f"p={p}" / f"m={m}").is_dir()
    ]
    if not folders:
        return ""
    globs = ", ".join(f"'{quote_path(d / '*.parquet')}'" for d in folders)
    return f"(SELECT {columns} FROM read_parquet([{globs}], hive_partitioning = false))"


def write_version(
    con: duckdb.DuckDBPyConnection, folder: Path, tables: list[str] | None = None
) -> dict[str, TableInfo]:
    """Write the tables of ``con`` (all base tables by default) as Parquet under ``folder``."""
    infos: dict[str, TableInfo] = {}
    for name in tables if tables is not None else base_tables(con):
        columns = table_columns(con, name)
        source = f'"{name}"'
        rows_row = con.execute(f"SELECT count(*) FROM {source}").fetchone()
        rows = int(rows_row[0]) if rows_row else 0
        parts = partition_columns(columns) if rows else ()
        target = folder / name
        target.mkdir(parents=True)
        if parts:
            p_sql, m_sql = part_exprs(parts)
            con.execute(
                f"COPY (SELECT *, {p_sql} AS p, {m_sql} AS m FROM {source}) "
                f"TO '{quote_path(target)}' (FORMAT parquet, PARTITION_BY (p, m), "
                "OVERWRITE_OR_IGNORE true)"
            )
        else:
            con.execute(
                f"COPY {source} TO '{quote_path(target / 'data.parquet')}' (FORMAT parquet)"
            )
        sums = checksum(con, source, columns)
        glob = quote_path(target / "**" / "*.parquet")
        cast = ", ".join(f'CAST("{c}" AS {ty}) AS "{c}"' for c, ty in columns)
        back = f"(SELECT {cast} FROM read_parquet('{glob}', hive_partitioning = false))"
        got_row = con.execute(f"SELECT count(*) FROM {back}").fetchone()
        got = int(got_row[0]) if got_row else 0
        if got != rows or not same_sum(checksum(con, back, columns), sums):
            raise IntegrityError(
                f"The Parquet copy of {name} does not read back as written "
                f"({got} rows of {rows}); nothing was published.",
                hint="Check the storage folder has room and is not being changed by others.",
            )
        infos[name] = TableInfo(name, rows, sums, tuple(columns), parts)
    return infos


def duckdb_error() -> type[Exception]:
    import duckdb

    return duckdb.Error


def publish_changes(
    ws: Workspace, uri: str, manifest: Manifest, tables: Mapping[str, pa.Table]
) -> Manifest:
    """A new version of the store that rewrites only what ``tables`` changed (see above).

    ``manifest`` must describe the database as it was before those rows were written
    (the caller holds the write lock). Partitioned tables named in ``tables`` are
    rewritten partition by partition; bookkeeping tables (one file each) are rewritten
    when their checksum changed; every other table is linked from the committed version.
    """
    root = local_path(uri)
    if root is None:
        raise SettingsError(f"publish_changes writes local stores, not {uri}.")
    if any(t.reused for t in manifest.tables.values()):
        # written through the Hadoop file system: its partitions are spread over versions
        raise IntegrityError("The store reuses partitions of earlier versions.")
    version = new_version()
    staging = root / STAGING
    shutil.rmtree(staging, ignore_errors=True)  # what a killed publish left
    target = staging / version
    target.mkdir(parents=True)
    previous = root / manifest.version
    infos: dict[str, TableInfo] = {}
    with ws.connect(read_only=True) as con:
        state = source_state(ws)
        for name in base_tables(con):
            columns = table_columns(con, name)
            old = manifest.tables.get(name)
            parts = partition_columns(columns)
            same_shape = old is not None and old.columns == tuple(columns)
            if (
                old is not None
                and same_shape
                and parts
                and old.partitioned_by in (parts, ())
                and name not in tables
            ):
                _link_tree(previous / name, target / name)
                infos[name] = old
            elif (
                old is not None
                and same_shape
                and parts
                and old.partitioned_by == parts
                and name in tables
                and tables[name].num_rows
            ):
                infos[name] = _rewrite_partitions(
                    con, name, columns, parts, old, tables[name], previous / name, target / name
                )
            elif old is not None and same_shape and unchanged(con, name, old):
                _link_tree(previous / name, target / name)
                infos[name] = old
            else:
                infos.update(write_version(con, target, [name]))
    target.rename(root / version)
    committed = Manifest(version, datetime.now(UTC).isoformat(), state, infos)
    tmp = root / f"{MANIFEST}.{version}.tmp"
    tmp.write_text(committed.to_json(), encoding="utf-8")
    tmp.replace(root / MANIFEST)  # the commit
    prune(root, keep=versions_used(committed) | versions_used(manifest))
    return committed


def unchanged(con: duckdb.DuckDBPyConnection, name: str, old: TableInfo) -> bool:
    row = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()
    if not row or int(row[0]) != old.rows:
        return False
    return same_sum(checksum(con, f'"{name}"', list(old.columns)), old.checksum)


def load_keys(
    con: duckdb.DuckDBPyConnection,
    name: str,
    columns: list[tuple[str, str]],
    incoming: pa.Table,
) -> tuple[list[str], str]:
    """The natural keys of ``incoming`` in the temporary table ``_keys`` (typed as the
    table's columns): (the key columns, the join condition ``t`` = ``k`` over them)."""
    from socialproof.workspace.schema import CANONICAL

    types = dict(columns)
    spec = CANONICAL.get(name)
    key = [k for k in (spec.key if spec else ()) if k in types] or [c for c, _ in columns]
    cast_keys = ", ".join(
        f'CAST("{k}" AS {types[k]}) AS "{k}"'
        if k in incoming.column_names
        else f'NULL::{types[k]} AS "{k}"'
        for k in key
    )
    con.register("_incoming_rows", incoming)
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _keys AS SELECT DISTINCT {cast_keys} FROM _incoming_rows"
        )
    finally:
        con.unregister("_incoming_rows")
    return key, " AND ".join(f't."{k}" IS NOT DISTINCT FROM k."{k}"' for k in key)


def _rewrite_partitions(
    con: duckdb.DuckDBPyConnection,
    name: str,
    columns: list[tuple[str, str]],
    parts: tuple[str, ...],
    old: TableInfo,
    incoming: pa.Table,
    previous: Path,
    target: Path,
) -> TableInfo:
    """Write the partitions of ``name`` that hold a key of ``incoming``; link the others."""
    p_sql, m_sql = part_exprs(parts)
    old_glob = quote_path(previous / "**" / "*.parquet")
    old_cols = ", ".join(f'CAST("{c}" AS {ty}) AS "{c}"' for c, ty in columns)
    old_rows = (
        f"(SELECT {old_cols} FROM read_parquet('{old_glob}', hive_partitioning = false))"
        if old.rows
        else None
    )
    key, on = load_keys(con, name, columns, incoming)
    try:
        # where the keys are now, and (unless the partition follows from the key) where they were
        sources = [f'"{name}"'] + ([old_rows] if old_rows and not set(parts) <= set(key) else [])
        tp_sql, tm_sql = part_exprs(parts, "t.")
        union = " UNION ".join(
            f"SELECT DISTINCT {tp_sql} AS p, {tm_sql} AS m FROM {src} t JOIN _keys k ON {on}"
            for src in sources
        )
        con.execute(f"CREATE OR REPLACE TEMP TABLE _parts AS {union}")
        affected = {(str(p), str(m)) for p, m in con.execute("SELECT p, m FROM _parts").fetchall()}
        in_parts = f"{p_sql} || '/' || {m_sql} IN (SELECT p || '/' || m FROM _parts)"
        new_src = f'(SELECT * FROM "{name}" WHERE {in_parts})'
        target.mkdir(parents=True)
        con.execute(
            f'COPY (SELECT *, {p_sql} AS p, {m_sql} AS m FROM "{name}" WHERE {in_parts}) '
            f"TO '{quote_path(target)}' (FORMAT parquet, PARTITION_BY (p, m), "
            "OVERWRITE_OR_IGNORE true)"
        )
        new_sum = checksum(con, new_src, columns)
        new_rows = scalar(con, f"SELECT count(*) FROM {new_src}")
        back = _partitions_query(target, affected, old_cols)
        if back:
            got_rows = scalar(con, f"SELECT count(*) FROM {back}")
            got_sum = checksum(con, back, columns)
        else:
            got_rows, got_sum = 0, "0"
        if got_rows != new_rows or not same_sum(got_sum, new_sum):
            raise IntegrityError(
                f"The new partitions of {name} do not read back as written; nothing was published."
            )
        gone = _partitions_query(previous, affected, old_cols)
        if gone:
            gone_rows = scalar(con, f"SELECT count(*) FROM {gone}")
            gone_sum = int(checksum(con, gone, columns), 16)
        else:
            gone_rows, gone_sum = 0, 0
    finally:
        con.execute("DROP TABLE IF EXISTS _keys")
        con.execute("DROP TABLE IF EXISTS _parts")
    for folder in previous.glob("p=*/m=*"):
        if (folder.parent.name[2:], folder.name[2:]) not in affected:
            _link_tree(folder, target / folder.parent.name / folder.name)
    rows = old.rows - gone_rows + new_rows
    total = scalar(con, f'SELECT count(*) FROM "{name}"')
    if rows != total:
        raise IntegrityError(
            f"The partitions of {name} add up to {rows} rows, not {total}; nothing was published."
        )
    sums = int(old.checksum, 16) - gone_sum + int(new_sum, 16)
    return TableInfo(name, rows, f"{sums:x}", tuple(columns), parts)


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _link_tree(src: Path, dst: Path) -> None:
    """Hard links of every file under ``src`` at the same places under ``dst`` (copies where
    the file system has no hard links)."""
    dst.mkdir(parents=True, exist_ok=True)
    for path in src.rglob("*"):
        out = dst / path.relative_to(src)
        if path.is_dir():
            out.mkdir(parents=True, exist_ok=True)
            continue
        out.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, out)
        except OSError:
            shutil.copy2(path, out)


def prune(root: Path, keep: set[str]) -> None:
    for child in root.iterdir():
        if child.is_dir() and child.name.startswith("v") and child.name not in keep:
            shutil.rmtree(child, ignore_errors=True)
    shutil.rmtree(root / STAGING, ignore_errors=True)
