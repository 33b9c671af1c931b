"""Webhook delivery behind an egress proxy, end to end: the worker (built as `canon worker` builds it, reading
`HTTPS_PROXY`, `http_proxy`, `NO_PROXY` from its environment) sends through a real forward proxy on 127.0.0.1 to real
receivers on 127.0.0.1, and every attempt is on record. The environment is set with `monkeypatch` (undone after each
test) and every proxy variable is cleared first, so nothing leaks between tests or in from the shell."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from standardwebhooks import Webhook

from service.config import Settings
from service.store.database import Pool
from tests.forward_proxy import ForwardProxy, Refusal
from tests.support import Api
from tests.webhook_fixtures import (
    Pki,
    Receiver,
    attempts,
    deliveries,
    free_port,
    running_worker,
    settled,
    subscribe,
    until,
    webhook_settings,
)

Receivers = Callable[..., Receiver]
PROXY_VARIABLES = ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy")


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No proxy variable from outside the test; whatever the test sets is undone after it."""
    for name in (*PROXY_VARIABLES, "CANON_WEBHOOK_PROXY", "CANON_WEBHOOK_NO_PROXY", "SSL_CERT_FILE", "SSL_CERT_DIR"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.fixture
def proxy() -> Iterator[ForwardProxy]:
    started = ForwardProxy(credentials=("canon", "s3cret:p@ss")).start()
    yield started
    started.stop()


@pytest.fixture
def worker_settings(settings: Settings, tmp_path: Path) -> Settings:
    # `localhost` may also resolve to ::1: both loopback networks are allowed, as `canon dev` allows them. The
    # proxy comes from the environment, as in `canon worker` (the other webhook tests ignore it).
    return webhook_settings(
        settings, tmp_path / "data", webhook_allow_networks="127.0.0.0/8,::1/128", webhook_proxy=None
    )


def trust(environment: pytest.MonkeyPatch, pki: Pki, tmp_path: Path) -> None:
    """The worker's sender trusts the system store, which `SSL_CERT_FILE` replaces: the test CA only."""
    ca_file = tmp_path / "ca.pem"
    ca_file.write_bytes(pki.ca_pem)
    environment.setenv("SSL_CERT_FILE", str(ca_file))


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


async def test_https_goes_through_the_proxy_by_connect_with_its_credentials_and_arrives_signed(
    hook_client: AsyncTestClient[Any],
    hook_pool: Pool,
    worker_settings: Settings,
    receivers: Receivers,
    proxy: ForwardProxy,
    pki: Pki,
    environment: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    receiver = receivers(tls=pki.server)
    sub = await subscribe(hook_client, receiver.url, event_types=["definition.created"])
    environment.setenv("HTTPS_PROXY", proxy.url("canon", "s3cret:p@ss"))
    trust(environment, pki, tmp_path)
    async with running_worker(hook_pool, worker_settings):
        await Api(hook_client).create("mql")
        await until(lambda: settled(hook_pool), what="the delivery")

    [row] = await deliveries(hook_pool, sub.id)
    assert (row.status, row.attempts, row.last_status, row.last_error) == ("succeeded", 1, 200, None)
    [asked] = proxy.seen()
    assert (asked.method, asked.target) == ("CONNECT", f"localhost:{receiver.port}")
    assert asked.headers["host"] == f"localhost:{receiver.port}"
    assert asked.headers["proxy-authorization"] == basic("canon", "s3cret:p@ss")
    [hit] = receiver.hits
    assert Webhook(sub.secret).verify(hit.body, hit.headers)["data"]["slug"] == "mql"
    assert hit.headers["host"] == f"localhost:{receiver.port}"
    # The credentials are for the proxy: they never travel inside the tunnel.
    assert "proxy-authorization" not in hit.headers


async def test_a_proxy_that_refuses_connect_is_a_recorded_failed_attempt_and_the_retry_gets_through(
    hook_client: AsyncTestClient[Any],
    hook_pool: Pool,
    worker_settings: Settings,
    receivers: Receivers,
    proxy: ForwardProxy,
    pki: Pki,
    environment: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    receiver = receivers(tls=pki.server)
    proxy.refuse(Refusal(403))
    sub = await subscribe(hook_client, receiver.url, event_types=["definition.created"])
    environment.setenv("https_proxy", proxy.url("canon", "s3cret:p@ss"))
    trust(environment, pki, tmp_path)
    async with running_worker(hook_pool, worker_settings):
        await Api(hook_client).create("mql")
        await until(lambda: settled(hook_pool), what="the retry")

    [row] = await deliveries(hook_pool, sub.id)
    tried = await attempts(hook_pool, row.id)
    assert [(a.status_code, a.error) for a in tried] == [
        (None, "proxy refused CONNECT: 403 (destination_ip_prohibited)"),
        (200, None),
    ]
    assert (row.status, row.attempts) == ("succeeded", 2)
    assert [a.method for a in proxy.seen()] == ["CONNECT", "CONNECT"]
    [hit] = receiver.hits
    assert hit.webhook_id == f"msg_{row.id}"
    assert Webhook(sub.secret).verify(hit.body, hit.headers)["type"] == "definition.created"


async def test_a_proxy_that_is_down_fails_attempts_clearly_until_it_is_back(
    hook_client: AsyncTestClient[Any],
    hook_pool: Pool,
    worker_settings: Settings,
    receivers: Receivers,
    environment: pytest.MonkeyPatch,
) -> None:
    receiver = receivers()
    port = free_port()
    later = ForwardProxy(port=port)
    sub = await subscribe(hook_client, receiver.url, event_types=["definition.created"])
    environment.setenv("HTTP_PROXY", f"http://127.0.0.1:{port}")
    try:
        async with running_worker(hook_pool, worker_settings):
            await Api(hook_client).create("mql")

            async def failed_once() -> bool:
                rows = await deliveries(hook_pool, sub.id)
                return bool(rows) and bool(await attempts(hook_pool, rows[0].id))

            await until(failed_once, what="the first attempt")
            later.start()
            await until(lambda: settled(hook_pool), what="the retry through the proxy")
    finally:
        later.stop()

    [row] = await deliveries(hook_pool, sub.id)
    tried = await attempts(hook_pool, row.id)
    assert row.status == "succeeded"
    assert [(a.status_code, a.error) for a in tried[:-1]] == [
        (None, f"proxy unreachable (127.0.0.1:{port}): connection refused")
    ] * (len(tried) - 1)
    assert (tried[-1].status_code, tried[-1].error) == (200, None)
    assert [(a.method, a.target) for a in later.seen()] == [("POST", f"{receiver.url}")]
    assert len(receiver.hits) == 1


async def test_plain_http_is_forwarded_through_the_proxy_and_no_proxy_goes_direct(
    hook_client: AsyncTestClient[Any],
    hook_pool: Pool,
    worker_settings: Settings,
    receivers: Receivers,
    proxy: ForwardProxy,
    environment: pytest.MonkeyPatch,
) -> None:
    proxied, direct = receivers(), receivers()
    direct_url = f"http://localhost:{direct.port}/hook"
    via = await subscribe(hook_client, proxied.url, event_types=["definition.created"])
    bypass = await subscribe(hook_client, direct_url, event_types=["definition.created"])
    environment.setenv("http_proxy", proxy.url("canon", "s3cret:p@ss"))
    environment.setenv("NO_PROXY", "example.org, .localhost,10.0.0.0/8")
    async with running_worker(hook_pool, worker_settings):
        await Api(hook_client).create("mql")
        await until(lambda: settled(hook_pool, at_least=2), what="both deliveries")

    assert {r.status for r in await deliveries(hook_pool)} == {"succeeded"}
    [asked] = proxy.seen()
    assert (asked.method, asked.target) == ("POST", proxied.url)  # absolute form: the proxy forwards it
    assert asked.headers["host"] == f"127.0.0.1:{proxied.port}"
    assert asked.headers["proxy-authorization"] == basic("canon", "s3cret:p@ss")
    for receiver, sub in ((proxied, via), (direct, bypass)):
        [hit] = receiver.hits
        assert hit.path == "/hook"
        assert Webhook(sub.secret).verify(hit.body, hit.headers)["data"]["slug"] == "mql"
    assert direct.hits[0].headers["host"] == f"localhost:{direct.port}"


async def test_the_other_webhook_tests_send_directly_whatever_proxy_the_shell_sets(
    hook_client: AsyncTestClient[Any],
    hook_pool: Pool,
    hook_settings: Settings,
    receivers: Receivers,
    proxy: ForwardProxy,
    environment: pytest.MonkeyPatch,
) -> None:
    receiver = receivers()
    await subscribe(hook_client, receiver.url, event_types=["definition.created"])
    environment.setenv("HTTP_PROXY", proxy.url("canon", "s3cret:p@ss"))
    async with running_worker(hook_pool, hook_settings):  # the shared fixtures' settings: webhook_proxy=direct
        await Api(hook_client).create("mql")
        await until(lambda: settled(hook_pool), what="the delivery")

    assert [r.status for r in await deliveries(hook_pool)] == ["succeeded"]
    assert len(receiver.hits) == 1
    assert proxy.seen() == []
