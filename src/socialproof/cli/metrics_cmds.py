"""``socialproof metrics`` and the ``report`` group (campaigns, posts, paid social views)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from socialproof.cli._common import (
    FormatOption,
    OutputFormat,
    OutputOption,
    SinceOption,
    UntilOption,
    WorkspaceOption,
    emit,
    info,
    open_workspace,
    print_lines,
)

if TYPE_CHECKING:
    from socialproof.campaigns.report import ReportResult

report_app = typer.Typer(
    help="Reports computed from the KPI registry: campaigns, posts and paid social views.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

KpisOption = Annotated[
    str | None,
    typer.Option("--kpis", help="Comma-separated KPI names to show (see 'socialproof metrics')."),
]
PeriodOption = Annotated[
    str | None, typer.Option("--period", help="Group by day, week or month (workspace timezone).")
]
RateOption = Annotated[
    list[str] | None,
    typer.Option(
        "--rate",
        help="Exchange rate CUR=VALUE (1 CUR in the workspace currency), repeatable; without "
        "rates, mixed currencies are reported per currency.",
    ),
]


def register(app: typer.Typer) -> None:
    app.command("metrics")(metrics)
    app.command("explain")(explain)
    app.add_typer(report_app, name="report")


def _split(value: str | None) -> list[str] | None:
    if value is None:
        return None
    items = [v.strip() for v in value.split(",") if v.strip()]
    return items or None


def _rates(values: list[str] | None) -> dict[str, float] | None:
    from socialproof.campaigns.report import parse_rates

    return parse_rates(values or ())


def _show(result: ReportResult, fmt: OutputFormat, output: Path | None) -> None:
    from socialproof.campaigns.report import for_people

    for note in result.notes:
        info(f"Note: {note}")
    if fmt == OutputFormat.table:
        emit(for_people(result), fmt, output=output, title=result.title)
    else:
        emit(result.frame, fmt, output=output)


def metrics(
    table: Annotated[
        str | None,
        typer.Option(
            "--table", help="Only KPIs for this table: posts, ad_stats, account_daily, messages."
        ),
    ] = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """List every KPI: name, formula, unit, base, which direction is better, source."""
    from socialproof.metrics.registry import listed_kpis

    rows = [
        {
            "name": k.name,
            "label": k.label,
            "formula": k.formula_text,
            "unit": k.unit,
            "base": k.base,
            "better": k.better,
            "tables": ", ".join(k.tables),
            "source": k.source,
        }
        for k in listed_kpis(table)
    ]
    if not rows:
        from socialproof.errors import UsageError

        raise UsageError(
            f"No KPIs for table {table!r}.",
            hint="Use posts, ad_stats, account_daily or messages.",
        )
    emit(rows, fmt, output=output, title="KPIs")


def explain(
    kpi: Annotated[str, typer.Argument(help="The KPI to take apart (see 'socialproof metrics').")],
    table: Annotated[
        str | None,
        typer.Option(
            "--table",
            help="posts, ad_stats or account_daily, for KPIs computed over several "
            "(default: the first one holding rows the other filters select).",
        ),
    ] = None,
    platform: Annotated[
        str | None, typer.Option("--platform", help="Only this platform, e.g. meta.")
    ] = None,
    account: Annotated[str | None, typer.Option("--account", help="Only this account.")] = None,
    campaign: Annotated[
        str | None, typer.Option("--campaign", help="Only this campaign (posts and ad rows).")
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    rows: Annotated[
        int, typer.Option("--rows", help="How many rows to list (0: all); the sums use all.")
    ] = 50,
    workspace: WorkspaceOption = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """The rows and sums behind a KPI figure: numerator, denominator, rows used and left out.

    Filters select rows as the reports do; ad rows that finer rows already count are not
    part of any figure and are not listed. csv/jsonl/parquet write the rows; json writes the
    sums and the rows together.
    """
    import json

    from socialproof.metrics.explain import explain_kpi

    ws = open_workspace(workspace)
    result = explain_kpi(
        ws,
        kpi,
        table=table,
        platform=platform,
        account=account,
        campaign=campaign,
        since=since,
        until=until,
        limit=rows or None,
    )
    if fmt == OutputFormat.json:
        text = json.dumps(result.to_dict(), ensure_ascii=False, indent=1) + "\n"
        if output is None:
            print_lines([text.rstrip("\n")])
        else:
            from socialproof.render.tables import write_atomic

            write_atomic(output, lambda tmp: tmp.write_text(text, encoding="utf-8"))
        return
    if fmt == OutputFormat.table:
        print_lines(result.lines())
        shown = len(result.rows)
        if shown:
            emit(result.rows, fmt, output=output, title=f"Rows behind {result.kpi.name}")
        if shown < result.rows_in_scope:
            info(f"{shown:,} of {result.rows_in_scope:,} rows listed; --rows 0 lists all.")
        return
    emit(result.rows, fmt, output=output)


@report_app.command("campaigns")
def campaigns(
    by: Annotated[
        str,
        typer.Option(
            "--by",
            help="Comma-separated dimensions: platform, account, campaign, ad_set, ad, "
            "currency, objective, result_type, breakdown, and/or day, week, month.",
        ),
    ] = "platform,campaign",
    period: PeriodOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    kpis: KpisOption = None,
    rate: RateOption = None,
    workspace: WorkspaceOption = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """Paid campaign KPIs (spend, CPM, CTR, cost per result, ROAS, ...) by any grouping.

    The table shows spend, impressions, link CTR, CPC, CPM, results, cost per result and
    ROAS; csv/json/parquet add reach, frequency, link clicks and purchase value. --kpis
    picks any KPIs from 'socialproof metrics --table ad_stats'.
    """
    from socialproof.campaigns.report import CAMPAIGN_KPIS, PEOPLE_KPIS, campaign_report

    ws = open_workspace(workspace)
    chosen = _split(kpis)
    if chosen is None:  # a table for people shows fewer columns; machines get them all
        chosen = list(PEOPLE_KPIS if fmt == OutputFormat.table else CAMPAIGN_KPIS)
    result = campaign_report(
        ws, by=by, period=period, since=since, until=until, kpis=chosen, rates=_rates(rate)
    )
    _show(result, fmt, output)


@report_app.command("posts")
def posts(
    platform: Annotated[
        str | None, typer.Option("--platform", help="Only this platform, e.g. instagram.")
    ] = None,
    top: Annotated[int, typer.Option("--top", help="How many posts to list.")] = 10,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            help="KPI to rank posts by (see 'socialproof metrics --table posts'); default: "
            "engagement rate by reach, or by impressions or views when posts lack reach.",
        ),
    ] = None,
    bottom: Annotated[
        bool, typer.Option("--bottom", help="List the weakest posts instead of the best.")
    ] = False,
    min_base: Annotated[
        float,
        typer.Option(
            "--min-base",
            help="Rank a post by a rate only when its base (reach, impressions or views) "
            "is at least this; 0 ranks every post.",
        ),
    ] = 100,
    group_by: Annotated[
        str | None,
        typer.Option(
            "--group-by",
            help="Instead of ranking posts, group them: platform, account, format, campaign, "
            "is_paid, labels and/or day, week, month.",
        ),
    ] = None,
    period: PeriodOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    kpis: KpisOption = None,
    workspace: WorkspaceOption = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """Top posts by a KPI (engagement rate by reach by default), or posts grouped."""
    from socialproof.campaigns.report import post_report

    ws = open_workspace(workspace)
    result = post_report(
        ws,
        platform=platform,
        top=top,
        sort_by=by,
        bottom=bottom,
        group_by=group_by,
        period=period,
        since=since,
        until=until,
        kpis=_split(kpis),
        min_base=min_base,
    )
    _show(result, fmt, output)


@report_app.command("ads")
def ads(
    metric: Annotated[
        str | None,
        typer.Option(
            "--metric",
            help="KPI to rank ads by (default: cost_per_result, or ctr_link without results).",
        ),
    ] = None,
    n: Annotated[int, typer.Option("--n", help="How many best and worst ads.")] = 3,
    since: SinceOption = None,
    until: UntilOption = None,
    rate: RateOption = None,
    workspace: WorkspaceOption = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """Best and worst ads by a KPI, each with how far it is from the median ad."""
    from socialproof.campaigns.paid import ad_ranking

    ws = open_workspace(workspace)
    result = ad_ranking(ws, metric=metric, n=n, since=since, until=until, rates=_rates(rate))
    _show(result, fmt, output)


@report_app.command("pacing")
def pacing(
    budget: Annotated[
        float | None,
        typer.Option(
            "--budget",
            help="Planned budget for --period (default: budgets.yaml in the workspace, items "
            "with amount, start, end and optionally campaign, platform, currency, account).",
        ),
    ] = None,
    period: Annotated[
        str, typer.Option("--period", help="The budget's period: day, week or month.")
    ] = "month",
    campaign: Annotated[
        str, typer.Option("--campaign", help="Only this campaign (default: all together).")
    ] = "",
    platform: Annotated[str, typer.Option("--platform", help="Only this platform.")] = "",
    account: Annotated[
        str,
        typer.Option(
            "--account",
            help="Only this ad account ('all': every account added together; with "
            "budgets.yaml, the budgets naming it). Spend from several accounts needs it.",
        ),
    ] = "",
    budgets: Annotated[
        Path | None, typer.Option("--budgets", help="A budgets YAML file to use instead.")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Judge pacing on this day (default: last day with data)."),
    ] = None,
    workspace: WorkspaceOption = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """Budget pacing: spend so far against the planned budget, and the projection."""
    from socialproof.campaigns.paid import pacing as run

    ws = open_workspace(workspace)
    result = run(
        ws,
        budget=budget,
        period=period,
        campaign=campaign,
        platform=platform,
        budgets_file=budgets,
        as_of=as_of,
        account=account,
    )
    _show(result, fmt, output)


@report_app.command("fatigue")
def fatigue(
    min_days: Annotated[
        int, typer.Option("--min-days", help="Days of delivery an ad needs to be judged.")
    ] = 6,
    all_ads: Annotated[
        bool, typer.Option("--all", help="List every judged ad, not only fatigued ones.")
    ] = False,
    since: SinceOption = None,
    until: UntilOption = None,
    workspace: WorkspaceOption = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """Creative fatigue: ads whose link CTR fell while frequency rose, with the numbers."""
    from socialproof.campaigns.paid import fatigue as run
    from socialproof.errors import UsageError

    if min_days < 3:
        raise UsageError(f"--min-days must be at least 3, got {min_days}.")
    ws = open_workspace(workspace)
    result = run(ws, since=since, until=until, min_days=min_days, all_ads=all_ads)
    _show(result, fmt, output)


@report_app.command("creators")
def creators(
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--mapping",
            help="CSV or YAML: creator, and post_id, ad, ad_set or campaign; optional platform, "
            "fee, promo_code, promo_conversions. Without it, labels 'creator:<name>' are used.",
        ),
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    workspace: WorkspaceOption = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """Creator collaborations: reach, engagement, cost per engagement, conversions, disclosure."""
    from socialproof.campaigns.creators import creator_report, load_mapping

    rows = load_mapping(mapping) if mapping is not None else None
    ws = open_workspace(workspace)
    result = creator_report(ws, mapping=rows, since=since, until=until)
    _show(result, fmt, output)
