"""Two API processes share one database: a change made through one is seen at once through the other."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from service.app import create_app
from service.config import Settings
from tests.conftest import ADMIN_KEY
from tests.support import Api, decoded


async def _wait_until_listening(app: Any) -> None:
    for _ in range(100):
        if app.state.services.views.enabled:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the view cache never started listening")


async def test_a_publish_through_one_process_is_seen_by_another(settings: Settings) -> None:
    first, second = create_app(settings), create_app(settings)
    async with (
        AsyncTestClient(app=first) as writer,
        AsyncTestClient(app=second) as reader_client,
    ):
        for c in (writer, reader_client):
            c.headers["Authorization"] = f"Bearer {ADMIN_KEY}"
        await _wait_until_listening(second)
        api = Api(writer)
        await api.published("mql")
        assert decoded(await reader_client.get("/v1/definitions/mql")).current_version == 1
        assert second.state.services.views.get(("definition", "mql", None)) is not None  # now cached there

        editor = await api.key("editor", "revops", "author")
        await writer.post("/v1/definitions/mql/versions", json={}, headers=editor)
        await api.publish_through_review("mql", 2)
        for _ in range(100):
            if decoded(await reader_client.get("/v1/definitions/mql")).current_version == 2:
                break
            await asyncio.sleep(0.02)
        assert decoded(await reader_client.get("/v1/definitions/mql")).current_version == 2


async def test_a_write_is_read_back_at_once_by_the_process_that_made_it(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.published("mql")
    await client.get("/v1/definitions/mql")
    renamed = await client.post("/v1/definitions/mql/versions", json={"title": "MQL (2027)"})
    assert renamed.status_code == 201, renamed.text
    await api.publish_through_review("mql", 2)
    assert decoded(await client.get("/v1/definitions/mql")).title == "MQL (2027)"


async def test_the_cache_is_off_while_its_listener_is_cut_off(settings: Settings, pg_url: str) -> None:
    app = create_app(settings)
    async with AsyncTestClient(app=app) as client:
        client.headers["Authorization"] = f"Bearer {ADMIN_KEY}"
        await _wait_until_listening(app)
        await Api(client).published("mql")
        admin = await asyncpg.connect(pg_url)
        try:
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'canon-view-cache'"
            )
        finally:
            await admin.close()
        for _ in range(100):
            if not app.state.services.views.enabled:
                break
            await asyncio.sleep(0.02)
        assert not app.state.services.views.enabled
        # Reads still work, from the database, and the listener comes back by itself.
        assert decoded(await client.get("/v1/definitions/mql")).current_version == 1
        await _wait_until_listening(app)
