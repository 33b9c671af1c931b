"""Digest subscriptions: one delivery per period listing its changes, collapsed per entry, with the same signing,
retries, log and replay as single deliveries; nothing for an empty period; a new schedule from the next period;
each event in exactly one digest, also with two workers building at once."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Callable
from typing import Any
from uuid import UUID

import msgspec
import pytest
from litestar.testing import AsyncTestClient
from standardwebhooks import Webhook

from service.config import Settings
from service.domain import digests
from service.domain.events import DigestData
from service.store import retention
from service.store import webhooks as store
from service.store.database import Connection, Pool
from service.usecases.digests import DigestBuilder
from service.webhooks.dispatcher import FanOut, disable
from service.worker import drain
from tests.support import Api, edit_draft, full_problem
from tests.webhook_fixtures import Receiver, deliveries, running_worker, settled, subscribe, until

Receivers = Callable[..., Receiver]
HOOK = "http://127.0.0.1:9/hook"  # never contacted: these tests queue deliveries, the dispatcher is not running
DAILY = {"mode": "digest", "every": "day", "at": "09:00", "timezone": "Europe/Berlin"}


async def end_period(pool: Pool, subscription_id: UUID) -> None:
    """The period under way ends now (the database's clock), as if its time had come."""
    async with pool.acquire() as conn:
        await conn.execute(
            "UPDATE webhook_subscriptions SET digest_next_at = clock_timestamp() WHERE id = $1", subscription_id
        )


async def digest_bodies(pool: Pool, subscription_id: UUID) -> list[DigestData]:
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            """SELECT d.payload::text AS payload, b.entries FROM webhook_deliveries d
               LEFT JOIN webhook_digest_bodies b ON b.id = d.digest_body_id
               WHERE d.subscription_id = $1 AND d.event_type = 'webhook.digest' ORDER BY d.id""",
            subscription_id,
        )
    bodies = [digests.with_entries(r["payload"], r["entries"]) if r["entries"] else r["payload"] for r in rows]
    return [msgspec.convert(json.loads(body)["data"], DigestData, strict=False) for body in bodies]


async def feed_events(client: AsyncTestClient[Any], prefix: str = "definition.") -> list[dict[str, Any]]:
    body = (await client.get("/v1/events", params={"limit": 200})).json()
    return [e for e in body["items"] if e["type"].startswith(prefix)]


# --- the API --------------------------------------------------------------------------------------------------------


async def test_a_digest_subscription_says_its_schedule_and_when_its_period_ends(
    hook_client: AsyncTestClient[Any],
) -> None:
    before = dt.datetime.now(dt.UTC)
    hook = await subscribe(hook_client, HOOK, delivery=DAILY)
    shown = hook.body["webhook"]
    assert shown["delivery"] == {**DAILY, "on": "monday"}
    schedule = digests.DigestSchedule(every=digests.Every.day, at="09:00", timezone="Europe/Berlin")
    assert dt.datetime.fromisoformat(shown["next_digest_at"]) == digests.next_end(schedule, before)

    plain = await subscribe(hook_client, HOOK)
    assert (plain.body["webhook"]["delivery"], plain.body["webhook"]["next_digest_at"]) == ({"mode": "each"}, None)


async def test_bad_schedules_are_422_at_their_field(hook_client: AsyncTestClient[Any]) -> None:
    cases = [
        ({**DAILY, "timezone": "Mars/Olympus"}, "/delivery/timezone"),
        ({**DAILY, "timezone": "Europe/Berlin/.."}, "/delivery/timezone"),
        ({**DAILY, "every": "month"}, "/delivery/every"),
        ({**DAILY, "at": "9am"}, "/delivery/at"),
        ({**DAILY, "at": "24:00"}, "/delivery/at"),
        ({**DAILY, "on": "someday"}, "/delivery/on"),
        ({**DAILY, "cron": "0 9 * * *"}, "/delivery/cron"),
        ({"mode": "sometimes"}, "/delivery/mode"),
        ({"every": "day"}, "/delivery"),
        ("daily", "/delivery"),
    ]
    for delivery, pointer in cases:
        response = await hook_client.post("/v1/webhooks", json={"url": HOOK, "delivery": delivery})
        problem = full_problem(response, 422)
        assert problem.errors is not None, delivery
        assert [e.pointer for e in problem.errors] == [pointer], (delivery, problem.errors)
    assert (await hook_client.get("/v1/webhooks")).json()["items"] == []

    hook = await subscribe(hook_client, HOOK, delivery=DAILY)
    response = await hook_client.patch(f"/v1/webhooks/{hook.id}", json={"delivery": {**DAILY, "timezone": "Nowhere"}})
    assert [e.pointer for e in (full_problem(response, 422).errors or [])] == ["/delivery/timezone"]
    assert (await hook_client.get(f"/v1/webhooks/{hook.id}")).json()["delivery"]["timezone"] == "Europe/Berlin"


