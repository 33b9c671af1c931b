"""Request bodies are JSON, and not absurdly nested: checked before authentication and before any handler."""

from __future__ import annotations

import re
from typing import Any

from litestar import Request
from litestar.enums import ScopeType
from litestar.exceptions import HTTPException
from litestar.types import ASGIApp, Receive, Scope, Send

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def json_bodies(app: ASGIApp) -> ASGIApp:
    """Middleware: a body that is not JSON is 415, JSON nested too deeply 400, with or without a credential (the
    body is read once; the handler gets it from the request's cache)."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP:
            await _require_json(Request(scope, receive))
        await app(scope, receive, send)

    return middleware


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
    if nested_deeper_than(await request.body(), MAX_JSON_DEPTH):
        # Refused before decoding: a deeply nested document would exhaust the decoder's recursion.
        raise HTTPException(status_code=400, detail=f"JSON nested deeper than {MAX_JSON_DEPTH} levels")


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
