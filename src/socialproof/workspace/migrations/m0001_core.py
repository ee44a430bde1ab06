"""Core canonical tables: imports, posts, account_daily, ad_stats, messages, job_postings."""

from __future__ import annotations

from typing import Any

# Frozen copy of the first schema: later changes go in new migrations.
_STATEMENTS = [
    """CREATE TABLE imports (
  import_id VARCHAR PRIMARY KEY, path VARCHAR, format VARCHAR, table_name VARCHAR,
  rows_read BIGINT, rows_rejected BIGINT, rows_inserted BIGINT, rows_updated BIGINT,
  size_bytes BIGINT, confidence DOUBLE, imported_at TIMESTAMP, note VARCHAR)""",
    """CREATE TABLE posts (
  platform VARCHAR, post_id VARCHAR, account VARCHAR, published_at TIMESTAMP, format VARCHAR,
  title VARCHAR, text VARCHAR, permalink VARCHAR, labels VARCHAR, campaign VARCHAR,
  is_paid BOOLEAN, duration_s DOUBLE, followers BIGINT, impressions BIGINT, reach BIGINT,
  views BIGINT, reactions BIGINT, comments BIGINT, shares BIGINT, saves BIGINT, clicks BIGINT,
  link_clicks BIGINT, profile_visits BIGINT, follows BIGINT, engagements BIGINT,
  video_views BIGINT, video_completions BIGINT, watch_time_s DOUBLE,
  reported_engagement_rate DOUBLE, import_id VARCHAR,
  PRIMARY KEY (platform, post_id))""",
    """CREATE TABLE account_daily (
  platform VARCHAR, account VARCHAR, date DATE, metric VARCHAR, value DOUBLE, import_id VARCHAR,
  PRIMARY KEY (platform, account, date, metric))""",
    """CREATE TABLE ad_stats (
  platform VARCHAR, account VARCHAR, campaign VARCHAR, ad_set VARCHAR, ad VARCHAR,
  date_start DATE, date_stop DATE, breakdown VARCHAR, objective VARCHAR, currency VARCHAR,
  spend DOUBLE, impressions BIGINT, reach BIGINT, clicks BIGINT, link_clicks BIGINT,
  results DOUBLE, result_type VARCHAR, purchases DOUBLE, purchase_value DOUBLE, leads DOUBLE,
  video_views BIGINT, video_completions BIGINT, landing_page_views BIGINT, adds_to_cart BIGINT,
  checkouts BIGINT, messaging_conversations BIGINT, reported_cost_per_result DOUBLE,
  reported_roas DOUBLE, reported_ctr DOUBLE, reported_cpm DOUBLE, reported_cpc DOUBLE,
  reported_frequency DOUBLE, import_id VARCHAR,
  PRIMARY KEY (platform, account, campaign, ad_set, ad, date_start, date_stop, breakdown))""",
    """CREATE TABLE messages (
  platform VARCHAR, message_id VARCHAR, thread_id VARCHAR, parent_id VARCHAR,
  author_id VARCHAR, inbound BOOLEAN, is_brand BOOLEAN, created_at TIMESTAMP, text VARCHAR,
  group_id VARCHAR, channel VARCHAR, post_id VARCHAR, import_id VARCHAR,
  PRIMARY KEY (platform, message_id))""",
    """CREATE TABLE job_postings (
  posting_id VARCHAR PRIMARY KEY, source VARCHAR, title VARCHAR, company VARCHAR,
  location VARCHAR, salary_text VARCHAR, employment_type VARCHAR, posted_at DATE, url VARCHAR,
  body VARCHAR, import_id VARCHAR)""",
]


def up(con: Any) -> None:
    for statement in _STATEMENTS:
        con.execute(statement)
