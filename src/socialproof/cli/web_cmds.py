"""``socialproof serve``: the web workbench over the workspace."""

from __future__ import annotations

from typing import Annotated

import typer

from socialproof.cli._common import WorkspaceOption, open_workspace


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8765,
    host: Annotated[
        str,
        typer.Option("--host", help="Address to listen on; the default keeps it on this computer."),
    ] = "127.0.0.1",
    allow_remote: Annotated[
        bool,
        typer.Option(
            "--allow-remote",
            help="Allow a --host other computers can reach; every request then needs the "
            "token printed at start.",
        ),
    ] = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Open the web workbench: import, dashboards, reports and more, on 127.0.0.1."""
    from socialproof.web.app import serve as run

    ws = open_workspace(workspace)

    def announce(text: str) -> None:  # always shown: the address (and token) are needed
        typer.echo(text, err=True)

    run(ws, host=host, port=port, allow_remote=allow_remote, announce=announce)
