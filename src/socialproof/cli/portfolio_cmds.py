"""``socialproof portfolio``: case studies, rubric check, site, PDF, preview, JSON Resume."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from socialproof.cli._common import (
    FormatOption,
    OutputFormat,
    WorkspaceOption,
    emit,
    info,
    open_workspace,
)

portfolio = typer.Typer(
    help="Case studies backed by evidence, built as an accessible website and a PDF.",
    no_args_is_help=True,
)


class Kind(str, Enum):  # noqa: UP042 (typer needs str + Enum)
    paid = "paid"
    organic = "organic"
    community = "community"
    mock = "mock"


class PageSize(str, Enum):  # noqa: UP042
    a4 = "a4"
    letter = "letter"


def register(app: typer.Typer) -> None:
    app.add_typer(portfolio, name="portfolio")


@portfolio.command("new")
def new(
    title: Annotated[str, typer.Argument(help="Title of the case study.")],
    kind: Annotated[
        Kind, typer.Option("--kind", help="paid, organic, community or mock.")
    ] = Kind.organic,
    workspace: WorkspaceOption = None,
) -> None:
    """Write a case study template into case-studies/, its evidence from the workspace.

    The outcome points at the newest campaign (paid), the platform with most posts
    (organic) or the messages (community) the workspace holds, or is left for you to
    choose; texts to write start with TODO and block publishing until edited."""
    from socialproof.portfolio.casestudy import new_case_study
    from socialproof.portfolio.starter import suggest_evidence

    ws = open_workspace(workspace)
    evidence = suggest_evidence(ws, kind.value)
    path = new_case_study(ws.root / "case-studies", title, kind.value, evidence=evidence)
    info(f"Wrote {path}")
    if evidence is not None:
        shown = ", ".join(f"{k} {v}" for k, v in evidence.where.items()) or evidence.what
        info(f"Its outcome is computed from the workspace ({shown}); change it if needed.")
    else:
        info("The workspace holds no data for its outcome yet: choose one where it says TODO.")
    info("Next: replace every TODO, then run 'socialproof portfolio check'.")


@portfolio.command("check")
def check(
    workspace: WorkspaceOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Check every case study against the rubric; exit 1 when any has errors."""
    from socialproof.portfolio.rubric import check_portfolio

    ws = open_workspace(workspace)
    results = check_portfolio(ws)
    if not results:
        info('No case studies yet. Start one with: socialproof portfolio new "TITLE" --kind paid')
        return
    rows = [
        {
            "case study": r.slug,
            "level": f.level,
            "rule": f.rule,
            "line": f.line,
            "finding": f.message,
        }
        for r in results
        for f in r.findings
    ]
    summary = [
        {
            "case study": r.slug,
            "kind": r.kind,
            "errors": r.errors,
            "warnings": r.warnings,
            "score": r.score,
        }
        for r in results
    ]
    if fmt == OutputFormat.table:
        if rows:
            emit(rows, fmt, title="Findings")
        emit(summary, fmt, title="Scores (100 − 20 per error − 5 per warning)")
    else:
        emit(rows if rows else summary, fmt)
    if any(r.errors for r in results):
        raise typer.Exit(1)


@portfolio.command("build")
def build(
    out: Annotated[
        Path | None, typer.Option("--out", help="Output folder (default: site/).")
    ] = None,
    theme: Annotated[
        str, typer.Option("--theme", help="Site theme: classic or studio (or a plugin's).")
    ] = "classic",
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="Public address, for sitemap and OpenGraph.")
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Build the static site (no JavaScript, no external requests)."""
    from socialproof.portfolio.site import build_site

    ws = open_workspace(workspace)
    result = build_site(ws, out=out, theme=theme, base_url=base_url)
    for w in result.warnings:
        info(f"Warning: {w}")
    info(f"Built {len(result.pages)} pages into {result.out}")


@portfolio.command("pdf")
def pdf(
    out: Annotated[
        Path | None, typer.Option("--out", help="PDF file (default: portfolio.pdf).")
    ] = None,
    one_page: Annotated[
        bool, typer.Option("--one-page", help="A one-page summary for applications.")
    ] = False,
    size: Annotated[PageSize, typer.Option("--size", help="Paper size.")] = PageSize.a4,
    workspace: WorkspaceOption = None,
) -> None:
    """Write the portfolio as a tagged PDF (PDF/UA) with fonts embedded."""
    from socialproof.portfolio.pdf import build_pdf

    ws = open_workspace(workspace)
    path = build_pdf(ws, out=out, one_page=one_page, size=size.value)
    info(f"Wrote {path}")


@portfolio.command("preview")
def preview(
    port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1.")] = 8000,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (default: this machine only).")
    ] = "127.0.0.1",
    theme: Annotated[str, typer.Option("--theme", help="Site theme.")] = "classic",
    workspace: WorkspaceOption = None,
) -> None:
    """Serve site/ on 127.0.0.1 and rebuild when a case study changes."""
    from socialproof.portfolio.preview import serve
    from socialproof.portfolio.site import build_site

    ws = open_workspace(workspace)
    out = ws.root / "site"
    try:
        serve(
            ws,
            lambda: build_site(ws, out=out, theme=theme),
            out,
            host=host,
            port=port,
            on_event=info,
        )
    except KeyboardInterrupt:
        info("Stopped.")


@portfolio.command("export")
def export(
    json_resume: Annotated[
        Path, typer.Option("--json-resume", help="Write a JSON Resume file here.")
    ],
    workspace: WorkspaceOption = None,
) -> None:
    """Export the profile and case studies as a JSON Resume document."""
    from socialproof.portfolio.resume import write_resume

    ws = open_workspace(workspace)
    info(f"Wrote {write_resume(ws, json_resume)}")


@portfolio.command("import")
def import_(
    json_resume: Annotated[
        Path, typer.Option("--json-resume", help="A JSON Resume file to start from.")
    ],
    workspace: WorkspaceOption = None,
) -> None:
    """Start a portfolio from a JSON Resume: profile.yaml and case study drafts."""
    from socialproof.portfolio.resume import import_resume

    ws = open_workspace(workspace)
    written = import_resume(ws, json_resume)
    for p in written:
        info(f"Wrote {p}")
    if not written:
        info("Nothing new to write (profile and case studies already exist).")
