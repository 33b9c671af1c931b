"""Helpers the integration tests share: keys per role, and the common steps of a definition's life."""

from __future__ import annotations

from typing import Any

import httpx
import msgspec
from litestar.testing import AsyncTestClient

from service.api.problems import Problem
from service.api.schemas import entry_out
from service.domain.kinds import DEFINITION

DefinitionOut = entry_out(DEFINITION)

MQL_CRITERIA: dict[str, Any] = {
    "all": [
        {"field": "company.employees", "op": "gte", "value": 50},
        {"any": [{"field": "score", "op": "gte", "value": 60}, {"field": "requested_demo", "op": "eq", "value": True}]},
    ]
}


def definition_body(slug: str = "mql", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "slug": slug,
        "title": "Marketing Qualified Lead",
        "tags": ["funnel"],
        "owners": ["marketing", "sales"],
        "content": {
            "summary": "A lead worth a sales conversation.",
            "body": "# MQL\n\nFit and engagement.\n",
            "aliases": ["MQL"],
            "criteria": MQL_CRITERIA,
        },
    }
    body.update(overrides)
    return body


def decoded(response: httpx.Response) -> Any:
    """The body as a strictly decoded definition: the PostgreSQL-rendered JSON must match the documented Struct."""
    assert response.headers["content-type"].startswith("application/json"), response.text
    return msgspec.json.decode(response.content, type=DefinitionOut)


def problem(response: httpx.Response, status: int) -> Problem:
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    assert response.headers["content-type"].startswith("application/problem+json")
    found = msgspec.json.decode(response.content, type=Problem)
    assert found.status == status
    return found


class Api:
    """A test's view of Canon: the admin client plus keys for every role it asks for."""

    def __init__(self, client: AsyncTestClient[Any]) -> None:
        self.client = client
        self._keys: dict[tuple[str, str | None, str], str] = {}

    async def key(self, role: str, team: str | None = None, name: str | None = None) -> dict[str, str]:
        """Authorization headers for a key with that role and team (created once per test)."""
        label = name or f"{role}-{team or 'none'}"
        wanted = (role, team, label)
        if wanted not in self._keys:
            response = await self.client.post("/v1/keys", json={"name": label, "role": role, "team": team})
            assert response.status_code == 201, response.text
            self._keys[wanted] = response.json()["key"]
        return {"Authorization": f"Bearer {self._keys[wanted]}"}

    async def create(self, slug: str = "mql", **overrides: Any) -> httpx.Response:
        editor = await self.key("editor", "revops", "author")
        response = await self.client.post("/v1/definitions", json=definition_body(slug, **overrides), headers=editor)
        assert response.status_code == 201, response.text
        return response

    async def publish_through_review(self, slug: str, number: int, teams: tuple[str, ...] = ("marketing", "sales")) -> httpx.Response:
        editor = await self.key("editor", "revops", "author")
        response = await self.client.post(f"/v1/definitions/{slug}/versions/{number}/submit", headers=editor)
        assert response.status_code == 200, response.text
        for team in teams:
            approver = await self.key("approver", team)
            response = await self.client.post(
                f"/v1/definitions/{slug}/versions/{number}/approve", json={"comment": "ok"}, headers=approver
            )
            assert response.status_code == 200, response.text
        response = await self.client.post(f"/v1/definitions/{slug}/versions/{number}/publish", headers=editor)
        assert response.status_code == 200, response.text
        return response

    async def published(self, slug: str = "mql", **overrides: Any) -> httpx.Response:
        await self.create(slug, **overrides)
        return await self.publish_through_review(slug, 1)
