"""post_daily: daily figures of one post or video (YouTube Studio's per-video "Chart data").

Chart data charts a handful of videos day by day. Their sum is not the channel's
day (the channel has other videos too), so these rows are kept per video here
and the channel's own daily series stays in account_daily.
"""

from __future__ import annotations

from typing import Any


def up(con: Any) -> None:
    con.execute(
        """CREATE TABLE IF NOT EXISTS post_daily (
  platform VARCHAR, account VARCHAR, post_id VARCHAR, date DATE, metric VARCHAR,
  value DOUBLE, import_id VARCHAR)"""
    )
