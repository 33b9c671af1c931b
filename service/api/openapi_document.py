"""The OpenAPI document Canon serves and commits: Litestar's, finished where Litestar cannot say what the server does.

Three things are finished here, each from a declaration next to the code it describes:
- The schemas of Canon's request and response types are the ones msgspec, which decodes and encodes them, writes
  (`msgspec.json.schema_components`): constraints on list items, `additionalProperties: false` where unknown fields
  are refused, and no `oneOf` around a single type. Litestar's own rendering of these Structs drops the first two.
  A Struct may add to its schema what its fields cannot say (`JSON_SCHEMA_EXTRA`, e.g. fields that exclude each
  other).
- Bodies a handler reads itself (file uploads, NDJSON) and answers Litestar cannot describe (downloads with ranges,
  redirects, 304): the handler's `opt` holds them (`REQUEST_BODY`, `RESPONSES`).
- Parameters are strings or absent, never JSON null (Litestar renders `str | None` as a `oneOf` with null), and
  routes outside authentication (`exclude_from_auth`) say so with `security: []`.
The criteria grammar and the event schemas join the components earlier, in service/api/contract.py.
"""

from __future__ import annotations

import copy
import enum
import typing
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import msgspec
from litestar import Litestar, Request
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.plugins import JsonRenderPlugin, SwaggerRenderPlugin
from litestar.routes import HTTPRoute

from service.api.deps import ACCEPTS_DOWNLOAD_LINKS
from service.api.problems import PROBLEM_MEDIA_TYPE

REF = "#/components/schemas/{name}"
JSON_SCHEMA_EXTRA = "__json_schema_extra__"  # a Struct's ClassVar: merged into its component schema

# Handler `opt` keys.
REQUEST_BODY = "canon_request_body"  # {media type: schema}: a body the handler reads itself
REQUEST_BODY_DESCRIPTION = "canon_request_body_description"
RESPONSES = "canon_responses"  # {status: OpenAPI response object}: answers Litestar cannot describe

BINARY: dict[str, Any] = {"type": "string", "format": "binary"}


