"""The web workbench: one FastAPI app over one workspace.

:func:`create_app` builds the app from the page modules in
:mod:`socialproof.web.pages` (each brings a router and a navigation entry), puts
the guard middleware in front (:mod:`socialproof.web.security`), and maps
errors to pages: a :class:`SocialproofError` becomes its ``http_status`` with its
one-line message, for people as a page and for ``/api/`` as JSON. It listens on
127.0.0.1 unless told otherwise with ``allow_remote``.
"""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialproof.errors import MissingExtra, SocialproofError, UsageError
from socialproof.web.security import DEFAULT_MAX_UPLOAD, LOOPBACK_HOSTS, Guard, GuardMiddleware

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    from fastapi import APIRouter, FastAPI, Request
    from fastapi.responses import Response

    from socialproof.workspace import Workspace

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"


def create_app(
    ws: Workspace,
    *,
    allowed_hosts: list[str] | tuple[str, ...] | None = None,
    access_token: str | None = None,
    max_upload: int = DEFAULT_MAX_UPLOAD,
    workers: int = 1,
    warm: bool = False,
) -> FastAPI:
    """The workbench over ``ws``.

    ``allowed_hosts`` are the names the ``Host`` header may carry (default: this
    computer's loopback names; ``"*"`` allows any, for remote use with a token);
    ``access_token``, when given, is required on every request; ``max_upload`` caps
    a request body in bytes; ``workers`` is the size of the background job pool;
    ``warm`` computes the stored inbox, the default dashboard and the report pages in the
    background at start and again after every job, and lets report pages answer at once
    with a progress placeholder while what they show is being computed.
    """
    try:
        from contextlib import asynccontextmanager

        from fastapi import FastAPI
        from fastapi.staticfiles import StaticFiles
    except ImportError:
        raise MissingExtra("fastapi", "web") from None
    from socialproof.web.cache import ResultCache
    from socialproof.web.gate import GatedWorkspace
    from socialproof.web.jobs import JobRunner
    from socialproof.web.pages import page_modules
    from socialproof.web.templating import NavEntry

    gated = ws if isinstance(ws, GatedWorkspace) else GatedWorkspace(ws)
    jobs = JobRunner(workers=workers)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from socialproof.web.uploads import remove_old_batches

        remove_old_batches(gated.root)  # uploads untouched for a week (no job runs yet)
        if warm:
            resolve_routes(app)
            from socialproof.web.pages.audit import warm as warm_pilots
            from socialproof.web.pages.campaigns import warm as warm_tables
            from socialproof.web.pages.community import warm as warm_inbox
            from socialproof.web.pages.dashboard import warm as warm_dashboard
            from socialproof.web.precompute import precompute

            # now and after every job: the stored inbox first (it writes), then the dashboard
            warm_inbox(gated, jobs)
            jobs.follow_with(
                "Preparing the dashboard", lambda _job: warm_dashboard(gated, app.state.cache)
            )
            jobs.follow_with(
                "Analysing the pilots", lambda _job: warm_pilots(gated, app.state.cache)
            )
            jobs.follow_with(
                "Preparing the tables", lambda _job: warm_tables(gated, app.state.cache)
            )
            jobs.follow_with(
                "Preparing the report pages", lambda _job: precompute(gated, app.state.cache)
            )
            jobs.after_write()
        try:
            yield
        finally:
            jobs.shutdown()
            app.state.cache.shutdown()

    app = FastAPI(
        title="socialproof workbench",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
        **_form_limits(FastAPI, max_upload),
    )
    guard = Guard(
        allowed_hosts=tuple(allowed_hosts) if allowed_hosts is not None else LOOPBACK_HOSTS,
        access_token=access_token,
        max_upload=max_upload,
    )
    app.state.ws = gated
    app.state.jobs = jobs
    app.state.guard = guard
    app.state.cache = ResultCache()
    app.state.placeholders = warm

    nav: list[NavEntry] = []
    for module in page_modules():
        _schema_is_the_api(module.router)
        app.include_router(module.router)
        entry = getattr(module, "NAV", None)
        if isinstance(entry, NavEntry):
            nav.append(entry)
        elif isinstance(entry, tuple):
            nav.extend(e for e in entry if isinstance(e, NavEntry))
    app.state.nav = sorted(nav, key=lambda e: (e.order, e.label))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _error_handlers(app)
    app.add_middleware(GuardMiddleware, guard=guard)
    return app


