"""The engine adapter: the one place that knows which database runs the analytics.

Analytics modules build Ibis expressions and call :func:`execute`; they never
write DuckDB SQL. Writes (imports, derived tables) go through :func:`upsert` and
:func:`replace_table`, which take Arrow tables.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from socialproof.errors import NoData
from socialproof.workspace.duck import duckdb_compat as duckdb_compat
from socialproof.workspace.duck import export_parquet as export_parquet
from socialproof.workspace.duck import list_tables as list_tables

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from datetime import datetime

    import duckdb
    import ibis
    import ibis.expr.types as ir
    import pandas as pd
    import pyarrow as pa

    from socialproof.workspace.core import Workspace
    from socialproof.workspace.schema import TableSpec


@contextmanager
def backend(ws: Workspace) -> Iterator[ibis.BaseBackend]:
    """An Ibis backend for the workspace's engine (DuckDB by default, Spark if set)."""
    import ibis

    if ws.settings.engine.backend == "spark":
        yield from _spark_backend(ws)
        return
    if ws.settings.engine.storage:
        from socialproof.workspace import parquet_store

        with parquet_store.duckdb_backend(ws) as con:
            yield con
        return
    duckdb_compat()
    with ws.connect(read_only=True) as con:
        yield ibis.duckdb.from_connection(con)


def _spark_backend(ws: Workspace) -> Iterator[ibis.BaseBackend]:
    """The workspace's tables on a PySpark session (see :mod:`.spark`).

    With a Parquet store, Spark reads the store's committed version (published first if
    the database changed); otherwise each table is copied out of the database file.
    """
    from socialproof.workspace import spark

    stored = None
    if ws.settings.engine.storage:
        from socialproof.workspace import parquet_store

        def stored() -> tuple[str, str, dict[str, list[str]]]:
            uri, manifest = parquet_store.current(ws)
            folders = {n: parquet_store.table_paths(uri, manifest, n) for n in manifest.tables}
            return uri, manifest.version, folders

    yield from spark.backend(ws, stored)


def local_time(ts: ir.TimestampValue, timezone: str) -> ir.TimestampValue:
    """Naive UTC timestamps as naive wall-clock time in ``timezone``, on either engine.

    The conversion is each engine's own function (DuckDB ``timezone``, Spark
    ``from_utc_timestamp``), picked from the backend the expression is bound to.
    """
    global _DUCKDB_TZ
    if timezone in ("UTC", "Etc/UTC", "GMT"):
        return ts
    if _backend_name(ts) == "pyspark":
        from socialproof.workspace import spark

        return spark.local_time(ts, timezone)
    if _DUCKDB_TZ is None:
        _DUCKDB_TZ = _duckdb_timezone_builtins()
    as_utc, to_local = _DUCKDB_TZ
    return to_local(timezone, as_utc("UTC", ts))


_DUCKDB_TZ: tuple[Any, Any] | None = None


def _backend_name(expr: ir.Expr) -> str:
    try:
        return str(expr._find_backend(use_default=False).name)
    except Exception:  # unbound (memtables only): the default engine, DuckDB
        return "duckdb"


def _duckdb_timezone_builtins() -> tuple[Any, Any]:
    import ibis
    import ibis.expr.datatypes as dt

    def _as_utc(tz, ts):  # type: ignore[no-untyped-def]
        """Interpret a naive timestamp as being in ``tz`` (DuckDB builtin)."""

    def _to_local(tz, ts):  # type: ignore[no-untyped-def]
        """Convert an aware timestamp to naive wall-clock time in ``tz``."""

    # Annotations as objects (not strings): ibis reads them to type the builtin.
    _as_utc.__annotations__ = {
        "tz": str,
        "ts": dt.timestamp,
        "return": dt.Timestamp(timezone="UTC"),
    }
    _to_local.__annotations__ = {
        "tz": str,
        "ts": dt.Timestamp(timezone="UTC"),
        "return": dt.timestamp,
    }
    builtin = ibis.udf.scalar.builtin
    return builtin(_as_utc, name="timezone"), builtin(_to_local, name="timezone")


def memory_backend(tables: dict[str, pa.Table | pd.DataFrame]) -> ibis.BaseBackend:
    """An in-memory DuckDB backend over the given tables (ad hoc commands, tests)."""
    import ibis

    duckdb_compat()
    con = ibis.duckdb.connect()
    for name, data in tables.items():
        con.create_table(name, data)
    return con


def table(con: ibis.BaseBackend, name: str, *, what: str | None = None) -> ir.Table:
    """A workspace table; a clear error when the workspace has none of it."""
    if name not in con.list_tables():
        raise NoData(
            f"The workspace has no {name} table yet.",
            hint="Run 'socialproof import FILE' with an export first.",
        )
    return con.table(name)


