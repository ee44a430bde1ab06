"""X (Twitter) analytics exports -> ``posts`` and ``account_daily``.

* old ``tweet_activity_metrics_*.csv``: Tweet id, Tweet permalink, Tweet text,
  time ("2019-01-31 18:02 +0000"), impressions, engagements, engagement rate,
  retweets, replies, likes, ... and "promoted ..." twins (often "-");
* new ``account_analytics_content_*.csv`` in its early-2025 variant (Link,
  Share, dates like "Mon Feb 10 2025") and its 2026 variant (Post Link,
  Shares, "Thu, Apr 23, 2026"): one row per post, dates without a time;
* ``account_overview_analytics.csv``: one row per day for the account.

A post id is a "snowflake" that records the moment of posting (milliseconds
since the Unix epoch = (id >> 22) + 1288834974657). Where the newer export
gives a date only, the time of day comes from the id when the id falls on that
same date; otherwise the post keeps ``time_known = False`` and stays out of
timing advice.
"""

from __future__ import annotations

import re
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
    # identity (post id, time) and at least one metric: the columns are the user's choice
    metrics = tuple(a for aliases in NUMBERS.values() for a in aliases)
    if not (A.has(frame, POST_ID) and A.has(frame, TIME) and A.has(frame, metrics)):
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
    required = (POST_ID, TIME)

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
    rows.text("permalink", LINK)
    _ids_from_links(rows)
    rows.reject_mangled_ids("post_id")
    rows.require("post_id", "post id")
    rows.timestamp("published_at", TIME)
    rows.require("published_at", "date")
    _times_from_ids(rows, ctx)
    rows.text("text", TEXT)
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


_SCIENTIFIC = re.compile(r"(?i)^\d(?:\.(\d+))?e\+\d+$")
_STATUS_ID = re.compile(r"/status(?:es)?/(\d+)")


def _ids_from_links(rows: A.Rows) -> None:
    """Ids Excel wrote as '2.01E+18' taken from the post's link, where the link agrees.

    A file opened in Excel and saved again keeps its links as text but rounds the id
    column to a few digits; the id in '.../status/2010000000000007919' is the whole one
    when it rounds to the same figure.
    """
    import pyarrow as pa

    ids, links = rows.values.get("post_id"), rows.values.get("permalink")
    if ids is None or links is None:
        return
    out, taken = ids.to_pylist(), 0
    for i, (cell, link) in enumerate(zip(out, links.to_pylist(), strict=True)):
        sci = _SCIENTIFIC.match(cell or "")
        found = _STATUS_ID.search(link or "") if sci else None
        if sci is None or found is None:
            continue
        digits = len(sci.group(1) or "")
        if float(f"{int(found.group(1)):.{digits}e}") == float(cell or "nan"):
            out[i] = found.group(1)
            taken += 1
    if taken:
        rows.values["post_id"] = pa.array(out, pa.string())
        rows.notes.append(
            f"{taken:,} post id{'' if taken == 1 else 's'} had been rounded by a spreadsheet "
            f"('2.01E+18'); the whole id{'' if taken == 1 else 's'} came from the post links."
        )


#: X's snowflake epoch (4 November 2010), in Unix milliseconds
SNOWFLAKE_EPOCH_MS = 1288834974657


def snowflake_ms(ids: list[str | None]) -> list[int | None]:
    """Unix milliseconds a post id records, or None for ids that are not snowflakes."""
    out: list[int | None] = []
    for value in ids:
        text = (value or "").strip()
        if not text.isdigit() or len(text) > 19 or int(text) < (1 << 40):
            out.append(None)  # pre-2010 sequential ids, mangled or empty cells
            continue
        out.append((int(text) >> 22) + SNOWFLAKE_EPOCH_MS)
    return out


def _times_from_ids(rows: A.Rows, ctx: ReadContext) -> None:
    """Date-only posts whose id falls on the same day take their time of day from the id."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    known = rows.values.get("time_known")
    stamps = rows.values.get("published_at")
    ids = rows.values.get("post_id")
    if known is None or stamps is None or ids is None:
        return
    dated = np.asarray(known.fill_null(True).to_numpy(zero_copy_only=False), dtype=bool)
    if dated.all():
        return
    ms = pd.array(snowflake_ms(ids.to_pylist()), dtype="Int64")
    snow = pd.to_datetime(pd.Series(ms, dtype="Int64"), unit="ms", utc=True)
    day = pd.Series(stamps.to_pandas()).dt.tz_localize("UTC").dt.tz_convert(ctx.timezone).dt.date
    same = (snow.dt.tz_convert(ctx.timezone).dt.date == day) | (snow.dt.date == day)
    use = (~dated) & same.fillna(False).to_numpy(dtype=bool) & snow.notna().to_numpy()
    if not use.any():
        return
    exact = snow.dt.tz_localize(None).astype("datetime64[us]")
    merged = pd.Series(stamps.to_pandas()).astype("datetime64[us]").where(~use, exact)
    rows.values["published_at"] = pa.array(merged, pa.timestamp("us"), from_pandas=True)
    rows.values["time_known"] = pa.array(np.where(use, True, known.to_pylist()), pa.bool_())
    n = int(use.sum())
    rows.notes.append(
        f"The export gives dates only; the time of day of {n:,} post{'' if n == 1 else 's'} "
        f"was read from {'its' if n == 1 else 'their'} post id{'' if n == 1 else 's'} "
        "(X ids record the moment of posting)."
    )