def _form_limits(fastapi_class: Any, max_upload: int) -> dict[str, Any]:
    """A form field (pasted text) may be as large as the upload limit, not Starlette's 1 MB
    (more was refused: "Field exceeded maximum size of 1024KB"). FastAPI takes the limit
    since ``form_limits`` exists (0.13x); older versions keep their default."""
    import inspect

    if "form_limits" not in inspect.signature(fastapi_class.__init__).parameters:
        return {}
    return {"form_limits": {"max_part_size": max_upload}}


def _schema_is_the_api(router: APIRouter) -> None:
    """Describe only the JSON API (``/api/...``) in ``/api/openapi.json``: the pages return
    HTML, and their return annotations (``HTMLResponse`` imported for type checking only)
    cannot be turned into a schema, which made the whole description fail with a 500."""
    from fastapi.routing import APIRoute

    for route in router.routes:
        if isinstance(route, APIRoute):
            route.include_in_schema = route.path.startswith("/api/")


def resolve_routes(app: FastAPI) -> None:
    """Let FastAPI resolve the included routers now (their parameters, dependencies and body
    models) rather than on the first request, which then waited for it (about 0.3 CPU s).
    Newer FastAPI versions resolve included routers lazily; older ones need nothing."""
    for route in app.router.routes:
        for name in ("effective_candidates", "effective_low_priority_routes"):
            resolve = getattr(route, name, None)
            if callable(resolve):
                resolve()


def _error_handlers(app: FastAPI) -> None:
    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException

    @app.exception_handler(SocialproofError)
    async def _known(request: Request, exc: SocialproofError) -> Response:
        return _error_response(request, exc.http_status, str(exc))

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        text = {
            404: "There is no page at this address. Use the navigation to find your way.",
            405: "This address does not accept that kind of request.",
        }.get(exc.status_code, str(exc.detail))
        return _error_response(request, exc.status_code, text)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        return _error_response(request, 422, _explain_validation(exc.errors()))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return _error_response(
            request,
            500,
            "Something went wrong that socialproof did not expect. The server log has the "
            "details; please report it.",
        )


def _explain_validation(errors: Any) -> str:
    parts = []
    for err in list(errors)[:5]:
        where = [str(x) for x in err.get("loc", ()) if x not in ("body", "query", "path")]
        field = ".".join(where) or "the request"
        if err.get("type") == "missing":
            parts.append(f"'{field}' is required")
        else:
            parts.append(f"'{field}': {err.get('msg', 'invalid')}")
    return "Please check the form: " + "; ".join(parts) + "."


def _error_response(request: Request, status: int, text: str) -> Response:
    from fastapi.responses import JSONResponse

    from socialproof.web.templating import is_htmx, render

    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": text}, status_code=status)
    template = "_error.html" if is_htmx(request) else "error.html"
    try:
        return render(
            request,
            template,
            status_code=status,
            title="Something needs your attention",
            status=status,
            text=text,
        )
    except Exception:  # the error page itself failed: say it plainly
        from fastapi.responses import PlainTextResponse

        log.exception("error page failed")
        return PlainTextResponse(text, status_code=status)


# -- serving -------------------------------------------------------------------------------
def is_loopback(host: str) -> bool:
    return host in LOOPBACK_HOSTS or host.startswith("127.")


def serve(
    ws: Workspace,
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    allow_remote: bool = False,
    announce: Callable[[str], None] | None = None,
) -> None:
    """Run the workbench until Ctrl-C. Beyond loopback it needs ``allow_remote`` and then
    asks every request for a random token that ``announce`` prints with the address."""
    try:
        import uvicorn
    except ImportError:
        raise MissingExtra("uvicorn", "web") from None
    from socialproof.listen import check_listen

    say = announce or (lambda _text: None)
    remote = not is_loopback(host)
    if remote and not allow_remote:
        raise UsageError(
            f"Listening on {host} would let other computers reach your workspace.",
            hint="Add --allow-remote if you mean it (every request then needs a token), "
            "or leave --host out to stay on 127.0.0.1.",
        )
    check_listen(host, port)
    token = secrets.token_urlsafe(24) if remote else None
    hosts: list[str] = list(LOOPBACK_HOSTS)
    if remote:
        hosts = ["*"] if host in ("0.0.0.0", "::") else [*hosts, host.lower()]  # noqa: S104
    app = create_app(ws, allowed_hosts=hosts, access_token=token, warm=True)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104
    if token is not None:
        say(
            f"Warning: listening on {host}: other computers on the network can reach this "
            "workbench. Share the address below only with people who may see the workspace."
        )
        say(f"Serving {ws.root} on http://{shown}:{port}/?token={token} (Ctrl-C to stop)")
    else:
        say(f"Serving {ws.root} on http://{shown}:{port}/ (Ctrl-C to stop)")
    uvicorn.run(app, host=host, port=port, log_level="warning")
