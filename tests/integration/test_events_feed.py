"""`GET /v1/events`: the durable change feed. Its promise: a consumer that pages it sees every event exactly once, in
order, even when transactions commit out of order."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from service.domain.cursors import encode_cursor
from service.domain.errors import FieldError
from tests.support import Api, full_problem

ENVELOPE = {"id", "type", "timestamp", "data", "cursor"}
INSERT_EVENT = "INSERT INTO events (type, kind, data) VALUES ($1, 'definition', $2::text::jsonb) RETURNING id"


async def page(client: AsyncTestClient[Any], **params: Any) -> dict[str, Any]:
    response = await client.get("/v1/events", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"items", "next_cursor"}
    assert isinstance(body["next_cursor"], str)
    return body


async def read_all(client: AsyncTestClient[Any], after: str | None = None, **params: Any) -> tuple[list[Any], str]:
    """Page from `after` until a page comes back empty; return every item and the cursor to continue from."""
    items: list[Any] = []
    for _ in range(1000):
        body = await page(client, **params, **({"after": after} if after else {}))
        if not body["items"]:
            return items, body["next_cursor"]
        assert body["next_cursor"] == body["items"][-1]["cursor"]
        items.extend(body["items"])
        after = body["next_cursor"]
    raise AssertionError("the feed never ended")


def ids(items: list[Any]) -> list[str]:
    return [item["id"] for item in items]


@pytest.fixture
async def raw(database_url: str) -> AsyncIterator[tuple[asyncpg.Connection[Any], asyncpg.Connection[Any]]]:
    """Two plain connections to the test's database, for transactions the test opens and commits itself."""
    first = await asyncpg.connect(database_url)
    second = await asyncpg.connect(database_url)
    try:
        yield first, second
    finally:
        await first.close()
        await second.close()


async def insert_event(conn: asyncpg.Connection[Any], marker: str, event_type: str = "definition.created") -> str:
    event_id = await conn.fetchval(INSERT_EVENT, event_type, f'{{"marker": "{marker}"}}')
    return f"evt_{event_id}"


# --- shape -------------------------------------------------------------------------------------------------------


async def test_an_empty_feed_still_returns_a_cursor(client: AsyncTestClient[Any]) -> None:
    body = await page(client)
    assert body == {"items": [], "next_cursor": encode_cursor(0, 0)}
    again = await page(client, after=body["next_cursor"])
    assert again == body


async def test_the_envelope_of_an_event(client: AsyncTestClient[Any], database_url: str) -> None:
    before = dt.datetime.now(dt.UTC)
    created = (await Api(client).create("mql")).json()
    body = await page(client)
    assert len(body["items"]) == 1
    event = body["items"][0]
    assert set(event) == ENVELOPE
    conn = await asyncpg.connect(database_url)
    try:
        row = await conn.fetchrow("SELECT id, txid::text::bigint AS txid, occurred_at FROM events")
    finally:
        await conn.close()
    assert row is not None
    assert event["id"] == f"evt_{row['id']}"
    assert event["type"] == "definition.created"
    timestamp = dt.datetime.fromisoformat(event["timestamp"])
    assert timestamp == row["occurred_at"]
    assert timestamp.utcoffset() == dt.timedelta(0)
    assert before - dt.timedelta(seconds=5) <= timestamp <= dt.datetime.now(dt.UTC)
    assert event["cursor"] == encode_cursor(row["txid"], row["id"])
    assert body["next_cursor"] == event["cursor"]
    assert event["data"] == {
        "id": created["id"],
        "kind": "definition",
        "slug": "mql",
        "version": 1,
        "title": "Marketing Qualified Lead",
        "url": "http://canon.test/v1/definitions/mql?version=1",
        "actor": {"type": "person", "subject": "author", "name": "author"},
        "status": "draft",
        "tags": ["funnel"],
        "teams": ["marketing", "sales"],
    }


