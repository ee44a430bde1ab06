"""Spreadsheets: .xlsx through openpyxl (read-only) and old binary .xls through xlrd.

Every sheet with data becomes one or more frames, with the same title-row and
section rules as CSV files; cells become strings (dates as ISO text, whole
numbers without '.0').
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from socialproof.errors import BadExport
from socialproof.ingest.base import Frame, Source
from socialproof.ingest.csvtext import XLSX_SUFFIXES, cell_text, count_nonempty, frames_from_rows

if TYPE_CHECKING:
    from pathlib import Path


def is_xlsx(path: Path) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except zipfile.BadZipFile:
        return path.suffix.lower() in XLSX_SUFFIXES
    return "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names)


def _sheet_cell(value: Any) -> str:
    from datetime import date, datetime, time

    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return cell_text(value)


def read_xlsx(path: Path, name: str) -> Source:
    import zipfile

    try:
        import openpyxl
    except ImportError:  # pragma: no cover - core dependency
        raise BadExport(
            "openpyxl is needed to read .xlsx files.", hint="pip install openpyxl"
        ) from None
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise BadExport(
            f"{name} is not a readable Excel workbook ({type(exc).__name__}: {exc}).",
            hint="Re-export it from the platform, or open and re-save it in Excel.",
        ) from None
    frames: list[Frame] = []
    try:
        for ws in wb.worksheets:
            rows = [
                (k, [_sheet_cell(v) for v in row])
                for k, row in enumerate(ws.iter_rows(values_only=True), start=1)
            ]
            rows = _fold_merged_header(rows, _merged_ranges(path, ws))
            rows = _trim_rows(rows)
            if not any(count_nonempty(r) for _, r in rows):
                continue
            frames.extend(frames_from_rows(rows, name, sheet=ws.title, section_start=0))
    finally:
        wb.close()
    if not frames:
        raise BadExport(f"{name} has no data in any sheet.", hint="Export the data again.")
    return Source(path=path, display_name=name, frames=frames, kind="xlsx")


def read_xls(path: Path, name: str) -> Source:
    try:
        import xlrd
    except ImportError:  # pragma: no cover - core dependency
        raise BadExport("xlrd is needed to read .xls files.", hint="pip install xlrd") from None
    try:
        # formatting_info gives the merged cells (a header over two rows, group labels)
        book = xlrd.open_workbook(str(path), on_demand=True, formatting_info=True)
    except Exception:  # xlrd raises its own XLRDError and assorted builtins
        try:  # some writers' formatting records xlrd cannot read: the cells alone
            book = xlrd.open_workbook(str(path), on_demand=True)
        except Exception as exc:
            raise BadExport(
                f"{name} is not a readable .xls workbook ({exc}).",
                hint="Open it in Excel or LibreOffice and save it as .xlsx, then import that.",
            ) from None
    frames: list[Frame] = []
    for sheet in book.sheets():
        rows: list[tuple[int, list[str]]] = []
        for r in range(sheet.nrows):
            cells: list[str] = []
            for c in range(sheet.ncols):
                cell = sheet.cell(r, c)
                if cell.ctype == xlrd.XL_CELL_DATE:
                    try:
                        cells.append(
                            xlrd.xldate_as_datetime(cell.value, book.datemode).isoformat(sep=" ")
                        )
                    except Exception:  # a date cell out of range: keep the number
                        cells.append(cell_text(cell.value))
                else:
                    cells.append(cell_text(cell.value))
            rows.append((r + 1, cells))
        # xlrd's merged cells are (row_lo, row_hi, col_lo, col_hi), 0-based, hi exclusive
        merges = [(r1 + 1, c1 + 1, r2, c2) for r1, r2, c1, c2 in sheet.merged_cells]
        rows = _fold_merged_header(rows, merges)
        rows = _trim_rows(rows)
        if any(count_nonempty(r) for _, r in rows):
            frames.extend(frames_from_rows(rows, name, sheet=sheet.name))
    if not frames:
        raise BadExport(f"{name} has no data in any sheet.", hint="Export the data again.")
    return Source(path=path, display_name=name, frames=frames, kind="xls")


#: a row of merged group labels this far down is a header's; below, the data's
HEADER_ZONE = 20
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _merged_ranges(path: Path, ws: Any) -> list[tuple[int, int, int, int]]:
    """The sheet's merged cells as (row1, col1, row2, col2), 1-based; openpyxl's
    read-only sheets do not give them, so they are read from the sheet's XML. None
    found (or unreadable): an empty list."""
    import zipfile

    from openpyxl.utils import column_index_from_string

    member = getattr(ws, "_worksheet_path", None)
    if not isinstance(member, str):
        return []
    try:
        with zipfile.ZipFile(path) as zf:
            data = zf.read(member)
    except (KeyError, OSError, zipfile.BadZipFile):
        return []
    out = []
    for c1, r1, c2, r2 in _MERGE.findall(data):
        out.append(
            (
                int(r1),
                column_index_from_string(c1.decode()),
                int(r2),
                column_index_from_string(c2.decode()),
            )
        )
    return out


def _fold_merged_header(
    rows: list[tuple[int, list[str]]], merges: list[tuple[int, int, int, int]]
) -> list[tuple[int, list[str]]]:
    """A header written over two rows with merged cells, as one header row.

    Excel keeps a merged cell's text in its top-left cell only. A cell merged down
    over several rows gets its text in each (a header cell over rows 1-2 ('Post ID' over rows 1-2, beside 'Views' under a 'Delivery'
    group) gets its text in each row; a row of group labels merged across the columns
    under them ('Delivery' over Views and Reach), with the columns' names in the row
    below, is left out, so the row of names is the header. Before, the group row was
    read as the header and every figure was lost.
    """
    if not merges:
        return rows
    index = {line: k for k, (line, _) in enumerate(rows)}
    cells = [list(r) for _, r in rows]

    def put(line: int, col: int, value: str) -> None:
        k = index.get(line)
        if k is None:
            return
        row = cells[k]
        if len(row) < col:
            row.extend([""] * (col - len(row)))
        if not row[col - 1].strip():
            row[col - 1] = value

    for r1, c1, r2, c2 in merges:
        k = index.get(r1)
        if k is None or r2 == r1 or c1 > len(cells[k]):
            continue
        value = cells[k][c1 - 1]
        for line in range(r1 + 1, r2 + 1):
            for col in range(c1, c2 + 1):
                put(line, col, value)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r1, c1, r2, c2 in merges:
        if r2 == r1 and c2 > c1 and r1 <= HEADER_ZONE:
            groups.setdefault(r1, []).append((c1, c2))
    drop = set()
    for line, spans in groups.items():
        k = index.get(line)
        if k is None or k + 1 >= len(cells) or count_nonempty(cells[k]) < 2:
            continue  # a title merged across the sheet stays a title line
        if any(_numeric(v) for v in cells[k] if v.strip()):
            continue  # a data row with merged cells
        below = cells[k + 1]
        if all(
            col <= len(below) and below[col - 1].strip()
            for c1, c2 in spans
            for col in range(c1, c2 + 1)
        ):
            drop.add(k)
    return [(line, cells[k]) for k, (line, _) in enumerate(rows) if k not in drop]


def _numeric(value: str) -> bool:
    try:
        float(value.replace(",", ""))
    except ValueError:
        return False
    return True


def _trim_rows(rows: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """Drop trailing empty cells beyond the widest non-empty column (sheets pad rows)."""
    width = 0
    for _, cells in rows:
        for k in range(len(cells) - 1, -1, -1):
            if cells[k].strip():
                width = max(width, k + 1)
                break
    return [(ln, (cells + [""] * width)[:width]) for ln, cells in rows]
