"""The JSON API: the same library results the pages show, for scripts and notebooks."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from socialproof.web.templating import workspace

router = APIRouter(prefix="/api")


def _rows(frame: Any) -> list[dict[str, Any]]:
    from socialproof.render.tables import plain, records

    columns, rows = records(frame)
    return [{c: plain(r.get(c)) for c in columns} for r in rows]


@router.get("/kpis")
def kpis() -> list[dict[str, str]]:
    """Every KPI with its formula, base and source."""
    from socialproof.metrics.registry import all_kpis

    return [
        {
            "name": k.name,
            "label": k.label,
            "formula": k.formula_text,
            "unit": k.unit,
            "better": k.better,
            "base": k.base,
            "tables": ", ".join(k.tables),
            "source": k.source,
        }
        for k in all_kpis()
    ]


@router.get("/imports")
def imports(request: Request) -> list[dict[str, Any]]:
    """The imports history, newest first."""
    from socialproof.ingest.history import list_imports

    return _rows(list_imports(workspace(request)))


@router.get("/report/campaigns")
def campaigns(
    request: Request,
    by: str = "platform,campaign",
    period: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> dict[str, Any]:
    from socialproof.campaigns.report import campaign_report

    result = campaign_report(workspace(request), by=by, period=period, since=since, until=until)
    return {"title": result.title, "notes": result.notes, "rows": _rows(result.frame)}


@router.get("/report/posts")
def posts(request: Request, platform: str | None = None, top: int = 10) -> dict[str, Any]:
    from socialproof.campaigns.report import post_report

    result = post_report(workspace(request), platform=platform, top=top)
    return {"title": result.title, "notes": result.notes, "rows": _rows(result.frame)}
