"""``socialproof lint``, ``calendar``, ``approve`` and ``approvals``: publishing safely."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from socialproof.cli._common import (
    STATE,
    FormatOption,
    OutputFormat,
    OutputOption,
    WorkspaceOption,
    emit,
    info,
    print_lines,
)

if TYPE_CHECKING:
    from socialproof.workspace import Workspace


class LintFormat(StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"


class ExportKind(StrEnum):
    buffer = "buffer"
    hootsuite = "hootsuite"


approvals_app = typer.Typer(
    help="The approvals log: verify it, read it, see where posts stand.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.command("lint")(lint)
    app.command("calendar")(calendar)
    app.command("approve")(approve)
    app.command("schedule")(schedule)
    approvals_app.command("verify")(approvals_verify)
    approvals_app.command("log")(approvals_log)
    approvals_app.command("status")(approvals_status)
    app.add_typer(approvals_app, name="approvals")


def _maybe_workspace(path: Path | None) -> Workspace | None:
    """The workspace if there is one (linting works without)."""
    from socialproof.cli._common import open_workspace
    from socialproof.errors import WorkspaceNotFound

    try:
        return open_workspace(path, migrate=False)
    except WorkspaceNotFound:
        if path is not None or STATE.workspace is not None:
            raise
        return None


def _write(data: str | bytes, output: Path | None) -> None:
    """Print, or write atomically to a file; an unwritable path is a one-line error."""
    import sys

    if output is None:
        sys.stdout.write(data if isinstance(data, str) else data.decode("utf-8"))
        return
    tmp = output.with_name(output.name + ".tmp")
    try:
        if isinstance(data, bytes):
            tmp.write_bytes(data)
        else:
            tmp.write_text(data, encoding="utf-8")
        tmp.replace(output)
    except OSError as exc:
        from socialproof.errors import UsageError

        raise UsageError(
            f"Cannot write {output}: {exc.strerror or exc}.",
            hint="Choose a path in a folder that exists and that you can write to.",
        ) from None


def lint(
    files: Annotated[
        list[Path] | None,
        typer.Argument(help="Post files (content/*.md). Default: the workspace's content/*.md."),
    ] = None,
    text: Annotated[
        str | None, typer.Option("--text", help="Lint this text instead of files.")
    ] = None,
    platform: Annotated[
        str | None,
        typer.Option("--platform", "-p", help="Platform for --text or for posts without one."),
    ] = None,
    industry: Annotated[
        str | None,
        typer.Option(help="Industry rules to apply (default: the post's, then the workspace's)."),
    ] = None,
    fmt: Annotated[
        LintFormat, typer.Option("--format", "-f", help="text for people; json; sarif for CI.")
    ] = LintFormat.text,
    fix: Annotated[
        bool,
        typer.Option("--fix", help="Apply safe fixes (CamelCase hashtags, move the disclosure)."),
    ] = False,
    rules: Annotated[
        list[Path] | None, typer.Option("--rules", help="An extra rules pack (YAML); repeatable.")
    ] = None,
    list_rules: Annotated[
        bool,
        typer.Option(
            "--list-rules", help="List every rule (id, severity, scope, source) and exit."
        ),
    ] = False,
    output: OutputOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Check posts against platform limits, accessibility, disclosure, regulated-industry,
    privacy and brand-voice rules. Exit code 0 when no error is left, 1 otherwise."""
    import json

    from socialproof.content.fix import apply_fixes, fixed_text
    from socialproof.content.linter import exit_code, format_text, lint_targets, to_json

    ws = _maybe_workspace(workspace)
    if list_rules:
        from socialproof.content.linter import rule_table

        table = rule_table(ws, extra_rules=list(rules or []))
        if fmt is LintFormat.json:
            _write(json.dumps(table, ensure_ascii=False, indent=1) + "\n", output)
        else:
            emit(table, OutputFormat.table, output=output, title="Lint rules")
        return
    results, rule_list = lint_targets(
        list(files or []),
        text=text,
        platform=platform,
        industry=industry,
        ws=ws,
        extra_rules=list(rules or []),
    )
    if fix:
        fixed = 0
        new_text = text
        for res in results:
            if res.post.path is None:
                body, count = fixed_text(res)
                if count:
                    new_text = body
                    info("Fixed text:")
                    info(body.rstrip("\n"))
                fixed += count
            else:
                fixed += apply_fixes(res)
        info(f"Applied {fixed} safe fixes; what is left follows.")
        if fixed:
            results, rule_list = lint_targets(
                list(files or []),
                text=new_text,
                platform=platform,
                industry=industry,
                ws=ws,
                extra_rules=list(rules or []),
            )
    if fmt is LintFormat.json:
        _write(json.dumps(to_json(results), ensure_ascii=False, indent=1) + "\n", output)
    elif fmt is LintFormat.sarif:
        from socialproof.content.sarif import to_sarif

        _write(
            json.dumps(to_sarif(results, rule_list), ensure_ascii=False, indent=1) + "\n", output
        )
    else:
        _write("\n".join(format_text(results)) + "\n", output)
    code = exit_code(results)
    if code:
        raise typer.Exit(code)


