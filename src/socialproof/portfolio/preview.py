"""Serve the built site on 127.0.0.1 and rebuild it when a case study changes."""

from __future__ import annotations

import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from socialproof.errors import SocialproofError, UsageError

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from socialproof.workspace import Workspace


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return


def _snapshot(ws: Workspace) -> dict[str, float]:
    files = [*ws.root.joinpath("case-studies").rglob("*"), ws.root / "profile.yaml"]
    return {str(p): p.stat().st_mtime for p in files if p.is_file()}


def make_server(folder: Path, host: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    from socialproof.listen import check_listen

    check_listen(host, port)
    handler = partial(_QuietHandler, directory=str(folder))
    try:
        return ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise UsageError(
            f"Cannot listen on {host}:{port}: {exc.strerror}.", hint="Pass another --port."
        ) from None


def serve(
    ws: Workspace,
    build: Callable[[], Any],
    folder: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    on_event: Callable[[str], None] = print,
    stop: threading.Event | None = None,
    interval: float = 1.0,
) -> None:
    """Serve ``folder``; call ``build`` whenever the case studies or the profile change."""
    build()
    server = make_server(folder, host, port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    on_event(f"Serving {folder} on http://{host}:{server.server_address[1]}/ (Ctrl-C to stop)")
    stop = stop or threading.Event()
    seen = _snapshot(ws)
    try:
        while not stop.wait(interval):
            now = _snapshot(ws)
            if now != seen:
                seen = now
                try:
                    build()
                    on_event(f"{time.strftime('%H:%M:%S')} rebuilt")
                except SocialproofError as exc:
                    on_event(f"{time.strftime('%H:%M:%S')} build failed: {exc}")
    finally:
        server.shutdown()
        server.server_close()
