"""Authentication (401), roles (403) and the keys API: secrets shown once, stored only as SHA-256 hashes."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from service.domain.errors import FieldError
from tests.conftest import ADMIN_KEY
from tests.support import Api, definition_body, full_problem

KEY_FIELDS = {
    "id",
    "name",
    "prefix",
    "role",
    "teams",
    "principal",
    "created_at",
    "expires_at",
    "last_used_at",
    "revoked_at",
}
STORED_KEY_COLUMNS = {
    "id",
    "name",
    "prefix",
    "secret_hash",
    "role",
    "team",
    "principal_id",
    "created_at",
    "expires_at",
    "last_used_at",
    "revoked_at",
}


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def issue(client: AsyncTestClient[Any], role: str, team: str | None = None, name: str = "k") -> dict[str, Any]:
    """A service key, or for an approver (services never approve) a key of a person named `name`."""
    if role == "approver":
        person = {"subject": name, "name": name, "role": role, "teams": [team] if team else []}
        assert (await client.post("/v1/people", json=person)).status_code == 201
        response = await client.post("/v1/keys", json={"name": name, "person": name})
    else:
        response = await client.post("/v1/keys", json={"name": name, "role": role, "team": team})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


# --- 401 ---------------------------------------------------------------------------------------------------------


async def test_no_authorization_header_is_401_with_www_authenticate(client: AsyncTestClient[Any]) -> None:
    del client.headers["Authorization"]
    response = await client.get("/v1/events")
    found = full_problem(response, 401, "unauthorized")
    assert found.title == "Unauthorized"
    assert found.detail == "send an API key as 'Authorization: Bearer <key>'"
    assert response.headers["www-authenticate"] == 'Bearer realm="canon"'


@pytest.mark.parametrize(
    "header", [f"Basic {ADMIN_KEY}", f"Token {ADMIN_KEY}", ADMIN_KEY, "Bearer", "Bearer    ", f"Bearer{ADMIN_KEY}"]
)
async def test_wrong_scheme_or_empty_token_is_401(client: AsyncTestClient[Any], header: str) -> None:
    response = await client.get("/v1/events", headers={"Authorization": header})
    found = full_problem(response, 401, "unauthorized")
    assert found.detail == "send an API key as 'Authorization: Bearer <key>'"
    assert response.headers["www-authenticate"] == 'Bearer realm="canon"'


@pytest.mark.parametrize("key", ["canon_" + "A" * 43, "nope", ADMIN_KEY + "x", ADMIN_KEY[:-1]])
async def test_unknown_key_is_401(client: AsyncTestClient[Any], key: str) -> None:
    response = await client.get("/v1/events", headers=bearer(key))
    found = full_problem(response, 401, "unauthorized")
    assert found.detail == "the API key is unknown, revoked or expired"
    assert response.headers["www-authenticate"] == 'Bearer realm="canon"'


async def test_the_scheme_is_case_insensitive(client: AsyncTestClient[Any]) -> None:
    response = await client.get("/v1/events", headers={"Authorization": f"bearer {ADMIN_KEY}"})
    assert response.status_code == 200, response.text


async def test_every_protected_route_demands_a_key(client: AsyncTestClient[Any]) -> None:
    await Api(client).create("mql")
    del client.headers["Authorization"]
    routes = [
        ("GET", "/v1/definitions"),
        ("GET", "/v1/definitions/mql"),
        ("POST", "/v1/definitions"),
        ("POST", "/v1/definitions/mql/versions/1/submit"),
        ("POST", "/v1/definitions/mql/retire"),
        ("GET", "/v1/events"),
        ("GET", "/v1/audit"),
        ("GET", "/v1/keys"),
        ("POST", "/v1/keys"),
        ("DELETE", f"/v1/keys/{uuid.uuid4()}"),
        ("GET", "/v1/me"),
        ("GET", "/v1/people"),
        ("POST", "/v1/people"),
        ("PATCH", "/v1/people/someone@acme.example"),
        ("POST", "/v1/evaluate"),
        ("POST", "/v1/evaluate/stream?definitions=mql"),
    ]
    for method, path in routes:
        response = await client.request(method, path)
        full_problem(response, 401, "unauthorized")
    assert (await client.get("/healthz")).status_code == 200


# --- the keys API ------------------------------------------------------------------------------------------------


async def test_creating_a_key_returns_its_secret_once(client: AsyncTestClient[Any]) -> None:
    response = await client.post("/v1/keys", json={"name": "crm sync", "role": "reader"})
    assert response.status_code == 201, response.text
    issued = response.json()
    assert set(issued) == {"id", "name", "role", "teams", "principal", "prefix", "expires_at", "key"}
    assert issued["name"] == "crm sync"
    assert issued["role"] == "reader"
    assert (issued["teams"], issued["expires_at"]) == ([], None)
    assert issued["principal"] == {"type": "service", "subject": "service:crm sync", "name": "crm sync"}
    assert issued["key"].startswith("canon_")
    assert len(issued["key"]) >= len("canon_") + 43  # 32 random bytes, base64url
    assert issued["prefix"] == issued["key"][:12]
    uuid.UUID(issued["id"])
    works = await client.get("/v1/events", headers=bearer(issued["key"]))
    assert works.status_code == 200, works.text


async def test_every_key_is_different(client: AsyncTestClient[Any]) -> None:
    keys = {(await issue(client, "reader", name=f"k{i}"))["key"] for i in range(5)}
    assert len(keys) == 5


async def test_listing_keys_never_shows_secrets_or_hashes(client: AsyncTestClient[Any], database_url: str) -> None:
    issued = [
        await issue(client, role, team, name=f"{role}-key") for role, team in (("reader", None), ("approver", "sales"))
    ]
    response = await client.get("/v1/keys")
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"items", "next_cursor"}
    assert body["next_cursor"] is None
    assert [item["id"] for item in body["items"]] == [k["id"] for k in issued]
    for item, key in zip(body["items"], issued, strict=True):
        assert set(item) == KEY_FIELDS
        assert (item["name"], item["role"], item["teams"], item["prefix"], item["principal"]) == (
            key["name"],
            key["role"],
            key["teams"],
            key["prefix"],
            key["principal"],
        )
        assert item["revoked_at"] is None
    conn = await asyncpg.connect(database_url)
    try:
        hashes = [bytes(r["secret_hash"]) for r in await conn.fetch("SELECT secret_hash FROM api_keys")]
    finally:
        await conn.close()
    for key in issued:
        assert key["key"] not in response.text
        assert key["key"][12:] not in response.text
    for digest in hashes:
        assert digest.hex() not in response.text
        assert digest.hex().upper() not in response.text


async def test_keys_are_paged_with_a_cursor(client: AsyncTestClient[Any]) -> None:
    ids = [(await issue(client, "reader", name=f"k{i}"))["id"] for i in range(5)]
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        body = (await client.get("/v1/keys", params=params)).json()
        pages += 1
        seen.extend(item["id"] for item in body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == ids
    assert pages == 3


async def test_only_a_sha256_hash_of_the_secret_is_stored(client: AsyncTestClient[Any], database_url: str) -> None:
    issued = await issue(client, "editor", "revops", name="stored")
    conn = await asyncpg.connect(database_url)
    try:
        row = await conn.fetchrow("SELECT * FROM api_keys WHERE id = $1", uuid.UUID(issued["id"]))
        as_text = await conn.fetchval(
            "SELECT row_to_json(k)::text FROM api_keys k WHERE id = $1", uuid.UUID(issued["id"])
        )
    finally:
        await conn.close()
    assert row is not None
    stored = bytes(row["secret_hash"])
    assert len(stored) == 32
    assert stored == hashlib.sha256(issued["key"].encode()).digest()
    assert issued["key"] not in as_text
    assert issued["key"][12:] not in as_text
    assert row["prefix"] == issued["key"][:12]
    assert set(dict(row)) == STORED_KEY_COLUMNS


async def test_revoking_a_key_makes_it_401(client: AsyncTestClient[Any]) -> None:
    issued = await issue(client, "reader")
    assert (await client.get("/v1/events", headers=bearer(issued["key"]))).status_code == 200
    response = await client.delete(f"/v1/keys/{issued['id']}")
    assert response.status_code == 200, response.text
    revoked = response.json()
    assert set(revoked) == KEY_FIELDS
    assert revoked["id"] == issued["id"]
    assert revoked["revoked_at"] is not None
    denied = await client.get("/v1/events", headers=bearer(issued["key"]))
    found = full_problem(denied, 401, "unauthorized")
    assert found.detail == "the API key is unknown, revoked or expired"
    listed = {item["id"]: item for item in (await client.get("/v1/keys")).json()["items"]}
    assert listed[issued["id"]]["revoked_at"] == revoked["revoked_at"]


async def test_revoking_twice_keeps_the_first_revocation_time(client: AsyncTestClient[Any]) -> None:
    issued = await issue(client, "reader")
    first = (await client.delete(f"/v1/keys/{issued['id']}")).json()
    second = await client.delete(f"/v1/keys/{issued['id']}")
    assert second.status_code == 200
    assert second.json()["revoked_at"] == first["revoked_at"]


async def test_revoking_is_audited(client: AsyncTestClient[Any]) -> None:
    issued = await issue(client, "reader")
    await client.delete(f"/v1/keys/{issued['id']}")
    audit = (await client.get("/v1/audit")).json()["items"]
    actions = [(item["action"], item["detail"].get("key_id")) for item in audit]
    assert actions[:2] == [("key.revoked", issued["id"]), ("key.created", issued["id"])]


async def test_revoking_an_unknown_key_is_404(client: AsyncTestClient[Any]) -> None:
    missing = uuid.uuid4()
    found = full_problem(await client.delete(f"/v1/keys/{missing}"), 404, "not-found")
    assert found.detail == f"no API key with id {missing}"


async def test_revoking_a_non_uuid_is_404(client: AsyncTestClient[Any]) -> None:
    full_problem(await client.delete("/v1/keys/not-a-uuid"), 404, "not-found")


async def test_a_service_key_never_approves(client: AsyncTestClient[Any]) -> None:
    response = await client.post("/v1/keys", json={"name": "approver", "role": "approver", "team": "sales"})
    found = full_problem(response, 422, "invalid")
    assert found.errors == [FieldError("/role", "services never approve: issue the key to a person (`person`)", "body")]
    assert (await client.get("/v1/keys")).json()["items"] == []


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"name": "k", "role": "root"}, "/role"),
        ({"name": "", "role": "reader"}, "/name"),
        ({"name": "k", "role": "reader", "team": "Not A Team"}, "/team"),
    ],
)
async def test_invalid_key_requests_are_422(client: AsyncTestClient[Any], body: dict[str, Any], pointer: str) -> None:
    found = full_problem(await client.post("/v1/keys", json=body), 422, "invalid")
    assert found.errors is not None
    assert [e.pointer for e in found.errors] == [pointer]


# --- 403 and the role hierarchy ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "team"), [("reader", None), ("editor", None), ("approver", "sales")])
async def test_non_admins_get_403_on_keys_and_audit(client: AsyncTestClient[Any], role: str, team: str | None) -> None:
    victim = await issue(client, "reader", name="victim")
    caller = bearer((await issue(client, role, team, name="caller"))["key"])
    attempts = [
        await client.get("/v1/keys", headers=caller),
        await client.post("/v1/keys", json={"name": "mine", "role": "admin"}, headers=caller),
        await client.delete(f"/v1/keys/{victim['id']}", headers=caller),
        await client.get("/v1/audit", headers=caller),
    ]
    for response in attempts:
        found = full_problem(response, 403, "forbidden")
        subject = "caller" if role == "approver" else "service:caller"
        assert found.detail == f"this needs the admin role; {subject!r} has {role}"
    assert (await client.get("/v1/events", headers=bearer(victim["key"]))).status_code == 200
    names = [item["name"] for item in (await client.get("/v1/keys")).json()["items"]]
    assert names == ["victim", "caller"]


async def test_reader_reads_published_but_cannot_write(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.published("mql")
    await api.create("draft-only")
    reader = await api.key("reader")
    assert (await client.get("/v1/definitions/mql", headers=reader)).status_code == 200
    assert (await client.get("/v1/events", headers=reader)).status_code == 200
    listed = (await client.get("/v1/definitions", headers=reader)).json()["items"]
    assert [item["slug"] for item in listed] == ["mql"]
    full_problem(await client.get("/v1/definitions/draft-only", headers=reader), 404, "not-found")
    full_problem(await client.get("/v1/definitions/draft-only?version=1", headers=reader), 404, "not-found")
    denied = await client.post("/v1/definitions", json=definition_body("new"), headers=reader)
    found = full_problem(denied, 403, "forbidden")
    assert found.detail == "this needs the editor role; 'reader-none' has reader"
    full_problem(await client.get("/v1/definitions?status=draft", headers=reader), 403, "forbidden")
    full_problem(await client.post("/v1/definitions/mql/versions", json={}, headers=reader), 403, "forbidden")
    full_problem(await client.post("/v1/definitions/mql/retire", headers=reader), 403, "forbidden")
    assert (await client.get("/v1/definitions/new")).status_code == 404


async def test_editor_creates_but_cannot_retire(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    editor = await api.key("editor", "revops")
    created = await client.post("/v1/definitions", json=definition_body("mql"), headers=editor)
    assert created.status_code == 201, created.text
    assert (await client.get("/v1/definitions/mql?version=1", headers=editor)).status_code == 200
    found = full_problem(await client.post("/v1/definitions/mql/retire", headers=editor), 403, "forbidden")
    assert found.detail == "this needs the admin role; 'editor-revops' has editor"


async def test_approver_can_edit_like_an_editor_but_not_retire(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    approver = await api.key("approver", "sales")
    created = await client.post("/v1/definitions", json=definition_body("mql"), headers=approver)
    assert created.status_code == 201, created.text
    full_problem(await client.post("/v1/definitions/mql/retire", headers=approver), 403, "forbidden")


async def test_admin_can_retire_and_restore(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.published("mql")
    admin = bearer((await issue(client, "admin", name="second admin"))["key"])
    retired = await client.post("/v1/definitions/mql/retire", headers=admin)
    assert retired.status_code == 200, retired.text
    assert retired.json()["retired"] is True
    restored = await client.post("/v1/definitions/mql/restore", headers=admin)
    assert restored.status_code == 200, restored.text
    assert restored.json()["retired"] is False
    keys = await client.get("/v1/keys", headers=admin)
    assert keys.status_code == 200


async def test_a_revoked_admin_key_loses_its_powers(client: AsyncTestClient[Any]) -> None:
    admin = await issue(client, "admin", name="temp admin")
    assert (await client.get("/v1/keys", headers=bearer(admin["key"]))).status_code == 200
    assert (await client.delete(f"/v1/keys/{admin['id']}", headers=bearer(admin["key"]))).status_code == 200
    full_problem(await client.get("/v1/keys", headers=bearer(admin["key"])), 401, "unauthorized")
