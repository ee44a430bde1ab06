"""audience: dated snapshots of who follows an account and when they are online.

TikTok Studio's follower files (gender, top territories, activity by hour) and
Instagram's "Audience" export (age and gender, top cities and countries) are
breakdowns of one moment or window, not daily series: each row is one segment
of one dimension ('gender' / 'female', 'hour' / '20') on the days it describes.
"""

from __future__ import annotations

from typing import Any


def up(con: Any) -> None:
    con.execute(
        """CREATE TABLE IF NOT EXISTS audience (
  platform VARCHAR, account VARCHAR, date_start DATE, date_stop DATE, dimension VARCHAR,
  segment VARCHAR, metric VARCHAR, value DOUBLE, import_id VARCHAR)"""
    )
