"""People, their keys, `/v1/me` and the audit log's filters: every credential acts as a person or a service."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from service.domain.errors import FieldError
from tests.support import Api, decoded, definition_body, entry_audit, full_problem, problem


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def add_person(client: AsyncTestClient[Any], subject: str, role: str, *teams: str) -> dict[str, Any]:
    name = subject.split("@", maxsplit=1)[0].title()
    response = await client.post("/v1/people", json={"subject": subject, "name": name, "role": role, "teams": teams})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def key_for(client: AsyncTestClient[Any], subject: str, name: str, **extra: Any) -> dict[str, str]:
    response = await client.post("/v1/keys", json={"name": name, "person": subject, **extra})
    assert response.status_code == 201, response.text
    return bearer(response.json()["key"])


async def test_a_person_is_created_listed_read_and_changed_by_an_admin(client: AsyncTestClient[Any]) -> None:
    created = await add_person(client, "dana@acme.example", "approver", "marketing", "marketing", "sales")
    assert {k: v for k, v in created.items() if not k.endswith("_at")} == {
        "subject": "dana@acme.example",
        "name": "Dana",
        "role": "approver",
        "teams": ["marketing", "sales"],
        "active": True,
    }
    await add_person(client, "ali@acme.example", "reader")
    listed = (await client.get("/v1/people")).json()
    assert [p["subject"] for p in listed["items"]] == ["ali@acme.example", "dana@acme.example"]
    by_team = (await client.get("/v1/people", params={"team": "sales"})).json()
    assert [p["subject"] for p in by_team["items"]] == ["dana@acme.example"]
    first = (await client.get("/v1/people", params={"limit": 1})).json()
    rest = (await client.get("/v1/people", params={"limit": 1, "cursor": first["next_cursor"]})).json()
    assert [p["subject"] for p in first["items"] + rest["items"]] == ["ali@acme.example", "dana@acme.example"]
    assert rest["next_cursor"] is None

    changed = await client.patch("/v1/people/dana@acme.example", json={"teams": ["sales"], "name": "Dana W."})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["teams"], changed.json()["name"], changed.json()["role"]) == (
        ["sales"],
        "Dana W.",
        "approver",
    )
    assert (await client.get("/v1/people/dana@acme.example")).json() == changed.json()
    audit = (await client.get("/v1/audit", params={"action": "person.updated"})).json()["items"]
    assert audit[0]["detail"]["changes"] == {
        "name": {"old": "Dana", "new": "Dana W."},
        "teams": {"old": ["marketing", "sales"], "new": ["sales"]},
    }


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"subject": "a b@x", "name": "A"}, "/subject"),
        ({"subject": "service:crm", "name": "A"}, "/subject"),
        ({"subject": "key:abc", "name": "A"}, "/subject"),
        ({"subject": "ok@x", "name": " "}, "/name"),
        ({"subject": "ok@x", "name": "A", "role": "root"}, "/role"),
        ({"subject": "ok@x", "name": "A", "teams": ["Not A Team"]}, "/teams/0"),
        ({"subject": "ok@x", "name": "A", "extra": 1}, "/extra"),
    ],
)
async def test_invalid_people_are_422(client: AsyncTestClient[Any], body: dict[str, Any], pointer: str) -> None:
    found = full_problem(await client.post("/v1/people", json=body), 422, "invalid")
    assert found.errors is not None
    assert [e.pointer for e in found.errors] == [pointer]
    assert (await client.get("/v1/people")).json()["items"] == []


async def test_people_are_for_admins_and_subjects_are_unique(client: AsyncTestClient[Any]) -> None:
    await add_person(client, "dana@acme.example", "approver", "sales")
    again = await client.post("/v1/people", json={"subject": "dana@acme.example", "name": "Other"})
    assert problem(again, 409).detail == "'dana@acme.example' already exists"
    editor = await Api(client).key("editor", "sales")
    for response in (
        await client.get("/v1/people", headers=editor),
        await client.post("/v1/people", json={"subject": "x@y", "name": "X"}, headers=editor),
        await client.patch("/v1/people/dana@acme.example", json={"role": "admin"}, headers=editor),
        await client.get("/v1/people/dana@acme.example", headers=editor),
    ):
        full_problem(response, 403, "forbidden")
    full_problem(await client.get("/v1/people/nobody@x"), 404, "not-found")
    full_problem(await client.patch("/v1/people/nobody@x", json={"role": "admin"}), 404, "not-found")
    service = await client.post("/v1/keys", json={"name": "crm", "role": "reader"})
    assert service.status_code == 201
    full_problem(await client.patch("/v1/people/service:crm", json={"role": "admin"}), 422, "invalid")


async def test_me_says_who_the_caller_is(client: AsyncTestClient[Any]) -> None:
    await add_person(client, "dana@acme.example", "approver", "marketing", "sales")
    dana = await key_for(client, "dana@acme.example", "dana-laptop")
    assert (await client.get("/v1/me", headers=dana)).json() == {
        "type": "person",
        "subject": "dana@acme.example",
        "name": "Dana",
        "role": "approver",
        "teams": ["marketing", "sales"],
        "credential": "api_key",
    }
    crm = await client.post("/v1/keys", json={"name": "crm", "role": "editor", "team": "revops"})
    me = (await client.get("/v1/me", headers=bearer(crm.json()["key"]))).json()
    assert (me["type"], me["subject"], me["role"], me["teams"]) == ("service", "service:crm", "editor", ["revops"])
    assert (await client.get("/v1/me")).json()["credential"] == "bootstrap"


async def test_a_persons_key_acts_with_their_current_role_and_teams(client: AsyncTestClient[Any]) -> None:
    await add_person(client, "ed@acme.example", "editor", "revops")
    ed = await key_for(client, "ed@acme.example", "ed-key")
    role_and_team = await client.post("/v1/keys", json={"name": "x", "person": "ed@acme.example", "role": "admin"})
    found = full_problem(role_and_team, 422, "invalid")
    assert found.errors is not None
    assert [e.pointer for e in found.errors] == ["/role"]
    missing = await client.post("/v1/keys", json={"name": "x", "person": "nobody@acme.example"})
    assert full_problem(missing, 422, "invalid").errors == [
        FieldError("/person", "create the person first (POST /v1/people)", "body")
    ]
    problem(await client.get("/v1/keys", headers=ed), 403)
    promoted = await client.patch("/v1/people/ed@acme.example", json={"role": "admin"})
    assert promoted.status_code == 200, promoted.text
    me = (await client.get("/v1/me", headers=ed)).json()
    assert me["role"] == "admin"
    listed = {k["name"]: k for k in (await client.get("/v1/keys")).json()["items"]}
    assert listed["ed-key"]["role"] == "admin"
    assert listed["ed-key"]["principal"] == {"type": "person", "subject": "ed@acme.example", "name": "Ed"}


async def test_a_person_in_two_teams_approves_once_naming_the_team(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.create("mql")
    author = await api.key("editor", "revops", "author")
    assert (await client.post("/v1/definitions/mql/versions/1/submit", headers=author)).status_code == 200
    await add_person(client, "both@acme.example", "approver", "marketing", "sales")
    both = await key_for(client, "both@acme.example", "both-key")

    unsure = full_problem(await client.post("/v1/definitions/mql/versions/1/approve", json={}, headers=both), 422)
    assert unsure.errors == [FieldError("/team", "one of marketing, sales", "body")]
    approved = await client.post("/v1/definitions/mql/versions/1/approve", json={"team": "sales"}, headers=both)
    assert approved.status_code == 200, approved.text
    assert decoded(approved).version.pending_teams == ["marketing"]
    again = await client.post("/v1/definitions/mql/versions/1/approve", json={"team": "marketing"}, headers=both)
    assert problem(again, 409).detail == "'both@acme.example' already approved version 1 for team 'sales'"
    # A second key changes nothing: it is the same person.
    other_key = await key_for(client, "both@acme.example", "both-phone")
    still = await client.post("/v1/definitions/mql/versions/1/approve", json={"team": "marketing"}, headers=other_key)
    problem(still, 409)
    done = await client.post(
        "/v1/definitions/mql/versions/1/approve", json={}, headers=await api.key("approver", "marketing")
    )
    assert decoded(done).version.status == "approved"


async def test_an_editor_of_a_draft_cannot_approve_it(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.create("mql")
    await add_person(client, "mo@acme.example", "approver", "marketing")
    mo = await key_for(client, "mo@acme.example", "mo-key")
    tag = (await client.get("/v1/definitions/mql", params={"version": 1})).headers["ETag"]
    edited = await client.patch(
        "/v1/definitions/mql/versions/1", json={"summary": "Mo's words."}, headers={**mo, "If-Match": tag}
    )
    assert edited.status_code == 200, edited.text
    assert (await client.post("/v1/definitions/mql/versions/1/submit", headers=mo)).status_code == 200
    own = await client.post("/v1/definitions/mql/versions/1/approve", json={}, headers=mo)
    assert problem(own, 403).detail == "'mo@acme.example' wrote or edited version 1, so cannot approve it"


async def test_a_service_key_writes_drafts_but_never_signs_off(client: AsyncTestClient[Any]) -> None:
    crm = await client.post("/v1/keys", json={"name": "crm-sync", "role": "editor", "team": "marketing"})
    headers = bearer(crm.json()["key"])
    created = await client.post("/v1/definitions", json=definition_body("mql"), headers=headers)
    assert created.status_code == 201, created.text
    assert decoded(created).version.author == "service:crm-sync"
    assert (await client.post("/v1/definitions/mql/versions/1/submit", headers=headers)).status_code == 200
    reject = await client.post("/v1/definitions/mql/versions/1/reject", json={"comment": "no"}, headers=headers)
    problem(reject, 403)
    admin_service = await client.post("/v1/keys", json={"name": "ops-bot", "role": "admin", "team": "marketing"})
    approve = await client.post(
        "/v1/definitions/mql/versions/1/approve", json={}, headers=bearer(admin_service.json()["key"])
    )
    assert "only people approve" in (problem(approve, 403).detail or "")


async def test_deactivating_a_person_stops_every_key_they_hold(client: AsyncTestClient[Any]) -> None:
    await add_person(client, "gone@acme.example", "editor", "sales")
    keys = [await key_for(client, "gone@acme.example", f"gone-{i}") for i in range(2)]
    for key in keys:
        assert (await client.get("/v1/me", headers=key)).status_code == 200
    off = await client.patch("/v1/people/gone@acme.example", json={"active": False})
    assert off.json()["active"] is False
    for key in keys:
        full_problem(await client.get("/v1/me", headers=key), 401, "unauthorized")
    refused = await client.post("/v1/keys", json={"name": "gone-3", "person": "gone@acme.example"})
    problem(refused, 409)
    on = await client.patch("/v1/people/gone@acme.example", json={"active": True})
    assert on.json()["active"] is True
    assert (await client.get("/v1/me", headers=keys[0])).status_code == 200


async def test_an_expired_key_is_401_and_expiry_must_be_in_the_future(
    client: AsyncTestClient[Any], database_url: str
) -> None:
    await add_person(client, "tmp@acme.example", "reader")
    past = await client.post(
        "/v1/keys", json={"name": "old", "person": "tmp@acme.example", "expires_at": "2020-01-01T00:00:00Z"}
    )
    assert [e.pointer for e in full_problem(past, 422, "invalid").errors or []] == ["/expires_at"]
    soon = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
    response = await client.post("/v1/keys", json={"name": "soon", "person": "tmp@acme.example", "expires_at": soon})
    assert response.status_code == 201, response.text
    assert response.json()["expires_at"] is not None
    key = bearer(response.json()["key"])
    assert (await client.get("/v1/me", headers=key)).status_code == 200
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE name = 'soon'")
    finally:
        await conn.close()
    client.app.state.key_resolver.forget()  # the resolver's cache would otherwise keep it for a few seconds
    full_problem(await client.get("/v1/me", headers=key), 401, "unauthorized")


async def test_a_keys_last_use_is_recorded(client: AsyncTestClient[Any]) -> None:
    await add_person(client, "use@acme.example", "reader")
    key = await key_for(client, "use@acme.example", "use-key")
    before = {k["name"]: k for k in (await client.get("/v1/keys")).json()["items"]}
    assert before["use-key"]["last_used_at"] is None
    assert (await client.get("/v1/me", headers=key)).status_code == 200
    after = {k["name"]: k for k in (await client.get("/v1/keys")).json()["items"]}
    assert after["use-key"]["last_used_at"] is not None


async def test_the_audit_log_filters_by_person_entry_and_time(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.create("mql")
    await asyncio.sleep(0.01)
    middle = dt.datetime.now(dt.UTC)
    await asyncio.sleep(0.01)
    await api.create("sql")
    by_author = (await client.get("/v1/audit", params={"person": "author"})).json()["items"]
    assert [(r["action"], r["slug"]) for r in by_author] == [
        ("definition.created", "sql"),
        ("definition.created", "mql"),
    ]
    assert (await client.get("/v1/audit", params={"actor": "author"})).json() == {
        "items": by_author,
        "next_cursor": None,
    }
    since = (await client.get("/v1/audit", params={"since": middle.isoformat(), "slug": "sql"})).json()["items"]
    assert [r["slug"] for r in since] == ["sql"]
    until = (await client.get("/v1/audit", params={"until": middle.isoformat(), "kind": "definition"})).json()["items"]
    assert [r["slug"] for r in until] == ["mql"]
    assert [r["slug"] for r in await entry_audit(client, "mql")] == ["mql"]
    bad = full_problem(await client.get("/v1/audit", params={"since": "yesterday"}), 422, "invalid")
    assert bad.errors == [FieldError("since", "expected YYYY-MM-DD or an RFC 3339 time", "query")]
    both = full_problem(await client.get("/v1/audit", params={"actor": "a", "person": "b"}), 422, "invalid")
    assert both.errors is not None
    assert [e.pointer for e in both.errors] == ["person"]
