"""The `WebhookSender` protocol and `HttpSender`, which puts one signed delivery on the wire.

`HttpSender` shares one httpx client (and so one connection pool) across all endpoints. Every new connection is
made by `_GuardedBackend`: it resolves the host, refuses the target if any address is forbidden (`network.py`), and
connects to a checked address itself, so a DNS answer that changes between check and connect (rebinding) is never
used. The URL keeps its real host name, so the `Host` header, TLS SNI and certificate checks all see that name and
pooled connections are never shared between two names that happen to share an address.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import Protocol
from urllib.parse import urlsplit

import httpcore
import httpx
import msgspec

from service.webhooks import signing
from service.webhooks.network import Networks, UnsafeTarget, check_url, resolve_and_check

EXCERPT_BYTES = 1024
# After the excerpt, up to this much more is read and dropped so the connection can be reused; a longer response
# is cut off by closing its connection instead.
DRAIN_BYTES = 64 * 1024
DEFAULT_TIMEOUT = 15.0


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


class HttpSender:
    """The real sender: one shared httpx client, redirects not followed, SSRF-checked connections, and at most
    `max_per_host` requests in flight per host:port and `max_total` overall, so a slow endpoint holds only its own
    slots. `timeout` bounds a whole attempt (connect, send, and the response's status and headers)."""

    def __init__(
        self,
        *,
        allow: Networks | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_per_host: int = 8,
        max_total: int = 256,
        verify: ssl.SSLContext | bool = True,
    ) -> None:
        if timeout <= 0 or max_per_host < 1 or max_total < 1:
            raise ValueError("timeout, max_per_host and max_total must be positive")
        self._allow = allow if allow is not None else Networks()
        self._timeout = timeout
        self._slots = _Slots(max_per_host, max_total)
        ssl_context = verify if isinstance(verify, ssl.SSLContext) else httpx.create_ssl_context(verify=verify)
        pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=max_total,
            max_keepalive_connections=max_total,
            keepalive_expiry=5.0,  # below the idle timeout of common servers, so few pooled sockets go stale
            network_backend=_GuardedBackend(self._allow),
        )
        self._client = httpx.AsyncClient(
            transport=_Transport(pool),
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            trust_env=False,  # no proxies or .netrc from the environment: a proxy would bypass the guard
            # identity: the excerpt is raw bytes, and nothing is ever decompressed (no zip bombs).
            headers={"accept": "*/*", "accept-encoding": "identity"},
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def send(self, delivery: Delivery) -> SendResult:
        """POST the signed body and report what happened; never raises for network or receiver faults."""
        try:
            check_url(delivery.url, allow=self._allow, require_https=False)
        except UnsafeTarget as exc:
            return SendResult(None, 0.0, f"unsafe target: {exc.reason}", "", None)
        async with self._slots.hold(_slot_key(delivery.url)):
            return await self._attempt(delivery)

    async def _attempt(self, delivery: Delivery) -> SendResult:
        started = time.perf_counter()
        deadline = asyncio.get_running_loop().time() + self._timeout
        try:
            headers = signing.headers(delivery.secrets, delivery.msg_id, delivery.timestamp, delivery.body)
            request = self._client.build_request("POST", delivery.url, content=delivery.body, headers=headers)
            async with asyncio.timeout_at(deadline):
                response = await self._client.send(request, stream=True)
        except Exception as exc:  # a sender reports every failure; the policy decides what it means
            return SendResult(None, _ms_since(started), describe_error(exc), "", None)
        latency = _ms_since(started)
        try:
            excerpt = await _read_excerpt(response, deadline)
        finally:
            with contextlib.suppress(httpx.HTTPError, OSError):
                await response.aclose()
        return SendResult(response.status_code, latency, None, excerpt, response.headers.get("retry-after"))


def describe_error(exc: BaseException) -> str:
    """A short, stable description of why no response arrived: "timeout", "connection refused", ..."""
    if isinstance(exc, UnsafeTarget):
        return f"unsafe target: {exc.reason}"
    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        return "timeout"
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return f"invalid url: {exc}"
    for cause in _causes(exc):
        described = _describe_cause(cause)
        if described is not None:
            return described
    for kind, label in _ERROR_LABELS:
        if isinstance(exc, kind):
            # The innermost OS error says most ("No route to host"); httpx's own message is often generic.
            os_error = next((c.strerror for c in _causes(exc) if isinstance(c, OSError) and c.strerror), None)
            return f"{label}: {os_error or exc or type(exc).__name__}"
    return f"{type(exc).__name__}: {exc}"


_ERROR_LABELS: tuple[tuple[type[BaseException], str], ...] = (
    (httpx.RemoteProtocolError, "protocol error"),
    (httpx.ConnectError, "connection failed"),
    (httpx.TransportError, "connection error"),
    (OSError, "connection error"),
)


def _describe_cause(cause: BaseException) -> str | None:
    if isinstance(cause, ConnectionRefusedError):
        return "connection refused"
    if isinstance(cause, ConnectionResetError):
        return "connection reset"
    if isinstance(cause, ssl.SSLCertVerificationError):
        return f"tls error: {cause.verify_message or cause}"
    if isinstance(cause, ssl.SSLError):
        return f"tls error: {cause.reason or cause}"
    return None


async def _read_excerpt(response: httpx.Response, deadline: float) -> str:
    """The first EXCERPT_BYTES of the body, decoded leniently. The status already arrived, so a body that is slow,
    broken or endless only shortens the excerpt."""
    kept = bytearray()
    seen = 0
    with contextlib.suppress(TimeoutError, httpx.HTTPError):
        async with asyncio.timeout_at(deadline):
            async for chunk in response.aiter_raw():
                if len(kept) < EXCERPT_BYTES:
                    kept += chunk[: EXCERPT_BYTES - len(kept)]
                seen += len(chunk)
                if seen > EXCERPT_BYTES + DRAIN_BYTES:
                    break
    return kept.decode("utf-8", errors="replace")


def _causes(exc: BaseException) -> Iterable[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        if isinstance(current, BaseExceptionGroup):
            for inner in current.exceptions:
                yield from _causes(inner)
        current = current.__cause__ or current.__context__


def _slot_key(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    return f"{(parts.hostname or '').lower()}:{port}"


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


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """Opens TCP connections only to addresses that passed the SSRF check, trying each in resolver order."""

    def __init__(self, allow: Networks) -> None:
        self._allow = allow
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await resolve_and_check(host, port, self._allow)
        failure: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    str(address), port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None  # resolve_and_check returns at least one address
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise UnsafeTarget("unix sockets are not webhook targets")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


# httpcore's exceptions, as httpx's (what httpx's own transport does); the most specific class is found first.
_HTTPX_ERRORS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


@contextlib.contextmanager
def _httpx_errors(request: httpx.Request) -> Iterator[None]:
    try:
        yield
    except Exception as exc:
        for source, target in _HTTPX_ERRORS:
            if isinstance(exc, source):
                raise target(str(exc), request=request) from exc
        raise


class _Transport(httpx.AsyncBaseTransport):
    """httpx over an httpcore pool that uses `_GuardedBackend` (httpx's own transport cannot take a backend)."""

    def __init__(self, pool: httpcore.AsyncConnectionPool) -> None:
        self._pool = pool

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not isinstance(request.stream, httpx.AsyncByteStream):
            raise TypeError("the webhook transport sends async streams only")
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _httpx_errors(request):
            core_response = await self._pool.handle_async_request(core_request)
        if not isinstance(core_response.stream, AsyncIterable):
            raise TypeError("expected an async response stream")
        return httpx.Response(
            status_code=core_response.status,
            headers=core_response.headers,
            stream=_ResponseStream(core_response.stream, request),
            extensions=core_response.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()


class _ResponseStream(httpx.AsyncByteStream):
    def __init__(self, stream: AsyncIterable[bytes], request: httpx.Request) -> None:
        self._stream = stream
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _httpx_errors(self._request):
            async for part in self._stream:
                yield part

    async def aclose(self) -> None:
        close = getattr(self._stream, "aclose", None)
        if close is not None:
            await close()
