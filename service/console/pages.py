"""The console's router: sign-in and sign-out, the static files and the error pages here; each section's pages in a
module of its own (glossary, work, library, search, edit, admin), gathered from their `ROUTES`. Handlers call Canon's
use cases with the signed-in person as the principal, so the API's rules and roles apply unchanged."""

from __future__ import annotations

import hmac
import logging
import secrets
from typing import Annotated, Any, Final

import httpx
import msgspec
from litestar import Response, Router, get, post
from litestar.datastructures import Cookie
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from service import limits
from service.api.deps import AllServices, Injected, Keys, SlugPath, client_address
from service.api.problems import EXCEPTION_HANDLERS, Problem
from service.console import admin, edit, glossary, library, search, security, work
from service.console.render import HERE, HttpRequest, page
from service.domain.errors import Unavailable
from service.domain.model import Principal
from service.identity.oidc import OidcClient, OidcVerifier, start_sign_in
from service.usecases import people
from service.usecases.console_sessions import ConsoleSessions, NotForTheConsole, csrf_token

STATIC_FILES: Final = {  # served name: (file, media type)
    "htmx-2.0.11.min.js": ("htmx-2.0.11.min.js", "text/javascript; charset=utf-8"),
    "console.css": ("console.css", "text/css; charset=utf-8"),
    "favicon.svg": ("favicon.svg", "image/svg+xml"),
}
_GLOSSARY: Final = f"{security.PATH}/glossary"

Sessions = Injected[ConsoleSessions]  # `console_sessions`
log = logging.getLogger(__name__)


# --- sign-in and sign-out -----------------------------------------------------------------------------------------


@get("/sign-in", opt={security.PUBLIC: True})
async def sign_in_page(request: HttpRequest) -> Template:
    """The sign-in form: paste one of your API keys. Its CSRF token pairs with a cookie of its own."""
    return _sign_in_form(request, error=None, status=200)


def _sign_in_form(request: HttpRequest, *, error: str | None, status: int) -> Template:
    secret = request.cookies.get(security.SIGN_IN_COOKIE) or secrets.token_urlsafe(32)
    form = page(request, "sign_in.html", status, error=error, single_sign_on=request.app.state.get("oidc") is not None)
    form.context["csrf_token"] = csrf_token(secret)
    form.cookies.append(
        Cookie(
            key=security.SIGN_IN_COOKIE,
            value=secret,
            path=security.SIGN_IN_PATH,
            httponly=True,
            secure=security.is_secure(request),
            samesite="strict",
        )
    )
    return form


@post("/sign-in", opt={security.PUBLIC: True}, status_code=303)
async def sign_in(
    request: HttpRequest, services: AllServices, key_resolver: Keys, console_sessions: Sessions
) -> Response[Any]:
    """Open a session for the person whose API key the form carries (never a service's key). The key travels only
    in this POST's body: never in a URL, never logged."""
    failures = services.limits.auth_failures
    address = client_address(request)
    wait = failures.wait(address)
    if wait > 0:
        seconds = limits.retry_after(wait)
        refused = _sign_in_form(
            request, error=f"Too many failed sign-ins from this address: try again in {seconds} s.", status=429
        )
        refused.headers["Retry-After"] = str(seconds)
        return refused
    key = (await request.form()).get("key")
    key = key.strip() if isinstance(key, str) else ""
    if not key or not (key.isascii() and key.isprintable()):
        return _sign_in_form(request, error="Paste one of your API keys.", status=400)
    try:
        session_id = await console_sessions.sign_in(key_resolver, key)
    except NotForTheConsole as exc:
        return _sign_in_form(request, error=exc.detail, status=403)
    if session_id is None:
        failures.take(address)
        return _sign_in_form(request, error="That key is unknown, revoked or expired.", status=401)
    return _signed_in(request, session_id, console_sessions)


def _signed_in(request: HttpRequest, session_id: str, console_sessions: ConsoleSessions) -> Response[Any]:
    """To the glossary with the new session's cookie; the sign-in's own cookies are spent."""
    response: Response[Any] = Redirect(_GLOSSARY, status_code=303)
    response.set_cookie(
        security.SESSION_COOKIE,
        session_id,
        path=security.PATH,
        max_age=int(console_sessions.absolute.total_seconds()),
        httponly=True,
        secure=security.is_secure(request),
        samesite="lax",
    )
    response.delete_cookie(security.SIGN_IN_COOKIE, path=security.SIGN_IN_PATH)
    response.delete_cookie(security.SSO_COOKIE, path=security.SSO_PATH)
    return response


