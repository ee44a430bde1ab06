"""Career: the profile, a pasted posting's match and gap, roles and paths, the market.

The same functions as ``socialproof profile check``, ``gap --posting``, ``plan`` (with its
CSV/XLSX download),
``roles``, ``paths`` and ``market report`` (through ``careers.editing`` for text
held in a form). Analysing imported postings writes derived tables, so it runs as
a background job started by a POST; the market page only reads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile

from socialproof.errors import NoData, SocialproofError, UsageError
from socialproof.web.templating import (
    NavEntry,
    cached,
    is_htmx,
    redirect,
    render,
    runner,
    workspace,
)

if TYPE_CHECKING:
    from fastapi.responses import HTMLResponse, Response

    from socialproof.web.jobs import Job

router = APIRouter()
NAV = NavEntry("/career", "Career", order=70, description="Profile, postings, roles, market")
SUBNAV = (
    ("/career", "Profile"),
    ("/career/posting", "Match a posting"),
    ("/career/roles", "Roles and paths"),
    ("/career/platforms", "Platforms"),
    ("/career/plan", "Learning plan"),
    ("/career/market", "Market"),
)
MAX_DROP = 1_000_000


def _check_view(check: Any) -> dict[str, Any]:
    return {
        "skills": [
            {
                "given": s.given,
                "id": s.skill_id or "(free text, not scored)",
                "level": s.level,
                "evidence": ", ".join(s.evidence) if getattr(s, "evidence", None) else "",
            }
            for s in check.skills
        ],
        "problems": list(check.problems),
    }


def _profile_check(ws: Any, text: str) -> tuple[dict[str, Any] | None, str | None]:
    from socialproof.careers.editing import check_profile_text

    try:
        return _check_view(check_profile_text(ws, text)), None
    except SocialproofError as exc:
        return None, str(exc)


def _market(ws: Any, flt: dict[str, str] | None = None) -> tuple[Any, str | None, bool]:
    from socialproof.market.aggregate import MarketFilter, market_data
    from socialproof.market.store import is_stale

    try:
        if is_stale(ws):
            return None, None, True
        return market_data(ws, MarketFilter(**(flt or {}))), None, False
    except NoData as exc:
        return None, str(exc), False


#: The Market page's filters (the CLI's 'market report --location --role --seniority
#: --industry').
MARKET_FILTERS = ("location", "role", "seniority", "industry")


def _market_filter(asked: dict[str, str]) -> dict[str, str]:
    """The filters given, each checked as 'market report' checks it (a role by id or title,
    as its id); a refused one raises the catalogue's error with ``field`` naming it."""
    from socialproof.errors import UsageError
    from socialproof.market.catalogue import load_catalogue

    cat = load_catalogue()
    flt = {k: v for k, v in asked.items() if v}
    levels = [str(level["id"]) for level in cat.seniority_levels]
    field = ""
    try:
        if "role" in flt:
            field = "role"
            flt["role"] = cat.role(flt["role"]).id
        if "industry" in flt:
            field = "industry"
            cat.industry_group(flt["industry"])
        if flt.get("seniority", levels[0]) not in levels:
            field = "seniority"
            raise UsageError(
                f"Unknown seniority {flt['seniority']!r}.",
                hint=f"Use one of: {', '.join(levels)}.",
            )
    except SocialproofError as exc:
        exc.field = field  # type: ignore[attr-defined]
        raise
    return flt


def warm(ws: Any, cache: Any) -> None:
    """The profile's check and the market report, prepared in the background
    (``web/precompute.py``) under the keys the pages use."""
    from socialproof.careers.editing import read_profile_text

    text = read_profile_text(ws)
    cache.get(ws, ("career-profile-check", text), lambda: _profile_check(ws, text))
    cache.get(ws, ("career-market",), lambda: _market(ws))


