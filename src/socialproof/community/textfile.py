"""Texts to score from a file a person gives: one per line, or one column of a CSV file.

The ad hoc text commands (``socialproof sentiment``, ``themes``, ``moderate``) and the
workbench's "Analyse a file" page read their input here, so both take the same column
by default (a column named text, message, comment, ...), the same author column
(author, username, user, ...) and time column (created_at, timestamp, ...), and refuse the
same files with the same messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from socialproof.errors import BadInput

if TYPE_CHECKING:
    from collections.abc import Callable

#: The column read by default, the first of these a CSV header names (any case).
TEXT_COLUMNS = ("text", "message", "comment", "content", "body", "caption")
#: The author of each text, for the repeated-text rule (the names conversation exports use).
AUTHOR_COLUMNS = (
    "author_id",
    "author",
    "username",
    "user_name",
    "screen_name",
    "user",
    "user_id",
    "from",
    "handle",
)

#: When each text was sent, for the repeated-text rule (copies within a day by one author
#: to one account are a customer waiting): the first of these a CSV header names.
TIME_COLUMNS = ("created_at", "timestamp", "created_time", "sent_at", "datetime", "date", "time")
_TWITTER_TIME = "%a %b %d %H:%M:%S %z %Y"  # 'Sun Nov 05 22:58:13 +0000 2017' (TWCS, X's API)


@dataclass
class TextFile:
    """The texts read (in file order) and, where the file names them, their authors and
    when each was sent (None where a cell is empty or not a time)."""

    texts: list[str]
    authors: list[str | None] | None = None
    times: list[datetime | None] | None = None


def read_time(cell: str) -> datetime | None:
    """An ISO 8601 time ('2026-03-01T09:30:00Z', '2026-03-01 09:30') or X's API form
    ('Sun Nov 05 22:58:13 +0000 2017'); a time without a zone is read as UTC. None when
    the cell is neither."""
    cell = cell.strip()
    if not cell:
        return None
    try:
        when = datetime.fromisoformat(cell)
    except ValueError:
        try:
            when = datetime.strptime(cell, _TWITTER_TIME)
        except ValueError:
            return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def decode(data: bytes, name: str, note: Callable[[str], None] | None = None) -> str:
    """UTF-8 (BOM allowed), or UTF-16 with its BOM (as Excel's "Unicode text" and some
    platform exports are saved); invalid bytes become U+FFFD, with a ``note`` saying so."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _replaced(data.decode("utf-16", errors="replace"), name, note, "UTF-16")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return _replaced(data.decode("utf-8", errors="replace"), name, note, "UTF-8")


def _replaced(text: str, name: str, note: Callable[[str], None] | None, encoding: str) -> str:
    bad = text.count("\ufffd")
    if bad and note is not None:
        note(
            f"Note: {name} is not valid {encoding}; {bad} undecodable byte sequence(s) were "
            "replaced with \ufffd. Save the file as UTF-8 for exact results."
        )
    return text


def check_text(data: bytes, name: str) -> None:
    """Refuse binary content (a spreadsheet, an image): its bytes would be read as texts."""
    head = data[:8192]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BadInput(
            f"{name} is not a text file (a spreadsheet, an image or another binary file?).",
            hint="Save it as CSV (UTF-8) or as a text file with one message per line.",
        )


def read_texts(
    data: bytes,
    name: str,
    *,
    csv: bool,
    column: str | None = None,
    author_column: str | None = None,
    note: Callable[[str], None] | None = None,
) -> TextFile:
    """The texts of ``data`` (the file ``name``): one per line, or with ``csv`` one per row
    of ``column`` (default: the first of :data:`TEXT_COLUMNS`), with each row's author from
    ``author_column`` (default: the first of :data:`AUTHOR_COLUMNS`; None where the cell is
    empty). Authors are None for a text file and a CSV file without such a column."""
    check_text(data, name)
    text = decode(data, name, note)
    if not text.strip():
        raise BadInput(
            f"{name} is empty: there is nothing to score.",
            hint="Give a file with one message per line, or pipe texts in with -.",
        )
    if csv or column is not None or author_column is not None:
        names, rows = csv_rows(text, name)
        index = _column(names, column, TEXT_COLUMNS, name, "text")
        texts = [row[index] if index < len(row) else "" for row in rows]
        when = guess_column(names, TIME_COLUMNS)
        times = None
        if when is not None:
            at = names.index(when)
            times = [read_time(row[at]) if at < len(row) else None for row in rows]
        if author_column is None and guess_column(names, AUTHOR_COLUMNS) is None:
            return TextFile(texts, None, times)
        at = _column(names, author_column, AUTHOR_COLUMNS, name, "author")
        authors = [(row[at].strip() or None) if at < len(row) else None for row in rows]
        return TextFile(texts, authors, times)
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    return TextFile(lines)


def csv_rows(text: str, name: str) -> tuple[list[str], list[list[str]]]:
    """The header (names stripped) and rows of a CSV text."""
    import csv
    import io

    csv.field_size_limit(10_000_000)
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, None)
        rows = list(reader)
    except csv.Error as exc:
        raise BadInput(
            f"{name} is not a readable CSV file: {exc}.",
            hint="Drop --column to read one text per line.",
        ) from exc
    if not header:
        raise BadInput(f"{name} has no header row.", hint="Add a header, e.g. text.")
    return [h.strip() for h in header], rows


def guess_column(names: list[str], defaults: tuple[str, ...]) -> str | None:
    """The column of ``names`` read when none is chosen: the first of ``defaults`` there."""
    lowered = [h.lower() for h in names]
    found = next((c for c in defaults if c in lowered), None)
    return None if found is None else names[lowered.index(found)]


def _column(
    names: list[str], column: str | None, defaults: tuple[str, ...], name: str, what: str
) -> int:
    """The index of ``column`` (exact, then any case), or of the first default name."""
    lowered = [h.lower() for h in names]
    if column is None:
        found = guess_column(names, defaults)
        if found is None:
            raise BadInput(
                f"{name} has no {what} column ({', '.join(names)}).",
                hint=f"Pick one with --{'column' if what == 'text' else 'author-column'} NAME.",
            )
        return names.index(found)
    if column in names:
        return names.index(column)
    if column.lower() in lowered:
        return lowered.index(column.lower())
    raise BadInput(f"{name} has no column {column!r}.", hint=f"Columns: {', '.join(names)}.")
