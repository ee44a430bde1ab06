"""``socialproof serve``: the local web app over the workspace."""

from __future__ import annotations

from typing import Annotated

import typer

from socialproof.cli._common import WorkspaceOption, info, open_workspace


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8765,
    host: Annotated[
        str,
        typer.Option("--host", help="Address to listen on; the default keeps it on this computer."),
    ] = "127.0.0.1",
    workspace: WorkspaceOption = None,
) -> None:
    """Open the workspace's reports in a browser: a local web app on 127.0.0.1."""
    from socialproof.web.app import serve as run

    ws = open_workspace(workspace)
    if host not in ("127.0.0.1", "localhost", "::1"):
        info(f"Warning: listening on {host} makes your workspace visible to other computers.")
    info(f"Serving {ws.root} on http://{host}:{port}/ (Ctrl-C to stop)")
    run(ws, host=host, port=port)
