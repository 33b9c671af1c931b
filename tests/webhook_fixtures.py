"""Fixtures and helpers for webhook tests: settings that allow loopback targets, an app on them, scriptable HTTP
receivers on 127.0.0.1 (real servers on threads of their own, so they answer while the test's loop is busy; HTTPS
with a certificate of a test CA made at run time), a worker running in the test's own event loop, and database
probes."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import socket
import ssl
import tempfile
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from uuid import UUID

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from service.config import Settings
from service.store.database import Pool, create_pool
from service.wiring import build_services, build_worker
from tests.asset_fixtures import running_client

# --- settings and apps ----------------------------------------------------------------------------------------------


def webhook_settings(settings: Settings, data_dir: Path, **overrides: Any) -> Settings:
    """The test settings for webhooks: loopback allowed, plain http, a short retry schedule and timeout, and no
    egress proxy whatever the shell's HTTP_PROXY says (`webhook_proxy=None` reads the environment again)."""
    values: dict[str, Any] = {
        "webhook_allow_networks": "127.0.0.0/8",
        "webhook_proxy": "direct",
        "webhook_require_https": False,
        "webhook_retry_seconds": (0.2, 0.2, 0.2),
        "webhook_timeout_seconds": 2.0,
        "data_dir": data_dir,
        "blob_dir": None,
        **overrides,
    }
    return msgspec.structs.replace(settings, **values)


@pytest.fixture
def hook_settings(settings: Settings, tmp_path: Path) -> Settings:
    return webhook_settings(settings, tmp_path / "data")


@pytest.fixture
async def hook_client(hook_settings: Settings) -> AsyncIterator[AsyncTestClient[Any]]:
    """An admin client of an app that accepts loopback webhook targets."""
    async with running_client(hook_settings) as test_client:
        yield test_client


@pytest.fixture
async def hook_pool(database_url: str) -> AsyncIterator[Pool]:
    """A pool of the test's own, on the test's event loop (the app's pool lives on the client's thread)."""
    created = await create_pool(database_url, min_size=1, max_size=8)
    try:
        yield created
    finally:
        await created.close()


@contextlib.asynccontextmanager
async def running_worker(pool: Pool, settings: Settings) -> AsyncIterator[None]:
    """`canon worker` (event-log consumers, fan-out and the dispatcher) as a task in this event loop."""
    worker = build_worker(build_services(pool, settings))
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, settings.webhook_timeout_seconds + 8)


# --- receivers ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """How a receiver answers one request; `delay` seconds pass before it does (a hanging endpoint)."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"ok"
    delay: float = 0.0


@dataclass
class Hit:
    """One request a receiver got. `at` is `time.monotonic()` on arrival; `status` is what it answered."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float
    status: int = 0

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def type(self) -> str:
        return str(self.json["type"])

    @property
    def slug(self) -> str | None:
        slug = self.json["data"].get("slug")
        return None if slug is None else str(slug)

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]


Rule = Callable[[Hit], Reply | None]


class Receiver:
    """A real HTTP server on 127.0.0.1 that records every request. It answers with `rule(hit)` if that gives a
    reply, else the next scripted reply, else 200. Each request is handled on a thread of its own. With `tls` (a
    server context) it speaks HTTPS, and its URL names `localhost`, the name its test certificate is for."""

    def __init__(self, port: int = 0, tls: ssl.SSLContext | None = None) -> None:
        self.port = port
        self.tls = tls
        self.hits: list[Hit] = []
        self.script: deque[Reply] = deque()
        self.rule: Rule | None = None
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self.tls is not None:
            return f"https://localhost:{self.port}/hook"
        return f"http://127.0.0.1:{self.port}/hook"

    def answer(self, *replies: Reply | int) -> Receiver:
        """Queue these replies (a bare int is that status with an empty body) for the next requests."""
        with self._lock:
            self.script.extend(Reply(r, body=b"") if isinstance(r, int) else r for r in replies)
        return self

    def received(self, event_type: str | None = None) -> list[Hit]:
        with self._lock:
            return [h for h in self.hits if event_type is None or h.type == event_type]

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                receiver._handle(self)

            def do_GET(self) -> None:
                receiver._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        if self.tls is not None:
            server.socket = self.tls.wrap_socket(server.socket, server_side=True)
        self.port = server.server_address[1]
        self._server = server
        self._release.clear()
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening (the port is closed afterwards) and end any request still hanging."""
        self._release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def _reply_for(self, hit: Hit) -> Reply:
        with self._lock:
            chosen = self.rule(hit) if self.rule is not None else None
            if chosen is None and self.script:
                chosen = self.script.popleft()
            hit.status = (chosen or Reply()).status
            self.hits.append(hit)
        return chosen or Reply()

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("content-length") or 0)
        body = request.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in request.headers.items()}
        reply = self._reply_for(Hit(request.command, request.path, headers, body, time.monotonic()))
        if reply.delay:
            self._release.wait(reply.delay)
        with contextlib.suppress(OSError):
            request.send_response(reply.status)
            for name, value in reply.headers.items():
                request.send_header(name, value)
            request.send_header("content-length", str(len(reply.body)))
            request.end_headers()
            request.wfile.write(reply.body)


