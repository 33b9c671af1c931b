"""Every error leaves as `application/problem+json` (RFC 9457): one map from exceptions to problems."""

from __future__ import annotations

import logging
import re
from typing import Any

import asyncpg
import msgspec
from litestar import Request, Response
from litestar.exceptions import (
    ClientException,
    HTTPException,
    NotAuthorizedException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.exceptions import (
    NotFoundException as LitestarNotFound,
)
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
    errors.Invalid: 422,
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
    status = _STATUS.get(type(exc), 400)
    field_errors = exc.errors if isinstance(exc, errors.Invalid) and exc.errors else None
    return problem_response(
        request, status, slug=exc.slug, title=exc.title, detail=exc.detail, field_errors=field_errors
    )


_MSGSPEC_PATH = re.compile(r"^(?P<message>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)


def _pointer(path: str) -> str:
    """msgspec's `$.data.content.aliases[0]` as the JSON Pointer `/content/aliases/0` into the body."""
    path = path.removeprefix(".data")
    tokens = re.findall(r"\.([^.\[]+)|\[(\d+)\]|\[\'([^\']*)\'\]", path)
    parts = [next(t for t in token if t) for token in tokens]
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)


def _validation_errors(exc: ValidationException) -> list[errors.FieldError]:
    cause = exc.__cause__
    if isinstance(cause, msgspec.ValidationError):
        match = _MSGSPEC_PATH.match(str(cause))
        assert match is not None
        if (match.group("path") or "").startswith(".data") or match.group("path") in (None, ""):
            return [errors.FieldError(_pointer(match.group("path") or ""), match.group("message"))]
    found: list[errors.FieldError] = []
    extra = exc.extra if isinstance(exc.extra, list) else []
    for item in extra:
        if isinstance(item, dict):
            raw_source = item.get("source") or "body"
            source = str(getattr(raw_source, "value", raw_source))  # Litestar gives a ParamType enum
            key = str(item.get("key") or "")
            pointer = "/" + key if source == "body" and key and key != "data" else ("" if source == "body" else key)
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
            field_errors=_validation_errors(exc) or None,
        )
    detail = exc.detail
    if isinstance(exc, ClientException) and status == 400 and _is_malformed_body(exc):
        detail = f"the body is not valid JSON: {exc.detail}"
    elif isinstance(exc, LitestarNotFound) and detail == "Not Found":
        detail = f"no resource at {request.url.path}"
    elif isinstance(exc, NotAuthorizedException | PermissionDeniedException):
        detail = exc.detail
    headers = dict(exc.headers or {})
    if status == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="canon"')
    return problem_response(request, status, detail=detail, headers=headers or None)


def _is_malformed_body(exc: ClientException) -> bool:
    from litestar.exceptions import SerializationException  # noqa: PLC0415

    return isinstance(exc.__cause__, SerializationException)


def unavailable_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Problem]:
    """The database is unreachable or restarting: the client may retry; nothing was half-written."""
    log.warning("database unavailable on %s %s: %s: %s", request.method, request.url.path, type(exc).__name__, exc)
    return problem_response(
        request,
        503,
        slug="unavailable",
        title="Service unavailable",
        detail="the database is unavailable right now; retry shortly",
        headers={"Retry-After": "2"},
    )


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

EXCEPTION_HANDLERS = {
    errors.DomainError: domain_error_handler,
    HTTPException: http_error_handler,
    **dict.fromkeys(_UNAVAILABLE, unavailable_handler),
    Exception: unexpected_error_handler,
}
