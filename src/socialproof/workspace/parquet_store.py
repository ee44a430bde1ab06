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
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from socialproof.errors import (
    BadInput,
    IntegrityError,
    SettingsError,
    SocialproofError,
    WorkspaceError,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    import duckdb
    import ibis
    import pyarrow as pa

    from socialproof.workspace.core import Workspace

MANIFEST = "_manifest.json"
STAGING = "_staging"
FORMAT_VERSION = 1
#: URI schemes Spark's Hadoop file system reads (passed through as they are).
REMOTE_SCHEMES = ("s3a", "hdfs", "abfss", "abfs", "gs", "wasbs", "viewfs")
_SAFE = re.compile(r"[^a-z0-9_-]+")
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TableInfo:
    """One table of a published version."""

    name: str
    rows: int
    checksum: str
    columns: tuple[tuple[str, str], ...]  # (name, DuckDB type)
    partitioned_by: tuple[str, ...]  # source columns: ("platform", "<date column>") or ()
    #: folders of earlier versions (relative to the store) that hold rows of this table too:
    #: written by imports through the Hadoop file system, which keep unchanged partitions
    #: where they are instead of copying them (see :func:`publish_changes_with_spark`)
    reused: tuple[str, ...] = ()
    #: whether this version's own folder holds rows of the table (False: all reused)
    fresh: bool = True


@dataclass(frozen=True)
class Manifest:
    version: str
    created_at: str
    source_state: str
    tables: dict[str, TableInfo]

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT_VERSION,
                "version": self.version,
                "created_at": self.created_at,
                "source_state": self.source_state,
                "tables": {
                    t.name: {
                        "rows": t.rows,
                        "checksum": t.checksum,
                        "columns": [list(c) for c in t.columns],
                        "partitioned_by": list(t.partitioned_by),
                        **({"reused": list(t.reused), "fresh": t.fresh} if t.reused else {}),
                    }
                    for t in self.tables.values()
                },
            },
            indent=1,
        )

    @classmethod
    def from_json(cls, text: str, where: str) -> Manifest:
        try:
            raw = json.loads(text)
            if raw.get("format") != FORMAT_VERSION:
                raise ValueError(f"format {raw.get('format')!r}")
            tables = {
                name: TableInfo(
                    name=name,
                    rows=int(t["rows"]),
                    checksum=str(t["checksum"]),
                    columns=tuple((str(c), str(ty)) for c, ty in t["columns"]),
                    partitioned_by=tuple(str(c) for c in t["partitioned_by"]),
                    reused=tuple(str(r) for r in t.get("reused", ())),
                    fresh=bool(t.get("fresh", True)),
                )
                for name, t in raw["tables"].items()
            }
            version = str(raw["version"])
            if (
                not re.fullmatch(r"v[0-9A-Za-z-]+", version)
                or any(not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", n) for n in tables)
                or any(
                    not re.fullmatch(
                        r"v[0-9A-Za-z-]+/[A-Za-z0-9_]+(/p=[a-z0-9_-]+(/m=[a-z0-9_-]+)?)?", r
                    )
                    for t in tables.values()
                    for r in t.reused
                )
            ):
                raise ValueError("unexpected version or table name")
            return cls(version, str(raw["created_at"]), str(raw["source_state"]), tables)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise IntegrityError(
                f"The Parquet store's manifest {where} is damaged ({exc}).",
                hint="Publish the workspace again with 'socialproof engine migrate --to parquet'.",
            ) from None


# -- URIs -----------------------------------------------------------------------------


def check_uri(uri: str) -> str:
    """The URI as the store uses it (no trailing slash); a clear error for what is not one."""
    uri = uri.strip()
    if not uri:
        raise SettingsError("engine.storage is empty.", hint="Write a URI such as file:///data/ws.")
    parsed = urlparse(uri)
    if parsed.scheme in ("", "file") or (len(parsed.scheme) == 1 and os.name == "nt"):
        return uri.rstrip("/") if uri != "/" else uri
    if parsed.scheme in REMOTE_SCHEMES:
        return uri.rstrip("/")
    raise SettingsError(
        f"engine.storage {uri!r}: the scheme {parsed.scheme!r} is not one Spark reads here.",
        hint="Use file:///path, or " + ", ".join(f"{s}://" for s in REMOTE_SCHEMES) + ".",
    )


def local_path(uri: str) -> Path | None:
    """The folder of a ``file://`` URI or a plain path; ``None`` for remote storage."""
    parsed = urlparse(uri)
    if parsed.scheme == "file":
        if parsed.netloc not in ("", "localhost"):
            raise SettingsError(
                f"engine.storage {uri!r} names the host {parsed.netloc!r}.",
                hint="Write file:///absolute/path (three slashes) for a local or mounted folder.",
            )
        return Path(unquote(parsed.path))
    if parsed.scheme == "" or (len(parsed.scheme) == 1 and os.name == "nt"):
        return Path(uri).expanduser().absolute()
    return None


def spark_uri(uri: str) -> str:
    """The URI as Spark's Hadoop file system wants it (file:// for local folders)."""
    path = local_path(uri)
    return path.resolve().as_uri() if path is not None else uri


# -- reading ----------------------------------------------------------------------


def read_manifest(uri: str) -> Manifest | None:
    """The committed version of the store at ``uri`` (``None`` if nothing was published)."""
    root = local_path(uri)
    if root is None:
        return _read_remote_manifest(uri)
    target = root / MANIFEST
    try:
        text = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        if root.exists() and not root.is_dir():
            raise SettingsError(
                f"engine.storage points at {root}, which is a file.",
                hint="Point it at a folder.",
            ) from None
        return None
    except OSError as exc:
        raise WorkspaceError(
            f"Cannot read the Parquet store {uri}: {exc.strerror or exc}.",
            hint="Check the folder exists, is mounted and readable.",
        ) from None
    return Manifest.from_json(text, str(target))


def _read_remote_manifest(uri: str) -> Manifest | None:
    from socialproof.workspace import spark

    s = spark.running_session()
    try:
        rows = s.read.text(f"{uri}/{MANIFEST}", wholetext=True).collect()
    except Exception as exc:
        said = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        if "PATH_NOT_FOUND" in said or "does not exist" in said:
            return None
        raise WorkspaceError(
            f"Spark cannot read the Parquet store {uri}: {said}",
            hint="Check the URI and the cluster's credentials for that file system.",
        ) from None
    return Manifest.from_json(str(rows[0][0]), f"{uri}/{MANIFEST}") if rows else None


def _table_folders(manifest: Manifest, name: str) -> list[str]:
    """The folders (relative to the store) whose Parquet files make up one table."""
    info = manifest.tables[name]
    own = [f"{manifest.version}/{name}"] if info.fresh or not info.reused else []
    return own + list(info.reused)


def table_globs(uri: str, manifest: Manifest, name: str) -> list[str]:
    """The Parquet files of one table in a local store, as DuckDB globs."""
    root = local_path(uri)
    if root is None:
        raise SettingsError(f"DuckDB cannot read {uri} here (only file:// stores).")
    return [str(root / f / "**" / "*.parquet") for f in _table_folders(manifest, name)]


def table_paths(uri: str, manifest: Manifest, name: str) -> list[str]:
    """The folders of one table, as Spark reads them (recursively)."""
    base = spark_uri(uri)
    return [f"{base}/{f}" for f in _table_folders(manifest, name)]


def _read_parquet(uri: str, manifest: Manifest, name: str) -> str:
    """DuckDB's ``read_parquet`` over the files of one table of a local store."""
    globs = ", ".join(f"'{_quote_path(Path(g))}'" for g in table_globs(uri, manifest, name))
    return f"read_parquet([{globs}], hive_partitioning = false)"


def _versions_used(manifest: Manifest | None) -> set[str]:
    """The version folders a manifest reads (its own and those of reused partitions)."""
    if manifest is None:
        return set()
    return {manifest.version} | {
        r.split("/", 1)[0] for t in manifest.tables.values() for r in t.reused
    }


def create_views(con: duckdb.DuckDBPyConnection, uri: str, manifest: Manifest) -> None:
    """DuckDB views, one per table, over the store's Parquet files (types as stored)."""
    if local_path(uri) is None:
        raise SettingsError(
            f"DuckDB cannot read {uri} here (only file:// stores).",
            hint='Set engine.backend = "spark" to read remote storage, or use a mounted folder.',
        )
    for info in manifest.tables.values():
        cols = ", ".join(f'CAST("{c}" AS {ty}) AS "{c}"' for c, ty in info.columns)
        con.execute(
            f'CREATE OR REPLACE VIEW "{info.name}" AS SELECT {cols} '
            f"FROM {_read_parquet(uri, manifest, info.name)}"
        )


def source_state(ws: Workspace) -> str:
    """What changes when the workspace database changes (file and write-ahead log)."""
    parts: list[str] = []
    for p in (ws.db_path, ws.db_path.with_name(ws.db_path.name + ".wal")):
        try:
            st = p.stat()
            parts.append(f"{st.st_mtime_ns}:{st.st_size}")
        except FileNotFoundError:
            parts.append("0:0")
    return "/".join(parts)


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


# -- writing ----------------------------------------------------------------------


def _columns(con: duckdb.DuckDBPyConnection, name: str) -> list[tuple[str, str]]:
    rows = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
        [name],
    ).fetchall()
    return [(str(c), str(t)) for c, t in rows]


