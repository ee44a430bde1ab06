"""Fixtures for KPI tests: in-memory canonical tables (every column, typed)."""

from __future__ import annotations

from typing import Any

import pytest

from socialproof.workspace import engine
from socialproof.workspace.schema import CANONICAL

_TYPES = {
    "VARCHAR": "string",
    "BIGINT": "int64",
    "DOUBLE": "float64",
    "BOOLEAN": "bool",
    "DATE": "date32",
    "TIMESTAMP": "timestamp[us]",
}


def _canonical(table: str, rows: list[dict[str, Any]]) -> Any:
    """An Ibis table named ``table`` over ``rows``; missing columns are NULL."""
    import pyarrow as pa

    spec = CANONICAL[table]
    fields = [pa.field(c, pa.type_for_alias(_TYPES[t])) for c, t in spec.columns.items()]
    schema = pa.schema(fields)
    data = pa.Table.from_pylist([{c: r.get(c) for c in spec.columns} for r in rows], schema=schema)
    return engine.memory_backend({table: data}).table(table)


@pytest.fixture
def canonical() -> Any:
    """canonical(table, rows) -> an Ibis table over rows; missing columns are NULL."""
    return _canonical


@pytest.fixture
def ads_table() -> Any:
    """ads_table(rows) -> an Ibis ad_stats table."""
    return lambda rows: _canonical("ad_stats", rows)
