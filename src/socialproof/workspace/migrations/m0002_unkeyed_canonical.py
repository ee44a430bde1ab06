"""Canonical tables without a database PRIMARY KEY: natural keys are kept by engine.upsert.

DuckDB maintains a PRIMARY KEY with an ART index on every insert, which cost about half
the CPU of a large import. ``engine.upsert`` already enforces the natural keys (it
removes duplicates within a batch, then replaces stored rows with the same key), so
the index bought nothing but time. The tables are recreated with the same columns.
"""

from __future__ import annotations

from typing import Any

_TABLES = ("posts", "account_daily", "ad_stats", "messages", "job_postings")


def up(con: Any) -> None:
    for name in _TABLES:
        con.execute(f"CREATE TABLE _unkeyed_{name} AS SELECT * FROM {name}")
        con.execute(f"DROP TABLE {name}")
        con.execute(f"ALTER TABLE _unkeyed_{name} RENAME TO {name}")
