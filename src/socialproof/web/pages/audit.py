"""Audit and pilots: run the platform audit, create and read pilots, plan a new one.

The audit runs as a background job (it reads every post); the pilot pages call
``campaigns.pilots`` as ``socialproof pilot new/report/plan`` do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Request

from socialproof.errors import BadInput, SocialproofError, UsageError
from socialproof.web.templating import NavEntry, redirect, render, runner, workspace

if TYPE_CHECKING:
    from collections.abc import Callable

    from fastapi.responses import HTMLResponse, Response

    from socialproof.web.cache import ResultCache
    from socialproof.web.jobs import Job
    from socialproof.workspace import Workspace

router = APIRouter()
NAV = (
    NavEntry("/audit", "Audit", order=36, description="Each platform against published benchmarks"),
    NavEntry("/pilots", "Pilots", order=38, description="A/B tests: define, judge, plan"),
)
FILTER_HELP = (
    "column=value, column~text (contains) or label:NAME; join terms with commas, "
    "e.g. format=reel or label:spring"
)


def _platforms(request: Request) -> list[str]:
    return platforms(workspace(request), request.app.state.cache)


def platforms(ws: Workspace, cache: ResultCache) -> list[str]:
    """The platforms the posts table holds (the audit form's choices), kept in ``cache``."""
    from socialproof.workspace import engine

    def load() -> list[str]:
        with ws.ibis() as con:
            if "posts" not in con.list_tables():
                return []
            t = engine.table(con, "posts")
            values = t.select("platform").distinct().platform.execute()
        return sorted(str(v) for v in values if v)

    return cache.get(ws, ("platforms",), load)


# -- audit ---------------------------------------------------------------------------------
@router.get("/audit")
def audit_page(request: Request) -> HTMLResponse:
    jobs = [j for j in runner(request).all() if j.data.get("kind") == "audit"][:5]
    return render(
        request,
        "audit/index.html",
        title="Platform audit",
        platforms=_platforms(request),
        jobs=jobs,
        form={},
        invalid=set(),
        min_base_default=_min_base(""),
    )


def _min_base(text: str) -> float:
    """The audit's Minimum base field (the CLI's 'audit --min-base'): 0 or more; blank
    is the command's default (100)."""
    import math

    from socialproof.campaigns.report import MIN_POST_BASE

    raw = text.strip().replace(",", "")
    if not raw:
        return float(MIN_POST_BASE)
    hint = (
        f"Type a number of 0 or more (0 ranks every post), or leave it blank for {MIN_POST_BASE}."
    )
    try:
        base = float(raw)
    except ValueError:
        raise UsageError(f"Minimum base must be a number, not {raw[:20]!r}.", hint=hint) from None
    if not math.isfinite(base) or base < 0:
        raise UsageError(f"Minimum base must be 0 or more, not {raw[:20]}.", hint=hint)
    return base


@router.post("/audit")
def run_audit(
    request: Request,
    platform: Annotated[str, Form()] = "",
    since: Annotated[str, Form()] = "",
    until: Annotated[str, Form()] = "",
    min_base: Annotated[str, Form()] = "",
) -> Response:
    """Start the audit for a platform (or all) and a period as a background job; Minimum
    base is the CLI's --min-base."""
    from socialproof.web.periods import parse_range

    ws = workspace(request)
    form = {"platform": platform, "since": since, "until": until, "min_base": min_base}
    invalid: set[str] = set()
    try:
        try:
            start, end = parse_range(since, until)
        except SocialproofError as exc:
            text = str(exc)
            invalid |= (
                {"since", "until"}
                if "after" in text
                else ({"since"} if text.startswith("From") else {"until"})
            )
            raise
        try:
            base = _min_base(min_base)
        except SocialproofError:
            invalid.add("min_base")
            raise
    except SocialproofError as exc:
        return render(
            request,
            "audit/index.html",
            status_code=422,
            title="Platform audit",
            messages=[("error", str(exc))],
            platforms=_platforms(request),
            jobs=[],
            form=form,
            invalid=invalid,
            min_base_default=_min_base(""),
        )

    def work(job: Job) -> Any:
        from socialproof.campaigns import audit_report
        from socialproof.campaigns.audit import audit

        job.update(0, 1, "reading posts")
        result = audit(ws, platform=platform or None, since=start, until=end, min_base=base)
        job.update(1, 1, "done")
        job.link = f"/audit/jobs/{job.id}"
        return audit_report.build(result, owner=ws.settings.owner)

    what = platform or "every platform"
    job = runner(request).submit(f"Audit of {what}", work)
    job.data["kind"] = "audit"
    return redirect(f"/audit/jobs/{job.id}")


@router.get("/audit/jobs/{job_id}")
def audit_result(request: Request, job_id: str) -> HTMLResponse:
    job = runner(request).seen(job_id)
    return render(request, "audit/result.html", title=job.title, j=job, report=job.result)


@router.get("/audit/jobs/{job_id}/audit.html", response_model=None)
def audit_html(request: Request, job_id: str) -> Response:
    """The audit as the self-contained HTML file 'socialproof audit --html' writes."""
    from socialproof.errors import NotFound
    from socialproof.web.tables import html_report_response

    job = runner(request).seen(job_id)
    if job.data.get("kind") != "audit" or job.running or job.result is None:
        raise NotFound(f"There is no finished audit {job_id!r}.", hint="Run the audit again.")
    return html_report_response(job.result, "audit.html")


# -- pilots --------------------------------------------------------------------------------
def _metrics() -> list[tuple[str, str]]:
    from socialproof.metrics.registry import all_kpis

    seen: dict[str, str] = {}
    for table in ("posts", "ad_stats"):
        for k in all_kpis(table):
            seen.setdefault(k.name, k.label)
    return sorted(seen.items(), key=lambda p: p[1].lower())


def _pilots_page(request: Request, *, status_code: int = 200, **extra: Any) -> HTMLResponse:
    pilots = pilot_list(workspace(request), request.app.state.cache)
    form = extra.pop("form", {})
    return render(
        request,
        "audit/pilots.html",
        status_code=status_code,
        title="Pilots",
        pilots=pilots,
        metrics=_metrics(),
        form=form,
        filter_help=FILTER_HELP,
        **extra,
    )


@router.get("/pilots")
def pilots_page(request: Request) -> HTMLResponse:
    return _pilots_page(request)


@router.post("/pilots")
def create_pilot(
    request: Request,
    name: Annotated[str, Form()] = "",
    metric: Annotated[str, Form()] = "",
    a: Annotated[str, Form()] = "",
    b: Annotated[str, Form()] = "",
    c: Annotated[str, Form()] = "",
    d: Annotated[str, Form()] = "",
    date_from: Annotated[str, Form()] = "",
    date_to: Annotated[str, Form()] = "",
    mde: Annotated[str, Form()] = "10%",
    names: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    table: Annotated[str, Form()] = "",
    split: Annotated[str, Form()] = "",
    confidence: Annotated[str, Form()] = "0.95",
    test: Annotated[str, Form()] = "auto",
) -> Response:
    """Create a pilot from the form (validated by the library, as the CLI's pilot new;
    every option of ``socialproof pilot new`` has a field)."""
    from socialproof.campaigns.pilots import create, define

    ws = workspace(request)
    form = {
        "name": name,
        "metric": metric,
        "a": a,
        "b": b,
        "c": c,
        "d": d,
        "date_from": date_from,
        "date_to": date_to,
        "mde": mde,
        "names": names,
        "note": note,
        "table": table,
        "split": split,
        "confidence": confidence,
        "test": test,
    }
    missing = [
        label
        for key, label in (
            ("name", "Name"),
            ("metric", "Metric"),
            ("a", "Variant A"),
            ("b", "Variant B"),
            ("date_from", "First day"),
            ("date_to", "Last day"),
        )
        if not form[key].strip()
    ]
    try:
        if missing:
            raise BadInput(
                "Please fill in: " + ", ".join(missing) + ".",
                hint="Every field marked * is needed.",
            )
        level = _number(form, "confidence", "Confidence level", float, "0.95")
        pilot = define(
            name,
            metric,
            [v for v in (a, b, c, d) if v.strip()],
            date_from,
            date_to,
            table=table.strip() or None,
            split=split.strip() or None,
            mde=mde,
            confidence=0.95 if level is None else level,
            test=test.strip() or "auto",
            note=note,
            names=names or None,
        )
        create(ws, pilot)
    except SocialproofError as exc:
        if isinstance(exc, FieldError):
            missing = [exc.name]
        return _pilots_page(
            request,
            status_code=422,
            messages=[("error", str(exc))],
            form=form,
            invalid=missing,
        )
    return redirect(
        f"/pilots/{quote(pilot.name, safe='')}", message=f"Pilot '{pilot.name}' created."
    )


#: The plan form's fields with the CLI option each stands for (``socialproof pilot plan``).
PLAN_DEFAULTS = {
    "metric": "",
    "mde": "10%",
    "baseline": "",
    "daily": "",
    "variants": "2",
    "alpha": "0.05",
    "power": "0.8",
    "sd": "",
    "table": "",
    "history": "recent",
    "baseline_days": "",
}


class FieldError(BadInput):
    """A form field whose text is not what it must be (named, so the page marks it)."""

    def __init__(self, name: str, message: str, *, hint: str) -> None:
        super().__init__(message, hint=hint)
        self.name = name


#: Words in the library's messages, and the plan form's field each points at.
PLAN_ERROR_FIELDS = (
    ("minimum detectable effect", "mde"),
    ("baseline-days", "baseline_days"),
    ("baseline", "baseline"),
    ("daily", "daily"),
    ("variants", "variants"),
    ("alpha", "alpha"),
    ("power", "power"),
    ("--sd", "sd"),
    ("table", "table"),
    ("metric", "metric"),
)


def _number(form: dict[str, str], key: str, label: str, kind: type, example: str) -> Any:
    text = form[key].strip()
    if not text:
        return None
    try:
        return kind(text)
    except ValueError:
        whole = "whole " if kind is int else ""
        raise FieldError(
            key, f"{label}: {text!r} is not a {whole}number.", hint=f"e.g. {example}."
        ) from None


def plan_options(form: dict[str, str]) -> dict[str, Any]:
    """The plan form's text as :func:`campaigns.pilots.plan` options (the library checks
    the ranges, as it does for ``socialproof pilot plan``)."""
    use_all = form["history"] == "all"
    variants = _number(form, "variants", "Variants", int, "2")
    alpha = _number(form, "alpha", "Significance level", float, "0.05")
    power = _number(form, "power", "Power", float, "0.8")
    return {
        "baseline": form["baseline"].strip() or None,
        "daily": _number(form, "daily", "Units per day", float, "5000"),
        "variants": 2 if variants is None else variants,
        "alpha": 0.05 if alpha is None else alpha,
        "power": 0.8 if power is None else power,
        "sd": _number(form, "sd", "Spread per post", float, "0.02"),
        "table": form["table"].strip() or None,
        "use_all": use_all,
        # the days apply to "recent history" only; the radio makes the two exclusive
        "baseline_days": None
        if use_all
        else _number(form, "baseline_days", "Days of history", int, "180"),
    }


@router.get("/pilots/plan")
def plan_page(
    request: Request,
    metric: str = "",
    mde: str = "10%",
    baseline: str = "",
    daily: str = "",
    variants: str = "2",
    alpha: str = "0.05",
    power: str = "0.8",
    sd: str = "",
    table: str = "",
    history: str = "recent",
    baseline_days: str = "",
) -> HTMLResponse:
    """Sample size and duration for a pilot, from the workspace's recent data (or its whole
    history) or given figures: every option of ``socialproof pilot plan``."""
    from socialproof.campaigns.pilot_report import plan_lines
    from socialproof.web.cache import kept_or_pending

    ws = workspace(request)
    form = {
        "metric": metric,
        "mde": mde,
        "baseline": baseline,
        "daily": daily,
        "variants": variants,
        "alpha": alpha,
        "power": power,
        "sd": sd,
        "table": table,
        "history": "all" if history == "all" else "recent",
        "baseline_days": baseline_days,
    }
    lines: list[str] = []
    messages: list[tuple[str, str]] = []
    invalid = ""
    status = 200
    pending = False
    if metric:
        try:
            options = plan_options(form)
            request.app.state.cache.note("plan", (metric, mde, tuple(sorted(options.items()))))
            ready, outcome = kept_or_pending(
                request,
                plan_key(metric, mde, options),
                lambda: plan_outcome(ws, metric, mde, options),
            )
            if not ready or outcome is None:
                pending = True
            else:
                result, error = outcome
                if error is not None:
                    raise error
                lines = [line for line in plan_lines(result) if line.strip()]
        except SocialproofError as exc:
            messages.append(("error", str(exc)))
            invalid = exc.name if isinstance(exc, FieldError) else ""
            if not invalid:
                text = str(exc).lower()
                invalid = next((f for word, f in PLAN_ERROR_FIELDS if word in text), "")
            status = exc.http_status
    more = any(form[k] != PLAN_DEFAULTS[k] for k in ("alpha", "power", "sd", "table"))
    return render(
        request,
        "audit/plan.html",
        status_code=status,
        messages=messages,
        title="Plan a pilot",
        metrics=_metrics(),
        form=form,
        invalid=invalid,
        more=more or bool(invalid),
        lines=lines,
        plan_pending=pending,
        again=str(request.url.path) + ("?" + request.url.query if request.url.query else ""),
    )


def plan_key(metric: str, mde: str, options: dict[str, Any]) -> tuple[Any, ...]:
    """The result cache's key of a plan (the page's and the precomputing job's)."""
    return ("plan", metric, mde, *sorted(options.items()))


def plan_outcome(
    ws: Workspace, metric: str, mde: str, options: dict[str, Any]
) -> tuple[Any, SocialproofError | None]:
    """(plan, None), or (None, the error the page shows): computed in the background too."""
    from socialproof.campaigns.pilots import plan

    try:
        return plan(ws, metric, mde, **options), None
    except SocialproofError as exc:
        return None, exc


def pilot_list(ws: Workspace, cache: ResultCache) -> list[dict[str, Any]]:
    """Every pilot described for the pilots page, kept in ``cache``."""
    from socialproof.campaigns.pilots import describe, list_pilots

    return cache.get(
        ws, ("pilots",), lambda: [describe(p) | {"name": p.name} for p in list_pilots(ws)]
    )


def _settings_key(ws: Workspace) -> str:
    """The workspace settings as a key: a report computed under other settings is stale."""
    import hashlib

    return hashlib.sha256(ws.settings.model_dump_json().encode()).hexdigest()[:16]


def pilot_result(ws: Workspace, cache: ResultCache, name: str, *, seed: int = 0) -> tuple[Any, Any]:
    """(definition, report) of pilot ``name``, kept in ``cache`` while the database (where
    pilots, posts and ad rows live) and the settings are unchanged; ``seed`` is the
    bootstrap's (the CLI's 'pilot report --seed')."""
    from socialproof.campaigns.pilot_report import build_report
    from socialproof.campaigns.pilots import analyse, get

    pilot = cache.get(ws, ("pilot-definition", name), lambda: get(ws, name))
    key = ("pilot", pilot.name, _settings_key(ws), *((seed,) if seed else ()))
    return pilot, cache.get(ws, key, lambda: build_report(analyse(ws, pilot, seed=seed)))


def _seed(raw: str) -> int:
    """The pilot page's Seed field (the CLI's --seed): a whole number of 0 or more (numpy's
    generator takes no other), blank 0."""
    from socialproof.errors import UsageError

    raw = raw.strip().replace(",", "")
    if not raw:
        return 0
    hint = "Type a whole number of 0 or more, or leave it blank for 0."
    try:
        seed = int(raw)
    except ValueError:
        raise UsageError(f"The seed must be a whole number, not {raw[:20]!r}.", hint=hint) from None
    if seed < 0 or seed >= 2**63:
        raise UsageError(f"The seed must be 0 or more and below 2**63, not {raw[:20]}.", hint=hint)
    return seed


def warm(ws: Workspace, cache: ResultCache) -> None:
    """Analyse every pilot into ``cache`` (a background job after start and after every
    other job, beside the dashboard's), so a pilot's page does not wait for its analysis."""
    from socialproof.campaigns.pilots import list_pilots

    for pilot in list_pilots(ws):
        try:
            pilot_result(ws, cache, pilot.name)
        except SocialproofError:  # the page says what is wrong when it is visited
            continue


def _plan_job(
    ws: Workspace, metric: str, mde: str, options: dict[str, Any]
) -> Callable[[], tuple[Any, SocialproofError | None]]:
    return lambda: plan_outcome(ws, metric, mde, options)


def warm_plans(ws: Workspace, cache: ResultCache) -> None:
    """The plans pages asked for since the server started (the last 20), prepared again in
    the background after each write under the page's key. (Every metric's default plan
    costs about 10 CPU s on the demo workspace: too much to run after every import.)"""
    for metric, mde, items in cache.noted("plan"):
        options = dict(items)
        cache.get(ws, plan_key(metric, mde, options), _plan_job(ws, metric, mde, options))


def warm_pages(ws: Workspace, cache: ResultCache) -> None:
    """The audit form's platforms and the pilots list, prepared in the background."""
    platforms(ws, cache)
    pilot_list(ws, cache)


@router.post("/pilots/delete", response_model=None)
def delete_pilot(request: Request, name: Annotated[str, Form()] = "") -> Response:
    """Remove a pilot's definition, as ``socialproof pilot delete NAME`` (the posts and ad
    rows it reads stay)."""
    from socialproof.campaigns.pilots import delete

    try:
        gone = delete(workspace(request), name)
    except SocialproofError as exc:
        return redirect("/pilots", message=str(exc), kind="error")
    runner(request).after_write()  # the pilots list is prepared again
    return redirect(
        "/pilots", message=f"Deleted pilot {gone.name!r}; the posts and ad rows it read stay."
    )


@router.get("/pilots/{name:path}", response_model=None)  # a name may hold a slash ("A/B test")
def pilot_report(request: Request, name: str, seed: str = "", download: str = "") -> Response:
    """A pilot's report, its bootstrap seeded as asked ('pilot report --seed'); with
    ``download=html`` the self-contained HTML file 'pilot report --html' writes."""
    from socialproof.campaigns.pilots import describe, get
    from socialproof.errors import UsageError

    ws = workspace(request)
    try:
        chosen = _seed(seed)
    except UsageError as exc:
        pilot = request.app.state.cache.get(ws, ("pilot-definition", name), lambda: get(ws, name))
        return render(
            request,
            "audit/pilot.html",
            status_code=exc.http_status,
            messages=[("error", str(exc))],
            title=f"Pilot: {pilot.name}",
            pilot=describe(pilot),
            pilot_name=pilot.name,
            report=None,
            seed=seed,
            seed_invalid=True,
            download_url="",
        )
    if download and download != "html":
        raise UsageError(f"Cannot download a pilot as {download[:20]!r}.", hint="Choose html.")
    pilot, report = pilot_result(ws, request.app.state.cache, name, seed=chosen)
    if download:
        from socialproof.web.tables import html_report_response

        return html_report_response(report, "pilot.html")
    query = urlencode({**({"seed": str(chosen)} if chosen else {}), "download": "html"})
    return render(
        request,
        "audit/pilot.html",
        title=f"Pilot: {pilot.name}",
        pilot=describe(pilot),
        pilot_name=pilot.name,
        report=report,
        seed=seed,
        seed_invalid=False,
        download_url=f"/pilots/{quote(pilot.name, safe='')}?{query}",
    )
