"""The console's edge: who is signed in (a session cookie, never a bearer key), CSRF on every unsafe request, and the
headers every console response carries (a Content-Security-Policy with no inline script, no framing, no referrer).

`console_guard` is middleware on the console's router. It fails closed like the API's authentication: a console
route needs a live session unless its `opt` says `console_public` (the sign-in page and the static files); without
one, a page answers 303 to the sign-in page (an HTMX request: 401 with `HX-Redirect`). Every POST, PUT, PATCH and
DELETE must carry the CSRF token of its session (form field `csrf_token` or header `X-CSRF-Token`), else 403; the
sign-in form's token comes from a cookie of its own (double submit), so a forged sign-in fails too."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any, Final

from litestar import Request
from litestar.datastructures import State, UploadFile
from litestar.enums import ScopeType
from litestar.types import ASGIApp, HTTPResponseStartEvent, Message, Receive, Scope, Send

from service.usecases.console_sessions import ConsoleSessions, Session, csrf_matches
from service.wiring import Services

PATH: Final = "/console"
SIGN_IN_PATH: Final = f"{PATH}/sign-in"
SESSION_COOKIE: Final = "canon_console"
SIGN_IN_COOKIE: Final = "canon_console_sign_in"  # the sign-in form's CSRF secret, before any session exists
SSO_PATH: Final = f"{PATH}/sso"
SSO_COOKIE: Final = "canon_console_sso"  # a single sign-on under way: its state, nonce and PKCE verifier
CSRF_FIELD: Final = "csrf_token"
CSRF_HEADER: Final = "x-csrf-token"
PUBLIC: Final = "console_public"  # a route's `opt` key: it answers without a session
_SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})

CONTENT_SECURITY_POLICY: Final = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    )
)
SECURITY_HEADERS: Final = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"x-content-type-options", b"nosniff"),
)


def sessions_of(state: State) -> ConsoleSessions:
    """The app's `ConsoleSessions`, made once from its services and settings (tests may replace it)."""
    found: ConsoleSessions | None = state.get("console_sessions")
    if found is None:
        services: Services = state.services
        settings = services.settings
        found = ConsoleSessions(
            pool=services.pool,
            idle=dt.timedelta(seconds=settings.console_session_idle_seconds),
            absolute=dt.timedelta(seconds=settings.console_session_absolute_seconds),
        )
        state.console_sessions = found
    return found


def provide_console_sessions(state: State) -> ConsoleSessions:
    return sessions_of(state)


def replace_clock(state: State, clock: Callable[[], dt.datetime]) -> None:
    """Tests: the sessions of this app read `clock` for now."""
    state.console_sessions = dataclasses.replace(sessions_of(state), clock=clock)


def is_secure(request: Request[Any, Any, Any]) -> bool:
    """Whether the browser reached Canon over HTTPS: the scheme uvicorn reports, which it takes from the proxy
    headers of trusted proxies (FORWARDED_ALLOW_IPS), as for client addresses."""
    return request.url.scheme == "https"


def console_guard(app: ASGIApp) -> ASGIApp:
    """Middleware of every console route: security headers, the session, then CSRF."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        send = _with_security_headers(send)
        request: Request[Any, Any, Any] = Request(scope, receive)
        session: Session | None = None
        # OPTIONS is Litestar's own answer (the allowed methods, nothing else), as on the API's routes.
        if not request.route_handler.opt.get(PUBLIC) and scope["method"] != "OPTIONS":
            cookie = request.cookies.get(SESSION_COOKIE)
            session = None if not cookie else await sessions_of(request.app.state).resolve(cookie)
            if session is None:
                await _to_sign_in(request, send)
                return
            scope["user"] = session.principal
            scope["auth"] = session
        if scope["method"] not in _SAFE_METHODS and not await _csrf_ok(request, session):
            await _close_uploads(request)
            await _plain(send, 403, "The form has expired or did not come from Canon: reload the page and try again.")
            return
        await app(scope, receive, send)

    return middleware


async def _csrf_ok(request: Request[Any, Any, Any], session: Session | None) -> bool:
    presented = request.headers.get(CSRF_HEADER)
    if presented is None:
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            value = (await request.form()).get(CSRF_FIELD)
            presented = value if isinstance(value, str) else None
    if session is not None:
        return presented is not None and session.accepts(presented)
    secret = request.cookies.get(SIGN_IN_COOKIE)
    return bool(secret) and csrf_matches(str(secret), presented)


async def _close_uploads(request: Request[Any, Any, Any]) -> None:
    """The files of a refused multipart form (read for its token): no handler will, so they are closed here."""
    if "multipart/form-data" not in request.headers.get("content-type", "").lower():
        return
    for _, value in (await request.form()).multi_items():
        if isinstance(value, UploadFile):
            await value.close()


def _with_security_headers(send: Send) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            names = {name.lower() for name, _ in headers}
            headers += [(name, value) for name, value in SECURITY_HEADERS if name not in names]
            if b"cache-control" not in names:
                headers.append((b"cache-control", b"no-store"))  # pages show what this person may see
            message = {**message, "headers": headers}
        await send(message)

    return sending


async def _to_sign_in(request: Request[Any, Any, Any], send: Send) -> None:
    if request.headers.get("hx-request") == "true":
        # HTMX follows a 303 inside the page; this makes it load the sign-in page as a whole.
        await _plain(send, 401, "Sign in to continue.", [(b"hx-redirect", SIGN_IN_PATH.encode())])
        return
    await _plain(send, 303, "Sign in to continue.", [(b"location", SIGN_IN_PATH.encode())])


async def _plain(send: Send, status: int, text: str, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = text.encode()
    start: HTTPResponseStartEvent = {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            *(headers or []),
        ],
    }
    await send(start)
    await send({"type": "http.response.body", "body": body, "more_body": False})
