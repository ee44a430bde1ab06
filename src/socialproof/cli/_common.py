"""Shared CLI pieces: global state, reusable options, output and progress helpers.

Only typer, click and rich (plus the standard library) may be imported at module
level here: ``socialproof --help`` must stay fast.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    import pandas as pd
    from rich.console import Console
    from rich.progress import Progress

    from socialproof.workspace import Workspace


def click_exceptions() -> Any:
    """The click exception classes typer raises (typer vendors click as ``typer._click``)."""
    import importlib
    from types import SimpleNamespace

    try:
        core: Any = importlib.import_module("typer._click.core")
        exceptions: Any = importlib.import_module("typer._click.exceptions")
    except ImportError:  # older typer on real click
        core = exceptions = importlib.import_module("click.exceptions")
    return SimpleNamespace(
        Exit=core.Exit, Abort=core.Abort, ClickException=exceptions.ClickException
    )


@dataclass
class State:
    workspace: Path | None = None
    debug: bool = False
    quiet: bool = False


STATE = State()


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    jsonl = "jsonl"
    parquet = "parquet"


WorkspaceOption = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        help="Workspace folder (default: the current folder or the nearest parent with "
        "socialproof.toml; or $SOCIALPROOF_WORKSPACE).",
        show_default=False,
    ),
]
FormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="Output: a table for people, or csv/json/jsonl/parquet."),
]
OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write to this file instead of standard output."),
]
SinceOption = Annotated[
    str | None, typer.Option("--since", help="Start date (YYYY-MM-DD), inclusive.")
]
UntilOption = Annotated[
    str | None, typer.Option("--until", help="End date (YYYY-MM-DD), inclusive.")
]


def open_workspace(path: Path | None = None, *, migrate: bool = True) -> Workspace:
    """Open the workspace named by the command, the global option or the current folder."""
    from socialproof.workspace import Workspace

    chosen = path or STATE.workspace
    if chosen is None and os.environ.get("SOCIALPROOF_WORKSPACE"):
        chosen = Path(os.environ["SOCIALPROOF_WORKSPACE"])
    return Workspace.open(chosen, migrate=migrate)


_console: Console | None = None
_err_console: Console | None = None


def console() -> Console:
    global _console
    if _console is None:
        from rich.console import Console

        _console = Console(highlight=False, soft_wrap=False)
    return _console


def err_console() -> Console:
    global _err_console
    if _err_console is None:
        from rich.console import Console

        _err_console = Console(stderr=True, highlight=False)
    return _err_console


def info(message: str) -> None:
    """A note for people on stderr (silenced by --quiet).

    The message is printed as written: paths, names and notes from the user may hold
    "[draft]" or ":smile:", which Rich would otherwise read as markup or emoji codes;
    long lines are not broken inside a path.
    """
    if not STATE.quiet:
        err_console().print(message, markup=False, emoji=False, soft_wrap=True)


#: The tables the dashboard's stored roll-ups read (``rollup_store.SOURCES``; a test keeps
#: the two equal).
ROLLUP_SOURCES = frozenset({"ad_stats", "posts", "account_daily"})


def rollups_follow(ws: Workspace, tables: Sequence[str] | None = None) -> None:
    """Bring the dashboard's stored roll-ups up to date after a write of the CLI (an
    import, a rename, a merge: only the days it touched, see
    ``campaigns.rollup_store.refresh_stored``), so that ``socialproof serve`` started next
    finds them current. The write itself stands whatever happens here."""
    if tables is not None and not ROLLUP_SOURCES.intersection(tables):
        return  # e.g. messages: no roll-up reads them (and rollup_store is not loaded)
    from socialproof.campaigns.rollup_store import refresh_stored
    from socialproof.errors import SocialproofError

    try:
        refresh_stored(ws, tables)
    except SocialproofError as exc:
        info(f"note: the dashboard's roll-ups were left for 'socialproof serve' to update: {exc}")


def progress(*, transient: bool = True) -> Progress:
    """A progress bar on stderr that stays hidden for work under a second and with --quiet."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("{task.description}", markup=False),  # descriptions name user files
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err_console(),
        transient=transient,
        disable=STATE.quiet or not sys.stderr.isatty(),
    )


def emit(
    data: pd.DataFrame | list[dict[str, Any]],
    fmt: OutputFormat | str = OutputFormat.table,
    *,
    output: Path | None = None,
    title: str | None = None,
    caption: str | None = None,
) -> None:
    """Print or write tabular results in the chosen format."""
    from socialproof.render.tables import write_table

    write_table(
        data,
        str(getattr(fmt, "value", fmt)),
        output=output,
        title=title,
        caption=caption,
        console=console(),
    )


def print_lines(lines: Iterable[str]) -> None:
    out = sys.stdout
    for line in lines:
        out.write(line + "\n")
