"""Moderation decisions: a person confirms or dismisses a flag on a member message.

Every decision is kept (the latest per message counts), with the flag and reasons
it answered, the text hash it saw (a dismissal no longer holds once the text
changes) and the model scores at the time (used to suggest thresholds).
"""

from __future__ import annotations

from typing import Any


def up(con: Any) -> None:
    con.execute(
        """CREATE TABLE IF NOT EXISTS moderation_decisions (
  platform VARCHAR NOT NULL, message_id VARCHAR NOT NULL,
  flag VARCHAR, reasons VARCHAR, text_hash BIGINT,
  decision VARCHAR NOT NULL, decided_by VARCHAR NOT NULL, decided_at TIMESTAMP NOT NULL,
  note VARCHAR, spam_score DOUBLE, toxic_score DOUBLE)"""
    )
