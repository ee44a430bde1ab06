"""``socialproof community ...``: report, themes, moderation queue and decisions, threads."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

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
)

community_app = typer.Typer(
    help="Community health from imported conversations: response times, engagement in "
    "groups, sentiment, themes and the moderation queue.",
    no_args_is_help=True,
)

PlatformOption = Annotated[
    str | None, typer.Option("--platform", help="Only this platform (e.g. x, reddit, instagram).")
]
GroupOption = Annotated[
    str | None,
    typer.Option("--group", help="Only this group (community, subreddit or page id)."),
]
KOption = Annotated[
    str, typer.Option("--k", help="Number of themes: 'auto' to choose, or a number (2 or more).")
]


def register(app: typer.Typer) -> None:
    app.add_typer(community_app, name="community")


def _k(value: str) -> str | int:
    from socialproof.errors import UsageError

    text = value.strip().lower()
    if text == "auto":
        return "auto"
    try:
        k = int(text)
    except ValueError:
        raise UsageError(
            f"--k {value!r} is not 'auto' or a number.", hint="E.g. --k auto or --k 8."
        ) from None
    if k < 2:
        raise UsageError(f"--k {k}: ask for at least 2 themes.", hint="Or use --k auto.")
    return k


def _scope(since: str | None, until: str | None, platform: str | None, group: str | None):  # type: ignore[no-untyped-def]
    from socialproof.community.threads import parse_scope

    return parse_scope(since, until, platform, group)


@community_app.command("report")
def report(
    workspace: WorkspaceOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    platform: PlatformOption = None,
    group: GroupOption = None,
    html: Annotated[
        Path | None, typer.Option("--html", help="Also write a self-contained HTML report here.")
    ] = None,
    sla_hours: Annotated[
        float | None,
        typer.Option("--sla-hours", help="Service level in hours (default: community.sla_hours)."),
    ] = None,
    period: Annotated[
        str, typer.Option("--period", help="Periods for sentiment and groups: day, week or month.")
    ] = "week",
    k: KOption = "auto",
    no_text: Annotated[
        bool, typer.Option("--no-text", help="Skip sentiment, moderation and themes (faster).")
    ] = False,
    chart_cutoff: Annotated[
        float | None,
        typer.Option(
            "--chart-cutoff",
            help="Longest first-response time (hours) the HTML chart shows; threads answered "
            "later are left out of the chart with a note, never out of the figures "
            "(default: a robust cut-off from the data).",
        ),
    ] = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Community health report: response times, engagement in groups, sentiment, themes."""
    from socialproof.community.report import (
        build_report,
        group_rows,
        split_rows,
        summary_rows,
        theme_rows,
        to_dict,
        to_html,
        unanswered_rows,
    )
    from socialproof.errors import UsageError

    value = getattr(fmt, "value", fmt)
    if value not in ("table", "json"):
        raise UsageError(
            f"community report prints a table or JSON, not {value}.",
            hint="Use --format table or --format json; 'community threads' gives CSV.",
        )
    scope = _scope(since, until, platform, group)
    k_value = _k(k)
    if period not in ("day", "week", "month"):
        raise UsageError(f"Unknown period {period!r}.", hint="Use day, week or month.")
    if html is not None and html.is_dir():
        raise UsageError(f"--html {html} is a folder.", hint="Name a file, e.g. report.html.")
    if html is not None and not html.resolve().parent.is_dir():
        raise UsageError(
            f"--html {html}: the folder {html.resolve().parent} does not exist.",
            hint="Create it first or choose another path.",
        )
    ws = open_workspace(workspace)
    from socialproof.community.threads import check_sla

    check_sla(sla_hours, ws)
    rep = build_report(
        ws,
        scope,
        sla_hours=sla_hours,
        period=period,
        with_text=not no_text,
        k=k_value,
        progress=lambda step: info(f"… {step}"),
        chart_cutoff_h=chart_cutoff,
    )
    if html is not None:
        try:
            to_html(rep).write(html)
        except OSError as exc:
            raise UsageError(
                f"Cannot write {html}: {exc.strerror or exc}.",
                hint="Choose a path you can write to.",
            ) from None
        info(f"Wrote {html}")
    if value == "json":
        import json

        typer.echo(json.dumps(to_dict(rep), ensure_ascii=False, indent=1, default=str))
        return
    emit(summary_rows(rep), "table", title="Community report")
    for name, rows in (
        ("platform", rep.response.by_platform),
        ("channel", rep.response.by_channel),
        ("agent", rep.response.by_agent[:15]),
    ):
        if len(rows) > 1 or name == "agent" and rows:
            emit(split_rows(rows), "table", title=f"Response times by {name}")
    themes = theme_rows(rep, top=10)
    if themes:
        emit(themes, "table", title="Top themes")
    groups = group_rows(rep)
    if groups:
        emit(
            groups[-20:],
            "table",
            title=f"Engagement in groups (latest {min(20, len(groups))} rows)",
        )
    unanswered = unanswered_rows(rep, limit=10)
    if unanswered:
        emit(
            unanswered,
            "table",
            title="Oldest unanswered threads ('community threads --unanswered' lists all)",
        )
    for note in rep.notes:
        info(f"Note: {note}")


