"""Generate the CLI reference (docs/cli.md) and the settings reference (docs/settings.md).

Both documents are produced from the code (``--help`` texts and the settings
declarations); tests fail when the committed files are stale.
"""

from __future__ import annotations

from typing import Any


def _walk(cmd: Any, path: list[str]) -> list[tuple[list[str], Any]]:
    out = [(path, cmd)]
    commands = getattr(cmd, "commands", None)
    if commands:
        for name in sorted(commands):
            out.extend(_walk(cmd.commands[name], [*path, name]))
    return out


def type_context(cmd: Any, **kwargs: Any) -> Any:
    import importlib

    try:
        core: Any = importlib.import_module("typer._click.core")
    except ImportError:
        core = importlib.import_module("click")
    return core.Context(cmd, **kwargs)


def cli_reference() -> str:
    import typer

    from socialproof.cli.main import app

    root = typer.main.get_command(app)
    lines = [
        "# Command-line reference",
        "",
        "Generated from `socialproof --help` by `make docs`; a test keeps it current.",
        "",
    ]
    for path, cmd in _walk(root, ["socialproof"]):
        if getattr(cmd, "hidden", False):
            continue
        ctx = type_context(cmd, info_name=" ".join(path), terminal_width=100, max_content_width=100)
        text = cmd.get_help(ctx)
        depth = min(len(path), 4)
        lines += [
            f"{'#' * (depth + 1)} `{' '.join(path)}`",
            "",
            "```text",
            text.rstrip(),
            "```",
            "",
        ]
    return "\n".join(lines)


def settings_reference_md() -> str:
    from socialproof.workspace.settings import settings_reference

    lines = [
        "# Workspace settings (`socialproof.toml`)",
        "",
        "Generated from the settings declarations by `make docs`; a test keeps it current.",
        "Every setting is optional; the default applies when it is absent.",
        "",
        "| setting | type | default | what it does |",
        "| --- | --- | --- | --- |",
    ]
    for name, type_name, default, help_text in settings_reference():
        cell = help_text.replace("|", "\\|")
        kind = type_name.replace("|", "\\|")
        lines.append(
            f"| `{name}` | {kind} | `{default}` | {cell} |"
            if default
            else f"| **`{name}`** | {kind} | | {cell} |"
        )
    return "\n".join(lines) + "\n"
