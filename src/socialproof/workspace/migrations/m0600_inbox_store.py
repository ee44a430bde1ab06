"""The community inbox, stored: waiting threads and weekly sentiment as last computed.

``community.inbox.refresh_inbox`` fills these in a background job when the messages,
their scores or the settings changed (``inbox_state`` keeps, per part, a fingerprint
of what it was computed from), so the inbox page is a small query at any size.
"""

from __future__ import annotations

from typing import Any

_STATEMENTS = [
    """CREATE TABLE IF NOT EXISTS inbox_threads (
  platform VARCHAR, thread_key VARCHAR, group_id VARCHAR, channel VARCHAR, opener VARCHAR,
  opened_at TIMESTAMP, waiting_h DOUBLE, opening_text VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS inbox_sentiment (
  period DATE, messages BIGINT, positive BIGINT, neutral BIGINT, negative BIGINT,
  net_sentiment DOUBLE)""",
    """CREATE TABLE IF NOT EXISTS inbox_state (
  part VARCHAR PRIMARY KEY, source VARCHAR, info VARCHAR, computed_at TIMESTAMP)""",
]


def up(con: Any) -> None:
    for statement in _STATEMENTS:
        con.execute(statement)