def _base_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
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


def _partition_columns(columns: list[tuple[str, str]]) -> tuple[str, ...]:
    names = dict(columns)
    if names.get("platform") != "VARCHAR":
        return ()
    for c, ty in columns:
        if ty in ("DATE", "TIMESTAMP") or ty.startswith("TIMESTAMP"):
            return ("platform", c)
    return ()


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
    globs = ", ".join(f"'{_quote_path(d / '*.parquet')}'" for d in folders)
    return f"(SELECT {columns} FROM read_parquet([{globs}], hive_partitioning = false))"


def _quote_path(path: Path) -> str:
    return str(path).replace("'", "''")


def write_version(
    con: duckdb.DuckDBPyConnection, folder: Path, tables: list[str] | None = None
) -> dict[str, TableInfo]:
    """Write the tables of ``con`` (all base tables by default) as Parquet under ``folder``."""
    infos: dict[str, TableInfo] = {}
    for name in tables if tables is not None else _base_tables(con):
        columns = _columns(con, name)
        source = f'"{name}"'
        rows_row = con.execute(f"SELECT count(*) FROM {source}").fetchone()
        rows = int(rows_row[0]) if rows_row else 0
        parts = _partition_columns(columns) if rows else ()
        target = folder / name
        target.mkdir(parents=True)
        if parts:
            p_sql, m_sql = _part_exprs(parts)
            con.execute(
                f"COPY (SELECT *, {p_sql} AS p, {m_sql} AS m FROM {source}) "
                f"TO '{_quote_path(target)}' (FORMAT parquet, PARTITION_BY (p, m), "
                "OVERWRITE_OR_IGNORE true)"
            )
        else:
            con.execute(
                f"COPY {source} TO '{_quote_path(target / 'data.parquet')}' (FORMAT parquet)"
            )
        sums = checksum(con, source, columns)
        glob = _quote_path(target / "**" / "*.parquet")
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


