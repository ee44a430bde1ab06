"""Audit and pilots: run the platform audit, create and read pilots, plan a new one.

The audit runs as a background job (it reads every post); the pilot pages call
``campaigns.pilots`` as ``socialproof pilot new/report/plan`` do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request

from socialproof.errors import SocialproofError
from socialproof.web.templating import NavEntry, cached, redirect, render, runner, workspace

if TYPE_CHECKING:
    from fastapi.responses import HTMLResponse, Response

    from socialproof.web.jobs import Job

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
    from socialproof.workspace import engine

    ws = workspace(request)

    def load() -> list[str]:
        with ws.ibis() as con:
            if "posts" not in con.list_tables():
                return []
            t = engine.table(con, "posts")
            values = t.select("platform").distinct().platform.execute()
        return sorted(str(v) for v in values if v)

    return cached(request, ("platforms",), load)


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
    )


@router.post("/audit")
def run_audit(
    request: Request,
    platform: Annotated[str, Form()] = "",
    since: Annotated[str, Form()] = "",
    until: Annotated[str, Form()] = "",
) -> Response:
    """Start the audit for a platform (or all) and a period as a background job."""
    from socialproof.web.periods import parse_range

    ws = workspace(request)
    try:
        start, end = parse_range(since, until)
    except SocialproofError as exc:
        return render(
            request,
            "audit/index.html",
            status_code=422,
            title="Platform audit",
            messages=[("error", str(exc))],
            platforms=_platforms(request),
            jobs=[],
        )

    def work(job: Job) -> Any:
        from socialproof.campaigns import audit_report
        from socialproof.campaigns.audit import audit

        job.update(0, 1, "reading posts")
        result = audit(ws, platform=platform or None, since=start, until=end)
        job.update(1, 1, "done")
        job.link = f"/audit/jobs/{job.id}"
        return audit_report.build(result, owner=ws.settings.owner)

    what = platform or "every platform"
    job = runner(request).submit(f"Audit of {what}", work)
    job.data["kind"] = "audit"
    return redirect(f"/audit/jobs/{job.id}")


@router.get("/audit/jobs/{job_id}")
def audit_result(request: Request, job_id: str) -> HTMLResponse:
    job = runner(request).get(job_id)
    return render(request, "audit/result.html", title=job.title, j=job, report=job.result)


# -- pilots --------------------------------------------------------------------------------
def _metrics() -> list[tuple[str, str]]:
    from socialproof.metrics.registry import all_kpis

    seen: dict[str, str] = {}
    for table in ("posts", "ad_stats"):
        for k in all_kpis(table):
            seen.setdefault(k.name, k.label)
    return sorted(seen.items(), key=lambda p: p[1].lower())


def _pilots_page(request: Request, *, status_code: int = 200, **extra: Any) -> HTMLResponse:
    from socialproof.campaigns.pilots import describe, list_pilots

    ws = workspace(request)
    pilots = cached(
        request, ("pilots",), lambda: [describe(p) | {"name": p.name} for p in list_pilots(ws)]
    )
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
    date_from: Annotated[str, Form()] = "",
    date_to: Annotated[str, Form()] = "",
    mde: Annotated[str, Form()] = "10%",
    names: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """Create a pilot from the form (validated by the library, as the CLI's pilot new)."""
    from socialproof.campaigns.pilots import create, define

    ws = workspace(request)
    form = {
        "name": name,
        "metric": metric,
        "a": a,
        "b": b,
        "c": c,
        "date_from": date_from,
        "date_to": date_to,
        "mde": mde,
        "names": names,
        "note": note,
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
            from socialproof.errors import BadInput

            raise BadInput(
                "Please fill in: " + ", ".join(missing) + ".",
                hint="Every field marked * is needed.",
            )
        pilot = define(
            name,
            metric,
            [v for v in (a, b, c) if v.strip()],
            date_from,
            date_to,
            mde=mde,
            note=note,
            names=names or None,
        )
        create(ws, pilot)
    except SocialproofError as exc:
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


@router.get("/pilots/plan")
def plan_page(
    request: Request,
    metric: str = "",
    mde: str = "10%",
    baseline: str = "",
    daily: str = "",
    variants: str = "2",
) -> HTMLResponse:
    """Sample size and duration for a pilot, from the workspace's recent data or given figures."""
    from socialproof.campaigns.pilot_report import plan_lines
    from socialproof.campaigns.pilots import plan
    from socialproof.errors import BadInput

    ws = workspace(request)
    lines: list[str] = []
    messages: list[tuple[str, str]] = []
    status = 200
    if metric:
        try:
            try:
                n_variants = int(variants)
                daily_value = float(daily) if daily.strip() else None
            except ValueError:
                raise BadInput(
                    "Variants and daily volume must be numbers.", hint="e.g. 2 and 5000."
                ) from None
            result = cached(
                request,
                ("plan", metric, mde, baseline, daily_value, n_variants),
                lambda: plan(
                    ws,
                    metric,
                    mde,
                    baseline=baseline or None,
                    daily=daily_value,
                    variants=n_variants,
                ),
            )
            lines = [line for line in plan_lines(result) if line.strip()]
        except SocialproofError as exc:
            messages.append(("error", str(exc)))
            status = exc.http_status
    return render(
        request,
        "audit/plan.html",
        status_code=status,
        messages=messages,
        title="Plan a pilot",
        metrics=_metrics(),
        form={
            "metric": metric,
            "mde": mde,
            "baseline": baseline,
            "daily": daily,
            "variants": variants,
        },
        lines=lines,
    )


@router.get("/pilots/{name}")
def pilot_report(request: Request, name: str) -> HTMLResponse:
    from socialproof.campaigns.pilot_report import build_report
    from socialproof.campaigns.pilots import analyse, describe, get

    ws = workspace(request)
    pilot = get(ws, name)
    report = cached(request, ("pilot", pilot.name), lambda: build_report(analyse(ws, pilot)))
    return render(
        request,
        "audit/pilot.html",
        title=f"Pilot: {pilot.name}",
        pilot=describe(pilot),
        report=report,
    )
