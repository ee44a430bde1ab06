"""The fixed cost of one ``socialproof import``: what it opens and loads, kept correct.

The command checks the schema on the import's own first connection (not a separate
one at open), reads "imported before?" and the tables' emptiness on that same
connection, and leaves plain text options to the CLI without typer's pydantic coercion.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest

CORE = Path(__file__).parents[1] / "data" / "ingest" / "core"


def _count_connections(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    from socialproof.workspace import core

    opened: list[bool] = []
    original = core.Workspace.connect

    @contextlib.contextmanager
    def counting(self: Any, *, read_only: bool = True) -> Any:
        opened.append(read_only)
        with original(self, read_only=read_only) as con:
            yield con

    monkeypatch.setattr(core.Workspace, "connect", counting)
    return opened


def test_one_read_connection_and_one_write_per_file(
    cli: Any, workspace: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = _count_connections(monkeypatch)
    result = cli("import", str(CORE / "care.csv"), "--output-format", "json", cwd=workspace.root)
    assert result.exit_code == 0, result
    [row] = json.loads(result.stdout)
    assert (row["status"], row["inserted"]) == ("imported", 7)
    assert sorted(opened) == [False, True]  # one read-only look, one write transaction


def test_a_workspace_behind_the_schema_is_migrated_before_the_import(
    cli: Any, workspace: Any
) -> None:
    from socialproof.workspace import Workspace
    from socialproof.workspace.migrations import all_migrations

    workspace.db_path.unlink()  # as a workspace made before every migration existed
    result = cli("import", str(CORE / "care.csv"), "--output-format", "json", cwd=workspace.root)
    assert result.exit_code == 0, result
    [row] = json.loads(result.stdout)
    assert (row["status"], row["inserted"]) == ("imported", 7)
    ws = Workspace.open(workspace.root, migrate=False)
    with ws.connect(read_only=True) as con:
        applied = {r[0] for r in con.execute("SELECT number FROM schema_migrations").fetchall()}
        assert con.execute("SELECT count(*) FROM messages").fetchone() == (7,)
    assert applied == {m.number for m in all_migrations()}
    assert Workspace.open(workspace.root).migrate() == []  # nothing left to apply


def test_schema_current_reads_the_names_only(workspace: Any) -> None:
    from socialproof.workspace.migrations import all_migrations, numbers

    assert numbers() == {m.number for m in all_migrations()}
    with workspace.connect(read_only=True) as con:
        assert workspace.schema_current(con)
    with workspace.transaction() as con:
        con.execute(
            "DELETE FROM schema_migrations WHERE number = (SELECT max(number) FROM schema_migrations)"
        )
    with workspace.connect(read_only=True) as con:
        assert not workspace.schema_current(con)


def test_the_second_file_into_a_filled_table_is_still_merged(cli: Any, workspace: Any) -> None:
    first = cli("import", str(CORE / "care.csv"), "--output-format", "json", cwd=workspace.root)
    assert first.exit_code == 0, first
    again = cli("import", str(CORE / "care.csv"), "--output-format", "json", cwd=workspace.root)
    [row] = json.loads(again.stdout)
    assert row["status"] == "already imported" and row["inserted"] == 0


class _Param:
    def __init__(self, annotation: Any, nargs: int = 1, multiple: bool = False) -> None:
        self.type_descriptor = type("D", (), {"annotation": annotation})()
        self.nargs = nargs
        self.multiple = multiple


def test_plain_text_options_skip_pydantic_with_typers_result() -> None:
    from socialproof.cli.main import _NOT_CHEAP, _cheap_coercion

    assert _cheap_coercion(_Param(str), "acme") == "acme"
    assert _cheap_coercion(_Param(Path), "ws") == Path("ws")
    assert _cheap_coercion(_Param(list[Path], nargs=-1), ("a.csv", "b")) == [
        Path("a.csv"),
        Path("b"),
    ]
    # anything else goes through typer: empty text, numbers, repeated options
    assert _cheap_coercion(_Param(Path), "") is _NOT_CHEAP
    assert _cheap_coercion(_Param(int), "3") is _NOT_CHEAP
    assert _cheap_coercion(_Param(str, multiple=True), ("a",)) is _NOT_CHEAP
    assert _cheap_coercion(_Param(list[Path], nargs=-1), ()) is _NOT_CHEAP


def test_a_caller_of_main_keeps_its_collector(cli: Any, workspace: Any) -> None:
    import atexit

    before = atexit._ncallbacks()
    result = cli("import", str(CORE / "care.csv"), "--output-format", "json", cwd=workspace.root)
    assert result.exit_code == 0, result
    assert atexit._ncallbacks() == before  # no gc.freeze left for the host's exit


def test_the_console_script_skips_the_exit_collection_and_stores_everything(
    tmp_path: Path,
) -> None:
    import subprocess
    import sys

    from socialproof.workspace import Workspace
    from socialproof.workspace.settings import settings_from_dict

    root = tmp_path / "ws"
    Workspace.init(root, settings=settings_from_dict({"owner": "T", "timezone": "UTC"}))
    probe = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0, file=sys.stderr))\n"
        "from socialproof.cli.main import main\n"
        "sys.argv = ['socialproof', '--quiet', 'import', sys.argv[1], '--workspace', sys.argv[2]]\n"
        "sys.exit(main())\n"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", probe, str(CORE / "care.csv"), str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    # atexit runs hooks last-registered first: the probe's runs after main's freeze
    assert "frozen True" in done.stderr
    ws = Workspace.open(root)
    with ws.connect(read_only=True) as con:
        assert con.execute("SELECT count(*) FROM messages").fetchall() == [(7,)]
    assert not list(root.rglob("*.wal"))  # the connection was closed (checkpointed) before
