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
        from socialproof.ingest.sameness import with_object_keys

        spec = CANONICAL[table]
        data = pa.Table.from_pylist(rows)
        if table == "ad_stats":  # identified by names, as an export without ids
            data = with_object_keys(data)
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


AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = os.environ.get("SOCIALPROOF_CHROMIUM", "/usr/bin/chromium")
    if not Path(path).exists():
        pytest.fail(f"{path} is missing: run 'make test', which installs Debian's chromium")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Any:
    """Debian's Chromium driven by Playwright, shared by every browser test."""
    from playwright.sync_api import sync_playwright

    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run 'make test', which installs axe-core from npm")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_FLAGS)
        yield b
        b.close()


@pytest.fixture
def axe(browser: Any) -> Callable[..., dict[str, Any]]:
    """Load a page and run axe-core's WCAG 2.2 AA rules: axe(url, width=1280) ->
    {"violations": ["id: help (n nodes, e.g. <html>)", ...], "passes": [...ids],
    "requests": [...urls], "lang": str}."""

    def run(url: str, *, width: int = 1280) -> dict[str, Any]:
        page = browser.new_page(viewport={"width": width, "height": 900})
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        try:
            page.goto(url)
            page.add_script_tag(path=str(AXE))
            result = page.evaluate(
                "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                AXE_TAGS,
            )
            lang = page.evaluate("document.documentElement.lang")
        finally:
            page.close()
        violations = [
            f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes, e.g. {v['nodes'][0]['html'][:120]})"
            for v in result["violations"]
        ]
        passes = [p["id"] for p in result["passes"]]
        return {"violations": violations, "passes": passes, "requests": requests, "lang": lang}

    return run
