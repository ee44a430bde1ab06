"""Facebook / Instagram single-metric daily files ("Reach.csv", "Follows.csv") -> ``account_daily``.

Meta Business Suite writes one metric per file: UTF-16LE with a byte-order
mark, a ``sep=,`` line, a title line naming the metric ("Reach", "Instagram
profile visits"), then ``Date,Primary``. The machinery strips the encoding and
the ``sep=`` line; this format names the metric from the title. The
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


def platform_from_title(titles: list[str], ctx: ReadContext) -> tuple[str, str | None]:
    text = " ".join(titles).lower()
    if ctx.platform:
        return ctx.platform, None
    if "facebook" in text:
        return "facebook", None
    if "instagram" in text:
        return "instagram", None
    return "instagram", "The file does not say its platform; instagram assumed (pass --platform)."


def _is_metric_frame(frame: Frame) -> bool:
    names = [A.snake(h) for h in frame.header]
    return len(names) >= 2 and A.has(frame, DATE) and A.has(frame, PRIMARY) and len(names) <= 4


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
            platform, note = platform_from_title(frame.title_lines, ctx)
            if note:
                notes.append(note)
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
