"""``socialproof pilot``: define, list, report and plan pilots (A/B tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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
)

pilot_app = typer.Typer(
    help="Pilots (A/B tests): compare variants of posts or ads with the right statistics.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

FILTER_HELP = "filter: column=value, column~text (contains), label:NAME; join terms with ','"


def register(app: typer.Typer) -> None:
    app.add_typer(pilot_app, name="pilot")


@pilot_app.command("new")
def new(
    name: Annotated[str, typer.Argument(help="A name for the pilot, e.g. 'Reels vs carousels'.")],
    metric: Annotated[
        str,
        typer.Option(
            "--metric",
            "-m",
            help="KPI to compare (see 'socialproof metrics'; also engagement_rate, ctr).",
        ),
    ],
    a: Annotated[str, typer.Option("--a", help=f"Variant A, the control ({FILTER_HELP}).")],
    b: Annotated[str, typer.Option("--b", help=f"Variant B ({FILTER_HELP}).")],
    date_from: Annotated[str, typer.Option("--from", help="First day (YYYY-MM-DD), inclusive.")],
    date_to: Annotated[str, typer.Option("--to", help="Last day (YYYY-MM-DD), inclusive.")],
    c: Annotated[str | None, typer.Option("--c", help="Variant C (optional).")] = None,
    d: Annotated[str | None, typer.Option("--d", help="Variant D (optional).")] = None,
    table: Annotated[
        str | None,
        typer.Option("--table", help="posts or ad_stats (default: from the metric and filters)."),
    ] = None,
    split: Annotated[
        str | None,
        typer.Option(
            "--split",
            help="Shares by which units were assigned to the variants at random, e.g. "
            "50,50: posts get the sample-ratio check; a platform's ad split test shows its "
            "spend and impressions against it.",
        ),
    ] = None,
    mde: Annotated[
        str, typer.Option("--mde", help="Smallest relative change worth finding, e.g. 10%.")
    ] = "10%",
    confidence: Annotated[
        float, typer.Option("--confidence", help="Confidence level of the intervals.")
    ] = 0.95,
    test: Annotated[
        str,
        typer.Option("--test", help="For per-post metrics: auto, welch or bootstrap."),
    ] = "auto",
    note: Annotated[str, typer.Option("--note", help="A hypothesis or note to keep.")] = "",
    names: Annotated[
        str | None,
        typer.Option("--names", help="Names of the variants in order, e.g. 'Carousels,Reels'."),
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Define a pilot: a metric, two or more variants (filters) and a period."""
    from socialproof.campaigns import pilots

    pilot = pilots.define(
        name,
        metric,
        [v for v in (a, b, c, d) if v is not None],
        date_from,
        date_to,
        table=table,
        split=split,
        mde=mde,
        confidence=confidence,
        test=test,
        note=note,
        names=names,
    )
    ws = open_workspace(workspace)
    stored = pilots.create(ws, pilot)
    info(f"Created pilot {stored.name!r} on {stored.table} ({stored.metric}).")
    info(f"Next: socialproof pilot report {_quote(stored.name)}")


@pilot_app.command("list")
def list_(
    workspace: WorkspaceOption = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """List the workspace's pilots."""
    from socialproof.campaigns import pilots

    ws = open_workspace(workspace)
    rows = [pilots.describe(p) for p in pilots.list_pilots(ws)]
    if not rows and fmt == OutputFormat.table:
        info(
            "No pilots yet. Create one with: socialproof pilot new NAME --metric ... --a ... --b ..."
        )
        return
    emit(rows, fmt, output=output, title="Pilots")


@pilot_app.command("report")
def report(
    name: Annotated[str, typer.Argument(help="The pilot's name.")],
    html: Annotated[
        Path | None, typer.Option("--html", help="Also write a self-contained HTML report here.")
    ] = None,
    seed: Annotated[
        int, typer.Option("--seed", min=0, help="Seed of the bootstrap, if used (0 or more).")
    ] = 0,
    workspace: WorkspaceOption = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """Effect with its interval, the test used and why, the SRM check and a verdict."""
    from socialproof.campaigns import pilot_analysis, pilot_report

    ws = open_workspace(workspace)
    result = pilot_analysis.analyse(ws, name, seed=seed)
    if html is not None:
        pilot_report.write_html(result, html)
        info(f"Wrote {html}")
    if fmt == OutputFormat.table:
        emit(
            pilot_report.display_rows(result),
            fmt,
            output=output,
            title=f"Pilot: {result.pilot.name}",
        )
        if output is None:
            print_lines(pilot_report.summary_lines(result))
        return
    emit(pilot_analysis.result_rows(result), fmt, output=output)


@pilot_app.command("plan")
def plan(
    metric: Annotated[str, typer.Option("--metric", "-m", help="KPI to compare, e.g. ctr.")],
    mde: Annotated[
        str,
        typer.Option("--mde", help="Minimum detectable effect: 10% (relative) or 0.2pp (points)."),
    ],
    baseline: Annotated[
        str | None,
        typer.Option(
            "--baseline", help="Current level, e.g. 0.012 or 1.2% (default: recent data)."
        ),
    ] = None,
    daily: Annotated[
        float | None,
        typer.Option("--daily", help="Units per day across the pilot (impressions or posts)."),
    ] = None,
    variants: Annotated[int, typer.Option("--variants", help="Number of variants.")] = 2,
    alpha: Annotated[float, typer.Option("--alpha", help="Significance level.")] = 0.05,
    power: Annotated[float, typer.Option("--power", help="Chance of detecting the effect.")] = 0.8,
    sd: Annotated[
        float | None,
        typer.Option(
            "--sd",
            help="Standard deviation per post (per-post metrics; default: computed from the "
            "workspace's recent posts).",
        ),
    ] = None,
    table: Annotated[str | None, typer.Option("--table", help="posts or ad_stats.")] = None,
    baseline_days: Annotated[
        int | None,
        typer.Option(
            "--baseline-days",
            help="Days of the workspace's latest data that set the baseline and spread "
            "(default 90).",
        ),
    ] = None,
    use_all: Annotated[
        bool,
        typer.Option(
            "--use-all", help="Set the baseline and spread from the workspace's whole history."
        ),
    ] = False,
    workspace: WorkspaceOption = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """Sample size per variant, and days needed, to detect a minimum effect."""
    from socialproof.campaigns import pilot_report, pilots
    from socialproof.errors import WorkspaceNotFound

    try:
        ws = open_workspace(workspace)
    except WorkspaceNotFound:
        if workspace is not None:
            raise
        ws = None
    result = pilots.plan(
        ws,
        metric,
        mde,
        baseline=baseline,
        table=table,
        daily=daily,
        variants=variants,
        alpha=alpha,
        power=power,
        sd=sd,
        baseline_days=baseline_days,
        use_all=use_all,
    )
    if fmt == OutputFormat.table and output is None:
        print_lines(pilot_report.plan_lines(result)[1:])
        return
    emit(result.rows(), fmt, output=output, title="Pilot plan")


@pilot_app.command("delete")
def delete(
    name: Annotated[str, typer.Argument(help="The pilot's name.")],
    workspace: WorkspaceOption = None,
) -> None:
    """Remove a pilot's definition (the data it reads stays)."""
    from socialproof.campaigns import pilots

    ws = open_workspace(workspace)
    gone = pilots.delete(ws, name)
    info(f"Deleted pilot {gone.name!r}.")


def _quote(text: str) -> str:
    return f'"{text}"' if " " in text else text
