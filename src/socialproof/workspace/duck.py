"""DuckDB helpers shared by the engine, the Parquet store and the Spark side.

Kept below :mod:`.engine`, :mod:`.parquet_store` and :mod:`.spark` so that none of them
imports another to reach these (no import cycle inside the workspace package).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    import duckdb


def duckdb_compat() -> None:
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