def publish(ws: Workspace, uri: str | None = None) -> Manifest:
    """Write every table of the workspace database to the store as a new version, all or nothing.

    Returns the committed manifest (row counts and checksums of each table).
    """
    from socialproof.workspace._lock import write_lock

    uri = check_uri(uri or ws.settings.engine.storage)
    root = local_path(uri)
    if root is None:
        return publish_with_spark(ws, uri)
    version = f"v{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
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
            _prune(root, keep={version} | _versions_used(previous))
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


# -- remote stores: written by Spark ------------------------------------------------


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

    from socialproof.workspace import spark
    from socialproof.workspace._lock import write_lock

    uri = check_uri(uri)
    session = (
        spark.session_for(ws) if ws.settings.engine.backend == "spark" else spark.running_session()
    )
    target_uri = spark_uri(uri)
    fs = spark.HadoopFS(session, target_uri)
    version = f"v{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    staging = f"{target_uri}/{STAGING}"
    infos: dict[str, TableInfo] = {}
    with write_lock(ws.root), tempfile.TemporaryDirectory(prefix="sp-publish-") as scratch:
        state = source_state(ws)
        fs.delete(staging)  # what a killed publish left
        with ws.connect(read_only=True) as con:
            for name in _base_tables(con):
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
    keep = _versions_used(manifest) | _versions_used(previous)
    for child in fs.children(target_uri):
        if child.startswith("v") and child not in keep:
            fs.delete(f"{target_uri}/{child}")
    fs.delete(f"{target_uri}/{STAGING}")


