"""The egress proxy for webhook delivery: which proxy a target goes through (`Proxies`, from `HTTP_PROXY`,
`HTTPS_PROXY` and `NO_PROXY` or Canon's own settings), and the CONNECT handshake that opens a tunnel through it.

Plain `http` targets are forwarded (the request line carries the absolute URL); `https` targets are tunnelled with
`CONNECT host:port`, and TLS runs end to end with the destination inside the tunnel. The proxy's credentials travel
as `Proxy-Authorization` to the proxy only, and nothing here puts them in a message, an error or a `repr`.

The SSRF rules still apply to the destination (the sender resolves and checks it before asking the proxy), but the
proxy resolves the name again itself; closing that gap is the proxy's ACL's job (docs/webhooks.md, decision 37).
"""

from __future__ import annotations

import asyncio
import base64
import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

import h11

from service.webhooks.network import IPNetwork

_READ_SIZE = 65536
# A proxy's own account of why it answered instead of the destination (RFC 9209), e.g. `squid; error=dns_timeout`.
_PROXY_STATUS_ERROR = re.compile(r";\s*error=\"?([A-Za-z0-9_.-]+)")
_NAME = re.compile(r"^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$")
DIRECT = "direct"  # CANON_WEBHOOK_PROXY=direct: no proxy, whatever the environment says


class ProxyError(Exception):
    """The proxy, not the destination, failed the attempt; the message is the attempt's recorded error."""


@dataclass(frozen=True, slots=True)
class ProxyServer:
    """A proxy to connect to. `authorization` is the `Proxy-Authorization` value made from the URL's user:password;
    it is left out of `repr`, and `label` (what errors name) is only host:port."""

    host: str
    port: int
    authorization: str | None = field(default=None, repr=False)

    @property
    def label(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


def parse_proxy_url(text: str, variable: str) -> ProxyServer:
    """`http://[user:password@]host[:port]` (port 80 if absent; a URL without a scheme is taken as http). Raises
    ValueError naming `variable`, never repeating the URL (it may hold a password)."""
    raw = text.strip()
    parts = urlsplit(raw if "://" in raw else f"http://{raw}")
    if parts.scheme.lower() != "http":
        raise ValueError(f"{variable}: the proxy's URL must start with http:// (got {parts.scheme}://)")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(f"{variable}: the proxy's URL has a path; give only http://[user:password@]host[:port]")
    try:
        port = parts.port or 80
    except ValueError:
        raise ValueError(f"{variable}: the proxy's port is not a number between 1 and 65535") from None
    if not parts.hostname:
        raise ValueError(f"{variable}: the proxy's URL has no host")
    authorization = None
    if parts.username is not None:
        user_pass = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        authorization = "Basic " + base64.b64encode(user_pass.encode()).decode("ascii")
    return ProxyServer(parts.hostname, port, authorization)


@dataclass(frozen=True, slots=True)
class _Rule:
    name: str | None = None  # a domain: itself and every name under it
    network: IPNetwork | None = None  # addresses written as IP literals in the URL
    port: int | None = None  # None: any port


@dataclass(frozen=True, slots=True)
class NoProxy:
    """Targets that bypass the proxy (`NO_PROXY`): comma-separated entries, case-insensitive.

    `*` alone: every target. A name (`example.com`, `.example.com` or `*.example.com`, all the same): that name and
    every name under it, never a name that merely ends the same way (`badexample.com`). An IP address or CIDR
    (`10.1.2.3`, `10.0.0.0/8`, `::1`, `fd00::/8`): URLs whose host is an address in it; names are not resolved to
    compare. `host:port` (`[v6]:port` for IPv6): only that port. Anything else (`192.168.*`, `<local>`) is kept in
    `ignored` and matches nothing: the variable is shared with other programs, and an entry skipped only sends
    that target through the proxy.
    """

    everything: bool = False
    rules: tuple[_Rule, ...] = ()
    ignored: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str | None) -> NoProxy:
        rules: list[_Rule] = []
        ignored: list[str] = []
        for raw in (text or "").split(","):
            entry = raw.strip().lower()
            if entry == "*":
                return cls(everything=True)
            if entry:
                rule = _parse_rule(entry)
                if rule is None:
                    ignored.append(entry)
                else:
                    rules.append(rule)
        return cls(rules=tuple(rules), ignored=tuple(ignored))

    def matches(self, host: str, port: int) -> bool:
        """Whether a target on `host` (a URL's host, lowercase, IPv6 without brackets) and `port` goes direct."""
        if self.everything:
            return True
        name = host.rstrip(".")
        try:
            address = ipaddress.ip_address(name)
        except ValueError:
            address = None
        for rule in self.rules:
            if rule.port is not None and rule.port != port:
                continue
            if address is not None:
                if rule.network is not None and address.version == rule.network.version and address in rule.network:
                    return True
            elif rule.name is not None and (name == rule.name or name.endswith("." + rule.name)):
                return True
        return False


def _parse_rule(entry: str) -> _Rule | None:
    host, port_text = entry, None
    if entry.startswith("["):  # [v6] or [v6]:port
        host, _, rest = entry[1:].partition("]")
        if rest:
            if not rest.startswith(":"):
                return None
            port_text = rest[1:]
    elif entry.count(":") == 1:  # name:port or v4:port
        host, _, port_text = entry.partition(":")
    port = None
    if port_text is not None:
        if not (port_text.isascii() and port_text.isdigit() and 0 < int(port_text) < 65536):
            return None
        port = int(port_text)
    try:
        return _Rule(network=ipaddress.ip_network(host, strict=False), port=port)
    except ValueError:
        pass
    name = host.removeprefix("*.").removeprefix(".").rstrip(".")
    return _Rule(name=name, port=port) if _NAME.match(name) else None


