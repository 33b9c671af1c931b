"""Webhook delivery: fan-out of the event log into deliveries, and the dispatcher that sends them.

Fan-out runs as a consumer of the event log, inside the transaction that moves its position, so each event
becomes exactly one delivery per matching subscription. The dispatcher leases due deliveries with
`FOR UPDATE SKIP LOCKED` (several workers share the work without sending one delivery twice), sends them
outside any transaction, and records the outcome. A worker that dies mid-send loses nothing: the lease runs
out and another worker sends the delivery again, with the same `webhook-id`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from uuid import UUID

from service.domain import digests
from service.domain.events import WebhookEventData
from service.stopping import sleep_unless, wait_any
from service.store import events
from service.store import webhooks as store
from service.store.database import Connection, Pool, is_open, transaction
from service.webhooks import formats, policy
from service.webhooks.sender import Delivery, SendResult, WebhookSender

log = logging.getLogger(__name__)

CHANNEL = "canon_deliveries"


class FanOut:
    """The event-log consumer that turns each event into deliveries.

    Nothing here tends the planner: the claim reads queue heads (migration 0018) by index whatever the statistics
    say, so the statistics refresh after each burst that decision 30 needed is gone (decision 50).
    """

    name = "webhook-fan-out"

    async def handle(self, conn: Connection, batch: Sequence[events.StoredEvent]) -> None:
        await store.fan_out(conn, [event.id for event in batch])


@dataclass
class DispatchSettings:
    timeout: dt.timedelta = dt.timedelta(seconds=15)
    # A send that waits on a hung endpoint costs a socket and a task, not CPU; the sender's per-host cap keeps the
    # hung ones to their own slots.
    max_in_flight: int = 256
    per_subscription: int = 8
    disable_after: dt.timedelta = policy.DISABLE_AFTER
    # Retries are woken by a timer on the next due one; this sweep catches what no notification announces: leases
    # of a dead worker running out, and deliveries unblocked by another worker's outcome.
    sweep_seconds: float = 5.0
    schedule: tuple[dt.timedelta, ...] = policy.RETRY_SCHEDULE
    lease_margin: dt.timedelta = dt.timedelta(seconds=30)
    rng: random.Random = field(default_factory=random.Random)
    # After `stop`, how long sends in flight may take before they are cancelled and their leases released;
    # None: until they time out (the timeout plus 5 s).
    shutdown_wait: dt.timedelta | None = None
    # Outcomes are recorded in batches: at most this many per transaction, gathered for `flush_delay` seconds.
    flush_batch: int = 512
    flush_delay: float = 0.005
    # Digests in flight at most: when a period ends for many subscriptions at once, their large digests go out this
    # many at a time while single events keep the other slots and their latency (docs/benchmarks.md, Digests).
    digests_in_flight: int = 32
    # Digests' shared entries kept in memory (bytes, least recently used dropped first): a period's subscriptions
    # mostly share one body, read from PostgreSQL once instead of once per delivery.
    digest_cache_bytes: int = 64 * 1024 * 1024

    @property
    def lease(self) -> dt.timedelta:
        # Long enough to cover a send that runs into its timeout, short enough to recover from a dead worker.
        return self.timeout + self.lease_margin

    @property
    def renew_seconds(self) -> float:
        # Leases still held are renewed three times per lease: a live worker never loses one, even for a send
        # queued behind a slow host for longer than the lease.
        return self.lease.total_seconds() / 3


# Told the outcome of every attempt ("success", "retry", "failed", "gone", "released") and its latency in seconds.
Observer = Callable[[str, float | None], None]


@dataclass(frozen=True)
class _Done:
    subscription_id: UUID
    kind: str  # policy outcome: success, retry, failed, gone
    outcome: store.Outcome


class Dispatcher:
    """Leases due deliveries, sends them, and records their outcomes in batches.

    Three loops share the state: the claim loop (woken by NOTIFY, by a finished send, and by a timer on the next
    due retry), the sends (one task each, bounded by the sender per host and overall), and the keeper, which
    records finished sends in batches (one transaction for up to `flush_batch`) and renews the leases still held.
    """

    def __init__(
        self,
        pool: Pool,
        sender: WebhookSender,
        settings: DispatchSettings | None = None,
        *,
        observe: Observer | None = None,
    ) -> None:
        self._pool = pool
        self._sender = sender
        self._settings = settings or DispatchSettings()
        self._observe = observe
        self._wake = asyncio.Event()
        self._finished = asyncio.Event()
        self._in_flight: dict[asyncio.Task[None], store.Claimed] = {}
        self._done: list[_Done] = []
        self._bodies = _BodyCache(self._settings.digest_cache_bytes)

    def _notified(self, *_: object) -> None:
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Send until `stop`; then let sends in flight finish within `shutdown_wait`, and hand back the leases of
        any still unfinished (cancelled), so another worker sends them at once instead of after the lease."""
        keeper_stop = asyncio.Event()
        keeper = asyncio.create_task(self._keep(keeper_stop))
        backoff = 0.5
        try:
            while not stop.is_set():
                try:
                    await self._listen_and_send(stop)
                    backoff = 0.5
                except Exception as exc:  # the database went away: retry, never die
                    log.warning("dispatcher failed (%s: %s); retrying in %.1fs", type(exc).__name__, exc, backoff)
                    await sleep_unless(stop, backoff)
                    backoff = min(backoff * 2, 30.0)
        finally:
            try:
                await self._finish_in_flight()
            finally:
                keeper_stop.set()
                await keeper
                close = getattr(self._sender, "aclose", None)  # the sender's idle keep-alive connections
                if close is not None:
                    await close()

    async def _finish_in_flight(self) -> None:
        if not self._in_flight:
            return
        wait = self._settings.shutdown_wait
        seconds = self._settings.timeout.total_seconds() + 5 if wait is None else wait.total_seconds()
        await asyncio.wait(list(self._in_flight), timeout=max(seconds, 0.0))
        unfinished = dict(self._in_flight)
        if not unfinished:
            return
        for task in unfinished:
            task.cancel()
        await asyncio.wait(list(unfinished))
        ids = [claimed.id for claimed in unfinished.values()]
        try:
            async with self._pool.acquire(timeout=5) as conn:
                released = await store.release(conn, ids)
        except Exception as exc:  # the leases run out by themselves; this only makes the hand-over faster
            log.warning("could not release %d unfinished deliveries (%s: %s)", len(ids), type(exc).__name__, exc)
            return
        log.info("released %d unfinished deliveries at shutdown", released, extra={"deliveries": ids})
        for _ in range(released):
            self._notify("released", None)

    def _notify(self, outcome: str, seconds: float | None) -> None:
        if self._observe is not None:
            self._observe(outcome, seconds)

    async def _listen_and_send(self, stop: asyncio.Event) -> None:
        async with self._pool.acquire() as listener:
            await listener.add_listener(CHANNEL, self._notified)
            listener.add_termination_listener(self._notified)  # a lost connection: listen again (see worker.py)
            try:
                while not stop.is_set() and is_open(listener):
                    self._wake.clear()
                    wait = await self._claim_and_plan()
                    await wait_any(self._wake, stop, wait)
            finally:
                if is_open(listener):
                    listener.remove_termination_listener(self._notified)
                    await listener.remove_listener(CHANNEL, self._notified)

    async def _claim_and_plan(self) -> float:
        """Claim if there is room worth a query; return how long to wait for something to come due."""
        settings = self._settings
        room = settings.max_in_flight - len(self._in_flight)
        # Claim in batches (a quarter of the slots free, or nothing in flight): one query per send would make the
        # claim the bottleneck under load.
        if room <= 0 or (room < settings.max_in_flight // 4 and self._in_flight):
            return settings.sweep_seconds
        if await self.dispatch_once() > 0:
            return settings.sweep_seconds
        async with self._pool.acquire() as conn:
            due_in = await store.next_due_in(conn)
        if due_in is None:
            return settings.sweep_seconds
        return min(max(due_in, 0.001), settings.sweep_seconds)

    async def dispatch_once(self) -> int:
        """Lease as many due deliveries as there is room for and start sending them; return how many."""
        room = self._settings.max_in_flight - len(self._in_flight)
        if room <= 0:
            return 0
        load = Counter(claimed.subscription_id for claimed in self._in_flight.values())
        digest_room = self._settings.digests_in_flight - sum(
            1 for claimed in self._in_flight.values() if claimed.digest_body_id is not None
        )
        # A body outlives its pending deliveries (retention prunes finished ones), so it is read after the claim.
        async with self._pool.acquire() as conn:
            claimed = await store.claim(
                conn, room, self._settings.lease, dict(load), self._settings.per_subscription, max(digest_room, 0)
            )
            wanted = {c.digest_body_id for c in claimed if c.digest_body_id is not None}
            fetched = await store.digest_bodies(conn, [i for i in wanted if i not in self._bodies]) if wanted else {}
        bodies = {i: fetched[i].encode() if i in fetched else self._bodies[i] for i in wanted}
        self._bodies.keep(bodies)
        for delivery in claimed:
            task = asyncio.create_task(self._deliver(delivery, _body(delivery, bodies)))
            self._in_flight[task] = delivery
            task.add_done_callback(self._task_done)
        return len(claimed)

    def _task_done(self, task: asyncio.Task[None]) -> None:
        self._in_flight.pop(task, None)
        self._wake.set()
        if not task.cancelled() and task.exception() is not None:
            log.warning("delivery task failed: %s", task.exception())

    async def _deliver(self, claimed: store.Claimed, body: bytes) -> None:
        result = await self._sender.send(
            Delivery(
                url=claimed.url,
                msg_id=f"msg_{claimed.id}",
                timestamp=int(time.time()),
                body=formats.render(claimed.format, body),
                secrets=claimed.secrets,
            )
        )
        self._done.append(self._judge(claimed, result))
        self._finished.set()

    def _judge(self, claimed: store.Claimed, result: SendResult) -> _Done:
        outcome = policy.classify(
            attempt=claimed.attempts,
            status=result.status,
            error=result.error,
            retry_after=result.retry_after,
            now=dt.datetime.now(dt.UTC),
            rng=self._settings.rng,
            schedule=self._settings.schedule,
        )
        self._notify(outcome.kind, result.latency_ms / 1000)
        if outcome.kind == "success":
            status, retry_at, last_error = "succeeded", None, None
        elif outcome.kind == "retry" and outcome.retry_at is not None:
            status, retry_at, last_error = "pending", outcome.retry_at, result.error or outcome.reason
        else:
            status, retry_at, last_error = "failed", None, result.error or outcome.reason
        return _Done(
            claimed.subscription_id,
            outcome.kind,
            store.Outcome(
                delivery_id=claimed.id,
                attempts=claimed.attempts,
                status=status,
                retry_at=retry_at,
                status_code=result.status,
                latency_ms=result.latency_ms,
                error=result.error,
                last_error=last_error,
                response_excerpt=result.response_excerpt,
            ),
        )

    async def _keep(self, stop: asyncio.Event) -> None:
        """Record finished sends in batches and renew the leases still held, until `stop` and nothing is left."""
        loop = asyncio.get_running_loop()
        renew_at = loop.time() + self._settings.renew_seconds
        failures = 0
        while not (stop.is_set() and (not self._done or failures > 2)):
            if not self._done:
                self._finished.clear()
                await wait_any(self._finished, stop, max(renew_at - loop.time(), 0.0))
            try:
                if self._done:
                    await asyncio.sleep(self._settings.flush_delay)  # let a few more finish: one transaction
                    await self._flush()
                if loop.time() >= renew_at:
                    renew_at = loop.time() + self._settings.renew_seconds
                    await self._renew()
                failures = 0
            except Exception as exc:  # the database went away: keep the outcomes, try again
                failures += 1
                log.warning("recording outcomes failed (%s: %s); retrying", type(exc).__name__, exc)
                await sleep_unless(stop, min(0.5 * failures, 5.0))
        if self._done:
            log.warning(
                "%d outcomes not recorded: their deliveries are sent again when the lease ends", len(self._done)
            )

    async def _flush(self) -> None:
        batch = self._done[: self._settings.flush_batch]
        last: dict[UUID, _Done] = {}
        for done in batch:
            last[done.subscription_id] = done  # an endpoint's health follows its latest outcome
        now = dt.datetime.now(dt.UTC)
        async with transaction(self._pool) as conn:
            await store.record_outcomes(conn, [done.outcome for done in batch])
            since = await store.mark_health(conn, {sid: done.kind == "success" for sid, done in last.items()})
            for subscription_id, failing_since in since.items():
                if last[subscription_id].kind == "gone":
                    await disable(conn, subscription_id, "the endpoint answered 410 Gone", failing_since)
                elif policy.should_disable(failing_since, now, self._settings.disable_after):
                    reason = f"failing continuously since {failing_since.isoformat()}"
                    await disable(conn, subscription_id, reason, failing_since)
        del self._done[: len(batch)]
        self._wake.set()  # recorded outcomes may unblock an entry's next delivery

    async def _renew(self) -> None:
        leases = [(c.id, c.attempts) for c in self._in_flight.values()]
        leases += [(d.outcome.delivery_id, d.outcome.attempts) for d in self._done]
        if leases:
            async with self._pool.acquire() as conn:
                await store.renew(conn, leases, self._settings.lease)


async def disable(conn: Connection, subscription_id: UUID, reason: str, failing_since: dt.datetime | None) -> None:
    """Stop sending to a subscription and say so: a `webhook.disabled` event (to other subscribers) and the API."""
    subscription = await store.get(conn, subscription_id, lock=True)
    if not subscription.enabled:
        return
    await store.update(
        conn, subscription_id, enabled=False, disabled_at=dt.datetime.now(dt.UTC), disabled_reason=reason
    )
    await events.append(
        conn,
        event_type="webhook.disabled",
        kind="webhook",
        entry_id=subscription_id,
        slug=None,
        version=None,
        data=WebhookEventData(id=subscription_id, url=subscription.url, reason=reason, failing_since=failing_since),
    )
    log.warning("webhook %s disabled: %s", subscription_id, reason)


class _BodyCache:
    """Digests' shared entries by body id, encoded, up to `capacity` bytes (least recently used dropped first; the
    bodies just read always stay, whatever their size). Bodies never change once written, so nothing goes stale."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._size = 0
        self._entries: OrderedDict[int, bytes] = OrderedDict()

    def __contains__(self, body_id: int) -> bool:
        return body_id in self._entries

    def __getitem__(self, body_id: int) -> bytes:
        return self._entries[body_id]

    def keep(self, bodies: dict[int, bytes]) -> None:
        for body_id, entries in bodies.items():
            if body_id not in self._entries:
                self._size += len(entries)
            self._entries[body_id] = entries
            self._entries.move_to_end(body_id)
        while self._size > self._capacity and len(self._entries) > len(bodies):
            _, dropped = self._entries.popitem(last=False)
            self._size -= len(dropped)


def _body(claimed: store.Claimed, digest_bodies: dict[int, bytes]) -> bytes:
    """The stored envelope, with a digest's shared entries put back in."""
    if claimed.digest_body_id is None:
        return claimed.payload.encode()
    return digests.with_entries(claimed.payload, digest_bodies[claimed.digest_body_id])
