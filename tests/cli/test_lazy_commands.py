"""The CLI builds only the command it runs; what users see must not change."""

from __future__ import annotations

import contextlib
import io

import pytest
import typer

from socialproof.cli import main as cli_main


def _run(args: list[str], *, lazy: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    if not lazy:
        monkeypatch.setattr(cli_main, "_light_app", lambda _args: cli_main.app)
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setenv("COLUMNS", "100")
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli_main.main(args)
    monkeypatch.undo()
    return code, out.getvalue() + err.getvalue()


def _all_paths() -> list[list[str]]:
    root = typer.main.get_command(cli_main.app)
    paths: list[list[str]] = [[]]
    for name, cmd in root.commands.items():  # type: ignore[attr-defined]
        paths.append([name])
        paths.extend([name, sub] for sub in getattr(cmd, "commands", {}))
    return paths


@pytest.mark.parametrize("path", _all_paths(), ids=lambda p: " ".join(p) or "root")
def test_help_is_the_same_built_lazily(path: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    lazy = _run([*path, "--help"], lazy=True, monkeypatch=monkeypatch)
    full = _run([*path, "--help"], lazy=False, monkeypatch=monkeypatch)
    assert lazy == full
    assert lazy[0] == 0 and "Usage: socialproof" in lazy[1]


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["imprt"],
        ["-q", "--workspace", "/nonexistent-ws", "nosuch"],
        ["report", "nosuch"],
        ["import", "--no-such-option"],
        ["--version"],
    ],
)
def test_errors_and_root_options_are_the_same(
    args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _run(args, lazy=True, monkeypatch=monkeypatch) == _run(
        args, lazy=False, monkeypatch=monkeypatch
    )


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (["import", "a.csv"], "import"),
        (["-q", "import"], "import"),
        (["--workspace", "import", "imports"], "imports"),  # 'import' is the folder here
        (["-w", "x", "--debug", "report", "ads"], "report"),
        (["-qw", "ws", "audit"], "audit"),
        (["--workspace=ws", "pilot"], "pilot"),
        (["--", "demo"], "demo"),
        (["--help"], None),
        ([], None),
    ],
)
def test_command_name_skips_root_options(args: list[str], name: str | None) -> None:
    assert cli_main._command_name(args) == name


def test_no_command_help_imports_pydantic() -> None:
    """Typer imports pydantic to coerce values; a --help must not need it (start-up time)."""
    import subprocess
    import sys

    code = (
        "import contextlib, io, sys\n"
        "from socialproof.cli.main import main\n"
        f"for path in {_all_paths()!r}:\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        "        main([*path, '--help'])\n"
        "    assert 'pydantic' not in sys.modules, path\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_absent_values_still_reach_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    """Left-out options arrive as their defaults; given ones are still coerced."""
    code, out = _run(["metrics", "--format", "json"], lazy=True, monkeypatch=monkeypatch)
    assert code == 0 and out.lstrip().startswith("[")
    code, out = _run(["metrics", "--format", "nosuch"], lazy=True, monkeypatch=monkeypatch)
    assert code == 2 and "nosuch" in out
