"""Community: the inbox (threads waiting for an answer), moderation, themes, sentiment.

Every figure comes from the community package the CLI uses: ``inbox.waiting_threads``
and ``stored_themes``, ``queue.moderation_queue``, ``decisions.record_decision`` and
``suggest_thresholds``, ``scoring.sentiment_by_period``. Scoring messages and finding
themes take seconds to minutes, so they run as background jobs started by a POST.

The inbox reads the *stored* inbox (``inbox.stored_inbox``, ``stored_sentiment``): a
small query at any size. A background job (``inbox.refresh_inbox``) brings it up to
date at ``serve`` start, after every other job (an import, a scoring run), after an
undo, and on the page's "Update now" button; until it has, the page shows the stored
result and says an update is pending. A small workspace (up to ``INLINE_MAX``
messages) whose stored inbox is not current is computed on the spot instead, in
memory (a GET never writes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from fastapi import APIRouter, Form, Request

from socialproof.errors import NoData, SocialproofError
from socialproof.web.templating import (
    NavEntry,
    cached,
    is_htmx,
    redirect,
    render,
    runner,
    workspace,
)
from socialproof.web.worker import stoppable

_T = TypeVar("_T")

if TYPE_CHECKING:
    from collections.abc import Callable

    from fastapi.responses import HTMLResponse, Response

    from socialproof.community.threads import Scope
    from socialproof.web.jobs import Job
    from socialproof.workspace import Workspace

router = APIRouter()
NAV = NavEntry("/community", "Community", order=40, description="Inbox, moderation, themes")

SUBNAV = (
    ("/community", "Inbox"),
    ("/community/moderation", "Moderation"),
    ("/community/themes", "Themes"),
    ("/community/report", "Report"),
    ("/community/analyse", "Analyse a file"),
)
PERIODS = (("week", "Week"), ("day", "Day"), ("month", "Month"))
QUEUE_SHOWN = 100
#: The fields of the Find themes form.
THEMES_FIELDS = ("k", "platform", "group", "since", "until")


class _Refused(Exception):
    """A form's value refused: the library's error and the form fields it is about."""

    def __init__(self, error: SocialproofError, fields: tuple[str, ...]) -> None:
        super().__init__(str(error))
        self.error = error
        self.fields = fields


def _field(fields: tuple[str, ...], check: Callable[[], _T]) -> _T:
    """``check()``, its error naming ``fields`` (marked aria-invalid on the form)."""
    try:
        return check()
    except SocialproofError as exc:
        raise _Refused(exc, fields) from None


def _dates(since: str, until: str) -> tuple[Any, Any]:
    """A form's From and To, each refused on its own field, their order on both."""
    from socialproof.web.periods import parse_range

    _field(("since",), lambda: parse_range(since, ""))
    _field(("until",), lambda: parse_range("", until))
    return _field(("since", "until"), lambda: parse_range(since, until))


def _scope(platform: str | None) -> Any:
    from socialproof.community.threads import parse_scope

    return parse_scope(None, None, (platform or "").strip() or None, None)


def _settings_key(ws: Any) -> str:
    """The settings results depend on (the settings file changes apart from the database)."""
    return str(ws.settings.model_dump_json())


def _sentiment(ws: Any) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    from socialproof.community.scoring import sentiment_by_period

    try:
        df = sentiment_by_period(ws, period="week")
    except NoData:
        return [], None
    return _sentiment_rows(df)


def _sentiment_rows(df: Any) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    from socialproof.community.report import sentiment_chart

    rows = [
        {
            "week": str(r["period"])[:10],
            "messages": int(r["messages"]),
            "positive": int(r["positive"]),
            "neutral": int(r["neutral"]),
            "negative": int(r["negative"]),
            "net_sentiment": None
            if r["net_sentiment"] is None or r["net_sentiment"] != r["net_sentiment"]
            else round(float(r["net_sentiment"]), 3),
        }
        for r in df.to_dict("records")
    ]
    if not rows:
        return [], None
    # the community report's chart (weeks with too few scored messages left off the line)
    return rows, sentiment_chart(df, "week").spec


#: Waiting threads listed on the inbox page (oldest first); the count covers them all.
INBOX_SHOWN = 200
#: Up to this many messages, an inbox whose stored copy is not current is computed on the
#: spot (well under a second); above it the page shows the stored copy and what is pending.
INLINE_MAX = 20_000
REFRESH_TITLE = "Update the inbox"


