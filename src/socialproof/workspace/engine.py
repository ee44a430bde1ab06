"""The engine adapter: the one place that knows which database runs the analytics.

Analytics modules build Ibis expressions and call :func:`execute`; they never
write DuckDB SQL. Writes (imports, derived tables) go through :func:`upsert` and
:func:`replace_table`, which take Arrow tables.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from socialproof.errors import NoData

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from pathlib import Path

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
    _duckdb_compat()
    with ws.connect(read_only=True) as con:
        yield ibis.duckdb.from_connection(con)


def _duckdb_compat() -> None:
    """ibis 12 calls ``fetch_arrow_table``, which DuckDB 2 renamed ``to_arrow_table``."""
    import duckdb

    cls = duckdb.DuckDBPyConnection
    if hasattr(cls, "fetch_arrow_table") or not hasattr(cls, "to_arrow_table"):
        return

    def fetch_arrow_table(self: Any) -> Any:
        import warnings

        with warnings.catch_warnings():  # "extra copy" notice: these results are tiny
            warnings.simplefilter("ignore")
            return self.to_arrow_table()

    cls.fetch_arrow_table = fetch_arrow_table  # type: ignore[attr-defined]


def _spark_backend(ws: Workspace) -> Iterator[ibis.BaseBackend]:
    """The workspace's tables on a local PySpark session (see :mod:`.spark`)."""
    from socialproof.workspace import spark

    yield from spark.backend(ws)


def list_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Tables and views in the workspace database's main schema."""
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = current_schema() ORDER BY table_name"
    ).fetchall()
    return [str(r[0]) for r in rows]


def export_parquet(con: duckdb.DuckDBPyConnection, name: str, path: Path) -> None:
    """Write one workspace table to a Parquet file (how Spark reads the workspace)."""
    target = str(path).replace("'", "''")
    quoted = name.replace('"', '""')
    con.execute(f"COPY (SELECT * FROM \"{quoted}\") TO '{target}' (FORMAT parquet)")


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
    return to_local(timezone, as_utc("UTC", ts))  # type: ignore[no-any-return]


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

    _duckdb_compat()
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
    return expr.to_pyarrow()  # type: ignore[no-any-return]


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
