"""The `WebhookSender` protocol and `HttpSender`, which puts one signed delivery on the wire.

`HttpSender` is a small HTTP/1.1 client (h11 over asyncio streams) with keep-alive connections of its own per
scheme, host and port: no shared pool to scan on every request, whose cost grew with the number of endpoints
(decision 24; the figures are in `docs/benchmarks.md`). Every new connection resolves the host, refuses the target
if any address is forbidden (`network.py`), and connects to a checked address itself, so a DNS answer that changes
between check and connect (rebinding) is never used. The `Host` header, TLS SNI and the certificate check all use
the URL's real host name; connections are never shared between two names. Redirects are never followed (a 3xx is
just a status), and only the first 1 KiB of a response body is kept.

Behind an egress proxy (`proxy.py`) the destination is still resolved and checked the same way before the proxy is
asked, but the proxy connects to whatever the name resolves to for it: plain HTTP is forwarded to it (absolute URL in
the request line), HTTPS goes through a `CONNECT` tunnel with TLS, SNI and the certificate check end to end with the
destination. A proxy's failure is the attempt's failure, recorded as "proxy ...".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import time
from collections.abc import AsyncIterator
from typing import Protocol
from urllib.parse import urlsplit

import h11
import httpx
import msgspec

from service.webhooks import signing
from service.webhooks.network import Networks, UnsafeTarget, check_url, resolve_and_check
from service.webhooks.proxy import Proxies, ProxyError, ProxyServer, open_tunnel, proxy_error_of

log = logging.getLogger(__name__)

EXCERPT_BYTES = 1024
# After the excerpt, up to this much more is read and dropped so the connection can be reused; a longer response
# is cut off by closing its connection instead.
DRAIN_BYTES = 64 * 1024
DEFAULT_TIMEOUT = 15.0
# Idle connections older than this are closed rather than reused: below the idle timeout of common servers.
KEEPALIVE_SECONDS = 5.0
_READ_SIZE = 65536


class Delivery(msgspec.Struct, frozen=True):
    """One request to make. `msg_id` (the `webhook-id`) stays the same across retries of the same message."""

    url: str
    msg_id: str
    timestamp: int
    body: bytes
    secrets: list[str]


class SendResult(msgspec.Struct, frozen=True):
    """What one attempt produced: the status if a response arrived, else `error` (e.g. "timeout")."""

    status: int | None
    latency_ms: float
    error: str | None
    response_excerpt: str
    retry_after: str | None


class WebhookSender(Protocol):
    async def send(self, delivery: Delivery) -> SendResult:
        """Make one attempt. Never raises for anything the network or the receiver does."""
        ...


_Key = tuple[str, str, int]  # scheme, host, port


class HttpSender:
    """The real sender: keep-alive connections per scheme/host/port, redirects not followed, SSRF-checked
    connections, and at most `max_per_host` requests in flight per host:port and `max_total` overall, so a slow
    endpoint holds only its own slots. `timeout` bounds a whole attempt (connect, send, and the response's status
    and headers); the excerpt is read within the same deadline. `proxies` says which targets go through an egress
    proxy (default: none)."""

    def __init__(
        self,
        *,
        allow: Networks | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_per_host: int = 8,
        max_total: int = 256,
        verify: ssl.SSLContext | bool = True,
        proxies: Proxies | None = None,
    ) -> None:
        if timeout <= 0 or max_per_host < 1 or max_total < 1:
            raise ValueError("timeout, max_per_host and max_total must be positive")
        self._allow = allow if allow is not None else Networks()
        self._timeout = timeout
        self._slots = _Slots(max_per_host, max_total)
        self._ssl = verify if isinstance(verify, ssl.SSLContext) else httpx.create_ssl_context(verify=verify)
        self._idle: dict[_Key, list[_Connection]] = {}
        self._pruned_at = time.monotonic()
        self._proxies = proxies if proxies is not None else Proxies()
        if self._proxies.http is not None or self._proxies.https is not None or self._proxies.bypass.ignored:
            log.info("webhook egress proxy: %s", self._proxies.describe())

    async def aclose(self) -> None:
        idle, self._idle = self._idle, {}
        for connections in idle.values():
            for connection in connections:
                connection.close()

    async def send(self, delivery: Delivery) -> SendResult:
        """POST the signed body and report what happened; never raises for network or receiver faults."""
        try:
            check_url(delivery.url, allow=self._allow, require_https=False)
        except UnsafeTarget as exc:
            return SendResult(None, 0.0, f"unsafe target: {exc.reason}", "", None)
        parts = urlsplit(delivery.url)
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").lower()
        port = parts.port or (443 if scheme == "https" else 80)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        authority = host if parts.port is None else f"{host}:{port}"
        if ":" in host:  # an IPv6 literal
            authority = f"[{host}]" if parts.port is None else f"[{host}]:{port}"
        proxy = self._proxies.for_target(scheme, host, port)
        if proxy is not None and scheme == "http":  # forwarded: the proxy reads the destination from the URL
            target = f"http://{authority}{target}"
        async with self._slots.hold(f"{host}:{port}"):
            return await self._attempt(delivery, (scheme, host, port), authority, target, proxy)

    async def _attempt(
        self, delivery: Delivery, key: _Key, authority: str, target: str, proxy: ProxyServer | None
    ) -> SendResult:
        started = time.perf_counter()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._timeout
        connection: _Connection | None = None
        forwarded = proxy is not None and key[0] == "http"
        try:
            headers = signing.headers(delivery.secrets, delivery.msg_id, delivery.timestamp, delivery.body)
            if forwarded and proxy is not None and proxy.authorization is not None:
                headers["proxy-authorization"] = proxy.authorization
            async with asyncio.timeout_at(deadline):
                connection = self._take_idle(key) or await self._connect(key, proxy)
                response = await connection.request(authority, target, headers, delivery.body)
        except Exception as exc:  # a sender reports every failure; the policy decides what it means
            error = describe_error(exc)
            if connection is not None:
                connection.close()
            elif proxy is not None and isinstance(exc, TimeoutError):
                error = f"timeout (connecting through proxy {proxy.label})"
            return SendResult(None, _ms_since(started), error, "", None)
        except BaseException:  # cancelled (shutdown): a half-used connection is never reused
            if connection is not None:
                connection.close()
            raise
        latency = _ms_since(started)
        try:
            excerpt, reusable = await connection.read_excerpt(deadline)
        except BaseException:
            connection.close()
            raise
        if reusable:
            connection.idle_since = loop.time()
            self._idle.setdefault(key, []).append(connection)
        else:
            connection.close()
        status = response.status_code
        retry_after = next((v.decode("latin-1") for k, v in response.headers if k == b"retry-after"), None)
        proxy_error = proxy_error_of(status, response.headers) if forwarded else None
        if proxy_error is not None:  # the proxy answered in the destination's place
            return SendResult(None, latency, proxy_error, excerpt, None)
        return SendResult(status, latency, None, excerpt, retry_after)

    def _take_idle(self, key: _Key) -> _Connection | None:
        now = asyncio.get_running_loop().time()
        if now - self._pruned_at > KEEPALIVE_SECONDS:
            self._prune(now)
        idle = self._idle.get(key)
        while idle:
            connection = idle.pop()
            if now - connection.idle_since < KEEPALIVE_SECONDS and connection.usable:
                return connection
            connection.close()
        return None

    def _prune(self, now: float) -> None:
        """Close idle connections gone stale, and forget hosts with none left."""
        self._pruned_at = now
        for key, idle in list(self._idle.items()):
            fresh = [c for c in idle if now - c.idle_since < KEEPALIVE_SECONDS and c.usable]
            for connection in idle:
                if connection not in fresh:
                    connection.close()
            if fresh:
                self._idle[key] = fresh
            else:
                del self._idle[key]

    async def _connect(self, key: _Key, proxy: ProxyServer | None) -> _Connection:
        scheme, host, port = key
        # The destination is checked whether or not a proxy is in between (with one, the proxy resolves it again).
        addresses = await resolve_and_check(host, port, self._allow)
        tls = self._ssl if scheme == "https" else None
        if proxy is not None:
            return await self._through(proxy, host, port, tls)
        failure: Exception | None = None
        for address in addresses:
            try:
                reader, writer = await asyncio.open_connection(
                    str(address), port, ssl=tls, server_hostname=host if tls is not None else None
                )
            except (OSError, ssl.SSLError) as exc:
                failure = exc
                continue
            return _Connection(reader, writer)
        assert failure is not None  # resolve_and_check returns at least one address
        raise failure

    @staticmethod
    async def _through(proxy: ProxyServer, host: str, port: int, tls: ssl.SSLContext | None) -> _Connection:
        """A connection to the proxy: as it is for forwarding plain HTTP, through a CONNECT tunnel and TLS for HTTPS.
        The proxy itself is the operator's choice, so its address is not held to the SSRF rules."""
        try:
            reader, writer = await asyncio.open_connection(proxy.host, proxy.port)
        except OSError as exc:
            raise ProxyError(f"proxy unreachable ({proxy.label}): {_describe_os_error(exc)}") from exc
        if tls is None:
            return _Connection(reader, writer)
        try:
            try:
                await open_tunnel(reader, writer, proxy, f"[{host}]:{port}" if ":" in host else f"{host}:{port}")
            except (OSError, h11.ProtocolError) as exc:
                raise ProxyError(f"proxy {proxy.label} failed during CONNECT: {describe_error(exc)}") from exc
            await writer.start_tls(tls, server_hostname=host)
        except BaseException:
            writer.close()
            raise
        return _Connection(reader, writer)