def execute(expr: ir.Expr) -> pd.DataFrame:
    """Run an Ibis expression and return a pandas DataFrame."""
    result = expr.execute()
    return result  # type: ignore[no-any-return]


def to_arrow(expr: ir.Expr) -> pa.Table:
    return expr.to_pyarrow()


def is_empty(con: ibis.BaseBackend, name: str) -> bool:
    return name not in con.list_tables() or int(con.table(name).count().execute()) == 0


# -- writes (DuckDB connection inside Workspace.transaction) ----------------------


def upsert(con: duckdb.DuckDBPyConnection, spec: TableSpec, data: pa.Table) -> tuple[int, int, int]:
    """Insert rows, updating rows whose natural key exists; returns (inserted, updated, unchanged).

    ``data`` may hold a subset of the table's columns; missing ones are NULL.
    Rows that are identical to what is stored count as unchanged.
    """
    import pyarrow as pa

    cols = list(spec.columns)
    present = [c for c in cols if c in data.column_names]
    if data.num_rows == 0:
        return (0, 0, 0)
    for k in spec.key:  # key columns are never NULL ('' for an unknown text key)
        if k not in data.column_names and spec.columns[k] == "VARCHAR":
            data = data.append_column(k, pa.array([""] * data.num_rows, pa.string()))
    # Drop duplicate keys inside the batch itself: the last row wins.
    data = _dedupe_last(data, list(spec.key))
    con.register("_incoming", data)
    try:
        select = ", ".join(
            f'CAST("{c}" AS {spec.columns[c]}) AS "{c}"'
            if c in present
            else f'NULL::{spec.columns[c]} AS "{c}"'
            for c in cols
        )
        con.execute(f"CREATE OR REPLACE TEMP TABLE _staged AS SELECT {select} FROM _incoming")
        key_join = " AND ".join(f't."{k}" IS NOT DISTINCT FROM s."{k}"' for k in spec.key)
        value_cols = [c for c in present if c not in spec.key and c != "import_id"]
        existing = con.execute(
            f"SELECT count(*) FROM _staged s JOIN {spec.name} t ON {key_join}"
        ).fetchone()
        n_existing = int(existing[0]) if existing else 0
        if value_cols and n_existing:
            diff = " OR ".join(f't."{c}" IS DISTINCT FROM s."{c}"' for c in value_cols)
            changed_row = con.execute(
                f"SELECT count(*) FROM _staged s JOIN {spec.name} t ON {key_join} WHERE {diff}"
            ).fetchone()
            n_changed = int(changed_row[0]) if changed_row else 0
        else:
            n_changed = 0
        source = "_staged"
        if n_existing:
            # Replace stored rows with the same natural key, keeping the columns this file
            # does not carry (a later export may lack them).
            missing = [c for c in cols if c not in present]
            if missing:
                merged = ", ".join(f's."{c}"' if c in present else f't."{c}"' for c in cols)
                con.execute(
                    f"CREATE OR REPLACE TEMP TABLE _merged AS SELECT {merged} "
                    f"FROM _staged s LEFT JOIN {spec.name} t ON {key_join}"
                )
                source = "_merged"
            where = " AND ".join(
                f'{spec.name}."{k}" IS NOT DISTINCT FROM s."{k}"' for k in spec.key
            )
            con.execute(f"DELETE FROM {spec.name} USING _staged s WHERE {where}")
        con.execute(f"INSERT INTO {spec.name} SELECT * FROM {source}")
        if source == "_merged":
            con.execute("DROP TABLE _merged")
        con.execute("DROP TABLE _staged")
    finally:
        con.unregister("_incoming")
    _ = pa
    inserted = data.num_rows - n_existing
    return (inserted, n_changed, n_existing - n_changed)


@dataclass
class MergeCounts:
    """What :func:`merge` did, in rows of the table and in source records (``spec.record_key``).

    ``conflicts`` are incoming rows for which at least one non-empty figure differed from
    a stored non-empty figure and the stored one was kept (an older export, or a 0 against
    a value); ``conflict_rows`` describes them for the rejects file.
    """

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    records_inserted: int = 0
    records_updated: int = 0
    conflicts: int = 0
    conflict_rows: list[tuple[int | None, str, str]] = field(default_factory=list)


_NUMERIC = ("BIGINT", "DOUBLE", "INTEGER")


