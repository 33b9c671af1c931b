"""Webhook delivery: fan-out of the event log into deliveries, and the dispatcher that sends them.

Fan-out runs as a consumer of the event log, inside the transaction that moves its position, so each event
becomes exactly one delivery per matching subscription. The dispatcher leases due deliveries with
`FOR UPDATE SKIP LOCKED` (several workers share the work without sending one delivery twice), sends them
outside any transaction, and records the outcome. A worker that dies mid-send loses nothing: the lease runs
out and another worker sends the delivery again, with the same `webhook-id`.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from uuid import UUID

from service.domain.events import WebhookEventData
from service.store import events
from service.store import webhooks as store
from service.store.database import Connection, Pool, is_open, transaction
from service.webhooks import policy
from service.webhooks.sender import Delivery, SendResult, WebhookSender

log = logging.getLogger(__name__)

CHANNEL = "canon_deliveries"


class FanOut:
    """The event-log consumer that turns each event into deliveries."""

    name = "webhook-fan-out"

    async def handle(self, conn: Connection, batch: Sequence[events.StoredEvent]) -> None:
        await store.fan_out(conn, [event.id for event in batch])


@dataclass
class DispatchSettings:
    timeout: dt.timedelta = dt.timedelta(seconds=15)
    max_in_flight: int = 128
    per_subscription: int = 8
    disable_after: dt.timedelta = policy.DISABLE_AFTER
    poll_seconds: float = 1.0  # retries come due without a notification
    schedule: tuple[dt.timedelta, ...] = policy.RETRY_SCHEDULE
    lease_margin: dt.timedelta = dt.timedelta(seconds=30)
    rng: random.Random = field(default_factory=random.Random)
    # After `stop`, how long sends in flight may take before they are cancelled and their leases released;
    # None: until they time out (the timeout plus 5 s).
    shutdown_wait: dt.timedelta | None = None

    @property
    def lease(self) -> dt.timedelta:
        # Long enough to cover a send that runs into its timeout, short enough to recover from a dead worker.
        return self.timeout + self.lease_margin


# Told the outcome of every attempt ("success", "retry", "failed", "gone", "released") and its latency in seconds.
Observer = Callable[[str, float | None], None]


class Dispatcher:
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
        self._in_flight: dict[asyncio.Task[None], store.Claimed] = {}

    def _notified(self, *_: object) -> None:
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Send until `stop`; then let sends in flight finish within `shutdown_wait`, and hand back the leases of
        any still unfinished (cancelled), so another worker sends them at once instead of after the lease."""
        backoff = 0.5
        try:
            while not stop.is_set():
                try:
                    await self._listen_and_send(stop)
                    backoff = 0.5
                except Exception as exc:  # the database went away: retry, never die
                    log.warning("dispatcher failed (%s: %s); retrying in %.1fs", type(exc).__name__, exc, backoff)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), backoff)
                    backoff = min(backoff * 2, 30.0)
        finally:
            await self._finish_in_flight()

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
                    await self.dispatch_once()
                    await self._wait(stop)
            finally:
                if is_open(listener):
                    listener.remove_termination_listener(self._notified)
                    await listener.remove_listener(CHANNEL, self._notified)

    async def dispatch_once(self) -> int:
        """Lease as many due deliveries as there is room for and start sending them; return how many."""
        room = self._settings.max_in_flight - len(self._in_flight)
        if room <= 0:
            return 0
        load = Counter(claimed.subscription_id for claimed in self._in_flight.values())
        async with self._pool.acquire() as conn:
            claimed = await store.claim(conn, room, self._settings.lease, dict(load), self._settings.per_subscription)
        for delivery in claimed:
            task = asyncio.create_task(self._deliver(delivery))
            self._in_flight[task] = delivery
            task.add_done_callback(self._done)
        return len(claimed)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._in_flight.pop(task, None)
        self._wake.set()
        if not task.cancelled() and task.exception() is not None:
            log.warning("delivery task failed: %s", task.exception())

    async def _wait(self, stop: asyncio.Event) -> None:
        waiters = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
        try:
            await asyncio.wait(waiters, timeout=self._settings.poll_seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()

    async def _deliver(self, claimed: store.Claimed) -> None:
        result = await self._sender.send(
            Delivery(
                url=claimed.url,
                msg_id=f"msg_{claimed.id}",
                timestamp=int(time.time()),
                body=claimed.payload.encode(),
                secrets=claimed.secrets,
            )
        )
        await self._record(claimed, result)

    async def _record(self, claimed: store.Claimed, result: SendResult) -> None:
        now = dt.datetime.now(dt.UTC)
        outcome = policy.classify(
            attempt=claimed.attempts,
            status=result.status,
            error=result.error,
            retry_after=result.retry_after,
            now=now,
            rng=self._settings.rng,
            schedule=self._settings.schedule,
        )
        self._notify(outcome.kind, result.latency_ms / 1000)
        async with transaction(self._pool) as conn:
            await store.record_attempt(
                conn,
                claimed.id,
                status_code=result.status,
                latency_ms=result.latency_ms,
                error=result.error,
                response_excerpt=result.response_excerpt,
            )
            if outcome.kind == "success":
                await store.finish(conn, claimed.id, status="succeeded", last_status=result.status, last_error=None)
                await store.mark_healthy(conn, claimed.subscription_id)
                return
            error = result.error or outcome.reason
            if outcome.kind == "retry" and outcome.retry_at is not None:
                await store.reschedule(
                    conn, claimed.id, at=outcome.retry_at, last_status=result.status, last_error=error
                )
            else:
                await store.finish(conn, claimed.id, status="failed", last_status=result.status, last_error=error)
            failing_since = await store.mark_failing(conn, claimed.subscription_id)
            if outcome.kind == "gone":
                await disable(conn, claimed.subscription_id, "the endpoint answered 410 Gone", failing_since)
            elif policy.should_disable(failing_since, now, self._settings.disable_after):
                reason = f"failing continuously since {failing_since.isoformat()}"
                await disable(conn, claimed.subscription_id, reason, failing_since)


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
