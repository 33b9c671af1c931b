"""The review queue (issue 16, item 1): `GET /v1/reviews` lists what waits for the caller's teams, across kinds,
oldest first; submitting asks each team with a `review_requested` event; a review left pending past its window is
`overdue` and announced once per window with `review_overdue`."""

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
from service.usecases import reviews
from service.usecases.reviews import ReviewPage
from service.wiring import build_services, build_worker
from tests.support import Api, definition_body, entry_events, full_problem
from tests.webhook_fixtures import until

HOURS_48 = dt.timedelta(hours=48)


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[Pool]:
    created = await create_pool(database_url, min_size=1, max_size=4)
    try:
        yield created
    finally:
        await created.close()


async def submitted(api: Api, plural: str, slug: str, teams: list[str], **overrides: Any) -> None:
    """A first version of `slug`, needing `teams`, submitted by the `author` editor."""
    editor = await api.key("editor", "revops", "author")
    if plural == "definitions":
        body = definition_body(slug, required_teams=teams, **overrides)
    else:
        body = {"slug": slug, "title": slug.title(), "owners": teams, "content": {"body": "Say it."}, **overrides}
        body["required_teams"] = teams
    created = await api.client.post(f"/v1/{plural}", json=body, headers=editor)
    assert created.status_code == 201, created.text
    response = await api.client.post(f"/v1/{plural}/{slug}/versions/1/submit", headers=editor)
    assert response.status_code == 200, response.text


