"""`canon worker`'s own small HTTP endpoint: `/metrics` (its delivery counters and pool) and `/healthz`.

The worker has no web framework and needs none: this answers one GET per connection and closes it. It runs on the
worker's event loop, so `/healthz` answering at all means that loop is not wedged. It is started only when
`CANON_WORKER_METRICS_PORT` is set (the Helm chart sets it; several workers on one machine would share a port).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable

from service.observability.metrics import CONTENT_TYPE

log = logging.getLogger(__name__)

READ_SECONDS = 5.0
MAX_HEADER_BYTES = 16 * 1024


async def _read_request(reader: asyncio.StreamReader) -> tuple[str, str]:
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), READ_SECONDS)
    method, path, *_ = [*head.split(b"\r\n", 1)[0].decode("latin-1").split(" "), "", ""]
    return method, path.split("?", 1)[0]


def _response(status: str, body: bytes, content_type: str) -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {len(body)}\r\n"
        "connection: close\r\ncache-control: no-store\r\n\r\n"
    )
    return head.encode() + body


@contextlib.asynccontextmanager
async def serving(host: str, port: int, render: Callable[[], str]) -> AsyncIterator[asyncio.Server]:
    """Serve `/metrics` (the text `render()` returns) and `/healthz` on host:port while the block runs."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            method, path = await _read_request(reader)
            if method not in ("GET", "HEAD"):
                reply = _response("405 Method Not Allowed", b"GET only\n", "text/plain")
            elif path == "/metrics":
                reply = _response("200 OK", render().encode(), CONTENT_TYPE)
            elif path == "/healthz":
                reply = _response("200 OK", b'{"status":"ok"}', "application/json")
            else:
                reply = _response("404 Not Found", b"not found\n", "text/plain")
            writer.write(reply.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n" if method == "HEAD" else reply)
            await writer.drain()
        except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass  # a scanner or a client that went away: nothing to answer
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    server = await asyncio.start_server(handle, host, port, limit=MAX_HEADER_BYTES)
    log.info("worker metrics on http://%s:%d/metrics", host, port)
    try:
        yield server
    finally:
        server.close()
        await server.wait_closed()
