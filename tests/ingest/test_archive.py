"""Archive extraction: nested zips never collide with the outer archive's folders."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from socialproof.errors import BadExport
from socialproof.ingest import archive
from socialproof.ingest.archive import expand_paths


def _zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_nested_zip_and_outer_folder_of_the_same_name_both_survive(tmp_path: Path) -> None:
    inner = _zip_bytes({"a.csv": b"inner\n"})
    # The outer archive has folders named like the old scheme's extraction folders.
    outer = _zip_bytes(
        {
            "nested.zip": inner,
            "z0/a.csv": b"outer z0\n",
            "z1/a.csv": b"outer z1\n",
            "zip-x/a.csv": b"outer zip-x\n",
        }
    )
    path = tmp_path / "download.zip"
    path.write_bytes(outer)
    work = tmp_path / "work"
    work.mkdir()
    members, failed = expand_paths([path], work)
    assert failed == []
    contents = sorted(m.path.read_bytes() for m in members)
    assert contents == [b"inner\n", b"outer z0\n", b"outer z1\n", b"outer zip-x\n"]
    names = sorted(m.display_name for m in members)
    assert names == [
        f"{path}!nested.zip!a.csv",
        f"{path}!z0/a.csv",
        f"{path}!z1/a.csv",
        f"{path}!zip-x/a.csv",
    ]


def test_two_archives_in_one_import_do_not_overwrite_each_other(tmp_path: Path) -> None:
    one = tmp_path / "one.zip"
    two = tmp_path / "two.zip"
    one.write_bytes(_zip_bytes({"report.csv": b"one\n"}))
    two.write_bytes(_zip_bytes({"report.csv": b"two\n"}))
    work = tmp_path / "work"
    work.mkdir()
    members, failed = expand_paths([one, two], work)
    assert failed == []
    assert sorted(m.path.read_bytes() for m in members) == [b"one\n", b"two\n"]


def test_cap_follows_free_space(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Usage:
        total = used = 0
        free = 1_000  # bytes: a nearly full disk

    monkeypatch.setattr(archive.shutil, "disk_usage", lambda _p: Usage())
    assert archive.extraction_cap(tmp_path) == 500
    path = tmp_path / "big.zip"
    path.write_bytes(_zip_bytes({"data.csv": b"x" * 2_000}))
    members, failed = expand_paths([path], tmp_path / "work")
    assert members == []
    assert len(failed) == 1
    assert isinstance(failed[0][1], BadExport)
    assert "free disk space" in str(failed[0][1])


def test_a_bug_in_builtin_detection_surfaces_as_a_bug(tmp_path: Path) -> None:
    from socialproof.ingest import registry as registry_module
    from socialproof.ingest.base import Format
    from socialproof.ingest.sources import open_source

    reg = registry_module.Registry()
    reg._loaded = True  # only the formats registered below

    class Broken(Format):
        name = "broken"
        label = "Broken"
        tables = ("posts",)

        def detect(self, source: object) -> float:
            raise TypeError("boom")

    Broken.__module__ = "socialproof.ingest.broken"
    reg.register(Broken())
    path = tmp_path / "a.csv"
    path.write_text("a,b\n1,2\n")
    source = open_source(path)
    with pytest.raises(TypeError, match="boom"):
        reg.detect(source)
    Broken.__module__ = "someone_elses_plugin"
    assert reg.detect(source) == []
    assert any("broken: detect failed: TypeError: boom" in e for e in reg.load_errors)