# --- building digests -----------------------------------------------------------------------------------------------


async def test_a_period_s_changes_go_as_one_digest_collapsed_per_entry_and_an_empty_period_sends_nothing(
    hook_client: AsyncTestClient[Any], hook_pool: Pool
) -> None:
    digest = await subscribe(hook_client, HOOK, event_types=["definition.*"], delivery=DAILY)
    single = await subscribe(hook_client, HOOK, event_types=["definition.*"])
    api = Api(hook_client)
    await api.create("mql")
    for n in range(5):
        response = await edit_draft(api, "mql", 1, {"summary": f"edit {n}"})
        assert response.status_code == 200, response.text
    await api.publish_through_review("mql", 1)
    await api.published("sql")
    await drain(hook_pool, FanOut())

    events = await feed_events(hook_client)
    assert len(await deliveries(hook_pool, single.id)) == len(events)  # one per event, as before
    assert await deliveries(hook_pool, digest.id) == []  # none before the period ends
    assert await DigestBuilder(hook_pool).run() == 0

    await end_period(hook_pool, digest.id)
    assert await DigestBuilder(hook_pool).run() == 1
    (body,) = await digest_bodies(hook_pool, digest.id)
    assert body.id == digest.id
    assert body.events == len(events)
    assert (body.period.timezone, body.period.every) == ("Europe/Berlin", "day")
    mql, sql = body.entries
    assert (mql.slug, mql.version, mql.status, mql.events) == ("mql", 1, "published", len(events) - sql.events)
    edits = [line for line in mql.lines if line.type == "definition.draft_updated"]
    assert [line.count for line in edits] == [5]
    published = next(line for line in mql.lines if line.type == "definition.published")
    assert (published.version, published.summary) == (1, "first version")
    (queued,) = await deliveries(hook_pool, digest.id)
    assert (queued.event_type, queued.event_id, queued.scope) == ("webhook.digest", None, f"digest:{digest.id}")

    # The next period has begun where this one ended; with nothing in it, its end sends nothing.
    shown = (await hook_client.get(f"/v1/webhooks/{digest.id}")).json()
    assert dt.datetime.fromisoformat(shown["next_digest_at"]) > body.period.end
    await end_period(hook_pool, digest.id)
    assert await DigestBuilder(hook_pool).run() == 0
    assert len(await digest_bodies(hook_pool, digest.id)) == 1


async def test_an_event_after_the_period_s_end_waits_for_the_next_digest(
    hook_client: AsyncTestClient[Any], hook_pool: Pool
) -> None:
    digest = await subscribe(hook_client, HOOK, event_types=["definition.created"], delivery=DAILY)
    api = Api(hook_client)
    await api.create("lead")
    await end_period(hook_pool, digest.id)
    await api.create("mql")  # after the end, before the digest is built
    assert await DigestBuilder(hook_pool).run() == 1
    await end_period(hook_pool, digest.id)
    assert await DigestBuilder(hook_pool).run() == 1
    first, second = await digest_bodies(hook_pool, digest.id)
    assert [e.slug for e in first.entries] == ["lead"]
    assert [e.slug for e in second.entries] == ["mql"]
    assert second.period.start == first.period.end


async def test_a_busy_period_is_sent_in_parts_each_event_once(
    hook_client: AsyncTestClient[Any], hook_pool: Pool
) -> None:
    digest = await subscribe(hook_client, HOOK, event_types=["definition.created"], delivery=DAILY)
    api = Api(hook_client)
    for n in range(7):
        await api.create(f"d{n}")
    await end_period(hook_pool, digest.id)
    assert await DigestBuilder(hook_pool, max_events=3, window=2).run() == 3
    parts = await digest_bodies(hook_pool, digest.id)
    assert [[e.slug for e in part.entries] for part in parts] == [["d0", "d1", "d2"], ["d3", "d4", "d5"], ["d6"]]
    assert len({(part.period.start, part.period.end) for part in parts}) == 1


