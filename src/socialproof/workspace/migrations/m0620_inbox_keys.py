"""The stored inbox, kept up to date incrementally: every message's thread key and one
row of facts per thread.

``community.inbox.refresh_inbox`` writes here beside ``inbox_threads``: after an import
or an undo it recomputes only the threads the added or removed messages touch (their
keys say which), and the report's notes are added up again from ``inbox_thread_facts``.
"""

from __future__ import annotations

from typing import Any

_STATEMENTS = [
    """CREATE TABLE IF NOT EXISTS inbox_keys (
  platform VARCHAR, message_id VARCHAR, import_id VARCHAR, thread_key VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS inbox_thread_facts (
  platform VARCHAR, thread_key VARCHAR, customer BOOLEAN, answered BOOLEAN,
  partial BOOLEAN, off_hours BOOLEAN, anomalies BIGINT)""",
]


def up(con: Any) -> None:
    for statement in _STATEMENTS:
        con.execute(statement)
