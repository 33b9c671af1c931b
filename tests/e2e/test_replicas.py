"""Two real `canon serve` processes on one PostgreSQL, neither given a search-token secret (the Helm chart's
default): they agree on the secret kept in the database, so a search token minted through one is accepted by the
other, also across `canon secrets rotate search-token`; and a definition published through one is visible through
the other within a second (its view cache hears the change)."""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from service.search import tokens
from service.store import secrets
from tests.e2e.test_graceful_shutdown import CANON, Canon
from tests.support import Api
from tests.webhook_fixtures import free_port

pytestmark = pytest.mark.e2e

ADMIN_KEY = "e2e-replicas-admin-key"
REFRESH_SECONDS = 0.5  # the replicas re-read the secrets this often; a new one signs after twice that


@pytest.fixture
def replicas(database_url: str, tmp_path: Path) -> Iterator[list[str]]:
    """The base URLs of two `canon serve` processes on the test's database, on ports from the OS."""
    started: list[Canon] = []
    urls: list[str] = []
    env = {
        "CANON_DATABASE_URL": database_url,
        "CANON_BOOTSTRAP_ADMIN_KEY": ADMIN_KEY,
        "CANON_SEARCH_TOKEN_REFRESH_SECONDS": str(REFRESH_SECONDS),
        "CANON_KEY_CACHE_SECONDS": "0",
    }
    try:
        for name in ("first", "second"):
            port = free_port()
            folder = tmp_path / name
            folder.mkdir()
            started.append(Canon(folder, "serve", ["serve", "--host", "127.0.0.1", "--port", str(port)], env))
            urls.append(f"http://127.0.0.1:{port}")
        for server, url in zip(started, urls, strict=True):
            server.wait_for(lambda url=url: _healthy(url), "healthy")
        yield urls
    finally:
        for server in started:
            server.kill()


def _healthy(base_url: str) -> bool:
    with contextlib.suppress(httpx.TransportError):
        return httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200
    return False


def _token(base_url: str) -> str:
    response = httpx.post(f"{base_url}/v1/search/tokens", json={}, headers={"Authorization": f"Bearer {ADMIN_KEY}"})
    assert response.status_code == 201, response.text
    token: str = response.json()["token"]
    return token


def _searches(base_url: str, token: str) -> int:
    answer = httpx.get(f"{base_url}/v1/search", params={"q": "lead"}, headers={"Authorization": f"Bearer {token}"})
    return answer.status_code


def test_a_search_token_minted_through_one_api_is_accepted_by_the_other_also_across_a_rotation(
    replicas: list[str], database_url: str, tmp_path: Path
) -> None:
    first, second = replicas
    before = _token(first)
    assert [_searches(url, before) for url in (second, first)] == [200, 200]

    rotated = subprocess.run(
        [str(CANON), "secrets", "rotate", "search-token"],
        env={"CANON_DATABASE_URL": database_url, "CANON_DATA_DIR": str(tmp_path / "cli"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert rotated.returncode == 0, rotated.stderr
    assert "generation 2 added" in rotated.stdout
    assert "generation 1 kept" in rotated.stdout
    # Within the delay both still sign with the previous secret; after it, with the new one. Either way every token
    # either replica makes is accepted by both, and the one made before the rotation still is.
    deadline = time.monotonic() + 4 * REFRESH_SECONDS + 2
    while time.monotonic() < deadline:
        for maker, checker in ((first, second), (second, first)):
            assert _searches(checker, _token(maker)) == 200
        time.sleep(0.1)
    assert [_searches(url, before) for url in (first, second)] == [200, 200]
    newest, previous = asyncio.run(_secrets(database_url))
    for url in (first, second):  # past the delay, both sign with the new secret
        made = _token(url)
        assert tokens.verify([newest], made)
        with pytest.raises(tokens.InvalidToken):
            tokens.verify([previous], made)
    assert tokens.verify([previous], before)


async def _secrets(database_url: str) -> list[bytes]:
    conn = await asyncpg.connect(database_url)
    try:
        return [secret.value for secret in await secrets.read(conn, secrets.SEARCH_TOKEN)]
    finally:
        await conn.close()


async def test_a_definition_published_through_one_api_is_visible_through_the_other_within_a_second(
    replicas: list[str],
) -> None:
    first, second = replicas
    auth = {"Authorization": f"Bearer {ADMIN_KEY}"}
    async with (
        httpx.AsyncClient(base_url=first, headers=auth, timeout=30) as writer,
        httpx.AsyncClient(base_url=second, headers=auth, timeout=30) as reader,
    ):
        api = Api(writer)  # Api needs only an httpx-like client
        await api.published("mql")
        shown = await reader.get("/v1/definitions/mql")
        assert shown.status_code == 200, shown.text
        assert shown.json()["current_version"] == 1  # and now cached on the second

        editor = await api.key("editor", "revops", "author")
        assert (await writer.post("/v1/definitions/mql/versions", json={}, headers=editor)).status_code == 201
        await api.publish_through_review("mql", 2)
        published = time.monotonic()
        while (await reader.get("/v1/definitions/mql")).json()["current_version"] != 2:
            assert time.monotonic() - published < 1.0, "the second API still shows version 1 after a second"
        assert time.monotonic() - published < 1.0