def calendar(
    month: Annotated[bool, typer.Option("--month", help="Show a month (default: a week).")] = False,
    week: Annotated[bool, typer.Option("--week", help="Show a week (the default).")] = False,
    start: Annotated[
        str | None,
        typer.Option(
            help="A day in the period to show (YYYY-MM-DD). Default: the next planned post."
        ),
    ] = None,
    platform: Annotated[
        str | None, typer.Option("--platform", "-p", help="Only this platform.")
    ] = None,
    html: Annotated[
        Path | None, typer.Option("--html", help="Also write an accessible HTML calendar here.")
    ] = None,
    ics: Annotated[
        Path | None,
        typer.Option(
            "--ics",
            help="Also write every cleared planned post to an iCalendar (.ics) file here.",
        ),
    ] = None,
    export: Annotated[
        ExportKind | None,
        typer.Option("--export", help="Write a bulk-upload CSV (buffer or hootsuite) instead."),
    ] = None,
    include_uncleared: Annotated[
        bool,
        typer.Option(
            "--include-uncleared",
            help="Export (--export, --ics) posts that still lack approvals or have lint "
            "errors too.",
        ),
    ] = False,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Planned posts (content/*.md) by week or month, with cadence vs the benchmark, gaps
    and clashes; export to iCalendar, Buffer or Hootsuite."""
    from datetime import date

    from socialproof.cli._common import open_workspace
    from socialproof.content.calendar import build_calendar
    from socialproof.content.calendar_report import issue_lines, rows, write_html
    from socialproof.content.posts import content_files, load_post, resolve_platform
    from socialproof.errors import SocialproofError, UsageError

    if month and week:
        raise UsageError("Choose --week or --month, not both.", hint="Drop one of them.")
    ws = open_workspace(workspace, migrate=False)
    posts = []
    for path in content_files(ws):  # one broken file no longer hides the whole calendar
        try:
            posts.append(load_post(path, ws=ws))
        except SocialproofError as exc:
            info(f"left out, cannot be read: {exc}")
    for post in posts:
        for note in post.notes:
            info(f"note: {note}")
    if platform:
        pid = resolve_platform(platform, where="--platform")
        posts = [p for p in posts if p.platform == pid]
    day = None
    if start:
        try:
            day = date.fromisoformat(start)
        except ValueError:
            raise UsageError(f"--start {start!r} is not a date.", hint="Use YYYY-MM-DD.") from None
        if not 1970 <= day.year <= 2999:
            raise UsageError(f"--start {start} is out of range.", hint="Check the year.")
    tz = ws.settings.tz
    cal = build_calendar(
        posts, tz=tz, view="month" if month else "week", start=day, industry=ws.settings.industry
    )
    from socialproof.content.approvals import clearance
    from socialproof.content.calendar import export_posts

    if export is not None:
        result = export_posts(ws, export.value, cal.posts, include_uncleared=include_uncleared)
        for source, problems in result.left_out.items():
            info(f"left out {source}: {'; '.join(problems)}")
        _write(result.data, output)
        for note in result.notes:
            info(f"note: {note}")
        info(
            f"{len(result.posts)} posts of {cal.title.split(': ', 1)[1]} in {export.value} format "
            f"(times in {tz.key})."
        )
        return
    if ics is not None:
        result = export_posts(ws, "ical", posts, include_uncleared=include_uncleared)
        for source, problems in result.left_out.items():
            info(f"left out {source}: {'; '.join(problems)}")
        _write(result.data, ics)
        which = "every planned post" if include_uncleared else "every cleared planned post"
        info(f"Wrote {ics} ({len(result.posts)} events: {which}, not only this period).")
    states = clearance(ws, cal.posts)
    cleared = {k: v.summary for k, v in states.items()}
    statuses = {k: v.shown_status for k, v in states.items()}
    if html is not None:
        try:
            write_html(cal, html, cleared=cleared, statuses=statuses)
        except OSError as exc:
            from socialproof.errors import UsageError

            raise UsageError(
                f"Cannot write {html}: {exc.strerror or exc}.",
                hint="Choose a path in a folder that exists and that you can write to.",
            ) from None
        info(f"Wrote {html}.")
    emit(rows(cal, cleared, statuses), fmt, output=output, title=f"{cal.title} (times in {tz.key})")
    if fmt is OutputFormat.table and output is None:
        if cal.cadence:
            emit(cal.cadence, fmt, title="Cadence: posts per week vs benchmark")
        uncleared = [
            f"Marked scheduled but not cleared: {p.source}: {'; '.join(states[p.source].problems)}."
            for p in cal.posts
            if p.status == "scheduled" and states[p.source].problems
        ]
        for line in [*issue_lines(cal), *uncleared, *cal.notes]:
            info(line)


def approve(
    file: Annotated[Path, typer.Argument(help="The post file, e.g. content/launch.md.")],
    approver: Annotated[str, typer.Option("--as", help="Who approves (your name).")],
    role: Annotated[str, typer.Option("--role", help="Your role, e.g. reviewer or compliance.")],
    reject: Annotated[bool, typer.Option("--reject", help="Reject instead of approving.")] = False,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why (required with --reject).")
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Approve (or reject) the current version of a post; recorded in the approvals log."""
    from socialproof.cli._common import open_workspace
    from socialproof.content.approvals import approve as do_approve

    ws = open_workspace(workspace, migrate=False)
    entry, state = do_approve(ws, file, approver=approver, role=role, reject=reject, reason=reason)
    verb = "Rejected" if reject else "Approved"
    print_lines(
        [
            f"{verb} {state.post} as {entry['approver']} ({entry['role']}, tier "
            f"{entry['tier']}); log entry {entry['n']}."
        ]
    )
    problems = state.problems
    if problems:
        print_lines([f"Still blocking scheduling: {'; '.join(problems)}."])
    else:
        print_lines(
            [f"All tiers approved; status is {state.status}. Next: socialproof schedule {file}"]
        )


def schedule(
    file: Annotated[Path, typer.Argument(help="The post file to mark as scheduled.")],
    by: Annotated[str, typer.Option("--as", help="Who schedules it (your name).")],
    workspace: WorkspaceOption = None,
) -> None:
    """Mark a post scheduled; refused while it has lint errors or missing approvals."""
    from socialproof.cli._common import open_workspace
    from socialproof.content.approvals import schedule as do_schedule

    ws = open_workspace(workspace, migrate=False)
    state = do_schedule(ws, file, by=by)
    print_lines([f"Scheduled {state.post}."])
    for rule, why in state.waived.items():
        print_lines([f"  waived {rule}: {why}"])


def approvals_verify(workspace: WorkspaceOption = None) -> None:
    """Check that the approvals log was not edited, cut or reordered (exit 1 if it was)."""
    from socialproof.cli._common import open_workspace
    from socialproof.content.approvals import verify_log

    ws = open_workspace(workspace, migrate=False)
    count, head = verify_log(ws)
    print_lines(
        [
            f"Approvals log verified: {count} entries, head {head}.",
            "Keep this head hash elsewhere (a commit, a ticket) to prove the log later.",
        ]
    )


def approvals_log(
    file: Annotated[Path | None, typer.Argument(help="Only entries for this post.")] = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Every approval, rejection and scheduling, oldest first (after verifying the log)."""
    from socialproof.cli._common import open_workspace
    from socialproof.content.approvals import log_rows

    ws = open_workspace(workspace, migrate=False)
    emit(log_rows(ws, post=file), fmt, output=output, title="Approvals log")


def approvals_status(
    files: Annotated[
        list[Path] | None, typer.Argument(help="Posts (default: content/*.md).")
    ] = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Where each post stands: tiers approved, lint errors, what blocks scheduling."""
    from socialproof.cli._common import open_workspace
    from socialproof.content.approvals import approval_state, read_log
    from socialproof.content.posts import content_files, load_post
    from socialproof.errors import SocialproofError

    ws = open_workspace(workspace, migrate=False)
    entries = read_log(ws)
    paths = list(files or content_files(ws))
    rows, unreadable = [], 0
    for path in paths:
        try:
            post = load_post(path, ws=ws)
        except SocialproofError as exc:
            if len(paths) == 1:
                raise
            info(f"left out, cannot be read: {exc}")  # the other posts still get their row
            unreadable += 1
            continue
        rows.append(approval_state(ws, post, entries).to_row())
    emit(rows, fmt, output=output, title="Approval status")
    if unreadable:
        raise typer.Exit(1)
