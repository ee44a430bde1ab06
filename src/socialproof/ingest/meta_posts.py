"""Meta Business Suite post exports (Facebook and Instagram) -> ``posts``.

Two shapes:

* the Business Suite content export (CSV): Post ID, Page/Account name,
  Publish time, Post type, Permalink, Views (Impressions before 2025), Reach,
  Reactions, Comments, Shares, Saves, Total clicks, Custom labels...; the
  column set changes from month to month, so every column is optional except
  the post id and the publish time.
* the legacy "Facebook Insights Data Export (Post Level)" XLSX: a row of API
  names (``post_impressions_unique:lifetime``) and a row of human labels
  ("Lifetime Post Total Reach") above the data, in either order.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from socialproof.ingest import _aliases as A
from socialproof.ingest.base import (
    Format,
    ReadContext,
    ReadResult,
    Reject,
    Source,
    normalize_header,
)
from socialproof.ingest.post_days import SUMMED

if TYPE_CHECKING:
    import pyarrow as pa

    from socialproof.ingest.base import Frame

# the video export (2025) names its rows by video asset: the post id when both are there
POST_ID = ("Post ID", "Post id", "ID de la publicación", "Video asset ID", "Video ID")
PUBLISHED = ("Publish time", "Publish Time", "Hora de publicación", "Published", "Posted")
ACCOUNT = ("Account username", "Page name", "Account name", "Nombre de la página")
IG_MARKERS = ("Account username", "Account ID", "Saves", "Profile visits")
FB_MARKERS = ("Page ID", "Page name", "Reactions, Comments and Shares")

NUMBERS: dict[str, tuple[str, ...]] = {
    "impressions": ("Impressions", "Impresiones"),
    "reach": ("Reach", "Alcance"),
    "views": ("Views", "Visualizaciones"),
    "reactions": ("Reactions", "Likes", "Me gusta", "Reacciones"),
    "comments": ("Comments", "Comentarios"),
    "shares": ("Shares", "Veces que se compartió", "Compartidos"),
    "saves": ("Saves", "Guardados"),
    "clicks": ("Total clicks", "Clicks"),
    "link_clicks": ("Link clicks",),
    "profile_visits": ("Profile visits",),
    "follows": ("Follows",),
    "engagements": ("Reactions, Comments and Shares", "Interactions"),
    "video_views": ("3-second video views", "Plays"),
    "watch_time_s": ("Seconds viewed",),
    "duration_s": ("Duration (sec)", "Duration (seconds)", "Duración (s)"),
}
TEXTS = {
    "title": ("Title", "Título"),
    "text": ("Description", "Caption", "Descripción", "Post Message", "Message"),
    "permalink": ("Permalink", "Enlace permanente"),
    "labels": ("Custom labels", "Etiquetas personalizadas"),
}
POST_TYPE = ("Post type", "Type", "Tipo de publicación")
#: the day a row's figures are for, in an export by day ('Lifetime' in a lifetime export)
DAY = ("Date", "Fecha")
#: figures of a post that add up over days; reach (people) and the others do not
ADDITIVE = SUMMED
LARGEST = ("reach", "duration_s", "followers")
FUNDED = ("Funded content status",)

_FORMATS = [
    (r"reel", "reel"),
    (r"carousel|album|carrusel", "carousel"),
    (r"stor(y|ies)|historia", "story"),
    (r"live|en vivo", "live"),
    (r"video", "video"),
    (r"photo|image|imagen|foto", "image"),
    (r"link|enlace", "link"),
    (r"text|status|estado", "text"),
]

# legacy Post Level export: API name and human label of each column
LEGACY: dict[str, tuple[str, ...]] = {
    "reach": ("post_impressions_unique:lifetime", "Lifetime Post Total Reach"),
    "impressions": ("post_impressions:lifetime", "Lifetime Post Total Impressions"),
    "engagements": ("post_engaged_users:lifetime", "Lifetime Engaged Users"),
    "clicks": ("post_consumptions:lifetime", "Lifetime Post Consumptions"),
    "video_views": ("post_video_views:lifetime", "Lifetime Post Total Video Views"),
    "reactions": (
        "post_story_adds_by_action_type:lifetime:like",
        "Lifetime Talking About This (Post) by action type - like",
    ),
    "comments": (
        "post_story_adds_by_action_type:lifetime:comment",
        "Lifetime Talking About This (Post) by action type - comment",
    ),
    "shares": (
        "post_story_adds_by_action_type:lifetime:share",
        "Lifetime Talking About This (Post) by action type - share",
    ),
}


def post_format(values: list[str | None]) -> list[str | None]:
    out: list[str | None] = []
    for v in values:
        low = (v or "").strip().lower()
        out.append(next((f for pat, f in _FORMATS if re.search(pat, low)), low or None))
    return out


class MetaPostsFormat(Format):
    name = "meta-posts"
    label = "Meta Business Suite posts export (Facebook / Instagram)"
    tables = ("posts", "post_daily")
    required = (POST_ID, PUBLISHED)
    kinds = ("csv", "xlsx", "xls")

    def detect(self, source: Source) -> float:
        optional = (
            ("Permalink",),
            POST_TYPE,
            ("Reach",),
            ("Views", "Impressions"),
            ("Reactions", "Likes"),
            ("Comments",),
            ("Shares",),
            ACCOUNT,
            ("Custom labels",),
            ("Duration (sec)",),
            ("Seconds viewed", "3-second video views"),
        )
        best = 0.0
        for frame in source.frames:
            if _legacy_labels(frame) is not None:
                continue
            s = A.score(frame, self.required, optional)
            # Business Suite exports have a handful of these columns; one match is not enough
            if s and sum(A.has(frame, g) for g in optional) < 3:
                s = min(s, 0.45)
            best = max(best, s)
        return best

    def read(self, source: Source, ctx: ReadContext) -> ReadResult:
        tables, daily, rejects, notes, n = [], [], [], [], 0
        for frame in source.frames:
            if A.score(frame, self.required) == 0:
                continue
            t, r, nt, d = _read_suite(frame, ctx)
            tables.append(t)
            if d is not None:
                daily.append(d)
            rejects.extend(r)
            notes.extend(nt)
            n += frame.data.num_rows
        out = {"posts": A.concat(tables)} if tables else {}
        if daily:
            out["post_daily"] = A.concat(daily)
            if len(tables) > 1:  # exports joined end to end: a post's days in two of them
                out["posts"] = _one_row_per_post_with_days(out["posts"], out["post_daily"])
        return ReadResult(out, n, rejects, notes)


def _read_suite(
    frame: Frame, ctx: ReadContext
) -> tuple[pa.Table, list[Reject], list[str], pa.Table | None]:
    import pyarrow as pa
    import pyarrow.compute as pc

    rows = A.Rows(frame, "posts", ctx)
    rows.text("post_id", POST_ID)
    rows.reject_mangled_ids("post_id")
    rows.require("post_id", "post id")
    rows.timestamp("published_at", PUBLISHED, epoch=True)
    rows.require("published_at", "publish time")
    rows.text("account", ACCOUNT)  # the file's own wins; --account fills the others
    for target, aliases in TEXTS.items():
        rows.text(target, aliases)
    ptype = rows.raw(POST_TYPE)
    if ptype is not None:
        rows.set("format", pa.array(post_format(ptype.to_pylist()), pa.string()))
    # platform: Instagram post types start with 'IG ' and Instagram exports name an account
    if ctx.platform:
        rows.const("platform", ctx.platform)
    else:
        default = (
            "instagram"
            if sum(A.has(frame, (m,)) for m in IG_MARKERS)
            > sum(A.has(frame, (m,)) for m in FB_MARKERS)
            else "facebook"
        )
        if ptype is not None:
            is_ig = pc.match_substring_regex(ptype, r"(?i)^\s*ig\b").fill_null(False)
            permalink = rows.values.get("permalink")
            if permalink is not None:
                is_ig = pc.or_(
                    is_ig, pc.match_substring(permalink, "instagram.com").fill_null(False)
                )
            rows.set("platform", pc.if_else(is_ig, "instagram", default))
        else:
            rows.const("platform", default)
    for target, aliases in NUMBERS.items():
        rows.number(target, aliases)
    funded = rows.raw(FUNDED)
    if funded is not None:
        low = pc.utf8_lower(pc.utf8_trim_whitespace(funded))
        paid = pc.match_substring_regex(low, r"boost|paid|promot|funded|ad\b")
        rows.set("is_paid", pc.if_else(pc.equal(low, ""), None, paid))
    day_raw = rows.raw(DAY)
    table, rejects = rows.finish()
    daily = None
    if day_raw is not None and table.num_rows:
        from socialproof.ingest.parse import parse_dates

        days = parse_dates(day_raw, dayfirst=rows.dayfirst).values
        kept = ~rows.bad & ~rows.skip
        if not kept.all():
            days = days.filter(pa.array(kept))
        table, daily = _add_up_days(table, days, rows.notes)
    return table, rejects, rows.notes, daily


def _add_up_days(
    table: pa.Table, days: pa.Array, notes: list[str]
) -> tuple[pa.Table, pa.Table | None]:
    """One row per post from an export with one row per post and day ('Date' holds days),
    and the days themselves (``post_daily``, long form), or None when no post has them.

    Figures that add up over days (views, reactions, clicks, ...) are summed; reach is
    the largest day's (people reached on several days count once, so the sum would be
    too high; the posts' reach over those days is at least that). A post with a row not
    dated ('Lifetime'), or two different rows for one day, is left as it is: the import
    reports its repeats as usual. The days are stored too, so an export of other days
    of the same posts adds its new days to these (``post_days.py``).

    The file as a whole says whether its dates are days: a post on two days, several
    posts on one date or dates spanning days (an export's own date would be one date for
    every post). A file of one post with one dated row is read as the post's figures.
    """
    import pandas as pd
    import pyarrow as pa

    key = ["platform", "account", "post_id"]
    frame = table.select(key).to_pandas()
    frame["_day"] = days.to_pandas()
    frame["_row"] = range(len(frame))
    # a row repeated whole (the same day exported twice) is one day, not two
    whole = table.to_pandas().assign(_day=frame["_day"])
    repeat = whole.duplicated(keep="first").to_numpy()
    groups = frame[~repeat].groupby(key, sort=False, dropna=False)
    dated = groups["_day"].transform(lambda d: bool(d.notna().all()))
    n_days = groups["_day"].transform("nunique")
    n_rows = groups["_day"].transform("size")
    add = (dated.astype(bool) & (n_days == n_rows)).to_numpy()
    # the file as a whole says whether its dates are days: a post with two days, several
    # posts on one date (one day's rows) or dates spanning days (an export's own date,
    # figures up to it, would be one date for every post). One post with one dated row
    # says nothing: it is read as the post's figures, with a note
    if not add.any():
        return table, None
    if int(add.sum()) < 2:
        day = pd.Timestamp(frame[~repeat][add]["_day"].iloc[0]).date()
        notes.append(
            f"One row of the file is dated ({day}): read as its post's figures, not one "
            "day's (one row cannot tell a day from the export's date). An export of two "
            "days or more is read by day; 'Lifetime' in place of days gives totals."
        )
        return table, None
    rows = frame[~repeat]["_row"].to_numpy()
    summed_rows = rows[add]
    sub = table.take(pa.array(summed_rows)).append_column("_order", pa.array(summed_rows))
    daily = _day_rows(sub, days.take(pa.array(summed_rows)))
    aggs = [("_order", "min")]
    for name in table.column_names:
        if name in key:
            continue
        how = "sum" if name in ADDITIVE else "max" if name in LARGEST else "first"
        aggs.append((name, how))
    grouped = sub.group_by(key, use_threads=False).aggregate(aggs)
    grouped = grouped.rename_columns(
        [c.rsplit("_", 1)[0] if c not in key else c for c in grouped.column_names]
    )
    # the summed posts' whole repeats go with them; every other row stays as it was
    summed_keys = pd.MultiIndex.from_frame(frame.iloc[summed_rows][key])
    in_summed = pd.MultiIndex.from_frame(frame[key]).isin(summed_keys)
    others = [int(i) for i in frame["_row"][~in_summed]]
    rest = table.take(pa.array(others, pa.int64())).append_column(
        "_order", pa.array(others, pa.int64())
    )
    out = pa.concat_tables([rest, grouped.select(rest.column_names).cast(rest.schema)])
    order = pd.Series(out.column("_order").to_pandas()).argsort(kind="stable").to_numpy()
    posts = frame[~repeat][add]
    first, last = posts["_day"].min(), posts["_day"].max()
    n_posts = len(posts.drop_duplicates(key))
    notes.append(
        f"{n_posts:,} post(s) have one row per day (the 'Date' column, {first} to {last}): "
        "their views, reactions, clicks and other counts are added up over those days, "
        "and their reach is the largest day's (people reached on several days count "
        "once; the reach over the days is at least that, so an engagement rate by reach "
        "of such a post is at most the one shown). Days of these posts in other "
        "imports are added too, each day once; days not imported are not in these "
        "figures: for lifetime figures, export with 'Lifetime' in place of days."
    )
    return out.take(pa.array(order)).drop_columns(["_order"]), daily


def _one_row_per_post_with_days(posts: pa.Table, daily: pa.Table) -> pa.Table:
    """The last row of each post with days: its figures come from the days (on import)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    def keys(t: pa.Table) -> pa.Array:
        parts = [t[k].cast(pa.string()).fill_null("") for k in ("platform", "account", "post_id")]
        return pc.binary_join_element_wise(*parts, "\x1f")

    key = keys(posts).to_pylist()
    with_days = set(keys(daily).to_pylist())
    last = {k: i for i, k in enumerate(key) if k in with_days}
    keep = [k not in with_days or last[k] == i for i, k in enumerate(key)]
    return posts if all(keep) else posts.filter(pa.array(np.array(keep, dtype=bool)))


