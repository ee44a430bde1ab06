"""Web fixtures: a TestClient over a workspace, and a real server for browser tests.

``client`` talks to the app in-process (its Host is 127.0.0.1, and ``client.csrf``
is the token forms need); ``live_server`` runs uvicorn on 127.0.0.1 on a free
port in a thread and yields its base URL, stopped at teardown; ``demo_ws`` is a
workspace built once per session from the bundled samples.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def make_client(ws: Any, **kwargs: Any) -> Any:
    from fastapi.testclient import TestClient

    from socialproof.web.app import create_app

    app = create_app(ws, **kwargs)
    client = TestClient(app, base_url="http://127.0.0.1:8765", raise_server_exceptions=False)
    client.csrf = app.state.guard.csrf_token  # type: ignore[attr-defined]
    client.app_state = app.state  # type: ignore[attr-defined]
    return client


@pytest.fixture
def client(workspace: Any) -> Iterator[Any]:
    """A TestClient over the empty test workspace (``insert`` rows first if needed)."""
    with make_client(workspace) as c:
        yield c


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """uvicorn serving ``create_app(ws)`` on 127.0.0.1 in a thread."""

    def __init__(self, ws: Any) -> None:
        import uvicorn

        from socialproof.web.app import create_app

        self.app = create_app(ws)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)


@pytest.fixture
def live_server(workspace: Any) -> Iterator[LiveServer]:
    """A running workbench over the (empty) test workspace: ``live_server.url``."""
    server = LiveServer(workspace).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def demo_ws(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A workspace built once from the bundled sample exports (``socialproof demo``'s)."""
    from socialproof.demo import prepare
    from socialproof.workspace import Workspace

    root: Path = prepare(tmp_path_factory.mktemp("demo") / "ws")
    return Workspace.open(root)


@pytest.fixture(scope="session")
def demo_server(demo_ws: Any) -> Iterator[LiveServer]:
    """A running workbench over the demo workspace, shared by the session's browser tests."""
    server = LiveServer(demo_ws).start()
    try:
        yield server
    finally:
        server.stop()
