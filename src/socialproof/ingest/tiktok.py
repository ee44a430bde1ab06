"""TikTok Studio exports (CSV or XLSX) -> ``account_daily`` and ``posts``.

Overview (Date, Video Views, Profile Views, Likes, Comments, Shares),
FollowerHistory (Date, Followers, Difference in followers from previous day),
Viewers (Date, Total Viewers, New Viewers, Returning Viewers) and Content (one
row per video). Files are often localised (Spanish aliases below) and renamed
by their owners, so they are recognised by their columns only.

Dates have no year ("August 31"). The year comes from evidence in the file
(``ingest/time_evidence.py``): the video ids, which encode when each video was
made; ``--year``; a date range in the file name or title (a hint for the year
only, never used to recognise the file); the order of a daily series across
New Year; and the import day, after which nothing is placed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

from socialproof.ingest import _aliases as A
from socialproof.ingest.base import Format, ReadContext, ReadResult, Reject, Source
from socialproof.ingest.time_evidence import (
    YearEvidence,
    place_years,
    tiktok_id_day,
    window_from_texts,
)

if TYPE_CHECKING:
    import pyarrow as pa

    from socialproof.ingest.base import Frame

DATE = ("Date", "Fecha", "Data", "Datum")

OVERVIEW: dict[str, A.Aliases] = {
    "views": (
        "Video Views",
        "Video views",
        "Visualizaciones de videos",
        "Visualizaciones de vídeos",
    ),
    "profile_views": (
        "Profile Views",
        "Profile views",
        "Visualizaciones del perfil",
        "Visitas al perfil",
    ),
    "likes": ("Likes", "Me gusta"),
    "comments": ("Comments", "Comentarios"),
    "shares": ("Shares", "Veces compartido", "Compartidos", "Compartido"),
    "reached_audience": ("Reached audience", "Audiencia alcanzada"),
}
FOLLOWERS: dict[str, A.Aliases] = {
    "followers": ("Followers", "Seguidores"),
    "follower_change": (
        "Difference in followers from previous day",
        "Diferencia de seguidores respecto al día anterior",
        "Diferencia de seguidores con respecto al día anterior",
    ),
}
VIEWERS: dict[str, A.Aliases] = {
    "viewers": ("Total Viewers", "Total viewers", "Espectadores totales"),
    "new_viewers": ("New Viewers", "New viewers", "Espectadores nuevos"),
    "returning_viewers": ("Returning Viewers", "Returning viewers", "Espectadores recurrentes"),
}
CONTENT_TITLE = ("Video title", "Título del video", "Título del vídeo")
CONTENT_LINK = ("Video link", "Enlace del video", "Enlace del vídeo")
CONTENT_TIME = ("Post time", "Hora de publicación", "Fecha de publicación", "Time")
CONTENT_NUMBERS: dict[str, A.Aliases] = {
    "views": ("Total views", "Visualizaciones totales", "Views"),
    "reactions": ("Total likes", "Total de me gusta", "Me gusta totales", "Likes"),
    "comments": ("Total comments", "Total de comentarios", "Comentarios totales", "Comments"),
    "shares": (
        "Total shares",
        "Total de veces compartido",
        "Veces compartido totales",
        "Shares",
    ),
    "saves": ("Total saves", "Guardados totales", "Favorites"),
    "reach": ("Reached audience", "Audiencia alcanzada"),
    "watch_time_s": ("Total play time (s)", "Total time watched (s)"),
    "duration_s": ("Duration (s)", "Video duration", "Duración"),
}

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre"
    "|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec|ene|abr|ago|dic"
)
# a cell that starts like a date without a year ('August 31', '8 de marzo', 'Mar 8 10:31')
_YEARLESS_START = re.compile(
    rf"(?i)^\s*(?:\d{{1,2}}\s+(?:de\s+)?(?:{_MONTHS})|(?:{_MONTHS})\.?\s+\d{{1,2}})(?!\d)"
    r"(?!,?\s*\d{4})"
)


def year_hint(source: Source, frame: Frame | None = None) -> tuple[dt.date, dt.date] | None:
    """A date range written in the file name or a title line (for the YEAR only)."""
    return _window(source, frame)[0]


def _window(source: Source, frame: Frame | None) -> tuple[tuple[dt.date, dt.date] | None, str]:
    for texts, where in (
        ([source.path.name, source.display_name], "file name"),
        (list(frame.title_lines) if frame is not None else [], "title rows"),
    ):
        found = window_from_texts(texts)
        if found is not None:
            return found, where
    return None, ""


def _saved_day(source: Source) -> dt.date | None:
    """The day the file was saved (downloaded), from its date on disk, if plausible."""
    try:
        stamp = source.path.stat().st_mtime
    except OSError:
        return None
    day = dt.datetime.fromtimestamp(stamp, dt.UTC).date()
    return day if day >= dt.date(2016, 9, 1) else None  # no TikTok export is older


def _with_years(
    source: Source, frame: Frame, ctx: ReadContext, ids: list[str | None] | None = None
) -> tuple[Frame, list[str]]:
    """``frame`` with its year-less dates written in full, and notes saying how."""
    import pyarrow as pa

    col = A.find(frame, DATE) or A.find(frame, CONTENT_TIME)
    if col is None:
        return frame, []
    values = A.column(frame, col).to_pylist()
    if not any(v and _YEARLESS_START.match(str(v)) for v in values[:200]):
        return frame, []
    today = ctx.options.get("today") or dt.datetime.now(dt.UTC).date()
    saved = _saved_day(source)
    window, where = _window(source, frame)
    evidence = YearEvidence(
        today=saved if saved is not None and saved < today else today,
        today_is="the day the file was saved" if saved and saved < today else "the import day",
        explicit=ctx.year,
        window=window,
        window_where=where,
        id_days=[tiktok_id_day(i, today=today) for i in ids] if ids is not None else None,
    )
    placed = place_years(values, evidence)
    data = frame.data.set_column(
        frame.data.column_names.index(col), col, pa.array(placed.values, pa.string())
    )
    return replace(frame, data=data), placed.notes


def _daily_score(
    frame: Frame, metrics: dict[str, A.Aliases], need: int, required: tuple[A.Aliases, ...] = ()
) -> float:
    if not A.has(frame, DATE) or not all(A.has(frame, g) for g in required):
        return 0.0
    found = sum(A.has(frame, a) for a in metrics.values())
    if found < need:
        return 0.0
    extra = len({A.snake(h) for h in frame.header}) - 1 - found
    return max(0.5, min(0.95, 0.7 + 0.25 * found / len(metrics) - 0.05 * max(extra, 0)))


class _TikTokDaily(Format):
    tables = ("account_daily",)
    metrics: ClassVar[dict[str, A.Aliases]]
    need: ClassVar[int]

    def detect(self, source: Source) -> float:
        return max(
            (_daily_score(f, self.metrics, self.need, self.required) for f in source.frames),
            default=0.0,
        )

    def read(self, source: Source, ctx: ReadContext) -> ReadResult:
        tables: list[pa.Table] = []
        rejects: list[Reject] = []
        notes: list[str] = []
        n = 0
        for frame in source.frames:
            if _daily_score(frame, self.metrics, self.need, self.required) == 0:
                continue
            frame, year_notes = _with_years(source, frame, ctx)
            t, r, nt, _ = A.to_long(
                frame,
                ctx,
                platform="tiktok",
                date_aliases=DATE,
                metrics=self.metrics,
                account=ctx.account or "",
                counts=True,
            )
            n += frame.data.num_rows
            if t.num_columns:
                tables.append(t)
            rejects.extend(r)
            notes.extend(year_notes + nt)
        out = {"account_daily": A.concat(tables)} if tables else {}
        return ReadResult(out, n, rejects, list(dict.fromkeys(notes)))


class TikTokOverviewFormat(_TikTokDaily):
    name = "tiktok-overview"
    label = "TikTok Studio Overview (daily views, profile views, likes, comments, shares)"
    required = (DATE, OVERVIEW["views"], OVERVIEW["profile_views"])
    metrics = OVERVIEW
    need = 3


class TikTokFollowersFormat(_TikTokDaily):
    name = "tiktok-followers"
    label = "TikTok Studio FollowerHistory (daily followers)"
    required = (DATE, FOLLOWERS["followers"], FOLLOWERS["follower_change"])
    metrics = FOLLOWERS
    need = 2  # 'Date, Followers' alone is too generic; the 'Difference' column makes it TikTok's


class TikTokViewersFormat(_TikTokDaily):
    name = "tiktok-viewers"
    label = "TikTok Studio Viewers (daily total, new and returning viewers)"
    required = (DATE, VIEWERS["viewers"])
    metrics = VIEWERS
    need = 2


_CONTENT_METRICS: A.Aliases = tuple(
    a for target, aliases in CONTENT_NUMBERS.items() if target != "duration_s" for a in aliases
)


class TikTokContentFormat(Format):
    name = "tiktok-content"
    label = "TikTok Studio Content (one row per video)"
    tables = ("posts",)
    # identity (a video link or title, and its time) and at least one metric: the columns
    # are the user's choice; without 'Total views' the links must be TikTok's
    required = (CONTENT_TITLE + CONTENT_LINK, CONTENT_TIME)

    def missing(self, source: Source) -> list[str]:
        found = super().missing(source)
        if not any(A.has(f, _CONTENT_METRICS) for f in source.frames):
            found.append("a metric (Total views, Total likes, Total comments, ...)")
        return found

    def detect(self, source: Source) -> float:
        optional = (
            CONTENT_LINK,
            CONTENT_TITLE,
            CONTENT_NUMBERS["reactions"],
            CONTENT_NUMBERS["shares"],
        )
        best = 0.0
        for frame in source.frames:
            if not A.has(frame, _CONTENT_METRICS):
                continue
            s = A.score(frame, (*self.required, CONTENT_NUMBERS["views"]), optional)
            link = A.find(frame, CONTENT_LINK)
            if A.score(frame, self.required) and link is not None:
                sample = " ".join(
                    str(v) for v in frame.data.column(link).slice(0, 20).to_pylist() if v
                )
                if "tiktok.com" in sample:
                    s = max(s, 0.95)
            best = max(best, s)
        return best

    def read(self, source: Source, ctx: ReadContext) -> ReadResult:
        import pyarrow.compute as pc

        tables: list[pa.Table] = []
        rejects: list[Reject] = []
        notes: list[str] = []
        n = 0
        for frame in source.frames:
            if A.score(frame, self.required) == 0 or not A.has(frame, _CONTENT_METRICS):
                continue
            frame, year_notes = _with_years(source, frame, ctx, _video_ids(frame))
            rows = A.Rows(frame, "posts", ctx)
            rows.const("platform", "tiktok")
            rows.const("account", ctx.account or "")
            rows.const("format", "video")
            link = rows.text("permalink", CONTENT_LINK)
            title = rows.text("title", CONTENT_TITLE)
            published = rows.timestamp("published_at", CONTENT_TIME)
            if link is not None:
                vid = pc.extract_regex(link, r"/video/(?P<id>\d+)")
                ids = pc.struct_field(vid, "id")
                rows.set("post_id", pc.coalesce(ids, link))
            elif title is not None and published is not None:
                # two videos may share a title (or have none): the post time tells them apart
                rows.set("post_id", _time_and_title(published, title))
                notes.append(
                    "No video links in the file: videos are identified by their post time "
                    "and title."
                )
            if title is not None:
                rows.set("text", title)
            rows.require("post_id", "video link or title")
            rows.require("published_at", "post time")
            for target, aliases in CONTENT_NUMBERS.items():
                rows.number(target, aliases)
            t, r = rows.finish()
            tables.append(t)
            rejects.extend(r)
            notes.extend(year_notes + rows.notes)
            n += frame.data.num_rows
        return ReadResult(
            {"posts": A.concat(tables)} if tables else {}, n, rejects, list(dict.fromkeys(notes))
        )


def _time_and_title(published: pa.Array, title: pa.Array) -> pa.Array:
    """'2026-03-02 18:00 Morning routine' per row (null where the time is unknown)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    minute = pc.strftime(published, format="%Y-%m-%d %H:%M")
    name = pc.fill_null(pc.utf8_trim_whitespace(title.cast(pa.string())), "")
    return pc.utf8_trim_whitespace(pc.binary_join_element_wise(minute, name, " "))


def _video_ids(frame: Frame) -> list[str | None] | None:
    """Per row, the video id in the row's TikTok link, if the file has links."""
    link = A.find(frame, CONTENT_LINK)
    if link is None:
        return None
    out: list[str | None] = []
    for value in A.column(frame, link).to_pylist():
        m = re.search(r"/video/(\d+)", value or "")
        out.append(m.group(1) if m else None)
    return out
