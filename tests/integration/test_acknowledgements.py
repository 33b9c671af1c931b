"""Acknowledgements (issue 16, item 2): a version names the teams that must acknowledge it (`acknowledge_teams`,
reviewed with it); once it is in effect each of their people acknowledges it once; editors see who has and who has
not; `GET /v1/me/acknowledgements` lists what the caller still owes; the worker names, once each, those still silent
after the window."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import msgspec
import pytest
from litestar.testing import AsyncTestClient

from service.config import Settings
from service.store.database import Pool, create_pool
from service.usecases import acknowledgements
from service.usecases.acknowledgements import AcknowledgementOut, AcknowledgementStatus, OutstandingPage
from service.wiring import build_services, build_worker
from tests.support import Api, decoded, edit_draft, entry_events, full_problem, start_version
from tests.webhook_fixtures import until

DAYS_5 = dt.timedelta(days=5)
ACK = "/v1/definitions/mql/versions/{n}/acknowledgements"


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[Pool]:
    created = await create_pool(database_url, min_size=1, max_size=4)
    try:
        yield created
    finally:
        await created.close()


async def person(api: Api, subject: str, *teams: str, role: str = "reader") -> dict[str, str]:
    """A key of a person `subject` in `teams`."""
    headers = await api.key(role, teams[0] if teams else None, subject)
    if len(teams) > 1:
        response = await api.client.patch(f"/v1/people/{subject}", json={"teams": list(teams)})
        assert response.status_code == 200, response.text
    return headers


async def addressed_mql(api: Api, teams: list[str] | None = None) -> None:
    """mql v1, addressed to sales and support, published through review."""
    await api.published("mql", acknowledge_teams=teams if teams is not None else ["sales", "support"])


async def acknowledge(client: AsyncTestClient[Any], headers: dict[str, str], number: int = 1) -> Any:
    return await client.post(ACK.format(n=number), headers=headers)


async def status(client: AsyncTestClient[Any], headers: dict[str, str], number: int = 1) -> AcknowledgementStatus:
    response = await client.get(ACK.format(n=number), headers=headers)
    assert response.status_code == 200, response.text
    return msgspec.json.decode(response.content, type=AcknowledgementStatus)


async def mine(client: AsyncTestClient[Any], headers: dict[str, str], **params: Any) -> OutstandingPage:
    response = await client.get("/v1/me/acknowledgements", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return msgspec.json.decode(response.content, type=OutstandingPage)


async def backdate_versions(database_url: str, by: dt.timedelta) -> None:
    """Move every publication into the past: as if `by` had passed since each version took effect."""
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(
            """UPDATE versions
               SET published_at = published_at - $1::interval, effective_from = effective_from - $1::interval
               WHERE published_at IS NOT NULL""",
            by,
        )
    finally:
        await conn.close()


async def test_acknowledge_teams_are_reviewed_with_the_version(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.create("mql", acknowledge_teams=["sales", "sales", "support"])
    version = decoded(await client.get("/v1/definitions/mql", params={"version": 1})).version
    assert version.acknowledge_teams == ["sales", "support"]
    await edit_draft(api, "mql", 1, {"acknowledge_teams": ["sales"]})
    await api.publish_through_review("mql", 1)
    await start_version(api, "mql")
    version = decoded(await client.get("/v1/definitions/mql", params={"version": 2})).version
    assert version.acknowledge_teams == ["sales"]  # copied into the new draft
    edited = await edit_draft(api, "mql", 2, {"acknowledge_teams": ["sales", "marketing"]})
    assert decoded(edited).version.acknowledge_teams == ["sales", "marketing"]
    diff = await client.get("/v1/definitions/mql/diff", params={"from": 1, "to": 2})
    assert [change["field"] for change in diff.json()["changes"]] == ["acknowledge_teams"]
    tag = edited.headers["ETag"]
    editor = await api.key("editor", "revops", "author")
    refused = await client.patch(
        "/v1/definitions/mql", json={"acknowledge_teams": []}, headers={**editor, "If-Match": tag}
    )
    problem = full_problem(refused, 422)
    assert problem.errors is not None
    assert [e.pointer for e in problem.errors] == ["/acknowledge_teams"]
    bad = await client.patch(
        "/v1/definitions/mql/versions/2",
        json={"acknowledge_teams": ["Sales Team"]},
        headers={**editor, "If-Match": tag},
    )
    full_problem(bad, 422)


async def test_each_person_acknowledges_once_and_a_repeat_answers_the_first(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await addressed_mql(api)
    seller = await person(api, "sam@example.com", "sales")
    first = await acknowledge(client, seller)
    assert first.status_code == 201, first.text
    given = msgspec.json.decode(first.content, type=AcknowledgementOut)
    assert (given.kind, given.slug, given.version, given.subject, given.teams) == (
        "definition",
        "mql",
        1,
        "sam@example.com",
        ["sales"],
    )
    again = await acknowledge(client, seller)
    assert again.status_code == 200, again.text
    assert msgspec.json.decode(again.content, type=AcknowledgementOut) == given
    # Two at once: one creates it, the other answers it.
    other = await person(api, "sue@example.com", "sales", "support")
    answers = await asyncio.gather(acknowledge(client, other), acknowledge(client, other))
    assert sorted(a.status_code for a in answers) == [200, 201]
    assert {msgspec.json.decode(a.content, type=AcknowledgementOut).teams == ["sales", "support"] for a in answers} == {
        True
    }
    audit = await client.get("/v1/audit", params={"kind": "definition", "slug": "mql"})
    acknowledged = [r for r in audit.json()["items"] if r["action"] == "definition.acknowledged"]
    assert sorted(r["actor"] for r in acknowledged) == ["sam@example.com", "sue@example.com"]


async def test_who_has_and_who_has_not_per_team_with_counts_and_rates(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await addressed_mql(api)
    sam = await person(api, "sam@example.com", "sales")
    await person(api, "sal@example.com", "sales")
    una = await person(api, "una@example.com", "support")
    both = await person(api, "bea@example.com", "sales", "support")
    await person(api, "mo@example.com", "marketing")
    await person(api, "dee@example.com", "sales")
    assert (await client.patch("/v1/people/dee@example.com", json={"active": False})).status_code == 200
    for headers in (sam, una, both):
        assert (await acknowledge(client, headers)).status_code == 201

    lead = await api.key("editor", "sales", "sales-lead")
    found = await status(client, lead)
    # Everyone in an addressed team, whatever their role: in sales sam, sal, bea, the lead, and the approver and the
    # publisher who took mql through review; in support una and bea. Dee is deactivated, mo is in marketing.
    assert (found.version, found.status, found.in_effect, found.acknowledge_teams) == (
        1,
        "published",
        True,
        ["sales", "support"],
    )
    assert (found.members, found.acknowledged, found.pending, found.rate) == (7, 3, 4, 0.4286)
    assert found.in_effect_since is not None
    assert found.due_at == found.in_effect_since + DAYS_5
    sales, support = found.teams
    assert (sales.team, sales.members, sales.acknowledged, sales.pending, sales.rate) == ("sales", 6, 2, 4, 0.3333)
    assert [p.subject for p in sales.acknowledged_by] == ["bea@example.com", "sam@example.com"]
    assert [p.subject for p in sales.not_acknowledged] == [
        "approver-sales",
        "publisher",
        "sal@example.com",
        "sales-lead",
    ]
    assert (support.members, support.acknowledged, support.pending, support.rate) == (2, 2, 0, 1.0)
    assert all(p.acknowledged_at is not None for p in support.acknowledged_by)

    # Readers (the audience itself) do not see who else has acknowledged.
    problem = full_problem(await client.get(ACK.format(n=1), headers=sam), 403)
    assert "editor role" in (problem.detail or "")
    full_problem(await client.get(ACK.format(n=9), headers=lead), 404)
    full_problem(await client.get("/v1/definitions/nope/versions/1/acknowledgements", headers=lead), 404)


async def test_what_cannot_be_acknowledged_says_why(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await addressed_mql(api)
    seller = await person(api, "sam@example.com", "sales")
    marketer = await person(api, "mo@example.com", "marketing")

    problem = full_problem(await acknowledge(client, marketer), 403)
    assert problem.detail == "version 1 is addressed to sales, support; 'mo@example.com' is in marketing"
    problem = full_problem(await client.post(ACK.format(n=1)), 403)  # the bootstrap admin: not a person
    assert problem.detail == "'bootstrap-admin' is a service; only people acknowledge a version"
    integration = await api.service_key("admin", "crm-sync")
    problem = full_problem(await acknowledge(client, integration), 403)
    assert problem.detail == "'service:crm-sync' is a service; only people acknowledge a version"

    # A draft is not in effect: 409 for those who may see it, 404 for readers, who may not.
    await start_version(api, "mql")
    sales_editor = await person(api, "ed@example.com", "sales", role="editor")
    problem = full_problem(await acknowledge(client, sales_editor, 2), 409)
    assert (
        problem.detail
        == "version 2 is not in effect (it is draft, not published); only the version in effect is acknowledged"
    )
    full_problem(await acknowledge(client, seller, 2), 404)
    full_problem(await acknowledge(client, seller, 7), 404)

    # Published to take effect later: scheduled, not in effect yet; once it replaces v1, v1 no longer is.
    await edit_draft(api, "mql", 2, {"effective_date": "2999-01-01"})
    await api.publish_through_review("mql", 2)
    problem = full_problem(await acknowledge(client, seller, 2), 409)
    assert "scheduled and takes effect later" in (problem.detail or "")
    assert (await acknowledge(client, seller, 1)).status_code == 201
    await start_version(api, "mql")
    await edit_draft(api, "mql", 3, {"effective_date": None})
    await api.publish_through_review("mql", 3)
    problem = full_problem(await acknowledge(client, seller, 1), 409)
    assert "a later version replaced it" in (problem.detail or "")
    assert (await acknowledge(client, seller, 3)).status_code == 201

    # Nobody to acknowledge for: a version addressed to no team.
    await api.published("sql")
    response = await client.post("/v1/definitions/sql/versions/1/acknowledgements", headers=seller)
    assert full_problem(response, 403).detail == "version 1 is addressed to no team, so there is nothing to acknowledge"

    # A retired entry has nothing in effect.
    assert (await client.post("/v1/definitions/mql/retire")).status_code == 200
    problem = full_problem(await acknowledge(client, await person(api, "sal@example.com", "sales"), 3), 409)
    assert "retired" in (problem.detail or "")


async def test_my_acknowledgements_list_what_i_still_owe(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    for slug in ("lead", "mql", "sql"):
        await api.published(slug, acknowledge_teams=["sales"])
    await api.published("arr", acknowledge_teams=["finance"])
    seller = await person(api, "sam@example.com", "sales", "finance")
    page = await mine(client, seller)
    assert [(item.slug, item.version, item.teams) for item in page.items] == [
        ("lead", 1, ["sales"]),
        ("mql", 1, ["sales"]),
        ("sql", 1, ["sales"]),
        ("arr", 1, ["finance"]),
    ]
    first = page.items[0]
    assert first.url == "http://canon.test/v1/definitions/lead?version=1"
    assert first.acknowledge_url == "http://canon.test/v1/definitions/lead/versions/1/acknowledgements"
    assert (first.due_at, first.overdue) == (first.in_effect_since + DAYS_5, False)
    assert (await acknowledge(client, seller)).status_code == 201  # mql

    seen: list[str] = []
    cursor: str | None = None
    while True:
        page = await mine(client, seller, limit=1, **({"cursor": cursor} if cursor else {}))
        seen += [item.slug for item in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == ["lead", "sql", "arr"]

    assert (await mine(client, await person(api, "mo@example.com", "marketing"))).items == []
    problem = full_problem(await client.get("/v1/me/acknowledgements"), 403)
    assert problem.detail == "'bootstrap-admin' is a service; only people have versions to acknowledge"
    full_problem(await client.get("/v1/me/acknowledgements", params={"cursor": "bad!"}, headers=seller), 422)


async def test_people_still_silent_after_the_window_are_named_once(
    client: AsyncTestClient[Any], settings: Settings, pool: Pool, database_url: str
) -> None:
    api = Api(client)
    await addressed_mql(api)
    sam = await person(api, "sam@example.com", "sales")
    await person(api, "sal@example.com", "sales")
    una = await person(api, "una@example.com", "support")
    await person(api, "mo@example.com", "marketing")
    assert (await acknowledge(client, sam)).status_code == 201
    contexts = build_services(pool, settings).entry_contexts
    window = dt.timedelta(seconds=settings.acknowledgement_window_seconds)
    assert window == DAYS_5
    assert await acknowledgements.send_overdue(pool, contexts, window) == 0

    await backdate_versions(database_url, DAYS_5 + dt.timedelta(minutes=1))
    assert (await mine(client, una)).items[0].overdue is True
    assert await acknowledgements.send_overdue(pool, contexts, window) == 1
    assert await acknowledgements.send_overdue(pool, contexts, window) == 0
    [event] = [e for e in await entry_events(client, "mql") if e["type"] == "definition.acknowledgement_overdue"]
    due = event["data"]["acknowledgements_due"]
    assert (due["teams"], [(p["subject"], p["teams"]) for p in due["people"]]) == (
        ["sales", "support"],
        [
            ("approver-sales", ["sales"]),  # who took mql through review are people of sales too
            ("publisher", ["sales"]),
            ("sal@example.com", ["sales"]),
            ("una@example.com", ["support"]),
        ],
    )
    assert event["data"]["version"] == 1
    assert event["data"]["actor"]["subject"] == "canon-worker"

    # Acknowledging later changes nothing already sent; someone joining later is named once, on their own.
    assert (await acknowledge(client, una)).status_code == 201
    assert await acknowledgements.send_overdue(pool, contexts, window) == 0
    await person(api, "new@example.com", "support")
    assert await acknowledgements.send_overdue(pool, contexts, window) == 1
    events = [e for e in await entry_events(client, "mql") if e["type"] == "definition.acknowledgement_overdue"]
    assert [p["subject"] for p in events[-1]["data"]["acknowledgements_due"]["people"]] == ["new@example.com"]
    # The event names people: editors and up see it in the feed, readers do not.
    feed = await client.get("/v1/events", params={"type": "definition.acknowledgement_overdue"}, headers=sam)
    assert feed.json()["items"] == []


async def test_the_worker_names_silent_people_on_its_own(
    client: AsyncTestClient[Any], settings: Settings, pool: Pool
) -> None:
    api = Api(client)
    await addressed_mql(api, ["sales"])
    await person(api, "sal@example.com", "sales")
    quick = msgspec.structs.replace(settings, acknowledgement_window_seconds=0.5, reminders_every_seconds=0.1)
    worker = build_worker(build_services(pool, quick))
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))

    async def named() -> bool:
        return any(e["type"] == "definition.acknowledgement_overdue" for e in await entry_events(client, "mql"))

    try:
        await until(named, within=10.0, what="an acknowledgement_overdue event")
    finally:
        stop.set()
        await running