async def queue(client: AsyncTestClient[Any], headers: dict[str, str], **params: Any) -> ReviewPage:
    response = await client.get("/v1/reviews", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return msgspec.json.decode(response.content, type=ReviewPage)


def listed(page: ReviewPage) -> list[tuple[str, str, list[str]]]:
    return [(item.kind, item.slug, item.pending_teams) for item in page.items]


async def backdate_requests(database_url: str, by: dt.timedelta) -> None:
    """Move every review request into the past: as if `by` had passed since the versions were submitted."""
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute("UPDATE review_requests SET requested_at = requested_at - $1::interval", by)
    finally:
        await conn.close()


async def test_the_queue_lists_what_awaits_the_callers_teams_across_kinds_oldest_first(
    client: AsyncTestClient[Any],
) -> None:
    api = Api(client)
    await submitted(api, "definitions", "mql", ["marketing", "sales"])
    await submitted(api, "messages", "pitch", ["marketing"])
    await submitted(api, "definitions", "sql", ["sales"])
    marketing, sales = await api.key("approver", "marketing"), await api.key("approver", "sales")
    both = await api.key("approver", "marketing", "lead-of-both")
    await client.patch("/v1/people/lead-of-both", json={"teams": ["marketing", "sales"]})

    assert listed(await queue(client, marketing)) == [
        ("definition", "mql", ["marketing", "sales"]),
        ("message", "pitch", ["marketing"]),
    ]
    assert listed(await queue(client, sales)) == [
        ("definition", "mql", ["marketing", "sales"]),
        ("definition", "sql", ["sales"]),
    ]
    everything = await queue(client, both)
    assert [item.slug for item in everything.items] == ["mql", "pitch", "sql"]  # each version once
    assert everything.next_cursor is None

    first = everything.items[0]
    assert (first.version, first.title, first.url) == (
        1,
        "Marketing Qualified Lead",
        "http://canon.test/v1/definitions/mql?version=1",
    )
    assert (first.submitted_by.subject, first.submitted_by.type) == ("author", "person")
    assert first.due_at == first.submitted_at + HOURS_48
    assert first.overdue is False
    assert {"criteria", "title", "acknowledge_teams"} <= set(first.changes)
    assert first.summary == "first version"
    stamps = [item.submitted_at for item in everything.items]
    assert stamps == sorted(stamps)

    # An approval takes the version out of that team's queue only; a rejection out of every queue.
    approved = await client.post("/v1/definitions/mql/versions/1/approve", json={}, headers=marketing)
    assert approved.status_code == 200, approved.text
    assert listed(await queue(client, marketing)) == [("message", "pitch", ["marketing"])]
    assert listed(await queue(client, sales)) == [("definition", "mql", ["sales"]), ("definition", "sql", ["sales"])]
    rejected = await client.post("/v1/definitions/sql/versions/1/reject", json={"comment": "No."}, headers=sales)
    assert rejected.status_code == 200, rejected.text
    assert listed(await queue(client, sales)) == [("definition", "mql", ["sales"])]
    approved = await client.post("/v1/definitions/mql/versions/1/approve", json={}, headers=sales)
    assert approved.status_code == 200, approved.text
    assert listed(await queue(client, both)) == [("message", "pitch", ["marketing"])]


async def test_a_resubmitted_version_is_asked_again_from_its_new_submission(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await submitted(api, "definitions", "mql", ["sales"])
    await submitted(api, "definitions", "sql", ["sales"])
    sales = await api.key("approver", "sales")
    before = (await queue(client, sales)).items[0].submitted_at
    rejected = await client.post("/v1/definitions/mql/versions/1/reject", json={"comment": "No."}, headers=sales)
    assert rejected.status_code == 200, rejected.text
    again = await client.post(
        "/v1/definitions/mql/versions/1/submit", headers=await api.key("editor", "revops", "author")
    )
    assert again.status_code == 200, again.text
    page = await queue(client, sales)
    assert [item.slug for item in page.items] == ["sql", "mql"]
    assert page.items[1].submitted_at > before


async def test_the_queue_pages_with_a_cursor(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    slugs = [f"term-{n}" for n in range(5)]
    for slug in slugs:
        await submitted(api, "definitions", slug, ["sales"])
    sales = await api.key("approver", "sales")
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        page = await queue(client, sales, limit=2, **({"cursor": cursor} if cursor else {}))
        pages += 1
        assert len(page.items) <= 2
        seen += [item.slug for item in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert (seen, pages) == (slugs, 3)
    for bad in ("nope", "WyJ4Il0"):  # not base64 JSON; a list of the wrong shape
        problem = full_problem(await client.get("/v1/reviews", params={"cursor": bad}, headers=sales), 422)
        assert problem.errors is not None
        assert [(e.pointer, e.source) for e in problem.errors] == [("cursor", "query")]
    full_problem(await client.get("/v1/reviews", params={"limit": 201}, headers=sales), 422)


async def test_who_may_read_which_queue(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await submitted(api, "definitions", "mql", ["marketing", "sales"])
    await submitted(api, "definitions", "sql", ["legal"])
    reader = await api.key("reader", "sales")
    problem = full_problem(await client.get("/v1/reviews", headers=reader), 403)
    assert "editor role" in (problem.detail or "")

    sales = await api.key("approver", "sales")
    assert [item.slug for item in (await queue(client, sales, team="sales")).items] == ["mql"]
    problem = full_problem(await client.get("/v1/reviews", params={"team": "legal"}, headers=sales), 403)
    assert problem.detail == (
        "'approver-sales' is not in team 'legal' (their teams: sales); only admins read another team's queue"
    )
    # An editor sees the queue of their team (they may not approve, but they see what is pending).
    assert [item.slug for item in (await queue(client, await api.key("editor", "legal"))).items] == ["sql"]
    # Admins read any team's queue; the bootstrap admin belongs to no team, so its own queue is empty.
    assert (await queue(client, {})).items == []
    assert [item.slug for item in (await queue(client, {}, team="legal")).items] == ["sql"]
    assert (await queue(client, {}, team="nobody")).items == []
    # A service reads its own team's queue like anyone with its role.
    response = await client.post("/v1/keys", json={"name": "review-bot", "role": "editor", "team": "legal"})
    assert response.status_code == 201, response.text
    bot = {"Authorization": f"Bearer {response.json()['key']}"}
    assert [item.slug for item in (await queue(client, bot)).items] == ["sql"]


async def test_submitting_asks_each_team_with_an_event_that_readers_never_see(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await submitted(api, "definitions", "mql", ["marketing", "sales"])
    requested = [e for e in await entry_events(client, "mql") if e["type"] == "definition.review_requested"]
    assert [e["data"]["review_request"]["team"] for e in requested] == ["marketing", "sales"]
    for event in requested:
        request = event["data"]["review_request"]
        assert request["pending_teams"] == ["marketing", "sales"]
        at = dt.datetime.fromisoformat(request["requested_at"])
        assert dt.datetime.fromisoformat(request["due_at"]) == at + HOURS_48
        assert "windows_overdue" not in request
        assert event["data"]["summary"] == "first version"
        assert event["data"]["actor"]["subject"] == "author"
        assert event["data"]["status"] == "in_review"
    reader = await api.key("reader", "sales")
    response = await client.get("/v1/events", headers=reader)
    assert response.status_code == 200, response.text
    assert response.json()["items"] == []


async def test_a_review_past_its_window_is_overdue_and_announced_once_per_window_and_team(
    client: AsyncTestClient[Any], settings: Settings, pool: Pool, database_url: str
) -> None:
    api = Api(client)
    await submitted(api, "definitions", "mql", ["marketing", "sales"])
    contexts = build_services(pool, settings).entry_contexts
    window = settings.review_window_seconds
    assert window == HOURS_48.total_seconds()
    assert await reviews.send_overdue(pool, contexts, window) == 0
    marketing = await api.key("approver", "marketing")
    assert (await queue(client, marketing)).items[0].overdue is False

    await backdate_requests(database_url, HOURS_48 + dt.timedelta(minutes=1))
    assert (await queue(client, marketing)).items[0].overdue is True
    assert await reviews.send_overdue(pool, contexts, window) == 2
    assert await reviews.send_overdue(pool, contexts, window) == 0  # once per window
    overdue = [e for e in await entry_events(client, "mql") if e["type"] == "definition.review_overdue"]
    assert [(e["data"]["review_request"]["team"], e["data"]["review_request"]["windows_overdue"]) for e in overdue] == [
        ("marketing", 1),
        ("sales", 1),
    ]
    assert overdue[0]["data"]["actor"]["subject"] == "canon-worker"
    assert overdue[0]["data"]["summary"] == "first version"

    # Marketing approves; only sales is reminded at the end of the next window.
    approved = await client.post("/v1/definitions/mql/versions/1/approve", json={}, headers=marketing)
    assert approved.status_code == 200, approved.text
    await backdate_requests(database_url, HOURS_48)
    assert await reviews.send_overdue(pool, contexts, window) == 1
    overdue = [e for e in await entry_events(client, "mql") if e["type"] == "definition.review_overdue"]
    assert overdue[-1]["data"]["review_request"] | {"requested_at": None, "due_at": None} == {
        "team": "sales",
        "pending_teams": ["sales"],
        "requested_at": None,
        "due_at": None,
        "windows_overdue": 2,
    }
    # A worker that was away for several windows announces the latest one, once.
    await backdate_requests(database_url, HOURS_48 * 3)
    assert await reviews.send_overdue(pool, contexts, window) == 1
    assert await reviews.send_overdue(pool, contexts, window) == 0
    last = [e for e in await entry_events(client, "mql") if e["type"] == "definition.review_overdue"][-1]
    assert last["data"]["review_request"]["windows_overdue"] == 5
    reader = await api.key("reader", "sales")
    assert (await client.get("/v1/events", headers=reader)).json()["items"] == []


async def test_an_entry_may_set_its_own_review_window(
    client: AsyncTestClient[Any], settings: Settings, pool: Pool, database_url: str
) -> None:
    api = Api(client)
    await api.create("urgent")
    owner = await api.key("editor", "marketing", "owner")
    tag = (await client.get("/v1/definitions/urgent", params={"version": 1})).headers["ETag"]
    changed = await client.patch(
        "/v1/definitions/urgent", json={"review_window_seconds": 3600}, headers={**owner, "If-Match": tag}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["review_window_seconds"] == 3600
    assert changed.headers["ETag"] != tag
    updated = [e for e in await entry_events(client, "urgent") if e["type"] == "definition.updated"]
    assert [e["data"]["changes"] for e in updated] == [["review_window_seconds"]]

    editor = await api.key("editor", "revops", "author")
    assert (await client.post("/v1/definitions/urgent/versions/1/submit", headers=editor)).status_code == 200
    await submitted(api, "definitions", "routine", ["marketing", "sales"])
    await backdate_requests(database_url, dt.timedelta(hours=2))
    marketing = await api.key("approver", "marketing")
    rows = {item.slug: item for item in (await queue(client, marketing)).items}
    assert (rows["urgent"].overdue, rows["routine"].overdue) == (True, False)
    assert rows["urgent"].due_at == rows["urgent"].submitted_at + dt.timedelta(hours=1)
    contexts = build_services(pool, settings).entry_contexts
    assert await reviews.send_overdue(pool, contexts, settings.review_window_seconds) == 2  # urgent: both teams
    requested = [e for e in await entry_events(client, "urgent") if e["type"] == "definition.review_requested"]
    due = dt.datetime.fromisoformat(requested[0]["data"]["review_request"]["due_at"])
    assert due == dt.datetime.fromisoformat(requested[0]["data"]["review_request"]["requested_at"]) + dt.timedelta(
        hours=1
    )

    # Back to the deployment's window with null; the bounds, the owners and the reviewed fields still hold.
    tag = (await client.get("/v1/definitions/urgent", params={"version": 1})).headers["ETag"]
    reset = await client.patch(
        "/v1/definitions/urgent", json={"review_window_seconds": None}, headers={**owner, "If-Match": tag}
    )
    assert reset.status_code == 200, reset.text
    assert reset.json()["review_window_seconds"] is None
    tag = reset.headers["ETag"]
    outsider = await api.key("editor", "legal")
    refused = await client.patch(
        "/v1/definitions/urgent", json={"review_window_seconds": 7200}, headers={**outsider, "If-Match": tag}
    )
    assert "owning team" in (full_problem(refused, 403).detail or "")
    for body in ({"review_window_seconds": 59}, {"review_window_seconds": "1h"}, {"acknowledge_teams": ["sales"]}):
        full_problem(await client.patch("/v1/definitions/urgent", json=body, headers={**owner, "If-Match": tag}), 422)
    full_problem(await client.patch("/v1/definitions/urgent", json={"review_window_seconds": 7200}, headers=owner), 428)


async def test_the_worker_announces_overdue_reviews_on_its_own(
    client: AsyncTestClient[Any], settings: Settings, pool: Pool
) -> None:
    api = Api(client)
    await submitted(api, "definitions", "mql", ["sales"])
    quick = msgspec.structs.replace(settings, review_window_seconds=0.5, reminders_every_seconds=0.1)
    worker = build_worker(build_services(pool, quick))
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))

    async def announced() -> bool:
        return any(e["type"] == "definition.review_overdue" for e in await entry_events(client, "mql"))

    try:
        await until(announced, within=10.0, what="a review_overdue event")
    finally:
        stop.set()
        await running
