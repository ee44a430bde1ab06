"""The committed references are generated from the code; regenerate with `make docs`."""

from __future__ import annotations

from pathlib import Path

import pytest

from socialproof.cli.reference import cli_reference, settings_reference_md

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture(autouse=True)
def _width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")


def test_cli_reference_is_current() -> None:
    committed = (DOCS / "cli.md").read_text(encoding="utf-8")
    assert committed == cli_reference() + "\n", "docs/cli.md is stale: run 'make docs'"


def test_settings_reference_is_current() -> None:
    committed = (DOCS / "settings.md").read_text(encoding="utf-8")
    assert committed == settings_reference_md(), "docs/settings.md is stale: run 'make docs'"


def test_every_setting_is_documented() -> None:
    from socialproof.workspace.settings import settings_reference

    for name, _type, _default, help_text in settings_reference():
        assert help_text.strip(), f"setting {name} has no description"


def test_every_command_has_help() -> None:
    import typer

    from socialproof.cli.main import app

    def walk(cmd, path: str) -> None:  # type: ignore[no-untyped-def]
        assert (cmd.help or "").strip(), f"{path} has no help text"
        if getattr(cmd, "commands", None):
            for name, sub in cmd.commands.items():
                walk(sub, f"{path} {name}")

    walk(typer.main.get_command(app), "socialproof")
