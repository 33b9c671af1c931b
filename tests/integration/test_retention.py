"""Retention: the worker deletes finished deliveries (with their attempts), events and audit records older than
configured, in small batches, never an event a consumer has not passed or a delivery refers to, and counts what it
deleted in its metrics."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import AsyncIterator

import pytest

from service.config import Settings
from service.observability.metrics import CanonMetrics
from service.store.database import Pool, create_pool
from service.usecases.retention import Retention, prune
from service.wiring import build_services, build_worker
from tests.webhook_fixtures import until

OLD = dt.timedelta(days=40)
RECENT = dt.timedelta(days=1)
CONSUMERS = ["webhook-fan-out", "search-sync"]


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[Pool]:
    created = await create_pool(database_url, min_size=1, max_size=4)
    try:
        yield created
    finally:
        await created.close()


async def add_subscription(pool: Pool) -> uuid.UUID:
    subscription_id = uuid.uuid4()
    async with pool.acquire() as conn:
        await conn.execute(
            """INSERT INTO webhook_subscriptions (id, url, secret, created_by, enabled)
               VALUES ($1, 'https://hooks.example/in', 'whsec_test', 'test', false)""",
            subscription_id,
        )
    return subscription_id


async def add_delivery(
    pool: Pool,
    subscription_id: uuid.UUID,
    status: str,
    age: dt.timedelta | None,
    *,
    attempts: int = 2,
    event_id: int | None = None,
) -> int:
    """A delivery `status`, finished `age` ago (None: not finished), with `attempts` attempts."""
    async with pool.acquire() as conn:
        delivery_id: int = await conn.fetchval(
            """INSERT INTO webhook_deliveries (subscription_id, event_id, event_type, scope, payload, status,
                                               created_at, completed_at)
               VALUES ($1, $2, 'definition.published', 'definition:x', '{}', $3,
                       now() - coalesce($4::interval, '0'::interval), now() - $4::interval)
               RETURNING id""",
            subscription_id,
            event_id,
            status,
            age,
        )
        await conn.executemany(
            "INSERT INTO webhook_attempts (delivery_id, latency_ms) VALUES ($1, 1.0)", [(delivery_id,)] * attempts
        )
    return delivery_id


async def add_events(pool: Pool, count: int, age: dt.timedelta) -> list[int]:
    """`count` events, each in a transaction of its own, `age` old."""
    ids = []
    for n in range(count):
        async with pool.acquire() as conn:
            ids.append(
                await conn.fetchval(
                    """INSERT INTO events (type, kind, data, occurred_at)
                       VALUES ('definition.created', 'definition', $1, now() - $2::interval) RETURNING id""",
                    {"n": n},
                    age,
                )
            )
    return ids


async def set_position(pool: Pool, consumer: str, event_id: int) -> None:
    """`consumer` has handled everything up to and including `event_id`."""
    async with pool.acquire() as conn:
        await conn.execute(
            """INSERT INTO consumer_offsets (name, txid, event_id)
               SELECT $1, txid, id FROM events WHERE id = $2
               ON CONFLICT (name) DO UPDATE SET txid = excluded.txid, event_id = excluded.event_id""",
            consumer,
            event_id,
        )


async def _none_left(pool: Pool) -> bool:
    return not await ids(pool, "webhook_deliveries")


async def ids(pool: Pool, table: str) -> list[int]:
    async with pool.acquire() as conn:
        return [r["id"] for r in await conn.fetch(f"SELECT id FROM {table} ORDER BY id")]


async def test_finished_deliveries_older_than_the_setting_go_with_their_attempts_in_several_batches(
    pool: Pool,
) -> None:
    subscription = await add_subscription(pool)
    old = [await add_delivery(pool, subscription, status, OLD) for status in ("succeeded", "failed") * 3]
    kept = [
        await add_delivery(pool, subscription, "succeeded", RECENT),
        await add_delivery(pool, subscription, "failed", RECENT),
        await add_delivery(pool, subscription, "pending", None),
    ]
    async with pool.acquire() as conn:  # pending for 40 days, retrying: not finished, so kept
        await conn.execute(
            "UPDATE webhook_deliveries SET created_at = now() - '40 days'::interval WHERE id = $1", kept[2]
        )
    batches: list[tuple[str, int]] = []

    pruned = await prune(pool, Retention.days(30, 0, 0), CONSUMERS, pruned=lambda t, n: batches.append((t, n)), batch=4)

    assert pruned["webhook_deliveries"] == len(old)
    assert pruned["webhook_attempts"] == 2 * len(old)
    assert [n for table, n in batches if table == "webhook_deliveries"] == [4, 2]
    assert await ids(pool, "webhook_deliveries") == kept
    async with pool.acquire() as conn:
        left = await conn.fetchval("SELECT count(*) FROM webhook_attempts WHERE delivery_id = ANY($1::bigint[])", old)
    assert left == 0


async def test_events_go_only_once_every_consumer_has_passed_them_and_no_delivery_refers_to_them(pool: Pool) -> None:
    old = await add_events(pool, 10, OLD)
    recent = await add_events(pool, 2, RECENT)
    subscription = await add_subscription(pool)
    await add_delivery(pool, subscription, "pending", None, event_id=old[1])
    keep = Retention.days(0, 30, 0)

    # A consumer of this worker without a position starts from the beginning: nothing goes.
    await set_position(pool, CONSUMERS[0], recent[-1])
    assert (await prune(pool, keep, CONSUMERS, batch=3))["events"] == 0

    # search-sync has passed old[6] only; another consumer (not this worker's) has passed old[8].
    await set_position(pool, CONSUMERS[1], old[6])
    await set_position(pool, "elsewhere", old[8])
    batches: list[int] = []
    pruned = await prune(pool, keep, CONSUMERS, pruned=lambda _, n: batches.append(n), batch=3)

    assert pruned["events"] == 6  # old[0..6] but old[1], which a delivery refers to
    assert batches == [2, 3, 1]  # three looked at per batch, in feed order; old[1] is passed over, not revisited
    assert await ids(pool, "events") == [old[1], *old[7:], *recent]

    # Once everyone has passed everything, only the recent events and the referenced one stay.
    for name in (*CONSUMERS, "elsewhere"):
        await set_position(pool, name, recent[-1])
    await prune(pool, keep, CONSUMERS, batch=3)
    assert await ids(pool, "events") == [old[1], *recent]


async def test_audit_records_older_than_the_setting_go(pool: Pool) -> None:
    async with pool.acquire() as conn:
        for age in (OLD, OLD, OLD, RECENT):
            await conn.execute(
                "INSERT INTO audit_log (actor, action, at) VALUES ('someone', 'definition.made', now() - $1::interval)",
                age,
            )
    before = await ids(pool, "audit_log")

    pruned = await prune(pool, Retention.days(0, 0, 30), CONSUMERS, batch=2)

    assert pruned["audit_log"] == 3
    assert await ids(pool, "audit_log") == before[3:]


async def test_zero_keeps_everything(pool: Pool) -> None:
    subscription = await add_subscription(pool)
    await add_delivery(pool, subscription, "succeeded", OLD)
    events = await add_events(pool, 3, OLD)
    for name in CONSUMERS:
        await set_position(pool, name, events[-1])
    async with pool.acquire() as conn:
        await conn.execute("INSERT INTO audit_log (actor, action, at) VALUES ('a', 'b', now() - '9 years'::interval)")

    pruned = await prune(pool, Retention.days(0, 0, 0), CONSUMERS, batch=1)

    assert set(pruned.values()) == {0}
    assert len(await ids(pool, "webhook_deliveries")) == 1
    assert len(await ids(pool, "events")) == 3
    assert len(await ids(pool, "audit_log")) == 1


async def test_the_worker_prunes_on_its_own_and_counts_it_in_its_metrics(settings: Settings, pool: Pool) -> None:
    subscription = await add_subscription(pool)
    for status in ("succeeded", "failed", "succeeded"):
        await add_delivery(pool, subscription, status, OLD, attempts=1)
    metrics = CanonMetrics()
    worker = build_worker(build_services(pool, settings), metrics)
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    try:
        await until(lambda: _none_left(pool), within=10.0, what="old deliveries pruned")
    finally:
        stop.set()
        await running

    text = metrics.render()
    assert "# TYPE canon_retention_pruned_rows_total counter" in text
    assert 'canon_retention_pruned_rows_total{table="webhook_deliveries"} 3' in text
    assert 'canon_retention_pruned_rows_total{table="webhook_attempts"} 3' in text


def test_retention_settings_default_to_30_days_of_deliveries_and_keeping_the_rest() -> None:
    settings = Settings.from_env({})
    assert (settings.retention_deliveries_days, settings.retention_events_days, settings.retention_audit_days) == (
        30,
        0,
        0,
    )
    assert Settings.from_env({"CANON_RETENTION_EVENTS_DAYS": "90"}).retention_events_days == 90


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("CANON_RETENTION_DELIVERIES_DAYS", "-1"),
        ("CANON_RETENTION_EVENTS_DAYS", "soon"),
        ("CANON_RETENTION_AUDIT_DAYS", "100000"),
        ("CANON_RETENTION_EVERY_SECONDS", "0"),
    ],
)
def test_retention_settings_are_validated_naming_the_variable(variable: str, value: str) -> None:
    with pytest.raises(ValueError, match=variable):
        Settings.from_env({variable: value})
