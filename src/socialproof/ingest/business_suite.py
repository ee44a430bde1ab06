"""Meta Business Suite and Facebook Insights files beyond the post exports.

* The legacy Page-level "Facebook Insights Data Export" workbook (XLSX, or a CSV
  saved from it): one row per day, human labels ("Daily Total Reach",
  "Lifetime Total Likes") or API names (``page_impressions_unique:day``) as the
  header, often a row of descriptions ("Daily: The number of people who...")
  under it -> ``account_daily``.
* Business Suite's per-format summaries: a title line (the metric), a row of
  formats (Reels, Photos, Stories...) and a row of figures, repeated. They have
  neither dates nor posts, so nothing can be stored from them: the file is
  recognised and the user is told which export holds the same figures.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from socialproof.errors import BadExport
from socialproof.ingest import _aliases as A
from socialproof.ingest.base import Format, ReadContext, ReadResult, Source

if TYPE_CHECKING:
    from socialproof.ingest.base import Frame

DATE = ("Date", "date", "end_time")
#: account_daily metric -> the label and API name of the column that holds it
PAGE_METRICS: dict[str, tuple[str, ...]] = {
    "followers": ("Lifetime Total Likes", "page_fans:lifetime", "page_fans"),
    "new_likes": ("Daily New Likes", "page_fan_adds:day", "page_fan_adds_unique:day"),
    "unlikes": ("Daily Unlikes", "page_fan_removes:day", "page_fan_removes_unique:day"),
    "engaged_users": ("Daily Page Engaged Users", "page_engaged_users:day"),
    "reach": ("Daily Total Reach", "page_impressions_unique:day"),
    "impressions": ("Daily Total Impressions", "page_impressions:day"),
    "reach_organic": ("Daily Organic Reach", "page_impressions_organic_unique:day"),
    "reach_paid": ("Daily Paid Reach", "page_impressions_paid_unique:day"),
    "page_views": ("Daily Total Page Views", "page_views_total:day", "page_views:day"),
    "post_engagements": ("Daily Page Post Engagements", "page_post_engagements:day"),
}
_PERIOD_LABEL = re.compile(r"(?i)^(daily|weekly|28 days|lifetime)\b")
_DESCRIPTION = re.compile(r"(?i)^(daily|weekly|28 days|lifetime):")
_API_PAGE = re.compile(r"^page_[a-z_]+:(day|week|days_28|lifetime)$")
FORMAT_NAMES = {
    "reels",
    "reel",
    "photos",
    "photo",
    "stories",
    "story",
    "videos",
    "video",
    "text",
    "links",
    "link",
    "carousels",
    "carousel",
    "live",
    "posts",
    "albums",
    "album",
}


def _page_frame(frame: Frame) -> bool:
    """A day-per-row Page insights sheet: a date column and several period-named metrics."""
    if not A.has(frame, DATE) or A.has(frame, ("Post ID", "post_id")):
        return False
    named = sum(bool(_PERIOD_LABEL.match(h) or _API_PAGE.match(h)) for h in frame.header)
    return named >= 3


def _description_rows(frame: Frame) -> int:
    """How many rows of descriptions (or API names) sit under the header."""
    skip = 0
    for row in frame.data.slice(0, 2).to_pylist():
        cells = [str(v or "") for v in row.values()]
        if sum(bool(_DESCRIPTION.match(c) or _API_PAGE.match(c)) for c in cells) >= 2:
            skip += 1
        else:
            break
    return skip


class FacebookPageInsightsFormat(Format):
    name = "facebook-page-legacy"
    label = "Facebook Insights Data Export (Page Level), legacy workbook"
    tables = ("account_daily",)
    required = (DATE, tuple(a for aliases in PAGE_METRICS.values() for a in aliases))

    def detect(self, source: Source) -> float:
        for frame in source.frames:
            if _page_frame(frame) and any(A.has(frame, a) for a in PAGE_METRICS.values()):
                return 0.92
        return 0.0

    def read(self, source: Source, ctx: ReadContext) -> ReadResult:
        from socialproof.ingest.base import Frame as F

        parts = A.Parts()
        for frame in source.frames:
            if not _page_frame(frame):
                continue
            skip = _description_rows(frame)
            lines = frame.line_numbers[skip:] if frame.line_numbers else None
            body = F(
                header=frame.header,
                data=frame.data.slice(skip),
                line_numbers=lines,
                title_lines=frame.title_lines,
                sheet=frame.sheet,
            )
            found = {m: a for m, a in PAGE_METRICS.items() if A.has(body, a)}
            part = A.to_long(
                body,
                ctx,
                platform=ctx.platform or "facebook",
                date_aliases=DATE,
                metrics=found,
                account=ctx.account or "",
                counts=True,
                date_kw={"timezone": ctx.timezone},
            )
            parts.add(body, "account_daily", part)
            other = len(frame.header) - 1 - len(found)
            if other > 0:
                parts.notes.append(
                    f"Read {len(found)} Page metrics ({', '.join(found)}); "
                    f"{other} other column{'s' if other > 1 else ''} of the workbook not stored."
                )
            break  # the first sheet is the day-by-day key metrics; later ones break them down
        return parts.result()


# --------------------------------------------------------------------------- summaries


def _summary_frame(frame: Frame) -> bool:
    names = [h.strip().casefold() for h in frame.header if h.strip()]
    return (
        bool(frame.title_lines)
        and len(names) >= 2
        and sum(n in FORMAT_NAMES for n in names) >= max(2, len(names) - 1)
        and frame.data.num_rows <= 2
    )


class BusinessSuiteFormatSummaryFormat(Format):
    name = "business-suite-format-summary"
    label = "Meta Business Suite per-format summary (a metric per title, formats across)"
    tables = ()
    required = (("Reels", "Photos", "Stories", "Videos"),)

    def detect(self, source: Source) -> float:
        frames = [f for f in source.frames if _summary_frame(f)]
        return 0.9 if frames and len(frames) * 2 >= len(source.frames) else 0.0

    def read(self, source: Source, ctx: ReadContext) -> ReadResult:
        titles = [t for f in source.frames if _summary_frame(f) for t in f.title_lines[-1:]]
        raise BadExport(
            f"{source.display_name} is a Business Suite per-format summary "
            f"({', '.join(titles[:4])} by format): it has no dates and no posts, so there is "
            "nothing to store.",
            hint="Export the content table instead (Insights > Content > Export data: "
            "'Posts' or 'Videos'); socialproof sums its figures by format itself.",
        )
