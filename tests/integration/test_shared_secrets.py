"""Replicas agree on the search-token secret: with none configured, every API process on one database reads the same
secrets from PostgreSQL (created once, atomically), so a token or a download link made by one is accepted by all.
Rotation adds a newest secret and keeps the previous one."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import msgspec
from litestar.testing import AsyncTestClient

from service.config import Settings
from service.search import links, tokens
from service.store import secrets
from tests.asset_fixtures import running_client, services
from tests.support import full_problem


@contextlib.asynccontextmanager
async def two_apps(settings: Settings) -> AsyncIterator[tuple[AsyncTestClient[Any], AsyncTestClient[Any]]]:
    """Two apps (two replicas) on one database, neither with a configured secret."""
    assert not settings.search_token_keys
    async with running_client(settings) as first, running_client(settings) as second:
        yield first, second


async def test_a_token_minted_by_one_replica_is_accepted_by_another(settings: Settings) -> None:
    async with two_apps(settings) as (first, second):
        response = await first.post("/v1/search/tokens", json={})
        assert response.status_code == 201, response.text
        bearer = {"Authorization": f"Bearer {response.json()['token']}"}
        for client in (second, first):
            answer = await client.get("/v1/search", params={"q": "lead"}, headers=bearer)
            assert answer.status_code == 200, answer.text


async def test_a_download_link_signed_by_one_replica_is_accepted_by_another(settings: Settings) -> None:
    async with two_apps(settings) as (first, second):
        key = services(first).search_token_keys.signing
        url = links.signed_url(key, "http://canon.test/v1/assets/deck/content", "deck", 1, int(time.time()) + 60)
        params = {name: [value] for name, value in (part.split("=") for part in url.partition("?")[2].split("&"))}
        assert links.verify(services(second).search_token_keys.accepted, "deck", params).version == 1


async def test_replicas_started_at_once_create_one_secret(settings: Settings, database_url: str) -> None:
    async def start() -> bytes:
        async with running_client(settings) as client:
            return bytes(services(client).search_token_keys.signing)

    keys = await asyncio.gather(*(start() for _ in range(4)))
    assert len(set(keys)) == 1
    conn = await asyncpg.connect(database_url)
    try:
        assert [(s.value, s.generation) for s in await secrets.read(conn, secrets.SEARCH_TOKEN)] == [(keys[0], 1)]
    finally:
        await conn.close()


async def test_after_a_rotation_new_tokens_are_signed_with_the_new_secret_and_old_ones_still_pass(
    settings: Settings, database_url: str
) -> None:
    async with running_client(settings) as before:
        old = await before.post("/v1/search/tokens", json={})
        assert old.status_code == 201, old.text
        old_key = services(before).search_token_keys.signing
    conn = await asyncpg.connect(database_url)
    try:
        await secrets.rotate(conn, secrets.SEARCH_TOKEN, b"2" * 32)
        await secrets.rotate(conn, secrets.SEARCH_TOKEN, b"3" * 32)  # a second rotation drops the oldest
        kept = [secret.value for secret in await secrets.read(conn, secrets.SEARCH_TOKEN)]
    finally:
        await conn.close()
    assert kept == [b"3" * 32, b"2" * 32]
    assert old_key not in kept
    # Immediately after the rotation, replicas accept the new secret but still sign with the previous one (it is not
    # yet known everywhere); once the delay has passed they sign with the new one.
    async with running_client(msgspec.structs.replace(settings, search_token_refresh_seconds=0.5)) as after:
        ring = services(after).search_token_keys
        assert ring.accepted == (kept[0], kept[1])
        assert ring.signing == kept[1]
        await asyncio.sleep(1.3)
        assert ring.signing == kept[0]
        minted = await after.post("/v1/search/tokens", json={})
        assert tokens.verify((kept[0],), minted.json()["token"])
        full_problem(
            await after.get("/v1/search", headers={"Authorization": f"Bearer {old.json()['token']}"}), 401
        )  # its secret is gone after two rotations