async def test_a_new_schedule_applies_from_the_next_period(hook_client: AsyncTestClient[Any], hook_pool: Pool) -> None:
    digest = await subscribe(hook_client, HOOK, delivery=DAILY)
    planned = (await hook_client.get(f"/v1/webhooks/{digest.id}")).json()["next_digest_at"]
    hourly = {"mode": "digest", "every": "hour", "at": "00:30", "timezone": "UTC"}
    patched = await hook_client.patch(f"/v1/webhooks/{digest.id}", json={"delivery": hourly})
    assert patched.status_code == 200, patched.text
    assert patched.json()["next_digest_at"] == planned  # the period under way ends as it was to
    assert patched.json()["delivery"] == {**hourly, "on": "monday"}

    await Api(hook_client).create("mql")
    await end_period(hook_pool, digest.id)
    assert await DigestBuilder(hook_pool).run() == 1
    (body,) = await digest_bodies(hook_pool, digest.id)
    assert (body.period.every, body.period.timezone) == ("hour", "UTC")
    following = dt.datetime.fromisoformat((await hook_client.get(f"/v1/webhooks/{digest.id}")).json()["next_digest_at"])
    assert following == digests.next_end(msgspec.convert(hourly, digests.DigestSchedule), body.period.end)
    assert following.minute == 30


async def test_back_to_one_delivery_per_event_the_period_under_way_goes_at_once(
    hook_client: AsyncTestClient[Any], hook_pool: Pool
) -> None:
    hook = await subscribe(hook_client, HOOK, event_types=["definition.created"], delivery=DAILY)
    api = Api(hook_client)
    await api.create("lead")
    patched = await hook_client.patch(f"/v1/webhooks/{hook.id}", json={"delivery": {"mode": "each"}})
    assert (patched.json()["delivery"], patched.json()["next_digest_at"]) == ({"mode": "each"}, None)
    await api.create("mql")
    await drain(hook_pool, FanOut())
    assert await DigestBuilder(hook_pool).run() == 1
    (last,) = await digest_bodies(hook_pool, hook.id)
    assert [e.slug for e in last.entries] == ["lead"]
    assert last.period.every is None
    singles = [d for d in await deliveries(hook_pool, hook.id) if d.event_type == "definition.created"]
    assert len(singles) == 1  # mql, one by one again
    assert await DigestBuilder(hook_pool).run() == 0

    # And into digests again: from now on, not from where the old digests stopped.
    again = await hook_client.patch(f"/v1/webhooks/{hook.id}", json={"delivery": DAILY})
    assert again.json()["next_digest_at"] is not None
    await api.create("sql")
    await end_period(hook_pool, hook.id)
    assert await DigestBuilder(hook_pool).run() == 1
    assert [e.slug for e in (await digest_bodies(hook_pool, hook.id))[-1].entries] == ["sql"]


async def test_a_replay_to_a_digest_subscription_is_one_digest_now(
    hook_client: AsyncTestClient[Any], hook_pool: Pool
) -> None:
    api = Api(hook_client)
    await api.create("lead")
    await api.create("mql")
    hook = await subscribe(hook_client, HOOK, event_types=["definition.created"], delivery=DAILY)
    replayed = await hook_client.post(f"/v1/webhooks/{hook.id}/replay", json={"since": "2000-01-01T00:00:00Z"})
    assert replayed.status_code == 202, replayed.text
    assert replayed.json()["queued"] == 1
    (body,) = await digest_bodies(hook_pool, hook.id)
    assert [e.slug for e in body.entries] == ["lead", "mql"]
    assert body.events == 2


async def test_two_workers_building_at_once_queue_each_period_once(
    hook_client: AsyncTestClient[Any], hook_pool: Pool
) -> None:
    hooks = [await subscribe(hook_client, HOOK, event_types=["definition.created"], delivery=DAILY) for _ in range(12)]
    api = Api(hook_client)
    for n in range(5):
        await api.create(f"d{n}")
    for hook in hooks:
        await end_period(hook_pool, hook.id)
    built = await asyncio.gather(*(DigestBuilder(hook_pool, batch=2).run() for _ in range(3)))
    assert sum(built) == len(hooks)
    for hook in hooks:
        (body,) = await digest_bodies(hook_pool, hook.id)
        assert [e.slug for e in body.entries] == [f"d{n}" for n in range(5)]


