"""Table pages: filter, sort and download exactly the rows shown.

A page builds its rows with the library, then::

    shown = view(frame, filters={"platform": platform}, sort=sort)
    if download:
        return download_response(shown, download, "campaigns")
    return render(..., columns=shown.columns, rows=shown.rows)

so the CSV/XLSX holds the same rows, in the same order, as the page.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from socialproof.errors import UsageError

if TYPE_CHECKING:
    from fastapi.responses import Response

DOWNLOADS = ("csv", "xlsx")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass
class TableView:
    """The columns and rows a page shows (plain Python values)."""

    columns: list[str]
    rows: list[dict[str, Any]]
    sort: str | None = None


def view(
    data: Any,
    *,
    filters: dict[str, str | None] | None = None,
    search: str | None = None,
    sort: str | None = None,
) -> TableView:
    """Rows of ``data`` (a data frame or list of dicts) kept by ``filters`` (column ->
    exact value, case-insensitive; None or "" keeps all) and ``search`` (text in any
    cell), ordered by ``sort`` (a column, ``-column`` for descending)."""
    from socialproof.render.tables import plain, records

    columns, raw = records(data)
    rows = [{c: plain(r.get(c)) for c in columns} for r in raw]
    for column, wanted in (filters or {}).items():
        if wanted in (None, ""):
            continue
        if column not in columns:
            continue
        w = str(wanted).casefold()
        rows = [r for r in rows if str(r.get(column, "")).casefold() == w]
    if search:
        needle = search.casefold()
        rows = [
            r for r in rows if any(needle in str(v).casefold() for v in r.values() if v is not None)
        ]
    if sort:
        key = sort.lstrip("-")
        if key not in columns:
            raise UsageError(
                f"Cannot sort by {key!r}: no such column.",
                hint="Click a column heading to sort by it.",
            )
        present = [r for r in rows if r.get(key) is not None]
        missing = [r for r in rows if r.get(key) is None]
        present.sort(key=lambda r: _sort_key(r[key]), reverse=sort.startswith("-"))
        rows = present + missing  # empty cells last either way
    return TableView(columns=columns, rows=rows, sort=sort)


def _sort_key(value: Any) -> tuple[int, Any]:
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, (int, float)):
        return (0, value)
    return (1, str(value).casefold())


def options(data: Any, column: str) -> list[str]:
    """The distinct values of ``column`` (for a filter's <select>), sorted."""
    from socialproof.render.tables import plain, records

    _, raw = records(data)
    return sorted(
        {str(plain(r.get(column))) for r in raw if plain(r.get(column)) not in (None, "")}
    )


def download_response(
    shown: TableView, kind: str, name: str, labels: dict[str, str] | None = None
) -> Response:
    """``shown`` as a CSV (formula-safe cells) or XLSX attachment named ``name``; headers
    are the ``labels`` the page shows (column names otherwise)."""
    from fastapi.responses import Response

    if kind not in DOWNLOADS:
        raise UsageError(
            f"Cannot download as {kind!r}.", hint=f"Choose one of: {', '.join(DOWNLOADS)}."
        )
    filename = (_SAFE_NAME.sub("-", name).strip("-") or "table") + "." + kind
    if kind == "csv":
        body = to_csv(shown, labels).encode("utf-8")
        media = "text/csv; charset=utf-8"
    else:
        body = to_xlsx(shown, labels)
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(
        body,
        media_type=media,
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


def html_report_response(report: Any, filename: str) -> Response:
    """A library report (``render.html.Report``) as the self-contained HTML file the CLI's
    ``--html`` writes, downloaded as ``filename``."""
    from fastapi.responses import Response

    return Response(
        report.render(),
        media_type="text/html; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


def to_csv(shown: TableView, labels: dict[str, str] | None = None) -> str:
    import csv

    from socialproof.render.tables import safe_cell

    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([safe_cell((labels or {}).get(c, c)) for c in shown.columns])
    for r in shown.rows:
        writer.writerow([safe_cell("" if r.get(c) is None else r.get(c)) for c in shown.columns])
    return buf.getvalue()


def to_xlsx(shown: TableView, labels: dict[str, str] | None = None) -> bytes:
    from openpyxl import Workbook

    from socialproof.render.tables import safe_cell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("data")
    sheet.append([str(safe_cell((labels or {}).get(c, c))) for c in shown.columns])
    for r in shown.rows:
        sheet.append([safe_cell(r.get(c)) for c in shown.columns])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def report_view(
    result: Any,
    *,
    filters: dict[str, str | None] | None = None,
    search: str | None = None,
    sort: str | None = None,
) -> tuple[TableView, dict[str, str]]:
    """A library ``ReportResult`` as a table for people, and column labels.

    Percent KPIs are shown times 100 (the label says %); ``<kpi>_bound`` columns
    stay in the rows (the table marks ≤ / ≥ beside the figure, downloads keep
    them as columns) but are not shown as columns of their own.
    """
    shown = view(result.frame, filters=filters, search=search, sort=sort)
    labels: dict[str, str] = {}
    for k in result.kpis:
        if k.name not in shown.columns:
            continue
        if k.unit == "percent":
            labels[k.name] = f"{k.label} (%)"
            for r in shown.rows:
                v = r.get(k.name)
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    r[k.name] = v * 100
        else:
            labels[k.name] = k.label
    return shown, labels


def visible(columns: list[str]) -> list[str]:
    """Columns a table shows (bound marks and private columns are folded in or hidden)."""
    return [c for c in columns if not c.endswith("_bound") and not c.startswith("_")]