# --- single sign-on: the authorization code flow with PKCE ----------------------------------------------------------

OidcQuery = Annotated[str | None, QueryParameter(max_length=4096)]


def _single_sign_on(request: HttpRequest, services: AllServices) -> tuple[OidcVerifier, OidcClient] | None:
    """The provider and the console as its client, when single sign-on is configured."""
    oidc: OidcVerifier | None = request.app.state.get("oidc")
    if oidc is None:
        return None
    settings = services.settings
    base = settings.public_url.rstrip("/") or str(request.base_url).rstrip("/")
    client = OidcClient(
        client_id=settings.oidc_client_id or oidc.settings.audience,
        redirect_uri=f"{base}{security.SSO_PATH}/callback",
        client_secret=settings.oidc_client_secret,
    )
    return oidc, client


@get("/sso", opt={security.PUBLIC: True})
async def sso_start(request: HttpRequest, services: AllServices) -> Response[Any]:
    """Off to the identity provider, with a fresh state, nonce and PKCE challenge; the state, nonce and verifier
    wait in a cookie of this browser's (HttpOnly, ten minutes, only for /console/sso) for its way back."""
    found = _single_sign_on(request, services)
    if found is None:
        raise NotFoundException("single sign-on is not configured: sign in with one of your API keys")
    oidc, client = found
    try:
        started = await start_sign_in(oidc, client)
    except (httpx.HTTPError, ValueError, msgspec.DecodeError) as exc:
        log.warning("single sign-on could not start: %s", exc)
        return _sign_in_form(request, error=_PROVIDER_DOWN, status=503)
    response: Response[Any] = Redirect(started.url, status_code=303)
    response.set_cookie(
        security.SSO_COOKIE,
        f"{started.state}.{started.nonce}.{started.verifier}",
        path=security.SSO_PATH,
        max_age=600,
        httponly=True,
        secure=security.is_secure(request),
        samesite="lax",  # the provider sends the browser back with a top-level GET from its own site
    )
    return response


_PROVIDER_DOWN: Final = "The identity provider cannot be reached: try again shortly, or sign in with an API key."


class _Refused(Exception):
    """A single sign-on that opens no session: the sign-in page says `message`, with `status`."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


async def _returning_person(
    services: AllServices, oidc: OidcVerifier, client: OidcClient, code: str, *, verifier: str, nonce: str
) -> Principal:
    """The person the provider's code names, created or updated as a bearer token would (`people.sign_in`)."""
    try:
        identity = await oidc.redeem(code, client=client, verifier=verifier, nonce=nonce)
    except Unavailable:
        raise _Refused(_PROVIDER_DOWN, 503) from None
    if identity is None:
        raise _Refused("The identity provider's answer could not be verified: start again.", 401)
    principal = await people.sign_in(services.pool, identity, oidc.settings.default_role)
    if principal is None:
        raise _Refused("This account cannot sign in to the console: it is a service's, or deactivated.", 403)
    return principal


@get("/sso/callback", opt={security.PUBLIC: True})
async def sso_callback(
    request: HttpRequest,
    services: AllServices,
    console_sessions: Sessions,
    code: OidcQuery = None,
    returned_state: Annotated[str | None, QueryParameter(name="state", max_length=4096)] = None,
    error: OidcQuery = None,
    error_description: OidcQuery = None,
) -> Response[Any]:
    """Back from the identity provider: the state must be the one this browser set off with; the code is redeemed
    with its PKCE verifier, and the ID token must carry its nonce. The person it names gets a session."""
    found = _single_sign_on(request, services)
    if found is None:
        raise NotFoundException("single sign-on is not configured: sign in with one of your API keys")
    oidc, client = found
    kept = (request.cookies.get(security.SSO_COOKIE) or "").split(".")
    try:
        if error:
            said = f": {error_description}" if error_description else ""
            raise _Refused(f"The identity provider did not sign you in ({error}{said}).", 401)
        state = returned_state or ""
        if len(kept) != 3 or not state or not hmac.compare_digest(kept[0].encode(), state.encode()):
            raise _Refused("This sign-in was not started in this browser, or took too long: start again.", 400)
        if not code:
            raise _Refused("The identity provider sent no sign-in code: start again.", 400)
        principal = await _returning_person(services, oidc, client, code, verifier=kept[2], nonce=kept[1])
    except _Refused as refusal:
        form = _sign_in_form(request, error=refusal.message, status=refusal.status)
        form.delete_cookie(security.SSO_COOKIE, path=security.SSO_PATH)  # a sign-in is tried once
        return form
    return _signed_in(request, await console_sessions.sign_in_person(principal), console_sessions)