@community_app.command("themes")
def themes(
    workspace: WorkspaceOption = None,
    k: KOption = "auto",
    top: Annotated[int, typer.Option("--top", min=1, help="Show this many themes.")] = 20,
    since: SinceOption = None,
    until: UntilOption = None,
    platform: PlatformOption = None,
    group: GroupOption = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """Recurring conversation themes in member messages, with sentiment, trend and destination."""
    from socialproof.community.scoring import discover_themes
    from socialproof.community.scoring_themes import scope_words

    scope = _scope(since, until, platform, group)
    k_value = _k(k)
    ws = open_workspace(workspace)
    result = discover_themes(ws, scope, k=k_value)
    title = (
        f"Themes ({len(result.themes)} found in {result.sample_size:,} member messages; "
        f"scope: {scope_words(scope, k_value)})"
    )
    if getattr(fmt, "value", fmt) == "table" and output is None:
        from socialproof.community.report import theme_table

        emit(theme_table(result.themes, top), "table", title=title)
    else:
        df = result.themes.head(top).copy()
        df["examples"] = [" | ".join(e) for e in df["examples"]]
        emit(df, fmt, output=output, title=title)
    if getattr(fmt, "value", fmt) != "table" or output is not None:
        info(f"Scope: {scope_words(scope, k_value)}.")  # the title is the table's alone
    for note in result.notes:
        info(f"Note: {note}")


@community_app.command("queue")
def queue(
    workspace: WorkspaceOption = None,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Show at most this many.")
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    platform: PlatformOption = None,
    group: GroupOption = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """Moderation queue: member messages flagged spam or toxic, with the reasons."""
    from socialproof.community.queue import moderation_queue
    from socialproof.community.scoring import score_messages

    scope = _scope(since, until, platform, group)
    ws = open_workspace(workspace)
    scored = score_messages(ws)
    for note in scored.notes:
        info(f"Note: {note}")
    df = moderation_queue(ws, scope, limit=limit)
    if df.empty:
        info("Nothing flagged.")
        if getattr(fmt, "value", fmt) == "table" and output is None:
            return
    emit(df, fmt, output=output, title="Moderation queue")


@community_app.command("threads")
def threads(
    workspace: WorkspaceOption = None,
    unanswered: Annotated[
        bool, typer.Option("--unanswered", help="Only threads without a brand reply.")
    ] = False,
    waiting: Annotated[
        bool,
        typer.Option(
            "--waiting",
            help="Only threads waiting for the brand: unanswered, or waiting again (the "
            "customer wrote after the last brand reply); the state column says which.",
        ),
    ] = False,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Show at most this many.")
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    platform: PlatformOption = None,
    group: GroupOption = None,
    sla_hours: Annotated[
        float | None, typer.Option("--sla-hours", help="Service level in hours.")
    ] = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """Customer threads with first response and resolution times (or only those waiting).

    opened_at is UTC; opened_at_local and answered_at_local are in the workspace timezone
    (the timezone column), as the community report shows them.
    """
    from socialproof.community.threads import response_times
    from socialproof.errors import UsageError

    if unanswered and waiting:
        raise UsageError(
            "--unanswered and --waiting cannot be used together.",
            hint="--waiting lists the unanswered threads too, with those waiting again.",
        )
    scope = _scope(since, until, platform, group)
    ws = open_workspace(workspace)
    r = response_times(ws, scope, sla_hours=sla_hours)
    df = r.listing(ws.settings.timezone, unanswered=unanswered, waiting=waiting)
    title = "Unanswered threads, oldest first" if unanswered else "Threads"
    if waiting:
        title = "Threads waiting for the brand (unanswered or waiting again), longest first"
    if limit is not None:
        df = df.head(limit)
    emit(df, fmt, output=output, title=title)
    for note in r.notes:
        info(f"Note: {note}")


class DecisionChoice(StrEnum):
    confirm = "confirm"
    dismiss = "dismiss"


@community_app.command("decide")
def decide(
    message_id: Annotated[str, typer.Argument(help="The flagged message's id (from the queue).")],
    decision: Annotated[
        DecisionChoice,
        typer.Argument(help="confirm (the flag is right) or dismiss (it is not)."),
    ],
    platform: PlatformOption = None,
    who: Annotated[
        str | None, typer.Option("--as", help="Who decides (default: the workspace owner).")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="Why, for the record.")] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Confirm or dismiss a moderation flag; a dismissed flag is not raised again."""
    from socialproof.community.decisions import record_decision

    ws = open_workspace(workspace)
    d = record_decision(ws, message_id, decision.value, platform=platform, who=who, note=note)
    verb = "Confirmed" if d.decision == "confirm" else "Dismissed"
    typer.echo(
        f"{verb} the {d.flag} flag on {d.platform} message {d.message_id} as {d.decided_by}."
    )
    if d.decision == "dismiss":
        info("It leaves the moderation queue and is not raised again unless its text changes.")


@community_app.command("decisions")
def decisions_cmd(
    latest: Annotated[
        bool, typer.Option("--latest", help="Only the latest decision per message.")
    ] = False,
    apply: Annotated[
        bool,
        typer.Option(
            "--apply",
            help="Write the suggested model thresholds into the workspace's moderation.yaml "
            "(the next scoring re-scores with them).",
        ),
    ] = False,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Moderation decisions, newest first, and the model thresholds they suggest."""
    from socialproof.community.decisions import apply_thresholds, decisions, suggest_thresholds

    ws = open_workspace(workspace)
    df = decisions(ws, latest=latest).drop(columns=["text_hash"])
    if df.empty:
        info("No decisions yet: 'socialproof community decide MESSAGE_ID confirm|dismiss'.")
        if getattr(fmt, "value", fmt) == "table" and output is None:
            return
    emit(df, fmt, output=output, title="Moderation decisions")
    suggestions = suggest_thresholds(ws)
    for s in suggestions:
        info(s.explanation)
    if apply:
        path, changes = apply_thresholds(ws, suggestions)
        if not changes:
            info("Nothing applied: no threshold is suggested yet.")
        for change in changes:
            info(f"Applied in {path}: {change}. The next report re-scores with it.")
