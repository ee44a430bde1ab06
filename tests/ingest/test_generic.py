"""The generic importer: any table plus a YAML mapping to canonical columns."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from socialproof.errors import BadInput
from socialproof.ingest.generic import load_mapping
from socialproof.ingest.importer import import_paths, read_context

CORE = Path(__file__).parents[1] / "data" / "ingest" / "core"


def test_mapped_posts_import(workspace: Any) -> None:
    ctx = read_context(workspace, mapping=CORE / "custom_posts.yaml")
    [s] = import_paths(workspace, [CORE / "custom_posts.csv"], ctx=ctx)
    assert (s.format, s.rows_read, s.inserted, s.rejected) == ("generic", 5, 2, 3)
    with workspace.connect() as con:
        rows = con.execute(
            "SELECT platform, account, post_id, published_at, views, shares, reactions "
            "FROM posts ORDER BY post_id"
        ).fetchall()
    assert rows[0] == ("mastodon", "acme", "m-1", datetime(2026, 2, 1, 10, 0), 1204, 3, 40)


def test_mapping_from_xlsx_and_json(workspace: Any, tmp_path: Path) -> None:
    import json

    import openpyxl

    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "table: account_daily\ncolumns:\n  date: Day\n  value: Followers\n"
        "constants:\n  platform: bluesky\n  metric: followers\n  account: acme\ndayfirst: true\n",
        encoding="utf-8",
    )
    wb = openpyxl.Workbook()
    wb.active.append(["Day", "Followers"])
    wb.active.append(["03/02/2026", 1234])
    xlsx = tmp_path / "f.xlsx"
    wb.save(xlsx)
    js = tmp_path / "f.json"
    js.write_text(json.dumps([{"Day": "04/02/2026", "Followers": 1250}]), encoding="utf-8")
    ctx = read_context(workspace, mapping=mapping)
    summaries = import_paths(workspace, [xlsx, js], ctx=ctx)
    assert [s.inserted for s in summaries] == [1, 1]
    with workspace.connect() as con:
        rows = con.execute("SELECT date, value FROM account_daily ORDER BY date").fetchall()
    assert [(str(d), v) for d, v in rows] == [("2026-02-03", 1234.0), ("2026-02-04", 1250.0)]


@pytest.mark.parametrize(
    "text,message",
    [
        ("table: tweets\ncolumns: {}\n", "'table' must be one of"),
        ("table: posts\ncolumns:\n  likes: Likes\n", "'likes' is not a column of posts"),
        ("table: posts\ncolumns: [1, 2]\n", "must be mappings"),
        ("table: posts\ncolums: {}\n", "unknown key"),
        ("table: [posts\n", "not valid YAML"),
        ("- 1\n- 2\n", "expected 'table:'"),
        # a list as a constant was stored as the text '[1, 2]' on every row
        ("table: posts\nconstants: {account: [1, 2]}\n", "constant 'account' must be one value"),
        ("table: posts\nconstants: {platform: {a: b}}\n", "must be one value"),
        # a quoted 'false' was read as true (bool of a non-empty text)
        ('table: posts\ndayfirst: "false"\n', "'dayfirst' must be true or false"),
        ("table: posts\ndayfirst: 1\n", "'dayfirst' must be true or false"),
    ],
)
def test_bad_mapping_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BadInput, match=message):
        load_mapping(path)


def test_mapping_naming_a_missing_column(workspace: Any, tmp_path: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text("table: posts\ncolumns:\n  post_id: Identifier\n", encoding="utf-8")
    ctx = read_context(workspace, mapping=mapping)
    [s] = import_paths(workspace, [CORE / "custom_posts.csv"], ctx=ctx)
    assert s.failed and "lacks the mapped column(s): Identifier" in (s.error or "")


def test_cli_mapping_implies_generic(cli: Any, workspace: Any) -> None:
    result = cli(
        "import",
        str(CORE / "custom_posts.csv"),
        "--mapping",
        str(CORE / "custom_posts.yaml"),
        "--output-format",
        "json",
        cwd=workspace.root,
    )
    assert result.exit_code == 0, result
    assert '"format": "generic"' in result.stdout


def test_cli_broken_mapping_is_one_clear_error(cli: Any, workspace: Any, tmp_path: Path) -> None:
    result = cli(
        "import",
        str(CORE / "custom_posts.csv"),
        str(CORE / "care.csv"),
        "--mapping",
        str(tmp_path / "missing.yaml"),
        cwd=workspace.root,
    )
    assert result.exit_code == 1
    assert result.stderr.count("Error:") == 1 and "mapping file" in result.stderr


def test_a_mapping_without_a_platform_asks_for_one(
    cli: Any, workspace: Any, tmp_path: Path
) -> None:
    """Mapped messages without a platform column or constant were stored with platform ''
    (a platform of its own in the report); the import asks for one, --platform gives it."""
    data = tmp_path / "inbox.csv"
    data.write_text("Msg,Who,When,Body\n1,ann,2026-03-02 10:00,hello\n", encoding="utf-8")
    mapping = tmp_path / "inbox.yaml"
    mapping.write_text(
        "table: messages\ncolumns:\n  message_id: Msg\n  author_id: Who\n"
        "  created_at: When\n  text: Body\n",
        encoding="utf-8",
    )
    refused = cli("import", str(data), "--mapping", str(mapping), cwd=workspace.root)
    assert refused.exit_code == 1
    assert refused.stderr.count("Error:") == 1 and "Traceback" not in refused.stderr
    assert "does not give platform" in refused.stderr and "--platform" in refused.stderr
    with workspace.connect(read_only=True) as con:
        assert con.execute("SELECT count(*) FROM messages").fetchall() == [(0,)]
    given = cli(
        "import", str(data), "--mapping", str(mapping), "--platform", "Twitter",
        cwd=workspace.root,
    )  # fmt: skip
    assert given.exit_code == 0, given
    with workspace.connect(read_only=True) as con:
        got = con.execute("SELECT platform, message_id FROM messages").fetchall()
    assert got == [("x", "1")]
