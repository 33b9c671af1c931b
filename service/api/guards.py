"""Checks of every request before authentication and before any handler: query parameters are ones the route
takes (a misspelled filter is not silently ignored), bodies are JSON, not absurdly nested, and of the body's type as
JSON types it (`0` is not `false`, `"2"` not `2`: Litestar converts leniently, since it reads query strings with the
same machinery). And `OPTIONS` answers list every method of the path (Litestar 2 lists one handler's only)."""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Request
from litestar.enums import ParamType, ScopeType
from litestar.exceptions import HTTPException
from litestar.handlers import BaseRouteHandler
from litestar.params import ParameterKwarg
from litestar.routes import HTTPRoute
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from service.api.problems import body_error
from service.domain.errors import FieldError, Invalid, UnknownParameters

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def strict_requests(app: ASGIApp) -> ASGIApp:
    """Middleware: an unknown query parameter is 400, a body that is not JSON 415, JSON nested too deeply 400, with
    or without a credential (the body is read once; the handler gets it from the request's cache)."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP:
            request: Request[Any, Any, Any] = Request(scope, receive)
            _require_known_parameters(request)
            await _require_json(request)
            if scope["method"] == "OPTIONS":
                send = _listing_methods(send, _allowed_methods(request))
        await app(scope, receive, send)

    return middleware


def _require_known_parameters(request: Request[Any, Any, Any]) -> None:
    accepted = query_parameters(request.route_handler)
    unknown = sorted({name for name in request.query_params if name not in accepted})
    if not unknown:
        return
    listed = ", ".join(sorted(accepted)) or "none"
    raise UnknownParameters(
        f"unknown query parameter{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
        f"this route takes: {listed}",
        [FieldError(name, "not a parameter of this route", "query") for name in unknown],
    )


_NOT_QUERY = frozenset({"request", "state", "scope", "headers", "cookies", "query", "body", "data", "socket"})
_PATH_PARAMETER = re.compile(r"\{(\w+)(?::\w+)?\}")
_ACCEPTED = "canon_query_parameters"  # the handler's `opt` key that holds its accepted names once computed


def query_parameters(handler: BaseRouteHandler) -> frozenset[str]:
    """The query parameters `handler` declares, by the names clients send (`from`, not `from_version`)."""
    known: frozenset[str] | None = handler.opt.get(_ACCEPTED)
    if known is None:
        dependencies = handler.resolve_dependencies()
        in_path = {match.group(1) for path in handler.paths for match in _PATH_PARAMETER.finditer(path)}
        names = set()
        for name, field in handler.parsed_fn_signature.parameters.items():
            kwarg = field.kwarg_definition
            if name in _NOT_QUERY or name in dependencies:
                continue
            if isinstance(kwarg, ParameterKwarg):
                if kwarg.param_type is ParamType.QUERY:
                    names.add(kwarg.query or kwarg.name or name)
            elif kwarg is None and name not in in_path:
                names.add(name)
        known = handler.opt[_ACCEPTED] = frozenset(names)
    return known


async def _require_json(request: Request[Any, Any, Any]) -> None:
    if request.method not in _BODY_METHODS or request.route_handler.opt.get("raw_body"):
        return
    has_body = request.headers.get("content-length", "0") != "0" or "transfer-encoding" in request.headers
    if not has_body:
        return
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json" and not (
        media_type.startswith("application/") and media_type.endswith("+json")
    ):
        raise HTTPException(
            status_code=415, detail=f"send JSON bodies as application/json (got {media_type or 'no Content-Type'})"
        )
    body = await request.body()
    if nested_deeper_than(body, MAX_JSON_DEPTH):
        # Refused before decoding: a deeply nested document would exhaust the decoder's recursion.
        raise HTTPException(status_code=400, detail=f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    data = request.route_handler.parsed_fn_signature.parameters.get("data")
    if data is None:
        return
    try:
        document = msgspec.json.decode(body)
    except msgspec.DecodeError:
        return  # not JSON at all: Litestar's decoding says so (400)
    try:
        msgspec.convert(_integral_numbers(document), data.annotation, strict=True)
    except msgspec.ValidationError as error:
        raise Invalid("the request does not match the schema", [body_error(error)]) from None


def _integral_numbers(value: object) -> object:
    """`value` with every integral float (`1246.0`) as an int: JSON has one number type, and JSON Schema calls
    1246.0 an integer, so an integer field takes it (strict conversion would not)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_integral_numbers(item) for item in value]
    if isinstance(value, dict):
        return {key: _integral_numbers(item) for key, item in value.items()}
    return value


def _allowed_methods(request: Request[Any, Any, Any]) -> str:
    """Every method of the path the request was routed to, as `Allow` lists them."""
    template = request.scope.get("path_template")
    for route in request.app.routes:
        if isinstance(route, HTTPRoute) and route.path_format == template:
            return ", ".join(sorted(route.methods))
    return "OPTIONS"


def _listing_methods(send: Send, allowed: str) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [(name, value) for name, value in message.get("headers", []) if name.lower() != b"allow"]
            message = {**message, "headers": [*headers, (b"allow", allowed.encode())]}
        await send(message)

    return sending


MAX_JSON_DEPTH = 64
_JSON_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"')
_JSON_BRACKETS = re.compile(rb"[\[\]{}]")


def nested_deeper_than(body: bytes, limit: int) -> bool:
    """Whether the JSON text `body` opens more than `limit` arrays and objects inside each other (brackets inside
    strings do not count). Linear in the body's size; never decodes it."""
    depth = 0
    for bracket in _JSON_BRACKETS.finditer(_JSON_STRINGS.sub(b"", body)):
        if bracket.group() in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False
