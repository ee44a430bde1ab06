"""Community derived tables: message scores, themes and each message's theme.

``message_scores`` is filled incrementally (only messages not scored yet, or whose
text changed, are scored); ``themes`` and ``message_themes`` are replaced by
each themes run.
"""

from __future__ import annotations

from typing import Any

_STATEMENTS = [
    """CREATE TABLE IF NOT EXISTS message_scores (
  platform VARCHAR, message_id VARCHAR, text_hash BIGINT,
  sentiment VARCHAR, sentiment_score DOUBLE,
  spam BOOLEAN, toxic BOOLEAN, reasons VARCHAR,
  models VARCHAR, scored_at TIMESTAMP,
  PRIMARY KEY (platform, message_id))""",
    """CREATE TABLE IF NOT EXISTS themes (
  theme_id INTEGER PRIMARY KEY, label VARCHAR, keywords VARCHAR, size BIGINT, share DOUBLE,
  positive DOUBLE, neutral DOUBLE, negative DOUBLE, net_sentiment DOUBLE,
  trend VARCHAR, trend_change DOUBLE, destination VARCHAR, route_reason VARCHAR, examples VARCHAR,
  sample_size BIGINT, created_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS message_themes (
  platform VARCHAR, message_id VARCHAR, theme_id INTEGER,
  PRIMARY KEY (platform, message_id))""",
]


def up(con: Any) -> None:
    for statement in _STATEMENTS:
        con.execute(statement)
