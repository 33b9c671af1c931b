"""HttpSender against real HTTP receivers on 127.0.0.1: signing, status handling, timeouts, the SSRF guard at
connect time, TLS names and the concurrency bounds."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from standardwebhooks import Webhook

from service.webhooks import signing
from service.webhooks.network import Networks
from service.webhooks.sender import Delivery, HttpSender, SendResult
from tests.webhook_fixtures import Pki

LOOPBACK = Networks.parse("127.0.0.0/8")
BODY = b'{"type":"definition.published","timestamp":"2025-01-01T00:00:00Z","data":{"slug":"arr"}}'


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """A minimal HTTP/1.1 server (keep-alive, Content-Length bodies) whose paths choose how it answers."""

    port: int = 0
    requests: list[Received] = field(default_factory=list)
    connections: int = 0
    active: int = 0
    most_active: int = 0
    server_names: list[str | None] = field(default_factory=list)
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self.tasks.add(task)
        self.connections += 1
        try:
            while await self.exchange(reader, writer):
                pass
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, ssl.SSLError):
            pass
        finally:
            self.tasks.discard(task)
            writer.close()
            with contextlib.suppress(ConnectionError, ssl.SSLError):
                await writer.wait_closed()

    async def exchange(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        head = await reader.readuntil(b"\r\n\r\n")
        request_line, *lines = head.decode("latin-1").rstrip("\r\n").split("\r\n")
        method, path, _ = request_line.split(" ", 2)
        headers = {name.strip().lower(): value.strip() for name, value in (line.split(":", 1) for line in lines)}
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        self.requests.append(Received(method, path, headers, body))
        self.active += 1
        self.most_active = max(self.most_active, self.active)
        try:
            handler = ROUTES.get(path, not_found)
            status, extra, content = await handler()
        finally:
            self.active -= 1
        if path == "/endless":
            await endless(writer)
            return False
        lines = [f"HTTP/1.1 {status} X", f"content-length: {len(content)}", *extra, "", ""]
        writer.write("\r\n".join(lines).encode() + content)
        await writer.drain()
        return True

    def sni(self, _sock: ssl.SSLObject, name: str | None, _ctx: ssl.SSLContext) -> None:
        self.server_names.append(name)


Response = tuple[int, list[str], bytes]


async def ok() -> Response:
    return 200, [], b"ok"


async def not_found() -> Response:
    return 404, [], b"no such path"


async def fail() -> Response:
    return 500, [], "é".encode() + b"x" * 5000


async def redirect() -> Response:
    return 302, ["location: /ok"], b""


async def slow() -> Response:
    await asyncio.sleep(2)
    return 200, [], b"late"


async def busy() -> Response:
    return 503, ["retry-after: 120"], b"busy"


async def dawdle() -> Response:
    await asyncio.sleep(0.1)
    return 200, [], b"done"


async def linger() -> Response:
    await asyncio.sleep(0.3)
    return 200, [], b"done"


async def stream_start() -> Response:
    return 200, [], b""


async def endless(writer: asyncio.StreamWriter) -> None:
    """200 with a 1 GB body, written until the client hangs up."""
    writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 1000000000\r\n\r\n")
    chunk = b"\xff" + b"z" * 65535
    for _ in range(16_000):
        writer.write(chunk)
        await writer.drain()


ROUTES: dict[str, Callable[[], Awaitable[Response]]] = {
    "/ok": ok,
    "/fail": fail,
    "/redirect": redirect,
    "/slow": slow,
    "/busy": busy,
    "/dawdle": dawdle,
    "/linger": linger,
    "/endless": stream_start,
}


@contextlib.asynccontextmanager
async def running(receiver: Receiver, tls: ssl.SSLContext | None = None) -> AsyncIterator[Receiver]:
    if tls is not None:
        tls.sni_callback = receiver.sni
    server = await asyncio.start_server(receiver.serve, "127.0.0.1", 0, ssl=tls)
    receiver.port = server.sockets[0].getsockname()[1]
    try:
        yield receiver
    finally:
        server.close()
        for task in list(receiver.tasks):
            task.cancel()
        await asyncio.gather(*receiver.tasks, return_exceptions=True)
        await server.wait_closed()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with running(Receiver()) as started:
        yield started


@pytest.fixture
async def sender() -> AsyncIterator[HttpSender]:
    client = HttpSender(allow=LOOPBACK, timeout=5)
    yield client
    await client.aclose()


@contextlib.asynccontextmanager
async def make_sender(**options: Any) -> AsyncIterator[HttpSender]:
    client = HttpSender(**options)
    try:
        yield client
    finally:
        await client.aclose()


def delivery(url: str, *secrets: str, msg_id: str = "msg_1") -> Delivery:
    return Delivery(
        url=url,
        msg_id=msg_id,
        timestamp=int(time.time()),
        body=BODY,
        secrets=list(secrets) or [signing.new_secret()],
    )


async def test_success_carries_headers_the_reference_verifier_accepts(receiver: Receiver, sender: HttpSender) -> None:
    current, previous = signing.new_secret(), signing.new_secret()
    result = await sender.send(delivery(f"http://127.0.0.1:{receiver.port}/ok", current, previous, msg_id="msg_a"))

    assert result.status == 200
    assert result.error is None
    assert result.response_excerpt == "ok"
    assert result.retry_after is None
    assert result.latency_ms > 0
    [got] = receiver.requests
    assert (got.method, got.path, got.body) == ("POST", "/ok", BODY)
    assert got.headers["host"] == f"127.0.0.1:{receiver.port}"
    assert got.headers["content-type"] == "application/json"
    assert got.headers["user-agent"] == "Canon-Webhooks/1.0"
    assert got.headers["accept-encoding"] == "identity"  # responses are never decompressed
    assert got.headers["webhook-id"] == "msg_a"
    assert len(got.headers["webhook-signature"].split(" ")) == 2
    for secret in (current, previous):  # a rotation: either secret verifies
        assert Webhook(secret).verify(got.body, got.headers)["data"] == {"slug": "arr"}

    # The next delivery reuses the pooled connection.
    again = await sender.send(delivery(f"http://127.0.0.1:{receiver.port}/ok"))
    assert again.status == 200
    assert receiver.connections == 1


async def test_an_error_status_is_returned_with_a_1_kib_excerpt(receiver: Receiver, sender: HttpSender) -> None:
    result = await sender.send(delivery(f"http://127.0.0.1:{receiver.port}/fail"))
    assert result.status == 500
    assert result.error is None
    assert result.response_excerpt == "é" + "x" * 1022  # 1024 bytes: é is two
    assert (await sender.send(delivery(f"http://127.0.0.1:{receiver.port}/nowhere"))).status == 404


async def test_a_huge_body_is_not_read_to_the_end(receiver: Receiver, sender: HttpSender) -> None:
    started = time.perf_counter()
    result = await sender.send(delivery(f"http://127.0.0.1:{receiver.port}/endless"))
    assert result.status == 200
    assert result.response_excerpt == "\ufffd" + "z" * 1023  # invalid UTF-8 replaced
    assert time.perf_counter() - started < 2
    # The connection was dropped rather than drained; the next delivery opens a fresh one and succeeds.
    assert (await sender.send(delivery(f"http://127.0.0.1:{receiver.port}/ok"))).status == 200
    assert receiver.connections == 2


async def test_redirects_are_not_followed(receiver: Receiver, sender: HttpSender) -> None:
    result = await sender.send(delivery(f"http://127.0.0.1:{receiver.port}/redirect"))
    assert result.status == 302
    assert [r.path for r in receiver.requests] == ["/redirect"]


async def test_retry_after_is_captured(receiver: Receiver, sender: HttpSender) -> None:
    result = await sender.send(delivery(f"http://127.0.0.1:{receiver.port}/busy"))
    assert (result.status, result.retry_after, result.response_excerpt) == (503, "120", "busy")


async def test_a_receiver_slower_than_the_timeout_is_a_timeout(receiver: Receiver) -> None:
    async with make_sender(allow=LOOPBACK, timeout=0.5) as sender:
        started = time.perf_counter()
        result = await sender.send(delivery(f"http://127.0.0.1:{receiver.port}/slow"))
    assert result == SendResult(None, result.latency_ms, "timeout", "", None)
    assert 450 <= result.latency_ms < 1500
    assert time.perf_counter() - started < 1.5


async def test_a_malformed_secret_is_reported_not_raised(receiver: Receiver, sender: HttpSender) -> None:
    result = await sender.send(delivery(f"http://127.0.0.1:{receiver.port}/ok", "whsec_not base64"))
    assert result.status is None
    assert result.error == "ValueError: a webhook secret is 'whsec_' followed by base64"
    assert receiver.requests == []


async def test_a_closed_port_is_connection_refused(sender: HttpSender) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = await sender.send(delivery(f"http://127.0.0.1:{port}/ok"))
    assert result.status is None
    assert result.error == "connection refused"


async def test_loopback_is_refused_without_an_allow_list(receiver: Receiver) -> None:
    async with make_sender() as sender:
        literal = await sender.send(delivery(f"http://127.0.0.1:{receiver.port}/ok"))
        named = await sender.send(delivery(f"http://localhost:{receiver.port}/ok"))
        metadata = await sender.send(delivery("http://169.254.169.254/latest/meta-data/"))
    assert literal.status is None
    assert literal.error == "unsafe target: 127.0.0.1 is not allowed (loopback address)"
    assert named.error is not None
    assert named.error.startswith("unsafe target: localhost resolves to 127.0.0.1")
    assert metadata.error == "unsafe target: 169.254.169.254 is not allowed (cloud metadata address)"
    assert receiver.requests == []
    assert receiver.connections == 0


async def test_a_hostname_is_checked_at_connect_time_and_keeps_its_host_header(
    receiver: Receiver, sender: HttpSender
) -> None:
    result = await sender.send(delivery(f"http://localhost:{receiver.port}/ok"))
    assert result.status == 200
    [got] = receiver.requests
    assert got.headers["host"] == f"localhost:{receiver.port}"


async def test_a_name_rebound_to_a_private_address_is_refused_at_connect_time(
    receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The URL passes the creation-time check (a public-looking name); DNS later answers with loopback."""
    loop = asyncio.get_running_loop()
    real = loop.getaddrinfo

    async def rebinding(host: Any, port: Any, **kwargs: Any) -> Any:
        if host == "hooks.rebind.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return await real(host, port, **kwargs)

    monkeypatch.setattr(loop, "getaddrinfo", rebinding)
    async with make_sender() as sender:
        refused = await sender.send(delivery(f"http://hooks.rebind.test:{receiver.port}/ok"))
    assert (
        refused.error
        == "unsafe target: hooks.rebind.test resolves to 127.0.0.1, which is not allowed (loopback address)"
    )
    assert receiver.connections == 0

    async with make_sender(allow=LOOPBACK) as sender:
        allowed = await sender.send(delivery(f"http://hooks.rebind.test:{receiver.port}/ok"))
    assert allowed.status == 200
    assert receiver.requests[0].headers["host"] == f"hooks.rebind.test:{receiver.port}"


