"""The SSRF guard: webhook targets may not reach private, loopback, link-local, metadata or otherwise special
addresses, unless `CANON_WEBHOOK_ALLOW_NETWORKS` lists them.

Checked twice: `check_url` when a subscription is created (syntax and literal IPs, no DNS), and `resolve_and_check`
when the sender opens a connection, which then connects only to the addresses it checked (no DNS rebinding).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

import msgspec

from service.domain.errors import FieldError, Invalid

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class UnsafeTarget(Invalid):
    """The URL may not be used as a webhook target; `reason` says why. A 422 on the `url` field at the API."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"unsafe webhook target: {reason}", [FieldError(pointer="/url", detail=reason)])
        self.reason = reason


class Networks(msgspec.Struct, frozen=True):
    """Networks the guard lets through although they are not public (e.g. `127.0.0.0/8` in tests)."""

    networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def parse(cls, text: str | None) -> Networks:
        """Comma-separated CIDRs (a bare address means /32 or /128). Raises ValueError naming a malformed entry."""
        networks: list[IPNetwork] = []
        for raw in (text or "").split(","):
            item = raw.strip()
            if not item:
                continue
            try:
                networks.append(ipaddress.ip_network(item, strict=True))
            except ValueError as exc:
                raise ValueError(f"CANON_WEBHOOK_ALLOW_NETWORKS: {item!r} is not a network ({exc})") from exc
        return cls(tuple(networks))

    def __contains__(self, address: object) -> bool:
        if not isinstance(address, ipaddress.IPv4Address | ipaddress.IPv6Address):
            return False
        return any(address.version == net.version and address in net for net in self.networks)


# Never allowed, whatever the allow-list says: these hand out cloud credentials.
_METADATA = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200", "169.254.170.2")
)

# Checked in order, so specific entries come before the ranges that contain them.
_FORBIDDEN_V4: tuple[tuple[ipaddress.IPv4Network, str], ...] = tuple(
    (ipaddress.IPv4Network(net), reason)
    for net, reason in (
        ("0.0.0.0/8", "unspecified address"),
        ("10.0.0.0/8", "private address"),
        ("100.64.0.0/10", "shared (CGNAT) address"),
        ("127.0.0.0/8", "loopback address"),
        ("169.254.0.0/16", "link-local address"),
        ("172.16.0.0/12", "private address"),
        ("192.0.0.0/24", "reserved address (IETF protocol assignments)"),
        ("192.0.2.0/24", "reserved address (documentation)"),
        ("192.88.99.0/24", "reserved address (6to4 relay)"),
        ("192.168.0.0/16", "private address"),
        ("198.18.0.0/15", "reserved address (benchmarking)"),
        ("198.51.100.0/24", "reserved address (documentation)"),
        ("203.0.113.0/24", "reserved address (documentation)"),
        ("224.0.0.0/4", "multicast address"),
        ("240.0.0.0/4", "reserved address"),
    )
)

_FORBIDDEN_V6: tuple[tuple[ipaddress.IPv6Network, str], ...] = tuple(
    (ipaddress.IPv6Network(net), reason)
    for net, reason in (
        ("::/128", "unspecified address"),
        ("::1/128", "loopback address"),
        ("64:ff9b:1::/48", "private address (local NAT64)"),
        ("100::/64", "reserved address (discard-only)"),
        ("2001::/23", "reserved address (IETF protocol assignments)"),
        ("2001:db8::/32", "reserved address (documentation)"),
        ("3fff::/20", "reserved address (documentation)"),
        ("5f00::/16", "reserved address (segment routing)"),
        ("fc00::/7", "private address (unique local)"),
        ("fe80::/10", "link-local address"),
        ("fec0::/10", "private address (site-local)"),
        ("ff00::/8", "multicast address"),
    )
)
_GLOBAL_UNICAST_V6 = ipaddress.IPv6Network("2000::/3")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def forbidden_reason(address: IPAddress, allow: Networks) -> str | None:
    """Why `address` may not be contacted, or None if it may (public, or inside an allowed network).

    IPv6 addresses that embed an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4
    `2002::/16`) are judged by the IPv4 address they lead to. Cloud metadata addresses are refused even when an
    allowed network contains them.
    """
    if address in _METADATA:
        return "cloud metadata address"
    if address in allow:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_v4(address)
        if embedded is not None:
            inner = forbidden_reason(embedded, allow)
            return None if inner is None else f"{inner} {embedded}, embedded in an IPv6 address"
    return _special_range(address)


