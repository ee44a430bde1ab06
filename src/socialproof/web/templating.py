"""Templates, the navigation registry, flash messages and request helpers.

Every page module calls :func:`render` with a template name and its context; the
base template gets the navigation, the CSRF token and any flash messages
itself. Jinja2 autoescapes everything: pass plain strings, never markup.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

from socialproof.web.security import CSRF_FIELD

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable

    import jinja2
    from fastapi import Request
    from fastapi.responses import HTMLResponse, RedirectResponse

    from socialproof.web.cache import ResultCache
    from socialproof.web.jobs import JobRunner
    from socialproof.workspace import Workspace

T = TypeVar("T")
FLASH_COOKIE = "sp_flash"
FLASH_KINDS = ("info", "success", "warning", "error")


@dataclass(frozen=True)
class NavEntry:
    """A page's place in the main navigation."""

    path: str
    label: str
    order: int = 100
    description: str = ""


def env() -> jinja2.Environment:
    return _env()


@cache
def _env() -> jinja2.Environment:
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("socialproof.web", "templates"),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["number"] = _number
    environment.filters["duration"] = _duration
    environment.filters["tojson_attr"] = lambda v: json.dumps(v, ensure_ascii=False, default=str)
    environment.filters["lead"] = lead
    environment.globals["for_browser"] = _for_browser
    return environment


#: A message longer than this shows its start and a "Show all" disclosure with the rest.
LONG_MESSAGE = 400
_LEAD = 280


def lead(text: str) -> str:
    """The start of a long message, cut at a word (the whole of a short one)."""
    if len(text) <= LONG_MESSAGE:
        return text
    cut = text[:_LEAD]
    space = cut.rfind(" ")
    return (cut[:space] if space > _LEAD // 2 else cut).rstrip(" ,;:") + " …"


def _for_browser(text: Any) -> tuple[str, list[Any]]:
    from socialproof.web.hints import for_browser

    return for_browser(str(text))


def _duration(hours: Any) -> str:
    """Hours as people read them ('12 min', '3.4 h', '2.1 days', '1,538 days')."""
    from socialproof.community.report import duration

    return duration(None if hours is None else float(hours))


def _number(value: Any) -> str:
    from socialproof.render.tables import format_number

    return format_number(value)


# -- request helpers ---------------------------------------------------------------------
def workspace(request: Request) -> Workspace:
    ws: Workspace = request.app.state.ws
    return ws


def runner(request: Request) -> JobRunner:
    jobs: JobRunner = request.app.state.jobs
    return jobs


def cached(request: Request, key: Hashable, fn: Callable[[], T]) -> T:
    """``fn()``, remembered while the workspace is unchanged (see ``web/cache.py``)."""
    cache: ResultCache = request.app.state.cache
    return cache.get(workspace(request), key, fn)


def csrf_token(request: Request) -> str:
    token: str = request.app.state.guard.csrf_token
    return token


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


# -- flash messages ----------------------------------------------------------------------
#: Flash messages waiting for the page after a redirect, by the random key their cookie
#: holds. The text stays here, not in the cookie: a browser keeps about 4 KB per cookie,
#: so a long message (a list of rejected columns) was cut at 500 characters, mid-word.
_FLASHES: OrderedDict[str, tuple[str, str]] = OrderedDict()
_FLASHES_LOCK = threading.Lock()
#: Flash messages kept at most (a redirect nobody followed leaves one behind).
FLASHES_KEPT = 1000


def flash(response: Any, text: str, kind: str = "info") -> None:
    """Show ``text`` once on the next page the browser renders (after a redirect)."""
    if kind not in FLASH_KINDS:
        kind = "info"
    key = secrets.token_urlsafe(18)
    with _FLASHES_LOCK:
        _FLASHES[key] = (kind, text)
        while len(_FLASHES) > FLASHES_KEPT:
            _FLASHES.popitem(last=False)
    response.set_cookie(FLASH_COOKIE, key, httponly=True, samesite="strict", path="/")


def _take_flash(request: Request) -> list[tuple[str, str]]:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return []
    with _FLASHES_LOCK:
        found = _FLASHES.pop(raw, None)
    return [] if found is None else [found]


# -- rendering ---------------------------------------------------------------------------
def render(
    request: Request,
    template: str,
    *,
    status_code: int = 200,
    messages: list[tuple[str, str]] | None = None,
    **context: Any,
) -> HTMLResponse:
    """Render a page (or, for ``template`` named ``_*.html``, a fragment) as a response.

    ``messages`` are (kind, text) pairs shown above the page's content, beside any
    flash message the previous request left.
    """
    from fastapi.responses import HTMLResponse

    flashed = _take_flash(request)
    ws = workspace(request)
    context.setdefault("title", "socialproof")
    html = (
        env()
        .get_template(template)
        .render(
            request=request,
            path=request.url.path,
            nav=request.app.state.nav,
            csrf_token=csrf_token(request),
            csrf_field=CSRF_FIELD,
            messages=[*flashed, *(messages or [])],
            owner=ws.settings.owner or "",
            workspace_name=ws.root.name,
            **context,
        )
    )
    response = HTMLResponse(html, status_code=status_code)
    if FLASH_COOKIE in request.cookies:  # shown, or gone (a server restart): not again
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


def redirect(url: str, *, message: str | None = None, kind: str = "success") -> RedirectResponse:
    """303 to ``url`` (the POST-redirect-GET pattern), with an optional flash message."""
    from fastapi.responses import RedirectResponse

    response = RedirectResponse(url, status_code=303)
    if message:
        flash(response, message, kind)
    return response