class _Connection:
    """One HTTP/1.1 connection, parsed with h11 (what uvicorn uses), reused while both sides keep it alive."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer
        self._h11 = h11.Connection(our_role=h11.CLIENT)
        self.idle_since = 0.0

    @property
    def usable(self) -> bool:
        """False once the server closed it while it sat idle."""
        return not (self._writer.is_closing() or self._reader.at_eof())

    async def request(self, authority: str, target: str, headers: dict[str, str], body: bytes) -> h11.Response:
        """Send a POST and read the response's status line and headers."""
        fields = [
            ("host", authority),
            ("accept", "*/*"),
            # identity: the excerpt is raw bytes, and nothing is ever decompressed (no zip bombs).
            ("accept-encoding", "identity"),
            ("content-length", str(len(body))),
            *headers.items(),
        ]
        data = self._h11.send(h11.Request(method="POST", target=target, headers=fields)) or b""
        data += (self._h11.send(h11.Data(data=body)) or b"") + (self._h11.send(h11.EndOfMessage()) or b"")
        self._writer.write(data)
        await self._writer.drain()
        while True:
            event = await self._next_event()
            if isinstance(event, h11.Response):
                return event
            if isinstance(event, h11.ConnectionClosed):
                raise ConnectionResetError("the server closed the connection without answering")
            # h11.InformationalResponse (1xx): keep waiting for the final response

    async def read_excerpt(self, deadline: float) -> tuple[str, bool]:
        """The first EXCERPT_BYTES of the body, decoded leniently, and whether the connection can be reused. The
        status already arrived, so a body that is slow, broken or endless only shortens the excerpt."""
        kept = bytearray()
        seen = 0
        complete = False
        with contextlib.suppress(TimeoutError, OSError, h11.ProtocolError):
            async with asyncio.timeout_at(deadline):
                while seen <= EXCERPT_BYTES + DRAIN_BYTES:
                    event = await self._next_event()
                    if isinstance(event, h11.Data):
                        if len(kept) < EXCERPT_BYTES:
                            kept += event.data[: EXCERPT_BYTES - len(kept)]
                        seen += len(event.data)
                    elif isinstance(event, h11.EndOfMessage):
                        complete = True
                        break
                    else:  # ConnectionClosed
                        break
        reusable = complete and self._h11.our_state is h11.DONE and self._h11.their_state is h11.DONE
        if reusable:
            self._h11.start_next_cycle()
        return kept.decode("utf-8", errors="replace"), reusable

    async def _next_event(self) -> object:
        while True:
            event = self._h11.next_event()
            if event is not h11.NEED_DATA:
                return event
            self._h11.receive_data(await self._reader.read(_READ_SIZE))

    def close(self) -> None:
        self._writer.close()


