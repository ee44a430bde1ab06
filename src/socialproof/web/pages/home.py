"""The start page (what the workspace holds, where to go next) and the about page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request

from socialproof.web.templating import NavEntry, cached, render, workspace

if TYPE_CHECKING:
    from fastapi.responses import HTMLResponse

router = APIRouter()
NAV = NavEntry("/", "Home", order=0, description="What the workspace holds")

_TABLES = (
    ("posts", "posts"),
    ("ad_stats", "ad rows"),
    ("messages", "messages"),
    ("job_postings", "job postings"),
    ("imports", "imported files"),
)


@router.get("/")
def home(request: Request) -> HTMLResponse:
    ws = workspace(request)
    counts = cached(request, TABLE_COUNTS, lambda: table_counts(ws))
    pages = [e for e in request.app.state.nav if e.path != "/"]
    return render(request, "home.html", title="Your workbench", counts=counts, pages=pages)


@router.get("/about")
def about(request: Request) -> HTMLResponse:
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "static" / "vendor" / "licenses"
    licences = sorted(p.name for p in folder.glob("*.txt"))
    return render(request, "about.html", title="About and licences", licences=licences)


TABLE_COUNTS = ("table-counts",)


def warm(ws: Any, cache: Any) -> None:
    """The start page's counts, prepared in the background (``web/precompute.py``)."""
    cache.get(ws, TABLE_COUNTS, lambda: table_counts(ws))


def table_counts(ws: Any) -> list[tuple[str, int]]:
    """(label, rows) for the canonical tables the start page summarises."""
    from socialproof.workspace import engine

    out: list[tuple[str, int]] = []
    with ws.ibis() as con:
        present = set(con.list_tables())
        for name, label in _TABLES:
            n = int(engine.table(con, name).count().execute()) if name in present else 0
            out.append((label, n))
    return out
