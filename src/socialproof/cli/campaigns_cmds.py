"""``socialproof audit``: a platform audit against published benchmarks.

(The ``pilot`` group lives in ``cli/pilot_cmds.py``.)
"""

from __future__ import annotations

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


def register(app: typer.Typer) -> None:
    app.command("audit")(audit)


def audit(
    platform: Annotated[
        str | None, typer.Option("--platform", help="Only this platform, e.g. instagram.")
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    min_base: Annotated[
        float,
        typer.Option(
            "--min-base",
            help="Rank a post among the top and bottom posts only when its rate's base "
            "(reach, impressions, views or followers) is at least this; 0 ranks every post.",
        ),
    ] = 100,
    html: Annotated[
        Path | None,
        typer.Option("--html", help="Also write the audit as an accessible HTML page."),
    ] = None,
    workspace: WorkspaceOption = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """Audit each platform and account: cadence, formats, timing, top posts, growth, benchmarks.

    Recommendations come with the numbers behind them; accounts with too few posts get
    the numbers and a caveat instead of advice. json gives the whole audit; table, csv,
    jsonl and parquet give one row per account (tables also list the recommendations).
    """
    import json

    from socialproof.campaigns import audit_report
    from socialproof.campaigns.audit import audit as run
    from socialproof.campaigns.audit import recommendations_frame, summary_for_people

    ws = open_workspace(workspace)
    result = run(ws, platform=platform, since=since, until=until, min_base=min_base)
    if html is not None:
        audit_report.write(result, html, owner=ws.settings.owner)
        info(f"Wrote {html}")
    if fmt == OutputFormat.json:
        text = json.dumps(result.to_dict(), ensure_ascii=False, indent=1) + "\n"
        if output is None:
            typer.echo(text, nl=False)
        else:
            output.write_text(text, encoding="utf-8")
        return
    for note in result.notes:
        info(f"Note: {note}")
    if fmt == OutputFormat.table:
        emit(summary_for_people(result), fmt, output=output, title="Platform audit")
    else:
        emit(result.summary(), fmt, output=output, title="Platform audit")
    if fmt == OutputFormat.table and output is None:
        for row in recommendations_frame(result):
            where = f"{row['platform']}/{row['account']}" if row["account"] else row["platform"]
            typer.echo(f"- [{where}] {row['kind']}: {row['recommendation']}")
            if row["evidence"]:
                typer.echo(f"    because: {row['evidence']}")
