"""The SQL path's line checks (``ingest/lines.py``) against plain Python on the bytes."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from socialproof.ingest import lines

BODIES = [
    b"a,1\nb,2\n",
    b"a,1\nb,2",  # the last line has no newline: it still counts
    b"",  # nothing below the header: one (empty) line, as the reader sees it
    b"\n",
    b"a,1\r\nb,2\r\n",
    b"x" * 50 + b"\n" * 7 + b"y",
    b"a,actions:link_click\nb,x_1\n",
]


def _plain_lines(body: bytes) -> int:
    return body.count(b"\n") + (0 if body and body.endswith(b"\n") else 1)


def _plain_grouped(body: bytes) -> bool:
    return any(
        body[i] == ord("_") and chr(body[i - 1]).isdigit() and chr(body[i + 1]).isdigit()
        for i in range(1, len(body) - 1)
    )


@pytest.mark.parametrize("body", BODIES)
@pytest.mark.parametrize("chunk", [1, 2, 3, 1 << 22])
def test_lines_and_grouped_digits_as_plain_python_counts_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: bytes, chunk: int
) -> None:
    monkeypatch.setattr(lines, "SCAN_CHUNK", chunk)
    head = b"title 1_2 line\nh1,h2\n"  # '1_2' above the offset does not count
    path = tmp_path / "f.csv"
    path.write_bytes(head + body)
    want = (_plain_lines(body), _plain_grouped(body))
    assert lines.count_newlines(path) == (
        (head + body).count(b"\n"),
        (head + body).endswith(b"\n"),
    )
    assert lines.scan_lines(path, len(head)) == want
    assert lines.scan_lines(path, len(head), underscores=False) == (want[0], False)
    ahead = lines.precount(path)
    assert lines.counted_lines(path, len(head), ahead, underscores=True) == want


@pytest.mark.parametrize(
    ("body", "grouped"),
    [
        (b"a,1_000\nb,2\n", True),  # digits grouped with '_': DuckDB reads 1000
        (b"a,1_x\nb,_1\n", False),  # a digit on one side only (a line may start '_1')
        (b"ab,12_345\nx_y,_\n", True),
        (b"ab,12_a45\nx_y,_9\n", False),
    ],
)
@pytest.mark.parametrize("chunk", range(1, 8))
def test_grouped_digits_are_found_wherever_a_read_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: bytes, grouped: bool, chunk: int
) -> None:
    monkeypatch.setattr(lines, "SCAN_CHUNK", chunk)
    path = tmp_path / "f.csv"
    path.write_bytes(body)
    assert _plain_grouped(body) is grouped  # the reference agrees with the case's name
    assert lines.grouped_digits(path, 0) is grouped


def test_a_stopped_count_ends_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lines, "SCAN_CHUNK", 4)
    path = tmp_path / "f.csv"
    path.write_bytes(b"a,1\n" * 100)
    stop = threading.Event()
    stop.set()
    with pytest.raises(lines.Stopped):
        lines.count_newlines(path, stop)
    assert isinstance(lines.precount(path, stop=stop).exception(), lines.Stopped)