def _day_rows(rows: pa.Table, days: pa.Array) -> pa.Table:
    """The posts' days in ``post_daily``'s long form: one row per post, day and figure."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from socialproof.ingest.base import LINE_COLUMN

    day = (
        days.cast(pa.timestamp("us")).cast(pa.date32()) if not pa.types.is_date(days.type) else days
    )
    parts = []
    for metric in (*ADDITIVE, "reach"):
        if metric not in rows.column_names:
            continue
        values = rows[metric]
        columns = {
            "platform": rows["platform"],
            "account": rows["account"],
            "post_id": rows["post_id"],
            "date": day,
            "metric": pa.array([metric] * rows.num_rows, pa.string()),
            "value": values.cast(pa.float64()),
        }
        if LINE_COLUMN in rows.column_names:
            columns[LINE_COLUMN] = rows[LINE_COLUMN]
        parts.append(pa.table(columns).filter(pc.is_valid(values)))
    return A.concat(parts) if parts else pa.table({})


# --------------------------------------------------------------------------- legacy XLSX


def _legacy_labels(frame: Frame) -> tuple[list[str], int] | None:
    """(the other name row, data rows to skip) of a legacy Post Level export, else None.

    Seen shapes: API names then human labels (either order), or human labels then a
    row of descriptions ("Lifetime: The number of people who...").
    """
    first = (
        [str(v or "") for v in frame.data.slice(0, 1).to_pylist()[0].values()]
        if frame.data.num_rows
        else []
    )
    header_api = sum(":lifetime" in h.lower() for h in frame.header)
    first_api = sum(":lifetime" in v.lower() for v in first)
    if header_api >= 3 or first_api >= 3:
        return first, 1
    labels = sum(h.strip().lower().startswith("lifetime ") for h in frame.header)
    if labels >= 2 and any(normalize_header(h) == "post id" for h in frame.header):
        described = sum(v.strip().lower().startswith("lifetime:") for v in first) >= 2
        return list(frame.header), (1 if described else 0)
    return None


class FacebookInsightsLegacyFormat(Format):
    name = "facebook-insights-legacy"
    label = "Facebook Insights Data Export (Post Level), legacy XLSX"
    tables = ("posts",)
    required = (("Post ID",), ("Posted", "created_time"))
    kinds = ("xlsx", "xls", "csv")

    def detect(self, source: Source) -> float:
        for frame in source.frames:
            found = _legacy_labels(frame)
            if found is None:
                continue
            names = {normalize_header(n) for n in [*frame.header, *found[0]]}
            if "post id" in names or "post_id" in names:
                return 0.95
        return 0.0

    def read(self, source: Source, ctx: ReadContext) -> ReadResult:
        tables, rejects, notes, n = [], [], [], 0
        for frame in source.frames:
            found = _legacy_labels(frame)
            if found is None:
                continue
            other, skip = found
            t, r, nt = _read_legacy(frame, other, skip, ctx)
            tables.append(t)
            rejects.extend(r)
            notes.extend(nt)
            n += frame.data.num_rows - skip
            break  # the first sheet has the lifetime totals; the others break them down
        return ReadResult({"posts": A.concat(tables)} if tables else {}, n, rejects, notes)


def _read_legacy(
    frame: Frame, other: list[str], skip: int, ctx: ReadContext
) -> tuple[pa.Table, list[Reject], list[str]]:
    from socialproof.ingest.base import Frame as F

    other = other or list(frame.header)  # a header-only file has no second name row
    # rename each column to its human label when the header row holds API names
    header_is_api = sum(":lifetime" in h.lower() for h in frame.header) >= 3 and other != list(
        frame.header
    )
    names = list(frame.header)
    aliases = {h: (o if header_is_api else h) for h, o in zip(frame.header, other, strict=False)}
    api_of = {h: (h if header_is_api else o) for h, o in zip(frame.header, other, strict=False)}
    data = frame.data.slice(skip)
    lines = frame.line_numbers[skip:] if frame.line_numbers else None
    # columns renamed '<label>' with the API name kept reachable as a second alias table
    renamed = [aliases.get(h) or h for h in names]
    seen: dict[str, int] = {}
    unique = []
    for r in renamed:
        seen[r] = seen.get(r, 0) + 1
        unique.append(r if seen[r] == 1 else f"{r} ({seen[r]})")
    sub = F(header=unique, data=data.rename_columns(unique), line_numbers=lines, sheet=frame.sheet)
    rows = A.Rows(sub, "posts", ctx)
    rows.const("platform", "facebook")
    rows.text("post_id", ("Post ID", "post_id", "id"))
    rows.require("post_id", "post id")
    rows.timestamp("published_at", ("Posted", "created_time"))
    rows.require("published_at", "publish time")
    rows.text("permalink", ("Permalink",))
    rows.text("text", ("Post Message", "message"))
    ptype = rows.raw(("Type", "type"))
    if ptype is not None:
        import pyarrow as pa

        rows.set("format", pa.array(post_format(ptype.to_pylist()), pa.string()))
    rows.const("account", ctx.account or "")
    label_by_api = {normalize_header(api_of[h]): u for h, u in zip(names, unique, strict=False)}
    for target, (api, label) in LEGACY.items():
        col = label_by_api.get(normalize_header(api))
        rows.number(target, (col,) if col else (label,))
    table, rejects = rows.finish()
    return (
        table,
        rejects,
        [*rows.notes, "Read the legacy Post Level export (lifetime totals sheet)."],
    )
