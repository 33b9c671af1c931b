"""Every error leaves as `application/problem+json` (RFC 9457): one map from exceptions to problems."""

from __future__ import annotations

import logging
import re
from typing import Any

import asyncpg
import msgspec
from asyncpg.exceptions import CharacterNotInRepertoireError, UntranslatableCharacterError
from litestar import Request, Response
from litestar.exceptions import ClientException, HTTPException, ValidationException
from litestar.exceptions import (
    NotFoundException as LitestarNotFound,
)
from litestar.openapi import ResponseSpec
from litestar.status_codes import HTTP_422_UNPROCESSABLE_ENTITY, HTTP_500_INTERNAL_SERVER_ERROR

from service.domain import errors

log = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://canon.dev/problems/"


class Problem(msgspec.Struct, omit_defaults=True):
    """RFC 9457 problem details; `errors` lists field-level faults of a validation failure."""

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[errors.FieldError] | None = None


_STATUS = {
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.Gone: 410,
    errors.PreconditionFailed: 412,
    errors.PreconditionRequired: 428,
    errors.Forbidden: 403,
    errors.UnknownParameters: 400,
    errors.Invalid: 422,
    errors.TooLarge: 413,
    errors.UnsupportedMediaType: 415,
    errors.Unavailable: 503,
    errors.TooBusy: 429,
}

