"""Reading the texts of a file given to the ad hoc text tools (CLI and workbench alike)."""

from __future__ import annotations

import re

import pytest

from socialproof.community.textfile import AUTHOR_COLUMNS, TEXT_COLUMNS, guess_column, read_texts
from socialproof.errors import BadInput


def test_a_csv_file_gives_its_text_column_and_authors() -> None:
    data = b'id,Comment,User\n1,love it,ann\n2,"broken, again",\n3,ok\n'
    found = read_texts(data, "c.csv", csv=True)
    assert found.texts == ["love it", "broken, again", "ok"]
    assert found.authors == ["ann", None, None]  # an empty cell and a short row: nobody


def test_the_guess_takes_the_first_known_name_in_any_case() -> None:
    assert guess_column(["ID", "Body", "Message"], TEXT_COLUMNS) == "Message"
    assert guess_column(["id", "likes"], TEXT_COLUMNS) is None
    assert guess_column(["Screen_Name", "Handle"], AUTHOR_COLUMNS) == "Screen_Name"


def test_lines_and_invalid_utf8_with_a_note() -> None:
    notes: list[str] = []
    found = read_texts(
        b"\xef\xbb\xbffirst\nsecond \xff\n\n\n", "t.txt", csv=False, note=notes.append
    )
    assert found.texts == ["first", "second \ufffd"] and found.authors is None
    assert len(notes) == 1 and "1 undecodable byte sequence(s)" in notes[0]


@pytest.mark.parametrize(
    ("data", "column", "says"),
    [
        (b"  \n", None, "is empty"),
        (b"id,likes\n1,2\n", None, "has no text column (id, likes)"),
        (b"id,text\n1,a\n", "body", "has no column 'body'"),
    ],
)
def test_refused_files_say_why(data: bytes, column: str | None, says: str) -> None:
    with pytest.raises(BadInput, match=re.escape(says)):
        read_texts(data, "f.csv", csv=True, column=column)


def test_a_utf16_csv_is_read_and_a_binary_file_refused() -> None:
    data = "text,author\nmerci beaucoup,zoé\n".encode("utf-16")  # with its BOM, as Excel saves
    found = read_texts(data, "u.csv", csv=True)
    assert found.texts == ["merci beaucoup"] and found.authors == ["zoé"]
    workbook = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + b"\x00" * 64
    with pytest.raises(BadInput, match=re.escape("book.xlsx is not a text file")):
        read_texts(workbook, "book.xlsx", csv=False)


def test_a_time_column_is_read_when_the_csv_has_one() -> None:
    from datetime import UTC, datetime, timedelta, timezone

    from socialproof.community.textfile import read_time

    data = (
        b"author,created_at,text\n"
        b"a,Sun Nov 05 22:58:13 +0000 2017,one\n"
        b"b,2026-03-01T09:30:00+01:00,two\n"
        b"c,2026-03-01 09:30,three\n"
        b"d,yesterday,four\n"
        b"e,,five\n"
    )
    found = read_texts(data, "c.csv", csv=True)
    assert found.times == [
        datetime(2017, 11, 5, 22, 58, 13, tzinfo=UTC),
        datetime(2026, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=1))),
        datetime(2026, 3, 1, 9, 30, tzinfo=UTC),  # no zone: read as UTC
        None,
        None,
    ]
    assert read_texts(b"author,text\na,one\n", "c.csv", csv=True).times is None
    assert read_time("  ") is None
