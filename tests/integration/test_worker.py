"""The worker: hands the event log to consumers in feed order, exactly once per successful batch, one worker at a
time per consumer, replaying a failed batch, and waking on NOTIFY."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from service import worker
from service.store import events
from service.store.database import Connection, Pool, create_pool
from service.worker import Worker, drain
from tests.support import Api

INSERT_EVENT = "INSERT INTO events (type, kind, data) VALUES ($1, 'definition', $2) RETURNING id"


class Recorder:
    """A consumer that remembers every batch it was handed; it can be told to fail or to dawdle."""

    def __init__(self, name: str = "recorder", *, delay: float = 0.0) -> None:
        self.name = name
        self.delay = delay
        self.batches: list[list[int]] = []
        self.types: list[str] = []
        self.fail_next = 0
        self.in_flight = 0
        self.most_in_flight = 0

    @property
    def seen(self) -> list[int]:
        return [event_id for batch in self.batches for event_id in batch]

    async def handle(self, conn: Connection, batch: Sequence[events.StoredEvent]) -> None:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
            if self.fail_next:
                self.fail_next -= 1
                raise RuntimeError("consumer failed")
            self.batches.append([e.id for e in batch])
            self.types.extend(e.type for e in batch)
        finally:
            self.in_flight -= 1


class Sink(Recorder):
    """A consumer that writes what it handles to a table, inside the transaction that moves its position."""

    async def handle(self, conn: Connection, batch: Sequence[events.StoredEvent]) -> None:
        await conn.executemany("INSERT INTO sink (event_id) VALUES ($1)", [(e.id,) for e in batch])
        await super().handle(conn, batch)


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[Pool]:
    created = await create_pool(database_url, min_size=1, max_size=6)
    try:
        yield created
    finally:
        await created.close()


async def add_events(pool: Pool, count: int, event_type: str = "definition.created") -> list[int]:
    async with pool.acquire() as conn, conn.transaction():
        return [await conn.fetchval(INSERT_EVENT, event_type, {"n": n}) for n in range(count)]


async def feed_order(pool: Pool) -> list[int]:
    async with pool.acquire() as conn:
        return [r["id"] for r in await conn.fetch("SELECT id FROM events ORDER BY txid, id")]


async def offset(pool: Pool, name: str) -> tuple[int, int] | None:
    async with pool.acquire() as conn:
        row = await conn.fetchrow(
            "SELECT txid::text::bigint AS txid, event_id FROM consumer_offsets WHERE name = $1", name
        )
    return None if row is None else (row["txid"], row["event_id"])


async def wait_for_first_pass(pool: Pool, name: str, task: asyncio.Task[None]) -> None:
    """Until the worker has drained `name` once (its position row exists): it then sleeps until woken or swept."""
    deadline = time.monotonic() + 10
    while await offset(pool, name) is None:
        assert time.monotonic() < deadline, "the worker never made its first pass"
        assert not task.done(), task
        await asyncio.sleep(0.02)


@asynccontextmanager
async def running(
    pool: Pool, consumer: Recorder, *, sweep_seconds: float
) -> AsyncIterator[tuple[Worker, asyncio.Task[None]]]:
    """A worker for `consumer`, past its first pass while the block runs; stopped (within 5 s) when it ends."""
    runner = Worker(pool, [consumer], sweep_seconds=sweep_seconds)
    stop = asyncio.Event()
    task = asyncio.create_task(runner.run(stop))
    try:
        await wait_for_first_pass(pool, consumer.name, task)
        yield runner, task
    finally:
        stop.set()
        await asyncio.wait_for(task, 5)


async def test_drain_hands_every_event_once_in_order_across_drains(pool: Pool, client: AsyncTestClient[Any]) -> None:
    consumer = Recorder()
    assert await drain(pool, consumer) == 0
    assert await offset(pool, consumer.name) == (0, 0)
    api = Api(client)
    await api.create("lead")
    await api.published("mql")
    first = await feed_order(pool)
    assert len(first) == 9
    assert await drain(pool, consumer) == 9
    assert consumer.seen == first
    assert consumer.types == [
        "definition.created",
        "definition.created",
        "definition.submitted",
        "definition.review_requested",
        "definition.review_requested",
        "definition.approved",
        "definition.approved",
        "definition.published",
        "definition.effective",
    ]
    await api.create("sql")
    await add_events(pool, 2, "definition.updated")
    assert await drain(pool, consumer) == 3
    everything = await feed_order(pool)
    assert consumer.seen == everything
    assert len(set(consumer.seen)) == 12
    assert await drain(pool, consumer) == 0
    assert consumer.seen == everything
    async with pool.acquire() as conn:
        last = await conn.fetchrow("SELECT txid::text::bigint AS txid, id FROM events ORDER BY txid DESC, id DESC")
    assert last is not None
    assert await offset(pool, consumer.name) == (last["txid"], last["id"])


async def test_drain_works_in_batches(pool: Pool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worker, "BATCH", 4)
    ids = await add_events(pool, 10)
    consumer = Recorder()
    assert await drain(pool, consumer) == 10
    assert consumer.batches == [ids[0:4], ids[4:8], ids[8:10]]


async def test_consumers_keep_their_own_positions(pool: Pool) -> None:
    ids = await add_events(pool, 3)
    early, late = Recorder("early"), Recorder("late")
    assert await drain(pool, early) == 3
    more = await add_events(pool, 2)
    assert await drain(pool, late) == 5
    assert await drain(pool, early) == 2
    assert early.seen == ids + more
    assert late.seen == ids + more


async def test_concurrent_drains_never_hand_an_event_twice(pool: Pool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worker, "BATCH", 5)
    ids = await add_events(pool, 40)
    consumer = Recorder(delay=0.02)
    counts = await asyncio.gather(*(drain(pool, consumer) for _ in range(4)))  # its position row is new here
    assert sum(counts) == 40
    assert consumer.most_in_flight == 1
    assert consumer.seen == ids
    # The row exists now: a second round, with the position row already in place, is just as exclusive.
    more = await add_events(pool, 20)
    counts = await asyncio.gather(*(drain(pool, consumer) for _ in range(4)))
    assert sum(counts) == 20
    assert consumer.most_in_flight == 1
    assert consumer.seen == ids + more


async def test_a_drain_skips_a_consumer_another_worker_holds(pool: Pool) -> None:
    await add_events(pool, 3)
    consumer = Recorder()
    assert await drain(pool, Recorder(consumer.name)) == 3
    more = await add_events(pool, 2)
    async with pool.acquire() as holder, holder.transaction():
        await holder.execute("SELECT 1 FROM consumer_offsets WHERE name = $1 FOR UPDATE", consumer.name)
        started = time.monotonic()
        assert await drain(pool, consumer) == 0
        assert time.monotonic() - started < 1.0  # skipped, not blocked
    assert consumer.seen == []
    assert await drain(pool, consumer) == 2
    assert consumer.seen == more


async def test_a_failing_consumer_leaves_its_position_and_gets_the_batch_again(pool: Pool) -> None:
    async with pool.acquire() as conn:
        await conn.execute("CREATE TABLE sink (event_id bigint PRIMARY KEY)")
    first = await add_events(pool, 3)
    consumer = Sink()
    assert await drain(pool, consumer) == 3
    before = await offset(pool, consumer.name)
    second = await add_events(pool, 4)
    consumer.fail_next = 2
    for _ in range(2):
        with pytest.raises(RuntimeError, match="consumer failed"):
            await drain(pool, consumer)
        assert await offset(pool, consumer.name) == before
    async with pool.acquire() as conn:
        assert [r["event_id"] for r in await conn.fetch("SELECT event_id FROM sink ORDER BY event_id")] == first
    assert await drain(pool, consumer) == 4
    assert consumer.batches == [first, second]
    async with pool.acquire() as conn:
        stored = [r["event_id"] for r in await conn.fetch("SELECT event_id FROM sink ORDER BY event_id")]
    assert stored == first + second


async def test_a_consumer_that_fails_on_its_very_first_batch_starts_over(pool: Pool) -> None:
    ids = await add_events(pool, 2)
    consumer = Recorder()
    consumer.fail_next = 1
    with pytest.raises(RuntimeError):
        await drain(pool, consumer)
    assert await offset(pool, consumer.name) is None
    assert await drain(pool, consumer) == 2
    assert consumer.seen == ids


async def test_drain_waits_for_an_older_open_transaction(pool: Pool) -> None:
    consumer = Recorder()
    async with pool.acquire() as conn_a, pool.acquire() as conn_b:
        tx_a = conn_a.transaction()
        await tx_a.start()
        try:
            event_a = await conn_a.fetchval(INSERT_EVENT, "definition.created", {"who": "A"})
            async with conn_b.transaction():
                event_b = await conn_b.fetchval(INSERT_EVENT, "definition.created", {"who": "B"})
            assert await drain(pool, consumer) == 0
            await tx_a.commit()
        finally:
            if conn_a.is_in_transaction():
                await tx_a.rollback()
    assert await drain(pool, consumer) == 2
    assert consumer.seen == [event_a, event_b]


async def test_the_worker_looks_again_when_an_older_transaction_held_back_a_notified_event(pool: Pool) -> None:
    consumer = Recorder()
    async with running(pool, consumer, sweep_seconds=60), pool.acquire() as older, pool.acquire() as conn:
        tx = older.transaction()
        await tx.start()
        await older.fetchval("SELECT pg_current_xact_id()")  # holds the feed's horizon, writes no event
        [event] = await add_events(pool, 1)  # committed and announced while the feed cannot show it
        assert await events.unhandled(conn, consumer.name) is True
        await asyncio.sleep(0.2)
        assert consumer.seen == []
        await tx.commit()  # no event, so no notification: only the worker's own re-check finds it
        released = time.monotonic()
        while consumer.seen != [event]:
            assert time.monotonic() - released < 2.0, "the held-back event waited for the 60 s sweep"
            await asyncio.sleep(0.01)
        # The consumer saw the event inside the drain's transaction; its position moves when that commits.
        while await events.unhandled(conn, consumer.name):
            assert time.monotonic() - released < 2.0, "the drain never moved the position past the event"
            await asyncio.sleep(0.01)


async def test_an_event_that_became_visible_after_the_drain_still_calls_for_a_look(pool: Pool) -> None:
    """The race behind a lost 5 s: the drain runs while an older transaction hides the event, that transaction
    ends before the consumer asks whether to look again, and the event must still count as waiting."""
    consumer = Recorder()
    async with pool.acquire() as older, pool.acquire() as conn:
        tx = older.transaction()
        await tx.start()
        await older.fetchval("SELECT pg_current_xact_id()")
        [event] = await add_events(pool, 1)
        assert await drain(pool, consumer) == 0
        await tx.commit()
        assert await events.unhandled(conn, consumer.name) is True
    assert await drain(pool, consumer) == 1
    assert consumer.seen == [event]
    async with pool.acquire() as conn:
        assert await events.unhandled(conn, consumer.name) is False


async def test_the_worker_wakes_on_notify(pool: Pool, client: AsyncTestClient[Any]) -> None:
    consumer = Recorder()
    async with running(pool, consumer, sweep_seconds=60) as (runner, task):
        await asyncio.sleep(0.1)
        assert consumer.seen == []
        created = time.monotonic()
        await Api(client).create("mql")
        while "definition.created" not in consumer.types:
            assert time.monotonic() - created < 2.0, "the worker did not wake on NOTIFY within 2 s"
            await asyncio.sleep(0.01)
        assert consumer.seen == await feed_order(pool)
        async with pool.acquire() as conn:
            beat = await conn.fetchval("SELECT count(*) FROM worker_heartbeats WHERE worker_id = $1", runner.worker_id)
        assert beat == 1
        stopped = time.monotonic()
    assert time.monotonic() - stopped < 2.0, "stop did not cut the 60 s sweep short"
    assert task.result() is None


async def test_the_worker_sweeps_without_notify(pool: Pool) -> None:
    consumer = Recorder()
    async with running(pool, consumer, sweep_seconds=0.2):
        async with pool.acquire() as conn:
            # Delivery of this NOTIFY is suppressed: the trigger is off, as if the notification had been lost.
            await conn.execute("ALTER TABLE events DISABLE TRIGGER events_notify")
        ids = await add_events(pool, 2)
        deadline = time.monotonic() + 10
        while consumer.seen != ids:
            assert time.monotonic() < deadline, "the sweep never picked the events up"
            await asyncio.sleep(0.02)