def merge(
    con: duckdb.DuckDBPyConnection,
    spec: TableSpec,
    data: pa.Table,
    *,
    as_of: datetime | None,
    line_column: str = "_line",
) -> MergeCounts:
    """Merge an import's rows into a canonical table, column by column, in DuckDB SQL.

    For a key that is already stored, each figure is decided on its own: an empty
    cell (NULL, or '' for text) never replaces a value; a 0 never replaces a non-zero
    value (nor the other way round); otherwise the newer export wins (``as_of``
    against the ``exported_at`` of the stored row's import; ties go to the incoming
    row, ``None`` means the incoming rows are the older). Repeated keys in ``data``
    keep the last row (the importer settles them before, ``ingest/sameness.py``).
    """
    counts = MergeCounts()
    if data.num_rows == 0:
        return counts
    data = _dedupe_last(data, list(spec.key))  # a no-op for batches marked unique
    cols = list(spec.columns)
    present = [c for c in cols if c in data.column_names]
    has_line = line_column in data.column_names
    con.register("_incoming", data)
    try:
        select = ", ".join(
            f'CAST("{c}" AS {spec.columns[c]}) AS "{c}"'
            if c in present
            else f'NULL::{spec.columns[c]} AS "{c}"'
            for c in cols
        )
        line = f', CAST("{line_column}" AS BIGINT) AS _line' if has_line else ", NULL AS _line"
        con.execute(f"CREATE OR REPLACE TEMP TABLE _staged AS SELECT {select}{line} FROM _incoming")
    finally:
        con.unregister("_incoming")
    try:
        _merge_staged(con, spec, present, as_of, counts)
    finally:
        con.execute("DROP TABLE IF EXISTS _staged")
        con.execute("DROP TABLE IF EXISTS _old")
        con.execute("DROP TABLE IF EXISTS _merged")
    return counts


def _merge_staged(
    con: duckdb.DuckDBPyConnection,
    spec: TableSpec,
    present: list[str],
    as_of: datetime | None,
    counts: MergeCounts,
) -> None:
    cols = list(spec.columns)
    name = spec.name
    on = " AND ".join(f'o."{k}" IS NOT DISTINCT FROM s."{k}"' for k in spec.key)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _old AS SELECT t.*, i.exported_at AS _as_of, "
        f"true AS _hit FROM {name} t "
        f"JOIN (SELECT {_q(spec.key)} FROM _staged) s ON "
        + " AND ".join(f't."{k}" IS NOT DISTINCT FROM s."{k}"' for k in spec.key)
        + " LEFT JOIN imports i ON i.import_id = t.import_id"
    )
    n_old = _scalar(con, "SELECT count(*) FROM _old")
    record = list(spec.record_key)
    names = ", ".join(f'"{c}"' for c in cols)
    if n_old == 0:
        con.execute(f"INSERT INTO {name} ({names}) SELECT {names} FROM _staged")
        counts.inserted = _scalar(con, "SELECT count(*) FROM _staged")
        counts.records_inserted = (
            counts.inserted
            if record == list(spec.key)
            else _scalar(con, f"SELECT count(*) FROM (SELECT DISTINCT {_q(record)} FROM _staged)")
        )
        return
    newer = "false"  # no date: the incoming rows are the older ones
    if as_of is not None:
        newer = f"(o._as_of IS NULL OR o._as_of <= TIMESTAMP '{as_of:%Y-%m-%d %H:%M:%S}')"
    values = [c for c in present if c not in spec.key and c != "import_id"]
    # inner query: each figure picked once, next to the incoming (_s_) and stored (_o_) ones
    inner: list[str] = [f's."{k}"' for k in spec.key]
    changed: list[str] = []
    kept: list[str] = []
    for c in cols:
        if c in spec.key or c == "import_id":
            continue
        if c not in values:
            inner.append(f'o."{c}" AS "{c}"')
            continue
        text = spec.columns[c] == "VARCHAR"
        s_empty = f's."{c}" IS NULL' + (f" OR s.\"{c}\" = ''" if text else "")
        o_empty = f'o."{c}" IS NULL' + (f" OR o.\"{c}\" = ''" if text else "")
        zero = ""
        if spec.columns[c] in _NUMERIC:
            zero = (
                f' WHEN s."{c}" = 0 AND o."{c}" <> 0 THEN o."{c}"'
                f' WHEN o."{c}" = 0 AND s."{c}" <> 0 THEN s."{c}"'
            )
        inner.append(
            f'CASE WHEN o._hit IS NULL THEN s."{c}" WHEN {s_empty} THEN o."{c}" '
            f'WHEN {o_empty} THEN s."{c}"{zero} '
            f'WHEN {newer} THEN s."{c}" ELSE o."{c}" END AS "{c}"'
        )
        inner.append(f's."{c}" AS "_s_{c}", o."{c}" AS "_o_{c}"')
        changed.append(f'm."{c}" IS DISTINCT FROM m."_o_{c}"')
        blank = f" AND m.\"_s_{c}\" <> ''" if text else ""
        kept.append(
            f'CASE WHEN m."_s_{c}" IS NOT NULL{blank} AND m."{c}" IS DISTINCT FROM m."_s_{c}" '
            f"THEN '{c} ' || CAST(m.\"_s_{c}\" AS VARCHAR) || ' (stored: ' "
            f"|| CAST(m.\"_o_{c}\" AS VARCHAR) || ')' END"
        )
    inner += [
        "s.import_id AS _s_import",
        "o.import_id AS _o_import",
        "coalesce(o._hit, false) AS _hit",
        f"coalesce({newer}, true) AS _newer",
        "s._line AS _line",
    ]
    any_changed = " OR ".join(changed) or "false"
    kept_text = f"concat_ws('; ', {', '.join(kept)})" if kept else "''"
    outer = [f'm."{c}"' for c in cols if c != "import_id"]
    outer += [
        f"CASE WHEN NOT m._hit THEN m._s_import WHEN NOT ({any_changed}) THEN m._o_import "
        "WHEN m._newer THEN m._s_import ELSE m._o_import END AS import_id",
        "m._hit",
        f"m._hit AND ({any_changed}) AS _changed",
        f"CASE WHEN m._hit THEN {kept_text} ELSE '' END AS _kept",
        "m._line",
    ]
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _merged AS SELECT {', '.join(outer)} FROM "
        f"(SELECT {', '.join(inner)} FROM _staged s LEFT JOIN _old o ON {on}) m"
    )
    con.execute(
        f"DELETE FROM {name} USING (SELECT {_q(spec.key)} FROM _old) o WHERE "
        + " AND ".join(f'{name}."{k}" IS NOT DISTINCT FROM o."{k}"' for k in spec.key)
    )
    con.execute(f"INSERT INTO {name} ({names}) SELECT {names} FROM _merged")
    row = con.execute(
        "SELECT count(*) FILTER (WHERE NOT _hit), count(*) FILTER (WHERE _hit AND _changed), "
        "count(*) FILTER (WHERE _hit AND NOT _changed), count(*) FILTER (WHERE _kept <> '') "
        "FROM _merged"
    ).fetchone()
    assert row is not None
    counts.inserted, counts.updated, counts.unchanged, counts.conflicts = (int(v) for v in row)
    rec = con.execute(
        "SELECT count(*) FILTER (WHERE NOT hit), count(*) FILTER (WHERE hit AND changed) FROM "
        f"(SELECT bool_and(_hit) AS hit, bool_or(_changed) AS changed FROM _merged "
        f"GROUP BY {_q(record)})"
    ).fetchone()
    assert rec is not None
    counts.records_inserted, counts.records_updated = int(rec[0]), int(rec[1])
    if counts.conflicts:
        keys = " || ', ' || ".join(
            f"'{k}=' || coalesce(CAST(\"{k}\" AS VARCHAR), '')" for k in spec.key
        )
        for line, kept_what, key_text in con.execute(
            f"SELECT _line, _kept, {keys} FROM _merged WHERE _kept <> '' ORDER BY _line LIMIT 10000"
        ).fetchall():
            counts.conflict_rows.append(
                (
                    None if line is None else int(line),
                    "conflict: another import has different figures for the same "
                    f"{spec.name} row; kept the stored ones: {kept_what}",
                    str(key_text),
                )
            )


