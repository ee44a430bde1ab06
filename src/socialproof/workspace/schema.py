"""Canonical tables: the columns every importer writes and every report reads.

The DDL lives in numbered migrations (``workspace/migrations/mNNNN_*.py``);
this module describes the tables for importers and a test checks both agree.
Timestamps are stored as naive UTC ``TIMESTAMP``; the workspace timezone is
applied when grouping by day, week or month and when displaying.

Key columns are never NULL: importers write ``''`` for an unknown campaign, ad
set or ad, so natural keys stay comparable. Rows of posts, account_daily and
ad_stats always name their account (the importer refuses a file otherwise), so
two accounts never share a key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa


#: Arrow schema metadata saying a batch's natural keys are already unique; the value is the
#: batch's row count, so a batch that was concatenated or filtered since no longer matches.
UNIQUE_KEYS_META = b"socialproof.unique_keys"


def keys_marked_unique(data: pa.Table) -> bool:
    return (data.schema.metadata or {}).get(UNIQUE_KEYS_META) == str(data.num_rows).encode()


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: dict[str, str]  # column -> DuckDB type
    key: tuple[str, ...]  # natural key; re-importing the same key updates the row
    doc: str
    #: columns that identify one row of the source file (import counts are in these rows):
    #: the key, except for long-form tables where one source row makes several rows
    record: tuple[str, ...] = ()

    @property
    def record_key(self) -> tuple[str, ...]:
        return self.record or self.key


_PROVENANCE = {"import_id": "VARCHAR"}

POSTS = TableSpec(
    "posts",
    {
        "platform": "VARCHAR",  # facebook, instagram, tiktok, linkedin, x, youtube, ...
        "post_id": "VARCHAR",
        "account": "VARCHAR",
        "published_at": "TIMESTAMP",
        "format": "VARCHAR",  # image, carousel, video, reel, short, story, text, link, live, ...
        "title": "VARCHAR",
        "text": "VARCHAR",
        "permalink": "VARCHAR",
        "labels": "VARCHAR",  # custom labels, comma separated
        "campaign": "VARCHAR",
        "is_paid": "BOOLEAN",
        "duration_s": "DOUBLE",
        "followers": "BIGINT",  # followers of the account when posted, where known
        "impressions": "BIGINT",
        "reach": "BIGINT",
        "views": "BIGINT",
        "reactions": "BIGINT",  # likes / reactions
        "comments": "BIGINT",
        "shares": "BIGINT",
        "saves": "BIGINT",
        "clicks": "BIGINT",  # all clicks
        "link_clicks": "BIGINT",
        "profile_visits": "BIGINT",
        "follows": "BIGINT",
        "engagements": "BIGINT",  # the platform's own engagement count, where exported
        "video_views": "BIGINT",
        "video_completions": "BIGINT",
        "watch_time_s": "DOUBLE",
        "reported_engagement_rate": "DOUBLE",  # platform-computed, a fraction (0.05 = 5 %)
        **_PROVENANCE,
        "time_known": "BOOLEAN",  # published_at has a time of day (False: a date only)
    },
    ("platform", "account", "post_id"),
    "One row per post, video or update, with lifetime metrics as exported.",
)

ACCOUNT_DAILY = TableSpec(
    "account_daily",
    {
        "platform": "VARCHAR",
        "account": "VARCHAR",
        "date": "DATE",
        "metric": "VARCHAR",  # followers, follower_change, reach, impressions, views, profile_views, ...
        "value": "DOUBLE",
        **_PROVENANCE,
    },
    ("platform", "account", "date", "metric"),
    "Daily account-level series in long form (one metric per row).",
    ("platform", "account", "date"),
)

POST_DAILY = TableSpec(
    "post_daily",
    {
        "platform": "VARCHAR",
        "account": "VARCHAR",
        "post_id": "VARCHAR",
        "date": "DATE",
        "metric": "VARCHAR",  # views, watch_time_hours, impressions, likes, ...
        "value": "DOUBLE",
        **_PROVENANCE,
    },
    ("platform", "account", "post_id", "date", "metric"),
    "Daily figures of one post or video (YouTube's per-video chart data), long form.",
    ("platform", "account", "post_id", "date"),
)

AD_STATS = TableSpec(
    "ad_stats",
    {
        "platform": "VARCHAR",
        "account": "VARCHAR",
        "campaign": "VARCHAR",
        "ad_set": "VARCHAR",
        "ad": "VARCHAR",
        # identity of the campaign / ad set / ad: 'ad:<id>' (or 'adset:', 'campaign:') when the
        # export carries ids, else 'name:' and the three names (see ingest/sameness.py)
        "object_key": "VARCHAR",
        "date_start": "DATE",
        "date_stop": "DATE",  # equal to date_start for daily rows
        "breakdown": "VARCHAR",  # '' or e.g. 'age=25-34;gender=female'
        "objective": "VARCHAR",
        "currency": "VARCHAR",
        "spend": "DOUBLE",
        "impressions": "BIGINT",
        "reach": "BIGINT",
        "clicks": "BIGINT",  # all clicks
        "link_clicks": "BIGINT",
        "results": "DOUBLE",
        "result_type": "VARCHAR",
        "purchases": "DOUBLE",
        "purchase_value": "DOUBLE",
        "leads": "DOUBLE",
        "video_views": "BIGINT",  # ThruPlays / 3-second views as exported
        "video_completions": "BIGINT",
        "landing_page_views": "BIGINT",
        "adds_to_cart": "BIGINT",
        "checkouts": "BIGINT",
        "messaging_conversations": "BIGINT",
        "reported_cost_per_result": "DOUBLE",
        "reported_roas": "DOUBLE",
        "reported_ctr": "DOUBLE",  # fraction
        "reported_cpm": "DOUBLE",
        "reported_cpc": "DOUBLE",
        "reported_frequency": "DOUBLE",
        **_PROVENANCE,
        # the setting results count conversions under ('7-day click or 1-day view'), as
        # exported; NULL when the export does not say. Last, as migration 0210 adds it
        "attribution": "VARCHAR",
    },
    ("platform", "account", "object_key", "date_start", "date_stop", "breakdown"),
    "Paid delivery per ad (or campaign / ad set) per day or reporting range.",
)

MESSAGES = TableSpec(
    "messages",
    {
        "platform": "VARCHAR",
        "message_id": "VARCHAR",
        "thread_id": "VARCHAR",  # root message id of the conversation
        "parent_id": "VARCHAR",  # message this replies to, NULL for a root
        "author_id": "VARCHAR",
        "inbound": "BOOLEAN",  # as exported (customer-care data); NULL when unknown
        "is_brand": "BOOLEAN",  # author is one of the brand's handles (settings) or not inbound
        "created_at": "TIMESTAMP",
        "text": "VARCHAR",
        "group_id": "VARCHAR",  # community, group, subreddit or page; '' when none
        "channel": "VARCHAR",  # comment, reply, dm, mention, post
        "post_id": "VARCHAR",  # the post commented on, where known
        **_PROVENANCE,
    },
    ("platform", "message_id"),
    "Comments, replies and direct messages with their thread structure.",
)

JOB_POSTINGS = TableSpec(
    "job_postings",
    {
        "posting_id": "VARCHAR",
        "source": "VARCHAR",
        "title": "VARCHAR",
        "company": "VARCHAR",
        "location": "VARCHAR",
        "salary_text": "VARCHAR",
        "employment_type": "VARCHAR",
        "posted_at": "DATE",
        "url": "VARCHAR",
        "body": "VARCHAR",
        **_PROVENANCE,
    },
    ("posting_id",),
    "Job postings as published (text kept; facts are extracted into posting_facts).",
)

AUDIENCE = TableSpec(
    "audience",
    {
        "platform": "VARCHAR",
        "account": "VARCHAR",
        # the days the snapshot describes: the export date twice, or the window given
        "date_start": "DATE",
        "date_stop": "DATE",
        "dimension": "VARCHAR",  # age, gender, age_gender, country, city, hour
        "segment": "VARCHAR",  # '25-34', 'female', 'female 25-34', 'Lagos', '20'
        "metric": "VARCHAR",  # share (a fraction of the audience), active_followers
        "value": "DOUBLE",
        **_PROVENANCE,
    },
    ("platform", "account", "date_start", "date_stop", "dimension", "segment", "metric"),
    "Audience snapshots: who follows an account (age, gender, places) and when it is online.",
)

IMPORTS = TableSpec(
    "imports",
    {
        "import_id": "VARCHAR",  # sha256 of the raw file
        "path": "VARCHAR",
        "format": "VARCHAR",
        "table_name": "VARCHAR",
        "rows_read": "BIGINT",
        "rows_rejected": "BIGINT",
        "rows_inserted": "BIGINT",
        "rows_updated": "BIGINT",
        "size_bytes": "BIGINT",
        "confidence": "DOUBLE",
        "imported_at": "TIMESTAMP",
        "note": "VARCHAR",
        # when the file was exported (its modification time): newer figures win on overlap
        "exported_at": "TIMESTAMP",
        "rows_conflicting": "BIGINT",  # rows whose figures disagreed with another row's
    },
    ("import_id",),
    "Provenance: every imported file, by content hash.",
)

#: tables whose rows belong to an account (see ingest/identity.py)
ACCOUNT_TABLES = ("posts", "account_daily", "post_daily", "ad_stats", "audience")
# the dashboard's stored roll-ups (``campaigns.rollup_store``), named here so that a writer
# can look for them without loading that module
ROLLUP_TABLE = "rollup_store"

CANONICAL: dict[str, TableSpec] = {
    t.name: t
    for t in (
        POSTS,
        ACCOUNT_DAILY,
        POST_DAILY,
        AD_STATS,
        MESSAGES,
        JOB_POSTINGS,
        AUDIENCE,
        IMPORTS,
    )
}


def ddl(spec: TableSpec) -> str:
    """DDL of a canonical table. The natural key is kept by ``engine.upsert``, not by a
    database index (see migration 0002)."""
    cols = ",\n  ".join(f"{c} {t}" for c, t in spec.columns.items())
    return f"CREATE TABLE IF NOT EXISTS {spec.name} (\n  {cols}\n)"
