"""A starting YAML mapping for a file no format knows (``socialproof mapping new FILE``).

The file's headers are compared with the canonical columns of each table the
generic importer writes (their names and the names the platforms' exports give
them); the table with the most matches is chosen, each guess is written with the
header it came from, and what is still needed is left as a commented TODO. The
result loads with :func:`socialproof.ingest.generic.load_mapping` as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from socialproof.errors import BadInput

if TYPE_CHECKING:
    from pathlib import Path

    from socialproof.ingest.base import Source

#: canonical column -> other names a header may give it (the column's own name counts too)
_SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "posts": {
        "post_id": ("id", "post id", "tweet id", "video id", "media id", "update id", "content id"),
        "published_at": (
            "date",
            "time",
            "posted",
            "posted on",
            "publish time",
            "published",
            "created at",
            "created time",
            "timestamp",
            "post date",
        ),
        "account": ("account", "username", "handle", "page", "page name", "channel", "author"),
        "platform": ("platform", "network", "source", "channel type"),
        "title": ("title", "headline", "video title"),
        "text": (
            "text",
            "message",
            "caption",
            "body",
            "content",
            "description",
            "post text",
            "toot text",
            "tweet text",
        ),
        "permalink": ("url", "link", "permalink", "post link", "post url"),
        "format": ("type", "post type", "media type", "format", "content type"),
        "impressions": ("impressions", "impr", "impr.", "impression"),
        "reach": ("reach", "unique impressions", "people reached"),
        "views": ("views", "plays", "video views"),
        "reactions": ("likes", "reactions", "favorites", "favourites", "hearts"),
        "comments": ("comments", "replies"),
        "shares": ("shares", "retweets", "reposts", "boosts", "reblogs"),
        "saves": ("saves", "bookmarks", "saved"),
        "clicks": ("clicks", "total clicks"),
        "engagements": ("engagements", "interactions", "engagement"),
    },
    "account_daily": {
        "date": ("date", "day", "time"),
        "metric": ("metric", "measure", "kpi"),
        "value": ("value", "count", "total", "primary"),
        "account": ("account", "username", "handle", "page"),
        "platform": ("platform", "network", "source"),
    },
    "ad_stats": {
        "campaign": ("campaign", "campaign name", "campaign.name"),
        "ad_set": (
            "ad set",
            "ad group",
            "adset",
            "ad set name",
            "ad group name",
            "ad squad",
            "ad squad name",
        ),
        "ad": ("ad", "ad name", "creative"),
        "date_start": (
            "date",
            "day",
            "by day",
            "segments.date",
            "start date",
            "start date (in utc)",
            "reporting starts",
            "time period",
            "start time",
        ),
        "date_stop": ("end date", "reporting ends", "end time"),
        "spend": ("spend", "spent", "cost", "amount spent", "total spent", "metrics.cost micros"),
        "impressions": ("impressions", "impr", "impr.", "metrics.impressions", "paid impressions"),
        "reach": ("reach",),
        "clicks": ("clicks", "clicks (all)"),
        "link_clicks": (
            "link clicks",
            "clicks (destination)",
            "landing page clicks",
            "outbound clicks",
            "swipe ups",
        ),
        "results": ("results", "conversions", "total conversion", "metrics.conversions"),
        "purchases": ("purchases",),
        "purchase_value": (
            "revenue",
            "conversion value",
            "conv. value",
            "conversions value",
            "total conversion value",
            "purchase value",
            "total purchase value",
            "purchases value",
            "metrics.conversions value",
        ),
        "currency": ("currency", "currency code", "customer.currency code"),
        "account": ("account", "account name", "advertiser"),
        "platform": ("platform", "network", "source"),
    },
    "messages": {
        "message_id": ("id", "message id", "tweet id", "comment id"),
        "created_at": ("date", "time", "created at", "timestamp", "sent at"),
        "author_id": ("author", "author id", "user", "username", "from", "sender", "screen name"),
        "inbound": ("direction", "inbound", "is inbound", "incoming"),
        "is_brand": (
            "author role",
            "role",
            "sender role",
            "sender type",
            "author type",
            "is brand",
        ),
        "thread_id": ("thread id", "conversation id", "ticket id", "thread", "conversation"),
        "text": ("text", "body", "message", "content", "comment"),
        "parent_id": (
            "parent id",
            "in reply to",
            "reply to",
            "in response to",
            "in reply to id",
            "replied to",
            "replied to comment id",
            "reply to comment id",
            "parent comment id",
            "parent message id",
            "in reply to comment id",
            "thread ts",
        ),  # fmt: skip
        "platform": ("platform", "network", "source"),
    },
    "job_postings": {
        "title": ("title", "job title", "position", "role"),
        "company": ("company", "employer", "organisation", "organization"),
        "location": ("location", "city", "place"),
        "salary_text": ("salary", "pay", "compensation"),
        "url": ("url", "link", "job url"),
        "description": ("description", "body", "text", "details"),
        "posted_at": ("date", "posted", "posted on", "date posted"),
    },
}
#: columns a table cannot do without, said in the TODO lines (and asked for by the workbench)
NEEDED: dict[str, tuple[str, ...]] = {
    "posts": ("post_id", "published_at", "platform", "account"),
    "account_daily": ("date", "metric", "value", "platform", "account"),
    "ad_stats": ("date_start", "date_stop", "platform", "account"),
    "messages": ("message_id", "created_at", "text", "platform"),
    "job_postings": ("title",),
}
#: constants a user usually sets, with an example value
_CONSTANT_EXAMPLES = {"platform": "mastodon", "account": "acme", "metric": "followers"}


@dataclass
class Draft:
    table: str
    guesses: dict[str, str]  # canonical column -> header
    unmapped: list[str]  # headers left out
    todo: list[str] = field(default_factory=list)  # needed columns with no guess
    yaml: str = ""


def _norm(text: str) -> str:
    text = text.replace("\ufeff", "").strip().strip('"').casefold()
    text = re.sub(r"\s*\((?:[a-z]{3})\)\s*$", "", text)
    return re.sub(r"[\s_\-]+", " ", text).strip()


def guess(table: str, headers: list[str]) -> dict[str, str]:
    """Canonical column of ``table`` -> the header of ``headers`` that looks like it."""
    from socialproof.workspace.schema import CANONICAL

    columns = [c for c in CANONICAL[table].columns if c != "import_id"]
    names = {
        c: {_norm(c), *(_norm(s) for s in _SYNONYMS.get(table, {}).get(c, ()))} for c in columns
    }
    out: dict[str, str] = {}
    used: set[str] = set()
    # exact names first (a column called 'reach' is reach), then synonyms in column order
    for exact in (True, False):
        for column in columns:
            if column in out:
                continue
            for header in headers:
                if header in used:
                    continue
                h = _norm(header)
                if (exact and h == _norm(column)) or (not exact and h in names[column]):
                    out[column] = header
                    used.add(header)
                    break
    return out


def _one_date_column(table: str, guesses: dict[str, str]) -> None:
    """An ads file's one date column gives both ends: a day per row ('Day', 'By Day'), or
    a range per cell ('Time period': the importer reads 'a - b' into both)."""
    if table == "ad_stats" and "date_start" in guesses and "date_stop" not in guesses:
        if _norm(guesses["date_start"]) not in ("start date", "reporting starts"):
            guesses["date_stop"] = guesses["date_start"]


def source_headers(source: Source) -> list[str]:
    """The headers of the largest table of ``source``, as a mapping sees them."""
    frames = [f for f in source.frames if f.header]
    if not frames:
        raise BadInput(f"{source.display_name} has no header row to map.", hint="Check the file.")
    frame = max(frames, key=lambda f: f.data.num_rows)
    return [h for h in frame.header if not h.startswith("Unnamed column")]


def best_table(headers: list[str], tables: list[str] | None = None) -> str:
    """The table (of ``tables``, default every table a mapping fills) with the most columns
    ``headers`` look like; the first one when none looks like any."""
    from socialproof.ingest.generic import WRITABLE_TABLES

    tables = tables or list(WRITABLE_TABLES)
    scored = [(len(guess(t, headers)), -k, t) for k, t in enumerate(tables)]
    return max(scored)[2]


def draft_mapping(path: Path, *, table: str | None = None) -> Draft:
    """The mapping a user starts from for ``path`` (``table`` forces the canonical table)."""
    from socialproof.ingest.generic import WRITABLE_TABLES

    if table is not None and table not in WRITABLE_TABLES:
        raise BadInput(
            f"--table must be one of {', '.join(WRITABLE_TABLES)} (got {table!r}).",
            hint="Leave it out to let socialproof guess from the headers.",
        )
    from socialproof.ingest.sources import open_source

    source = open_source(path)
    display_name, headers = source.display_name, source_headers(source)
    best = best_table(headers, [table] if table else None)
    guesses = guess(best, headers)
    _one_date_column(best, guesses)
    if not guesses:
        raise BadInput(
            f"None of the columns of {display_name} ({', '.join(headers[:8])}) looks "
            "like a column socialproof knows.",
            hint="Write the mapping by hand: see 'socialproof import --help' (--mapping).",
        )
    draft = Draft(best, guesses, [h for h in headers if h not in guesses.values()])
    draft.todo = [c for c in NEEDED.get(best, ()) if c not in guesses]
    draft.yaml = _render(draft, display_name)
    return draft


def _render(draft: Draft, name: str) -> str:
    import json

    def quote(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML string

    lines = [
        f"# A starting mapping for {name}, written by 'socialproof mapping new'.",
        "# Check each guess, set what is marked TODO, then import with:",
        "#   socialproof import FILE --mapping THIS_FILE",
        f"table: {draft.table}",
        "columns:                     # canonical column: the file's column",
    ]
    lines += [f"  {column}: {quote(header)}" for column, header in draft.guesses.items()]
    for column in draft.todo:
        if column not in _CONSTANT_EXAMPLES:
            lines.append(f"  # {column}: TODO            # no column looked like it: name one")
    constants = [c for c in draft.todo if c in _CONSTANT_EXAMPLES]
    if constants:
        lines.append("constants:                   # the same value on every row")
        lines += [
            f"  # {c}: {_CONSTANT_EXAMPLES[c]}          # TODO: set it"
            + (f" (or pass --{c})" if c in ("platform", "account") else "")
            for c in constants
        ]
    if draft.unmapped:
        lines.append("# columns not mapped (add any you want to keep):")
        lines += [f"#   {quote(h)}" for h in draft.unmapped]
    return "\n".join(lines) + "\n"
