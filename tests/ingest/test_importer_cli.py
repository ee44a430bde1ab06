"""The import, imports and formats commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CORE = Path(__file__).parents[1] / "data" / "ingest" / "core"


def test_import_prints_a_summary_and_imports_lists_it(cli: Any, workspace: Any) -> None:
    result = cli("import", str(CORE / "care.csv"), str(CORE / "jobs.csv"), cwd=workspace.root)
    assert result.exit_code == 0, result
    assert "care.csv" in result.stdout and "jobs.csv" in result.stdout
    assert "(failed)" not in result.stdout and "(already" not in result.stdout
    listed = cli("imports", "--format", "json", cwd=workspace.root)
    rows = json.loads(listed.stdout)
    assert sorted((r["format"], r["rows"], r["rejected"]) for r in rows) == [
        ("conversations", 7, 0),
        ("job-postings", 2, 0),
    ]
    only = json.loads(
        cli("imports", "--only", "conversations", "-f", "json", cwd=workspace.root).stdout
    )
    assert [r["format"] for r in only] == ["conversations"]


def test_import_summary_as_json(cli: Any, workspace: Any) -> None:
    result = cli("import", str(CORE / "care.csv"), "--output-format", "json", cwd=workspace.root)
    [row] = json.loads(result.stdout)
    assert (row["status"], row["read"], row["inserted"], row["rejected"]) == ("imported", 7, 7, 0)
    again = json.loads(
        cli("import", str(CORE / "care.csv"), "--output-format", "json", cwd=workspace.root).stdout
    )
    assert again[0]["status"] == "already imported" and again[0]["inserted"] == 0


def test_dry_run(cli: Any, workspace: Any) -> None:
    result = cli(
        "import", str(CORE / "care.csv"), "--dry-run", "--output-format", "json", cwd=workspace.root
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout)[0]["status"] == "dry run"
    assert "Nothing imported yet" in cli("imports", cwd=workspace.root).stderr


def test_forced_format_and_unknown_format_name(cli: Any, workspace: Any) -> None:
    ok = cli(
        "import",
        str(CORE / "care.csv"),
        "--format",
        "conversations",
        "--output-format",
        "json",
        cwd=workspace.root,
    )
    assert json.loads(ok.stdout)[0]["format"] == "conversations"
    bad = cli("import", str(CORE / "reddit.csv"), "--format", "nosuch", cwd=workspace.root)
    assert bad.exit_code == 1
    assert "Unknown format 'nosuch'" in bad.stderr and "Traceback" not in bad.stderr


def test_platform_option_reaches_the_format(cli: Any, workspace: Any, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        "message_id,author_id,created_at,text,parent_id\na,u,2026-03-01 10:00,hi,\n",
        encoding="utf-8",
    )
    cli("import", str(path), "--platform", "facebook", cwd=workspace.root)
    with workspace.connect() as con:
        assert con.execute("SELECT platform FROM messages").fetchall() == [("facebook",)]


def test_formats_lists_the_registry(cli: Any) -> None:
    result = cli("formats", "--format", "json")
    names = {r["name"] for r in json.loads(result.stdout)}
    assert {"conversations", "reddit", "job-postings", "generic"} <= names


def test_no_workspace(cli: Any, tmp_path: Path) -> None:
    result = cli("import", str(CORE / "care.csv"), cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: No socialproof workspace")


def test_imports_shows_local_time(cli: Any, workspace: Any) -> None:
    import re

    cli("import", str(CORE / "reddit.csv"), cwd=workspace.root)
    [row] = json.loads(cli("imports", "-f", "json", cwd=workspace.root).stdout)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", row["when"])
