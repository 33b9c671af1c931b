"""Digest deliveries: when a digest subscription's period ends, the events of the period that its filters let
through become one delivery (`webhook.digest`), queued like any other so it has the same signing, retries, log,
replay and order; an empty period sends nothing.

A digest holds the events committed after the subscription's position in the event log, in feed order, up to the
first one that happened after the period's end; the position then moves past them in the transaction that queues
the delivery, so each event is in exactly one digest even with several workers (each locks the subscriptions it
builds for) or a worker that dies mid-way (its transaction rolls back). An event committed late, after a digest was
built, is in the next one. After a worker was down, each missed period gets its own digest.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final
from uuid import UUID

import msgspec

from service.domain import digests
from service.domain.events import DigestPeriod
from service.store import events
from service.store import webhooks as store
from service.store.database import Connection, Pool, transaction

log = logging.getLogger(__name__)

EVENT_TYPE: Final = "webhook.digest"
_encoder = msgspec.json.Encoder()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class DigestBuilder:
    """Builds and queues every digest whose period has ended (a periodic worker task; safe with several workers).

    `window` events are read from the log at a time; a digest holds at most `max_events` (a busier period is sent in
    parts, one right after the other). One run builds for about `budget` seconds (at least one digest) and leaves
    the rest to the next: the worker's loop that runs it also beats the worker's heartbeat and runs the other
    periodic tasks (scheduled versions taking effect), which a day's digests for many subscriptions would otherwise
    hold back for minutes (docs/benchmarks.md, Digests)."""

    pool: Pool
    clock: Callable[[], dt.datetime] = _now
    batch: int = 20
    window: int = 5_000
    max_events: int = 20_000
    budget: float = 1.0
    on_queued: Callable[[int], None] | None = None
    _bodies: dict[tuple[int, ...], int] = field(default_factory=dict, init=False, repr=False)
    _collected: dict[tuple[Any, ...], tuple[tuple[int, int], list[int], bool]] = field(
        default_factory=dict, init=False, repr=False
    )
    _events: dict[int, tuple[str, dt.datetime, dict[str, Any]]] = field(default_factory=dict, init=False, repr=False)

    async def run(self) -> int:
        """Queue the digests due now, for about `budget` seconds; the number queued."""
        queued, finished = 0, False
        until = time.monotonic() + self.budget
        while not finished and time.monotonic() < until:
            now = self.clock()
            async with transaction(self.pool) as conn:
                due = await store.due_digests(conn, now, self.batch)
                built: list[tuple[store.QueuedDigest | None, store.DigestDone]] = []
                for subscription in due:
                    built.append(await self._build(conn, subscription, now))
                    if time.monotonic() >= until:
                        break  # the rest stay due, unlocked with this commit
                digests = [digest for digest, _ in built if digest is not None]
                await store.insert_digests(conn, EVENT_TYPE, digests)
                await store.digests_done(conn, [done for _, done in built])
                queued += len(digests)
            finished = not due  # a busy period's next part, or a missed period, is due again at once
        if finished:
            # Shared by the subscriptions of one burst (most filter alike) until a run finds nothing due; the runs of
            # a burst share them, a later burst starts from the log again.
            self._bodies.clear()
            self._events.clear()
            self._collected.clear()
        if queued and self.on_queued is not None:
            self.on_queued(queued)
        return queued

    async def _build(
        self, conn: Connection, due: store.DueDigest, now: dt.datetime
    ) -> tuple[store.QueuedDigest | None, store.DigestDone]:
        """The digest to queue for this subscription (None: the period sends nothing), and where its position goes."""
        schedule = msgspec.convert(due.digest, digests.DigestSchedule) if due.digest else None
        end = due.next_at if schedule is not None else min(due.next_at, now)
        until = None if due.until_txid is None or due.until_id is None else (due.until_txid, due.until_id)
        position, wanted, complete = await self._collect(conn, due, end, until)
        queued = None
        if wanted:
            period = _period(schedule, due.period_start, end)
            body = msgspec.Raw(envelope(due.id, period, len(wanted), now))
            queued = store.QueuedDigest(due.id, body, await self._body(conn, wanted))
        if not complete:  # the rest of this period right after, as the next part
            done = store.DigestDone(due.id, position, due.period_start, due.next_at)
        elif schedule is None:
            done = store.DigestDone(due.id, position, None, None)
        else:
            # The schedule as it is now decides when the next period ends (a change applies from the next period).
            done = store.DigestDone(due.id, position, end, digests.next_end(schedule, end))
        return queued, done

    async def _collect(
        self, conn: Connection, due: store.DueDigest, end: dt.datetime, until: tuple[int, int] | None
    ) -> tuple[tuple[int, int], list[int], bool]:
        """The new position, the wanted events up to it, and whether the period is complete with them. The period
        ends at the first event after `end`; a last digest (`until` given) ends at that position in the log.

        Subscriptions with equal filters, position and end take the same events: the log is walked once for all of
        them (unless they are about webhook subscriptions, which each subscription filters for itself). One reused
        from an earlier transaction of the burst is as if that digest had been built then: events committed since
        are after its position, in the next digest."""
        key = (due.filters, due.after_txid, due.after_id, end, until)
        collected = self._collected.get(key)
        if collected is None:
            collected, shared = await self._walk(conn, due, end, until)
            if shared:
                self._collected[key] = collected
        return collected

    async def _walk(
        self, conn: Connection, due: store.DueDigest, end: dt.datetime, until: tuple[int, int] | None
    ) -> tuple[tuple[tuple[int, int], list[int], bool], bool]:
        position = (due.after_txid, due.after_id)
        wanted: list[int] = []
        shared = True
        while True:
            window = await store.digest_window(
                conn,
                due.id,
                after=position,
                end=end,
                until=until,
                room=self.max_events - len(wanted),
                limit=self.window,
            )
            wanted.extend(window.wanted)
            shared = shared and not window.about_webhooks
            if window.last_txid is not None and window.last_id is not None:
                position = (window.last_txid, window.last_id)
            if window.ended or window.read < self.window:
                return (position, wanted, not window.full), shared
            if window.full:
                return (position, wanted, False), shared

    async def _body(self, conn: Connection, wanted: Sequence[int]) -> int:
        """The stored entries of these events, written once for every subscription whose digest holds the same ones.
        Committed on a connection of its own, so a later transaction can refer to it; one whose digest rolls back is
        left for retention."""
        key = tuple(wanted)
        body_id = self._bodies.get(key)
        if body_id is None:
            entries = await collapsed(conn, wanted, self._events)
            async with self.pool.acquire() as own:
                body_id = await store.insert_digest_body(own, entries)
            self._bodies[key] = body_id
        return body_id


async def collapsed(
    conn: Connection, event_ids: Sequence[int], known: dict[int, tuple[str, dt.datetime, dict[str, Any]]] | None = None
) -> bytes:
    """The JSON of these events' digest entries (`known` caches events read before, and gains those read now)."""
    cache = {} if known is None else known
    for row in await events.by_ids(conn, [event_id for event_id in event_ids if event_id not in cache]):
        cache[row.id] = (row.type, row.occurred_at, row.data)
    return _encoder.encode(digests.collapse(cache[event_id] for event_id in event_ids if event_id in cache))


