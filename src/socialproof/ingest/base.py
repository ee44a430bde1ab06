"""The contract between the import machinery and the export formats.

The machinery (``ingest/importer.py``, ``ingest/sources.py``) turns a file into
:class:`Frame` objects: decoded, delimiter sniffed, title and description
rows separated from the header, one frame per CSV section or spreadsheet
sheet, every cell still a string. A :class:`Format` scores how well it
recognises a source (:meth:`Format.detect`, 0..1, from headers and content,
never from the file name) and turns it into canonical rows
(:meth:`Format.read`). Formats register in one registry
(``ingest/registry.py``); third parties add theirs through the
``socialproof.formats`` entry point group.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from pathlib import Path

    import pyarrow as pa

    from socialproof.ingest.sqlpath import Layout, SqlRows

#: Optional int64 column a format may add to its tables: the source line of each row.
#: The importer uses it to give out-of-range rows (future dates, ...) a line and drops it.
LINE_COLUMN = "_line"


@dataclass
class Frame:
    """One table found in a file: a CSV (or one section of it), a sheet, a JSON array."""

    header: list[str]  # column names as written (stripped), in order
    data: pa.Table  # string columns named exactly as ``header`` (deduplicated with ' (2)')
    line_numbers: list[int] | None = None  # 1-based source line of each data row, for rejects
    title_lines: list[str] = field(default_factory=list)  # lines above the header
    sheet: str | None = None  # spreadsheet sheet name
    section: int = 0  # index of the section in multi-section files
    rejects: list[Reject] = field(default_factory=list)  # rows the reader could not use (ragged)

    @property
    def normalized_header(self) -> list[str]:
        return [normalize_header(h) for h in self.header]


@dataclass
class Source:
    """A file as the formats see it: its frames plus raw access for text formats."""

    path: Path  # the file on disk (inside a zip: an extracted temporary copy)
    display_name: str  # what to call it in messages (zip members: 'archive.zip!member.csv')
    frames: list[Frame]
    text: str | None = None  # decoded text for text formats (Markdown, JSON, JSONL), else None
    kind: str = "csv"  # csv, xlsx, xls, json, jsonl, markdown, html
    sha256: str = ""
    notes: list[str] = field(default_factory=list)  # what the reader repaired (decoding, ...)


@dataclass
class Reject:
    line: int | None  # 1-based line (CSV) or row (sheet) in the source file
    reason: str
    raw: str = ""


@dataclass
class ReadResult:
    """What a format produced from one source: canonical rows per table, and rejects."""

    tables: dict[str, pa.Table]  # canonical table name -> rows (columns from schema.CANONICAL)
    rows_read: int
    rejects: list[Reject] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # said to the user after import


@dataclass
class ReadContext:
    """What a format may need beyond the file: settings and user choices."""

    timezone: str = "UTC"  # workspace timezone, applied to naive local timestamps
    currency: str = "USD"
    brand_handles: tuple[str, ...] = ()
    year: int | None = None  # for exports whose dates have no year (TikTok)
    account: str | None = None  # --account override
    platform: str | None = None  # --platform override for generic / ambiguous formats
    mapping: Path | None = None  # YAML column mapping for the generic importer
    options: dict[str, Any] = field(default_factory=dict)


class Format:
    """Base class of every export format. Subclass, set the class attributes, register."""

    name: ClassVar[str]  # short id used by --format, e.g. 'meta-ads'
    label: ClassVar[str]  # human name, e.g. 'Meta Ads Manager export'
    tables: ClassVar[tuple[str, ...]]  # canonical tables it writes
    required: ClassVar[tuple[tuple[str, ...], ...]] = ()  # alias groups that must be present
    kinds: ClassVar[tuple[str, ...]] = ("csv", "xlsx", "xls")

    def detect(self, source: Source) -> float:
        """Confidence 0..1 that ``source`` is this format (headers/content only)."""
        raise NotImplementedError

    def read(self, source: Source, ctx: ReadContext) -> ReadResult:
        raise NotImplementedError

    def sql_read(self, layout: Layout, ctx: ReadContext) -> SqlRows | None:
        """This format's canonical rows as SQL over a large CSV (``ingest/sqlpath.py``).

        None (the default) leaves every file to :meth:`read`; a format that can say
        its columns in SQL returns them, and the file is stored by DuckDB in one pass
        when every cell is in the shapes that SQL parses exactly as :meth:`read` does.
        """
        return None

    def missing(self, source: Source) -> list[str]:
        """Required columns not found (for 'closest format' messages)."""
        headers = {h for f in source.frames for h in f.normalized_header}
        return [
            group[0]
            for group in self.required
            if not any(normalize_header(a) in headers for a in group)
        ]


def normalize_header(name: str) -> str:
    """Case-folded, whitespace-collapsed header without BOM, quotes or a currency suffix.

    'Amount spent (USD)' -> 'amount spent'; '\ufeffPost ID' -> 'post id'.
    """
    import re

    text = name.replace("\ufeff", "").strip().strip('"').strip()
    text = re.sub(r"\s*\((?:[A-Z]{3})\)\s*$", "", text)  # currency suffix
    text = re.sub(r"\s+", " ", text)
    return text.casefold()
