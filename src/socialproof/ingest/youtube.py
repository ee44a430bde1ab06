"""YouTube Studio exports ("Table data.csv", "Chart data.csv") -> ``posts`` and ``account_daily``.

Studio's Advanced mode exports a zip with three files; two matter here:

* "Table data.csv": one row per video (Content = the video id, Video title,
  Video publish time, Duration, Views, Watch time (hours), Subscribers,
  Impressions, Impressions click-through rate (%)). Its first data row is the
  channel "Total": skipped and counted in the notes.
* "Chart data.csv": one row per day and charted video (Date, Content, Video
  title, ...). Studio charts only a few videos, so their sum is not the
  channel's day: the rows go to ``post_daily``, one series per video.
* "Totals.csv" (or a chart without a Content column): one row per day for the
  whole selection (Date, Views, ...): the channel's daily series
  (``account_daily``).

Studio's per-video "Subscribers" is the net change (gained minus lost) the
video brought. It is not an interaction: YouTube's engagement is likes,
comments and shares over views, so it is not stored on ``posts``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from socialproof.ingest import _aliases as A
from socialproof.ingest.base import Format, ReadContext, ReadResult, Reject, Source

if TYPE_CHECKING:
    import pyarrow as pa

    from socialproof.ingest.base import Frame

CONTENT = ("Content", "Contenido", "Video")
TITLE = ("Video title", "Título del video")
PUBLISHED = ("Video publish time", "Hora de publicación del video", "Publish time")
DATE = ("Date", "Fecha")
VIDEO_NUMBERS: dict[str, A.Aliases] = {
    "views": ("Views", "Visualizaciones"),
    "impressions": ("Impressions", "Impresiones"),
    "reactions": ("Likes", "Me gusta"),
    "comments": ("Comments added", "Comments", "Comentarios añadidos"),
    "shares": ("Shares", "Veces compartido"),
    "duration_s": ("Duration", "Duración"),
}
SUBSCRIBERS = ("Subscribers", "Subscribers gained", "Suscriptores")
WATCH_HOURS = ("Watch time (hours)", "Tiempo de visualización (horas)")
DAILY: dict[str, A.Aliases] = {
    "views": ("Views", "Visualizaciones"),
    "watch_time_hours": WATCH_HOURS,
    "subscribers_gained": ("Subscribers gained",),
    "subscribers_net": ("Subscribers", "Suscriptores"),  # gained minus lost
    "subscribers_lost": ("Subscribers lost",),
    "impressions": ("Impressions", "Impresiones"),
}
# per-video daily figures a chart may carry besides the channel ones
_VIDEO_DAILY: dict[str, A.Aliases] = {
    "likes": ("Likes", "Me gusta"),
    "comments": ("Comments added", "Comments", "Comentarios añadidos"),
    "shares": ("Shares", "Veces compartido"),
}
_METRIC_HEADERS = (
    ("Views", "Visualizaciones"),
    WATCH_HOURS,
    ("Impressions",),
    ("Impressions click-through rate (%)",),
    ("Subscribers",),
    ("Average view duration",),
)


def _is_table(frame: Frame) -> bool:
    return (
        A.has(frame, CONTENT)
        and A.has(frame, ("Views", "Visualizaciones"))
        and not A.has(frame, DATE)
    )


def _is_chart(frame: Frame) -> bool:
    return (
        A.has(frame, DATE)
        and A.has(frame, ("Views", "Visualizaciones"))
        and (A.has(frame, CONTENT) or A.has(frame, WATCH_HOURS) or len(frame.header) == 2)
    )


def _is_totals(frame: Frame) -> bool:
    """Studio's "Totals.csv": Date and daily channel figures only (Views, Watch time, ...)."""
    known = {A.snake(a) for aliases in (*DAILY.values(), DATE) for a in aliases}
    names = [A.snake(h) for h in frame.header if h.strip()]
    return _is_chart(frame) and not A.has(frame, CONTENT) and all(n in known for n in names)


def _total_rows(frame: Frame, where: A.Aliases = CONTENT) -> pa.Array:
    import pyarrow.compute as pc

    name = A.find(frame, where)
    col = A.column(frame, name) if name else None
    if col is None:
        raise ValueError(f"no {where[0]} column")
    return pc.match_substring_regex(
        pc.utf8_trim_whitespace(col), r"(?i)^(total|totales?)$"
    ).fill_null(False)


class YouTubeFormat(Format):
    name = "youtube"
    label = "YouTube Studio export (Table data / Chart data)"
    tables = ("posts", "post_daily", "account_daily")
    required = (CONTENT, ("Views", "Visualizaciones"))

    def detect(self, source: Source) -> float:
        best = 0.0
        for frame in source.frames:
            if _is_table(frame):
                found = sum(A.has(frame, a) for a in (TITLE, PUBLISHED, *_METRIC_HEADERS))
                s = 0.55 + 0.05 * found
                if _total_rows(frame).to_pylist()[:1] == [True]:
                    s += 0.2
                best = max(best, min(s, 1.0))
            elif _is_chart(frame) and A.has(frame, CONTENT) and A.has(frame, TITLE):
                best = max(best, 0.85)
            elif _is_totals(frame):
                best = max(best, 0.6)
        return best

    def read(self, source: Source, ctx: ReadContext) -> ReadResult:
        parts = A.Parts()
        for frame in source.frames:
            if _is_table(frame):
                parts.add(frame, "posts", _read_table(frame, ctx))
            elif _is_chart(frame) and A.has(frame, CONTENT):
                parts.add(frame, "post_daily", _read_video_chart(frame, ctx))
            elif _is_chart(frame):
                parts.add(frame, "account_daily", _read_chart(frame, ctx))
        return parts.result()


