"""Helpers the integration tests share: keys per role, and the common steps of a definition's life."""

from __future__ import annotations

import uuid
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


OWNING_TEAMS = ("marketing", "sales", "product", "finance", "legal", "revops")


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
        """Authorization headers for a key of a person with that role and team (both created once per test): the
        person's subject and name are `name` (default `<role>-<team>`)."""
        label = name or f"{role}-{team or 'none'}"
        wanted = (role, team, label)
        if wanted not in self._keys:
            person = {"subject": label, "name": label, "role": role, "teams": [team] if team else []}
            response = await self.client.post("/v1/people", json=person)
            # 409: another Api of the same test made this person already; a key of its own is all this one needs.
            assert response.status_code in (201, 409), response.text
            key_name = f"{label}-{uuid.uuid4().hex[:8]}"
            response = await self.client.post("/v1/keys", json={"name": key_name, "person": person["subject"]})
            assert response.status_code == 201, response.text
            self._keys[wanted] = response.json()["key"]
        return {"Authorization": f"Bearer {self._keys[wanted]}"}

    async def service_key(self, role: str, name: str) -> dict[str, str]:
        """Authorization headers for a service key (an integration, not a person)."""
        response = await self.client.post("/v1/keys", json={"name": name, "role": role})
        assert response.status_code == 201, response.text
        return {"Authorization": f"Bearer {response.json()['key']}"}

    async def publisher(self) -> dict[str, str]:
        """An editor in every team the tests name as owners: who may publish once a version is approved."""
        wanted = ("editor", "*", "publisher")
        if wanted not in self._keys:
            person = {"subject": "publisher", "name": "publisher", "role": "editor", "teams": list(OWNING_TEAMS)}
            response = await self.client.post("/v1/people", json=person)
            assert response.status_code in (201, 409), response.text
            key_name = f"publisher-{uuid.uuid4().hex[:8]}"
            response = await self.client.post("/v1/keys", json={"name": key_name, "person": "publisher"})
            assert response.status_code == 201, response.text
            self._keys[wanted] = response.json()["key"]
        return {"Authorization": f"Bearer {self._keys[wanted]}"}

    async def create(self, slug: str = "mql", **overrides: Any) -> httpx.Response:
        editor = await self.key("editor", "revops", "author")
        response = await self.client.post("/v1/definitions", json=definition_body(slug, **overrides), headers=editor)
        assert response.status_code == 201, response.text
        return response

    async def publish_through_review(
        self, slug: str, number: int, teams: tuple[str, ...] = ("marketing", "sales")
    ) -> httpx.Response:
        editor = await self.key("editor", "revops", "author")
        response = await self.client.post(f"/v1/definitions/{slug}/versions/{number}/submit", headers=editor)
        assert response.status_code == 200, response.text
        for team in teams:
            approver = await self.key("approver", team)
            response = await self.client.post(
                f"/v1/definitions/{slug}/versions/{number}/approve", json={"comment": "ok"}, headers=approver
            )
            assert response.status_code == 200, response.text
        publisher = await self.publisher()
        response = await self.client.post(f"/v1/definitions/{slug}/versions/{number}/publish", headers=publisher)
        assert response.status_code == 200, response.text
        return response

    async def published(self, slug: str = "mql", **overrides: Any) -> httpx.Response:
        await self.create(slug, **overrides)
        return await self.publish_through_review(slug, 1)


STACK_TRACE_MARKERS = ("Traceback", 'File "', "site-packages", '.py", line', "asyncpg.exceptions")


def assert_no_stack_trace(response: httpx.Response) -> None:
    """No response, whatever its status, reveals a stack trace or the service's internals."""
    for marker in STACK_TRACE_MARKERS:
        assert marker not in response.text, f"{marker!r} in {response.status_code}: {response.text[:500]}"


def full_problem(response: httpx.Response, status: int, slug: str | None = None) -> Problem:
    """`problem()` plus the whole RFC 9457 shape: a type URI, a title, a detail, the request path, no stack trace."""
    found = problem(response, status)
    assert found.type.startswith("https://canon.dev/problems/"), found.type
    if slug is not None:
        assert found.type == f"https://canon.dev/problems/{slug}"
    assert found.title
    assert found.detail
    assert found.instance == response.request.url.path
    assert_no_stack_trace(response)
    return found


# --- lifecycle and reads helpers --------------------------------------------------------------------------------


def decoded_list(response: httpx.Response) -> Any:
    """A page of `GET /v1/definitions`, strictly decoded."""
    from service.api.schemas import entry_list_out

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json"), response.text
    return msgspec.json.decode(response.content, type=entry_list_out(DEFINITION))


def decoded_versions(response: httpx.Response) -> Any:
    """A page of `GET /v1/definitions/{slug}/versions`, strictly decoded."""
    from service.api.schemas import version_list_out

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json"), response.text
    return msgspec.json.decode(response.content, type=version_list_out(DEFINITION))


async def entry_events(client: AsyncTestClient[Any], slug: str) -> list[dict[str, Any]]:
    """Every event of the change feed about `slug`, oldest first (pages through the whole feed)."""
    found: list[dict[str, Any]] = []
    after: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 200} if after is None else {"limit": 200, "after": after}
        response = await client.get("/v1/events", params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        found.extend(event for event in page["items"] if event["data"]["slug"] == slug)
        if not page["items"]:
            return found
        after = page["next_cursor"]


async def entry_audit(client: AsyncTestClient[Any], slug: str) -> list[dict[str, Any]]:
    """Every audit record about `slug`, oldest first (the admin client pages `GET /v1/audit?slug=`)."""
    found: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"slug": slug, "limit": 200}
        if cursor is not None:
            params["cursor"] = cursor
        response = await client.get("/v1/audit", params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        found.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return list(reversed(found))


async def current_etag(client: AsyncTestClient[Any], slug: str) -> str:
    """The entry's ETag as the admin client reads it now (every representation of an entry shares it)."""
    response = await client.get(f"/v1/definitions/{slug}", params={"version": 1})
    assert response.status_code == 200, response.text
    return response.headers["ETag"]


async def edit_draft(api: Api, slug: str, number: int, patch: dict[str, Any]) -> httpx.Response:
    """PATCH a draft's content as the `author` editor, with the current ETag."""
    editor = await api.key("editor", "revops", "author")
    headers = {**editor, "If-Match": await current_etag(api.client, slug)}
    response = await api.client.patch(f"/v1/definitions/{slug}/versions/{number}", json=patch, headers=headers)
    assert response.status_code == 200, response.text
    return response


async def start_version(api: Api, slug: str, body: dict[str, Any] | None = None) -> httpx.Response:
    """POST a new draft version as the `author` editor (a copy of the current version unless `body` says else)."""
    editor = await api.key("editor", "revops", "author")
    response = await api.client.post(f"/v1/definitions/{slug}/versions", json=body or {}, headers=editor)
    assert response.status_code == 201, response.text
    return response
