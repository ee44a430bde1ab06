"""The workbench's guard: one ASGI middleware every request passes through.

In order, it:

1. refuses a ``Host`` header that names another site (DNS rebinding): 400;
2. when the app listens beyond this computer, asks for the access token printed
   at start (query ``?token=`` once, then an HttpOnly cookie): 401;
3. refuses a request body over the upload limit, counted as it streams: 413;
4. on POST, PUT, PATCH and DELETE, refuses a request whose ``Origin`` is another
   site or that lacks this process's CSRF token (form field ``csrf_token`` or
   header ``X-CSRF-Token``): 403, and the route never runs;
5. adds a Content-Security-Policy that allows nothing from outside, and the
   usual companion headers, to every response.

The CSRF token is a random value made when the app starts; pages carry it, and
another site cannot read them (the Host check and the absence of CORS see to
that), so it cannot forge a state change.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, MutableMapping

    Scope = MutableMapping[str, Any]
    Message = MutableMapping[str, Any]
    Receive = Callable[[], Awaitable[Message]]
    Send = Callable[[Message], Awaitable[None]]
    ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
ACCESS_COOKIE = "sp_access"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
DEFAULT_MAX_UPLOAD = 200 * 1024 * 1024  # bytes in one request body
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")

# Nothing from outside: scripts, styles, images, fonts and fetches come from this app.
# Inline style attributes stay allowed because Vega's SVG renderer sets them; inline
# scripts do not (charts use the expression interpreter, not eval).
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)


@dataclass
class Guard:
    """What the middleware checks; one per app (``app.state.guard``)."""

    allowed_hosts: tuple[str, ...] = LOOPBACK_HOSTS
    access_token: str | None = None  # set when listening beyond loopback
    max_upload: int = DEFAULT_MAX_UPLOAD
    csrf_token: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    def host_allowed(self, host_header: str) -> bool:
        if "*" in self.allowed_hosts:
            return True
        host = _hostname(host_header)
        return host in self.allowed_hosts

    def csrf_ok(self, token: str | None) -> bool:
        return token is not None and hmac.compare_digest(token, self.csrf_token)

    def access_ok(self, token: str | None) -> bool:
        if self.access_token is None:
            return True
        return token is not None and hmac.compare_digest(token, self.access_token)


def _hostname(host_header: str) -> str:
    """``example.com:8765`` -> ``example.com``; ``[::1]:80`` -> ``[::1]``."""
    host = host_header.strip().lower()
    if host.startswith("["):
        end = host.find("]")
        return host[: end + 1] if end != -1 else host
    return host.split(":", 1)[0]


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _cookie(headers: dict[str, str], name: str) -> str | None:
    raw = headers.get("cookie")
    if not raw:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw)
    except Exception:  # a malformed cookie header is just no cookie
        return None
    morsel = jar.get(name)
    return morsel.value if morsel is not None else None


class TooLarge(Exception):
    """The request body went past the upload limit."""


class GuardMiddleware:
    """Pure ASGI middleware applying :class:`Guard` (see the module docstring)."""

    def __init__(self, app: ASGIApp, guard: Guard) -> None:
        self.app = app
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        guard = self.guard
        if not guard.host_allowed(headers.get("host", "")):
            await _plain(
                send, 400, "Invalid Host header: this workbench answers on its own address only."
            )
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        given = (query.get("token") or [None])[0]
        set_access_cookie = False
        if guard.access_token is not None:
            token = headers.get("x-access-token") or _cookie(headers, ACCESS_COOKIE)
            if not guard.access_ok(token):
                if guard.access_ok(given):
                    set_access_cookie = True
                else:
                    await _plain(
                        send,
                        401,
                        "This workbench needs its access token: open the address printed "
                        "by 'socialproof serve' (it ends in ?token=...).",
                    )
                    return
        length = headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > guard.max_upload:
            await _too_large(send, guard.max_upload)
            return

        send = _with_headers(send, guard, set_access_cookie)
        method = scope.get("method", "GET")
        if method not in UNSAFE_METHODS:
            await self.app(scope, receive, send)
            return

        origin = headers.get("origin")
        if origin and origin != "null" and not guard.host_allowed(urlsplit(origin).netloc):
            await _plain(send, 403, "Refused: the request came from another site.")
            return
        try:
            body = await _read_body(receive, guard.max_upload)
        except TooLarge:
            await _too_large(send, guard.max_upload)
            return
        token = headers.get(CSRF_HEADER) or await _form_token(scope, body, guard.max_upload)
        if not guard.csrf_ok(token):
            await _plain(
                send,
                403,
                "Refused: the form's security token is missing or out of date. "
                "Reload the page and try again.",
            )
            return
        await self.app(scope, _replay(body), send)


def _with_headers(send: Send, guard: Guard, set_access_cookie: bool) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            present = {k.lower() for k, _ in headers}
            headers.extend((k, v) for k, v in SECURITY_HEADERS if k not in present)
            if set_access_cookie and guard.access_token is not None:
                cookie = f"{ACCESS_COOKIE}={guard.access_token}; Path=/; HttpOnly; SameSite=Strict"
                headers.append((b"set-cookie", cookie.encode()))
            message["headers"] = headers
        await send(message)

    return wrapped


async def _read_body(receive: Receive, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise TooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


async def _form_token(scope: Scope, body: bytes, limit: int) -> str | None:
    """The ``csrf_token`` field of a urlencoded or multipart body, if any. A field may be as
    large as the body (``limit``): with Starlette's 1 MB default, a form with more than
    1 MB of pasted text was refused as if its token were missing."""
    content_type = _headers(scope).get("content-type", "")
    if content_type.startswith("application/x-www-form-urlencoded"):
        values = parse_qs(body.decode("latin-1")).get(CSRF_FIELD)
        return values[0] if values else None
    if content_type.startswith("multipart/form-data"):
        from starlette.requests import Request

        request = Request(scope, _replay(body))
        try:
            try:
                form = await request.form(max_part_size=limit)
            except TypeError:  # a Starlette before 0.40 has no part limit to raise
                form = await request.form()
        except Exception:  # an unreadable body has no token
            return None
        try:
            value = form.get(CSRF_FIELD)
            return value if isinstance(value, str) else None
        finally:
            await form.close()
    return None


async def _plain(send: Send, status: int, text: str) -> None:
    body = (text + "\n").encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *SECURITY_HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _too_large(send: Send, limit: int) -> None:
    mb = limit / (1024 * 1024)
    await _plain(
        send,
        413,
        f"The upload is larger than this workbench accepts ({mb:.0f} MB). "
        "Split it, or import it with 'socialproof import' from a terminal.",
    )
