"""A small forward proxy on 127.0.0.1 for the webhook proxy tests: absolute-form requests (GET, POST, any method with
a Content-Length body) are forwarded to their origin, CONNECT opens a tunnel. It runs on threads of its own (a real
server, answering while the test's event loop is busy) and records what it was asked.

It can demand credentials (407 with `Proxy-Authenticate`), refuse the next requests as scripted (with an RFC 9209
`Proxy-Status` error), and resolve names its own way (`hosts`): a proxy does its own DNS, which is exactly what Canon
cannot see. Nothing here ever connects anywhere but loopback: a destination that is not a loopback address after the
`hosts` lookup is answered 502 without a connection.
"""

from __future__ import annotations

import base64
import contextlib
import io
import ipaddress
import socket
import socketserver
import threading
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

_HOP_BY_HOP = {"proxy-authorization", "proxy-connection", "connection", "keep-alive"}


@dataclass(frozen=True)
class Asked:
    """One request the proxy received: `method` and `target` of its request line, its headers (names lowercased)."""

    method: str
    target: str
    headers: dict[str, str]


@dataclass(frozen=True)
class Refusal:
    """How the proxy answers a request it refuses: a status and the RFC 9209 error it names (none: no header)."""

    status: int
    error: str | None = "destination_ip_prohibited"


@dataclass
class ForwardProxy:
    """A forward proxy on 127.0.0.1. `credentials` (user, password): anything else is answered 407. `script`: the
    next requests are refused as listed, one each. `hosts`: the proxy's own name resolution (name -> address)."""

    credentials: tuple[str, str] | None = None
    hosts: dict[str, str] = field(default_factory=dict)
    script: deque[Refusal] = field(default_factory=deque)
    asked: list[Asked] = field(default_factory=list)
    connections: int = 0
    port: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: socketserver.ThreadingTCPServer | None = None
    _thread: threading.Thread | None = None

    def url(self, user: str | None = None, password: str | None = None) -> str:
        """The proxy's URL, with percent-encoded credentials if given."""
        userinfo = ""
        if user is not None:
            userinfo = quote(user, safe="") + (":" + quote(password, safe="") if password is not None else "") + "@"
        return f"http://{userinfo}127.0.0.1:{self.port}"

    def refuse(self, *refusals: Refusal | int) -> ForwardProxy:
        with self._lock:
            self.script.extend(r if isinstance(r, Refusal) else Refusal(r) for r in refusals)
        return self

    def seen(self) -> list[Asked]:
        with self._lock:
            return list(self.asked)

    def start(self) -> ForwardProxy:
        proxy = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                proxy._handle(self)

        server = socketserver.ThreadingTCPServer(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    # --- one client connection: one request -------------------------------------------------------------------

    def _handle(self, client: socketserver.StreamRequestHandler) -> None:
        with self._lock:
            self.connections += 1
        line = client.rfile.readline(65537).decode("latin-1").rstrip("\r\n")
        if not line:
            return
        method, target, _ = line.split(" ", 2)
        headers = _read_headers(client.rfile)
        asked = Asked(method, target, headers)
        with self._lock:
            self.asked.append(asked)
            refusal = self.script.popleft() if self.script else None
        if self.credentials is not None and headers.get("proxy-authorization") != _basic(*self.credentials):
            _answer(client, 407, [("proxy-authenticate", 'Basic realm="test proxy"')], b"credentials, please")
            return
        if refusal is not None:
            extra = [] if refusal.error is None else [("proxy-status", f"test-proxy; error={refusal.error}")]
            _answer(client, refusal.status, extra, b"refused by the test proxy")
            return
        if method == "CONNECT":
            self._tunnel(client, target)
        else:
            self._forward(client, asked)

    def _resolve(self, host: str) -> str | None:
        """The proxy's own DNS: `hosts` first, then literal addresses; only loopback is ever reached."""
        address = self.hosts.get(host, host).strip("[]")
        if address == "localhost":
            address = "127.0.0.1"
        try:
            return address if ipaddress.ip_address(address).is_loopback else None
        except ValueError:
            return None

    def _open(self, client: socketserver.StreamRequestHandler, host: str, port: int) -> socket.socket | None:
        address = self._resolve(host)
        if address is None:
            _answer(client, 502, [("proxy-status", "test-proxy; error=dns_error")], b"unknown host")
            return None
        try:
            return socket.create_connection((address, port), timeout=10)
        except OSError:
            _answer(client, 502, [("proxy-status", "test-proxy; error=connection_refused")], b"refused")
            return None

    def _tunnel(self, client: socketserver.StreamRequestHandler, target: str) -> None:
        host, _, port = target.rpartition(":")
        upstream = self._open(client, host, int(port))
        if upstream is None:
            return
        client.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        client.wfile.flush()
        downstream = client.connection
        done = threading.Event()

        def pump(source: socket.socket, sink: socket.socket) -> None:
            with contextlib.suppress(OSError):
                while chunk := source.recv(65536):
                    sink.sendall(chunk)
            done.set()

        threading.Thread(target=pump, args=(upstream, downstream), daemon=True).start()
        threading.Thread(target=pump, args=(downstream, upstream), daemon=True).start()
        done.wait()
        for sock in (upstream, downstream):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        upstream.close()

    def _forward(self, client: socketserver.StreamRequestHandler, asked: Asked) -> None:
        parts = urlsplit(asked.target)
        if parts.scheme != "http" or not parts.hostname:
            _answer(client, 400, [], b"absolute http URLs only")
            return
        body = client.rfile.read(int(asked.headers.get("content-length", "0")))
        upstream = self._open(client, parts.hostname, parts.port or 80)
        if upstream is None:
            return
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        kept = [(k, v) for k, v in asked.headers.items() if k not in _HOP_BY_HOP]
        head = [f"{asked.method} {path} HTTP/1.1", *(f"{k}: {v}" for k, v in kept), "connection: close", "", ""]
        with upstream, upstream.makefile("rb") as response:
            upstream.sendall("\r\n".join(head).encode("latin-1") + body)
            status_line = response.readline(65537).decode("latin-1").rstrip("\r\n")
            reply_headers = _read_headers(response)
            length = reply_headers.get("content-length")
            content = response.read(int(length)) if length is not None else response.read()
        _, status, *_ = status_line.split(" ", 2)
        extra = [(k, v) for k, v in reply_headers.items() if k not in _HOP_BY_HOP and k != "content-length"]
        _answer(client, int(status), extra, content)


def _read_headers(stream: io.BufferedIOBase) -> dict[str, str]:
    headers: dict[str, str] = {}
    while True:
        line = stream.readline(65537).decode("latin-1").rstrip("\r\n")
        if not line:
            return headers
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()


def _answer(
    client: socketserver.StreamRequestHandler, status: int, headers: list[tuple[str, str]], body: bytes
) -> None:
    lines = [f"HTTP/1.1 {status} X", *(f"{k}: {v}" for k, v in headers), f"content-length: {len(body)}"]
    with contextlib.suppress(OSError):
        client.wfile.write("\r\n".join([*lines, "connection: close", "", ""]).encode("latin-1") + body)
        client.wfile.flush()


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
