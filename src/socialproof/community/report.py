"""The community report: response times, sentiment, themes and engagement in groups.

:func:`build_report` gathers everything for a scope (scoring new messages on the
way); :func:`summary_rows` is the terminal summary; :func:`to_html` the
self-contained accessible HTML page (inline SVG charts with table
alternatives, no scripts, no external requests); :func:`to_dict` the JSON form.
A text model that is missing leaves its sections out with a note; the response
times and groups never depend on one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from socialproof.community.threads import Scope, response_times
from socialproof.errors import BadInput, NoData, WorkspaceError

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    import pandas as pd

    from socialproof.community.groups import GroupEngagement
    from socialproof.community.scoring import PendingScores, ThemesResult
    from socialproof.community.threads import ResponseTimes
    from socialproof.render.charts import Chart
    from socialproof.render.html import Report
    from socialproof.workspace.core import Workspace

UNANSWERED_SHOWN = 50
UNANSWERED_IN_HTML = 20
#: Periods with fewer scored member messages are left off the sentiment line (too noisy).
MIN_PERIOD_MESSAGES = 10


@dataclass
class CommunityReport:
    scope: Scope
    period: str
    timezone: str
    response: ResponseTimes
    groups: GroupEngagement
    sentiment: pd.DataFrame | None = None
    themes: ThemesResult | None = None
    flags: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: longest first-response time (hours) the charts show; None = a robust default
    chart_cutoff_h: float | None = None


def build_report(
    ws: Workspace,
    scope: Scope | None = None,
    *,
    sla_hours: float | None = None,
    period: str = "week",
    with_text: bool = True,
    k: str | int = "auto",
    progress: Callable[[str], None] | None = None,
    chart_cutoff_h: float | None = None,
) -> CommunityReport:
    """Everything the community report shows, for one scope.

    ``chart_cutoff_h`` caps the response-time chart (threads answered later are left out
    of the chart, with a note, and kept in every figure); default: :func:`chart_cutoff`.
    """
    from socialproof.community.groups import engagement

    if chart_cutoff_h is not None and not (math.isfinite(chart_cutoff_h) and chart_cutoff_h > 0):
        raise BadInput(
            f"The chart cut-off must be a positive number of hours, not {chart_cutoff_h!r}.",
            hint="For example 72 (3 days).",
        )
    scope = scope or Scope()
    say = progress or (lambda _msg: None)
    # new messages are scored in child processes while this one times the responses
    pending = _start_scoring(ws, say) if with_text else None
    try:
        response = response_times(ws, scope, sla_hours=sla_hours)
        groups = engagement(ws, scope, period=period)
    except BaseException:
        if pending is not None:
            pending.abandon()
        raise
    report = CommunityReport(scope, period, ws.settings.timezone, response, groups)
    report.chart_cutoff_h = chart_cutoff_h
    report.notes.extend(response.notes)
    report.notes.extend(groups.notes)
    if pending is not None:
        _add_text(ws, report, pending, k=k, say=say)
    return report


def _start_scoring(ws: Workspace, say: Callable[[str], None]) -> PendingScores:
    from socialproof.community.scoring import BATCH, PendingScores, load_models, start_scoring

    models = load_models(ws)
    try:
        pending = start_scoring(ws, models=models, background=True)
    except WorkspaceError as exc:  # busy workspace: report what is stored
        return PendingScores(ws, models, BATCH, None, None, failed=str(exc))
    if pending.df is not None and not pending.df.empty:
        say(f"Scoring {len(pending.df):,} new messages")
    return pending


def _add_text(
    ws: Workspace,
    report: CommunityReport,
    pending: PendingScores,
    *,
    k: str | int,
    say: Callable[[str], None],
) -> None:
    from socialproof.community.scoring import discover_themes, sentiment_by_period

    models = pending.models
    report.notes.extend(models.notes)
    if models.sentiment is not None or models.moderation is not None:
        failed = pending.failed
        if not failed:
            try:
                pending.finish()
            except WorkspaceError as exc:  # read-only or busy workspace: use what is stored
                failed = str(exc)
        if failed:
            report.notes.append(
                f"New messages were not scored ({failed}); figures use stored scores."
            )
    if models.sentiment is not None:
        say("Sentiment over time")
        report.sentiment = sentiment_by_period(ws, report.scope, period=report.period)
    if models.moderation is not None:
        report.flags = _flag_counts(ws, report.scope)
    say("Themes")
    try:
        try:
            report.themes = discover_themes(ws, report.scope, k=k)
        except WorkspaceError:  # cannot store them: still show them
            report.themes = discover_themes(ws, report.scope, k=k, save=False)
        report.notes.extend(n for n in report.themes.notes if n not in report.notes)
    except (NoData, BadInput) as exc:
        report.notes.append(f"Themes: {exc}")


def _flag_counts(ws: Workspace, scope: Scope) -> dict[str, int]:
    from socialproof.community.queue import moderation_queue

    everything = moderation_queue(ws, scope, include_dismissed=True)
    decided = [str(d) for d in everything["decision"]]
    q = everything[[not d.startswith("dismissed") for d in decided]] if decided else everything
    return {
        "flagged": len(q),
        "spam": int(q["spam"].fillna(False).astype(bool).sum()),
        "toxic": int(q["toxic"].fillna(False).astype(bool).sum()),
        "confirmed": sum(d.startswith("confirmed") for d in decided),
        "dismissed": sum(d.startswith("dismissed") for d in decided),
    }


# -- formatting helpers -------------------------------------------------------------


def duration(hours: float | None) -> str:
    """Hours as people read them: '42 s', '12 min', '3.4 h', '2.1 days'."""
    if hours is None or (isinstance(hours, float) and math.isnan(hours)):
        return "—"
    secs = hours * 3600
    if secs < 60:
        return f"{secs:.0f} s"
    if secs < 3600:
        return f"{secs / 60:.0f} min"
    if hours < 48:
        return f"{hours:.1f} h"
    days = hours / 24
    return f"{days:.1f} days" if days < 100 else f"{days:,.0f} days"


def percent(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value * 100:.1f} %"


def _signed(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:+.2f}"


def _net_overall(report: CommunityReport) -> float | None:
    if report.sentiment is None or report.sentiment.empty:
        return None
    pos = float(report.sentiment["positive"].sum())
    neg = float(report.sentiment["negative"].sum())
    return None if pos + neg == 0 else (pos - neg) / (pos + neg)


def _bh_median(o: dict[str, Any]) -> str:
    value = duration(o["median_first_response_bh_h"])
    off = int(o.get("off_hours") or 0)
    if not off:
        return value
    on = int(o["answered"]) - off
    return f"{value} ({on:,} thread(s); {off:,} answered wholly outside hours left out)"


def chart_cutoff(values_h: Sequence[float], cutoff_h: float | None = None) -> float | None:
    """The longest time (hours) a response-time chart shows; None when nothing is cut.

    ``cutoff_h`` is the user's choice. Otherwise a robust fence on the log scale:
    log10(upper quartile) + 3 inter-quartile ranges (Tukey's "far out" on log hours),
    so a thread from years ago cannot flatten every bar, while a long tail of ordinary
    slow replies stays in view. Never below 24 h.
    """
    import numpy as np

    vals = np.asarray([v for v in values_h if v == v and v is not None], dtype=float)
    if cutoff_h is not None:
        return float(cutoff_h) if len(vals) and float(vals.max()) > cutoff_h else None
    if len(vals) < 4:
        return None
    logs = np.log10(np.maximum(vals, 1 / 3600))
    q1, q3 = np.quantile(logs, [0.25, 0.75])
    fence = max(float(10 ** (q3 + 3 * max(q3 - q1, 0.1))), 24.0)
    return fence if float(vals.max()) > fence else None


def summary_rows(report: CommunityReport) -> list[dict[str, str]]:
    """Headline figures as (measure, value) rows for the terminal."""
    o = report.response.overall
    sla = report.response.sla_hours
    rows = [
        ("Customer threads", f"{o['threads']:,}"),
        ("Answered", f"{o['answered']:,} ({percent(o['response_rate'])})"),
        (f"Answered within {sla:g} h (SLA)", percent(o["within_sla_rate"])),
        (f"Answered within {sla:g} business hours", percent(o["within_sla_bh_rate"])),
        ("First response, median", duration(o["median_first_response_h"])),
        ("First response, 90th percentile", duration(o["p90_first_response_h"])),
        (
            "First response, mean of fastest 90 % (Meta)",
            duration(o["fastest90_mean_first_response_h"]),
        ),
        ("First response, median in business hours", _bh_median(o)),
        ("Resolved", f"{o['resolved']:,}"),
        ("Resolution, median", duration(o["median_resolution_h"])),
        ("Unanswered threads", f"{o['unanswered']:,}"),
    ]
    g = report.groups.by_group
    if not g.empty:
        rows.append(("Groups", f"{len(g):,}"))
        rows.append(("Active members", f"{int(g['members'].sum()):,}"))
    if report.sentiment is not None:
        rows.append(("Net sentiment (Talkwalker)", _signed(_net_overall(report))))
    if report.flags:
        rows.append(
            (
                "Flagged for moderation",
                f"{report.flags['flagged']:,} (spam {report.flags['spam']:,}, "
                f"toxic {report.flags['toxic']:,})",
            )
        )
        if report.flags.get("confirmed") or report.flags.get("dismissed"):
            rows.append(
                (
                    "Moderation decisions",
                    f"{report.flags['confirmed']:,} flags confirmed, "
                    f"{report.flags['dismissed']:,} dismissed (not counted above)",
                )
            )
    if report.themes is not None:
        rows.append(("Themes", f"{len(report.themes.themes):,}"))
    return [{"measure": k, "value": v} for k, v in rows]


def split_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Response splits (by platform/channel/agent) with readable durations."""
    out = []
    for r in rows:
        key = next(iter(r))
        out.append(
            {
                key: r[key],
                "threads": r["threads"],
                "answered": percent(r["response_rate"]),
                "within SLA": percent(r["within_sla_rate"]),
                "median first response": duration(r["median_first_response_h"]),
                "p90 first response": duration(r["p90_first_response_h"]),
                "median (business hours)": duration(r["median_first_response_bh_h"]),
                "median resolution": duration(r["median_resolution_h"]),
            }
        )
    return out


def theme_rows(report: CommunityReport, top: int | None = None) -> list[dict[str, Any]]:
    if report.themes is None:
        return []
    return theme_table(report.themes.themes, top)


def theme_table(themes: pd.DataFrame, top: int | None = None) -> list[dict[str, Any]]:
    """Themes for people: label, size, sentiment mix, trend, destination, one example."""
    df = themes if top is None else themes.head(top)
    rows = []
    for r in df.to_dict("records"):
        rows.append(
            {
                "theme": r["label"] or f"theme {r['theme']}",
                "size": int(r["size"]),
                "share": percent(r["share"]),
                "positive": percent(r["positive"]),
                "negative": percent(r["negative"]),
                "net sentiment": _signed(r["net_sentiment"]),
                "trend": r["trend"],
                "send to": r["destination"] or "—",
                "example": (r["examples"][0] if r["examples"] else "")[:120],
            }
        )
    return rows


def group_rows(report: CommunityReport) -> list[dict[str, Any]]:
    rows = []
    for r in report.groups.rows.to_dict("records"):
        rows.append(
            {
                "platform": r["platform"],
                "group": r["group_id"],
                report.period: str(r["period"]),
                "active members": r["active_members"],
                "new": r["new_members"],
                "returning": r["returning_members"],
                "messages per member": _round(r["messages_per_member"]),
                "replies per thread": _round(r["replies_per_thread"]),
                "member-to-member threads": percent(r["member_to_member_share"]),
            }
        )
    return rows


def _tz(name: str) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def _round(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), 2)