def _spark_write_table(
    session: Any, con: duckdb.DuckDBPyConnection, name: str, out: str, scratch: Path, uri: str
) -> TableInfo:
    """One whole table of the database written through Spark to ``out``, counted back."""
    from socialproof.workspace import duck

    columns = _columns(con, name)
    rows = _scalar(con, f'SELECT count(*) FROM "{name}"')
    parts = _partition_columns(columns) if rows else ()
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
    """:func:`_part_exprs` in Spark SQL (the same folder names)."""
    platform, when = (f"`{c}`" for c in parts)
    p = f"coalesce(nullif(regexp_replace(lower({platform}), '{_SAFE.pattern}', '_'), ''), 'none')"
    m = f"coalesce(date_format({when}, 'yyyy-MM'), 'none')"
    return p, m


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

    from socialproof.workspace import spark

    session = (
        spark.session_for(ws) if ws.settings.engine.backend == "spark" else spark.running_session()
    )
    target_uri = spark_uri(uri)
    fs = spark.HadoopFS(session, target_uri)
    version = f"v{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
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
        for name in _base_tables(con):
            columns = _columns(con, name)
            old = manifest.tables.get(name)
            parts = _partition_columns(columns)
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
            elif old is not None and same_shape and _unchanged(con, name, old):
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

    return replace(old, reused=tuple(_table_folders(manifest, old.name)), fresh=False)


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
    p_sql, m_sql = _part_exprs(parts)
    key, on = _load_keys(con, name, columns, incoming)
    old_folders = _partition_folders(fs, target_uri, _table_folders(manifest, name))
    try:
        tp_sql, tm_sql = _part_exprs(parts, "t.")
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
                kp_sql, _ = _part_exprs(parts, "k.")
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
            f"'{_quote_path(local)}' (FORMAT parquet)"
        )
        new_rows = _scalar(con, f'SELECT count(*) FROM "{name}" WHERE {in_parts}')
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
    total = _scalar(con, f'SELECT count(*) FROM "{name}"')
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
    version = f"v{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    staging = root / STAGING
    shutil.rmtree(staging, ignore_errors=True)  # what a killed publish left
    target = staging / version
    target.mkdir(parents=True)
    previous = root / manifest.version
    infos: dict[str, TableInfo] = {}
    with ws.connect(read_only=True) as con:
        state = source_state(ws)
        for name in _base_tables(con):
            columns = _columns(con, name)
            old = manifest.tables.get(name)
            parts = _partition_columns(columns)
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
            elif old is not None and same_shape and _unchanged(con, name, old):
                _link_tree(previous / name, target / name)
                infos[name] = old
            else:
                infos.update(write_version(con, target, [name]))
    target.rename(root / version)
    committed = Manifest(version, datetime.now(UTC).isoformat(), state, infos)
    tmp = root / f"{MANIFEST}.{version}.tmp"
    tmp.write_text(committed.to_json(), encoding="utf-8")
    tmp.replace(root / MANIFEST)  # the commit
    _prune(root, keep=_versions_used(committed) | _versions_used(manifest))
    return committed