def free_port() -> int:
    """A port nothing listens on (yet)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture
def receivers() -> Iterator[Callable[..., Receiver]]:
    """`receivers()` starts a receiver; `receivers(start=False, port=p)` makes one that is not listening yet;
    `receivers(tls=pki.server)` speaks HTTPS. All are stopped when the test ends."""
    made: list[Receiver] = []

    def make(*, start: bool = True, port: int = 0, tls: ssl.SSLContext | None = None) -> Receiver:
        receiver = Receiver(port, tls)
        made.append(receiver)
        return receiver.start() if start else receiver

    yield make
    for receiver in made:
        receiver.stop()


# --- TLS: a test CA and a certificate for localhost ----------------------------------------------------------


@dataclass
class Pki:
    """A test CA (`ca_pem`) and a server context with a certificate it issued for `localhost`."""

    ca_pem: bytes
    server: ssl.SSLContext

    def client(self) -> ssl.SSLContext:
        """A client context that trusts this CA only."""
        return ssl.create_default_context(cadata=self.ca_pem.decode())


@pytest.fixture(scope="module")
def pki() -> Pki:
    """Made at run time with `cryptography` (skipped where it is not installed)."""
    pytest.importorskip("cryptography")
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)

    def certificate(
        subject: str, key: ec.EllipticCurvePrivateKey, issuer: x509.Name | None, signer: ec.EllipticCurvePrivateKey
    ) -> x509.Certificate:
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
        builder = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(issuer or name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(hours=1))
        )
        if issuer is None:
            builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            builder = builder.add_extension(
                x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
            )
            builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        else:
            builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(subject)]), critical=False)
            builder = builder.add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()), critical=False
            )
        return builder.sign(signer, hashes.SHA256())

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = certificate("Canon Test CA", ca_key, None, ca_key)
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = certificate("localhost", leaf_key, ca.subject, ca_key)
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cadata = ca.public_bytes(serialization.Encoding.PEM)
    key_pem = leaf_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with tempfile.TemporaryDirectory() as folder:
        cert_file, key_file = Path(folder) / "cert.pem", Path(folder) / "key.pem"
        cert_file.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
        key_file.write_bytes(key_pem)
        server.load_cert_chain(cert_file, key_file)
    return Pki(cadata, server)


# --- API and database helpers ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subscribed:
    id: UUID
    secret: str
    body: dict[str, Any]


async def subscribe(client: AsyncTestClient[Any], url: str, **fields: Any) -> Subscribed:
    response = await client.post("/v1/webhooks", json={"url": url, **fields})
    assert response.status_code == 201, response.text
    body = response.json()
    return Subscribed(UUID(body["webhook"]["id"]), body["secret"], body)


async def until(check: Callable[[], Awaitable[bool] | bool], within: float = 5.0, what: str = "condition") -> None:
    """Wait until `check()` is true; fail after `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        result = check()
        if not isinstance(result, bool):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {within}s waiting for {what}")
        await asyncio.sleep(0.02)


class DeliveryRecord(msgspec.Struct, frozen=True):
    id: int
    subscription_id: UUID
    event_id: int | None
    event_type: str
    scope: str
    status: str
    attempts: int
    next_attempt_at: dt.datetime
    last_status: int | None
    last_error: str | None


class AttemptRecord(msgspec.Struct, frozen=True):
    delivery_id: int
    attempted_at: dt.datetime
    status_code: int | None
    error: str | None
    response_excerpt: str


async def deliveries(pool: Pool, subscription_id: UUID | None = None) -> list[DeliveryRecord]:
    """Every delivery (to one subscription, or to all), oldest first."""
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            """SELECT id, subscription_id, event_id, event_type, scope, status, attempts, next_attempt_at,
                      last_status, last_error
               FROM webhook_deliveries WHERE $1::uuid IS NULL OR subscription_id = $1 ORDER BY id""",
            subscription_id,
        )
    return [DeliveryRecord(**dict(r)) for r in rows]


async def attempts(pool: Pool, delivery_id: int) -> list[AttemptRecord]:
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            """SELECT delivery_id, attempted_at, status_code, error, response_excerpt FROM webhook_attempts
               WHERE delivery_id = $1 ORDER BY id""",
            delivery_id,
        )
    return [AttemptRecord(**dict(r)) for r in rows]


async def settled(pool: Pool, at_least: int = 1) -> bool:
    """True when there are at least `at_least` deliveries and none is pending (each succeeded or failed)."""
    async with pool.acquire() as conn:
        row = await conn.fetchrow(
            "SELECT count(*) AS total, count(*) FILTER (WHERE status = 'pending') AS pending FROM webhook_deliveries"
        )
    assert row is not None
    return bool(row["total"] >= at_least and row["pending"] == 0)
