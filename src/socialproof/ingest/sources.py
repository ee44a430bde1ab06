"""Open any export file as a :class:`~socialproof.ingest.base.Source`.

This module tells spreadsheets from text and hands each file to its reader:
:mod:`~socialproof.ingest.sheets` for workbooks, :mod:`~socialproof.ingest.fastcsv`
(``pyarrow.csv``) for large, clean CSV files and :mod:`~socialproof.ingest.csvtext`
for the rest (decoding, the tolerant CSV path, JSON). Anything the fast path finds
odd falls back to the tolerant path, which reports ragged rows as :class:`Reject`
with their line numbers.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from socialproof.errors import BadExport, FileMissing, NotText, UsageError
from socialproof.ingest.csvtext import (
    XLSX_SUFFIXES,
    decode_bytes,
    guess_bomless_utf16,
    looks_binary,
    source_from_text,
)

if TYPE_CHECKING:
    from socialproof.ingest.base import Source

__all__ = ["decode_bytes", "open_source"]

FAST_PATH_BYTES = 2_000_000  # CSVs at least this big try the pyarrow reader first
SNIFF_BYTES = 64 * 1024  # the head read to tell the kind of file (and the fast path's sample)
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


# -- public entry point ---------------------------------------------------------


def open_source(path: Path, *, display_name: str | None = None, sha256: str = "") -> Source:
    """Read ``path`` into a :class:`Source` (frames of string cells, or raw text)."""
    path = Path(path)
    name = display_name or str(path)
    if not path.exists():
        raise FileMissing(f"{name} does not exist.", hint="Check the path and retry.")
    if path.is_dir():
        raise UsageError(f"{name} is a folder, not a file.", hint="Import the folder instead.")
    try:
        with path.open("rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except PermissionError:
        raise BadExport(
            f"Cannot read {name}: permission denied.", hint="Check the file's permissions."
        ) from None
    if not head:
        raise BadExport(f"{name} is empty.", hint="Export the data again; the file has no content.")
    suffix = path.suffix.lower()
    if head.startswith(_ZIP_MAGIC):
        from socialproof.ingest.sheets import is_xlsx, read_xlsx

        if is_xlsx(path):
            source = read_xlsx(path, name)
        else:
            raise BadExport(
                f"{name} is a zip archive, not an export file.",
                hint="Import the .zip itself (socialproof unpacks it) or extract it first.",
            )
    elif head.startswith(_OLE_MAGIC):
        from socialproof.ingest.sheets import read_xls

        source = read_xls(path, name)
    elif suffix in XLSX_SUFFIXES:
        raise BadExport(
            f"{name} is not a valid Excel workbook (an .xlsx file is a zip archive; this is not).",
            hint="Re-export it from the platform, or open and re-save it in Excel.",
        )
    else:
        source = _read_text_file(path, name, head)
    source.sha256 = sha256
    return source


# -- text files -----------------------------------------------------------------


def _read_text_file(path: Path, name: str, head: bytes) -> Source:
    size = path.stat().st_size
    suffix = path.suffix.lower()
    plain_utf8 = not head.startswith((b"\xff\xfe", b"\xfe\xff")) and not guess_bomless_utf16(
        head[:4096]
    )
    if plain_utf8 and looks_binary(head):
        raise NotText(
            f"{name} is not a text file (binary content).",
            hint="Export the data as CSV, XLSX or JSON and import that file.",
        )
    if plain_utf8 and size >= FAST_PATH_BYTES and suffix not in (".json", ".md", ".html", ".htm"):
        fast = _try_fast_csv(path, name, head)
        if fast is not None:
            return fast
    raw = path.read_bytes()
    decoded = decode_bytes(raw, name)
    del raw
    return source_from_text(decoded.text, path=path, name=name, notes=decoded.notes)


def _try_fast_csv(path: Path, name: str, head: bytes) -> Source | None:
    from socialproof.ingest.fastcsv import read_fast_csv

    return read_fast_csv(path, name, head)
