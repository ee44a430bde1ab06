"""A file whose every row is rejected is not imported: no history row, exit 1, and the
same file imports once its mapping is fixed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from socialproof.ingest.importer import import_paths, read_context

ROWS = "Day,Followers,Note\n2026-02-03,1234,hello\n2026-02-04,1250,launch day\n"


def _mapping(path: Path, value: str) -> Path:
    path.write_text(
        f"table: account_daily\ncolumns:\n  date: Day\n  value: {value}\n"
        "constants:\n  platform: bluesky\n  metric: followers\n  account: acme\n",
        encoding="utf-8",
    )
    return path


def _history(ws: Any) -> list[tuple[Any, ...]]:
    with ws.connect(read_only=True) as con:
        return con.execute("SELECT import_id, rows_inserted FROM imports").fetchall()


def test_every_row_rejected_is_not_imported_and_the_fixed_mapping_imports_it(
    workspace: Any, tmp_path: Path, cli: Any
) -> None:
    data = tmp_path / "followers.csv"
    data.write_text(ROWS, encoding="utf-8")
    wrong = _mapping(tmp_path / "wrong.yaml", "Note")  # text where a number goes
    result = cli("import", str(data), "--mapping", str(wrong), cwd=workspace.root)
    assert result.exit_code == 1, result
    assert "nothing imported, all 2 of its rows were rejected (line 2: column 'Note'" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr
    assert _history(workspace) == []
    [kept] = list(workspace.imports_dir.glob("*.rejects.csv"))  # why, for the person
    assert "hello" in kept.read_text(encoding="utf-8")
    assert list(workspace.imports_dir.iterdir()) == [kept]  # no archived copy of the file
    assert "Nothing imported yet" in cli("imports", cwd=workspace.root).stderr

    right = _mapping(tmp_path / "right.yaml", "Followers")
    again = cli("import", str(data), "--mapping", str(right), cwd=workspace.root)
    assert again.exit_code == 0, again
    [(_, inserted)] = _history(workspace)
    assert inserted == 2
    assert not list(workspace.imports_dir.glob("*.rejects.csv"))  # the stale list is gone


def test_some_rows_rejected_is_still_an_import(workspace: Any, tmp_path: Path) -> None:
    data = tmp_path / "followers.csv"
    data.write_text(ROWS.replace("1250", "n/a!"), encoding="utf-8")
    ctx = read_context(workspace, mapping=_mapping(tmp_path / "m.yaml", "Followers"))
    [summary] = import_paths(workspace, [data], ctx=ctx)
    assert (summary.status, summary.inserted, summary.rejected) == ("imported", 1, 1)
    assert summary.rejects_file is not None and summary.rejects_file.exists()
    assert len(_history(workspace)) == 1


def test_a_dry_run_says_the_same(workspace: Any, tmp_path: Path) -> None:
    data = tmp_path / "followers.csv"
    data.write_text(ROWS, encoding="utf-8")
    ctx = read_context(workspace, mapping=_mapping(tmp_path / "m.yaml", "Note"))
    [summary] = import_paths(workspace, [data], ctx=ctx, dry_run=True)
    assert summary.status == "failed"
    assert summary.error is not None and "nothing imported" in summary.error
    assert summary.rejects_file is None