def _unchanged(con: duckdb.DuckDBPyConnection, name: str, old: TableInfo) -> bool:
    row = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()
    if not row or int(row[0]) != old.rows:
        return False
    return same_sum(checksum(con, f'"{name}"', list(old.columns)), old.checksum)


def _part_exprs(parts: tuple[str, ...], alias: str = "") -> tuple[str, str]:
    """The SQL of a row's partition folder names (``p=`` and ``m=``), as :func:`write_version`."""
    platform, when = (f'{alias}"{c}"' for c in parts)
    p = f"coalesce(nullif(regexp_replace(lower({platform}), '{_SAFE.pattern}', '_', 'g'), ''), 'none')"
    m = f"coalesce(strftime({when}, '%Y-%m'), 'none')"
    return p, m


def _load_keys(
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
    p_sql, m_sql = _part_exprs(parts)
    old_glob = _quote_path(previous / "**" / "*.parquet")
    old_cols = ", ".join(f'CAST("{c}" AS {ty}) AS "{c}"' for c, ty in columns)
    old_rows = (
        f"(SELECT {old_cols} FROM read_parquet('{old_glob}', hive_partitioning = false))"
        if old.rows
        else None
    )
    key, on = _load_keys(con, name, columns, incoming)
    try:
        # where the keys are now, and (unless the partition follows from the key) where they were
        sources = [f'"{name}"'] + ([old_rows] if old_rows and not set(parts) <= set(key) else [])
        tp_sql, tm_sql = _part_exprs(parts, "t.")
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
            f"TO '{_quote_path(target)}' (FORMAT parquet, PARTITION_BY (p, m), "
            "OVERWRITE_OR_IGNORE true)"
        )
        new_sum = checksum(con, new_src, columns)
        new_rows = _scalar(con, f"SELECT count(*) FROM {new_src}")
        back = _partitions_query(target, affected, old_cols)
        if back:
            got_rows = _scalar(con, f"SELECT count(*) FROM {back}")
            got_sum = checksum(con, back, columns)
        else:
            got_rows, got_sum = 0, "0"
        if got_rows != new_rows or not same_sum(got_sum, new_sum):
            raise IntegrityError(
                f"The new partitions of {name} do not read back as written; nothing was published."
            )
        gone = _partitions_query(previous, affected, old_cols)
        if gone:
            gone_rows = _scalar(con, f"SELECT count(*) FROM {gone}")
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
    total = _scalar(con, f'SELECT count(*) FROM "{name}"')
    if rows != total:
        raise IntegrityError(
            f"The partitions of {name} add up to {rows} rows, not {total}; nothing was published."
        )
    sums = int(old.checksum, 16) - gone_sum + int(new_sum, 16)
    return TableInfo(name, rows, f"{sums:x}", tuple(columns), parts)


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
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


def _prune(root: Path, keep: set[str]) -> None:
    for child in root.iterdir():
        if child.is_dir() and child.name.startswith("v") and child.name not in keep:
            shutil.rmtree(child, ignore_errors=True)
    shutil.rmtree(root / STAGING, ignore_errors=True)


def same_sum(a: str, b: str) -> bool:
    try:
        return int(a, 16) == int(b, 16)
    except ValueError:
        return False


def differs(con: duckdb.DuckDBPyConnection, manifest: Manifest) -> list[str]:
    """Tables of the manifest whose rows in ``con`` are not the store's."""
    tables = set(_base_tables(con))
    out = []
    for info in manifest.tables.values():
        if info.name not in tables:
            out.append(info.name)
            continue
        if not same_sum(checksum(con, f'"{info.name}"', list(info.columns)), info.checksum):
            out.append(info.name)
    return out


def _holds_data(con: duckdb.DuckDBPyConnection) -> bool:
    for name in _base_tables(con):
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
            source = _read_parquet(uri, manifest, info.name)
            cols = ", ".join(f'CAST("{c}" AS {ty}) AS "{c}"' for c, ty in info.columns)
            names = ", ".join(f'"{c}"' for c, _ in info.columns)
            if info.name in _base_tables(con):
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
