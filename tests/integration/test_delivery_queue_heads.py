"""Each subscription's per-entry queue has exactly one head, its oldest pending delivery, kept by the triggers of
migration 0018 however writers interleave; the claim reads due heads only, so its cost does not follow the backlog
even when the planner's statistics were taken on an empty table."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import random
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, TypeAlias

import asyncpg
import pytest

from service.store import webhooks as store

if TYPE_CHECKING:
    Conn: TypeAlias = asyncpg.Connection[Any]
    Pool: TypeAlias = asyncpg.Pool[Any]
else:
    Conn = asyncpg.Connection
    Pool = asyncpg.Pool

LEASE = dt.timedelta(seconds=60)
SUBSCRIPTIONS = [uuid.UUID(int=n) for n in (1, 2, 3)]
SCOPES = [f"definition:e{n}" for n in range(6)]


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[Pool]:
    async with asyncpg.create_pool(database_url, min_size=1, max_size=8) as created:
        await created.executemany(
            "INSERT INTO webhook_subscriptions (id, url, secret, created_by) VALUES ($1, 'https://x.test', 's', 't')",
            [(s,) for s in SUBSCRIPTIONS],
        )
        yield created


async def enqueue(conn: Conn, rows: list[tuple[uuid.UUID, str]]) -> None:
    """One multi-row insert, in queue key order as the fan-out inserts (each queue's rows in the given order)."""
    ordered = sorted(enumerate(rows), key=lambda r: (str(r[1][0]), r[1][1], r[0]))
    await conn.execute(
        """INSERT INTO webhook_deliveries (subscription_id, event_type, scope, payload)
           SELECT s, 'definition.updated', c, '{}' FROM unnest($1::uuid[], $2::text[]) WITH ORDINALITY AS r(s, c, o)
           ORDER BY o""",
        [s for _, (s, _c) in ordered],
        [c for _, (_s, c) in ordered],
    )


async def claim_and_finish(conn: Conn, status: str = "succeeded") -> list[store.Claimed]:
    claimed = await store.claim(conn, 50, LEASE, {}, 8)
    if claimed:
        async with conn.transaction():
            await store.record_outcomes(
                conn,
                [store.Outcome(c.id, c.attempts, status, None, 200, 1.0, None, None, "") for c in claimed],
            )
    return claimed


async def assert_one_head_per_queue(conn: Conn) -> None:
    pending = await conn.fetch(
        "SELECT subscription_id, scope, id, head FROM webhook_deliveries WHERE status = 'pending' ORDER BY id"
    )
    oldest: dict[tuple[uuid.UUID, str], int] = {}
    heads: dict[tuple[uuid.UUID, str], list[int]] = defaultdict(list)
    for row in pending:
        key = (row["subscription_id"], row["scope"])
        oldest.setdefault(key, row["id"])
        if row["head"]:
            heads[key].append(row["id"])
    assert {key: [first] for key, first in oldest.items()} == dict(heads)
    queues = await conn.fetch("SELECT subscription_id, scope, head_id FROM webhook_delivery_queues")
    assert {(q["subscription_id"], q["scope"]): q["head_id"] for q in queues} == oldest


async def test_a_queue_of_one_entry_goes_out_in_order_and_a_finished_head_hands_over(pool: Pool) -> None:
    subscription, scope = SUBSCRIPTIONS[0], SCOPES[0]
    async with pool.acquire() as conn:
        await enqueue(conn, [(subscription, scope)] * 3 + [(subscription, SCOPES[1])])
        await assert_one_head_per_queue(conn)
        sent: list[list[int]] = []
        while claimed := await claim_and_finish(conn):
            sent.append(sorted(c.id for c in claimed))
            await assert_one_head_per_queue(conn)
        first, second, third, other = sorted(await conn.fetchval("SELECT array_agg(id) FROM webhook_deliveries"))
        assert sent == [[first, other], [second], [third]]
        assert await conn.fetchval("SELECT count(*) FROM webhook_delivery_queues") == 0


async def test_a_failed_head_lets_the_next_go_and_a_requeued_older_one_goes_first(pool: Pool) -> None:
    subscription, scope = SUBSCRIPTIONS[0], SCOPES[0]
    async with pool.acquire() as conn:
        await enqueue(conn, [(subscription, scope)] * 3)
        first, second, third = sorted(await conn.fetchval("SELECT array_agg(id) FROM webhook_deliveries"))
        assert [c.id for c in await claim_and_finish(conn, "failed")] == [first]
        await assert_one_head_per_queue(conn)
        # An operator retries the failed one: it is older than what is queued, so it goes before them again.
        assert await store.requeue(conn, first)
        await assert_one_head_per_queue(conn)
        assert [c.id for c in await claim_and_finish(conn)] == [first]
        assert [c.id for c in await claim_and_finish(conn)] == [second]
        # Retrying a delivery that already succeeded, behind one still pending, queues it behind nothing older.
        assert await store.requeue(conn, first)
        await assert_one_head_per_queue(conn)
        assert [c.id for c in await claim_and_finish(conn)] == [first]
        assert [c.id for c in await claim_and_finish(conn)] == [third]
        await assert_one_head_per_queue(conn)


async def test_concurrent_queueing_finishing_and_requeueing_never_leave_a_queue_without_its_one_head(
    pool: Pool,
) -> None:
    """Writers race on the same few queues: a delivery queued while its queue's head finishes must become the next
    head (the case in which two transactions, each missing the other's uncommitted row, would strand a queue)."""
    rng = random.Random(1518)
    stop = asyncio.Event()
    claimed_out_of_order: list[str] = []

    async def producer() -> None:
        async with pool.acquire() as conn:
            while not stop.is_set():
                rows = [(rng.choice(SUBSCRIPTIONS), rng.choice(SCOPES)) for _ in range(rng.randint(1, 12))]
                await enqueue(conn, rows)
                await asyncio.sleep(rng.random() / 200)

    async def worker() -> None:
        async with pool.acquire() as conn:
            while not stop.is_set():
                claimed = await store.claim(conn, 20, LEASE, {}, 8)
                ids = [c.id for c in claimed]
                older = await conn.fetch(
                    """SELECT c.id FROM webhook_deliveries c JOIN webhook_deliveries p
                           ON p.subscription_id = c.subscription_id AND p.scope = c.scope AND p.id < c.id
                       WHERE c.id = ANY($1::bigint[]) AND p.status = 'pending'""",
                    ids,
                )
                claimed_out_of_order.extend(str(r["id"]) for r in older)
                await asyncio.sleep(rng.random() / 200)
                if claimed:
                    status = rng.choice(["succeeded", "succeeded", "failed"])
                    async with conn.transaction():
                        await store.record_outcomes(
                            conn,
                            [
                                store.Outcome(i, c.attempts, status, None, 200, 1.0, None, None, "")
                                for i, c in zip(ids, claimed, strict=True)
                            ],
                        )

    async def operator() -> None:
        async with pool.acquire() as conn:
            while not stop.is_set():
                finished = await conn.fetchval(
                    "SELECT id FROM webhook_deliveries WHERE status <> 'pending' ORDER BY random() LIMIT 1"
                )
                if finished is not None:
                    await store.requeue(conn, finished)
                await asyncio.sleep(0.02)

    tasks = [asyncio.create_task(t()) for t in (producer, producer, worker, worker, worker, operator)]
    await asyncio.sleep(4)
    stop.set()
    await asyncio.gather(*tasks)

    async with pool.acquire() as conn:
        total = await conn.fetchval("SELECT count(*) FROM webhook_deliveries")
        assert total > 200, "too little traffic to have raced"
        await assert_one_head_per_queue(conn)
        # Nothing is stranded: every queue drains to the end.
        while await claim_and_finish(conn):
            pass
        assert await conn.fetchval("SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'") == 0
        assert await conn.fetchval("SELECT count(*) FROM webhook_delivery_queues") == 0
    # A requeued older delivery may overtake one claimed just before it; apart from that race nothing went early.
    assert len(claimed_out_of_order) <= total // 50, claimed_out_of_order


def _candidates_buffers(node: dict[str, Any]) -> int | None:
    """Pages read (from cache or disk) to find and lock the deliveries to claim: the `heads`, `candidates` and
    `locked` parts of the plan (the planner folds the first two into the last)."""
    if node.get("Subplan Name") in ("CTE heads", "CTE candidates", "CTE locked"):
        return int(node.get("Shared Hit Blocks", 0)) + int(node.get("Shared Read Blocks", 0))
    found = [b for child in node.get("Plans", []) if (b := _candidates_buffers(child)) is not None]
    return max(found) if found else None


async def test_a_claim_reads_due_heads_only_even_when_statistics_say_the_table_is_empty(pool: Pool) -> None:
    """Planned from statistics taken on an empty table (autovacuum kept away), the claim behind 20,000 pending
    deliveries of a few entries reads a handful of pages: the heads, not the backlog queued behind them."""
    async with pool.acquire() as conn:
        await conn.execute("ALTER TABLE webhook_deliveries SET (autovacuum_enabled = false)")
        await conn.execute("ANALYZE webhook_deliveries")
        await conn.execute(
            """INSERT INTO webhook_deliveries (subscription_id, event_type, scope, payload)
               SELECT s, 'definition.updated', 'definition:e' || (g % 5),
                      ('{"padding": "' || repeat('x', 200) || '"}')::jsonb
               FROM unnest($1::uuid[]) s, generate_series(1, 20000 / cardinality($1::uuid[])) g
               ORDER BY s, 3, g""",
            SUBSCRIPTIONS,
        )
        pages = await conn.fetchval(
            "SELECT pg_relation_size('webhook_deliveries') / current_setting('block_size')::int"
        )
        explained = await conn.fetchval(
            "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + store._CLAIM,
            100,
            LEASE,
            [],
            [],
            8,
            100,
        )
        plan = json.loads(explained)[0]["Plan"]
        assert pages > 500, pages
        claimed = await conn.fetchval("SELECT count(*) FROM webhook_deliveries WHERE lease_until IS NOT NULL")
        assert claimed == len(SUBSCRIPTIONS) * 5
        assert (_candidates_buffers(plan) or 0) > 0
        assert (_candidates_buffers(plan) or 0) < 100, (explained, pages)

        # Their outcomes hand each queue to its next delivery, found by index too (the triggers' plans): a few pages
        # per outcome, where one scan of the pending deliveries would read the whole table. (The counter also holds
        # what this connection read before and has not reported yet, hence the difference.)
        leased = await conn.fetch("SELECT id, attempts FROM webhook_deliveries WHERE lease_until IS NOT NULL")
        fetched = "SELECT pg_stat_get_xact_blocks_fetched('webhook_deliveries'::regclass)"
        async with conn.transaction():
            before = await conn.fetchval(fetched)
            await store.record_outcomes(
                conn,
                [store.Outcome(r["id"], r["attempts"], "succeeded", None, 200, 1.0, None, None, "") for r in leased],
            )
            read = await conn.fetchval(fetched) - before
        assert 0 < read < pages / 2, (read, pages)
        await assert_one_head_per_queue(conn)


async def test_a_burst_of_digests_takes_its_share_of_a_claim_and_single_events_go_by(pool: Pool) -> None:
    async with pool.acquire() as conn:
        entries = json.dumps([{"slug": "mql"}])
        body_id = await conn.fetchval("INSERT INTO webhook_digest_bodies (entries) VALUES ($1) RETURNING id", entries)
        await conn.executemany(
            """INSERT INTO webhook_deliveries (subscription_id, event_type, scope, payload, digest_body_id)
               VALUES ($1, 'webhook.digest', 'digest', '{}', $2)""",
            [(s, body_id) for s in SUBSCRIPTIONS],
        )
        await enqueue(conn, [(SUBSCRIPTIONS[0], SCOPES[0]), (SUBSCRIPTIONS[1], SCOPES[1])])

        first = await store.claim(conn, 50, LEASE, {}, 8, digests=1)
        assert sorted(c.digest_body_id is not None for c in first) == [False, False, True]
        assert await store.digest_bodies(conn, [body_id]) == {body_id: entries}
        assert [c.digest_body_id is not None for c in await store.claim(conn, 50, LEASE, {}, 8, digests=0)] == []
        assert [c.digest_body_id for c in await store.claim(conn, 50, LEASE, {}, 8)] == [body_id, body_id]
