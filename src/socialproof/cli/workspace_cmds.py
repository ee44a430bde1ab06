"""``socialproof init``, ``socialproof settings`` and ``socialproof accounts``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from socialproof.cli._common import (
    FormatOption,
    OutputFormat,
    WorkspaceOption,
    emit,
    info,
    rollups_follow,
)

accounts_app = typer.Typer(
    help="Accounts in the workspace: list them, rename one, merge one into another.",
    rich_markup_mode=None,
)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("settings")(settings)
    app.add_typer(accounts_app, name="accounts")


@accounts_app.callback(invoke_without_command=True)
def accounts(
    ctx: typer.Context,
    platform: Annotated[str | None, typer.Option(help="Only this platform.")] = None,
    fmt: FormatOption = OutputFormat.table,
    workspace: WorkspaceOption = None,
) -> None:
    """List the accounts per platform with their rows (same as 'accounts list')."""
    if ctx.invoked_subcommand is None:
        accounts_list(platform=platform, fmt=fmt, workspace=workspace)


@accounts_app.command("list")
def accounts_list(
    platform: Annotated[str | None, typer.Option(help="Only this platform.")] = None,
    fmt: FormatOption = OutputFormat.table,
    workspace: WorkspaceOption = None,
) -> None:
    """List the accounts per platform: posts, daily values and ad rows, first and last day."""
    from socialproof.cli._common import open_workspace
    from socialproof.workspace.accounts import list_accounts

    ws = open_workspace(workspace)
    rows = list_accounts(ws, platform=platform)
    if not rows:
        info("No accounts yet. Run 'socialproof import FILES'.")
        return
    emit(rows, fmt, title="Accounts")


@accounts_app.command("rename")
def accounts_rename(
    old: Annotated[
        str, typer.Argument(help="The account's name now ('(none)' for rows without one).")
    ],
    new: Annotated[str, typer.Argument(help="Its new name.")],
    platform: Annotated[str, typer.Option(help="The platform of the account (required).")],
    workspace: WorkspaceOption = None,
) -> None:
    """Rename an account on one platform (every row of it, in one transaction)."""
    from socialproof.cli._common import open_workspace
    from socialproof.workspace.accounts import rename_account

    ws = open_workspace(workspace)
    change = rename_account(ws, old, new, platform=platform)
    if change.rows_moved:
        rollups_follow(ws)
    info(f"Renamed the {platform} account {old!r} to {new!r}: {change.rows_moved:,} rows.")


@accounts_app.command("merge")
def accounts_merge(
    source: Annotated[str, typer.Argument(help="The account to merge (it disappears).")],
    target: Annotated[str, typer.Argument(help="The account that receives its rows.")],
    platform: Annotated[
        str | None, typer.Option(help="Only on this platform (default: every platform of SOURCE).")
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Merge one account into another; where both have a row, the target's figures win."""
    from socialproof.cli._common import open_workspace
    from socialproof.workspace.accounts import merge_accounts

    ws = open_workspace(workspace)
    change = merge_accounts(ws, source, target, platform=platform)
    if change.rows_moved or change.rows_merged:
        rollups_follow(ws)
    info(
        f"Merged {source!r} into {target!r} on {', '.join(change.platforms)}: "
        f"{change.rows_moved:,} rows moved, {change.rows_merged:,} met a row {target!r} had"
        + (
            f" ({change.conflicts:,} with other figures; {target!r}'s were kept)."
            if change.conflicts
            else "."
        )
    )


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
