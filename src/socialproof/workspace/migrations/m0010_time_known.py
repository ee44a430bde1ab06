"""posts.time_known: whether a post's publish time carries a time of day.

Some exports give a date only (X's newer content export, LinkedIn's content
sheet). Such posts still count for cadence and weekdays, but an hour of 00:00
read from them would be a guess, so timing advice leaves them out. Rows imported
before this migration keep NULL: nothing says whether their time was known.
"""

from __future__ import annotations

from typing import Any


def up(con: Any) -> None:
    con.execute("ALTER TABLE posts ADD COLUMN IF NOT EXISTS time_known BOOLEAN")
