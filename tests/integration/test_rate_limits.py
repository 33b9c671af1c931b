"""Rate limits over HTTP (CANON_RATE_LIMIT_*): failed authentication per client address, searches per credential
and per client address; 429 problem+json with `Retry-After` in whole seconds; 0 turns a limit off. The limits run
on the test's clock, so a refill takes no waiting."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import msgspec
import pytest
from litestar.testing import AsyncTestClient

from service.config import Settings
from service.store import keys as key_store
from service.wiring import rate_limits
from tests.asset_fixtures import in_app, running_client
from tests.support import full_problem

SEARCH = "/v1/search?q="
BAD_KEY = {"Authorization": "Bearer canon_not-a-key"}


class Clock:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Every API key looked up in the database (the tests' key cache is off: `key_cache_seconds=0`)."""
    seen: list[bytes] = []
    lookup = key_store.active_by_hash

    async def counted(conn: Any, secret_hash: bytes) -> key_store.ActiveKey | None:
        seen.append(secret_hash)
        return await lookup(conn, secret_hash)

    monkeypatch.setattr(key_store, "active_by_hash", counted)
    return seen


@asynccontextmanager
async def limited(settings: Settings, clock: Clock, **limits: int) -> AsyncIterator[AsyncTestClient[Any]]:
    """An admin client of an app with these CANON_RATE_LIMIT_* values, its limits on `clock`."""
    configured = msgspec.structs.replace(settings, **limits)
    async with running_client(configured) as client:
        state = client.app.state
        state.services = dataclasses.replace(state.services, limits=rate_limits(configured, clock))
        yield client


def sender(client: AsyncTestClient[Any], host: str) -> Callable[..., Any]:
    """Requests to the app from client address `host` (the test client's own is `testclient`)."""

    async def send(method: str, path: str, headers: dict[str, str]) -> httpx.Response:
        async def on_app_loop() -> httpx.Response:
            transport = httpx.ASGITransport(app=client.app, client=(host, 43210))
            async with httpx.AsyncClient(transport=transport, base_url="http://canon.test") as other:
                return await other.request(method, path, headers=headers)

        return await in_app(client, on_app_loop)

    return send


def too_many(response: httpx.Response, retry_after: int) -> str:
    problem = full_problem(response, 429, "too-many-requests")
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == str(retry_after)
    assert problem.detail is not None
    return problem.detail


async def test_bad_keys_from_one_address_get_429_after_the_limit_and_no_database_lookup(
    settings: Settings, lookups: list[bytes]
) -> None:
    clock = Clock()
    async with limited(settings, clock, rate_limit_auth_failures=3) as client:  # 3 a minute: one every 20 s
        for _ in range(3):
            full_problem(await client.get("/v1/definitions", headers=BAD_KEY), 401, "unauthorized")
        assert len(lookups) == 3
        for headers in (BAD_KEY, {"Authorization": "Bearer canon_another-guess"}, {}):
            detail = too_many(await client.get("/v1/definitions", headers=headers), 20)
            assert "too many failed authentication attempts" in detail
        # Blocked means blocked: the bootstrap key from this address waits too (decision 41).
        too_many(await client.get("/v1/definitions"), 20)
        assert len(lookups) == 3  # nothing was looked up while the address was over its limit

        neighbour = sender(client, "203.0.113.9")
        response = await neighbour("GET", "/v1/definitions", BAD_KEY)
        full_problem(response, 401, "unauthorized")  # another address has its own allowance
        assert len(lookups) == 4
        admin = {"Authorization": client.headers["Authorization"]}
        assert (await neighbour("GET", "/v1/definitions", admin)).is_success

        clock.now += 19.5
        too_many(await client.get("/v1/definitions", headers=BAD_KEY), 1)
        clock.now += 0.5  # 20 s on: one more attempt
        full_problem(await client.get("/v1/definitions", headers=BAD_KEY), 401, "unauthorized")
        too_many(await client.get("/v1/definitions", headers=BAD_KEY), 20)
        clock.now += 20
        assert (await client.get("/v1/definitions")).is_success  # a good key spends nothing
        assert (await client.get("/v1/definitions")).is_success


async def test_bad_search_tokens_and_download_links_count_as_failures_but_no_credential_does_not(
    settings: Settings,
) -> None:
    async with limited(settings, Clock(), rate_limit_auth_failures=2) as client:
        del client.headers["Authorization"]
        for _ in range(5):  # no credential guesses nothing
            full_problem(await client.get("/v1/definitions"), 401, "unauthorized")
        full_problem(await client.get(SEARCH, headers={"Authorization": "Bearer cst_a.b"}), 401, "unauthorized")
        response = await client.get("/v1/assets/brand/content?version=1&expires=1&signature=x")
        full_problem(response, 401, "unauthorized")
        too_many(await client.get("/v1/definitions"), 30)


async def test_searches_are_limited_per_credential_and_per_client_address(settings: Settings) -> None:
    clock = Clock()
    limits = {"rate_limit_search": 3, "rate_limit_search_address": 5}
    async with limited(settings, clock, **limits) as client:
        for _ in range(3):
            assert (await client.get(SEARCH)).status_code == 200
        detail = too_many(await client.get(SEARCH), 20)  # the admin key's 3 a minute: one every 20 s
        assert "too many searches" in detail
        assert (await client.get("/v1/definitions")).is_success  # other routes are not limited

        # Two grants, two tokens (a token is its grant signed: the same grant in the same second is the same token).
        grants: list[dict[str, Any]] = [{}, {"tags": ["pricing"]}]
        issued = [(await client.post("/v1/search/tokens", json=grant)).json()["token"] for grant in grants]
        assert issued[0] != issued[1]
        first, second = ({"Authorization": f"Bearer {token}"} for token in issued)
        browser = sender(client, "198.51.100.20")
        for _ in range(3):
            assert (await browser("GET", SEARCH, first)).status_code == 200
        too_many(await browser("GET", SEARCH, first), 20)  # a search token is a credential of its own
        assert (await browser("GET", SEARCH, second)).status_code == 200  # as is each other token ...
        assert (await browser("GET", SEARCH, second)).status_code == 200
        too_many(await browser("GET", SEARCH, second), 12)  # ... until the address's 5 a minute are spent
        assert (await sender(client, "198.51.100.21")("GET", SEARCH, second)).status_code == 200

        clock.now += 20
        assert (await client.get(SEARCH)).status_code == 200
        too_many(await client.get(SEARCH), 20)


async def test_zero_turns_each_limit_off(settings: Settings, lookups: list[bytes]) -> None:
    limits = {"rate_limit_auth_failures": 0, "rate_limit_search": 0, "rate_limit_search_address": 0}
    async with limited(settings, Clock(), **limits) as client:
        for _ in range(100):
            full_problem(await client.get("/v1/definitions", headers=BAD_KEY), 401, "unauthorized")
        assert len(lookups) == 100
        for _ in range(100):
            assert (await client.get(SEARCH)).status_code == 200


async def test_the_default_limits_are_the_documented_ones() -> None:
    defaults = Settings()
    assert (defaults.rate_limit_auth_failures, defaults.rate_limit_search, defaults.rate_limit_search_address) == (
        60,
        1200,
        3000,
    )
    with pytest.raises(ValueError, match="CANON_RATE_LIMIT_SEARCH"):
        Settings.from_env({"CANON_RATE_LIMIT_SEARCH": "-1"})
