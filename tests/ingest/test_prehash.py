"""The early hashing of files named on the command line (``ingest/prehash.py``)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from socialproof.ingest import prehash


def _big(path: Path, fill: bytes = b"x") -> Path:
    path.write_bytes(fill * (prehash.MIN_BYTES + 10))
    return path


def test_a_started_file_is_taken_once_with_its_sha256(tmp_path: Path) -> None:
    path = _big(tmp_path / "export.csv")
    prehash.start([path])
    future = prehash.take(path)
    assert future is not None
    assert future.result(timeout=30) == hashlib.sha256(path.read_bytes()).hexdigest()
    assert prehash.take(path) is None  # handed out once


def test_a_file_changed_after_it_was_started_is_hashed_again(tmp_path: Path) -> None:
    path = _big(tmp_path / "export.csv")
    prehash.start([path])
    _big(path, b"y")
    os.utime(path, ns=(1, 1))  # a new modification time, whatever the clock's resolution
    assert prehash.take(path) is None


def test_small_files_folders_and_archives_are_not_started(tmp_path: Path) -> None:
    small = tmp_path / "small.csv"
    small.write_text("a,b\n1,2\n", encoding="utf-8")
    archive = _big(tmp_path / "download.zip")
    prehash.start([small, tmp_path, archive, tmp_path / "missing.csv"])
    assert prehash.take(small) is None
    assert prehash.take(archive) is None
    assert prehash.take(tmp_path) is None


def test_a_file_named_twice_is_hashed_once(tmp_path: Path) -> None:
    path = _big(tmp_path / "export.csv")
    prehash.start([path, tmp_path / "." / "export.csv"])
    future = prehash.take(path)
    assert future is not None
    assert future.result(timeout=30) == prehash.sha256_file(path)
    assert prehash.take(path) is None
