"""The console's routes: sign-in and sign-out, the glossary, the static files. Handlers call Canon's use cases with
the signed-in person as the principal, so the API's rules and roles apply unchanged."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated, Any, Final

import msgspec
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from litestar import Request, Response, Router, get, post
from litestar.datastructures import Cookie
from litestar.di import Provide
from litestar.exceptions import HTTPException, NotFoundException
from litestar.params import QueryParameter
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.template import TemplateConfig

from service import limits
from service.api.deps import AllServices, Caller, Injected, Keys, SlugPath, client_address
from service.api.problems import EXCEPTION_HANDLERS, Problem
from service.api.schemas import Definition as DefinitionOut
from service.api.schemas import DefinitionSummary, DefinitionVersion
from service.console import security
from service.console.rules import readable
from service.domain.errors import DomainError
from service.domain.kinds import DEFINITION
from service.usecases import reads
from service.usecases.console_sessions import ConsoleSessions, NotForTheConsole, Session, csrf_token

_HERE: Final = Path(__file__).parent
STATIC_FILES: Final = {  # served name: (file, media type)
    "htmx-2.0.11.min.js": ("htmx-2.0.11.min.js", "text/javascript; charset=utf-8"),
    "console.css": ("console.css", "text/css; charset=utf-8"),
    "favicon.svg": ("favicon.svg", "image/svg+xml"),
}
_GLOSSARY: Final = f"{security.PATH}/glossary"
_PAGE_SIZE: Final = 200
_TIMELINE_SIZE: Final = 100

Sessions = Injected[ConsoleSessions]  # `console_sessions`
TagQuery = Annotated[str | None, QueryParameter(max_length=100)]
CursorQuery = Annotated[str | None, QueryParameter(max_length=200)]
HttpRequest = Request[Any, Any, Any]


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    """Litestar's Jinja2 engine over the console's templates: every value escaped, an unknown name an error."""
    environment = Environment(
        loader=FileSystemLoader(_HERE / "templates"), autoescape=True, undefined=StrictUndefined, trim_blocks=True
    )
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(environment))


def _page(request: HttpRequest, name: str, status_code: int = 200, **context: Any) -> Template:
    session = request.scope.get("auth")
    signed_in = session if isinstance(session, Session) else None
    return Template(
        template_name=name,
        status_code=status_code,
        context={
            "principal": None if signed_in is None else signed_in.principal,
            "csrf_token": "" if signed_in is None else signed_in.csrf,
            "static": f"{security.PATH}/static",
            **context,
        },
    )


# --- sign-in and sign-out -----------------------------------------------------------------------------------------


@get("/sign-in", opt={security.PUBLIC: True})
async def sign_in_page(request: HttpRequest) -> Template:
    """The sign-in form: paste one of your API keys. Its CSRF token pairs with a cookie of its own."""
    return _sign_in_form(request, error=None, status=200)


def _sign_in_form(request: HttpRequest, *, error: str | None, status: int) -> Template:
    secret = request.cookies.get(security.SIGN_IN_COOKIE) or secrets.token_urlsafe(32)
    page = _page(request, "sign_in.html", status, error=error)
    page.context["csrf_token"] = csrf_token(secret)
    page.cookies.append(
        Cookie(
            key=security.SIGN_IN_COOKIE,
            value=secret,
            path=security.SIGN_IN_PATH,
            httponly=True,
            secure=security.is_secure(request),
            samesite="strict",
        )
    )
    return page


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
    return response


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


_SUMMARIES = msgspec.json.Decoder(DefinitionSummary)
_ENTRY = msgspec.json.Decoder(DefinitionOut)
_VERSION = msgspec.json.Decoder(DefinitionVersion)


@get("/glossary")
async def glossary(
    request: HttpRequest, services: AllServices, principal: Caller, tag: TagQuery = None, cursor: CursorQuery = None
) -> Template:
    """Every definition the person may see (title, slug, tags, status, the version in effect), by tag."""
    chosen = (tag or "").strip() or None
    page = await reads.entry_page(
        services.entry_contexts[DEFINITION.name],
        principal,
        status=None,
        tag=chosen,
        team=None,
        prefix=None,
        cursor=cursor,
        limit=_PAGE_SIZE,
    )
    items = [_SUMMARIES.decode(item) for item in page.items]
    tags = sorted({name for item in items for name in item.tags} | ({chosen} if chosen else set()))
    partial = request.headers.get("hx-request") == "true" and request.headers.get("hx-boosted") != "true"
    result = _page(
        request,
        "_definitions.html" if partial else "glossary.html",
        items=items,
        tags=tags,
        tag=chosen,
        next_cursor=page.next_cursor,
    )
    result.headers["Vary"] = "HX-Request"
    return result


@get("/glossary/{slug:str}")
async def definition(request: HttpRequest, services: AllServices, principal: Caller, slug: SlugPath) -> Template:
    """A definition in plain language: the version in effect (its criteria as rules), what is scheduled next, and
    the timeline of its versions."""
    context = services.entry_contexts[DEFINITION.name]
    entry = _ENTRY.decode((await reads.entry(context, principal, slug, version=None, as_of=None)).body)
    versions = await reads.version_page(context, principal, slug, cursor=None, limit=_TIMELINE_SIZE)
    timeline = [_VERSION.decode(item) for item in versions.items]
    criteria = entry.version.content.criteria
    return _page(
        request,
        "definition.html",
        entry=entry,
        version=entry.version,
        rules=None if criteria is None else readable(msgspec.to_builtins(criteria)),
        timeline=timeline,
        more_versions=versions.next_cursor is not None,
    )


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
        cached = _STATIC_CACHE[file] = (_HERE / "static" / file).read_bytes()
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
    page = _page(request, "error.html", status, title=title, detail=detail)
    page.headers.update(
        {name: value for name, value in problem_response.headers.items() if name.lower() == "retry-after"}
    )
    return page


def console_router() -> Router:
    """`/console`, kept out of the OpenAPI document: it is pages for people, not the API's contract."""
    return Router(
        path=security.PATH,
        route_handlers=[sign_in_page, sign_in, sign_out, home, glossary, definition, static_file, no_such_page],
        middleware=[security.console_guard],
        dependencies={"console_sessions": Provide(security.provide_console_sessions, sync_to_thread=False)},
        exception_handlers={DomainError: console_error, HTTPException: console_error, Exception: console_error},
        include_in_schema=False,
        # Form posts, not JSON: the API's body checks (service/api/guards.py) leave these bodies alone.
        opt={"raw_body": True},
    )