_GENERIC = {
    400: ("bad-request", "Bad request"),
    401: ("unauthorized", "Unauthorized"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    413: ("payload-too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    416: ("range-not-satisfiable", "Range not satisfiable"),
    422: ("invalid", "Invalid request"),
    429: ("too-many-requests", "Too many requests"),
    503: ("unavailable", "Service unavailable"),
}


def problem_response(
    request: Request[Any, Any, Any],
    status: int,
    *,
    slug: str | None = None,
    title: str | None = None,
    detail: str | None = None,
    field_errors: list[errors.FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[Problem]:
    generic_slug, generic_title = _GENERIC.get(status, ("error", "Error"))
    problem = Problem(
        type=TYPE_BASE + (slug or generic_slug),
        title=title or generic_title,
        status=status,
        detail=detail,
        instance=request.url.path,
        errors=field_errors,
    )
    return Response(problem, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def domain_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Problem]:
    assert isinstance(exc, errors.DomainError)
    # The closest mapped class: subclasses (BlobUnavailable, BlobTooLarge, BlobMissing) keep their parent's status.
    status = next((_STATUS[cls] for cls in type(exc).__mro__ if cls in _STATUS), 400)
    field_errors = exc.errors if isinstance(exc, errors.Invalid) and exc.errors else None
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, errors.TooBusy) else None
    return problem_response(
        request, status, slug=exc.slug, title=exc.title, detail=exc.detail, field_errors=field_errors, headers=headers
    )


_MISSING_PARAMETER = re.compile(r"^Missing required (?P<source>[a-z]+) parameter '(?P<name>[^']+)'")
_UNKNOWN_FIELD = re.compile(r"^Object contains unknown field `(?P<name>.*)`$", re.DOTALL)
_MSGSPEC_PATH = re.compile(r"^(?P<message>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)


def body_error(error: msgspec.ValidationError, root: str = "") -> errors.FieldError:
    """msgspec's complaint about a JSON body (`... - at `$<root>.content.aliases[0]``) as a field error at its JSON
    Pointer (`/content/aliases/0`); an unknown field is pointed at itself, not at the object holding it."""
    match = _MSGSPEC_PATH.match(str(error))
    assert match is not None  # the pattern matches any text
    message = match.group("message")
    pointer = _pointer((match.group("path") or "").removeprefix(root))
    unknown = _UNKNOWN_FIELD.match(message)
    if unknown is not None:
        pointer += "/" + unknown["name"].replace("~", "~0").replace("/", "~1")
    return errors.FieldError(pointer, message)


def _pointer(path: str) -> str:
    """msgspec's `.content.aliases[0]` as the JSON Pointer `/content/aliases/0`."""
    tokens = re.findall(r"\.([^.\[]+)|\[(\d+)\]|\[\'([^\']*)\'\]", path)
    parts = [next(t for t in token if t) for token in tokens]
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)


def _wire_name(request: Request[Any, Any, Any], key: str) -> str:
    """The name a client sent for the handler parameter `key`: `from` for `from_version`, `If-Match` for `if_match`."""
    handler = request.scope.get("route_handler")
    parameter = handler.parsed_fn_signature.parameters.get(key) if handler is not None else None
    definition = getattr(parameter, "kwarg_definition", None)
    aliases = (getattr(definition, name, None) for name in ("name", "query", "header", "cookie"))
    return next((alias for alias in aliases if isinstance(alias, str) and alias), key)


def _validation_errors(request: Request[Any, Any, Any], exc: ValidationException) -> list[errors.FieldError]:
    cause = exc.__cause__
    if isinstance(cause, msgspec.ValidationError):
        match = _MSGSPEC_PATH.match(str(cause))
        assert match is not None
        path = match.group("path") or ""
        if path.startswith(".data") or path == "":
            if match.group("message") == "Object missing required field `data`":  # `data` is the handler's name
                return [errors.FieldError("", "a JSON body is required")]
            return [body_error(cause, root=".data")]
    missing = _MISSING_PARAMETER.match(str(exc.detail))
    if missing is not None:  # Litestar names a missing query/header/path parameter only in its message
        return [errors.FieldError(missing["name"], "missing required parameter", missing["source"])]
    found: list[errors.FieldError] = []
    extra = exc.extra if isinstance(exc.extra, list) else []
    for item in extra:
        if isinstance(item, dict):
            raw_source = item.get("source") or "body"
            source = str(getattr(raw_source, "value", raw_source))  # Litestar gives a ParamType enum
            key = str(item.get("key") or "")
            pointer = "/" + key if source == "body" and key and key != "data" else ("" if source == "body" else key)
            pointer = pointer if source == "body" else _wire_name(request, pointer)
            found.append(errors.FieldError(pointer, str(item.get("message", "invalid value")), source))
    return found


def http_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Problem]:
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    if isinstance(exc, ValidationException):
        return problem_response(
            request,
            HTTP_422_UNPROCESSABLE_ENTITY,
            detail="the request does not match the schema",
            field_errors=_validation_errors(request, exc) or None,
        )
    detail = exc.detail
    if isinstance(exc, ClientException) and status == 400 and _is_malformed_body(exc):
        detail = f"the body is not valid JSON: {exc.detail}"
    elif isinstance(exc, LitestarNotFound) and detail == "Not Found":
        detail = f"no resource at {request.url.path}"
    headers = dict(exc.headers or {})
    if status == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="canon"')
    return problem_response(request, status, detail=detail, headers=headers or None)


def _is_malformed_body(exc: ClientException) -> bool:
    from litestar.exceptions import SerializationException  # noqa: PLC0415

    return isinstance(exc.__cause__, SerializationException)


def unavailable_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Problem]:
    """The database (or, for a bare socket or file error, something else) is unreachable: the client may retry;
    nothing was half-written."""
    if _from_database(exc):
        log.warning("database unavailable on %s %s: %s: %s", request.method, request.url.path, type(exc).__name__, exc)
        detail = "the database is unavailable right now; retry shortly"
    else:
        # Not the database's: say so, and keep the stack, which is all there is to tell where it came from.
        log.warning("I/O error on %s %s", request.method, request.url.path, exc_info=exc)
        detail = f"a network or file operation failed ({type(exc).__name__}); retry shortly"
    return problem_response(
        request,
        503,
        slug="unavailable",
        title="Service unavailable",
        detail=detail,
        headers={"Retry-After": "2"},
    )


_DATABASE_MODULES = ("asyncpg", "service.store")


def _from_database(exc: BaseException) -> bool:
    """Whether the error is asyncpg's own, or was raised (or caused) inside asyncpg or Canon's SQL layer. Bare
    `OSError`s and `TimeoutError`s also come from sockets and files that are not the database's."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, asyncpg.PostgresError | asyncpg.InterfaceError):
            return True
        frame = current.__traceback__
        while frame is not None:
            module = frame.tb_frame.f_globals.get("__name__", "")
            if isinstance(module, str) and module.startswith(_DATABASE_MODULES):
                return True
            frame = frame.tb_next
        current = current.__cause__ or current.__context__
    return False


def unexpected_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Problem]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(
        request,
        HTTP_500_INTERNAL_SERVER_ERROR,
        slug="internal",
        title="Internal error",
        detail="the service failed to handle this request; it has been logged",
    )


# Errors that mean "the database could not be reached or gave up the transaction", never "the request was bad".
_UNAVAILABLE: tuple[type[Exception], ...] = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
    asyncpg.AdminShutdownError,
    asyncpg.SerializationError,
    asyncpg.DeadlockDetectedError,
)


def nul_character_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Problem]:
    """PostgreSQL text and jsonb cannot hold U+0000; a caller who sends it (in a path, query or body) gets a 422."""
    return problem_response(
        request, HTTP_422_UNPROCESSABLE_ENTITY, detail="text must not contain the NUL character (U+0000)"
    )


EXCEPTION_HANDLERS = {
    errors.DomainError: domain_error_handler,
    CharacterNotInRepertoireError: nul_character_handler,
    UntranslatableCharacterError: nul_character_handler,
    HTTPException: http_error_handler,
    **dict.fromkeys(_UNAVAILABLE, unavailable_handler),
    Exception: unexpected_error_handler,
}


_DESCRIPTIONS = {
    400: "The body is not valid JSON",
    401: "No valid API key",
    403: "The key lacks the role (or team) this needs",
    404: "No such resource, or not visible to this key",
    409: "Conflicts with the current state (duplicate slug, wrong lifecycle step)",
    410: "Expired: the problem's detail names when",
    412: "If-Match names a stale ETag",
    413: "The body is larger than allowed",
    415: "The body is not application/json",
    422: "Invalid input; `errors` names each field",
    428: "This write needs If-Match",
    429: "Too many failed authentications from this address, searches, or replayed deliveries waiting; retry after "
    "Retry-After",
    503: "A dependency (database, object storage, search) is unavailable; retry after Retry-After",
}
READ_PROBLEMS = (400, 401, 403, 404, 422, 429, 503)  # 429: any route behind authentication (service/limits.py)
WRITE_PROBLEMS = (*READ_PROBLEMS, 409, 412, 413, 415, 428)


def problem_responses(statuses: tuple[int, ...] = WRITE_PROBLEMS) -> dict[int, ResponseSpec]:
    """OpenAPI documentation of the problem+json answers a route can give."""
    return {
        status: ResponseSpec(
            data_container=Problem,
            description=_DESCRIPTIONS[status],
            media_type=PROBLEM_MEDIA_TYPE,
            generate_examples=False,
        )
        for status in statuses
    }