async def test_a_publication_tells_its_whole_story_in_order(client: AsyncTestClient[Any]) -> None:
    await Api(client).published("mql")
    items, _ = await read_all(client)
    assert [(item["type"], item["data"]["actor"]["subject"], item["data"]["status"]) for item in items] == [
        ("definition.created", "author", "draft"),
        ("definition.submitted", "author", "in_review"),
        ("definition.review_requested", "author", "in_review"),
        ("definition.review_requested", "author", "in_review"),
        ("definition.approved", "approver-marketing", "in_review"),
        ("definition.approved", "approver-sales", "approved"),
        ("definition.published", "publisher", "published"),
        ("definition.effective", "publisher", "published"),
    ]
    assert [item["data"].get("review", {}).get("team") for item in items] == [
        None,
        None,
        None,
        None,
        "marketing",
        "sales",
        None,
        None,
    ]
    assert [item["data"].get("review_request", {}).get("team") for item in items[2:4]] == ["marketing", "sales"]
    assert {item["data"]["version"] for item in items} == {1}


async def test_readers_page_the_feed_past_events_about_unreleased_versions(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    reader = await api.key("reader")
    await api.create("mql")
    await api.create("sql", title="Secret Working Title")
    response = await client.get("/v1/events", headers=reader)
    assert response.status_code == 200
    assert response.json()["items"] == []
    assert "Secret" not in response.text
    # Its cursor moved past what it may not see: nothing is scanned again, nothing waits to be skipped.
    passed = response.json()["next_cursor"]
    admin_view, admin_cursor = await read_all(client)
    assert len(admin_view) == 2
    assert passed == admin_cursor

    await api.publish_through_review("mql", 1)
    after = await client.get("/v1/events", params={"after": passed}, headers=reader)
    assert [item["type"] for item in after.json()["items"]] == ["definition.published", "definition.effective"]
    assert await editor_types(client, await api.key("editor", "revops", "author"), passed) == [
        "definition.submitted",
        "definition.review_requested",
        "definition.review_requested",
        "definition.approved",
        "definition.approved",
        "definition.published",
        "definition.effective",
    ]


async def editor_types(client: AsyncTestClient[Any], headers: dict[str, str], after: str) -> list[str]:
    response = await client.get("/v1/events", params={"after": after}, headers=headers)
    assert response.status_code == 200, response.text
    return [item["type"] for item in response.json()["items"]]


async def test_a_reader_polling_during_concurrent_reviews_sees_every_publication_exactly_once(
    client: AsyncTestClient[Any],
) -> None:
    api = Api(client)
    reader = await api.key("reader")
    slugs = [f"def-{i:02d}" for i in range(8)]
    for slug in slugs:
        await api.create(slug)
    start = (await page(client, after="now"))["next_cursor"]
    seen: list[Any] = []
    writes_done = asyncio.Event()

    async def poll() -> None:
        after = start
        deadline = time.monotonic() + 60
        quiet_pages_after_writes = 0
        while quiet_pages_after_writes < 3:
            assert time.monotonic() < deadline, f"the reader saw {len(seen)} of {len(slugs)}"
            done = writes_done.is_set()
            response = await client.get("/v1/events", params={"after": after, "limit": 2}, headers=reader)
            assert response.status_code == 200, response.text
            body = response.json()
            seen.extend(body["items"])
            after = body["next_cursor"]
            quiet_pages_after_writes = quiet_pages_after_writes + 1 if done and not body["items"] else 0
            await asyncio.sleep(0.005)

    poller = asyncio.create_task(poll())
    try:
        await asyncio.gather(*(api.publish_through_review(slug, 1) for slug in slugs))
        writes_done.set()
        await asyncio.wait_for(poller, 60)
    finally:
        poller.cancel()
    assert sorted((item["type"], item["data"]["slug"]) for item in seen) == sorted(
        (kind, slug) for slug in slugs for kind in ("definition.effective", "definition.published")
    )
    assert len({item["id"] for item in seen}) == 2 * len(slugs)


# --- paging ------------------------------------------------------------------------------------------------------


@pytest.fixture
async def history(client: AsyncTestClient[Any]) -> list[Any]:
    """Ten events: three definitions created, one of them taken through review (a request to each of its two
    teams) to publication (published, and so in effect)."""
    api = Api(client)
    await api.create("lead")
    await api.published("mql")
    await api.create("sql")
    body = await page(client, limit=200)
    assert len(body["items"]) == 10
    return list(body["items"])


@pytest.mark.parametrize("limit", [1, 2, 3, 7, 8, 200])
async def test_paging_visits_every_event_once_in_order(
    client: AsyncTestClient[Any], history: list[Any], limit: int
) -> None:
    pages: list[list[str]] = []
    after: str | None = None
    while True:
        body = await page(client, limit=limit, **({"after": after} if after else {}))
        if not body["items"]:
            assert body["next_cursor"] == (after or encode_cursor(0, 0))
            break
        assert len(body["items"]) <= limit
        pages.append(ids(body["items"]))
        after = body["next_cursor"]
    assert [event_id for chunk in pages for event_id in chunk] == ids(history)
    assert len(pages) == -(-10 // limit)
    numbers = [int(event_id.removeprefix("evt_")) for event_id in ids(history)]
    assert numbers == sorted(numbers)
    assert len(set(numbers)) == 10


async def test_a_cursor_is_stable_and_reusable(client: AsyncTestClient[Any], history: list[Any]) -> None:
    third = history[2]["cursor"]
    first_read = await page(client, after=third, limit=2)
    second_read = await page(client, after=third, limit=2)
    assert first_read == second_read
    assert ids(first_read["items"]) == ids(history[3:5])


async def test_after_now_starts_at_the_head(client: AsyncTestClient[Any], history: list[Any]) -> None:
    head = await page(client, after="now")
    assert head == {"items": [], "next_cursor": history[-1]["cursor"]}
    await Api(client).create("new-one")
    items, _ = await read_all(client, after=head["next_cursor"])
    assert [(item["type"], item["data"]["slug"]) for item in items] == [("definition.created", "new-one")]


# --- type filters ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("types", "expected"),
    [
        (["definition.published"], ["definition.published"]),
        (["definition.approved"], ["definition.approved", "definition.approved"]),
        (["*.approved"], ["definition.approved", "definition.approved"]),
        (
            ["definition.created", "definition.published"],
            ["definition.created", "definition.created", "definition.published", "definition.created"],
        ),
        (["definition.*"], None),
        (["*"], None),
        (["message.*"], []),
        (["definition.retired"], []),
    ],
)
async def test_type_filters(
    client: AsyncTestClient[Any], history: list[Any], types: list[str], expected: list[str] | None
) -> None:
    items, _ = await read_all(client, type=types, limit=2)
    if expected is None:
        assert ids(items) == ids(history)
    else:
        assert [item["type"] for item in items] == expected
        assert ids(items) == [item["id"] for item in history if item["type"] in set(expected)]


async def test_events_filter_by_kind_and_slug(client: AsyncTestClient[Any], history: list[Any]) -> None:
    """`?slug=mql` was silently ignored and answered every event; now it and `kind` filter, and page like the rest."""
    message = await client.post("/v1/messages", json={"slug": "mql", "title": "MQL pitch", "owners": ["marketing"]})
    assert message.status_code == 201, message.text
    about_mql, _ = await read_all(client, slug="mql", limit=2)
    assert [item["data"]["slug"] for item in about_mql] == ["mql"] * len(about_mql)
    assert ids(about_mql)[:-1] == [item["id"] for item in history if item["data"].get("slug") == "mql"]
    assert about_mql[-1]["type"] == "message.created"
    definition_of_mql, _ = await read_all(client, kind="definition", slug="mql", limit=3)
    assert ids(definition_of_mql) == ids(about_mql)[:-1]
    messages, _ = await read_all(client, kind="message")
    assert [item["type"] for item in messages] == ["message.created"]
    full_problem(await client.get("/v1/events", params={"kind": "deck"}), 422)


async def test_underscores_in_a_type_filter_are_literal(client: AsyncTestClient[Any], raw: Any) -> None:
    conn, _ = raw
    wanted = await insert_event(conn, "wanted", "definition.draft_updated")
    await insert_event(conn, "lookalike", "definition.draftxupdated")
    items, _ = await read_all(client, type="definition.draft_updated")
    assert ids(items) == [wanted]


@pytest.mark.parametrize(
    "pattern",
    ["Definition.created", "definition.", "definition..created", "a.b.c", "%", "definition.cre%", "definition created"],
)
async def test_a_bad_type_pattern_is_422(client: AsyncTestClient[Any], pattern: str) -> None:
    found = full_problem(await client.get("/v1/events", params={"type": pattern}), 422, "invalid")
    assert found.detail == "unknown event type pattern"
    assert found.errors == [FieldError("type", f"{pattern!r} is not an event type pattern", "query")]


async def test_every_bad_type_pattern_is_reported(client: AsyncTestClient[Any]) -> None:
    response = await client.get("/v1/events", params={"type": ["bad!", "definition.created", "%"]})
    found = full_problem(response, 422, "invalid")
    assert found.errors == [
        FieldError("type", "'bad!' is not an event type pattern", "query"),
        FieldError("type", "'%' is not an event type pattern", "query"),
    ]


@pytest.mark.parametrize(
    "cursor",
    [
        "zzz",
        "now!",
        "W10",  # []
        encode_cursor(1),
        encode_cursor(1, 2, 3),
        encode_cursor("a", "b"),
        encode_cursor(-1, 0),
        encode_cursor(0, -1),
        encode_cursor(2**64, 0),
        "%%%",
    ],
)
async def test_a_malformed_cursor_is_422(client: AsyncTestClient[Any], cursor: str) -> None:
    found = full_problem(await client.get("/v1/events", params={"after": cursor}), 422, "invalid")
    assert found.detail == "the cursor is not one this service issued"
    assert found.errors == [FieldError("after", "malformed cursor", "query")]


# --- out-of-order commits ------------------------------------------------------------------------------------------


async def test_an_event_committed_early_waits_for_an_earlier_open_transaction(
    client: AsyncTestClient[Any], raw: Any
) -> None:
    conn_a, conn_b = raw
    start = (await page(client, after="now"))["next_cursor"]
    # An open transaction is aborted when the `raw` fixture closes its connection, should an assertion fail.
    tx_a = conn_a.transaction()
    await tx_a.start()
    event_a = await insert_event(conn_a, "A")
    async with conn_b.transaction():
        event_b = await insert_event(conn_b, "B")
    await Api(client).create("late")  # committed through the API while A is still open
    # B and the API's event are committed, but A (older, still open) might commit behind them: the feed waits.
    assert await page(client, after=start) == {"items": [], "next_cursor": start}
    assert await page(client) == {"items": [], "next_cursor": encode_cursor(0, 0)}
    while_open = await page(client, after="now")
    assert while_open["items"] == []
    await tx_a.commit()
    items, _ = await read_all(client, after=start)
    assert ids(items)[:2] == [event_a, event_b]
    assert [item["data"].get("marker") for item in items] == ["A", "B", None]
    assert items[2]["data"]["slug"] == "late"
    from_now, _ = await read_all(client, after=while_open["next_cursor"])
    assert ids(from_now) == ids(items)


async def test_a_consumer_that_paged_past_a_later_id_still_gets_the_earlier_one(
    client: AsyncTestClient[Any], raw: Any
) -> None:
    """B's transaction starts first (smaller txid) but A inserts first (smaller id). B commits while A is open, so a
    consumer sees B, whose id is above A's. A plain `id > last_id` feed would now skip A forever."""
    conn_a, conn_b = raw
    start = (await page(client, after="now"))["next_cursor"]
    tx_b = conn_b.transaction()
    tx_a = conn_a.transaction()
    await tx_b.start()
    await tx_a.start()
    await conn_b.fetchval("SELECT pg_current_xact_id()")  # B's txid is assigned now, before A's
    event_a = await insert_event(conn_a, "A")
    event_b = await insert_event(conn_b, "B")
    assert int(event_b.removeprefix("evt_")) > int(event_a.removeprefix("evt_"))
    await tx_b.commit()
    seen, cursor = await read_all(client, after=start)
    assert ids(seen) == [event_b]
    assert (await page(client, after=cursor))["items"] == []
    await tx_a.commit()
    later, _ = await read_all(client, after=cursor)
    assert ids(later) == [event_a]
    everything, _ = await read_all(client, after=start)
    assert ids(everything) == [event_b, event_a]


async def test_a_rolled_back_transaction_leaves_no_event_and_no_gap(client: AsyncTestClient[Any], raw: Any) -> None:
    conn_a, conn_b = raw
    start = (await page(client, after="now"))["next_cursor"]
    tx_a = conn_a.transaction()
    await tx_a.start()
    await insert_event(conn_a, "A")
    async with conn_b.transaction():
        event_b = await insert_event(conn_b, "B")
    assert (await page(client, after=start))["items"] == []
    await tx_a.rollback()
    items, _ = await read_all(client, after=start)
    assert ids(items) == [event_b]


async def test_concurrent_writes_are_each_seen_exactly_once_by_a_poller(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    editor = await api.key("editor", "revops", "author")
    start = (await page(client, after="now"))["next_cursor"]
    slugs = [f"def-{i:02d}" for i in range(20)]
    seen: list[Any] = []
    writes_done = asyncio.Event()

    async def poll() -> None:
        after = start
        deadline = time.monotonic() + 30
        quiet_pages_after_writes = 0
        while quiet_pages_after_writes < 3:
            assert time.monotonic() < deadline, f"poller saw {len(seen)} of 20"
            done = writes_done.is_set()
            body = await page(client, after=after, limit=3, type="definition.created")
            seen.extend(body["items"])
            after = body["next_cursor"]
            quiet_pages_after_writes = quiet_pages_after_writes + 1 if done and not body["items"] else 0
            await asyncio.sleep(0.005)

    async def write(slug: str) -> None:
        body = {"slug": slug, "title": slug, "owners": ["sales"]}
        response = await client.post("/v1/definitions", json=body, headers=editor)
        assert response.status_code == 201, response.text

    poller = asyncio.create_task(poll())
    try:
        await asyncio.gather(*(write(slug) for slug in slugs))
        writes_done.set()
        await asyncio.wait_for(poller, 30)
    finally:
        poller.cancel()
    assert len(seen) == 20
    assert sorted(item["data"]["slug"] for item in seen) == slugs
    assert len(set(ids(seen))) == 20
    everything, _ = await read_all(client, after=start)
    assert ids(everything) == ids(seen)


async def test_each_event_names_its_entry_by_its_id(client: AsyncTestClient[Any], history: list[Any]) -> None:
    """Every event names its entry by the entry's id; one entry's events share it."""
    by_slug: dict[str, set[str]] = {}
    for item in history:
        uuid.UUID(item["data"]["id"])
        by_slug.setdefault(item["data"]["slug"], set()).add(item["data"]["id"])
    assert sorted(by_slug) == ["lead", "mql", "sql"]
    assert all(len(entry_ids) == 1 for entry_ids in by_slug.values())
    assert len({next(iter(v)) for v in by_slug.values()}) == 3