@router.get("/career")
def profile(request: Request) -> HTMLResponse:
    from socialproof.careers.editing import read_profile_text
    from socialproof.careers.profile import profile_path
    from socialproof.web.versions import version_of

    ws = workspace(request)
    version = version_of(profile_path(ws.root))  # before the text: a save between is seen
    text = read_profile_text(ws)
    view, error = cached(request, ("career-profile-check", text), lambda: _profile_check(ws, text))
    exists = (ws.root / "profile.yaml").is_file()
    return render(
        request,
        "career/profile.html",
        title="Career profile",
        subnav=SUBNAV,
        text=text,
        version=version,
        view=view,
        check_error=error,
        exists=exists,
        error=None,
    )


@router.post("/career/profile/check")
def profile_check(request: Request, text: str = Form("")) -> HTMLResponse:
    from socialproof.careers.editing import check_profile_text

    try:
        view, error = _check_view(check_profile_text(workspace(request), text)), None
    except SocialproofError as exc:
        view, error = None, str(exc)
    return render(request, "career/_check.html", view=view, check_error=error)


@router.post("/career/profile", response_model=None)
def profile_save(request: Request, text: str = Form(""), version: str = Form("")) -> Response:
    from socialproof.careers.editing import save_profile_text
    from socialproof.careers.profile import profile_path
    from socialproof.web.versions import check

    ws = workspace(request)
    try:
        check(profile_path(ws.root), version, "profile.yaml")
        save_profile_text(ws, text)
    except SocialproofError as exc:
        return render(
            request,
            "career/profile.html",
            title="Career profile",
            subnav=SUBNAV,
            text=text,
            version=version,
            view=None,
            check_error=str(exc),
            exists=(ws.root / "profile.yaml").is_file(),
            error=f"Not saved: {exc}",
            messages=[("error", f"Not saved: {exc}")],
            status_code=exc.http_status,
        )
    runner(request).after_write()  # the profile's check is prepared again in the background
    return redirect("/career", message="Saved profile.yaml.")


@router.get("/career/posting")
def posting_form(request: Request) -> HTMLResponse:
    return render(
        request,
        "career/posting.html",
        title="Match a job posting",
        subnav=SUBNAV,
        text="",
        posting_title="",
        g=None,
        error=None,
    )