async def test_concurrency_per_host_is_bounded(receiver: Receiver) -> None:
    async with make_sender(allow=LOOPBACK, max_per_host=3) as sender:
        results = await asyncio.gather(
            *(sender.send(delivery(f"http://127.0.0.1:{receiver.port}/dawdle")) for _ in range(12))
        )
    assert [r.status for r in results] == [200] * 12
    assert receiver.most_active == 3


async def test_concurrency_overall_is_bounded(receiver: Receiver) -> None:
    urls = [f"http://127.0.0.1:{receiver.port}/dawdle", f"http://localhost:{receiver.port}/dawdle"]
    async with make_sender(allow=LOOPBACK, max_per_host=8, max_total=2) as sender:
        results = await asyncio.gather(*(sender.send(delivery(urls[i % 2])) for i in range(8)))
    assert {r.status for r in results} == {200}
    assert receiver.most_active == 2


async def test_a_slow_endpoint_does_not_hold_back_another(receiver: Receiver) -> None:
    async with make_sender(allow=LOOPBACK, max_per_host=2) as sender:
        slow = [
            asyncio.create_task(sender.send(delivery(f"http://127.0.0.1:{receiver.port}/linger"))) for _ in range(6)
        ]
        await asyncio.sleep(0.05)
        started = time.perf_counter()
        other = await sender.send(delivery(f"http://localhost:{receiver.port}/ok"))
        elapsed = time.perf_counter() - started
        await asyncio.gather(*slow)
    assert other.status == 200
    assert elapsed < 0.3


