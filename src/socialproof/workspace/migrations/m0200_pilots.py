"""Pilots (A/B tests): one row per pilot, its metric, variants (as JSON) and period."""

from __future__ import annotations

from typing import Any


def up(con: Any) -> None:
    con.execute(
        """CREATE TABLE IF NOT EXISTS pilots (
  name VARCHAR PRIMARY KEY, metric VARCHAR, table_name VARCHAR, variants VARCHAR,
  date_from DATE, date_to DATE, split VARCHAR, mde DOUBLE, confidence DOUBLE,
  test VARCHAR, note VARCHAR, created_at TIMESTAMP)"""
    )