def refresh_job(ws: Any) -> Callable[[Job], None]:
    """The background work that brings the stored inbox up to date."""

    def work(job: Job) -> None:
        from socialproof.community.inbox import refresh_inbox

        job.update(0, 0, "checking what changed")
        done = refresh_inbox(ws, progress=job.update)
        job.update(1, 1, ("updated: " + ", ".join(done)) if done else "already current")
        job.link = "/community"

    return work


def warm(ws: Any, jobs: Any) -> None:
    """For ``serve``: bring the stored inbox up to date after every job (and on
    ``jobs.after_write()``, which the app calls once at start)."""
    jobs.follow_with(REFRESH_TITLE, refresh_job(ws))


def _inline_inbox(ws: Any, scope: Any) -> tuple[list[Any], float, list[str]]:
    from socialproof.community.inbox import waiting_threads

    return waiting_threads(ws, scope)


#: No inbox has more pages than this (a million threads make 5,000); larger numbers are cut
#: to it, so an offset always fits the database's integers.
MAX_PAGE = 1_000_000


def _page_number(text: str | None) -> int:
    """The inbox page asked for (1 for a missing or malformed one)."""
    try:
        return min(MAX_PAGE, max(1, int((text or "1").strip())))
    except ValueError:
        return 1


@router.get("/community")
def inbox(request: Request, platform: str | None = None, page: str | None = None) -> HTMLResponse:
    from socialproof.community.inbox import member_counts, stored

    ws = workspace(request)
    messages: list[tuple[str, str]] = []
    number = _page_number(page)
    offset = (number - 1) * INBOX_SHOWN
    scope = _scope(platform)
    settings = _settings_key(ws)
    rows: list[Any] = []
    total = over = 0
    sla, notes = float(ws.settings.community.sla_hours), []
    pending = False
    computed_at = None
    sentiment: list[dict[str, Any]] = []
    spec: dict[str, Any] | None = None
    unscored = 0
    try:
        kept = cached(
            request,
            ("community-stored", platform or "", settings, offset),
            lambda: stored(ws, scope.platform, limit=INBOX_SHOWN, offset=offset),
        )
    except NoData as exc:
        messages.append(("info", str(exc)))
        kept = None
    if kept is not None:
        small = kept.messages <= INLINE_MAX
        t = kept.threads
        if t is not None and (t.current or not small):
            rows, total, over, sla, notes = t.rows, t.total, t.over, t.sla_hours, t.notes
            pending, computed_at = not t.current, t.computed_at
        elif small:
            try:
                key = ("community-waiting", platform or "", settings)
                found, sla, notes = cached(request, key, lambda: _inline_inbox(ws, scope))
            except NoData as exc:
                messages.append(("info", str(exc)))
            else:
                rows, total = found[offset : offset + INBOX_SHOWN], len(found)
                over = sum(1 for r in found if r.sla_state == "over SLA")
        else:
            pending = True
        s = kept.sentiment
        if s is not None and (s.current or not small):
            sentiment, spec = _sentiment_rows(s.weeks)
            unscored = s.pending
            pending = pending or not s.current
        elif small:
            sentiment, spec = cached(
                request, ("community-sentiment", settings), lambda: _sentiment(ws)
            )
            counts = cached(request, ("community-members", settings), lambda: member_counts(ws))
            unscored = max(0, counts["members"] - counts["scored"])
        else:
            pending = True
    pages = max(1, -(-total // INBOX_SHOWN))
    if number > pages and total:
        messages.append(("info", f"There are {pages} pages of waiting threads, not {number}."))
    job = runner(request).latest(REFRESH_TITLE)
    return render(
        request,
        "community/inbox.html",
        title="Community inbox",
        subnav=SUBNAV,
        rows=rows,
        first_shown=offset + 1,
        page=number,
        pages=pages,
        waiting_total=total,
        sla=sla,
        over=over,
        notes=notes,
        platform=platform or "",
        sentiment=sentiment,
        spec=spec,
        unscored=unscored,
        pending=pending,
        computed_at=str(computed_at)[:16] if computed_at is not None else "",
        refresh_job=job if job is not None and job.running else None,
        messages=messages,
    )


@router.post("/community/refresh")
def refresh(request: Request) -> Response:
    ws = workspace(request)
    jobs = runner(request)
    job = jobs.latest(REFRESH_TITLE)
    if job is None or not job.running:
        job = jobs.submit(REFRESH_TITLE, refresh_job(ws), follow_up=True)
    if is_htmx(request):
        return render(request, "_job.html", j=job)
    return redirect(f"/jobs/{job.id}", message="Updating the inbox.")


#: The moderation queue's filters, as 'community queue' takes them (--platform, --group,
#: --since, --until): GET parameters kept in its paging links, downloads and cache key.
QUEUE_FILTERS = ("platform", "group", "since", "until")


def _queue_filters(asked: Any) -> dict[str, str]:
    """The queue's filters from a query (or a form), "" when not given."""
    return {k: str(asked.get(k) or "").strip() for k in QUEUE_FILTERS}


def _queue_scope(filters: dict[str, str]) -> Any:
    """The filters as a :class:`Scope`; a refused date raises :class:`_Refused` naming it."""
    from socialproof.community.threads import Scope

    start, end = _dates(filters["since"], filters["until"])
    return Scope(start, end, filters["platform"].lower() or None, filters["group"] or None)


def _queue_context(
    ws: Any, show_dismissed: bool, page: int = 1, scope: Any = None
) -> dict[str, Any]:
    from socialproof.community.decisions import decisions, suggest_thresholds
    from socialproof.community.queue import moderation_queue

    offset = (page - 1) * QUEUE_SHOWN
    try:  # one more than shown: whether a next page exists
        q = moderation_queue(
            ws, scope, limit=QUEUE_SHOWN + 1, offset=offset, include_dismissed=show_dismissed
        )
        flags = [{str(k): v for k, v in r.items()} for r in q.to_dict("records")]
        scored, empty_note = True, ""
    except NoData as exc:  # filtered: nothing in the scope (said why), not 'not scored'
        filtered = scope is not None and any(
            v is not None for v in (scope.since, scope.until, scope.platform, scope.group)
        )
        flags, scored, empty_note = [], filtered, str(exc) if filtered else ""
    more = len(flags) > QUEUE_SHOWN
    flags = flags[:QUEUE_SHOWN]
    for f in flags:
        f["created_local"] = str(f.get("created_local") or "")[:16]
    recent = decisions(ws).head(50)
    return {
        "flags": flags,
        "scored": scored,
        "empty_note": empty_note,
        "show_dismissed": show_dismissed,
        "decided": [
            {
                "when": str(r["decided_at"])[:16],
                "platform": r["platform"],
                "message": r["message_id"],
                "flag": r["flag"],
                "decision": r["decision"],
                "by": r["decided_by"],
                "note": r["note"] if isinstance(r["note"], str) else "",
            }
            for r in recent.to_dict("records")
        ],
        "suggestions": suggest_thresholds(ws),
        "shown": QUEUE_SHOWN,
        "first": offset + 1,
        "more": more,
    }


def queue_key(
    ws: Any, show_dismissed: bool, page: int = 1, filters: dict[str, str] | None = None
) -> tuple[Any, ...]:
    """The result cache's key of the moderation queue: the workspace's moderation.yaml
    (thresholds, rules) changes apart from the database, so its state is part of it."""
    from socialproof.community.moderation import WORKSPACE_FILE

    try:
        st = (ws.root / WORKSPACE_FILE).stat()
        rules: tuple[int, int] = (st.st_size, st.st_mtime_ns)
    except OSError:
        rules = (0, 0)
    # only the filters given: the first view (no filter) keys as the start-up job keys it
    asked = tuple(sorted((k, v) for k, v in (filters or {}).items() if v))
    return ("community-queue", show_dismissed, page, asked, rules, _settings_key(ws))


def warm_queue(ws: Any, cache: Any) -> None:
    """The moderation queue as first shown, prepared in the background (web/precompute.py)."""
    cache.get(ws, queue_key(ws, False), lambda: _queue_context(ws, False))


def _queue_query(dismissed: bool, filters: dict[str, str] | None = None) -> str:
    """The queue's query string (the filters given, and whether dismissed flags show)."""
    from urllib.parse import urlencode

    given = [(k, v) for k, v in (filters or {}).items() if v]
    return urlencode(given + ([("show", "dismissed")] if dismissed else []))


def _moderation_url(dismissed: bool, page: int, filters: dict[str, str] | None = None) -> str:
    query = "&".join(
        q for q in (_queue_query(dismissed, filters), f"page={page}" if page > 1 else "") if q
    )
    return "/community/moderation" + ("?" + query if query else "")


@router.get("/community/moderation")
def moderation(request: Request, show: str | None = None, page: str | None = None) -> HTMLResponse:
    from socialproof.web.cache import kept_or_pending

    ws = workspace(request)
    dismissed = show == "dismissed"
    number = _page_number(page)
    filters = _queue_filters(request.query_params)
    shared: dict[str, Any] = {
        "title": "Moderation queue",
        "subnav": SUBNAV,
        "owner_name": ws.settings.owner or "",
        "show_dismissed": dismissed,
        "page": number,
        "filters": filters,
        "query": _queue_query(dismissed, filters),
        "filter_query": _queue_query(False, filters),
        "filtered": any(filters.values()),
        "refused": False,
    }
    try:
        scope = _queue_scope(filters)
    except _Refused as refused:  # the form again, as typed, the refused field marked
        return render(
            request,
            "community/moderation.html",
            status_code=refused.error.http_status,
            messages=[("error", str(refused.error))],
            invalid=refused.fields,
            queue_pending=False,
            **(shared | {"refused": True}),
        )
    ready, context = kept_or_pending(
        request,
        queue_key(ws, dismissed, number, filters),
        lambda: _queue_context(ws, dismissed, number, scope),
    )
    return render(
        request,
        "community/moderation.html",
        queue_pending=not ready,
        again=_moderation_url(dismissed, number, filters),
        invalid=(),
        **shared,
        **({k: v for k, v in context.items() if k != "show_dismissed"} if context else {}),
    )


@router.get("/community/moderation/queue.{kind}", response_model=None)
def queue_download(request: Request, kind: str, show: str | None = None) -> Response:
    """Every flag of the queue the filters keep (dismissed ones too with ``show=dismissed``)
    as a formula-safe CSV or an XLSX file, as 'socialproof community queue --format csv'
    lists them."""
    from socialproof.community.queue import moderation_queue
    from socialproof.web.tables import download_response, view

    try:
        scope = _queue_scope(_queue_filters(request.query_params))
    except _Refused as refused:
        raise refused.error from None
    flags = moderation_queue(workspace(request), scope, include_dismissed=show == "dismissed")
    return download_response(view(flags), kind, "moderation-queue")


@router.post("/community/moderation/decide", response_model=None)
def decide(
    request: Request,
    message_id: str = Form(""),
    platform: str = Form(""),
    decision: str = Form(""),
    who: str = Form(""),
    note: str = Form(""),
    slot: str = Form(""),
    page: str = Form(""),
    show: str = Form(""),
    filters: str = Form(""),
) -> Response:
    from urllib.parse import parse_qs

    from socialproof.community.decisions import record_decision

    kept = _queue_filters({k: v[0] for k, v in parse_qs(filters).items()})
    # without JS: the same page, filtered as it was
    back = _moderation_url(show == "dismissed", _page_number(page), kept)

    ws = workspace(request)
    try:
        d = record_decision(
            ws,
            message_id,
            decision,
            platform=platform or None,
            who=who.strip() or None,  # a blank "Decided by" is the owner, as when left empty
            note=note,
        )
    except SocialproofError as exc:
        if is_htmx(request):
            return render(
                request,
                "community/_decision.html",
                ok=False,
                text=str(exc),
                status_code=exc.http_status,
            )
        return redirect(back, message=str(exc), kind="error")
    runner(request).after_write()  # stored results and warmed pages catch up
    verb = "Confirmed" if d.decision == "confirm" else "Dismissed"
    text = f"{verb} the {d.flag} flag on message {d.message_id} ({d.platform}) as {d.decided_by}."
    if d.decision == "dismiss":
        text += " It will not be raised again unless the text changes."
    if is_htmx(request):
        return render(request, "community/_decision.html", ok=True, text=text)
    return redirect(back, message=text)


@router.post("/community/moderation/thresholds", response_model=None)
def apply_suggested_thresholds(request: Request) -> Response:
    """Write the thresholds the decisions suggest into moderation.yaml (as ``socialproof
    community decisions --apply``); the page says what changed, or why nothing did."""
    from socialproof.community.decisions import apply_thresholds, suggest_thresholds

    ws = workspace(request)
    try:
        path, changes = apply_thresholds(ws, suggest_thresholds(ws))
    except SocialproofError as exc:
        return redirect("/community/moderation", message=f"Nothing applied: {exc}", kind="error")
    if not changes:
        return redirect(
            "/community/moderation",
            message="Nothing applied: the decisions do not suggest a threshold yet.",
            kind="warning",
        )
    runner(request).after_write()  # stored results and warmed pages catch up
    return redirect(
        "/community/moderation",
        message=f"Applied in {path.name}: {'; '.join(changes)}. "
        "The next scoring (Score new messages) re-scores with it.",
    )


def _score_messages(ws: Workspace, *, progress: Callable[[int, int, str], None]) -> tuple[int, int]:
    """Score the new member messages (in the job's worker process: a Stop ends it before it
    commits); messages scored now, and already."""
    from socialproof.community.scoring import score_messages

    progress(0, 0, "loading the text models")
    result = score_messages(
        ws, progress=lambda done, total: progress(done, total, f"{done:,} of {total:,}")
    )
    return result.scored, result.already


def _discover_themes(
    ws: Workspace, scope: Scope, k: str | int, *, progress: Callable[[int, int, str], None]
) -> str:
    """Find and store the themes (in the job's worker process); what was found."""
    from socialproof.community.scoring import discover_themes

    progress(0, 0, "grouping member messages")
    result = discover_themes(ws, scope, k=k)
    return f"{len(result.themes)} themes in {result.sample_size:,} messages"


@router.post("/community/score")
def score(request: Request) -> Response:
    ws = workspace(request)

    def work(job: Job) -> None:
        from socialproof.web.worker import run_stoppable

        scored, already = run_stoppable(job, ws, _score_messages)
        job.update(1, 1, f"{scored:,} messages scored; {already:,} already were")
        job.link = "/community/moderation"

    job = runner(request).submit("Score new member messages", work)
    job.data["stoppable"] = stoppable(ws)
    if is_htmx(request):
        return render(request, "_job.html", j=job)
    return redirect(f"/jobs/{job.id}", message="Scoring started.")


@router.get("/community/themes")
def themes(request: Request, top: str = "") -> HTMLResponse:
    """The stored themes; ``top`` shows the largest N alone ('community themes --top N')."""
    from socialproof.web.shown import parse_top

    try:
        shown = parse_top(top, "themes")
    except SocialproofError as exc:
        return _themes_page(
            request, status_code=exc.http_status, messages=[("error", str(exc))],
            invalid=("top",), top_text=top.strip()[:40],
        )  # fmt: skip
    return _themes_page(request, top=shown, top_text=top.strip()[:40])


def _themes_page(
    request: Request,
    *,
    status_code: int = 200,
    form: dict[str, str] | None = None,
    invalid: tuple[str, ...] = (),
    messages: list[tuple[str, str]] | None = None,
    top: int | None = None,
    top_text: str = "",
) -> HTMLResponse:
    from socialproof.community.inbox import stored_themes
    from socialproof.community.scoring_themes import ALL_MESSAGES

    ws = workspace(request)
    stored = cached(request, ("community-themes",), lambda: stored_themes(ws))
    return render(
        request,
        "community/themes.html",
        status_code=status_code,
        messages=messages,
        title="Conversation themes",
        subnav=SUBNAV,
        themes=stored[:top] if top else stored,
        stored_count=len(stored),
        top=top_text,
        # the run's scope, in words (themes stored before it was recorded: every message)
        scope=(stored[0].get("scope") or ALL_MESSAGES) if stored else "",
        form=form or dict.fromkeys(THEMES_FIELDS, ""),
        invalid=invalid,
    )


@router.get("/community/themes/{theme_id}")
def theme(request: Request, theme_id: int) -> HTMLResponse:
    from socialproof.community.inbox import stored_themes, theme_messages
    from socialproof.errors import NotFound

    ws = workspace(request)
    found = [t for t in stored_themes(ws) if int(t["theme_id"]) == theme_id]
    if not found:
        raise NotFound(f"There is no theme {theme_id}.", hint="Pick one from the themes page.")
    return render(
        request,
        "community/theme.html",
        title=f"Theme: {found[0]['label']}",
        subnav=SUBNAV,
        theme=found[0],
        rows=theme_messages(ws, theme_id),
    )


def parse_themes_k(text: str) -> str | int:
    """The form's number of themes: blank or 'auto' to choose, else a number of 2 or more."""
    from socialproof.errors import BadInput

    value = text.strip().lower()
    if value in ("", "auto"):
        return "auto"
    try:
        k = int(value)
    except ValueError:
        k = 0
    if k < 2:
        raise BadInput(
            f"The number of themes {text.strip()!r} is not a whole number of 2 or more.",
            hint="For example 12, or leave it blank to choose automatically.",
        )
    return k


@router.post("/community/themes/find", response_model=None)
def find_themes(
    request: Request,
    k: str = Form(""),
    since: str = Form(""),
    until: str = Form(""),
    platform: str = Form(""),
    group: str = Form(""),
) -> Response:
    """Find themes again (as ``socialproof community themes``), in the scope the CLI's
    --since, --until, --platform and --group give."""
    from socialproof.community.threads import Scope

    ws = workspace(request)
    form = {"k": k, "platform": platform, "group": group, "since": since, "until": until}
    try:
        themes_k = _field(("k",), lambda: parse_themes_k(k))
        start, end = _dates(since, until)
    except _Refused as refused:
        exc = refused.error
        if is_htmx(request):  # the message, and the fields marked (swapped out of band)
            return render(
                request,
                "community/_themes_answer.html",
                status_code=exc.http_status,
                status=exc.http_status,
                text=str(exc),
                form=form,
                invalid=refused.fields,
            )
        return _themes_page(  # without JavaScript: the form again, as typed, marked
            request,
            status_code=exc.http_status,
            form=form,
            invalid=refused.fields,
            messages=[("error", str(exc))],
        )

    def work(job: Job) -> None:
        from socialproof.web.worker import run_stoppable

        found = run_stoppable(job, ws, _discover_themes, scope, themes_k)
        job.update(1, 1, found)
        job.link = "/community/themes"

    scope = Scope(start, end, platform.strip().lower() or None, group.strip() or None)
    job = runner(request).submit("Find conversation themes", work)
    job.data["stoppable"] = stoppable(ws)
    if is_htmx(request):  # the job, and the fields unmarked
        return render(request, "community/_themes_answer.html", j=job, form=form, invalid=())
    return redirect(f"/jobs/{job.id}", message="Finding themes started.")


# -- the community report (response times, groups, sentiment, themes) ---------------------
REPORT_KIND = "community-report"
#: Reports whose thread tables stay downloadable (the newest); older ones keep their page.
REPORTS_KEPT = 5


def _report_page(request: Request, *, status_code: int = 200, **extra: Any) -> HTMLResponse:
    ws = workspace(request)
    jobs = [j for j in runner(request).all() if j.data.get("kind") == REPORT_KIND][:5]
    form = dict.fromkeys(("platform", "group", "since", "until", "sla", "k", "cutoff"), "")
    form["period"] = "week"
    form.update(extra.pop("form", {}))
    return render(
        request,
        "community/report.html",
        status_code=status_code,
        title="Community report",
        subnav=SUBNAV,
        periods=PERIODS,
        sla_default=float(ws.settings.community.sla_hours),
        form=form,
        invalid=extra.pop("invalid", ()),
        with_text=extra.pop("with_text", True),
        jobs=jobs,
        **extra,
    )


@router.get("/community/report")
def report_page(request: Request) -> HTMLResponse:
    return _report_page(request)


def _hours(text: str, what: str, hint: str) -> float | None:
    """A form's positive number of hours (blank: None, the default)."""
    import math

    from socialproof.errors import BadInput

    if not text.strip():
        return None
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise BadInput(f"The {what} {text.strip()!r} is not a positive number of hours.", hint=hint)
    return value


def _sla(text: str) -> float | None:
    """The form's service level in hours (blank: the setting), a positive number."""
    return _hours(text, "service level", "For example 24, or leave it blank for the setting.")


def _cutoff(text: str) -> float | None:
    """The form's chart cut-off in hours (blank: the robust default), a positive number."""
    return _hours(
        text,
        "chart cut-off",
        "For example 72 (3 days), or leave it blank to let the report choose.",
    )


@router.post("/community/report", response_model=None)
def run_report(
    request: Request,
    platform: str = Form(""),
    group: str = Form(""),
    since: str = Form(""),
    until: str = Form(""),
    sla: str = Form(""),
    period: str = Form("week"),
    text: str = Form(""),
    k: str = Form(""),
    cutoff: str = Form(""),
) -> Response:
    """Build the community report (as ``socialproof community report --html``) in the
    background; its page shows the report with its charts once it is ready."""
    from socialproof.community.threads import Scope
    from socialproof.errors import BadInput

    ws = workspace(request)
    form = {"platform": platform, "group": group, "since": since, "until": until}
    form.update({"sla": sla, "period": period, "k": k, "cutoff": cutoff})

    def check_period() -> None:
        if period not in dict(PERIODS):
            raise BadInput(f"Unknown period {period!r}.", hint="Choose week, day or month.")

    try:
        start, end = _dates(since, until)
        sla_hours = _field(("sla",), lambda: _sla(sla))
        cutoff_h = _field(("cutoff",), lambda: _cutoff(cutoff))
        themes_k = _field(("k",), lambda: parse_themes_k(k))
        _field(("period",), check_period)
    except _Refused as refused:
        return _report_page(
            request,
            status_code=refused.error.http_status,
            messages=[("error", str(refused.error))],
            form=form,
            invalid=refused.fields,
            with_text=bool(text),
        )
    scope = Scope(start, end, platform.strip().lower() or None, group.strip() or None)
    jobs = runner(request)

    def work(job: Job) -> Any:
        from socialproof.community.report import build_report, to_html

        job.update(0, 0, "timing the responses")
        rep = build_report(
            ws,
            scope,
            sla_hours=sla_hours,
            period=period,
            with_text=bool(text),
            k=themes_k,
            progress=lambda step: job.update(0, 0, step),
            chart_cutoff_h=cutoff_h,
        )
        job.data["threads"] = rep.response.listing(ws.settings.timezone)
        job.data["unanswered"] = rep.response.listing(ws.settings.timezone, unanswered=True)
        # a million messages make a large table: only the latest reports keep theirs
        reports = [j for j in jobs.all() if j.data.get("kind") == REPORT_KIND and j is not job]
        for old in sorted(reports, key=lambda j: j.started, reverse=True)[REPORTS_KEPT - 1 :]:
            old.data.pop("threads", None)
            old.data.pop("unanswered", None)
        job.update(1, 1, "done")
        job.link = f"/community/report/jobs/{job.id}"
        return to_html(rep)

    what = [scope.platform or "every platform"]
    if start or end:
        what.append(f"{start or 'the start'} to {end or 'the end'}")
    job = jobs.submit(f"Community report: {', '.join(what)}", work)
    job.data["kind"] = REPORT_KIND
    return redirect(f"/community/report/jobs/{job.id}")


def _report_job(request: Request, job_id: str) -> Job:
    from socialproof.errors import NotFound

    job = runner(request).seen(job_id)
    if job.data.get("kind") != REPORT_KIND:
        raise NotFound(f"There is no community report {job_id}.", hint="Build one again.")
    return job


@router.get("/community/report/jobs/{job_id}")
def report_result(request: Request, job_id: str) -> HTMLResponse:
    job = _report_job(request, job_id)
    return render(
        request,
        "community/report_result.html",
        title=job.title,
        subnav=SUBNAV,
        j=job,
        report=job.result,
    )


@router.get("/community/report/jobs/{job_id}/community-report.html", response_model=None)
def report_html(request: Request, job_id: str) -> Response:
    """The report as the self-contained HTML file 'community report --html' writes."""
    from socialproof.errors import NotFound
    from socialproof.web.tables import html_report_response

    job = _report_job(request, job_id)
    if job.running or job.result is None:
        raise NotFound("This report is not ready.", hint="Wait for it to finish.")
    return html_report_response(job.result, "community-report.html")


@router.get("/community/report/jobs/{job_id}/{which}.{kind}", response_model=None)
def report_threads(request: Request, job_id: str, which: str, kind: str) -> Response:
    """The report's threads (``threads``: every one, with first response and resolution
    times, as ``community threads``; ``unanswered``: those waiting, oldest first) as a
    formula-safe CSV or an XLSX file."""
    from socialproof.errors import NotFound
    from socialproof.web.tables import download_response, view

    job = _report_job(request, job_id)
    if which not in ("threads", "unanswered"):
        raise NotFound(f"A report has no {which!r} table.", hint="Use the report's links.")
    if job.running:
        raise NotFound("This report is not ready.", hint="Wait for it to finish.")
    if which not in job.data:
        raise NotFound(
            "This report's threads are not kept (only the newest reports keep them).",
            hint="Build the report again.",
        )
    return download_response(view(job.data[which]), kind, f"community-{which}")