# --- TLS: the certificate is checked against the URL's host name, which is also sent as SNI ---


async def test_https_validates_the_certificate_for_the_url_host(pki: Pki) -> None:
    client_tls = pki.client()
    async with running(Receiver(), pki.server) as tls_receiver, make_sender(allow=LOOPBACK, verify=client_tls) as s:
        good = await s.send(delivery(f"https://localhost:{tls_receiver.port}/ok"))
        # The certificate names localhost only: reaching the same server by address must fail verification.
        wrong_name = await s.send(delivery(f"https://127.0.0.1:{tls_receiver.port}/ok"))
    assert good.status == 200
    assert tls_receiver.server_names[0] == "localhost"
    assert tls_receiver.requests[0].headers["host"] == f"localhost:{tls_receiver.port}"
    assert wrong_name.status is None
    assert wrong_name.error is not None
    assert wrong_name.error == "tls error: IP address mismatch, certificate is not valid for '127.0.0.1'."
    assert len(tls_receiver.requests) == 1


async def test_https_with_an_untrusted_certificate_fails(pki: Pki) -> None:
    async with running(Receiver(), pki.server) as tls_receiver, make_sender(allow=LOOPBACK) as s:
        result = await s.send(delivery(f"https://localhost:{tls_receiver.port}/ok"))
    assert result.error is not None
    assert result.error.startswith("tls error: "), result.error
    assert "unable to get local issuer certificate" in result.error
    assert tls_receiver.requests == []