def _special_range(address: IPAddress) -> str | None:
    table: tuple[tuple[IPNetwork, str], ...] = _FORBIDDEN_V4 if address.version == 4 else _FORBIDDEN_V6
    for network, reason in table:
        if address in network:
            return reason
    if address.version == 6 and address not in _GLOBAL_UNICAST_V6:
        return "reserved address"
    return None


def check_url(url: str, *, allow: Networks, require_https: bool) -> None:
    """Refuse a target URL on its face (no DNS): scheme, userinfo, host, port, and literal IP addresses.

    Hostnames are resolved and checked again on every new connection (`resolve_and_check`).
    """
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        raise UnsafeTarget("the URL contains whitespace or control characters")
    parts = urlsplit(url)
    allowed_schemes = ("https",) if require_https else ("https", "http")
    if parts.scheme.lower() not in allowed_schemes:
        raise UnsafeTarget(f"the scheme must be {' or '.join(allowed_schemes)}")
    if "@" in parts.netloc:
        raise UnsafeTarget("credentials in the URL are not allowed")
    host = parts.hostname
    if not host:
        raise UnsafeTarget("the URL has no host")
    try:
        port = parts.port
    except ValueError as exc:
        raise UnsafeTarget("the port is not a number between 1 and 65535") from exc
    if port == 0:
        raise UnsafeTarget("the port is not a number between 1 and 65535")
    address = _literal_address(host)
    if address is None:
        return
    reason = forbidden_reason(address, allow)
    if reason is not None:
        raise UnsafeTarget(f"{address} is not allowed ({reason})")


async def resolve_and_check(host: str, port: int, allow: Networks) -> list[IPAddress]:
    """Every address `host` resolves to (A and AAAA, in resolver order), after checking each of them.

    Raises UnsafeTarget if the name cannot be resolved or if ANY address is forbidden: a name that mixes public and
    private addresses is refused outright rather than filtered, as it is most likely an attack.
    """
    literal = _literal_address(host)
    if literal is not None:
        addresses: list[IPAddress] = [literal]
    else:
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
        except (OSError, UnicodeError) as exc:
            raise UnsafeTarget(f"cannot resolve {host}: {exc}") from exc
        addresses = list(
            dict.fromkeys(
                ipaddress.ip_address(info[4][0])
                for info in infos
                if info[0] in (socket.AF_INET, socket.AF_INET6) and isinstance(info[4][0], str)
            )
        )
        if not addresses:
            raise UnsafeTarget(f"cannot resolve {host}: no addresses")
    for address in addresses:
        reason = forbidden_reason(address, allow)
        if reason is not None:
            shown = str(address) if literal is not None else f"{host} resolves to {address}, which"
            raise UnsafeTarget(f"{shown} is not allowed ({reason})")
    return addresses


def _literal_address(host: str) -> IPAddress | None:
    """The address if `host` is an IP literal. Numeric forms that the C resolver would read as IPv4 (`127.1`,
    `2130706433`, `0x7f.0.0.1`) are refused rather than passed on, since they exist only to slip past checks."""
    text = host.strip("[]")
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    try:
        socket.inet_aton(text)
    except OSError:
        return None
    raise UnsafeTarget(f"{host!r} is a non-canonical IPv4 address; write it as four decimal numbers")


def _embedded_v4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None