@post("/sign-out", status_code=303)
async def sign_out(request: HttpRequest, console_sessions: Sessions) -> Response[Any]:
    """End this session everywhere (it lives in the database) and forget its cookie."""
    cookie = request.cookies.get(security.SESSION_COOKIE)
    if cookie:
        await console_sessions.sign_out(cookie)
    response: Response[Any] = Redirect(security.SIGN_IN_PATH, status_code=303)
    response.delete_cookie(security.SESSION_COOKIE, path=security.PATH)
    return response


# --- pages --------------------------------------------------------------------------------------------------------


@get("/")
async def home() -> Redirect:
    return Redirect(_GLOSSARY, status_code=303)


@get("/static/{name:str}", opt={security.PUBLIC: True})
async def static_file(name: SlugPath) -> Response[bytes]:
    """HTMX and the console's stylesheet: Canon's own copies, no CDN."""
    found = STATIC_FILES.get(name)
    if found is None:
        raise NotFoundException(f"no console file {name!r}")
    file, media_type = found
    return Response(_static_bytes(file), media_type=media_type, headers={"Cache-Control": "public, max-age=3600"})


_STATIC_CACHE: dict[str, bytes] = {}


def _static_bytes(file: str) -> bytes:
    cached = _STATIC_CACHE.get(file)
    if cached is None:
        cached = _STATIC_CACHE[file] = (HERE / "static" / file).read_bytes()
    return cached


# --- errors -------------------------------------------------------------------------------------------------------


@get("/{rest:path}")
async def no_such_page() -> None:
    """Any other path under /console: a console 404 page, with the console's headers (and only for people signed
    in, like every page), rather than the API's problem+json."""
    raise NotFoundException("there is no such page in the console")


def console_error(request: HttpRequest, exc: Exception) -> Response[Any]:
    """Any error on a console route as a page that says what went wrong in words, with the status the API's
    problem+json answer would have (the same handlers decide it, and log what they log)."""
    handler = next(EXCEPTION_HANDLERS[cls] for cls in type(exc).__mro__ if cls in EXCEPTION_HANDLERS)
    problem_response = handler(request, exc)
    problem = problem_response.content
    status = problem_response.status_code or 500
    title, detail = (problem.title, problem.detail) if isinstance(problem, Problem) else ("Error", None)
    faults = (problem.errors or []) if isinstance(problem, Problem) else []
    shown = page(request, "error.html", status, title=title, detail=detail, faults=faults)
    shown.headers.update(
        {name: value for name, value in problem_response.headers.items() if name.lower() == "retry-after"}
    )
    return shown


def console_router() -> Router:
    """`/console`, kept out of the OpenAPI document: it is pages for people, not the API's contract."""
    return Router(
        path=security.PATH,
        route_handlers=[
            sign_in_page,
            sign_in,
            sign_out,
            sso_start,
            sso_callback,
            home,
            static_file,
            *glossary.ROUTES,
            *work.ROUTES,
            *library.ROUTES,
            *search.ROUTES,
            *edit.ROUTES,
            *admin.ROUTES,
            no_such_page,
        ],
        middleware=[security.console_guard],
        dependencies={"console_sessions": Provide(security.provide_console_sessions, sync_to_thread=False)},
        # Every error the API answers in problem+json (a NUL character refused by PostgreSQL, a database that went
        # away, ...) is a console page here, with the status the API's handler gives it.
        exception_handlers=dict.fromkeys(EXCEPTION_HANDLERS, console_error),
        include_in_schema=False,
        # Form posts, not JSON: the API's body checks (service/api/guards.py) leave these bodies alone.
        opt={"raw_body": True},
    )
