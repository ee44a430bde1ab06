"""``socialproof demo``: a sample workspace from bundled sample exports, and a tour."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    directory: Annotated[Path, typer.Argument(help="Folder for the sample workspace.")] = Path(
        "socialproof-demo"
    ),
    force: Annotated[
        bool, typer.Option("--force", help="Rebuild the folder if it holds an earlier demo.")
    ] = False,
) -> None:
    """Build a sample workspace from bundled SAMPLE exports and print the main reports."""
    from socialproof.cli.main import main
    from socialproof.demo import run

    run(directory, invoke=main, force=force, echo=typer.echo)
