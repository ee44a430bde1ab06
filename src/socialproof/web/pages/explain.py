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

from socialproof.errors import SocialproofError, UsageError
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


#: The tables a KPI can be explained over (the CLI's --table).
SOURCES = ("posts", "ad_stats", "account_daily")


def _rows_listed(text: str) -> int | None:
    """The Rows to list field (the CLI's --rows): a whole number, 0 for every row (None);
    blank lists ROWS_SHOWN."""
    text = text.strip().replace(",", "")
    if not text:
        return ROWS_SHOWN
    hint = f"Type 0 to list every row, or a whole number; blank lists {ROWS_SHOWN}."
    try:
        n = int(text)
    except ValueError:
        raise UsageError(
            f"Rows to list must be a whole number, not {text[:20]!r}.", hint=hint
        ) from None
    if n < 0:
        raise UsageError(f"Rows to list must be 0 or more, not {n}.", hint=hint)
    return n or None


@router.get("/dashboard/explain")
def explain(
    request: Request,
    kpi: str = "",
    kind: str = "paid",
    platform: str = "",
    account: str = "",
    since: str = "",
    until: str = "",
    campaign: str = "",
    table: str = "",
    rows: str = "",
) -> HTMLResponse:
    """A dashboard figure's rows and sums (htmx: the fragment); as a page, a form over
    every option of 'socialproof explain' (--table, --campaign, --rows too)."""
    from socialproof.metrics.days import parse_day
    from socialproof.metrics.explain import explain_kpi
    from socialproof.metrics.registry import all_kpis, get

    if kind not in TABLES:
        raise UsageError(f"kind must be one of {', '.join(TABLES)}, not {kind!r}.")
    htmx = is_htmx(request)
    asked = {
        "kpi": kpi.strip(),
        "table": table.strip(),
        "platform": platform.strip(),
        "account": account.strip(),
        "campaign": campaign.strip(),
        "since": since.strip(),
        "until": until.strip(),
        "rows": rows.strip(),
    }
    invalid: set[str] = set()
    messages: list[tuple[str, str]] = []
    k = None
    x = None
    filters: dict[str, str] = {}
    source: str | None = TABLES[kind] if "kind" in request.query_params else None
    limit: int | None = ROWS_SHOWN
    checks = (
        ("kpi", lambda: get(asked["kpi"]) if asked["kpi"] else None),
        ("table", lambda: _source(asked["table"])),
        ("since", lambda: parse_day(asked["since"], option="From")),
        ("until", lambda: parse_day(asked["until"], option="To")),
        ("rows", lambda: _rows_listed(asked["rows"])),
    )
    got: dict[str, Any] = {}
    status = 200
    for name, check in checks:
        try:
            got[name] = check()
        except SocialproofError as exc:
            invalid.add(name)
            messages.append(("error", str(exc)))
    if not invalid and got["since"] and got["until"] and got["since"] > got["until"]:
        invalid |= {"since", "until"}
        messages.append(("error", f"From {got['since']} is after To {got['until']}. Swap them."))
    if not asked["kpi"] and request.query_params and "kpi" not in invalid:
        invalid.add("kpi")
        messages.insert(0, ("error", "Name the KPI to explain: choose it under KPI."))
    if htmx and invalid:
        raise UsageError(messages[0][1])
    k = got.get("kpi")
    if not invalid and k is not None:
        source = got["table"] or source
        limit = got["rows"]
        ws = workspace(request)
        key = ("explain", kind if source else "", source, tuple(sorted(asked.items())))
        try:
            explanation = cached(
                request,
                key,
                lambda: explain_kpi(
                    ws,
                    k.name,
                    table=source,
                    platform=asked["platform"] or None,
                    account=asked["account"] or None,
                    campaign=asked["campaign"] or None,
                    since=asked["since"] or None,
                    until=asked["until"] or None,
                    limit=limit,
                ),
            )
        except SocialproofError as exc:
            if htmx:
                raise
            messages.append(("error", str(exc)))
            status = exc.http_status
            if "ad accounts (" in str(exc):  # a campaign in several accounts
                invalid.add("account")
            elif "does not apply to" in str(exc) and asked["table"]:
                invalid.add("table")
        else:
            filters = explanation.filters
            x = _view(explanation)
    context: dict[str, Any] = {
        "title": f"{k.label}: the rows behind the figure" if k is not None else "Explain a figure",
        "kpi": k,
        "kind": kind,
        "filters": filters,
        "x": x,
    }
    if htmx:
        return render(request, "explain/_explain.html", **context)
    if invalid and status == 200:
        status = 422
    return render(
        request,
        "explain/index.html",
        **context,
        asked=asked,
        invalid=invalid,
        messages=messages,
        status_code=status,
        kpis=[(item.name, item.label) for item in all_kpis()],
        sources=SOURCES,
        rows_shown=ROWS_SHOWN,
    )


def _source(text: str) -> str | None:
    """The Rows from field (the CLI's --table): blank for the first table with rows."""
    if not text:
        return None
    if text not in SOURCES:
        raise UsageError(
            f"Rows from must be one of {', '.join(SOURCES)}, not {text[:30]!r}.",
            hint="Or leave it on Automatic: the first table holding rows the filters select.",
        )
    return text
