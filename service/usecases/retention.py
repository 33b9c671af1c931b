"""Retention: the worker deletes what is older than configured (finished webhook deliveries and their attempts,
events, audit records), a small batch per transaction, until nothing is left or its time budget is spent."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from service.store import retention
from service.store.database import Pool

BATCH = 1000  # rows per statement: each holds its row locks for milliseconds
BUDGET_SECONDS = 2.0  # per run: the worker's other periodic tasks (timeline, every second) wait meanwhile
TABLES = ("webhook_deliveries", "webhook_attempts", "webhook_digest_bodies", "events", "audit_log")


@dataclass(frozen=True)
class Retention:
    """How long each kind of record is kept; None keeps it for good."""

    deliveries: dt.timedelta | None
    events: dt.timedelta | None
    audit: dt.timedelta | None

    @classmethod
    def days(cls, deliveries: int, events: int, audit: int) -> Retention:
        """From the settings' day counts, 0 meaning keep."""

        def span(days: int) -> dt.timedelta | None:
            return dt.timedelta(days=days) if days > 0 else None

        return cls(span(deliveries), span(events), span(audit))


Pruned = Callable[[str, int], None]  # (table, rows) after each batch that deleted some


async def prune(
    pool: Pool,
    keep: Retention,
    consumers: Sequence[str],
    *,
    pruned: Pruned | None = None,
    batch: int = BATCH,
    budget_seconds: float = BUDGET_SECONDS,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, int]:
    """Delete, batch by batch, what `keep` no longer keeps; events only once each of `consumers` (and every other
    consumer with a position) has passed them. Stops when a table has nothing more to delete or `budget_seconds`
    have passed; returns the rows deleted per table."""
    deadline = clock() + budget_seconds
    totals = dict.fromkeys(TABLES, 0)

    def count(table: str, rows: int) -> None:
        totals[table] += rows
        if rows and pruned is not None:
            pruned(table, rows)

    async def deliveries(before: dt.datetime) -> int:
        async with pool.acquire() as conn:
            gone = await retention.prune_deliveries(conn, before, batch)
        count("webhook_deliveries", gone.deliveries)
        count("webhook_attempts", gone.attempts)
        count("webhook_digest_bodies", gone.bodies)
        return gone.deliveries

    async def events(before: dt.datetime) -> None:
        after: tuple[int, int] | None = (0, 0)
        while after is not None and clock() < deadline:
            async with pool.acquire() as conn:
                step = await retention.prune_events(conn, before, batch, list(consumers), after)
            count("events", step.deleted)
            after = step.go_on_after

    async def audit(before: dt.datetime) -> int:
        async with pool.acquire() as conn:
            gone = await retention.prune_audit(conn, before, batch)
        count("audit_log", gone)
        return gone

    now = dt.datetime.now(dt.UTC)
    # Deliveries first: an event is kept while a delivery refers to it.
    if keep.deliveries is not None:
        while clock() < deadline and await deliveries(now - keep.deliveries) >= batch:
            pass
    if keep.events is not None:
        await events(now - keep.events)
    if keep.audit is not None:
        while clock() < deadline and await audit(now - keep.audit) >= batch:
            pass
    return totals
