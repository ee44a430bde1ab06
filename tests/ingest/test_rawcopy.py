"""The raw file's copy into ``imports/`` (``ingest/rawcopy.py``): exact, or an error."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import pytest

from socialproof.ingest import rawcopy

DATA = bytes(range(256)) * 40 + b"tail"  # 10,244 bytes: 11 steps of 1,000


@pytest.mark.parametrize("kernel_copy", [True, False])
def test_the_copy_is_exact_with_or_without_the_kernel_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kernel_copy: bool
) -> None:
    if not kernel_copy:
        monkeypatch.delattr(os, "copy_file_range", raising=False)
    monkeypatch.setattr(rawcopy, "COPY_STEP", 1000)
    src = tmp_path / "src.bin"
    src.write_bytes(DATA)
    (tmp_path / "out").mkdir()
    copied = rawcopy.temp_copy(src, tmp_path / "out", "ab" * 32)
    assert copied.read_bytes() == DATA
    assert copied.name.startswith(".abababababababab-") and copied.name.endswith(".part")


def test_a_kernel_copy_that_stops_early_is_finished_through_a_buffer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some file systems answer 0 before the end: the rest is copied the plain way."""
    real = getattr(os, "copy_file_range", None)
    calls: list[int] = []

    def short(fin: int, fout: int, count: int, off_in: Any = None, off_out: Any = None) -> int:
        calls.append(count)
        if len(calls) > 2 or real is None:
            return 0
        return int(real(fin, fout, count, off_in, off_out))

    monkeypatch.setattr(os, "copy_file_range", short, raising=False)
    monkeypatch.setattr(rawcopy, "COPY_STEP", 1000)
    src = tmp_path / "src.bin"
    src.write_bytes(DATA)
    (tmp_path / "out").mkdir()
    assert rawcopy.temp_copy(src, tmp_path / "out", "cd" * 32).read_bytes() == DATA
    assert len(calls) == 3 or real is None


def test_a_copy_shorter_than_the_file_is_an_error_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def lossy(fin: int, fout: Any, stop: Any) -> int:
        fout.write(b"only this")
        return 9

    monkeypatch.setattr(rawcopy, "copy_in_steps", lossy)
    src = tmp_path / "src.bin"
    src.write_bytes(DATA)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(rawcopy.ShortCopy, match="copied 9 of 10,244 bytes"):
        rawcopy.temp_copy(src, out, "ef" * 32)
    assert list(out.iterdir()) == []


def test_a_stopped_copy_ends_early(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rawcopy, "COPY_STEP", 1000)
    src = tmp_path / "src.bin"
    src.write_bytes(b"x" * 10_000)
    stop = threading.Event()
    stop.set()
    (tmp_path / "out").mkdir()
    copied = rawcopy.temp_copy(src, tmp_path / "out", "cd" * 32, stop)
    assert copied.stat().st_size < 10_000


def test_discard_stops_a_running_copy_and_removes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The copy is held at its first step until discard() has set the stop flag."""
    monkeypatch.delattr(os, "copy_file_range", raising=False)  # the buffered, stoppable loop
    started, release = threading.Event(), threading.Event()
    real_read = os.read

    def slow_read(fd: int, n: int) -> bytes:
        started.set()
        release.wait(5)
        return real_read(fd, n)

    monkeypatch.setattr(os, "read", slow_read)
    src = tmp_path / "src.bin"
    src.write_bytes(b"y" * (3 << 20))
    out = tmp_path / "out"
    out.mkdir()
    pending = rawcopy.PendingCopy(src, out, "ab" * 32)
    assert started.wait(5)
    threading.Timer(0.2, release.set).start()  # let the step finish after the flag is set
    pending.discard()
    assert list(out.iterdir()) == []
