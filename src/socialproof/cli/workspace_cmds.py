"""``socialproof init`` and ``socialproof settings``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from socialproof.cli._common import FormatOption, OutputFormat, WorkspaceOption, emit, info


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("settings")(settings)


def init(
    directory: Annotated[Path, typer.Argument(help="Folder for the new workspace.")] = Path("."),
    owner: Annotated[str, typer.Option(help="Your name, shown on reports.")] = "",
    currency: Annotated[str, typer.Option(help="Reporting currency (ISO 4217).")] = "USD",
    timezone: Annotated[str, typer.Option(help="IANA timezone, e.g. Europe/Berlin.")] = "UTC",
    industry: Annotated[str, typer.Option(help="Industry of the brand.")] = "general",
    handle: Annotated[
        list[str] | None, typer.Option("--handle", help="A brand handle (repeatable).")
    ] = None,
) -> None:
    """Create a workspace: socialproof.toml, workspace.duckdb and folders."""
    from socialproof.workspace import Workspace
    from socialproof.workspace.settings import settings_from_dict

    settings = settings_from_dict(
        {
            "owner": owner,
            "currency": currency,
            "timezone": timezone,
            "industry": industry,
            "brand": {"handles": list(handle or [])},
        },
        source="init options",
    )
    ws = Workspace.init(directory, settings=settings)
    info(f"Created workspace {ws.root}")
    info("Next: socialproof import EXPORT_FILES  (run inside the folder, or pass --workspace)")


def settings(
    workspace: WorkspaceOption = None,
    fmt: FormatOption = OutputFormat.table,
    reference: Annotated[
        bool, typer.Option("--reference", help="List every setting with its help, not values.")
    ] = False,
) -> None:
    """Show the workspace's settings (or, with --reference, every setting documented)."""
    from socialproof.workspace.settings import settings_reference

    if reference:
        rows = [
            {"setting": n, "type": t, "default": d, "help": h}
            for n, t, d, h in settings_reference()
        ]
        emit(rows, fmt, title="Settings")
        return
    from socialproof.cli._common import open_workspace

    ws = open_workspace(workspace)
    flat: list[dict[str, str]] = []

    def walk(prefix: str, value: object) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}{k}." if isinstance(v, dict) else f"{prefix}{k}", v)
        else:
            flat.append({"setting": prefix.rstrip("."), "value": str(value)})

    walk("", ws.settings.model_dump(mode="json"))
    emit(flat, fmt, title=f"Settings of {ws.root}")