@router.post("/career/posting")
async def posting(
    request: Request,
    text: str = Form(""),
    title: str = Form(""),
    file: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse:
    from socialproof.careers.editing import gap_for_text

    ws = workspace(request)
    error = None
    g = None
    try:
        if file is not None and file.filename:
            data = await file.read(MAX_DROP + 1)
            if len(data) > MAX_DROP:
                raise SocialproofError(
                    f"{file.filename} is over {MAX_DROP // 1000} KB.",
                    hint="Drop the posting's text file, not a document with images.",
                )
            if not data.strip():
                raise SocialproofError(f"{file.filename} is empty.", hint="Drop a posting's file.")
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise SocialproofError(
                    f"{file.filename} is not UTF-8 text.",
                    hint="Drop a .md or .txt file, or paste the text.",
                ) from None
        g = gap_for_text(ws, text, title=title)
    except SocialproofError as exc:
        error = str(exc)
    return render(
        request,
        "career/posting.html",
        title="Match a job posting",
        subnav=SUBNAV,
        text=text,
        posting_title=title,
        g=g,
        error=error,
        messages=[("error", error)] if error else [],
        status_code=422 if error else 200,
    )


@router.get("/career/roles")
def roles(request: Request) -> HTMLResponse:
    from socialproof.careers.catalogue import load_catalogue

    cat = load_catalogue()
    rows = sorted(cat.roles.values(), key=lambda r: (r.family, r.title))
    return render(
        request, "career/roles.html", title="Roles and paths", subnav=SUBNAV, roles=rows, cat=cat
    )


def _profile_state(ws: Any) -> tuple[int, int]:
    try:
        st = (ws.root / "profile.yaml").stat()
    except OSError:
        return (0, 0)
    return (st.st_size, st.st_mtime_ns)


#: Steps ahead a role page shows when the field is blank (the CLI's 'paths --depth' default).
PATH_DEPTH = 2


def _path_depth(text: str) -> int:
    """The Steps ahead field (the CLI's 'paths --depth'): a whole number from 1 to 5."""
    text = text.strip()
    if not text:
        return PATH_DEPTH
    hint = f"Type a whole number from 1 to 5, or leave it blank for {PATH_DEPTH}."
    try:
        depth = int(text)
    except ValueError:
        raise UsageError(
            f"Steps ahead must be a whole number, not {text[:20]!r}.", hint=hint
        ) from None
    if not 1 <= depth <= 5:
        raise UsageError(f"Steps ahead must be from 1 to 5, not {depth}.", hint=hint)
    return depth


@router.get("/career/roles/{role_id}.json", response_model=None)
def role_json(request: Request, role_id: str, industry: str = "") -> Response:
    """The role as 'roles show NAME --json [--industry I]' prints it, as a download."""
    import json

    from fastapi.responses import Response as Plain

    from socialproof.careers.catalogue import load_catalogue
    from socialproof.careers.role_data import role_data

    data = role_data(load_catalogue(), role_id, industry.strip() or None)
    return Plain(
        json.dumps(data, ensure_ascii=False, indent=1) + "\n",
        media_type="application/json; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{data["id"]}.json"'},
    )


@router.get("/career/roles/{role_id}")
def role(
    request: Request, role_id: str, industry: str = "", depth: str = "", to: str = ""
) -> HTMLResponse:
    """A role with its skills, your match and where it leads; Industry, Steps ahead and
    Route to are 'roles show --industry', 'gap --role --industry' and 'paths --depth --to'."""
    from socialproof.careers.catalogue import load_catalogue
    from socialproof.careers.gap import gap_for_role
    from socialproof.careers.paths import next_steps, shortest_path
    from socialproof.market.store import is_stale

    cat = load_catalogue()
    r = cat.role(role_id)
    ws = workspace(request)
    asked = {"industry": industry.strip(), "depth": depth.strip(), "to": to.strip()}
    invalid: set[str] = set()
    messages: list[tuple[str, str]] = []
    variant = None
    steps_ahead = PATH_DEPTH
    route: list[Any] | None = None
    route_to = None
    for name in ("industry", "depth", "to"):
        if not asked[name]:
            continue
        try:
            if name == "industry":
                variant = cat.industry_group(asked[name])
            elif name == "depth":
                steps_ahead = _path_depth(asked[name])
            else:
                route_to = cat.role(asked[name])
                route = shortest_path(r.id, route_to.id, cat=cat)
        except SocialproofError as exc:
            if not (name == "to" and route_to is not None):  # no route: not the field's fault
                invalid.add(name)
            messages.append(("error", f"{exc}"))
    gap_industry = asked["industry"] if variant else None
    gap_result, gap_error = None, None
    try:
        # the match would analyse the postings first, which a GET must not do
        if cached(request, ("career-stale",), lambda: is_stale(ws)):
            gap_error = (
                "Imported postings changed since they were analysed; analyse them on the "
                "Market page, then come back for your match (it weighs gaps by demand)."
            )
        else:
            key = ("career-gap-role", r.id, _profile_state(ws), gap_industry)
            gap_result = cached(request, key, lambda: gap_for_role(ws, r.id, industry=gap_industry))
    except SocialproofError as exc:
        gap_error = str(exc)
    return render(
        request,
        "career/role.html",
        title=r.title,
        subnav=SUBNAV,
        role=r,
        cat=cat,
        steps=next_steps(r.id, depth=steps_ahead, cat=cat),
        steps_ahead=steps_ahead,
        gap=gap_result,
        gap_error=gap_error,
        asked=asked,
        invalid=invalid,
        messages=messages,
        status_code=422 if invalid else 200,
        variant=variant,
        industries=sorted({*cat.industries, *cat.industry_groups}),
        route=route,
        route_to=route_to,
        path_depth=PATH_DEPTH,
    )


# -- the learning plan: 'socialproof plan [--role R ...] [--limit N]' ------------------------
PLAN_COLUMNS = [
    "#",
    "learn",
    "kind",
    "must-have",
    "your level",
    "demand",
    "priority",
    "certification",
    "portfolio piece",
    "mock campaign",
]


def _plan_limit(text: str | None) -> int:
    """Steps to show, 1 to 60 (the CLI's --limit); blank means the CLI's 12."""
    from socialproof.errors import BadInput

    text = (text or "").strip()
    if not text:
        return 12
    try:
        limit = int(text)
    except ValueError:
        limit = 0
    if not 1 <= limit <= 60:
        raise BadInput(
            f"Steps to show must be a whole number from 1 to 60, not {text!r}.",
            hint="For example 12.",
        )
    return limit


def _plan(request: Request, roles: list[str], limit: int) -> Any:
    """The plan as 'socialproof plan' makes it; None while imported postings wait to be
    analysed (the plan weighs gaps by their demand, and a GET must not analyse)."""
    from socialproof.careers.plan import plan_for_workspace
    from socialproof.market.store import is_stale

    ws = workspace(request)
    if cached(request, ("career-stale",), lambda: is_stale(ws)):
        return None
    key = ("career-plan", tuple(roles), limit, _profile_state(ws))
    return cached(request, key, lambda: plan_for_workspace(ws, roles=roles or None, limit=limit))


def _plan_rows(plan: Any) -> list[dict[str, Any]]:
    return [
        {
            "#": s.rank,
            "learn": s.label,
            "kind": s.kind,
            "must-have": "yes" if s.must else "no",
            "your level": s.your_level,
            "demand": f"{s.demand:.0%}",
            "priority": s.priority,
            "certification": s.certification,
            "portfolio piece": s.portfolio_piece,
            "mock campaign": s.mock_campaign,
        }
        for s in plan.steps
    ]


@router.get("/career/plan")
def learning_plan(
    request: Request,
    role: Annotated[list[str] | None, Query()] = None,
    limit: str | None = None,
) -> HTMLResponse:
    from urllib.parse import urlencode

    from socialproof.careers.catalogue import load_catalogue

    cat = load_catalogue()
    chosen = [r for r in (role or []) if r.strip()]
    plan, error, limit_refused = None, None, False
    try:
        steps = _plan_limit(limit)
    except SocialproofError as exc:
        error, limit_refused = exc, True
    else:
        try:
            plan = _plan(request, chosen, steps)
        except SocialproofError as exc:
            error = exc
    query = urlencode([("role", r) for r in chosen] + [("limit", (limit or "").strip())])
    return render(
        request,
        "career/plan.html",
        title="Learning plan",
        subnav=SUBNAV,
        roles=sorted(cat.roles.values(), key=lambda r: (r.family, r.title)),
        chosen=set(chosen),
        limit=(limit or "").strip(),
        plan=plan,
        rows=_plan_rows(plan) if plan is not None else [],
        columns=PLAN_COLUMNS,
        stale=error is None and plan is None,
        limit_refused=limit_refused,
        query=query,
        messages=[("error", str(error))] if error else [],
        status_code=error.http_status if error else 200,
    )


@router.get("/career/plan.{kind}", response_model=None)
def learning_plan_download(
    request: Request,
    kind: str,
    role: Annotated[list[str] | None, Query()] = None,
    limit: str | None = None,
) -> Response:
    """The plan the page shows, as a formula-safe CSV or an XLSX file."""
    from socialproof.errors import NotFound
    from socialproof.web.tables import TableView, download_response

    plan = _plan(request, [r for r in (role or []) if r.strip()], _plan_limit(limit))
    if plan is None:
        raise NotFound(
            "Imported postings changed since they were analysed.",
            hint="Analyse them on the Market page, then download the plan.",
        )
    return download_response(TableView(PLAN_COLUMNS, _plan_rows(plan)), kind, "learning-plan")


@router.get("/career/market")
def market(
    request: Request,
    location: str = "",
    role: str = "",
    seniority: str = "",
    industry: str = "",
) -> HTMLResponse:
    from socialproof.market.aggregate import as_records
    from socialproof.market.catalogue import load_catalogue

    ws = workspace(request)
    asked = {"location": location, "role": role, "seniority": seniority, "industry": industry}
    asked = {k: v.strip()[:200] for k, v in asked.items()}
    cat = load_catalogue()
    choices: dict[str, Any] = {
        "roles": sorted(((r.id, r.title) for r in cat.roles.values()), key=lambda r: r[1]),
        "levels": [str(level["id"]) for level in cat.seniority_levels],
        "industries": sorted({*cat.industries, *cat.industry_groups}),
    }
    try:
        flt = _market_filter(asked)
    except SocialproofError as exc:
        return render(
            request,
            "career/market.html",
            status_code=422,
            title="Job market",
            subnav=SUBNAV,
            messages=[("error", str(exc))],
            data=None,
            tables=[],
            problem=None,
            stale=False,
            form=asked,
            invalid=(getattr(exc, "field", ""),),
            **choices,
        )
    key = ("career-market", *sorted(flt.items())) if flt else ("career-market",)
    data, problem, stale = cached(request, key, lambda: _market(ws, flt))
    tables = []
    if data is not None:
        for kind, df in data.demand.items():
            tables.append(
                (
                    f"Demand for {kind}s (share of {data.postings} analysed postings)",
                    [
                        {
                            "item": r["label"],
                            "postings": r["postings"],
                            "share": f"{100 * float(r['share']):.0f} %",
                            "must-have share": f"{100 * float(r['must_share']):.0f} %",
                        }
                        for r in as_records(df.head(15))
                    ],
                )
            )
        if len(data.salaries):
            tables.append(("Annual salary (midpoints of stated ranges)", as_records(data.salaries)))
    return render(
        request,
        "career/market.html",
        title="Job market",
        subnav=SUBNAV,
        data=data,
        tables=tables,
        problem=problem,
        stale=stale,
        form=asked,
        invalid=(),
        **choices,
    )


@router.get("/career/market/report.html", response_model=None)
def market_html(
    request: Request,
    location: str = "",
    role: str = "",
    seniority: str = "",
    industry: str = "",
) -> Response:
    """The market report for the filters shown, as the self-contained HTML file 'market
    report --html' writes."""
    from socialproof.errors import NotFound
    from socialproof.market.report import market_report_html
    from socialproof.web.tables import html_report_response

    ws = workspace(request)
    asked = {"location": location, "role": role, "seniority": seniority, "industry": industry}
    flt = _market_filter({k: v.strip()[:200] for k, v in asked.items()})
    key = ("career-market", *sorted(flt.items())) if flt else ("career-market",)
    data, problem, stale = cached(request, key, lambda: _market(ws, flt))
    if data is None:
        raise NotFound(
            problem or "Imported postings changed since they were last analysed.",
            hint="Analyse the postings on the Market page first.",
        )
    return html_report_response(market_report_html(data), "market-report.html")


@router.post("/career/market/analyse", response_model=None)
def analyse(request: Request) -> Response:
    ws = workspace(request)

    def work(job: Job) -> None:
        from socialproof.market.store import analyze_workspace
        from socialproof.web.worker import STOPPED, Stopped

        def step(k: int, n: int) -> None:
            # here, not in the worker process: the facts carry the extractor's version,
            # which the page compares with its own (store.is_stale); the analysis writes
            # once, after every posting is read, so a Stop before then writes nothing
            if job.stop.is_set():
                raise Stopped(STOPPED)
            job.update(k, n, f"{k} of {n} postings")

        summary = analyze_workspace(ws, progress=step)
        job.update(1, 1, f"analysed {summary.analysed} of {summary.postings} postings")
        job.link = "/career/market"

    job = runner(request).submit("Analyse job postings", work)
    job.data["stoppable"] = True
    if is_htmx(request):
        return render(request, "_job.html", j=job)
    return redirect(f"/jobs/{job.id}", message="Analysing postings.")