def describe_error(exc: Exception) -> str:
    """A short, stable description of why no response arrived: "timeout", "connection refused", ...

    What an attempt can raise is the sender's own: `UnsafeTarget` from the connect-time check, `TimeoutError` from
    the deadline, OS and TLS errors from the socket, h11's protocol errors from the response, `ProxyError` when an
    egress proxy failed, and whatever signing raises for a malformed secret. Each is raised as itself, not wrapped
    (a proxy's socket errors excepted: they become a `ProxyError` naming the proxy).
    """
    if isinstance(exc, UnsafeTarget):
        return f"unsafe target: {exc.reason}"
    if isinstance(exc, ProxyError):
        return str(exc)
    if isinstance(exc, TimeoutError):
        return "timeout"
    if isinstance(exc, h11.RemoteProtocolError):
        return f"protocol error: {exc}"
    if isinstance(exc, OSError):
        return _describe_os_error(exc)
    return f"{type(exc).__name__}: {exc}"


def _describe_os_error(exc: OSError) -> str:
    """A socket or TLS error (`ssl.SSLError` is an `OSError`)."""
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, ConnectionResetError):
        return "connection reset"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"tls error: {exc.verify_message or exc}"
    if isinstance(exc, ssl.SSLError):
        return f"tls error: {exc.reason or exc}"
    # The OS's own words ("No route to host") when it gave them.
    return f"connection error: {exc.strerror or exc}"


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)


class _Slots:
    """Semaphores per host:port (created on demand, dropped when idle) under one overall semaphore."""

    def __init__(self, per_key: int, total: int) -> None:
        self._per_key = per_key
        self._total = asyncio.Semaphore(total)
        self._keys: dict[str, tuple[asyncio.Semaphore, list[int]]] = {}

    @contextlib.asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        semaphore, users = self._keys.setdefault(key, (asyncio.Semaphore(self._per_key), [0]))
        users[0] += 1
        try:
            # The host's own slot first: requests queued behind a slow host must not hold overall slots.
            async with semaphore, self._total:
                yield
        finally:
            users[0] -= 1
            if users[0] == 0:
                del self._keys[key]