def _read_table(frame: Frame, ctx: ReadContext) -> tuple[pa.Table, list[Reject], list[str]]:
    import pyarrow as pa
    import pyarrow.compute as pc

    rows = A.Rows(frame, "posts", ctx)
    rows.skip_rows(
        _total_rows(frame).to_numpy(zero_copy_only=False),
        "Skipped {n} 'Total' row{s} (the channel total).",
    )
    rows.const("platform", "youtube")
    rows.const("account", ctx.account or "")
    ids = rows.text("post_id", CONTENT)
    rows.require("post_id", "video id (Content)")
    rows.text("title", TITLE)
    rows.timestamp("published_at", PUBLISHED)
    rows.require("published_at", "video publish time")
    if A.has(frame, SUBSCRIBERS):
        rows.notes.append(
            "Subscribers per video (net change) are not stored on posts: YouTube's engagement "
            "counts likes, comments and shares over views; the channel's subscribers come from "
            "its daily totals."
        )
    if ids is not None:
        rows.set(
            "permalink", pc.binary_join_element_wise("https://www.youtube.com/watch?v=", ids, "")
        )
    for target, aliases in VIDEO_NUMBERS.items():
        rows.number(target, aliases)
    rows.number("watch_time_s", WATCH_HOURS, scale=3600.0)
    duration = rows.values.get("duration_s")
    if duration is not None:
        short = pc.less_equal(duration.cast(pa.float64()), 60.0)
        rows.set("format", pc.if_else(short, "short", "video"))
    else:
        rows.const("format", "video")
    table, rejects = rows.finish()
    if table.num_rows:
        rows.notes.append(
            "Table data gives each video's figures over the range chosen in Studio (the "
            "last 28 days unless changed), stored as the video's figures: a Table data "
            "export of another range replaces them, it does not add to them. For lifetime "
            "figures, export with the range 'Lifetime'."
        )
    return table, rejects, rows.notes


def _read_chart(frame: Frame, ctx: ReadContext) -> tuple[pa.Table, list[Reject], list[str]]:
    import pyarrow as pa

    # the channel's net subscribers a day are its follower change: the follower KPIs
    # (net followers gained, growth) read them as they read TikTok's and Instagram's
    metrics = {
        ("follower_change" if m == "subscribers_net" else m): a
        for m, a in DAILY.items()
        if A.has(frame, a)
    }
    # Table data grouped by day opens with a 'Total' row in the Date column
    skip = _total_rows(frame, CONTENT if A.has(frame, CONTENT) else DATE).to_numpy(
        zero_copy_only=False
    )
    t, r, nt, _ = A.to_long(
        frame,
        ctx,
        platform="youtube",
        date_aliases=DATE,
        metrics=metrics,
        account=ctx.account or "",
        skip_mask=skip,
        skip_note="Skipped {n} 'Total' row{s} (the channel total).",
    )
    return (t if t.num_columns else pa.table({})), r, nt


def _read_video_chart(frame: Frame, ctx: ReadContext) -> tuple[pa.Table, list[Reject], list[str]]:
    """Chart data per day and video -> ``post_daily`` (long form, one metric per row)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    wide = A.Rows(frame, "post_daily", ctx)
    wide.skip_rows(
        _total_rows(frame).to_numpy(zero_copy_only=False),
        "Skipped {n} 'Total' row{s} (the channel total).",
    )
    dates = wide.date("date", DATE)
    wide.require("date", "date")
    ids = wide.text("post_id", CONTENT)
    wide.require("post_id", "video id (Content)")
    found = {}
    for metric, aliases in {**DAILY, **_VIDEO_DAILY}.items():
        if metric in found or not A.has(frame, aliases):
            continue
        vals = wide.number("_" + metric, aliases, count=metric != "watch_time_hours")
        if vals is not None:
            found[metric] = vals.cast(pa.float64())
    keep = ~wide.bad & ~wide.skip
    parts = []
    if dates is not None and ids is not None:
        for metric, vals in found.items():
            ok = keep & vals.is_valid().to_numpy(zero_copy_only=False).astype(bool)
            idx = pa.array(np.flatnonzero(ok))
            n = len(idx)
            parts.append(
                pa.table(
                    {
                        "platform": pa.array(["youtube"] * n, pa.string()),
                        "account": pa.array([ctx.account or ""] * n, pa.string()),
                        "post_id": pc.take(ids, idx),
                        "date": pc.take(dates, idx),
                        "metric": pa.array([metric] * n, pa.string()),
                        "value": pc.take(vals, idx),
                    }
                )
            )
    notes = [
        *wide.notes,
        "Chart data per video was stored per video (post_daily), not summed into the "
        "channel's days: the chart holds only the videos Studio charted. Import Totals.csv "
        "for the channel's daily series.",
    ]
    table = A.concat(parts) if parts else pa.table({})
    return table, wide.rejects(), notes
