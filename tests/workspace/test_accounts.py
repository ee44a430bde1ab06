"""Accounts: list, rename and merge, as library calls and as commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from socialproof.errors import NotFound, UsageError
from socialproof.ingest.importer import import_paths, read_context
from socialproof.workspace.accounts import (
    check_merge,
    check_rename,
    list_accounts,
    merge_accounts,
    rename_account,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "ingest" / "identity"
TIKTOK_ONE = DATA / "tiktok_one" / "tiktok_Overview_20260401-20260403.csv"
TIKTOK_TWO = DATA / "tiktok_two" / "tiktok_Overview_20260401-20260403.csv"
X_ALPHA = DATA / "x_alpha" / "account_analytics_content_2026-03-01_2026-03-31.csv"


@pytest.fixture
def two_creators(workspace: Any) -> Any:
    for path, name in ((TIKTOK_ONE, "creator.one"), (TIKTOK_TWO, "creator.two")):
        [s] = import_paths(workspace, [path], ctx=read_context(workspace, account=name))
        assert s.status == "imported", s.error
    [s] = import_paths(workspace, [X_ALPHA])
    assert s.status == "imported", s.error
    return workspace


def _views(ws: Any) -> list[tuple[str, float]]:
    with ws.connect() as con:
        rows = con.execute(
            "SELECT account, sum(value) FROM account_daily WHERE metric = 'views' "
            "GROUP BY 1 ORDER BY 1"
        ).fetchall()
    return [(str(a), float(v)) for a, v in rows]


def test_list_counts_rows_per_platform_and_account(two_creators: Any) -> None:
    rows = list_accounts(two_creators)
    assert [(r["platform"], r["account"], r["posts"], r["daily values"]) for r in rows] == [
        ("tiktok", "creator.one", 0, 15),
        ("tiktok", "creator.two", 0, 15),
        ("x", "alphaco", 3, 0),
    ]
    assert (rows[0]["first"], rows[0]["last"]) == ("2026-04-01", "2026-04-03")


def test_rename_moves_every_row(two_creators: Any) -> None:
    change = rename_account(two_creators, "creator.one", "creator.uno", platform="tiktok")
    assert change.rows_moved == 15
    assert _views(two_creators) == [("creator.two", 6000.0), ("creator.uno", 600.0)]


def test_rename_onto_an_existing_account_points_to_merge(two_creators: Any) -> None:
    with pytest.raises(UsageError, match="accounts merge"):
        rename_account(two_creators, "creator.one", "creator.two", platform="tiktok")
    with pytest.raises(NotFound, match="creator.one, creator.two"):
        rename_account(two_creators, "nobody", "x", platform="tiktok")
    assert _views(two_creators) == [("creator.one", 600.0), ("creator.two", 6000.0)]


def test_merge_keeps_the_targets_figures_and_reports_the_disagreements(two_creators: Any) -> None:
    change = merge_accounts(two_creators, "creator.one", "creator.two", platform="tiktok")
    # the same three days and five metrics: all 15 rows meet a row of the target
    assert (change.rows_moved, change.rows_merged) == (15, 15)
    assert change.conflicts == 15  # every figure differs; the target's are kept
    assert _views(two_creators) == [("creator.two", 6000.0)]


def test_accounts_commands(cli: Any, two_creators: Any) -> None:
    root = two_creators.root
    r = cli("accounts", "--format", "json", cwd=root)
    assert r.exit_code == 0, r.stderr
    assert [row["account"] for row in json.loads(r.stdout)] == [
        "creator.one",
        "creator.two",
        "alphaco",
    ]
    r = cli("accounts", "rename", "alphaco", "AlphaCo", "--platform", "x", cwd=root)
    assert r.exit_code == 0, r.stderr
    assert "3 rows" in r.stderr + r.stdout
    r = cli("accounts", "merge", "creator.one", "nobody", cwd=root)
    assert r.exit_code == 1
    assert r.stderr.startswith("Error:") and len(r.stderr.strip().splitlines()) == 1
    r = cli("accounts", "merge", "creator.one", "creator.two", cwd=root)
    assert r.exit_code == 0, r.stderr
    r = cli("accounts", "list", "--platform", "tiktok", "--format", "json", cwd=root)
    assert [row["account"] for row in json.loads(r.stdout)] == ["creator.two"]


def test_rows_without_an_account_from_older_workspaces_can_be_named(
    workspace: Any, insert: Any
) -> None:
    insert("posts", [{"platform": "x", "post_id": "1", "views": 5, "import_id": "old"}])
    assert [r["account"] for r in list_accounts(workspace)] == ["(none)"]
    change = rename_account(workspace, "(none)", "acme", platform="x")
    assert change.rows_moved == 1
    assert [r["account"] for r in list_accounts(workspace)] == ["acme"]


def test_the_checks_raise_what_the_changes_would_and_write_nothing(two_creators: Any) -> None:
    """The workbench asks before it changes: the same checks, without writing."""
    before = list_accounts(two_creators)
    check_rename(two_creators, "creator.one", "creator.uno", platform="tiktok")
    assert check_merge(two_creators, "creator.one", "creator.two") == ["tiktok"]
    with pytest.raises(UsageError, match="exists already"):
        check_rename(two_creators, "creator.one", "creator.two", platform="tiktok")
    with pytest.raises(NotFound, match="creator.one, creator.two"):
        check_rename(two_creators, "nobody", "x", platform="tiktok")
    with pytest.raises(UsageError, match="not an account name"):
        check_rename(two_creators, "creator.one", " ", platform="tiktok")
    with pytest.raises(UsageError, match="into itself"):
        check_merge(two_creators, "creator.one", " creator.one ")
    with pytest.raises(NotFound, match="'nobody' does not exist"):
        check_merge(two_creators, "creator.one", "nobody", platform="tiktok")
    with pytest.raises(NotFound, match="No account 'nobody'"):
        check_merge(two_creators, "nobody", "creator.two")
    assert list_accounts(two_creators) == before
