"""Spreadsheets: .xlsx through openpyxl (read-only) and old binary .xls through xlrd.

Every sheet with data becomes one or more frames, with the same title-row and
section rules as CSV files; cells become strings (dates as ISO text, whole
numbers without '.0').
"""

from __future__ import annotations

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
        book = xlrd.open_workbook(str(path), on_demand=True)
    except Exception as exc:  # xlrd raises its own XLRDError and assorted builtins
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
        rows = _trim_rows(rows)
        if any(count_nonempty(r) for _, r in rows):
            frames.extend(frames_from_rows(rows, name, sheet=sheet.name))
    if not frames:
        raise BadExport(f"{name} has no data in any sheet.", hint="Export the data again.")
    return Source(path=path, display_name=name, frames=frames, kind="xls")


def _trim_rows(rows: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """Drop trailing empty cells beyond the widest non-empty column (sheets pad rows)."""
    width = 0
    for _, cells in rows:
        for k in range(len(cells) - 1, -1, -1):
            if cells[k].strip():
                width = max(width, k + 1)
                break
    return [(ln, (cells + [""] * width)[:width]) for ln, cells in rows]