def unanswered_rows(report: CommunityReport, limit: int = UNANSWERED_SHOWN) -> list[dict[str, Any]]:
    from socialproof.community._periods import to_local

    df = report.response.unanswered().head(limit)
    df["opened_at"] = to_local(df["opened_at"].to_numpy(), _tz(report.timezone))
    return [
        {
            "platform": r["platform"],
            "thread": r["thread_key"],
            "opened": str(r["opened_at"])[:16],
            "waiting": duration(r["waiting_h"]),
            "from": r["opener"],
            "first message": " ".join(str(r["opening_text"] or "").split())[:140],
        }
        for r in df.to_dict("records")
    ]


# -- JSON -------------------------------------------------------------------------------


def to_dict(report: CommunityReport) -> dict[str, Any]:
    """A JSON-ready form of the report (numbers unrounded, times in hours)."""
    from socialproof.render.tables import plain

    def records(df: pd.DataFrame | None) -> list[dict[str, Any]]:
        if df is None:
            return []
        return [{str(k): plain(v) for k, v in r.items()} for r in df.to_dict("records")]

    r = report.response
    return {
        "scope": {
            "since": str(report.scope.since) if report.scope.since else None,
            "until": str(report.scope.until) if report.scope.until else None,
            "platform": report.scope.platform,
            "group": report.scope.group,
            "timezone": report.timezone,
            "period": report.period,
        },
        "response": {
            "overall": {k: plain(v) for k, v in r.overall.items()},
            "by_platform": [{k: plain(v) for k, v in x.items()} for x in r.by_platform],
            "by_channel": [{k: plain(v) for k, v in x.items()} for x in r.by_channel],
            "by_agent": [{k: plain(v) for k, v in x.items()} for x in r.by_agent],
            "unanswered": records(r.unanswered().head(UNANSWERED_SHOWN)),
        },
        "groups": records(report.groups.rows),
        "sentiment": records(report.sentiment),
        "themes": records(report.themes.themes) if report.themes is not None else [],
        "moderation": report.flags,
        "notes": report.notes,
    }


