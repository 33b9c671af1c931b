"""HttpSender behind a real forward proxy on 127.0.0.1 (tests/forward_proxy.py), to real receivers on 127.0.0.1:
forwarding and CONNECT, NO_PROXY, proxy credentials, the proxy's failures as recorded errors, and the SSRF rules
still applied to the destination. The proxies come from plain mappings here, never from this process's environment
(tests/integration/test_webhook_proxy_delivery.py covers the environment, through the worker)."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import socket
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from standardwebhooks import Webhook

from service.webhooks import signing
from service.webhooks.network import Networks
from service.webhooks.proxy import Proxies
from service.webhooks.sender import Delivery, HttpSender, SendResult
from tests.forward_proxy import ForwardProxy, Refusal
from tests.webhook_fixtures import Pki, Receiver, Reply, free_port

LOOPBACK = Networks.parse("127.0.0.0/8,::1/128")
BODY = b'{"type":"definition.published","timestamp":"2025-01-01T00:00:00Z","data":{"slug":"arr"}}'
USER, PASSWORD = "canon", "pr0xy:p@ss/word"
Receivers = Callable[..., Receiver]


@pytest.fixture
def proxy() -> Iterator[ForwardProxy]:
    started = ForwardProxy(credentials=(USER, PASSWORD)).start()
    yield started
    started.stop()


def through(proxy: ForwardProxy | str, **variables: str) -> Proxies:
    """Proxies as the environment would give them: `proxy` for both schemes, plus any other variables."""
    url = proxy if isinstance(proxy, str) else proxy.url(USER, PASSWORD)
    return Proxies.from_environment({"HTTP_PROXY": url, "HTTPS_PROXY": url, **variables})


@contextlib.asynccontextmanager
async def make_sender(**options: Any) -> AsyncIterator[HttpSender]:
    options.setdefault("allow", LOOPBACK)
    options.setdefault("timeout", 5)
    client = HttpSender(**options)
    try:
        yield client
    finally:
        await client.aclose()


def delivery(url: str, secret: str | None = None) -> Delivery:
    secrets = [secret or signing.new_secret()]
    return Delivery(url=url, msg_id="msg_p", timestamp=int(time.time()), body=BODY, secrets=secrets)


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


# --- what goes through ----------------------------------------------------------------------------------------------


async def test_plain_http_is_forwarded_with_its_absolute_url_and_the_proxy_credentials(
    receivers: Receivers, proxy: ForwardProxy
) -> None:
    receiver = receivers()
    secret = signing.new_secret()
    async with make_sender(proxies=through(proxy)) as sender:
        result = await sender.send(delivery(f"{receiver.url}?x=1", secret))

    assert (result.status, result.error, result.response_excerpt) == (200, None, "ok")
    [asked] = proxy.seen()
    assert (asked.method, asked.target) == ("POST", f"{receiver.url}?x=1")
    assert asked.headers["host"] == f"127.0.0.1:{receiver.port}"
    assert asked.headers["proxy-authorization"] == basic(USER, PASSWORD)
    [hit] = receiver.hits
    assert (hit.method, hit.path) == ("POST", "/hook?x=1")
    assert Webhook(secret).verify(hit.body, hit.headers)["data"] == {"slug": "arr"}


async def test_https_is_tunnelled_with_connect_and_tls_is_checked_against_the_destination(
    receivers: Receivers, proxy: ForwardProxy, pki: Pki
) -> None:
    receiver = receivers(tls=pki.server)
    secret = signing.new_secret()
    async with make_sender(proxies=through(proxy), verify=pki.client()) as sender:
        result = await sender.send(delivery(receiver.url, secret))
        # TLS runs with the destination, inside the tunnel: a certificate for localhost does not pass for 127.0.0.1.
        wrong_name = await sender.send(delivery(f"https://127.0.0.1:{receiver.port}/hook", secret))

    assert (result.status, result.error) == (200, None)
    assert wrong_name.status is None
    assert wrong_name.error == "tls error: IP address mismatch, certificate is not valid for '127.0.0.1'."
    assert [(a.method, a.target) for a in proxy.seen()] == [
        ("CONNECT", f"localhost:{receiver.port}"),
        ("CONNECT", f"127.0.0.1:{receiver.port}"),
    ]
    assert proxy.seen()[0].headers["proxy-authorization"] == basic(USER, PASSWORD)
    [hit] = receiver.hits
    assert hit.headers["host"] == f"localhost:{receiver.port}"
    assert "proxy-authorization" not in hit.headers
    assert Webhook(secret).verify(hit.body, hit.headers)["type"] == "definition.published"


async def test_no_proxy_sends_matching_hosts_directly(receivers: Receivers, proxy: ForwardProxy) -> None:
    receiver = receivers()
    by_name = f"http://localhost:{receiver.port}/hook"
    async with make_sender(proxies=through(proxy, NO_PROXY="LOCALHOST")) as sender:
        direct = await sender.send(delivery(by_name))
        proxied = await sender.send(delivery(receiver.url))
    async with make_sender(proxies=through(proxy, no_proxy=f"127.0.0.0/8:{receiver.port}")) as sender:
        by_cidr_and_port = await sender.send(delivery(receiver.url))
    async with make_sender(proxies=through(proxy, no_proxy="*")) as sender:
        everything = await sender.send(delivery(receiver.url))

    assert [r.status for r in (direct, proxied, by_cidr_and_port, everything)] == [200, 200, 200, 200]
    assert [a.target for a in proxy.seen()] == [receiver.url]
    assert len(receiver.hits) == 4


async def test_connections_through_the_proxy_are_never_shared_between_destinations(
    receivers: Receivers, proxy: ForwardProxy
) -> None:
    first, second = receivers(), receivers()
    async with make_sender(proxies=through(proxy)) as sender:
        results = [await sender.send(delivery(r.url)) for r in (first, second, first)]
    assert [r.status for r in results] == [200, 200, 200]
    assert [a.target for a in proxy.seen()] == [first.url, second.url, first.url]
    assert (len(first.hits), len(second.hits)) == (2, 1)


# --- the proxy's failures are the attempt's ------------------------------------------------------------------------


async def test_a_refused_connect_is_an_error_naming_the_status_and_the_reason(
    receivers: Receivers, proxy: ForwardProxy, pki: Pki
) -> None:
    receiver = receivers(tls=pki.server)
    proxy.refuse(Refusal(403), Refusal(503, error=None))
    async with make_sender(proxies=through(proxy), verify=pki.client()) as sender:
        forbidden = await sender.send(delivery(receiver.url))
        unavailable = await sender.send(delivery(receiver.url))
        then = await sender.send(delivery(receiver.url))

    assert forbidden == SendResult(
        None, forbidden.latency_ms, "proxy refused CONNECT: 403 (destination_ip_prohibited)", "", None
    )
    assert (unavailable.status, unavailable.error) == (None, "proxy refused CONNECT: 503")
    assert then.status == 200
    assert len(receiver.hits) == 1


async def test_wrong_proxy_credentials_are_a_407_error_and_never_appear_in_errors_or_logs(
    receivers: Receivers, proxy: ForwardProxy, pki: Pki, caplog: pytest.LogCaptureFixture
) -> None:
    plain, tls = receivers(), receivers(tls=pki.server)
    wrong = proxy.url(USER, "not-the-password")
    caplog.set_level(logging.DEBUG)
    proxies = through(wrong)
    async with make_sender(proxies=proxies, verify=pki.client()) as sender:
        tunnelled = await sender.send(delivery(tls.url))
        forwarded = await sender.send(delivery(plain.url))

    assert (tunnelled.status, tunnelled.error) == (None, "proxy refused CONNECT: 407 (proxy authentication required)")
    assert (forwarded.status, forwarded.error) == (None, "proxy answered 407 (proxy authentication required)")
    assert forwarded.response_excerpt == "credentials, please"  # the proxy's page, kept like any excerpt
    assert plain.hits == tls.hits == []
    assert [a.headers["proxy-authorization"] for a in proxy.seen()] == [basic(USER, "not-the-password")] * 2
    # What an operator can see: the errors, the log, the configuration's repr.
    encoded = basic(USER, "not-the-password").removeprefix("Basic ")
    seen = [tunnelled.error, forwarded.error, repr(proxies), *(r.getMessage() for r in caplog.records)]
    assert any(f"127.0.0.1:{proxy.port}" in text for text in seen[2:])  # the proxy is named in the log...
    assert not [text for text in seen if "not-the-password" in str(text) or encoded in str(text)]  # ...not its secret


async def test_a_forwarded_request_the_proxy_answers_itself_is_a_proxy_error_when_it_says_so(
    receivers: Receivers, proxy: ForwardProxy
) -> None:
    receiver = receivers().answer(Reply(502, body=b"the receiver's own 502"))
    proxy.refuse(Refusal(502, "connection_refused"), Refusal(502, error=None))
    async with make_sender(proxies=through(proxy)) as sender:
        says_so = await sender.send(delivery(receiver.url))
        silent = await sender.send(delivery(receiver.url))
        from_the_receiver = await sender.send(delivery(receiver.url))

    # RFC 9209 Proxy-Status names the proxy's error: recorded as the proxy's failure, not the endpoint's status.
    assert (says_so.status, says_so.error) == (None, "proxy answered 502 (connection_refused)")
    # Without it a proxy's 502 cannot be told from the endpoint's: it is recorded (and retried) as a 502.
    assert (silent.status, silent.error, silent.response_excerpt) == (502, None, "refused by the test proxy")
    assert (from_the_receiver.status, from_the_receiver.error) == (502, None)
    assert from_the_receiver.response_excerpt == "the receiver's own 502"
    assert len(receiver.hits) == 1


async def test_a_proxy_that_is_down_or_silent_fails_the_attempt_with_a_clear_error(receivers: Receivers) -> None:
    receiver = receivers()
    port = free_port()
    async with make_sender(proxies=through(ForwardProxy(port=port).url(USER, PASSWORD))) as sender:
        down = await sender.send(delivery(receiver.url))
    with socket.socket() as silent:  # accepts connections (the kernel's backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        silent_port = silent.getsockname()[1]
        async with make_sender(proxies=through(f"127.0.0.1:{silent_port}"), timeout=0.5) as sender:
            started = time.perf_counter()
            hung = await sender.send(delivery(f"https://localhost:{receiver.port}/hook"))
            elapsed = time.perf_counter() - started

    assert (down.status, down.error) == (None, f"proxy unreachable (127.0.0.1:{port}): connection refused")
    assert (hung.status, hung.error) == (None, f"timeout (connecting through proxy 127.0.0.1:{silent_port})")
    assert elapsed < 1.5
    assert receiver.hits == []


# --- SSRF: the destination is still checked, by Canon, before the proxy is asked ---------------------------------


async def test_forbidden_destinations_are_refused_before_the_proxy_is_asked(
    receivers: Receivers, proxy: ForwardProxy, pki: Pki
) -> None:
    receiver = receivers()
    # Nothing allowed: the proxy on 127.0.0.1 is still used (it is the operator's), its destinations are checked.
    async with make_sender(allow=Networks(), proxies=through(proxy), verify=pki.client()) as sender:
        literal = await sender.send(delivery(receiver.url))
        named = await sender.send(delivery(f"https://localhost:{receiver.port}/hook"))
        private = await sender.send(delivery("http://10.1.2.3/hook"))
        metadata = await sender.send(delivery("http://169.254.169.254/latest/meta-data/"))
    async with make_sender(allow=Networks.parse("169.254.0.0/16"), proxies=through(proxy)) as sender:
        metadata_allowed_range = await sender.send(delivery("http://169.254.169.254/latest/meta-data/"))

    assert literal.error == "unsafe target: 127.0.0.1 is not allowed (loopback address)"
    assert named.error is not None
    assert named.error.startswith("unsafe target: localhost resolves to 127.0.0.1, which is not allowed")
    assert private.error == "unsafe target: 10.1.2.3 is not allowed (private address)"
    assert metadata.error == "unsafe target: 169.254.169.254 is not allowed (cloud metadata address)"
    assert metadata_allowed_range.error == metadata.error
    assert proxy.connections == 0
    assert receiver.hits == []


async def test_a_name_is_resolved_and_checked_by_canon_before_the_proxy_is_asked(
    receivers: Receivers, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    receiver = receivers()
    proxy.hosts["hooks.rebind.test"] = "127.0.0.1"
    canon_sees = rebind(monkeypatch, "hooks.rebind.test", "127.0.0.1")
    url = f"http://hooks.rebind.test:{receiver.port}/hook"
    async with make_sender(allow=Networks(), proxies=through(proxy)) as sender:
        refused = await sender.send(delivery(url))
    async with make_sender(allow=LOOPBACK, proxies=through(proxy)) as sender:
        allowed = await sender.send(delivery(url))

    assert refused.error == (
        "unsafe target: hooks.rebind.test resolves to 127.0.0.1, which is not allowed (loopback address)"
    )
    assert allowed.status == 200
    assert canon_sees == ["hooks.rebind.test", "hooks.rebind.test"]
    assert [a.target for a in proxy.seen()] == [url]  # only the allowed one reached the proxy


async def test_the_proxy_resolves_the_name_again_which_only_its_own_acl_can_check(
    receivers: Receivers, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The gap that remains: Canon checks what the name resolves to for Canon; the proxy connects to what it
    resolves to for the proxy. Here Canon sees an address it allows and the proxy reaches loopback, which Canon
    would refuse. Operators close this in the proxy's own ACL (docs/webhooks.md)."""
    receiver = receivers()
    rebind(monkeypatch, "hooks.partner.test", "192.0.2.10")
    proxy.hosts["hooks.partner.test"] = "127.0.0.1"
    async with make_sender(allow=Networks.parse("192.0.2.0/24"), proxies=through(proxy), timeout=2) as sender:
        result = await sender.send(delivery(f"http://hooks.partner.test:{receiver.port}/hook"))

    assert result.status == 200
    assert len(receiver.hits) == 1
    assert receiver.hits[0].headers["host"] == f"hooks.partner.test:{receiver.port}"


async def test_redirects_are_not_followed_behind_a_proxy(receivers: Receivers, proxy: ForwardProxy) -> None:
    elsewhere = receivers()
    receiver = receivers().answer(Reply(302, headers={"location": elsewhere.url}, body=b""))
    async with make_sender(proxies=through(proxy)) as sender:
        result = await sender.send(delivery(receiver.url))

    assert (result.status, result.error) == (302, None)
    assert [a.target for a in proxy.seen()] == [receiver.url]
    assert elsewhere.hits == []


def rebind(monkeypatch: pytest.MonkeyPatch, name: str, address: str) -> list[str]:
    """Make Canon's resolver answer `address` for `name` (this test's loop only); returns the names it was asked."""
    loop = asyncio.get_running_loop()
    real = loop.getaddrinfo
    asked: list[str] = []

    async def resolver(host: Any, port: Any, **kwargs: Any) -> Any:
        if host == name:
            asked.append(host)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]
        return await real(host, port, **kwargs)

    monkeypatch.setattr(loop, "getaddrinfo", resolver)
    return asked
