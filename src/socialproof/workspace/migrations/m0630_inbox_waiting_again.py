"""The stored inbox lists threads waiting again beside unanswered ones: an answered thread
whose opener wrote after the brand's last message.

``state`` is "unanswered" or "waiting again", ``waiting_since`` (UTC) when the wait began
and ``waiting_text`` the customer message that waits. Rows stored before read as
unanswered (NULL state); the stored threads are marked out of date, so the next refresh
rebuilds them with the threads waiting again.
"""

from __future__ import annotations

from typing import Any


def up(con: Any) -> None:
    con.execute("ALTER TABLE inbox_threads ADD COLUMN IF NOT EXISTS state VARCHAR")
    con.execute("ALTER TABLE inbox_threads ADD COLUMN IF NOT EXISTS waiting_since TIMESTAMP")
    con.execute("ALTER TABLE inbox_threads ADD COLUMN IF NOT EXISTS waiting_text VARCHAR")
    con.execute("DELETE FROM inbox_state WHERE part = 'threads'")
