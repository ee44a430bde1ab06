"""The empty-table append fast path trusts the formats' unique-key marker only when it fits."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from socialproof.ingest import writer
from socialproof.workspace.schema import MESSAGES, UNIQUE_KEYS_META


def _rows(n: int, dup: bool) -> pa.Table:
    ids = [str(i) for i in range(n)]
    if dup:
        ids[-1] = ids[0]
    return pa.table({"platform": ["x"] * n, "message_id": ids, "text": [f"t{i}" for i in range(n)]})


def _count(ws: Any) -> tuple[int, int]:
    with ws.connect() as con:
        row = con.execute("SELECT count(*), count(DISTINCT message_id) FROM messages").fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def test_marker_with_wrong_count_is_not_trusted(workspace: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(writer, "FAST_INSERT_ROWS", 10)
    table = _rows(50, dup=True)
    # a marker from a smaller table (e.g. before a concatenation) must not skip the check
    table = table.replace_schema_metadata({UNIQUE_KEYS_META: b"49"})
    with workspace.transaction() as con:
        writer._insert_or_merge(con, MESSAGES, table, None)
    assert _count(workspace) == (49, 49)


def test_marker_with_matching_count_takes_the_append(workspace: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(writer, "FAST_INSERT_ROWS", 10)
    table = _rows(50, dup=False).replace_schema_metadata({UNIQUE_KEYS_META: b"50"})
    with workspace.transaction() as con:
        assert writer._insert_or_merge(con, MESSAGES, table, None).inserted == 50
    assert _count(workspace) == (50, 50)
