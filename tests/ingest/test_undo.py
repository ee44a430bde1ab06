from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from socialproof.errors import NeedsForce, NotFound, UsageError

SMALL = Path(__file__).resolve().parents[1] / "data" / "web" / "instagram_posts_small.csv"


def _count(ws: Any, table: str) -> int:
    from socialproof.workspace import engine

    with ws.ibis() as con:
        return int(engine.table(con, table).count().execute())


def test_undo_removes_rows_keeps_archive_and_allows_reimport(workspace: Any) -> None:
    from socialproof.ingest.importer import import_paths, list_imports
    from socialproof.ingest.undo import list_undos, undo_import

    (summary,) = import_paths(workspace, [SMALL])
    assert summary.inserted == 8 and _count(workspace, "posts") == 8
    result = undo_import(workspace, summary.sha256[:10])
    assert result.import_id == summary.sha256
    assert result.removed == {"posts": 8} and result.rows_removed == 8
    assert _count(workspace, "posts") == 0
    assert list_imports(workspace) == []
    assert result.archive is not None and result.archive.exists()  # the archive stays
    assert (workspace.imports_dir / f"{summary.sha256}.rejects.csv").exists()
    (undone,) = list_undos(workspace)
    assert undone["rows_removed"] == 8 and undone["format"] == "meta-posts"
    (again,) = import_paths(workspace, [SMALL])  # the same file can come back
    assert again.status == "imported" and again.inserted == 8


def test_undo_refuses_unknown_or_malformed_ids(workspace: Any) -> None:
    from socialproof.ingest.undo import undo_import

    with pytest.raises(NotFound):
        undo_import(workspace, "deadbeefdeadbeef")
    with pytest.raises(UsageError, match="not an import id"):
        undo_import(workspace, "../../etc")


def test_undo_of_an_import_that_updated_earlier_rows_needs_force(
    workspace: Any, tmp_path: Path
) -> None:
    from socialproof.ingest.importer import import_paths
    from socialproof.ingest.undo import undo_import

    import_paths(workspace, [SMALL])
    lines = SMALL.read_text(encoding="utf-8").splitlines()
    changed = [lines[0]] + [line.replace(",Lifetime,", ",Lifetime,9") for line in lines[1:4]]
    newer = tmp_path / "newer.csv"
    newer.write_text("\n".join(changed) + "\n", encoding="utf-8")
    (second,) = import_paths(workspace, [newer])
    assert second.updated == 3
    with pytest.raises(NeedsForce, match="updated 3 rows"):
        undo_import(workspace, second.sha256)
    assert _count(workspace, "posts") == 8  # nothing changed
    result = undo_import(workspace, second.sha256, force=True)
    assert result.rows_removed == 3 and _count(workspace, "posts") == 5
