"""Daily roll-ups, stored: the dashboard's partial sums per platform, account and day.

``campaigns.rollup_store`` keeps here, per kind (ads, posts), the roll-up as last computed
and a fingerprint of every import it was computed from, so a new process reads it instead
of computing it, and an import, undo or merge recomputes only the days it touched.
"""

from __future__ import annotations

from typing import Any


def up(con: Any) -> None:
    con.execute(
        """CREATE TABLE IF NOT EXISTS rollup_store (
  kind VARCHAR PRIMARY KEY, basis VARCHAR, state VARCHAR, frame BLOB, raw BLOB,
  computed_at TIMESTAMP)"""
    )
