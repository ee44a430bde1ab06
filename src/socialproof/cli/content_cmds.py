"""``socialproof lint``, ``calendar``, ``approve`` and ``approvals``: publishing safely."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from socialproof.cli._common import STATE, OutputOption, WorkspaceOption, info

if TYPE_CHECKING:
    from socialproof.workspace import Workspace


class LintFormat(StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"


def register(app: typer.Typer) -> None:
    app.command("lint")(lint)


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


def _write(text: str, output: Path | None) -> None:
    import sys

    if output is None:
        sys.stdout.write(text)
        return
    tmp = output.with_name(output.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(output)


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
    output: OutputOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Check posts against platform limits, accessibility, disclosure, regulated-industry,
    privacy and brand-voice rules. Exit code 0 when no error is left, 1 otherwise."""
    import json

    from socialproof.content.fix import apply_fixes, fixed_text
    from socialproof.content.linter import exit_code, format_text, lint_targets, to_json

    ws = _maybe_workspace(workspace)
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
