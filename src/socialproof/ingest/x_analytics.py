"""X (Twitter) analytics exports -> ``posts`` and ``account_daily``.

* old ``tweet_activity_metrics_*.csv``: Tweet id, Tweet permalink, Tweet text,
  time ("2019-01-31 18:02 +0000"), impressions, engagements, engagement rate,
  retweets, replies, likes, ... and "promoted ..." twins (often "-");
* new ``account_analytics_content_*.csv`` in its early-2025 variant (Link,
  Share, dates like "Mon Feb 10 2025") and its 2026 variant (Post Link,
  Shares, "Thu, Apr 23, 2026"): one row per post, dates without a time;
* ``account_overview_analytics.csv``: one row per day for the account.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from socialproof.ingest import _aliases as A
from socialproof.ingest.base import Format, ReadContext, ReadResult, Reject, Source

if TYPE_CHECKING:
    import pyarrow as pa

    from socialproof.ingest.base import Frame

POST_ID = ("Post id", "Tweet id", "Post ID", "Tweet ID")
TIME = ("Date", "time", "Time", "Fecha")
TEXT = ("Post text", "Tweet text", "Text")
LINK = ("Post Link", "Tweet permalink", "Link", "Post link")
NUMBERS: dict[str, A.Aliases] = {
    "impressions": ("Impressions",),
    "engagements": ("Engagements",),
    "reactions": ("Likes",),
    "comments": ("Replies",),
    "shares": ("Reposts", "Retweets"),
    "saves": ("Bookmarks",),
    "follows": ("New follows", "Follows"),
    "profile_visits": ("Profile visits", "User profile clicks"),
    "link_clicks": ("URL Clicks", "url clicks"),
    "video_views": ("Media views", "Video views"),
}
RATE = ("engagement rate", "Engagement rate")
CLICK_PARTS = (
    ("URL Clicks", "url clicks"),
    ("Hashtag Clicks", "hashtag clicks"),
    ("Detail Expands", "detail expands"),
    ("Permalink Clicks", "permalink clicks"),
    ("Profile visits", "User profile clicks"),
)
OVERVIEW: dict[str, A.Aliases] = {
    "impressions": ("Impressions",),
    "likes": ("Likes",),
    "engagements": ("Engagements",),
    "bookmarks": ("Bookmarks",),
    "shares": ("Shares", "Share"),
    "follows": ("New follows",),
    "unfollows": ("Unfollows",),
    "replies": ("Replies",),
    "reposts": ("Reposts",),
    "profile_visits": ("Profile visits",),
    "posts_created": ("Create Post",),
    "video_views": ("Video views",),
    "media_views": ("Media views",),
}


X_ONLY: tuple[A.Aliases, ...] = (
    ("Engagements",),
    ("Replies",),
    ("Reposts", "Retweets"),
    ("Bookmarks",),
    ("URL Clicks", "url clicks"),
    ("Detail Expands", "detail expands"),
    ("New follows", "follows"),
    ("Profile visits", "user profile clicks"),
)


def _is_posts(frame: Frame) -> bool:
    if not (A.has(frame, POST_ID) and A.has(frame, TIME) and A.has(frame, ("Impressions",))):
        return False
    return sum(A.has(frame, g) for g in X_ONLY) >= 3


def _is_overview(frame: Frame) -> bool:
    if A.has(frame, POST_ID) or not A.has(frame, ("Date",)):
        return False
    return (
        A.has(frame, ("New follows",))
        and A.has(frame, ("Impressions",))
        and A.has(frame, ("Engagements",))
    )


class XAnalyticsFormat(Format):
    name = "x-analytics"
    label = "X (Twitter) analytics export (posts or account overview)"
    tables = ("posts", "account_daily")
    required = (POST_ID, TIME, ("Impressions",))

    def detect(self, source: Source) -> float:
        best = 0.0
        optional = (
            ("Engagements",),
            ("Likes",),
            ("Replies",),
            ("Reposts", "Retweets"),
            LINK,
            TEXT,
            ("Bookmarks", "url clicks", "URL Clicks"),
        )
        for frame in source.frames:
            if _is_posts(frame):
                best = max(best, A.score(frame, self.required, optional))
            elif _is_overview(frame):
                best = max(best, 0.9)
        return best

    def read(self, source: Source, ctx: ReadContext) -> ReadResult:
        parts = A.Parts()
        for frame in source.frames:
            if _is_posts(frame):
                parts.add(frame, "posts", _read_posts(frame, ctx))
            elif _is_overview(frame):
                parts.add(
                    frame,
                    "account_daily",
                    A.to_long(
                        frame,
                        ctx,
                        platform="x",
                        date_aliases=("Date",),
                        metrics=OVERVIEW,
                        account=ctx.account or "",
                        counts=True,
                    ),
                )
        return parts.result()


def _read_posts(frame: Frame, ctx: ReadContext) -> tuple[pa.Table, list[Reject], list[str]]:
    import pyarrow as pa
    import pyarrow.compute as pc

    rows = A.Rows(frame, "posts", ctx)
    rows.const("platform", "x")
    rows.text("post_id", POST_ID)
    rows.reject_mangled_ids("post_id")
    rows.require("post_id", "post id")
    rows.timestamp("published_at", TIME)
    rows.require("published_at", "date")
    rows.text("text", TEXT)
    rows.text("permalink", LINK)
    rows.const("account", ctx.account or "")
    for target, aliases in NUMBERS.items():
        rows.number(target, aliases)
    rows.number("reported_engagement_rate", RATE)
    # all clicks = the click kinds X reports separately
    parts = [rows.number("_" + a[0], a) for a in CLICK_PARTS]
    present = [p for p in parts if p is not None]
    if present:
        total = present[0].cast(pa.float64())
        for p in present[1:]:
            total = pc.add(pc.fill_null(total, 0.0), pc.fill_null(p.cast(pa.float64()), 0.0))
        rows.set("clicks", pc.round(total).cast(pa.int64()))
    # the 'promoted ...' twins: paid when any promoted impressions were served
    promoted = rows.number("_promoted", ("promoted impressions",))
    if promoted is not None:
        rows.set("is_paid", pc.greater(pc.fill_null(promoted, 0.0), 0.0))
    table, rejects = rows.finish()
    return table, rejects, rows.notes
