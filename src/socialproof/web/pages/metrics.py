"""KPIs: every KPI with its formula, unit, base, better direction and source, as
``socialproof metrics [--table T]`` lists them (``GET /metrics``), with CSV/XLSX downloads.

The page reads the KPI registry (``metrics.registry.all_kpis``, the function the command
calls); the KPIs fields of Campaigns link here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request

from socialproof.web.templating import render

if TYPE_CHECKING:
    from fastapi.responses import Response

router = APIRouter()

#: The tables KPIs are computed over, as 'socialproof metrics --table' names them (the
#: messages' KPIs are over their threads).
TABLES = {
    "posts": "Posts",
    "ad_stats": "Ad rows",
    "account_daily": "Account days",
    "messages": "Messages (threads)",
}
COLUMNS = ["name", "label", "formula", "unit", "base", "better", "tables", "source"]
LABELS = {
    "name": "Name",
    "label": "KPI",
    "formula": "Formula",
    "unit": "Unit",
    "base": "Base",
    "better": "Better",
    "tables": "Tables",
    "source": "Source",
}


def kpi_rows(table: str | None) -> list[dict[str, Any]]:
    """Each KPI (of ``table``, if given) as 'socialproof metrics' lists it."""
    from socialproof.metrics.registry import listed_kpis

    return [
        {
            "name": k.name,
            "label": k.label,
            "formula": k.formula_text,
            "unit": k.unit,
            "base": k.base,
            "better": k.better,
            "tables": ", ".join(k.tables),
            "source": k.source,
        }
        for k in listed_kpis(table)
    ]


@router.get("/metrics", response_model=None)
def metrics(request: Request, table: str = "", download: str = "") -> Response:
    from socialproof.web.tables import TableView, download_response

    table = table.strip()
    if table and table not in TABLES:
        return render(
            request,
            "metrics/index.html",
            status_code=422,
            title="KPIs",
            messages=[
                (
                    "error",
                    f"No KPIs for table {table[:40]!r}: choose {', '.join(TABLES.values())}, "
                    "or every table.",
                )
            ],
            tables=TABLES,
            table=table,
            columns=COLUMNS,
            rows=[],
            labels=LABELS,
            invalid=True,
        )
    rows = kpi_rows(table or None)
    if download:
        return download_response(
            TableView(COLUMNS, rows), download, f"kpis-{table or 'all'}", LABELS
        )
    return render(
        request,
        "metrics/index.html",
        title="KPIs",
        tables=TABLES,
        table=table,
        columns=COLUMNS,
        rows=rows,
        labels=LABELS,
        invalid=False,
    )
