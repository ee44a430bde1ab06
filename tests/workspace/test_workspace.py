from __future__ import annotations

import os
from pathlib import Path

import pytest

from socialproof.errors import (
    BadInput,
    SettingsError,
    UsageError,
    WorkspaceError,
    WorkspaceNotFound,
)
from socialproof.workspace import Workspace, find_workspace
from socialproof.workspace.schema import CANONICAL


def test_init_creates_files(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "w")
    assert (ws.root / "socialproof.toml").is_file()
    assert ws.db_path.is_file()
    for folder in ("imports", "case-studies", "content"):
        assert (ws.root / folder).is_dir()


def test_init_twice_is_refused(tmp_path: Path) -> None:
    Workspace.init(tmp_path / "w")
    with pytest.raises(UsageError, match="already a workspace"):
        Workspace.init(tmp_path / "w")


def test_schema_matches_specs(workspace: Workspace) -> None:
    with workspace.connect() as con:
        for spec in CANONICAL.values():
            cols = con.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = ? ORDER BY ordinal_position",
                [spec.name],
            ).fetchall()
            assert [c for c, _ in cols] == list(spec.columns), spec.name
            assert [t for _, t in cols] == list(spec.columns.values()), spec.name


def test_find_from_subfolder(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    sub = workspace.root / "content"
    assert find_workspace(sub) == workspace.root
    monkeypatch.chdir(sub)
    assert Workspace.open().root == workspace.root


def test_not_a_workspace(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceNotFound, match="socialproof init"):
        Workspace.open(tmp_path)


def test_older_workspace_is_migrated(workspace: Workspace) -> None:
    with workspace.transaction() as con:
        con.execute("DELETE FROM schema_migrations WHERE number > 1")
        applied_before = con.execute("SELECT count(*) FROM schema_migrations").fetchone()
    assert applied_before == (1,)
    ws = Workspace.open(workspace.root)
    with ws.connect() as con:
        numbers = [r[0] for r in con.execute("SELECT number FROM schema_migrations").fetchall()]
    from socialproof.workspace.migrations import all_migrations

    assert sorted(numbers) == [m.number for m in all_migrations()]


def test_invalid_settings_name_field(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "w")
    (ws.root / "socialproof.toml").write_text('timezone = "Mars/Olympus"\n')
    with pytest.raises(SettingsError, match="timezone"):
        Workspace.open(ws.root)
    (ws.root / "socialproof.toml").write_text('colour = "blue"\n')
    with pytest.raises(SettingsError, match="unknown setting"):
        Workspace.open(ws.root)
    (ws.root / "socialproof.toml").write_text("owner = \n")
    with pytest.raises(SettingsError, match="not valid TOML"):
        Workspace.open(ws.root)


def test_transaction_rolls_back(workspace: Workspace) -> None:
    with pytest.raises(RuntimeError), workspace.transaction() as con:
        con.execute("INSERT INTO imports (import_id) VALUES ('x')")
        raise RuntimeError("boom")
    with workspace.connect() as con:
        assert con.execute("SELECT count(*) FROM imports").fetchone() == (0,)


def test_paths_cannot_escape(workspace: Workspace) -> None:
    assert workspace.path("content/a.md") == (workspace.root / "content/a.md").resolve()
    with pytest.raises(BadInput, match="outside the workspace"):
        workspace.path("../../etc/passwd")
    with pytest.raises(BadInput):
        workspace.path("/etc/passwd")


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_folder(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "w")
    os.chmod(ws.root, 0o555)
    try:
        with pytest.raises(WorkspaceError, match="permission"), ws.transaction():
            pass
    finally:
        os.chmod(ws.root, 0o755)


def test_upsert_keeps_natural_keys_without_a_database_index(workspace: Workspace) -> None:
    import pyarrow as pa

    from socialproof.workspace import engine
    from socialproof.workspace.schema import POSTS

    first = pa.Table.from_pylist(
        [
            {
                "platform": "instagram",
                "account": "a",
                "post_id": "1",
                "reach": 10,
                "text": "hello",
                "import_id": "a",
            },
            {
                "platform": "instagram",
                "account": "a",
                "post_id": "2",
                "reach": 20,
                "import_id": "a",
            },
            {
                "platform": "instagram",
                "account": "a",
                "post_id": "2",
                "reach": 25,
                "import_id": "a",
            },
        ]
    )
    with workspace.transaction() as con:
        assert engine.upsert(con, POSTS, first) == (2, 0, 0)  # last duplicate in a batch wins
    # a later export without the text column updates reach and keeps the stored text
    second = pa.Table.from_pylist(
        [
            {
                "platform": "instagram",
                "account": "a",
                "post_id": "2",
                "reach": 30,
                "import_id": "b",
            },
            {
                "platform": "instagram",
                "account": "a",
                "post_id": "1",
                "reach": 10,
                "import_id": "b",
            },
            {"platform": "tiktok", "account": "a", "post_id": "2", "reach": 5, "import_id": "b"},
        ]
    )
    with workspace.transaction() as con:
        assert engine.upsert(con, POSTS, second) == (1, 1, 1)
    with workspace.connect() as con:
        rows = con.execute(
            "SELECT platform, post_id, reach, text, import_id FROM posts ORDER BY 1, 2"
        ).fetchall()
    assert rows == [
        ("instagram", "1", 10, "hello", "b"),
        ("instagram", "2", 30, None, "b"),
        ("tiktok", "2", 5, None, "b"),
    ]
