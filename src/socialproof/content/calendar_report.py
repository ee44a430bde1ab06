"""Calendar views: rows for the terminal (week and month) and an accessible HTML page."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from socialproof.content.calendar import wall_clock
from socialproof.content.posts import platforms

if TYPE_CHECKING:
    from pathlib import Path

    from socialproof.content.calendar import Calendar
    from socialproof.content.posts import Post

_SHORT = {
    "instagram": "IG",
    "facebook": "FB",
    "x": "X",
    "linkedin": "LI",
    "tiktok": "TT",
    "youtube": "YT",
    "threads": "TH",
    "pinterest": "PIN",
    "bluesky": "BSKY",
}


def _name(pid: str | None) -> str:
    return str(platforms().get(pid or "", {}).get("name", pid or "?"))


def _label(post: Post) -> str:
    if post.title:
        return post.title
    first = post.text.strip().splitlines()[0] if post.text.strip() else post.source
    return first[:60] + ("…" if len(first) > 60 else "")


def week_rows(
    cal: Calendar, cleared: dict[str, str] | None = None, statuses: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """One row per post, and one per empty day so gaps show; ``cleared`` adds a column;
    ``statuses`` (by post source) replaces a file's status as a person should read it
    (``content.approvals.shown_status``)."""
    rows: list[dict[str, Any]] = []
    for day in cal.days:
        todays = [p for p in cal.posts if cal.local(p).date() == day]
        label = f"{day:%a %-d %b}"
        if not todays:
            empty = {"day": label, "time": "", "platform": "", "post": "(nothing planned)"}
            empty.update({"status": "", "pillar": "", "campaign": ""})
            if cleared is not None:
                empty["cleared"] = ""
            rows.append(empty)
        for p in todays:
            row: dict[str, Any] = {
                "day": label,
                "time": wall_clock(cal.local(p)),
                "platform": _name(p.platform),
                "post": _label(p),
                "status": (statuses or {}).get(p.source, p.status),
                "pillar": p.pillar or "",
                "campaign": p.campaign or "",
            }
            if cleared is not None:
                row["cleared"] = cleared.get(p.source, "")
            rows.append(row)
    return rows


def month_rows(cal: Calendar) -> list[dict[str, Any]]:
    """One row per week, one column per weekday; cells list 'HH:MM IG title' entries."""
    rows: list[dict[str, Any]] = []
    monday = cal.start - timedelta(days=cal.start.weekday())
    while monday < cal.end:
        row: dict[str, Any] = {"week of": f"{monday:%-d %b}"}
        for i in range(7):
            day = monday + timedelta(days=i)
            if not cal.start <= day < cal.end:
                row[f"{day:%a}"] = ""
                continue
            entries = [
                f"{wall_clock(cal.local(p))} {_SHORT.get(p.platform or '', p.platform or '?')} {_label(p)[:24]}"
                for p in cal.posts
                if cal.local(p).date() == day
            ]
            row[f"{day:%a}"] = f"{day.day}: " + "; ".join(entries) if entries else f"{day.day}"
        rows.append(row)
        monday += timedelta(days=7)
    return rows


def rows(
    cal: Calendar, cleared: dict[str, str] | None = None, statuses: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    return week_rows(cal, cleared, statuses) if cal.view == "week" else month_rows(cal)


def issue_lines(cal: Calendar) -> list[str]:
    """Gaps, clashes and notes as sentences."""
    out: list[str] = []
    for c in cal.clashes:
        out.append(
            f"Clash on {_name(c['platform'])}: '{c['first']}' and '{c['second']}' are "
            f"{c['minutes_apart']} minutes apart ({c['at']}). Space them out."
        )
    for g in cal.gaps:
        out.append(
            f"Gap on {_name(g['platform'])}: nothing from {g['from']} to {g['to']} "
            f"({g['days']} days; more than {g['threshold_days']})."
        )
    for p in cal.unscheduled:
        out.append(f"Unscheduled: {p.source} has no publish_at.")
    return out


def write_html(
    cal: Calendar,
    path: Path,
    *,
    cleared: dict[str, str] | None = None,
    statuses: dict[str, str] | None = None,
) -> Path:
    """An accessible HTML page: the plan as a table, cadence, gaps and clashes."""
    from socialproof.render.html import Report

    report = Report(
        title=cal.title,
        subtitle=f"{cal.start:%-d %b %Y} to {(cal.end - timedelta(days=1)):%-d %b %Y}, "
        f"times in {cal.tz.key}",
    )
    sec = report.section("Summary")
    report.kpis(
        sec,
        [
            ("posts planned", str(len(cal.posts))),
            ("platforms", str(len(cal.cadence))),
            ("clashes", str(len(cal.clashes))),
            ("gaps", str(len(cal.gaps))),
        ],
    )
    plan = report.section("Plan")
    report.table(plan, rows(cal, cleared, statuses), caption=f"{cal.title} (times in {cal.tz.key})")
    cad = report.section("Cadence")
    if cal.cadence:
        report.table(cad, cal.cadence, caption="Posts per week by platform, against the benchmark")
    else:
        report.paragraph(cad, "No posts in this period.")
    for note in cal.notes:
        report.paragraph(cad, note, kind="warn")
    issues = report.section("Gaps and clashes")
    lines = issue_lines(cal)
    if lines:
        report.bullets(issues, lines)
    else:
        report.paragraph(issues, "No gaps or clashes found.")
    return report.write(path)
