"""Facebook / Instagram single-metric daily files ("Reach.csv", "Follows.csv") -> ``account_daily``.

Meta Business Suite writes one metric per file: UTF-16LE with a byte-order
mark, a ``sep=,`` line, a title line naming the metric ("Reach", "Instagram
profile visits"), then ``Date,Primary``. The machinery strips the encoding and
the ``sep=`` line; this format names the metric from the title, and the
platform from what the file says (the title's "Facebook" / "Instagram" / "Page",
links), never by default. The
multi-section "Audience.csv" (age and gender, top cities, top countries) is
recognised too; it carries no dates, so it is reported, not stored.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from socialproof.ingest import _aliases as A
from socialproof.ingest.base import Format, ReadContext, ReadResult, Reject, Source

if TYPE_CHECKING:
    import pyarrow as pa

    from socialproof.ingest.base import Frame

DATE = ("Date", "Fecha")
PRIMARY = ("Primary", "Principal", "Value")

# title words -> canonical metric names used in account_daily
METRICS = [
    (r"profile (visits|views)|page visits|visits|visitas", "profile_views"),
    (r"new follow|follows|seguidores nuevos", "follows"),
    (r"unfollow", "unfollows"),
    (r"follower", "followers"),
    (r"reach|alcance", "reach"),
    (r"impressions|impresiones", "impressions"),
    (r"link clicks|clics en el enlace", "link_clicks"),
    (r"interactions|interacciones|engagement", "interactions"),
    (r"views|visualizaciones", "views"),
]
_AUDIENCE = r"(?i)\b(age|gender|cities|countries|city|country|edad|sexo|ciudades|países)\b"


def metric_from_title(title: str) -> str:
    low = title.strip().lower()
    for pattern, name in METRICS:
        if re.search(pattern, low):
            return name
    cleaned = re.sub(r"\b(instagram|facebook|page|daily|total)\b", " ", low)
    return A.snake(cleaned) or "value"


# what names a platform inside the file: its name, its links; a "Page" is Facebook's
_STRONG = {
    "facebook": r"(?i)\bfacebook\b|facebook\.com|\bfb\.(?:com|me)\b",
    "instagram": r"(?i)\binstagram\b|instagram\.com|instagr\.am",
}
_WEAK = {"facebook": r"(?i)\bpages?\b|\bpágina\b"}


def platform_from_content(source: Source, frame: Frame, ctx: ReadContext) -> str:
    """Facebook or Instagram, from what the file says (title rows, links); never assumed.

    Business Suite writes the same ``Date,Primary`` layout for both platforms, so
    a file that names neither (a bare "Views" title) is refused with the choice
    to make rather than filed under the wrong platform.
    """
    from socialproof.errors import BadExport

    if ctx.platform:
        return ctx.platform.lower()
    texts = [*frame.title_lines, *frame.header]
    for f in source.frames:
        texts.extend(f.title_lines)
    said = {name for name, rx in _STRONG.items() if any(re.search(rx, t) for t in texts)}
    if not said:
        said = {name for name, rx in _WEAK.items() if any(re.search(rx, t) for t in texts)}
    if len(said) == 1:
        return said.pop()
    why = "names both" if said else "names neither in its title rows"
    raise BadExport(
        f"{source.display_name} does not say whether it holds Facebook or Instagram figures "
        f"(it {why}).",
        hint="Import it again with --platform facebook or --platform instagram.",
    )


def _is_metric_frame(frame: Frame) -> bool:
    names = [A.snake(h) for h in frame.header]
    return len(names) >= 2 and A.has(frame, DATE) and A.has(frame, PRIMARY) and len(names) <= 4


def _has_values(frame: Frame) -> bool:
    """Any non-empty cell: a file with no figures needs no platform (it stores nothing)."""
    return any(v and str(v).strip() for col in frame.data.columns for v in col.to_pylist())


class MetaMetricFormat(Format):
    name = "meta-metric"
    label = "Facebook / Instagram single-metric daily file (Date, Primary)"
    tables = ("account_daily",)
    required = (DATE, PRIMARY)
    kinds = ("csv", "xlsx")

    def detect(self, source: Source) -> float:
        if any(_is_metric_frame(f) for f in source.frames):
            titled = any(f.title_lines for f in source.frames if _is_metric_frame(f))
            return 0.95 if titled else 0.75
        titles = [t for f in source.frames for t in f.title_lines]
        if len(source.frames) >= 2 and sum(bool(re.search(_AUDIENCE, t)) for t in titles) >= 2:
            return 0.7  # Audience.csv
        return 0.0

    def read(self, source: Source, ctx: ReadContext) -> ReadResult:
        tables: list[pa.Table] = []
        rejects: list[Reject] = []
        notes: list[str] = []
        n = 0
        for frame in source.frames:
            if not _is_metric_frame(frame):
                continue
            title = next((t for t in reversed(frame.title_lines) if t.strip()), "")
            metric = metric_from_title(title) if title else "value"
            if not title:
                notes.append("The file has no title naming its metric; stored as 'value'.")
            platform = (
                platform_from_content(source, frame, ctx) if _has_values(frame) else "unknown"
            )
            t, r, nt, _ = A.to_long(
                frame,
                ctx,
                platform=platform,
                date_aliases=DATE,
                metrics={metric: PRIMARY},
                account=ctx.account or "",
                counts=True,
                date_kw={"timezone": ctx.timezone},
            )
            n += frame.data.num_rows
            if t.num_columns:
                tables.append(t)
            rejects.extend(r)
            notes.extend(nt)
        if not tables and n == 0:
            sections = [t for f in source.frames for t in f.title_lines]
            notes.append(
                "Audience breakdowns ("
                + ", ".join(sections[:4])
                + ") have no dates; socialproof does not store them yet."
            )
        out = {"account_daily": A.concat(tables)} if tables else {}
        return ReadResult(out, n, rejects, list(dict.fromkeys(notes)))
