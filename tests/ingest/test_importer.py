"""The importer's guarantees: idempotent, transactional, rejects kept, archives, locking."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from socialproof.errors import BadExport
from socialproof.ingest import importer, writer
from socialproof.ingest.importer import import_paths, list_imports, read_rejects

CORE = Path(__file__).parents[1] / "data" / "ingest" / "core"


def count(ws: Any, table: str) -> int:
    with ws.connect() as con:
        return int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def messages(ws: Any) -> dict[str, dict[str, Any]]:
    with ws.connect() as con:
        cur = con.execute("SELECT * FROM messages ORDER BY message_id")
        names = [d[0] for d in cur.description]
        return {r[1]: dict(zip(names, r, strict=True)) for r in cur.fetchall()}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


CARE_HEADER = (
    "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"
)


def care_rows(ids: range, text: str = "hello") -> str:
    return "".join(
        f"{i},user{i},True,Mon Mar 02 {10 + i // 60:02d}:{i % 60:02d}:00 +0000 2026,{text} {i},,\n"
        for i in ids
    )


def test_import_conversations_end_to_end(workspace: Any) -> None:
    [s] = import_paths(workspace, [CORE / "care.csv"])
    assert (s.status, s.format, s.rows_read, s.inserted, s.rejected) == (
        "imported",
        "conversations",
        7,
        7,
        0,
    )
    msgs = messages(workspace)
    # brand: handle 'AcmeHelp' in settings matches 'acmehelp' too; inbound=False is brand
    assert msgs["2"]["is_brand"] and msgs["4"]["is_brand"] and msgs["7"]["is_brand"]
    assert not msgs["1"]["is_brand"] and not msgs["6"]["is_brand"]
    assert {m["thread_id"] for k, m in msgs.items() if k in "1234"} == {"1"}
    assert msgs["6"]["thread_id"] == "5"
    assert msgs["7"]["thread_id"] == "99"  # the parent is outside the file
    assert msgs["4"]["text"].endswith("Tracking follows by email.")
    assert msgs["1"]["import_id"] == s.sha256
    archived = workspace.imports_dir / f"{s.sha256}.csv"
    assert archived.read_bytes() == (CORE / "care.csv").read_bytes()
    [row] = list_imports(workspace)
    assert (row["file"], row["format"], row["rows"], row["rejected"]) == (
        str(CORE / "care.csv"),
        "conversations",
        7,
        0,
    )


def test_same_file_twice_adds_nothing(workspace: Any, tmp_path: Path) -> None:
    first = import_paths(workspace, [CORE / "care.csv"])[0]
    copy = tmp_path / "renamed.csv"
    shutil.copy(CORE / "care.csv", copy)
    again = import_paths(workspace, [CORE / "care.csv", copy])
    assert [s.status for s in again] == ["already imported", "already imported"]
    assert all(s.inserted == 0 for s in again)
    assert count(workspace, "messages") == first.inserted
    assert count(workspace, "imports") == 1


def test_overlapping_exports_update_instead_of_duplicating(workspace: Any, tmp_path: Path) -> None:
    a = write(tmp_path, "a.csv", CARE_HEADER + care_rows(range(1, 6)))
    b = write(
        tmp_path, "b.csv", CARE_HEADER + care_rows(range(4, 6), "edited") + care_rows(range(6, 9))
    )
    import_paths(workspace, [a])
    [s] = import_paths(workspace, [b])
    assert (s.inserted, s.updated, s.unchanged) == (3, 2, 0)
    assert count(workspace, "messages") == 8
    assert messages(workspace)["5"]["text"] == "edited 5"


def test_rejects_file_has_line_reason_and_raw(workspace: Any, tmp_path: Path) -> None:
    text = (
        CARE_HEADER
        + care_rows(range(1, 3))
        + "3,user3,True,not a date,hi,,\n"
        + "4,user4,True\n"
        + "5,user5,True,Mon Mar 02 10:05:00 +0000 2099,from the future,,\n"
        + "6,user6,True,Sun Mar 02 10:05:00 +0000 2003,too early,,\n"  # a Sunday
        + '7,user7,True,Mon Mar 02 10:05:00 +0000 2026,"=HYPERLINK(""x"")",,\n'
    )
    path = write(tmp_path, "r.csv", text)
    [s] = import_paths(workspace, [path])
    assert s.status == "imported"
    assert (s.inserted, s.rejected) == (3, 4)
    assert s.rejects_file == workspace.imports_dir / f"{s.sha256}.rejects.csv"
    rejects = read_rejects(s.rejects_file)
    assert [r["line"] for r in rejects] == ["4", "5", "6", "7"]
    assert "not a date" in rejects[0]["reason"] and "not a date" in rejects[0]["raw"]
    assert "fields" in rejects[1]["reason"]
    assert "in the future" in rejects[2]["reason"]
    assert "before 2004" in rejects[3]["reason"]
    assert count(workspace, "messages") == 3
    assert messages(workspace)["7"]["text"] == '=HYPERLINK("x")'  # stored as written


def test_rejects_file_neutralises_formulas(workspace: Any, tmp_path: Path) -> None:
    import csv

    bad = "=SUM(A1),u,True,=cmd|' /C calc'!A0,hi,,\n"
    good = "2,u,True,Mon Mar 02 10:05:00 +0000 2026,ok,,\n"
    [s] = import_paths(workspace, [write(tmp_path, "f.csv", CARE_HEADER + bad + good)])
    assert s.rejects_file is not None
    with s.rejects_file.open(encoding="utf-8", newline="") as fh:
        [row] = list(csv.DictReader(fh))
    assert row["line"] == "2"
    assert row["raw"].startswith("'=SUM(A1)")


def test_folder_and_zip_import(workspace: Any, tmp_path: Path) -> None:
    folder = tmp_path / "download"
    write(folder, "a/one.csv", CARE_HEADER + care_rows(range(1, 3)))
    write(folder, "b/two.csv", CARE_HEADER + care_rows(range(3, 5)))
    write(folder, ".DS_Store", "junk")
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("messages/three.csv", CARE_HEADER + care_rows(range(5, 7)))
        zf.writestr("__MACOSX/._three.csv", "junk")
    summaries = import_paths(workspace, [folder, archive])
    assert [s.status for s in summaries] == ["imported"] * 3
    assert summaries[2].path == f"{archive}!messages/three.csv"
    assert count(workspace, "messages") == 6


def test_zip_with_path_traversal_is_refused(workspace: Any, tmp_path: Path) -> None:
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../../escape.csv", CARE_HEADER + care_rows(range(1, 2)))
    [s] = import_paths(workspace, [archive])
    assert s.failed and "unsafe path" in (s.error or "")
    assert not (tmp_path.parent / "escape.csv").exists()
    assert count(workspace, "messages") == 0


def test_failure_in_the_middle_leaves_the_workspace_as_it_was(
    workspace: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from socialproof.workspace import engine

    import_paths(workspace, [write(tmp_path, "a.csv", CARE_HEADER + care_rows(range(1, 3)))])
    before = sorted(os.listdir(workspace.imports_dir))
    real, real_merge = writer.record_import, engine.merge
    calls: list[str] = []

    def crash(con: Any, row: Any) -> None:
        calls.append("imports")
        real(con, row)  # rows written inside the transaction...
        raise KeyboardInterrupt  # ...then Ctrl-C before the commit

    def merge(con: Any, spec: Any, data: Any, **kw: Any) -> Any:
        calls.append(spec.name)
        return real_merge(con, spec, data, **kw)

    monkeypatch.setattr(writer, "record_import", crash)
    monkeypatch.setattr(engine, "merge", merge)
    b = write(tmp_path, "b.csv", CARE_HEADER + care_rows(range(2, 6), "changed"))
    with pytest.raises(KeyboardInterrupt):
        import_paths(workspace, [b])
    assert calls == ["messages", "imports"]
    assert count(workspace, "messages") == 2
    assert count(workspace, "imports") == 1
    assert messages(workspace)["2"]["text"] == "hello 2"
    assert sorted(os.listdir(workspace.imports_dir)) == before  # no archive, no temp files
    monkeypatch.setattr(writer, "record_import", real)
    [s] = import_paths(workspace, [b])  # and the file imports fine afterwards
    assert (s.status, s.inserted, s.updated) == ("imported", 3, 1)


def test_dry_run_writes_nothing(workspace: Any) -> None:
    [s] = import_paths(workspace, [CORE / "care.csv"], dry_run=True)
    assert (s.status, s.inserted) == ("dry run", 7)
    assert count(workspace, "messages") == 0
    assert count(workspace, "imports") == 0
    assert os.listdir(workspace.imports_dir) == []


def test_brand_handle_that_never_appears_is_noted(workspace: Any, tmp_path: Path) -> None:
    [s] = import_paths(workspace, [write(tmp_path, "n.csv", CARE_HEADER + care_rows(range(1, 3)))])
    assert any("'@acme'" in n and "does not appear" in n for n in s.notes)


def test_one_bad_file_does_not_stop_the_others(workspace: Any, tmp_path: Path) -> None:
    good = write(tmp_path, "good.csv", CARE_HEADER + care_rows(range(1, 3)))
    bad = write(tmp_path, "bad.csv", "colour,shape\nred,round\n")
    summaries = import_paths(workspace, [bad, tmp_path / "missing.csv", good])
    assert [s.status for s in summaries] == ["failed", "failed", "imported"]
    assert "does not exist" in (summaries[0].error or "")
    assert "no known format" in (summaries[1].error or "")


def test_forced_format_that_cannot_read_the_kind(workspace: Any) -> None:
    with pytest.raises(BadExport, match="does not read"):
        importer.open_and_detect(CORE / "posting.md", format="conversations")


_CHILD = """
import sys
from pathlib import Path
from socialproof.workspace import Workspace
from socialproof.ingest.importer import import_paths
[s] = import_paths(Workspace.open(Path(sys.argv[1])), [Path(sys.argv[2])])
print(s.status, s.inserted, s.error or "")
"""


def test_two_imports_at_once_never_corrupt(workspace: Any, tmp_path: Path) -> None:
    files = [
        write(tmp_path, f"c{k}.csv", CARE_HEADER + care_rows(range(k * 40 + 1, k * 40 + 41)))
        for k in range(2)
    ]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(workspace.root), str(f)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in files
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    results = [o[0].strip() for o in outs]
    ok = [r for r in results if r.startswith("imported 40")]
    for r, (_, err) in zip(results, outs, strict=True):
        if not r.startswith("imported"):
            # the second one may fail, but only clearly: busy, never a traceback
            assert "Traceback" not in err or "WorkspaceBusy" in err, err
    assert ok, results
    assert count(workspace, "messages") == 40 * len(ok)
    assert count(workspace, "imports") == len(ok)


def test_media_in_a_data_download_is_skipped(workspace: Any, tmp_path: Path) -> None:
    archive = tmp_path / "instagram-download.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("media/photo.jpg", b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4)
        zf.writestr("data/blob.bin", bytes(range(256)) * 4)
        zf.writestr("messages.csv", CARE_HEADER + care_rows(range(1, 3)))
    summaries = import_paths(workspace, [archive])
    assert [s.status for s in summaries] == ["skipped", "skipped", "imported"]
    assert not any(s.failed for s in summaries)
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4)
    [named] = import_paths(workspace, [photo])  # named by the user: a clear failure
    assert named.failed and "not a text file" in (named.error or "")


def test_progress_reports_stages(workspace: Any) -> None:
    seen: list[tuple[int, int, str]] = []
    import_paths(
        workspace, [CORE / "care.csv"], progress=lambda k, n, what: seen.append((k, n, what))
    )
    assert seen[0] == (0, 1, str(CORE / "care.csv"))
    assert any(what.endswith(": reading") for _, _, what in seen)
    assert any("writing 7 rows" in what for _, _, what in seen)
    assert seen[-1] == (1, 1, "")


_READER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print("open", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


def test_import_waits_for_a_reader_to_finish(workspace: Any, tmp_path: Path) -> None:
    reader = subprocess.Popen(
        [sys.executable, "-c", _READER, str(workspace.db_path), "2"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert reader.stdout is not None and reader.stdout.readline().strip() == "open"
    try:
        [s] = import_paths(
            workspace, [write(tmp_path, "w.csv", CARE_HEADER + care_rows(range(1, 4)))]
        )
    finally:
        reader.wait(timeout=60)
        reader.stdout.close()
    assert (s.status, s.inserted) == ("imported", 3), s.error


def test_a_bug_in_a_format_fails_that_file_only(
    workspace: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from socialproof.ingest.conversations import RedditFormat

    def broken(self: Any, source: Any, ctx: Any) -> Any:
        raise KeyError("oops")

    monkeypatch.setattr(RedditFormat, "read", broken)
    good = write(tmp_path, "good.csv", CARE_HEADER + care_rows(range(1, 3)))
    summaries = import_paths(workspace, [CORE / "reddit.csv", good])
    assert [s.status for s in summaries] == ["failed", "imported"]
    assert "unexpected KeyError in the 'reddit' reader" in (summaries[0].error or "")
    with pytest.raises(KeyError):
        import_paths(workspace, [CORE / "reddit.csv"], debug=True)


@pytest.mark.parametrize("threshold", [0, 10**9])
def test_append_into_an_empty_table_stores_what_upsert_stores(
    workspace: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, threshold: int
) -> None:
    from socialproof.workspace import Workspace, engine

    monkeypatch.setattr(writer, "FAST_INSERT_ROWS", threshold)
    appended: list[str] = []
    real_append = engine.append
    monkeypatch.setattr(
        engine,
        "append",
        lambda con, name, data: (appended.append(name), real_append(con, name, data)),
    )
    [b] = import_paths(workspace, [CORE / "reddit.csv"])
    assert appended == (["messages"] if threshold == 0 else [])
    assert b.inserted == 4
    msgs = messages(workspace)
    assert msgs["c2"]["is_brand"] is False and msgs["c2"]["import_id"] == b.sha256
    assert msgs["c2"]["created_at"] is not None and msgs["c2"]["thread_id"] == "p1"
    assert msgs["c2"]["parent_id"] == "c1" and msgs["c1"]["inbound"] is None
    # duplicate keys in one file: the last row wins either way
    other = Workspace.init(tmp_path / "ws2")
    dup = CARE_HEADER + care_rows(range(1, 4)) + care_rows(range(3, 4), "later")
    [a] = import_paths(other, [write(tmp_path, "dup.csv", dup)])
    assert a.inserted == 3 and messages(other)["3"]["text"] == "later 3"


def test_append_is_not_used_for_duplicate_keys(
    workspace: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyarrow as pa

    from socialproof.workspace import engine
    from socialproof.workspace.schema import CANONICAL

    monkeypatch.setattr(writer, "FAST_INSERT_ROWS", 0)
    monkeypatch.setattr(engine, "append", lambda *a: pytest.fail("appended duplicates"))
    table = pa.table({"platform": ["x", "x"], "message_id": ["1", "1"], "text": ["a", "b"]})
    with workspace.transaction() as con:
        assert writer._insert_or_merge(con, CANONICAL["messages"], table, None).inserted == 1
    assert messages(workspace)["1"]["text"] == "b"


def test_already_imported_says_how(workspace: Any, tmp_path: Path) -> None:
    import_paths(workspace, [CORE / "care.csv"])
    copy = tmp_path / "copy.csv"
    shutil.copy(CORE / "care.csv", copy)
    [s] = import_paths(workspace, [copy])
    assert s.notes == [
        f"{copy} was imported before (as conversations from {CORE / 'care.csv'}); nothing added."
    ]