def header(description: str, schema: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A response header's declaration."""
    return {"description": description, "schema": dict(schema or {"type": "string"})}


def problem(description: str) -> dict[str, Any]:
    """A response that is a problem document."""
    return {
        "description": description,
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": REF.format(name="Problem")}}},
    }


def complete(document: Mapping[str, Any], app: Litestar) -> dict[str, Any]:
    """`document` (Litestar's rendering of `app`) with exact schemas and every handler's declarations applied."""
    finished = copy.deepcopy(dict(document))
    handlers = dict(_operations(app))
    _exact_components(finished, handlers.values())
    for (path, method), handler in handlers.items():
        operation = finished["paths"].get(path, {}).get(method)
        if operation is not None:
            _declare(operation, handler)
    return finished


def _operations(app: Litestar) -> Iterator[tuple[tuple[str, str], HTTPRouteHandler]]:
    for route in app.routes:
        if isinstance(route, HTTPRoute):
            for method, (handler, _) in route.route_handler_map.items():
                if handler.include_in_schema:
                    yield (route.path_format or "/", method.lower()), handler


def _declare(operation: dict[str, Any], handler: HTTPRouteHandler) -> None:
    opt = handler.opt
    if opt.get("exclude_from_auth"):
        operation["security"] = []
    elif opt.get(ACCEPTS_DOWNLOAD_LINKS):
        operation["security"] = [*operation.get("security", [{"apiKey": []}]), {}]  # or a signed link's parameters
    if (body := opt.get(REQUEST_BODY)) is not None:
        operation["requestBody"] = {
            "required": True,
            "description": opt.get(REQUEST_BODY_DESCRIPTION, ""),
            "content": {media_type: {"schema": schema} for media_type, schema in body.items()},
        }
    for status, response in opt.get(RESPONSES, {}).items():
        operation["responses"][str(status)] = response
    for response in operation["responses"].values():
        for name, declared in response.get("headers", {}).items():
            # Litestar declares a documented header without a schema, which OpenAPI requires.
            response["headers"][name] = {"schema": {"type": "string"}, **declared}
    for parameter in operation.get("parameters", []):
        parameter["schema"] = _no_nul(_integral_bounds(_without_null(parameter["schema"])))


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A parameter's schema without the JSON null branch Litestar adds for an optional one (absent is not null)."""
    branches = schema.get("oneOf")
    if not branches:
        return schema
    kept = [branch for branch in branches if branch.get("type") != "null"]
    rest = {key: value for key, value in schema.items() if key != "oneOf"}
    if len(kept) == 1:
        return {**kept[0], **rest}
    return {**rest, "oneOf": kept}


_BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
NO_NUL = "^[^\\u0000]*$"


def _no_nul(schema: dict[str, Any]) -> dict[str, Any]:
    """Text parameters never hold NUL: PostgreSQL cannot store it, and Canon refuses it (422) wherever it is sent."""
    if schema.get("type") == "string" and "pattern" not in schema and "enum" not in schema and "format" not in schema:
        return {**schema, "pattern": NO_NUL}
    items = schema.get("items")
    if schema.get("type") == "array" and isinstance(items, dict) and "$ref" not in items:
        return {**schema, "items": _no_nul(items)}
    return schema


def _integral_bounds(schema: dict[str, Any]) -> dict[str, Any]:
    """Bounds of an integer as integers: Litestar writes them as floats (`9.223372036854776e+18`), which code
    generators read as floats and which lose digits past 2**53."""
    if schema.get("type") != "integer":
        return schema
    return {key: int(value) if key in _BOUNDS and isinstance(value, float) else value for key, value in schema.items()}


def _exact_components(document: dict[str, Any], handlers: Iterable[HTTPRouteHandler]) -> None:
    components: dict[str, Any] = document.setdefault("components", {}).setdefault("schemas", {})
    named = {cls.__name__: cls for handler in handlers for cls in _types_of(handler)}
    rendered = [cls for name, cls in named.items() if name in components]
    if not rendered:
        return
    _, exact = msgspec.json.schema_components(rendered, ref_template=REF, schema_hook=_any_value)
    for name, schema in exact.items():
        extra = getattr(named.get(name), JSON_SCHEMA_EXTRA, None)
        components[name] = {**schema, **extra} if extra else schema


def _any_value(cls: type) -> dict[str, Any]:
    if cls is object:
        return {"description": "Any JSON value."}
    raise NotImplementedError


def _types_of(handler: HTTPRouteHandler) -> Iterator[type]:
    """The Structs and enums a handler's body, parameters and answer are made of (not its injected services)."""
    signature = handler.parsed_fn_signature
    dependencies = handler.resolve_dependencies()
    fields = [signature.return_type, *(f for name, f in signature.parameters.items() if name not in dependencies)]
    seen: set[int] = set()
    for field in fields:
        yield from _walk(field.annotation, seen)


def _walk(annotation: Any, seen: set[int]) -> Iterator[type]:
    if id(annotation) in seen:
        return
    seen.add(id(annotation))
    if isinstance(annotation, type) and issubclass(annotation, (msgspec.Struct, enum.Enum)):
        yield annotation
    for argument in typing.get_args(annotation):
        yield from _walk(argument, seen)


class _Finishing:
    """For render plugins: the finished document of the app serving the request, computed on first use.

    A plugin instance belongs to one app (`create_app` builds its OpenAPI config afresh), so it can keep it."""

    _finished: dict[str, Any] | None = None

    def finished(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> dict[str, Any]:
        if self._finished is None:
            self._finished = complete(openapi_schema, request.app)
        return self._finished


class JsonDocument(_Finishing, JsonRenderPlugin):
    """`/schema/openapi.json`."""

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return super().render(request, self.finished(request, openapi_schema))


class SwaggerDocument(_Finishing, SwaggerRenderPlugin):
    """Swagger UI, which embeds the document in its page."""

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return super().render(request, self.finished(request, openapi_schema))
