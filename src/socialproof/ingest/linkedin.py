"""LinkedIn page analytics exports (XLS/XLSX) -> ``posts`` and ``account_daily``.

A LinkedIn page export is a workbook whose sheets each start with a
description row above the header (the machinery keeps it in
``Frame.title_lines``):

* content ("All posts"): Post title (older: Update title), Post link, Post type,
  Posted by, Created date, Impressions, Views, Clicks, Click through rate (CTR),
  Likes, Comments, Reposts (Shares), Follows, Engagement rate, Content Type;
* metric sheets ("Metrics", "Visitor metrics"): Date plus columns with
  (organic) / (sponsored) / (total) suffixes, stored as daily series
  (``impressions_organic``, ``impressions`` for the total...);
* followers ("New followers"): Date, Sponsored / Organic / Auto-invited /
  Total followers (new followers per day).

Demographic sheets (location, job function, seniority...) have no dates and
are listed in the notes, not stored.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from socialproof.ingest import _aliases as A
from socialproof.ingest.base import Format, ReadContext, ReadResult, Reject, Source

if TYPE_CHECKING:
    import pyarrow as pa

    from socialproof.ingest.base import Frame

TITLE = ("Post title", "Update title", "Título de la publicación")
LINK = ("Post link", "Update link", "Enlace de la publicación")
CREATED = ("Created date", "Date", "Fecha de creación", "Posted date")
DATE = ("Date", "Fecha")
POST_NUMBERS: dict[str, A.Aliases] = {
    "impressions": ("Impressions", "Impresiones"),
    "views": ("Views (excluding off-site video views)", "Views", "Video views"),
    "clicks": ("Clicks", "Clics"),
    "reactions": ("Likes", "Reactions", "Recomendaciones"),
    "comments": ("Comments", "Comentarios"),
    "shares": ("Reposts", "Shares", "Veces compartido"),
    "follows": ("Follows", "Seguimientos"),
}
POST_TEXTS: dict[str, A.Aliases] = {
    "campaign": ("Campaign name", "Nombre de la campaña"),
}
POSTED_BY = ("Posted by", "Published by", "Publicado por")
POST_TYPE = ("Content Type", "Content type", "Post type")
PAID = ("Post type",)  # 'Organic' / 'Sponsored'
ENGAGEMENT_RATE = ("Engagement rate", "Tasa de interacción")
SUFFIX = re.compile(
    r"\((organic|sponsored|total|desktop|mobile|orgánico|patrocinado)\)\s*$", re.IGNORECASE
)
FOLLOWERS: dict[str, A.Aliases] = {
    "follower_change": ("Total followers", "Total de seguidores"),
    "follower_change_organic": ("Organic followers", "Seguidores orgánicos"),
    "follower_change_sponsored": ("Sponsored followers", "Seguidores patrocinados"),
    "follower_change_auto_invited": ("Auto-invited followers",),
}


LINKEDIN_ONLY: tuple[A.Aliases, ...] = (
    ("Engagement rate",),
    ("Click through rate (CTR)", "Click-through rate (CTR)"),
    POSTED_BY,
    ("Content Type",),
    ("Audience",),
    ("Post title", "Update title"),
    ("Campaign start date",),
)


def _is_content(frame: Frame) -> bool:
    # identity (a title or link, and its date) and at least one metric the user kept
    metrics = tuple(a for aliases in POST_NUMBERS.values() for a in aliases)
    if not (A.has(frame, TITLE + LINK) and A.has(frame, CREATED) and A.has(frame, metrics)):
        return False
    return sum(A.has(frame, g) for g in LINKEDIN_ONLY) >= 2


def _metric_columns(frame: Frame) -> dict[str, str]:
    """Daily metric sheet columns -> metric names ('Impressions (organic)' -> impressions_organic)."""
    if not A.has(frame, DATE):
        return {}
    out: dict[str, str] = {}
    for h in frame.header:
        m = SUFFIX.search(h)
        if m:
            base = A.snake(SUFFIX.sub("", h))
            kind = {"orgánico": "organic", "patrocinado": "sponsored"}.get(
                m.group(1).lower(), m.group(1).lower()
            )
            out[h] = base if kind == "total" else f"{base}_{kind}"
    return out


def _is_followers(frame: Frame) -> bool:
    return A.has(frame, DATE) and sum(A.has(frame, a) for a in FOLLOWERS.values()) >= 2


#: 'Organization: Acme Corp' (or Company, Page, ... name) in a title row
_NAMED = re.compile(
    r"(?i)^\s*(?:organi[sz]ation|company(?: page)?|page|organizaci[oó]n|empresa|p[aá]gina)"
    r"(?: name| de la empresa)?\s*[:\-\u2013\u2014]\s*(?P<name>\S.*?)\s*$"
)
#: title rows that name the sheet, not the organisation
_NOT_NAMES = frozenset(
    {"all posts", "content", "posts", "updates", "metrics", "visitors", "followers"}
    | {"new followers", "page analytics", "linkedin", "linkedin page analytics"}
)


def organisation(frames: list[Frame]) -> str:
    """The organisation a page export names in its title rows ('Acme Corp', or
    'Organization: Acme Corp' above the header), or '' when they name none or several.

    A description (a sentence, a link, a 'Name: value' line of another kind) is not a
    name; neither is a title repeating the sheet's name ('All posts').
    """
    found: dict[str, str] = {}
    for frame in frames:
        for line in frame.title_lines:
            text = " ".join(line.replace("\u00a0", " ").split()).strip(' ,;"')
            named = _NAMED.match(text)
            if named:
                name = named.group("name").strip(' ,;"')
            elif (
                ":" in text
                or "://" in text
                or "www." in text.lower()
                or text.endswith((".", "!", "?", ")"))
                or len(text) > 80
                or len(text.split()) > 6
                or not re.search(r"[^\W\d_]", text)
                or text.casefold() in _NOT_NAMES
                or text.casefold() == (frame.sheet or "").strip().casefold()
            ):
                continue
            else:
                name = text
            if name:
                found.setdefault(name.casefold(), name)
    return next(iter(found.values())) if len(found) == 1 else ""


def _post_id(
    links: list[str | None], titles: list[str | None], times: list[str | None]
) -> list[str | None]:
    """The post's id in its link; without a link, its time and title (two posts may share
    a title: the time tells them apart)."""
    out: list[str | None] = []
    for link, title, when in zip(links, titles, times, strict=True):
        m = re.search(r"urn:li:(?:activity|ugcPost|share):(\d+)", link or "")
        if m:
            out.append(m.group(1))
        elif link and link.strip():
            out.append(link.strip())
        elif title and title.strip():
            out.append(f"{when} {title.strip()}" if when else None)
        else:
            out.append(None)
    return out


class LinkedInContentFormat(Format):
    name = "linkedin"
    label = "LinkedIn page analytics export (content, metrics, followers)"
    tables = ("posts", "account_daily")
    required = (TITLE + LINK, CREATED)
    kinds = ("xls", "xlsx", "csv")

    def detect(self, source: Source) -> float:
        best = 0.0
        for frame in source.frames:
            if _is_content(frame):
                optional = (
                    ENGAGEMENT_RATE,
                    POSTED_BY,
                    ("Click through rate (CTR)",),
                    POST_TYPE,
                    LINK,
                )
                s = A.score(frame, self.required, optional)
                links = A.find(frame, LINK)
                if links is not None:
                    sample = " ".join(
                        str(v) for v in frame.data.column(links).slice(0, 20).to_pylist()
                    )
                    if "linkedin.com" in sample:
                        s = max(s, 0.95)
                best = max(best, s)
            elif len(_metric_columns(frame)) >= 3:
                best = max(best, 0.85)
            elif _is_followers(frame):
                best = max(best, 0.8)
        return best

    def read(self, source: Source, ctx: ReadContext) -> ReadResult:
        parts = A.Parts()
        skipped: list[str] = []
        # the file has no account column: its title rows may name the organisation
        # (two pages' exports are then two accounts); --account names it otherwise
        account = ctx.account or organisation(source.frames)
        if account and not ctx.account:
            parts.notes.append(
                f"The account is the organisation the file's title row names ({account!r}); "
                "to name it otherwise, import again with --account NAME."
            )
        for frame in source.frames:
            if _is_content(frame):
                parts.add(frame, "posts", _read_content(frame, ctx, account))
            elif (cols := _metric_columns(frame)) and len(cols) >= 3:
                metrics: dict[str, A.Aliases] = {m: (h,) for h, m in cols.items()}
                parts.add(
                    frame,
                    "account_daily",
                    A.to_long(
                        frame,
                        ctx,
                        platform="linkedin",
                        date_aliases=DATE,
                        metrics=metrics,
                        account=account,
                    ),
                )
            elif _is_followers(frame):
                parts.add(
                    frame,
                    "account_daily",
                    A.to_long(
                        frame,
                        ctx,
                        platform="linkedin",
                        date_aliases=DATE,
                        metrics=FOLLOWERS,
                        account=account,
                        counts=True,
                    ),
                )
            else:
                skipped.append(frame.sheet or f"section {frame.section + 1}")
        if skipped:
            parts.notes.append(
                f"Sheets without daily or per-post data were not stored: {', '.join(skipped)}."
            )
        return parts.result()


def _read_content(
    frame: Frame, ctx: ReadContext, account: str
) -> tuple[pa.Table, list[Reject], list[str]]:
    import pyarrow as pa
    import pyarrow.compute as pc

    rows = A.Rows(frame, "posts", ctx)
    rows.const("platform", "linkedin")
    title = rows.text("title", TITLE)
    link = rows.text("permalink", LINK)
    if title is not None:
        rows.set("text", title)
    n = rows.n
    published = rows.timestamp("published_at", CREATED)
    rows.set(
        "post_id",
        pa.array(
            _post_id(
                link.to_pylist() if link is not None else [None] * n,
                title.to_pylist() if title is not None else [None] * n,
                pc.strftime(published, format="%Y-%m-%d %H:%M").to_pylist()
                if published is not None
                else [None] * n,
            ),
            pa.string(),
        ),
    )
    rows.require("post_id", "post link or title")
    rows.require("published_at", "created date")
    rows.const("account", account)
    ctype = rows.raw(POST_TYPE)
    if ctype is not None:
        from socialproof.ingest.meta_posts import post_format

        rows.set("format", pa.array(post_format(ctype.to_pylist()), pa.string()))
    kind = rows.raw(("Post type",))
    if kind is not None and A.find(frame, ("Content Type",)) is not None:
        low = pc.utf8_lower(pc.utf8_trim_whitespace(kind))
        paid = pc.match_substring_regex(low, "sponsor|paid|promot")
        rows.set("is_paid", pc.if_else(pc.equal(low, ""), None, paid))
    for target, aliases in POST_TEXTS.items():
        rows.text(target, aliases)
    for target, aliases in POST_NUMBERS.items():
        rows.number(target, aliases)
    # LinkedIn writes engagement rate as a fraction (0.0523), or with a % sign
    rows.number("reported_engagement_rate", ENGAGEMENT_RATE)
    table, rejects = rows.finish()
    return table, rejects, rows.notes


# --------------------------------------------------------------------------- creator export

_TOTAL_FOLLOWERS = re.compile(r"(?i)^total followers on\s+(.+?):?\s*$")


def _is_top_posts(frame: Frame) -> bool:
    return A.has(frame, ("Post URL",)) and A.has(frame, ("Post publish date",))


def _is_followers_total(frame: Frame) -> bool:
    return bool(frame.header) and bool(_TOTAL_FOLLOWERS.match(frame.header[0]))


def _is_overall(frame: Frame) -> bool:
    return bool(frame.header) and frame.header[0].strip().lower() == "overall performance"


class LinkedInCreatorFormat(Format):
    """A member's (creator's) own analytics export: DISCOVERY, ENGAGEMENT, TOP POSTS, FOLLOWERS."""

    name = "linkedin-creator"
    label = "LinkedIn creator (personal profile) analytics export"
    tables = ("posts", "account_daily")
    required = (("Post URL",), ("Post publish date",))
    kinds = ("xlsx", "xls")

    def detect(self, source: Source) -> float:
        signs = sum(
            any(test(f) for f in source.frames)
            for test in (_is_top_posts, _is_followers_total, _is_overall)
        )
        return {0: 0.0, 1: 0.75}.get(signs, 0.95)

    def read(self, source: Source, ctx: ReadContext) -> ReadResult:

        from socialproof.ingest.base import Frame as F

        account = ctx.account or ""
        daily: list[pa.Table] = []
        posts: list[pa.Table] = []
        rejects: list[Reject] = []
        notes: list[str] = []
        skipped: list[str] = []
        n = 0
        for frame in source.frames:
            if _is_top_posts(frame):
                t, r = _top_posts(frame, ctx)
                posts.append(t)
            elif _is_followers_total(frame):
                total = _followers_total(frame, account)
                if total is not None:
                    daily.append(total)
                rows = frame.data.to_pylist()
                if not rows:
                    continue
                header = [str(v or "") for v in rows[0].values()]
                inner = F(
                    header=header,
                    data=frame.data.slice(1).rename_columns(header),
                    line_numbers=(frame.line_numbers or [])[1:] or None,
                    sheet=frame.sheet,
                )
                t, r, nt, _ = A.to_long(
                    inner,
                    ctx,
                    platform="linkedin",
                    date_aliases=DATE,
                    metrics={"follower_change": ("New followers",)},
                    account=account,
                    counts=True,
                )
                if t.num_columns:
                    daily.append(t)
                notes.extend(nt)
            elif A.has(frame, DATE) and A.has(frame, ("Engagements",)):
                t, r, nt, _ = A.to_long(
                    frame,
                    ctx,
                    platform="linkedin",
                    date_aliases=DATE,
                    metrics={"impressions": ("Impressions",), "engagements": ("Engagements",)},
                    account=account,
                    counts=True,
                )
                if t.num_columns:
                    daily.append(t)
                notes.extend(nt)
            else:
                skipped.append(frame.sheet or f"section {frame.section + 1}")
                continue
            n += frame.data.num_rows
            rejects.extend(r)
        if skipped:
            notes.append(
                f"Sheets without daily or per-post data were not stored: {', '.join(skipped)}."
            )
        tables: dict[str, pa.Table] = {}
        if posts:
            tables["posts"] = A.concat(posts)
        if daily:
            tables["account_daily"] = A.concat([d.select(daily[0].column_names) for d in daily])
        return ReadResult(tables, n, rejects, list(dict.fromkeys(notes)))


def _followers_total(frame: Frame, account: str) -> pa.Table | None:
    import pyarrow as pa

    from socialproof.ingest.parse import parse_dates, parse_numbers

    m = _TOTAL_FOLLOWERS.match(frame.header[0])
    if not m or len(frame.header) < 2:
        return None
    day = parse_dates([m.group(1)]).values
    value = parse_numbers([frame.header[1]]).values
    if day.null_count or value.null_count:
        return None
    return pa.table(
        {
            "platform": pa.array(["linkedin"], pa.string()),
            "account": pa.array([account], pa.string()),
            "date": day,
            "metric": pa.array(["followers"], pa.string()),
            "value": value,
        }
    )


def _top_posts(frame: Frame, ctx: ReadContext) -> tuple[pa.Table, list[Reject]]:
    """Two side-by-side lists (by engagements, by impressions) merged into one row per post."""
    import pyarrow as pa

    from socialproof.ingest.base import Frame as F

    merged: dict[str, dict[str, str]] = {}
    lines: dict[str, int] = {}
    line_numbers = frame.line_numbers or list(range(2, frame.data.num_rows + 2))
    blocks = ("", " (2)")
    for k, row in enumerate(frame.data.to_pylist()):
        for suffix in blocks:
            url = (row.get(f"Post URL{suffix}") or "").strip()
            if not url:
                continue
            entry = merged.setdefault(url, {"Post URL": url})
            entry.setdefault("Post publish date", row.get(f"Post publish date{suffix}") or "")
            # the left list carries engagements, the right one impressions
            column = "Engagements" if not suffix else "Impressions"
            if row.get(column):
                entry[column] = row[column]
            lines.setdefault(url, line_numbers[k])
    header = ["Post URL", "Post publish date", "Engagements", "Impressions"]
    data = pa.table(
        {h: pa.array([e.get(h, "") for e in merged.values()], pa.string()) for h in header}
    )
    inner = F(header=header, data=data, line_numbers=list(lines.values()), sheet=frame.sheet)
    rows = A.Rows(inner, "posts", ctx)
    rows.const("platform", "linkedin")
    rows.const("account", ctx.account or "")
    link = rows.text("permalink", ("Post URL",))
    urls = link.to_pylist() if link is not None else []
    rows.set(
        "post_id", pa.array(_post_id(urls, [None] * len(urls), [None] * len(urls)), pa.string())
    )
    rows.timestamp("published_at", ("Post publish date",))
    rows.require("published_at", "post publish date")
    rows.number("engagements", ("Engagements",))
    rows.number("impressions", ("Impressions",))
    table, rejects = rows.finish()
    return table, rejects