@dataclass(frozen=True, slots=True)
class Proxies:
    """The proxy for each target scheme, and the targets that bypass it. `Proxies()`: always direct."""

    http: ProxyServer | None = None
    https: ProxyServer | None = None
    bypass: NoProxy = field(default_factory=NoProxy)

    @classmethod
    def from_environment(
        cls, environ: Mapping[str, str], *, proxy: str | None = None, no_proxy: str | None = None
    ) -> Proxies:
        """`proxy` (CANON_WEBHOOK_PROXY), if set, is the proxy for both schemes, or `direct` for none; else
        `http_proxy`/`HTTP_PROXY` for http targets and `https_proxy`/`HTTPS_PROXY` for https targets, the lowercase
        name first (as curl, wget and Python's urllib read them). `no_proxy` (CANON_WEBHOOK_NO_PROXY), if set,
        replaces `no_proxy`/`NO_PROXY`. Empty values count as unset. Raises ValueError naming a proxy variable that
        is not an http:// proxy URL; a malformed NO_PROXY entry is only left out (`bypass.ignored`)."""
        http: ProxyServer | None
        https: ProxyServer | None
        if proxy is not None and proxy.strip():
            if proxy.strip().lower() == DIRECT:
                return cls()
            http = https = parse_proxy_url(proxy, "CANON_WEBHOOK_PROXY")
        else:
            http = _from_variables(environ, "http_proxy")
            https = _from_variables(environ, "https_proxy")
        if no_proxy is not None and no_proxy.strip():
            bypass = NoProxy.parse(no_proxy)
        else:
            bypass = NoProxy.parse(_variable(environ, "no_proxy")[1])
        return cls(http, https, bypass)

    def for_target(self, scheme: str, host: str, port: int) -> ProxyServer | None:
        """The proxy a target goes through, or None to connect directly."""
        proxy = self.https if scheme == "https" else self.http
        if proxy is None or self.bypass.matches(host, port):
            return None
        return proxy

    def describe(self) -> str:
        """For the log: proxies by host:port (never their credentials) and how many NO_PROXY entries there are."""
        bypass = "everything" if self.bypass.everything else f"{len(self.bypass.rules)} NO_PROXY entries"
        http = self.http.label if self.http else "direct"
        https = self.https.label if self.https else "direct"
        ignored = f" (ignored as malformed: {', '.join(self.bypass.ignored)})" if self.bypass.ignored else ""
        return f"http targets via {http}, https targets via {https}, bypassing {bypass}{ignored}"


def _variable(environ: Mapping[str, str], lower: str) -> tuple[str, str | None]:
    for name in (lower, lower.upper()):
        value = environ.get(name, "").strip()
        if value:
            return name, value
    return lower.upper(), None


def _from_variables(environ: Mapping[str, str], lower: str) -> ProxyServer | None:
    name, value = _variable(environ, lower)
    return None if value is None else parse_proxy_url(value, name)


async def open_tunnel(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, proxy: ProxyServer, authority: str
) -> None:
    """Ask the proxy on this connection to `CONNECT authority` (host:port); return once it agreed, after which the
    connection carries bytes to and from the destination. Raises ProxyError if it does not agree."""
    connection = h11.Connection(our_role=h11.CLIENT)
    headers = [("host", authority)]
    if proxy.authorization is not None:
        headers.append(("proxy-authorization", proxy.authorization))
    request = connection.send(h11.Request(method="CONNECT", target=authority, headers=headers)) or b""
    writer.write(request + (connection.send(h11.EndOfMessage()) or b""))
    await writer.drain()
    while True:
        event = connection.next_event()
        if event is h11.NEED_DATA:
            connection.receive_data(await reader.read(_READ_SIZE))
        elif isinstance(event, h11.Response):
            break
        elif isinstance(event, h11.ConnectionClosed):
            raise ProxyError(f"proxy {proxy.label} closed the connection instead of answering CONNECT")
        # h11.InformationalResponse (1xx): keep waiting
    if not 200 <= event.status_code < 300:
        raise ProxyError(f"proxy refused CONNECT: {event.status_code}{proxy_detail(event.status_code, event.headers)}")
    data, _closed = connection.trailing_data
    if data:  # TLS starts with the client: a proxy has nothing to say before it
        raise ProxyError(f"proxy {proxy.label} sent data before the tunnel was used")


def proxy_detail(status: int, headers: Sequence[tuple[bytes, bytes]]) -> str:
    """The " (reason)" after a proxy's own error status: its `Proxy-Status` error (RFC 9209), else what 407 means."""
    error = _proxy_status_error(headers)
    if error is not None:
        return f" ({error})"
    return " (proxy authentication required)" if status == 407 else ""


def proxy_error_of(status: int, headers: Sequence[tuple[bytes, bytes]]) -> str | None:
    """For a forwarded request: the error to record if the proxy answered in the destination's place, else None.

    407 always comes from the proxy; any other status counts as the proxy's only when it says so with a
    `Proxy-Status` error (RFC 9209). A proxy that answers 502 without one looks like the destination's 502, and is
    recorded as that status (with the proxy's page as the excerpt): it is retried the same way.
    """
    if status == 407 or _proxy_status_error(headers) is not None:
        return f"proxy answered {status}{proxy_detail(status, headers)}"
    return None


def _proxy_status_error(headers: Sequence[tuple[bytes, bytes]]) -> str | None:
    for name, value in headers:
        if name.lower() == b"proxy-status":
            found = _PROXY_STATUS_ERROR.search(value.decode("latin-1"))
            if found:
                return found.group(1)
    return None