def sentiment_chart(sent: pd.DataFrame, period: str) -> Chart:
    """Net sentiment per period (``sentiment_by_period``'s frame) as the report draws it:
    periods with fewer than ``MIN_PERIOD_MESSAGES`` scored member messages are left off
    the line. The workbench's community page shows this same chart (its spec)."""
    from socialproof.render import charts

    labels = [str(p)[:10] for p in sent["period"]]
    line = [
        None if v is None or v != v or int(n) < MIN_PERIOD_MESSAGES else float(v)
        for v, n in zip(sent["net_sentiment"], sent["messages"], strict=True)
    ]
    return charts.line_chart(
        labels,
        {"Net sentiment": line},
        title=f"Net sentiment per {period}",
        y_label="net sentiment (-1 to 1)",
    )


# -- HTML ------------------------------------------------------------------------------


def to_html(report: CommunityReport, *, title: str = "Community report") -> Report:
    """The self-contained, accessible HTML page."""
    from socialproof.render import charts
    from socialproof.render.html import Report

    s = report.scope
    bits = [f"Times in {report.timezone}"]
    if s.since or s.until:
        bits.append(f"from {s.since or 'the start'} to {s.until or 'the end'}")
    if s.platform:
        bits.append(f"platform {s.platform}")
    if s.group:
        bits.append(f"group {s.group}")
    page = Report(title, subtitle="; ".join(bits) + ".")

    sec = page.section("Summary")
    page.kpis(sec, [(row["measure"], row["value"]) for row in summary_rows(report)])
    for note in report.notes:
        page.paragraph(sec, note, kind="warn")

    r = report.response
    sec = page.section("Response times")
    times = [v / 3600 for v in r.threads.get("first_response_s", []) if v == v]
    if times:
        cut = chart_cutoff(times, report.chart_cutoff_h)
        shown = times if cut is None else [v for v in times if v <= cut]
        page.chart(
            sec,
            charts.histogram(
                shown, title="First response time (hours)", x_label="hours to first brand reply"
            ),
        )
        if cut is not None:
            left = len(times) - len(shown)
            page.paragraph(
                sec,
                f"{left:,} thread(s) answered after more than {duration(cut)} are left out of "
                f"this chart (longest: {duration(max(times))}); they are counted in every "
                "figure and table.",
                kind="warn",
            )
    else:
        page.paragraph(sec, "No thread was answered in this range.")
    trend = r.by_period(report.period, report.timezone)
    if len(trend) > 1:
        labels = [str(p) for p in trend["period"]]
        page.chart(
            sec,
            charts.line_chart(
                labels,
                {
                    "median first response (h)": [
                        None if v is None or v != v else float(v)
                        for v in trend["median_first_response_h"]
                    ],
                },
                title=f"Median first response per {report.period} (threads opened)",
                y_label="hours",
            ),
        )
    for name, rows in (
        ("platform", r.by_platform),
        ("channel", r.by_channel),
        ("agent (first responder)", r.by_agent),
    ):
        if rows:
            page.table(sec, split_rows(rows), caption=f"By {name}")
    unanswered = unanswered_rows(report, limit=UNANSWERED_IN_HTML)
    if unanswered:
        more = r.overall["unanswered"] - len(unanswered)
        cap = "Unanswered threads, oldest first" + (
            f" (first {len(unanswered)}; {more:,} more)" if more > 0 else ""
        )
        page.table(sec, unanswered, caption=cap)
    if r.anomalies is not None and len(r.anomalies):
        page.table(sec, r.anomalies.head(50), caption="Replies timestamped before their parent")

    sec = page.section("Sentiment over time")
    if report.sentiment is not None and not report.sentiment.empty:
        sent = report.sentiment
        labels = [str(p)[:10] for p in sent["period"]]
        values = [None if v is None or v != v else float(v) for v in sent["net_sentiment"]]
        line = [
            v if int(n) >= MIN_PERIOD_MESSAGES else None
            for v, n in zip(values, sent["messages"], strict=True)
        ]
        if line != values:
            page.paragraph(
                sec,
                f"Periods with fewer than {MIN_PERIOD_MESSAGES} scored member "
                "messages are left off the line (too few to say); the table has them.",
            )
        page.chart(sec, sentiment_chart(sent, report.period))
        page.table(
            sec,
            [
                {
                    report.period: lab,
                    "messages": int(m),
                    "positive": int(p),
                    "neutral": int(n),
                    "negative": int(g),
                    "net sentiment": _signed(v),
                }
                for lab, m, p, n, g, v in zip(
                    labels,
                    sent["messages"],
                    sent["positive"],
                    sent["neutral"],
                    sent["negative"],
                    values,
                    strict=True,
                )
            ],
            caption="Member messages by sentiment",
        )
    else:
        page.paragraph(sec, "No sentiment scores: see the notes in the summary.")

    sec = page.section("Themes")
    if report.themes is not None and not report.themes.themes.empty:
        th = report.themes.themes.head(20)
        names = [
            f"{lab or 'theme ' + str(t)} (net {_signed(n)})"
            for lab, t, n in zip(th["label"], th["theme"], th["net_sentiment"], strict=True)
        ]
        page.chart(
            sec,
            charts.bar_chart(
                names,
                [float(x) for x in th["size"]],
                title="Themes by size, with net sentiment",
                value_label="messages in the sample",
                value_format="{:,.0f}",
            ),
        )
        page.table(sec, theme_rows(report, top=20), caption="Themes, largest first")
    else:
        page.paragraph(sec, "No themes: see the notes in the summary.")

    sec = page.section("Engagement in groups")
    g = report.groups.by_group
    if not g.empty:
        top = g.sort_values(
            ["members", "platform", "group_id"], ascending=[False, True, True], kind="stable"
        ).head(20)
        labels = [f"{p}: {gid}" for p, gid in zip(top["platform"], top["group_id"], strict=True)]
        page.chart(
            sec,
            charts.bar_chart(
                labels,
                [float(x) for x in top["members"]],
                title="Active members by group",
                value_label="members who wrote",
                value_format="{:,.0f}",
            ),
        )
        page.table(
            sec,
            group_rows(report),
            caption=f"Engagement per group and {report.period}",
            max_rows=500,
        )

    sec = page.section("Definitions")
    page.bullets(sec, DEFINITIONS + [f"SLA: a first reply within {r.sla_hours:g} hours."])
    return page


DEFINITIONS = [
    "A thread is opened by its first customer (member) message; brand messages are those by "
    "the brand handles in socialproof.toml or marked outbound in the export.",
    "First response time: from the opening message to the first brand reply after it.",
    "Resolution time: from the opening message to the last brand reply, when the customer did "
    "not write again after it; otherwise the thread is not resolved.",
    "Business-hours times count only the working hours and days in the settings, in the "
    "workspace timezone.",
    "Medians and 90th percentiles interpolate between ranked values.",
    "Net sentiment (Talkwalker): (positive - negative) / (positive + negative) member messages.",
    "Member-to-member threads: threads where a member replied to a different member.",
]
