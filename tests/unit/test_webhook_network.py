"""The SSRF guard: which addresses and URLs a webhook may target."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from typing import Any

import pytest

from service.domain.errors import Invalid
from service.webhooks.network import Networks, UnsafeTarget, check_url, forbidden_reason, resolve_and_check

NONE = Networks.parse(None)
LOOPBACK = Networks.parse("127.0.0.0/8")

FORBIDDEN = [
    ("10.1.2.3", "private"),
    ("172.16.0.1", "private"),
    ("172.31.255.255", "private"),
    ("192.168.1.1", "private"),
    ("127.0.0.1", "loopback"),
    ("127.255.0.9", "loopback"),
    ("169.254.1.1", "link-local"),
    ("169.254.169.254", "metadata"),
    ("100.100.100.200", "metadata"),
    ("fd00:ec2::254", "metadata"),
    ("100.64.0.1", "CGNAT"),
    ("100.127.255.254", "CGNAT"),
    ("0.0.0.0", "unspecified"),
    ("0.1.2.3", "unspecified"),
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "reserved"),
    ("192.0.2.10", "documentation"),
    ("198.18.0.5", "benchmarking"),
    ("192.0.0.192", "reserved"),
    ("::", "unspecified"),
    ("::1", "loopback"),
    ("fc00::1", "private"),
    ("fd12:3456::1", "private"),
    ("fe80::1", "link-local"),
    ("fe80::1%2", "link-local"),
    ("fec0::1", "site-local"),
    ("ff02::1", "multicast"),
    ("2001:db8::1", "documentation"),
    ("2001::1", "reserved"),  # Teredo
    ("100::1", "discard"),
    ("::ffff:127.0.0.1", "loopback"),
    ("::ffff:10.0.0.1", "private"),
    ("::ffff:169.254.169.254", "metadata"),
    ("64:ff9b::a00:1", "private"),  # NAT64 of 10.0.0.1
    ("2002:c0a8:0101::1", "private"),  # 6to4 of 192.168.1.1
    ("::127.0.0.1", "reserved"),  # IPv4-compatible, deprecated
    ("4000::1", "reserved"),  # outside global unicast
]

ALLOWED = [
    "8.8.8.8",
    "1.1.1.1",
    "93.184.216.34",
    "100.63.255.255",
    "100.128.0.1",
    "172.32.0.1",
    "2606:4700::1111",
    "2a00:1450:4001:82b::200e",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
    "2002:0808:0808::1",
]


@pytest.mark.parametrize(("address", "reason"), FORBIDDEN)
def test_special_addresses_are_forbidden(address: str, reason: str) -> None:
    found = forbidden_reason(ipaddress.ip_address(address), NONE)
    assert found is not None
    assert reason.lower() in found.lower()


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_are_allowed(address: str) -> None:
    assert forbidden_reason(ipaddress.ip_address(address), NONE) is None


def test_an_allowed_network_lets_loopback_through_and_nothing_else() -> None:
    assert forbidden_reason(ipaddress.ip_address("127.0.0.1"), LOOPBACK) is None
    assert forbidden_reason(ipaddress.ip_address("127.8.9.10"), LOOPBACK) is None
    assert forbidden_reason(ipaddress.ip_address("::ffff:127.0.0.1"), LOOPBACK) is None
    assert forbidden_reason(ipaddress.ip_address("::1"), LOOPBACK) == "loopback address"
    assert forbidden_reason(ipaddress.ip_address("10.0.0.1"), LOOPBACK) == "private address"


def test_metadata_addresses_stay_forbidden_even_inside_an_allowed_network() -> None:
    allow = Networks.parse("169.254.0.0/16, 100.64.0.0/10, fd00::/8")
    assert forbidden_reason(ipaddress.ip_address("169.254.1.1"), allow) is None
    for address in ("169.254.169.254", "100.100.100.200", "fd00:ec2::254"):
        assert forbidden_reason(ipaddress.ip_address(address), allow) == "cloud metadata address"


def test_networks_parse() -> None:
    assert Networks.parse(None) == Networks()
    assert Networks.parse("") == Networks()
    parsed = Networks.parse(" 127.0.0.0/8 , ::1/128,,10.1.2.3 ")
    assert parsed.networks == (
        ipaddress.ip_network("127.0.0.0/8"),
        ipaddress.ip_network("::1/128"),
        ipaddress.ip_network("10.1.2.3/32"),
    )
    assert ipaddress.ip_address("::1") in parsed
    assert ipaddress.ip_address("10.1.2.4") not in parsed
    for bad in ("localhost", "10.0.0.1/8", "300.1.1.1/32", "127.0.0.0/33"):
        with pytest.raises(ValueError, match="CANON_WEBHOOK_ALLOW_NETWORKS"):
            Networks.parse(bad)


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.example.com/canon",
        "https://hooks.example.com:8443/canon?x=1",
        "https://93.184.216.34/hook",
        "https://[2606:4700::1111]/hook",
        "HTTPS://Hooks.Example.com/",
    ],
)
def test_check_url_accepts_public_https_targets(url: str) -> None:
    check_url(url, allow=NONE, require_https=True)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://hooks.example.com/", "scheme must be https"),
        ("ftp://hooks.example.com/", "scheme must be https"),
        ("hooks.example.com/path", "scheme"),
        ("https://user:pass@hooks.example.com/", "credentials"),
        ("https://user@hooks.example.com/", "credentials"),
        ("https:///path", "no host"),
        ("https://hooks.example.com:0/", "port"),
        ("https://hooks.example.com:70000/", "port"),
        ("https://hooks.example.com:http/", "port"),
        ("https://hooks.example.com/a b", "whitespace"),
        ("https://127.0.0.1/", "loopback"),
        ("https://[::1]:8443/", "loopback"),
        ("https://169.254.169.254/latest/meta-data/", "metadata"),
        ("https://[::ffff:10.0.0.1]/", "private"),
        ("https://10.0.0.1:443/", "private"),
        ("https://0.0.0.0/", "unspecified"),
        ("https://127.1/", "non-canonical"),
        ("https://2130706433/", "non-canonical"),
        ("https://0x7f.0.0.1/", "non-canonical"),
    ],
)
def test_check_url_refuses(url: str, message: str) -> None:
    with pytest.raises(UnsafeTarget, match=message):
        check_url(url, allow=NONE, require_https=True)


def test_check_url_allows_http_and_listed_networks_when_configured() -> None:
    check_url("http://127.0.0.1:8080/hook", allow=LOOPBACK, require_https=False)
    check_url("http://localhost:8080/hook", allow=NONE, require_https=False)  # names are checked at connect time
    with pytest.raises(UnsafeTarget, match="scheme must be https or http"):
        check_url("gopher://127.0.0.1/", allow=LOOPBACK, require_https=False)


def test_unsafe_target_is_an_invalid_request_on_the_url_field() -> None:
    with pytest.raises(Invalid) as caught:
        check_url("https://10.0.0.1/", allow=NONE, require_https=True)
    assert isinstance(caught.value, UnsafeTarget)
    assert caught.value.reason == "10.0.0.1 is not allowed (private address)"
    assert [e.pointer for e in caught.value.errors] == ["/url"]


async def test_localhost_is_refused_without_an_allow_list() -> None:
    with pytest.raises(UnsafeTarget, match=r"localhost resolves to 127\.0\.0\.1, which is not allowed \(loopback"):
        await resolve_and_check("localhost", 80, NONE)


async def test_localhost_resolves_with_loopback_allowed() -> None:
    addresses = await resolve_and_check("localhost", 80, LOOPBACK)
    assert addresses
    assert all(address.is_loopback for address in addresses)
    assert await resolve_and_check("127.0.0.1", 80, LOOPBACK) == [ipaddress.ip_address("127.0.0.1")]


async def test_literal_addresses_skip_dns_and_are_checked() -> None:
    with pytest.raises(UnsafeTarget, match=r"169\.254\.169\.254 is not allowed"):
        await resolve_and_check("169.254.169.254", 80, NONE)
    assert await resolve_and_check("[2606:4700::1111]", 443, NONE) == [ipaddress.ip_address("2606:4700::1111")]


def fake_resolver(monkeypatch: pytest.MonkeyPatch, answer: list[str] | Exception) -> None:
    """Make the running loop's getaddrinfo return `answer` (no real DNS in unit tests)."""
    loop = asyncio.get_running_loop()

    async def getaddrinfo(host: str, port: int, **_: Any) -> list[tuple[Any, ...]]:
        if isinstance(answer, Exception):
            raise answer
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in answer]

    monkeypatch.setattr(loop, "getaddrinfo", getaddrinfo)


async def test_a_name_with_any_forbidden_address_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_resolver(monkeypatch, ["93.184.216.34", "10.0.0.7"])
    with pytest.raises(UnsafeTarget, match=r"rebind\.example resolves to 10\.0\.0\.7"):
        await resolve_and_check("rebind.example", 443, NONE)


async def test_every_resolved_address_is_returned_once(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_resolver(monkeypatch, ["93.184.216.34", "2606:4700::1111", "93.184.216.34"])
    assert await resolve_and_check("hooks.example", 443, NONE) == [
        ipaddress.ip_address("93.184.216.34"),
        ipaddress.ip_address("2606:4700::1111"),
    ]


async def test_resolution_failure_is_an_unsafe_target(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_resolver(monkeypatch, socket.gaierror(socket.EAI_NONAME, "Name or service not known"))
    with pytest.raises(UnsafeTarget, match=r"cannot resolve nowhere\.example"):
        await resolve_and_check("nowhere.example", 443, NONE)
    fake_resolver(monkeypatch, [])
    with pytest.raises(UnsafeTarget, match="no addresses"):
        await resolve_and_check("empty.example", 443, NONE)
