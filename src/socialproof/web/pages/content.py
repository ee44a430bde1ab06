"""Content: posts, the editor with lint as you type, the calendar, approvals and exports.

Rules live in the content package, as for the CLI: ``editing`` (lint a draft, the
safe fixes, saving), ``calendar`` (the calendar, rescheduling, and the export gate:
only cleared posts leave), ``approvals`` (tiers, no self-approval, the hash-chained
log, approvals lost on edit).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Form, Request

from socialproof.errors import SocialproofError, UsageError
from socialproof.web.templating import NavEntry, redirect, render, workspace

if TYPE_CHECKING:
    from fastapi.responses import HTMLResponse, Response

    from socialproof.content.posts import Post
    from socialproof.workspace import Workspace

router = APIRouter()
NAV = NavEntry("/content", "Content", order=50, description="Posts, calendar, approvals")

SUBNAV = (
    ("/content", "Posts"),
    ("/content/calendar", "Calendar"),
    ("/content/approvals", "Approvals"),
    ("/content/exports", "Exports"),
    ("/content/rules", "Lint rules"),
)


def _name(post: Post) -> str:
    assert post.path is not None
    return post.path.name


def _when(post: Post, ws: Workspace, fmt: str = "%a %-d %b %Y %H:%M") -> str:
    if post.publish_at is None:
        return ""
    from socialproof.content.calendar import wall_clock

    return wall_clock(post.publish_at.astimezone(ws.settings.tz), fmt)


def _rows(ws: Workspace) -> tuple[list[dict[str, Any]], list[str]]:
    from socialproof.content.approvals import clearance, shown_status
    from socialproof.content.editing import load_all

    posts, problems = load_all(ws)
    try:
        states = clearance(ws, posts)
    except SocialproofError as exc:  # e.g. a tampered approvals log: say so, still list
        states = {}
        problems.append(str(exc))
    rows = []
    for p in posts:
        state = states.get(p.source)
        rows.append(
            {
                "name": _name(p),
                "title": p.title or _name(p),
                "platform": p.platform or "",
                "when": _when(p, ws),
                "at": p.publish_at,  # the instant: "01:30 EDT" comes before "01:20 EST"
                "time": _when(p, ws, "%H:%M"),
                "day": p.publish_at.astimezone(ws.settings.tz).date().isoformat()
                if p.publish_at
                else "",
                "status": shown_status(p.status, state),
                "author": p.author or "",
                "summary": state.summary if state else "unknown",
                "ready": bool(state and not state.problems),
                "state": state,
                "post": p,
            }
        )
    return rows, problems


# -- posts and the editor -----------------------------------------------------------------


@router.get("/content")
def posts(request: Request) -> HTMLResponse:
    rows, problems = _rows(workspace(request))
    return render(
        request,
        "content/posts.html",
        title="Posts",
        subnav=SUBNAV,
        rows=rows,
        messages=[("warning", p) for p in problems],
        new_name="",
        new_title="",
    )


@router.post("/content/new", response_model=None)
def new_post(request: Request, name: str = Form(""), title: str = Form("")) -> Response:
    from socialproof.content.editing import new_post_text, save_post

    ws = workspace(request)
    name = name.strip()
    if name and not name.endswith(".md"):
        name += ".md"
    try:
        if not title.strip():
            raise UsageError("Give the post a title.", hint="e.g. Gift cards for the holidays.")
        save_post(ws, name, new_post_text(ws, title=title.strip()), new=True)
    except SocialproofError as exc:
        rows, problems = _rows(ws)
        return render(
            request,
            "content/posts.html",
            title="Posts",
            subnav=SUBNAV,
            rows=rows,
            messages=[("error", str(exc))],
            status_code=exc.http_status,
            new_name=name,
            new_title=title,
            new_error=str(exc),
        )
    return redirect(f"/content/edit/{name}", message=f"Created content/{name}.")


def _editor(
    request: Request,
    name: str,
    raw: str,
    *,
    messages: list[tuple[str, str]] | None = None,
    status_code: int = 200,
    error: str | None = None,
    version: str | None = None,
) -> HTMLResponse:
    from socialproof.content.editing import post_path
    from socialproof.web.versions import version_of

    ws = workspace(request)
    lint, lint_error = _lint(ws, raw, name)
    return render(
        request,
        "content/edit.html",
        title=f"Edit {name}",
        subnav=SUBNAV,
        name=name,
        raw=raw,
        version=version_of(post_path(ws, name)) if version is None else version,
        draft=lint,
        lint_error=lint_error,
        error=error,
        messages=messages or [],
        status_code=status_code,
    )


def _lint(ws: Workspace, raw: str, name: str) -> tuple[Any, str | None]:
    from socialproof.content.editing import lint_draft

    try:
        return lint_draft(ws, raw, name=name), None
    except SocialproofError as exc:
        return None, str(exc)


@router.get("/content/edit/{name}")
def edit(request: Request, name: str) -> HTMLResponse:
    from socialproof.content.editing import post_path, read_post
    from socialproof.web.versions import version_of

    ws = workspace(request)
    version = version_of(post_path(ws, name))  # before the text: a save between is seen
    return _editor(request, name, read_post(ws, name), version=version)


@router.post("/content/edit/{name}/lint")
def lint(request: Request, name: str, text: str = Form("")) -> HTMLResponse:
    from socialproof.content.editing import check_name

    check_name(name)
    draft, error = _lint(workspace(request), text, name)
    return render(request, "content/_lint.html", draft=draft, lint_error=error, name=name)


@router.post("/content/edit/{name}", response_model=None)
def save(
    request: Request,
    name: str,
    text: str = Form(""),
    action: str = Form("save"),
    version: str = Form(""),
) -> Response:
    from socialproof.content.editing import fix_draft, post_path, save_post
    from socialproof.web.versions import check

    ws = workspace(request)
    try:
        check(post_path(ws, name), version, f"content/{name}")
        note = ""
        if action == "fix":
            text, count = fix_draft(ws, text, name=name)
            note = f"Applied {count} safe fix{'es' if count != 1 else ''} and saved. "
        post = save_post(ws, name, text)
    except SocialproofError as exc:
        return _editor(
            request,
            name,
            text,
            messages=[("error", f"Not saved: {exc}")],
            status_code=exc.http_status,
            error=str(exc),
            version=version,
        )
    status = f" Status is now {post.status}." if post.status == "in-review" else ""
    return redirect(f"/content/edit/{name}", message=f"{note}Saved content/{name}.{status}")


# -- calendar -----------------------------------------------------------------------------


def _parse_day(value: str | None, what: str) -> date | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"{what} {value!r} is not a date.", hint="Use YYYY-MM-DD.") from None
    if not 1970 <= day.year <= 2999:
        raise UsageError(f"{what} {value} is out of range.", hint="Check the year.")
    return day


def _platform_of(platform: str) -> str:
    """The Platform field of the calendar (the CLI's 'calendar --platform'): "" for every
    platform, else the platform's id (a name or alias, as the command reads it)."""
    from socialproof.content.posts import resolve_platform

    return resolve_platform(platform, where="Platform") if platform.strip() else ""


@router.get("/content/calendar")
def calendar(
    request: Request, view: str = "week", start: str | None = None, platform: str = ""
) -> HTMLResponse:
    from urllib.parse import urlencode

    from socialproof.content.calendar import build_calendar

    ws = workspace(request)
    if view not in ("week", "month"):
        raise UsageError(f"Unknown view {view!r}.", hint="Use week or month.")
    rows, problems = _rows(ws)
    platforms = sorted({r["post"].platform for r in rows if r["post"].platform})
    refused: list[tuple[str, str]] = []
    try:
        pid = _platform_of(platform)
    except SocialproofError as exc:  # kept and marked; the calendar of every platform below
        pid = ""
        refused.append(("error", f"{exc} Showing every platform."))
    if pid:
        rows = [r for r in rows if r["post"].platform == pid]
    posts = [r["post"] for r in rows]
    cal = build_calendar(
        posts,
        tz=ws.settings.tz,
        view=view,
        start=_parse_day(start, "start"),
        industry=ws.settings.industry,
    )
    by_day: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        if r["day"]:
            by_day.setdefault(r["day"], []).append(r)
    first = cal.start - timedelta(days=cal.start.weekday())
    last = cal.end + timedelta(days=(7 - cal.end.weekday()) % 7)
    days = [first + timedelta(days=i) for i in range((last - first).days)]
    step = timedelta(days=7) if view == "week" else timedelta(days=31)
    prev_start = (cal.start - step).replace(day=1) if view == "month" else cal.start - step
    return render(
        request,
        "content/calendar.html",
        title=cal.title.replace("Content calendar: ", "Calendar: "),
        subnav=SUBNAV,
        cal=cal,
        view=view,
        days=[
            {
                "iso": d.isoformat(),
                "label": d.strftime("%a %-d %b"),
                "outside": not cal.start <= d < cal.end,
                "posts": sorted(by_day.get(d.isoformat(), []), key=lambda r: r["at"]),
            }
            for d in days
        ],
        start=cal.start.isoformat(),
        prev_start=prev_start.isoformat(),
        next_start=(cal.end if view == "month" else cal.start + step).isoformat(),
        unscheduled=[r for r in rows if not r["day"]],
        tz=ws.settings.tz.key,
        messages=[*refused, *(("warning", p) for p in problems)],
        status_code=422 if refused else 200,
        platforms=platforms,
        platform=platform.strip(),
        platform_invalid=bool(refused),
        chosen_platform=pid,
        # the platform chosen, kept in the period links (none when refused)
        keep="&" + urlencode({"platform": pid}) if pid else "",
    )


@router.get("/content/calendar.html", response_model=None)
def calendar_html(
    request: Request, view: str = "week", start: str | None = None, platform: str = ""
) -> Response:
    """The week or month shown as the self-contained HTML file 'calendar --html' writes
    (for the platform chosen, as --platform)."""
    import tempfile
    from pathlib import Path

    from fastapi.responses import Response as Plain

    from socialproof.content.approvals import clearance
    from socialproof.content.calendar import build_calendar
    from socialproof.content.calendar_report import write_html

    ws = workspace(request)
    if view not in ("week", "month"):
        raise UsageError(f"Unknown view {view!r}.", hint="Use week or month.")
    pid = _platform_of(platform)
    posts = [r["post"] for r in _rows(ws)[0] if not pid or r["post"].platform == pid]
    cal = build_calendar(
        posts,
        tz=ws.settings.tz,
        view=view,
        start=_parse_day(start, "start"),
        industry=ws.settings.industry,
    )
    states = clearance(ws, cal.posts)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_html(
            cal,
            Path(tmp) / "calendar.html",
            cleared={k: v.summary for k, v in states.items()},
            statuses={k: v.shown_status for k, v in states.items()},
        )
        body = path.read_bytes()
    return Plain(
        body,
        media_type="text/html; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="calendar.html"'},
    )


@router.post("/content/calendar/move", response_model=None)
def move(
    request: Request,
    name: str = Form(""),
    day: str = Form(""),
    view: str = Form("week"),
    start: str = Form(""),
    platform: str = Form(""),
) -> Response:
    from urllib.parse import urlencode

    from socialproof.content.calendar import reschedule
    from socialproof.content.editing import post_path

    ws = workspace(request)
    view = view if view in ("week", "month") else "week"
    back = f"/content/calendar?view={view}" + (f"&start={start}" if _safe_day(start) else "")
    if platform.strip():  # back to the platform shown
        try:
            back += "&" + urlencode({"platform": _platform_of(platform)})
        except SocialproofError:
            pass
    try:
        new_day = _parse_day(day, "The new date")
        if new_day is None:
            raise UsageError("Choose the new date.", hint="Use the date field next to the post.")
        post = reschedule(ws, post_path(ws, name), new_day)
    except SocialproofError as exc:
        return redirect(back, message=f"Not moved: {exc}", kind="error")
    note = " It needs approval again." if post.status == "in-review" else ""
    return redirect(back, message=f"Moved {name} to {_when(post, ws)}.{note}")


def _safe_day(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


# -- approvals ----------------------------------------------------------------------------


@router.get("/content/approvals/log.{kind}", response_model=None)
def approvals_log(request: Request, kind: str) -> Response:
    """Every entry of the approvals log, oldest first, after it verifies (as 'socialproof
    approvals log'), as a formula-safe CSV or an XLSX file: the page lists the last 50."""
    from socialproof.content.approvals import log_rows, verify_log
    from socialproof.web.tables import TableView, download_response

    ws = workspace(request)
    verify_log(ws)  # a tampered log is refused with what is wrong, as on the command line
    columns = ["n", "at", "post", "decision", "by", "role", "tier", "reason", "version", "hash"]
    return download_response(TableView(columns, log_rows(ws)), kind, "approvals-log")


@router.get("/content/approvals")
def approvals(request: Request) -> HTMLResponse:
    from socialproof.content.approvals import log_rows, tiers_for, verify_log

    ws = workspace(request)
    rows, problems = _rows(ws)
    try:
        count, head = verify_log(ws)
        log = log_rows(ws)[-50:][::-1]
        verified = f"The approvals log verifies: {count} entries, head {head[:16]}…"
    except SocialproofError as exc:
        log, verified, count = [], "", 0
        problems.append(str(exc))
    roles = sorted({r for t in tiers_for(ws) for r in t.roles})
    for r in rows:
        post = r["post"]
        r["roles"] = sorted({role for t in tiers_for(ws, post.industry) for role in t.roles})
    return render(
        request,
        "content/approvals.html",
        title="Approvals",
        subnav=SUBNAV,
        rows=rows,
        roles=roles,
        log=log,
        log_count=count,
        verified=verified,
        owner_name=ws.settings.owner or "",
        messages=[("error", p) for p in problems],
    )


@router.post("/content/approvals/decide", response_model=None)
def decide(
    request: Request,
    name: str = Form(""),
    who: str = Form(""),
    role: str = Form(""),
    action: str = Form("approve"),
    reason: str = Form(""),
) -> Response:
    from socialproof.content.approvals import approve
    from socialproof.content.editing import post_path

    ws = workspace(request)
    try:
        if action not in ("approve", "reject"):
            raise UsageError(f"Unknown action {action!r}.", hint="Approve or reject.")
        entry, state = approve(
            ws,
            post_path(ws, name),
            approver=who,
            role=role,
            reject=action == "reject",
            reason=reason or None,
        )
    except SocialproofError as exc:
        return redirect("/content/approvals", message=f"Not recorded: {exc}", kind="error")
    verb = "Rejected" if action == "reject" else "Approved"
    rest = "; ".join(state.problems) or f"all tiers approved; status is {state.status}"
    return redirect(
        "/content/approvals",
        message=f"{verb} {name} as {entry['approver']} ({entry['role']}), log entry {entry['n']}. "
        f"Now: {rest}.",
    )


@router.post("/content/approvals/schedule", response_model=None)
def schedule(request: Request, name: str = Form(""), who: str = Form("")) -> Response:
    from socialproof.content.approvals import schedule as do_schedule
    from socialproof.content.editing import post_path

    ws = workspace(request)
    try:
        do_schedule(ws, post_path(ws, name), by=who)
    except SocialproofError as exc:
        return redirect("/content/approvals", message=f"Not scheduled: {exc}", kind="error")
    return redirect("/content/approvals", message=f"Scheduled {name}.")


# -- exports ------------------------------------------------------------------------------

EXPORT_LABELS = {
    "ical": "iCalendar (.ics) for a calendar app",
    "buffer": "Buffer bulk upload (CSV)",
    "hootsuite": "Hootsuite Bulk Composer (CSV)",
}


def _export(
    ws: Workspace,
    kind: str,
    view: str,
    start: str | None,
    platform: str = "",
    uncleared: bool = False,
) -> Any:
    """The export, what it holds in words, and the platforms of the planned posts (Buffer
    and Hootsuite publish a file on one channel: ``platform`` keeps one, as the CLI's
    --platform does; ``uncleared`` is its --include-uncleared)."""
    from socialproof.content.calendar import EXPORT_KINDS, build_calendar, export_posts
    from socialproof.content.editing import load_all
    from socialproof.content.posts import resolve_platform

    if kind not in EXPORT_KINDS:
        raise UsageError(
            f"Unknown export {kind!r}.", hint=f"Use one of: {', '.join(EXPORT_KINDS)}."
        )
    if view not in ("week", "month", "all"):
        raise UsageError(f"Unknown period {view!r}.", hint="Use week, month or all.")
    posts, _ = load_all(ws)
    found = sorted({p.platform for p in posts if p.platform})
    if platform.strip():
        pid = resolve_platform(platform, where="Platform")
        posts = [p for p in posts if p.platform == pid]
    chosen = posts
    label = "every planned post"
    if view != "all":
        cal = build_calendar(
            posts, tz=ws.settings.tz, view=view, start=_parse_day(start, "start"), industry=None
        )
        chosen, label = cal.posts, cal.title.split(": ", 1)[1]
    return export_posts(ws, kind, chosen, include_uncleared=uncleared), label, found


@router.get("/content/exports")
def exports(
    request: Request,
    kind: str = "ical",
    view: str = "all",
    start: str | None = None,
    platform: str = "",
    uncleared: str = "",
) -> HTMLResponse:
    from urllib.parse import urlencode

    ws = workspace(request)
    result, label, found = _export(ws, kind, view, start, platform, bool(uncleared))
    asked = {"kind": kind, "view": view, "start": start or "", "platform": platform.strip()}
    if uncleared:
        asked["uncleared"] = "1"
    return render(
        request,
        "content/exports.html",
        title="Exports",
        subnav=SUBNAV,
        kinds=EXPORT_LABELS,
        kind=kind,
        view=view,
        start=start or "",
        label=label,
        platform=platform.strip(),
        platforms=found,
        download_url="/content/exports/download?" + urlencode(asked),
        result=result,
        names={s: s.rsplit("/", 1)[-1] for s in result.left_out},
        tz=ws.settings.tz.key,
        uncleared=bool(uncleared),
    )


@router.get("/content/exports/download", response_model=None)
def download(
    request: Request,
    kind: str = "ical",
    view: str = "all",
    start: str | None = None,
    platform: str = "",
    uncleared: str = "",
) -> Response:
    from fastapi.responses import Response as Plain

    result, _, _ = _export(workspace(request), kind, view, start, platform, bool(uncleared))
    data = result.data.encode("utf-8") if isinstance(result.data, str) else result.data
    return Plain(
        data,
        media_type=f"{result.media_type}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{result.filename}"'},
    )
