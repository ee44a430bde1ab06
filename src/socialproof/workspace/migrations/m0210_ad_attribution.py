"""ad_stats.attribution: the attribution setting an ads export counts its results under.

Meta's 'Attribution setting' column ('7-day click or 1-day view', '1-day click', ...)
says which conversions a row's results, purchases and their value count; two exports of
one ad under different settings are different figures, never the same row updated. Rows
imported before this migration keep NULL: nothing says which setting they count.
"""

from __future__ import annotations

from typing import Any


def up(con: Any) -> None:
    con.execute("ALTER TABLE ad_stats ADD COLUMN IF NOT EXISTS attribution VARCHAR")
