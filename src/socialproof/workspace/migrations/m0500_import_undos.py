"""Undone imports: what an undo removed, so the imports history keeps the event."""

from __future__ import annotations

from typing import Any


def up(con: Any) -> None:
    con.execute(
        """CREATE TABLE IF NOT EXISTS import_undos (
  import_id VARCHAR, path VARCHAR, format VARCHAR, table_name VARCHAR,
  rows_removed BIGINT, imported_at TIMESTAMP, undone_at TIMESTAMP)"""
    )
