"""Shared fixtures: real workspaces on disk (DuckDB files in tmp_path) and a CLI runner."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _isolate_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOCIALPROOF_WORKSPACE", raising=False)
    monkeypatch.delenv("SOCIALPROOF_DEBUG", raising=False)
    monkeypatch.setenv("SPARK_LOCAL_IP", "127.0.0.1")


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def workspace(tmp_path: Path) -> Any:
    """A fresh workspace in a temporary folder."""
    from socialproof.workspace import Workspace
    from socialproof.workspace.settings import settings_from_dict

    settings = settings_from_dict(
        {"owner": "Test Owner", "timezone": "UTC", "brand": {"handles": ["@acme", "AcmeHelp"]}}
    )
    return Workspace.init(tmp_path / "ws", settings=settings)


@pytest.fixture
def insert(workspace: Any) -> Callable[[str, list[dict[str, Any]]], None]:
    """Insert canonical rows into a workspace table: insert('posts', [{...}, ...])."""
    import pyarrow as pa

    from socialproof.workspace import engine
    from socialproof.workspace.schema import CANONICAL

    def _insert(table: str, rows: list[dict[str, Any]]) -> None:
        spec = CANONICAL[table]
        data = pa.Table.from_pylist(rows)
        with workspace.transaction() as con:
            engine.upsert(con, spec, data)

    return _insert


class CliResult:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.exit_code = code
        self.stdout = out
        self.stderr = err

    def __repr__(self) -> str:
        return f"CliResult(exit_code={self.exit_code}, stdout={self.stdout[:500]!r}, stderr={self.stderr[:500]!r})"


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., CliResult]:
    """Run the real entry point in-process: cli('report', 'campaigns', cwd=ws.root)."""
    from socialproof.cli import _common
    from socialproof.cli.main import main

    def run(*args: str, cwd: Path | None = None, stdin: str | None = None) -> CliResult:
        import io
        import sys

        _common.STATE.workspace = None
        _common.STATE.quiet = False
        _common.STATE.debug = False
        _common._console = None
        _common._err_console = None
        if cwd is not None:
            monkeypatch.chdir(cwd)
        if stdin is not None:
            monkeypatch.setattr(
                sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode()), encoding="utf-8")
            )
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture
def chromium_path() -> str:
    path = os.environ.get("SOCIALPROOF_CHROMIUM", "/usr/bin/chromium")
    if not Path(path).exists():
        pytest.fail(f"{path} is missing: run 'make test', which installs Debian's chromium")
    return path
