from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.support import Api, decoded


async def test_a_definition_goes_from_draft_to_published(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    created = decoded(await api.create("mql"))
    assert created.version.status == "draft"
    published = decoded(await api.publish_through_review("mql", 1))
    assert published.version.status == "published"
    assert published.current_version == 1
    reader = await api.key("reader")
    read = await client.get("/v1/definitions/mql", headers=reader)
    assert read.status_code == 200
    assert decoded(read).version.content.aliases == ["MQL"]
