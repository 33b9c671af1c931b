"""The outermost layer of the HTTP app: a request id, one access log line and the request metrics per request.

It wraps Litestar's whole handler (routing and exception handling included), so it sees the final status of every
response, problem+json and 404s included, and the route *template* the router matched (`/v1/definitions/{slug}`),
which keeps the metrics' label sets bounded whatever paths clients send.
"""

from __future__ import annotations

import logging
import random
import re
import time
from collections.abc import Iterable
from typing import Any

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from service.observability.logging import REQUEST_ID
from service.observability.metrics import CanonMetrics

access_log = logging.getLogger("canon.access")

HEADER = "x-request-id"
_VALID_ID = re.compile(r"^[A-Za-z0-9._:@+=/-]{1,128}$")
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_PROBES = frozenset({"/healthz", "/readyz", "/metrics"})
UNMATCHED = "unmatched"
CLIENT_CLOSED = 499  # no response was sent: the client went away first (nginx's convention)


def request_id_from(headers: Iterable[tuple[bytes, bytes]]) -> str:
    """The caller's `X-Request-ID` if it is short and made of safe characters, else a new random one: 128 bits from
    the process's PRNG (seeded from the OS, again in a forked child), as unique as `uuid4()` without its system call
    per request. It correlates log lines; nothing relies on it being unguessable."""
    for name, value in headers:
        if name.lower() == b"x-request-id":
            candidate = value.decode("latin-1")
            if _VALID_ID.match(candidate):
                return candidate
            break
    return f"{random.getrandbits(128):032x}"


class ObservedApp:
    """ASGI middleware around the whole Litestar handler."""

    def __init__(self, app: ASGIApp, metrics: CanonMetrics) -> None:
        self._app = app
        self._metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self._app(scope, receive, send)
            return
        request_id = request_id_from(scope.get("headers", ()))
        token = REQUEST_ID.set(request_id)
        status = CLIENT_CLOSED
        header = (HEADER.encode(), request_id.encode())

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                message = {**message, "headers": [*message.get("headers", ()), header]}
            await send(message)

        started = time.perf_counter()
        self._metrics.http_in_flight.add(1)
        try:
            await self._app(scope, receive, send_with_id)
        except BaseException:
            if status == CLIENT_CLOSED:
                status = 500
            raise
        finally:
            self._metrics.http_in_flight.add(-1)
            self._finish(scope, status, time.perf_counter() - started)
            REQUEST_ID.reset(token)

    def _finish(self, scope: Scope, status: int, seconds: float) -> None:
        method = str(scope.get("method", "GET")).upper()
        method = method if method in _METHODS else "OTHER"
        route = scope.get("path_template") or UNMATCHED  # set by the router; absent when no route matched
        self._metrics.observe_request(method, route, status, seconds)
        quiet = route in _PROBES and status < 400
        level = logging.WARNING if status >= 500 else logging.DEBUG if quiet else logging.INFO
        if access_log.isEnabledFor(level):
            fields: dict[str, Any] = {
                "method": method,
                "route": route,
                "path": scope.get("raw_path", b"").decode("latin-1") or scope.get("path", ""),
                "status": status,
                "duration_ms": round(seconds * 1000, 2),
            }
            access_log.log(level, "%s %s %s", method, fields["path"], status, extra=fields)
