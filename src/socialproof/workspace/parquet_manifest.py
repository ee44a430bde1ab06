"""A Parquet store's manifest and addresses: what a committed version holds and where.

:class:`Manifest` is ``_manifest.json``, the committed version of a store (one
:class:`TableInfo` per table: rows, checksum, columns, partitioning, reused folders);
:func:`read_manifest` reads it from a local folder or through Spark. The URI helpers
say what ``engine.storage`` names (:func:`check_uri`, :func:`local_path`,
:func:`spark_uri`), and the readers' side is here too: the files of a table as DuckDB
globs or Spark paths, and DuckDB views over them (:func:`create_views`). The store
itself is described in ``parquet_store.py``.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse

from socialproof.errors import IntegrityError, SettingsError, WorkspaceError

if TYPE_CHECKING:
    import duckdb

    from socialproof.workspace.core import Workspace

MANIFEST = "_manifest.json"
STAGING = "_staging"
FORMAT_VERSION = 1
#: URI schemes Spark's Hadoop file system reads (passed through as they are).
REMOTE_SCHEMES = ("s3a", "hdfs", "abfss", "abfs", "gs", "wasbs", "viewfs")


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


def new_version() -> str:
    """A new version folder's name: the UTC time, then 8 random hex digits."""
    return f"v{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


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


def table_folders(manifest: Manifest, name: str) -> list[str]:
    """The folders (relative to the store) whose Parquet files make up one table."""
    info = manifest.tables[name]
    own = [f"{manifest.version}/{name}"] if info.fresh or not info.reused else []
    return own + list(info.reused)


def table_globs(uri: str, manifest: Manifest, name: str) -> list[str]:
    """The Parquet files of one table in a local store, as DuckDB globs."""
    root = local_path(uri)
    if root is None:
        raise SettingsError(f"DuckDB cannot read {uri} here (only file:// stores).")
    return [str(root / f / "**" / "*.parquet") for f in table_folders(manifest, name)]


def table_paths(uri: str, manifest: Manifest, name: str) -> list[str]:
    """The folders of one table, as Spark reads them (recursively)."""
    base = spark_uri(uri)
    return [f"{base}/{f}" for f in table_folders(manifest, name)]


def read_parquet(uri: str, manifest: Manifest, name: str) -> str:
    """DuckDB's ``read_parquet`` over the files of one table of a local store."""
    globs = ", ".join(f"'{quote_path(Path(g))}'" for g in table_globs(uri, manifest, name))
    return f"read_parquet([{globs}], hive_partitioning = false)"


def quote_path(path: Path) -> str:
    return str(path).replace("'", "''")


def versions_used(manifest: Manifest | None) -> set[str]:
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
            f"FROM {read_parquet(uri, manifest, info.name)}"
        )
