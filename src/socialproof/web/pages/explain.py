"""Explain a dashboard figure: the rows and the sums behind one KPI.

``GET /dashboard/explain`` calls :func:`socialproof.metrics.explain.explain_kpi`
(the function behind ``socialproof explain``) with the filters of the dashboard
card the figure sits on: platform, account and the date range. htmx loads the
fragment into the figure's disclosure; without JavaScript the link opens the
same explanation as a page. A GET only reads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request

from socialproof.errors import UsageError
from socialproof.web.templating import cached, is_htmx, render, workspace

if TYPE_CHECKING:
    from datetime import date

    from fastapi.responses import HTMLResponse

router = APIRouter()

#: The dashboard's card kinds and the workspace table each one's figures come from.
TABLES = {"paid": "ad_stats", "organic": "posts"}
#: Rows listed under the sums (the sums always cover every row).
ROWS_SHOWN = 50


def explain_url(kind: str, kpi: str, platform: str, account: str, start: date, end: date) -> str:
    """The address of the explanation of one dashboard figure."""
    query = {
        "kind": kind,
        "kpi": kpi,
        "platform": platform,
        "account": account,
        "since": start.isoformat(),
        "until": end.isoformat(),
    }
    return "/dashboard/explain?" + urlencode({k: v for k, v in query.items() if v})


def _view(explanation: Any) -> dict[str, Any]:
    """What the template shows, as plain values."""
    from socialproof.metrics.explain import sum_text

    data = explanation.to_dict()
    rows = data["rows"]
    columns = list(rows[0].keys()) if rows else []
    return {
        "lines": explanation.lines(),
        "numerator": sum_text(data["numerator"]),
        "numerator_label": data["numerator_label"] or "sum",
        "denominator": sum_text(data["denominator"]) if data["denominator"] is not None else "",
        "denominator_label": data["denominator_label"] or "",
        "rows_used": data["rows_used"],
        "rows_in_scope": data["rows_in_scope"],
        "columns": columns,
        "rows": rows,
        "shown": len(rows),
    }


@router.get("/dashboard/explain")
def explain(
    request: Request,
    kpi: str = "",
    kind: str = "paid",
    platform: str = "",
    account: str = "",
    since: str = "",
    until: str = "",
) -> HTMLResponse:
    from socialproof.metrics.explain import explain_kpi
    from socialproof.metrics.registry import get

    if kind not in TABLES:
        raise UsageError(f"kind must be one of {', '.join(TABLES)}, not {kind!r}.")
    if not kpi:
        raise UsageError("Name the KPI to explain (kpi=...).")
    k = get(kpi)  # a clear error for an unknown KPI
    ws = workspace(request)
    key = ("explain", kind, kpi, platform, account, since, until)
    explanation = cached(
        request,
        key,
        lambda: explain_kpi(
            ws,
            kpi,
            table=TABLES[kind],
            platform=platform or None,
            account=account or None,
            since=since or None,
            until=until or None,
            limit=ROWS_SHOWN,
        ),
    )
    context: dict[str, Any] = {
        "title": f"{k.label}: the rows behind the figure",
        "kpi": k,
        "kind": kind,
        "filters": explanation.filters,
        "x": _view(explanation),
    }
    if is_htmx(request):
        return render(request, "explain/_explain.html", **context)
    return render(request, "explain/index.html", **context)