def _q(cols: Sequence[str]) -> str:
    return ", ".join(f'"{c}"' for c in cols)


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row else 0


def _dedupe_last(data: pa.Table, key: Sequence[str]) -> pa.Table:
    import pyarrow as pa
    import pyarrow.compute as pc

    from socialproof.workspace.schema import keys_marked_unique

    if data.num_rows < 2 or keys_marked_unique(data):
        return data
    idx = pa.array(range(data.num_rows))
    grouped = (
        data.select(list(key))
        .append_column("_i", idx)
        .group_by(list(key))
        .aggregate([("_i", "max")])
    )
    if grouped.num_rows == data.num_rows:
        return data
    keep = pc.sort_indices(grouped["_i_max"])
    return data.take(pc.take(grouped["_i_max"], keep))


def replace_table(con: duckdb.DuckDBPyConnection, name: str, data: pa.Table | pd.DataFrame) -> None:
    """Create or replace a derived table from Arrow/pandas data."""
    con.register("_derived", data)
    try:
        con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM _derived')
    finally:
        con.unregister("_derived")


def append(con: duckdb.DuckDBPyConnection, name: str, data: pa.Table | pd.DataFrame) -> None:
    """Append rows to an existing table (columns by name)."""
    con.register("_append", data)
    try:
        names = data.column_names if hasattr(data, "column_names") else list(data.columns)
        cols = ", ".join(f'"{c}"' for c in names)
        con.execute(f'INSERT INTO "{name}" ({cols}) SELECT {cols} FROM _append')
    finally:
        con.unregister("_append")


def query_rows(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()
) -> list[tuple[Any, ...]]:
    """Run a small bookkeeping query (provenance, migrations). Not for analytics."""
    return con.execute(sql, list(params)).fetchall()