def envelope(subscription_id: UUID, period: DigestPeriod, count: int, now: dt.datetime) -> bytes:
    """A digest delivery's Standard Webhooks envelope as stored: its `data` is a DigestData but for `entries`, which
    are stored once and shared (the dispatcher puts them in: digests.with_entries)."""
    data = {"id": subscription_id, "period": period, "events": count}
    return _encoder.encode({"type": EVENT_TYPE, "timestamp": now, "data": data})


def _period(schedule: digests.DigestSchedule | None, start: dt.datetime, end: dt.datetime) -> DigestPeriod:
    """The period a digest covers, named by its schedule (None: the last digest before going back to each event)."""
    return DigestPeriod(
        start=start,
        end=end,
        timezone=schedule.timezone if schedule else "UTC",
        every=schedule.every.value if schedule else None,
    )


async def queue_replay(conn: Connection, subscription: store.Subscription, event_ids: list[int]) -> int:
    """A replay to a digest subscription: the replayed events its filters let through, as one digest queued now
    (covering from the first of them to now); 0 when none passes."""
    wanted = await store.wanted_events(conn, subscription.id, event_ids)
    if not wanted:
        return 0
    now = dt.datetime.now(dt.UTC)
    read: dict[int, tuple[str, dt.datetime, dict[str, Any]]] = {}
    body_id = await store.insert_digest_body(conn, await collapsed(conn, wanted, read))
    schedule = msgspec.convert(subscription.digest, digests.DigestSchedule) if subscription.digest else None
    start = read[wanted[0]][1] if wanted[0] in read else now
    body = envelope(subscription.id, _period(schedule, start, now), len(wanted), now)
    await store.insert_direct(
        conn, subscription.id, EVENT_TYPE, msgspec.Raw(body), scope="digest", digest_body_id=body_id
    )
    return 1
