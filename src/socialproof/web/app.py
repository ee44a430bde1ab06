"""A local web app over one workspace: reports as pages, the same data as JSON.

It listens on 127.0.0.1 by default; errors map to HTTP statuses through the
``http_status`` attribute of each error class, so a missing workspace table is a
404 with the same one-line message the CLI prints. No page loads anything from
outside the app.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from socialproof.errors import MissingExtra, SocialproofError

if TYPE_CHECKING:
    from fastapi import FastAPI

    from socialproof.workspace import Workspace

PAGES = (
    ("/campaigns", "Campaigns", "Paid campaign KPIs by platform and campaign"),
    ("/posts", "Top posts", "The best posts by engagement rate (by reach)"),
    ("/audit", "Platform audit", "Cadence, formats, timing and benchmarks"),
    ("/community", "Community health", "Response times, groups, sentiment and themes"),
    ("/lint", "Post linter", "Check copy before it goes out"),
    ("/portfolio/index.html", "Portfolio", "Your case studies as a website"),
)


def _records(frame: Any) -> list[dict[str, Any]]:
    from socialproof.render.tables import _plain, _records

    columns, rows = _records(frame)
    return [{c: _plain(r.get(c)) for c in columns} for r in rows]


def _page(title: str, body_html: str) -> str:
    from socialproof.render.html import Report

    report = Report(title=title, subtitle="socialproof, running on this computer only")
    section = report.section("Pages")
    section.parts.append(
        "<ul>"
        + "".join(
            f'<li><a href="{href}">{escape(label)}</a>: {escape(desc)}</li>'
            for href, label, desc in PAGES
        )
        + "</ul>"
    )
    if body_html:
        report.sections.insert(0, _raw_section(title, body_html))
    return report.render()


def _raw_section(heading: str, html: str) -> Any:
    from socialproof.render.html import Section

    return Section(heading, [html])


def create_app(ws: Workspace, *, allowed_hosts: list[str] | None = None) -> FastAPI:
    """The web app over ``ws``; with ``allowed_hosts``, requests naming another Host are
    refused (so a web page cannot read the workspace through DNS rebinding)."""
    try:
        from fastapi import FastAPI, Form, Request
        from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
        from fastapi.staticfiles import StaticFiles
    except ImportError:
        raise MissingExtra("fastapi", "web") from None

    app = FastAPI(title="socialproof", docs_url="/api/docs", redoc_url=None)
    if allowed_hosts is not None:
        from starlette.middleware.trustedhost import TrustedHostMiddleware

        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)

    @app.exception_handler(SocialproofError)
    async def _error(request: Request, exc: SocialproofError) -> JSONResponse | HTMLResponse:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": str(exc)}, status_code=exc.http_status)
        return HTMLResponse(
            _page("Something needs your attention", f'<p class="note warn">{escape(str(exc))}</p>'),
            status_code=exc.http_status,
        )

    @app.get("/", response_class=HTMLResponse)
    def index() -> str:
        owner = ws.settings.owner or "your workspace"
        return _page(f"socialproof: {owner}", f"<p>Workspace: {escape(str(ws.root))}</p>")

    # -- JSON API ------------------------------------------------------------------------
    @app.get("/api/kpis")
    def kpis() -> list[dict[str, str]]:
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

    @app.get("/api/imports")
    def imports() -> list[dict[str, Any]]:
        from socialproof.workspace import engine

        with ws.ibis() as con:
            t = engine.table(con, "imports")
            return _records(engine.execute(t.order_by(t.imported_at.desc())))

    @app.get("/api/report/campaigns")
    def campaigns_api(
        by: str = "platform,campaign",
        period: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> dict[str, Any]:
        from socialproof.campaigns.report import campaign_report

        result = campaign_report(ws, by=by, period=period, since=since, until=until)
        return {"title": result.title, "notes": result.notes, "rows": _records(result.frame)}

    @app.get("/api/report/posts")
    def posts_api(platform: str | None = None, top: int = 10) -> dict[str, Any]:
        from socialproof.campaigns.report import post_report

        result = post_report(ws, platform=platform, top=top)
        return {"title": result.title, "notes": result.notes, "rows": _records(result.frame)}

    @app.post("/api/lint")
    def lint_api(payload: dict[str, Any]) -> dict[str, Any]:
        from socialproof.content.linter import lint_targets, to_json
        from socialproof.errors import BadInput

        text = payload.get("text")
        if not isinstance(text, str):
            raise BadInput(
                "The request needs a 'text' string.",
                hint='Send {"text": "...", "platform": "instagram"}.',
            )
        results, _ = lint_targets(
            [], text=text, platform=payload.get("platform"), industry=payload.get("industry"), ws=ws
        )
        return {"findings": to_json(results)}

    # -- pages ---------------------------------------------------------------------------
    @app.get("/campaigns", response_class=HTMLResponse)
    def campaigns_page(by: str = "platform,campaign", period: str | None = None) -> str:
        from socialproof.campaigns.report import campaign_report, for_people
        from socialproof.render.html import table_html

        result = campaign_report(ws, by=by, period=period)
        notes = "".join(f"<p>{escape(n)}</p>" for n in result.notes)
        return _page(result.title, notes + table_html(for_people(result), caption=result.title))

    @app.get("/posts", response_class=HTMLResponse)
    def posts_page(platform: str | None = None, top: int = 10) -> str:
        from socialproof.campaigns.report import for_people, post_report
        from socialproof.render.html import table_html

        result = post_report(ws, platform=platform, top=top)
        return _page(result.title, table_html(for_people(result), caption=result.title))

    @app.get("/audit", response_class=HTMLResponse)
    def audit_page(platform: str | None = None) -> str:
        from socialproof.campaigns import audit_report
        from socialproof.campaigns.audit import audit

        return audit_report.build(audit(ws, platform=platform), owner=ws.settings.owner).render()

    @app.get("/community", response_class=HTMLResponse)
    def community_page(text: bool = True) -> str:
        from socialproof.community.report import build_report, to_html

        return to_html(build_report(ws, with_text=text)).render()

    @app.get("/lint", response_class=HTMLResponse)
    def lint_form() -> str:
        return _page("Post linter", _LINT_FORM.format(text="", results=""))

    @app.post("/lint", response_class=HTMLResponse)
    def lint_page(text: str = Form(...), platform: str = Form("instagram")) -> str:
        from socialproof.content.linter import format_text, lint_targets

        results, _ = lint_targets([], text=text, platform=platform, ws=ws)
        lines = format_text(results) or ["No findings."]
        shown = "<pre>" + escape("\n".join(lines)) + "</pre>"
        return _page("Post linter", _LINT_FORM.format(text=escape(text), results=shown))

    site = ws.root / "site"

    @app.get("/portfolio")
    def portfolio_root() -> RedirectResponse:
        return RedirectResponse("/portfolio/index.html")

    if not (site / "index.html").exists():
        from socialproof.portfolio.site import build_site

        try:
            build_site(ws, out=site)
        except SocialproofError:
            pass  # the portfolio page then says what to fix
    if site.is_dir():
        app.mount("/portfolio", StaticFiles(directory=site, html=True), name="portfolio")
    return app


_LINT_FORM = """
<form method="post" action="/lint">
<p><label for="text">Post text</label><br>
<textarea id="text" name="text" rows="6" cols="70">{text}</textarea></p>
<p><label for="platform">Platform</label>
<select id="platform" name="platform">
<option>instagram</option><option>tiktok</option><option>facebook</option>
<option>linkedin</option><option>x</option><option>youtube</option></select></p>
<p><button type="submit">Check</button></p>
</form>
{results}
"""


def serve(ws: Workspace, *, host: str = "127.0.0.1", port: int = 8765) -> None:
    try:
        import uvicorn
    except ImportError:
        raise MissingExtra("uvicorn", "web") from None
    from socialproof.web.listen import check_listen

    check_listen(host, port)
    hosts = ["127.0.0.1", "localhost", "::1", "[::1]"]
    if host not in hosts:
        hosts.append(host)
    if host in ("0.0.0.0", "::"):  # noqa: S104 (the user asked for every interface)
        hosts = ["*"]
    app = create_app(ws, allowed_hosts=hosts)
    uvicorn.run(app, host=host, port=port, log_level="warning")
