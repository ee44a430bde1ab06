"""Careers and market commands: roles, paths, profile, gap, plan, jobs, market."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from socialproof.cli._common import (
    FormatOption,
    OutputFormat,
    OutputOption,
    WorkspaceOption,
    emit,
    info,
    open_workspace,
    print_lines,
    progress,
)

if TYPE_CHECKING:
    from socialproof.careers.gap import GapResult

IndustryOption = Annotated[
    str | None,
    typer.Option(
        "--industry",
        help="Industry or group: finance, health, legal, consumer, b2b, ... "
        "(adds the regulated/consumer/B2B variant).",
    ),
]


def register(app: typer.Typer) -> None:
    roles_app = typer.Typer(
        help="The roles catalogue: what each social media role does and needs.",
        invoke_without_command=True,
        no_args_is_help=False,
    )
    roles_app.callback(invoke_without_command=True)(roles)
    roles_app.command("show")(roles_show)
    roles_app.command("platforms")(roles_platforms)
    app.add_typer(roles_app, name="roles")
    app.command("paths")(paths)
    profile_app = typer.Typer(
        help="Your career profile (profile.yaml in the workspace).", no_args_is_help=True
    )
    profile_app.command("init")(profile_init)
    profile_app.command("check")(profile_check)
    app.add_typer(profile_app, name="profile")
    app.command("gap")(gap)
    app.command("plan")(plan)
    jobs_app = typer.Typer(
        help="Job postings: import them, extract their facts.", no_args_is_help=True
    )
    jobs_app.command("import")(jobs_import)
    jobs_app.command("analyze")(jobs_analyze)
    app.add_typer(jobs_app, name="jobs")
    market_app = typer.Typer(
        help="The job market your imported postings describe.", no_args_is_help=True
    )
    market_app.command("report")(market_report)
    app.add_typer(market_app, name="market")


# -- roles and paths ------------------------------------------------------------


def roles(
    ctx: typer.Context,
    industry: IndustryOption = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """List the roles in the catalogue (with an industry's variant when given)."""
    if ctx.invoked_subcommand is not None:
        return
    from socialproof.careers.catalogue import load_catalogue

    cat = load_catalogue()
    rows = []
    for role in cat.roles_for_industry(industry):
        musts = [cat.skills[s.skill].label for s in role.skills if s.must]
        rows.append(
            {
                "id": role.id,
                "title": role.title,
                "family": role.family,
                "seniority": role.seniority,
                "must-have skills": ", ".join(musts),
                "kind": "adjacent" if role.adjacent else "social",
            }
        )
    caption = None
    if industry:
        group, spec = cat.industry_group(industry)
        caption = f"{spec['label']}: {spec['summary']}"
    emit(rows, fmt, output=output, title="Roles", caption=caption)


def roles_show(
    role: Annotated[str, typer.Argument(help="Role id or title, e.g. community-manager.")],
    industry: IndustryOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the role as JSON.")] = False,
) -> None:
    """Show one role: responsibilities, skills by importance, tools, KPIs, platforms, sources."""
    from socialproof.careers.catalogue import load_catalogue

    cat = load_catalogue()
    r = cat.role(role)
    variant = cat.industry_group(industry) if industry else None
    if as_json:
        from socialproof.careers.role_data import role_data

        data = role_data(cat, r.id, industry)
        print_lines([json.dumps(data, ensure_ascii=False, indent=1)])
        return
    lines = [
        f"{r.title}  ({r.id}; {r.family}, {r.seniority})",
        "",
        r.summary,
        "",
        "Responsibilities:",
    ]
    lines += [f"  - {x}" for x in r.responsibilities]
    for kind in ("hard", "soft"):
        lines += ["", f"{kind.capitalize()} skills (importance 1-5, * = must-have):"]
        for s in sorted(r.skills, key=lambda s: (-s.importance, s.skill)):
            sk = cat.skills[s.skill]
            if sk.kind == kind:
                emerging = "  [emerging]" if sk.emerging else ""
                esco = f"  ESCO: {'; '.join(sk.esco_labels)}" if sk.esco_labels else ""
                lines.append(
                    f"  {'*' if s.must else ' '} {s.importance}  {sk.label}{emerging}{esco}"
                )
    lines += ["", "Tools: " + ", ".join(cat.tools[t].label for t in r.tools)]
    lines += ["KPIs it owns: " + ", ".join(cat.kpis[k].label for k in r.kpis)]
    lines += ["Platforms: " + ", ".join(cat.platforms[p].label for p in r.platforms)]
    certs = {c.id: c for s in r.skills for c in cat.certifications_for(s.skill)}
    if certs:
        lines += [
            "Certifications: "
            + "; ".join(f"{c.label} ({c.facts.get('issuer')})" for c in certs.values())
        ]
    if not variant:
        lines += ["", "Industry variants (--industry for details):"]
        lines += [f"  {g}: {spec['summary']}" for g, spec in cat.industry_groups.items()]
    if variant:
        group, spec = variant
        lines += ["", f"In {spec['label']}:", f"  {spec['summary']}"]
        lines += [f"  - {x}" for x in spec.get("responsibilities", [])]
        lines += [
            "  Extra skills: "
            + ", ".join(f"{cat.skills[k].label} ({v})" for k, v in spec["skills"].items())
        ]
    lines += ["", "Occupation links:"]
    for code in r.onet:
        o = cat.onet[code]
        lines.append(f"  O*NET {code} {o['title']} (job zone {o['job_zone']})")
    for label in r.esco:
        e = cat.esco_occupations[label]
        lines.append(
            f"  ESCO {label} (ISCO {e['isco_group']}; {len(e['essential_skills'])} essential skills) {e['uri']}"
        )
    moves = [p for p in cat.paths if p.source == r.id]
    if moves:
        lines += ["", "Next steps: " + ", ".join(f"{p.target} ({p.kind})" for p in moves)]
    lines += ["", "Sources: " + " ".join(cat.attribution())]
    print_lines(lines)


def roles_platforms(
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """Platforms: formats, ad formats, key metrics and limits (shared with the post linter)."""
    from socialproof.careers.catalogue import load_catalogue

    cat = load_catalogue()
    rows = []
    for pid in cat.platforms:
        f = cat.platform_facts(pid)
        rows.append(
            {
                "platform": f["name"],
                "formats": ", ".join(map(str, f["formats"])),
                "ad formats": ", ".join(map(str, f["ad_formats"])),
                "key metrics": ", ".join(map(str, f["key_metrics"])),
                "limits": ", ".join(f"{k} {v}" for k, v in f["limits"].items() if v is not None),
                "source": f["source"],
            }
        )
    emit(rows, fmt, output=output, title="Platforms")


def paths(
    start: Annotated[
        str | None,
        typer.Argument(
            help="The role you start from (id or title); default: current_role in profile.yaml."
        ),
    ] = None,
    to: Annotated[
        str | None, typer.Option("--to", help="Show the shortest route to this role.")
    ] = None,
    depth: Annotated[int, typer.Option("--depth", min=1, max=5, help="Steps to look ahead.")] = 2,
    workspace: WorkspaceOption = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """Career paths from a role: progressions, lateral moves and transitions, with skills each adds."""
    from socialproof.careers.catalogue import load_catalogue
    from socialproof.careers.paths import next_steps, shortest_path

    cat = load_catalogue()
    if start is None:
        from socialproof.careers.profile import load_profile, profile_path
        from socialproof.errors import UsageError

        profile = load_profile(profile_path(open_workspace(workspace, migrate=False).root))
        if not profile.current_role:
            raise UsageError(
                "Name the role to start from.",
                hint="e.g. socialproof paths social-media-coordinator, or set current_role in profile.yaml.",
            )
        start = profile.current_role
    steps = shortest_path(start, to) if to else next_steps(start, depth=depth)
    rows = [
        {
            "step": s.depth,
            "from": s.source,
            "to": s.target,
            "kind": s.kind,
            "years": s.years,
            "adds": ", ".join(cat.skills[a].label for a in s.adds),
        }
        for s in steps
    ]
    title = (
        f"Path {cat.role(start).id} → {cat.role(to).id}"
        if to
        else f"Where {cat.role(start).id} leads"
    )
    emit(rows, fmt, output=output, title=title)
    if not steps:  # an empty table printed nothing at all
        if to:
            info(f"{cat.role(start).id} is {cat.role(to).id}: there is no step to take.")
        else:
            info(
                f"The catalogue lists no move from {cat.role(start).id}. "
                "'socialproof roles' lists the roles to compare with."
            )


# -- profile, gap, plan ---------------------------------------------------------


def profile_init(
    workspace: WorkspaceOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing profile.yaml.")
    ] = False,
) -> None:
    """Create profile.yaml in the workspace from a commented example."""
    from socialproof.careers.profile import init_profile

    ws = open_workspace(workspace, migrate=False)
    path = init_profile(ws.root, force=force)
    info(f"Wrote {path}. Edit it, then run 'socialproof profile check'.")


def profile_check(workspace: WorkspaceOption = None) -> None:
    """Validate profile.yaml: unknown skills get catalogue and ESCO suggestions (kept as free text)."""
    from socialproof.careers.profile import check_profile, load_profile, profile_path

    ws = open_workspace(workspace, migrate=False)
    check = check_profile(load_profile(profile_path(ws.root)), root=ws.root)
    known = [s for s in check.skills if s.skill_id]
    lines = [
        f"profile.yaml: {len(known)} of {len(check.skills)} skills in the catalogue, "
        f"{sum(1 for v in check.tools.values() if v)} of {len(check.tools)} tools, "
        f"{sum(1 for v in check.platforms.values() if v)} of {len(check.platforms)} platforms."
    ]
    for s in check.skills:
        if s.skill_id is None and s.esco_suggestions:
            lines.append(f"  {s.given!r}: closest ESCO skills: {'; '.join(s.esco_suggestions)}")
    lines += [f"  warning: {p}" for p in check.problems]
    if not check.problems:
        lines.append("  OK: everything resolves.")
    print_lines(lines)


def _print_gap(result: GapResult, fmt: OutputFormat, output: Path | None) -> None:
    rows = []
    for item in [*result.missing, *result.matched]:
        req = item.requirement
        rows.append(
            {
                "status": "have"
                if item.credit >= 1 - 1e-9
                else ("below level" if item.credit > 0 else "missing"),
                "kind": req.kind,
                "item": req.label,
                "must-have": req.must,
                "importance": req.importance,
                "your level": item.level,
                "evidence": "; ".join(item.evidence),
                "market demand": None
                if item.demand is None
                else f"{item.demand:.0%} ({item.demand_postings})",
                "asked as": req.span,
            }
        )
    if fmt != OutputFormat.table:
        emit(rows, fmt, output=output)
        return
    lines = [
        f"Match with {result.target}: {result.score:.0f}/100 ({result.band}); must-haves met "
        f"{result.must_met} of {result.must_total}; skills {result.skills_met} of {result.skills_total}.",
        f"How: {result.formula}",
    ]
    if result.demand_basis:
        lines.append(f"Market demand from {result.demand_basis}.")
    else:
        lines.append(
            "Market demand: no analysed postings in this workspace ('socialproof jobs import')."
        )
    lines += [f"Note: {n}" for n in result.notes]
    print_lines(lines)
    emit(rows, fmt, output=output, title=f"Gap: {result.target}")
    asked = sorted((i for i in result.missing if i.demand), key=lambda i: -(i.demand or 0))[:5]
    if asked:
        print_lines(
            [
                "Missing skills the market asks for most: "
                + ", ".join(f"{i.requirement.label} ({i.demand:.0%})" for i in asked)
            ]
        )


def gap(
    role: Annotated[
        str | None, typer.Option("--role", help="A catalogue role id or title.")
    ] = None,
    posting: Annotated[
        Path | None,
        typer.Option("--posting", help="A posting file (Markdown/text, optional front matter)."),
    ] = None,
    industry: IndustryOption = None,
    workspace: WorkspaceOption = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """Match score of your profile against a role or a posting, with what is missing."""
    from socialproof.careers.gap import gap_for_posting, gap_for_role
    from socialproof.errors import UsageError

    if (role is None) == (posting is None):
        raise UsageError(
            "Give exactly one of --role or --posting.",
            hint="e.g. socialproof gap --role paid-social-specialist",
        )
    ws = open_workspace(workspace)
    if role is not None:
        result = gap_for_role(ws, role, industry=industry)
    else:
        assert posting is not None  # noqa: S101 (checked above)
        result = gap_for_posting(ws, posting)
    _print_gap(result, fmt, output)


def plan(
    role: Annotated[
        list[str] | None, typer.Option("--role", help="Target role(s); default: profile targets.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=60, help="Steps to show.")] = 12,
    workspace: WorkspaceOption = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """A learning plan: your gaps ordered by market demand x importance, with next steps."""
    from socialproof.careers.plan import plan_for_workspace

    ws = open_workspace(workspace)
    result = plan_for_workspace(ws, roles=role or None, limit=limit)
    rows = [
        {
            "#": s.rank,
            "learn": s.label,
            "kind": s.kind,
            "must-have": s.must,
            "your level": s.your_level,
            "demand": f"{s.demand:.0%}",
            "priority": s.priority,
            "certification": s.certification,
            "portfolio piece": s.portfolio_piece,
            "mock campaign": s.mock_campaign,
        }
        for s in result.steps
    ]
    if fmt == OutputFormat.table:
        print_lines(
            [
                f"Learning plan for {', '.join(result.targets)}; demand from {result.basis}.",
                f"Order: {result.formula}.",
            ]
        )
    emit(rows, fmt, output=output, title="Learning plan")


# -- jobs and market ------------------------------------------------------------


def jobs_import(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Posting files: CSV, JSON Lines, Markdown with front matter."),
    ],
    workspace: WorkspaceOption = None,
    output: OutputOption = None,
) -> None:
    """Import job postings (the regular importer, forced to the job postings format)."""
    from socialproof.ingest.importer import import_paths

    ws = open_workspace(workspace)
    summaries = import_paths(ws, list(paths), format="job-postings")
    emit(
        [s.as_row() for s in summaries],
        OutputFormat.table,
        output=output,
        title="Job postings import",
    )
    for s in summaries:
        for note in dict.fromkeys(s.notes):
            info(f"note: {note}")
        if s.error:
            info(f"Error: {s.error}")
    if any(s.failed for s in summaries):
        raise typer.Exit(1)
    info("Next: 'socialproof jobs analyze' or 'socialproof market report'.")


def jobs_analyze(
    workspace: WorkspaceOption = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    detail: Annotated[
        bool,
        typer.Option(
            "--items",
            help="One row per skill/tool/platform/KPI found, "
            "with its text span, instead of one per posting.",
        ),
    ] = False,
) -> None:
    """Extract each posting's facts (role, seniority, skills with spans, salary, ...) and store them."""
    from socialproof.errors import NoData
    from socialproof.market.store import analyze_workspace

    ws = open_workspace(workspace)
    with progress() as bar:
        task = bar.add_task("Analysing postings", total=None)
        summary = analyze_workspace(
            ws, progress=lambda k, n: bar.update(task, completed=k, total=n)
        )
    if summary.postings == 0:
        raise NoData(
            "The workspace has no job postings yet.",
            hint="Import some with 'socialproof jobs import FILE'.",
        )
    info(
        f"Analysed {summary.analysed} of {summary.postings} postings"
        + (f"; {summary.empty} without text" if summary.empty else "")
        + (
            f"; {summary.unsupported_language} not in English (not supported yet)"
            if summary.unsupported_language
            else ""
        )
        + "."
    )
    if detail:
        rows = [
            {
                "posting_id": f.posting_id,
                "kind": h.kind,
                "item": h.id,
                "requirement": h.requirement,
                "span": h.span,
                "start": h.start,
                "end": h.end,
                "esco": "; ".join(h.esco),
                "evidence": h.evidence,
            }
            for f in summary.facts
            for h in f.skills
        ]
        emit(rows, fmt, output=output, title="Posting items")
        return
    if fmt == OutputFormat.table:
        rows = [_brief(f) for f in summary.facts]
        emit(
            rows, fmt, output=output, title="Job postings (--format jsonl for every fact and span)"
        )
        return
    emit([_full(f) for f in summary.facts], fmt, output=output)


def _brief(f: Any) -> dict[str, Any]:
    sal = ""
    if f.salary_status == "stated":
        values = [v for v in (f.salary_min_annual, f.salary_max_annual) if v is not None]
        shown = [f"{v / 1000:,.0f}k" for v in dict.fromkeys(values)]
        prefix = (
            "up to "
            if f.salary_min_annual is None
            else "from "
            if f.salary_max_annual is None
            else ""
        )
        sal = f"{f.salary_currency or '?'} {prefix}{'–'.join(shown)}"
        if not values:  # no pay period stated, and the amount's size does not tell it
            sal = f"{f.salary_currency or '?'} (period not stated)"
    elif f.salary_status == "unknown":
        sal = "not stated"
    return {
        "title": f.title[:40],
        "role": f.role_id or "?",
        "level": f.seniority or "?",
        "salary/yr": sal,
        "remote": f.remote_policy,
        "industry": f.industry or "",
        "skills": sum(1 for h in f.skills if h.kind == "skill" and h.requirement != "mentioned"),
        "status": f.status if f.status == "ok" else f.note,
    }


def _full(facts: Any) -> dict[str, Any]:
    row = facts.summary_row()
    row["salary_period_inferred"] = facts.salary_period_inferred
    row["years_text"] = facts.years_text
    row["degree_text"] = facts.degree_text
    row["items"] = [
        {
            "kind": h.kind,
            "id": h.id,
            "label": h.label,
            "requirement": h.requirement,
            "span": h.span,
            "start": h.start,
            "end": h.end,
            "esco": h.esco,
            "evidence": h.evidence,
        }
        for h in facts.skills
    ]
    return dict(row)


def market_report(
    location: Annotated[
        str | None,
        typer.Option(
            "--location",
            help="Only postings whose location contains this ('remote' includes remote policy).",
        ),
    ] = None,
    role: Annotated[
        str | None, typer.Option("--role", help="Only postings read as this role.")
    ] = None,
    seniority: Annotated[
        str | None, typer.Option("--seniority", help="intern, entry, mid, senior, lead, executive.")
    ] = None,
    industry: IndustryOption = None,
    html: Annotated[
        Path | None, typer.Option("--html", help="Write an accessible HTML report here.")
    ] = None,
    workspace: WorkspaceOption = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """Demand per skill, platform and tool; salaries (never from fewer than 5 postings); trends."""
    from socialproof.careers.catalogue import load_catalogue
    from socialproof.market.aggregate import MarketFilter, as_records, market_data
    from socialproof.market.report import market_report_html

    role_id = load_catalogue().role(role).id if role else None
    ws = open_workspace(workspace)
    data = market_data(
        ws, MarketFilter(location=location, role=role_id, seniority=seniority, industry=industry)
    )
    if html is not None:
        market_report_html(data).write(html)
        info(f"Wrote {html}")

    # Files get three decimals; the table rounds once, to two (0.4545 is 0.45, where
    # rounding to 0.455 first printed 0.46).
    def _share(value: Any) -> float:
        return float(value) if fmt == OutputFormat.table else round(float(value), 3)

    rows = [
        {
            "kind": kind,
            "item": r["label"],
            "postings": r["postings"],
            "share": _share(r["share"]),
            "must-have share": _share(r["must_share"]),
        }
        for kind, df in data.demand.items()
        for r in as_records(df.head(15))
    ]
    if fmt == OutputFormat.table:
        print_lines(
            [f"{data.postings} analysed postings ({data.filter.describe()})."]
            + [f"Note: {n}" for n in data.notes]
        )
        emit(rows, fmt, output=output, title="Demand (share of postings)")
        if len(data.salaries):
            emit(as_records(data.salaries), fmt, title="Annual salary (midpoints)")
        return
    emit(rows, fmt, output=output)