async def test_subscriptions_with_equal_filters_walk_the_log_once_and_none_hears_about_itself(
    hook_client: AsyncTestClient[Any], hook_pool: Pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    hooks = [await subscribe(hook_client, HOOK, delivery=DAILY) for _ in range(3)]
    ids = [hook.id for hook in hooks]
    walks: list[UUID] = []
    walk = store.digest_window

    async def counted(conn: Connection, subscription_id: UUID, **kwargs: Any) -> store.DigestWindow:
        walks.append(subscription_id)
        return await walk(conn, subscription_id, **kwargs)

    monkeypatch.setattr(store, "digest_window", counted)

    async def end_periods_together() -> None:
        async with hook_pool.acquire() as conn:
            await conn.execute("UPDATE webhook_subscriptions SET digest_next_at = now() WHERE id = ANY($1)", ids)

    await Api(hook_client).create("lead")
    await end_periods_together()
    assert await DigestBuilder(hook_pool).run() == 3
    assert len(walks) == 1
    first = [(await digest_bodies(hook_pool, i))[0] for i in ids]
    assert [[e.slug for e in body.entries] for body in first] == [["lead"]] * 3

    # An event about one of them: that one does not hear it, the others do; each walks the log for itself.
    async with hook_pool.acquire() as conn:
        await disable(conn, ids[0], "the endpoint answered 410 Gone", None)
        await conn.execute("UPDATE webhook_subscriptions SET enabled = true WHERE id = $1", ids[0])
    await Api(hook_client).create("sql")
    await end_periods_together()
    walks.clear()
    assert await DigestBuilder(hook_pool).run() == 3
    assert sorted(walks) == sorted(ids)
    second = [(await digest_bodies(hook_pool, i))[1] for i in ids]
    assert [sorted(e.kind for e in body.entries) for body in second] == [
        ["definition"],
        ["definition", "webhook"],
        ["definition", "webhook"],
    ]


async def test_retention_keeps_the_events_a_digest_has_not_sent(
    hook_client: AsyncTestClient[Any], hook_pool: Pool
) -> None:
    hook = await subscribe(hook_client, HOOK, event_types=["definition.created"], delivery=DAILY)
    await Api(hook_client).create("lead")
    await drain(hook_pool, FanOut())  # every consumer has passed the event
    future = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    async with hook_pool.acquire() as conn:
        held = await retention.prune_events(conn, future, 100, [FanOut.name])
    assert held.deleted == 0
    await end_period(hook_pool, hook.id)
    assert await DigestBuilder(hook_pool).run() == 1
    async with hook_pool.acquire() as conn:
        released = await retention.prune_events(conn, future, 100, [FanOut.name])
    assert released.deleted > 0


# --- delivery -------------------------------------------------------------------------------------------------------


async def test_a_digest_reaches_its_receiver_signed_in_its_format(
    hook_client: AsyncTestClient[Any], hook_pool: Pool, hook_settings: Settings, receivers: Receivers
) -> None:
    standard, slack = receivers(), receivers()
    plain = await subscribe(hook_client, standard.url, event_types=["definition.*"], delivery=DAILY)
    chat = await subscribe(hook_client, slack.url, event_types=["definition.*"], delivery=DAILY, format="slack")
    api = Api(hook_client)
    async with running_worker(hook_pool, hook_settings):
        await api.published("mql", title="MQL <!here>")
        await until(lambda: settled(hook_pool, 0), what="the events to be fanned out")
        assert standard.hits == []
        assert slack.hits == []
        for hook in (plain, chat):
            await end_period(hook_pool, hook.id)
        await until(lambda: bool(standard.hits and slack.hits), within=10, what="a digest at each receiver")
        await until(lambda: settled(hook_pool, 2), what="the deliveries to be recorded")

    envelope = Webhook(plain.secret).verify(standard.hits[0].body, standard.hits[0].headers)
    assert envelope["type"] == "webhook.digest"
    assert [entry["slug"] for entry in envelope["data"]["entries"]] == ["mql"]
    message = Webhook(chat.secret).verify(slack.hits[0].body, slack.hits[0].headers)
    assert message["text"].startswith("Canon digest: ")
    assert "MQL &lt;!here&gt;" in json.dumps(message)
    assert len(standard.hits) == len(slack.hits) == 1


async def test_digests_of_the_same_changes_share_one_stored_body_which_retention_removes_with_them(
    hook_client: AsyncTestClient[Any], hook_pool: Pool
) -> None:
    hooks = [await subscribe(hook_client, HOOK, event_types=["definition.created"], delivery=DAILY) for _ in range(4)]
    await Api(hook_client).create("lead")
    for hook in hooks:
        await end_period(hook_pool, hook.id)
    assert await DigestBuilder(hook_pool).run() == 4
    for hook in hooks:
        assert [e.slug for e in (await digest_bodies(hook_pool, hook.id))[0].entries] == ["lead"]
    async with hook_pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM webhook_digest_bodies") == 1
        await conn.execute(
            "UPDATE webhook_deliveries SET status = 'succeeded', completed_at = now() - interval '40 days'"
        )
        cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
        some = await retention.prune_deliveries(conn, cutoff, 2)
        assert (some.deliveries, some.bodies) == (2, 0)  # two deliveries still refer to it
        rest = await retention.prune_deliveries(conn, cutoff, 10)
        assert (rest.deliveries, rest.bodies) == (2, 1)
        assert await conn.fetchval("SELECT count(*) FROM webhook_digest_bodies") == 0
