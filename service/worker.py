"""The background worker: feeds the event log to its consumers (webhook fan-out, search sync).

Each consumer runs in a loop of its own, woken by LISTEN/NOTIFY as soon as a change commits, with a periodic sweep
for any notification lost while the connection was down, so a slow consumer never delays another. Each consumer's
position is row-locked while a batch is handled, in the same transaction that moves it, so several workers can run
side by side and a crash replays the batch instead of losing it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import socket
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from service.stopping import sleep_unless, wait_any
from service.store import events, ops
from service.store.database import Connection, Pool, is_open, transaction

log = logging.getLogger(__name__)

CHANNEL = "canon_events"
BATCH = 500
HELD_BACK_FIRST_RECHECK = 0.005  # seconds; doubles while events stay held back
HELD_BACK_LAST_RECHECK = 0.25


class Consumer(Protocol):
    """Handles events at least once, in feed order, inside the transaction that advances its position."""

    name: str

    async def handle(self, conn: Connection, batch: Sequence[events.StoredEvent]) -> None: ...


async def drain(pool: Pool, consumer: Consumer) -> int:
    """Hand every pending event to `consumer`; return how many it handled. Skips if another worker holds it."""
    handled = 0
    while True:
        async with transaction(pool) as conn:
            position = await events.lock_position(conn, consumer.name, skip_locked=True)
            if position is None:
                return handled
            after_txid, after_id = position
            page = await events.feed(conn, after_txid=after_txid, after_id=after_id, type_patterns=None, limit=BATCH)
            batch = page.events
            if not batch:
                return handled
            await consumer.handle(conn, batch)
            await events.move_position(conn, consumer.name, batch[-1].txid, batch[-1].id)
        handled += len(batch)


@dataclass
class Periodic:
    """Work that runs on a clock (expiry notices, garbage collection); must be safe with several workers."""

    name: str
    every_seconds: float
    run: Callable[[], Awaitable[None]]
    due_at: float = 0.0


class Worker:
    """Runs each event-log consumer in a loop of its own (own wake-up, own drain, own sweep), so a slow consumer
    (search sync rewriting synonyms) never delays another (webhook fan-out). One LISTEN connection wakes them all;
    a further loop runs the heartbeat and the periodic tasks, and `alongside` loops (the webhook dispatcher, text
    extraction) run beside."""

    def __init__(
        self,
        pool: Pool,
        consumers: Sequence[Consumer],
        *,
        periodic: Sequence[Periodic] = (),
        alongside: Sequence[Callable[[asyncio.Event], Awaitable[None]]] = (),
        sweep_seconds: float = 5.0,
    ) -> None:
        self._alongside = list(alongside)
        self._pool = pool
        self._consumers = list(consumers)
        self._periodic = list(periodic)
        self._sweep = sweep_seconds
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"

    async def run(self, stop: asyncio.Event) -> None:
        """Work until `stop` is set, with the loops that run alongside (the webhook dispatcher)."""
        loops = [_ConsumerLoop(self._pool, consumer, self._sweep) for consumer in self._consumers]
        await asyncio.gather(
            self._resilient(stop, "listener", lambda stop: self._listen(stop, loops)),
            self._resilient(stop, "housekeeping", self._housekeeping),
            *(self._resilient(stop, loop.name, loop.run) for loop in loops),
            *(loop(stop) for loop in self._alongside),
        )

    async def _listen(self, stop: asyncio.Event, loops: Sequence[_ConsumerLoop]) -> None:
        """One LISTEN connection for every consumer loop: each notification wakes them all (each drains on its own).
        A lost connection wakes them too (they then sweep), and is replaced."""
        lost = asyncio.Event()

        def notified(*_: Any) -> None:
            for loop in loops:
                loop.wake()

        def terminated(*_: Any) -> None:
            lost.set()
            notified()

        async with self._pool.acquire() as listener:
            await listener.add_listener(CHANNEL, notified)
            # A LISTEN on a lost connection hears nothing, and the pool hands out fresh connections for everything
            # else: without this, a database restart would leave the consumers on their sweep for good.
            listener.add_termination_listener(terminated)
            notified()  # anything committed before the LISTEN took effect
            try:
                while not stop.is_set() and not lost.is_set() and is_open(listener):
                    await wait_any(lost, stop, self._sweep)
            finally:
                if is_open(listener):
                    listener.remove_termination_listener(terminated)
                    await listener.remove_listener(CHANNEL, notified)

    async def _resilient(
        self, stop: asyncio.Event, name: str, work: Callable[[asyncio.Event], Awaitable[None]]
    ) -> None:
        """Run `work` until `stop`; database outages are logged and retried with backoff, never fatal."""
        backoff = 0.5
        while not stop.is_set():
            try:
                await work(stop)
                backoff = 0.5
            except (TimeoutError, OSError, Exception) as exc:  # keep the worker alive
                log.warning("%s loop failed (%s: %s); retrying in %.1fs", name, type(exc).__name__, exc, backoff)
                await sleep_unless(stop, backoff)
                backoff = min(backoff * 2, 30.0)

    async def _housekeeping(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await self._heartbeat()
            await self._run_due()
            await sleep_unless(stop, self._next_wait())

    async def _run_due(self) -> None:
        now = time.monotonic()
        for task in self._periodic:
            if task.due_at > now:
                continue
            task.due_at = now + task.every_seconds
            try:
                await task.run()
            except Exception as exc:  # one failing task must not stop the others
                log.warning("periodic task %s failed: %s: %s", task.name, type(exc).__name__, exc)

    def _next_wait(self) -> float:
        now = time.monotonic()
        return max(0.0, min([self._sweep, *(task.due_at - now for task in self._periodic)]))

    async def _heartbeat(self) -> None:
        async with self._pool.acquire() as conn:
            await ops.beat(conn, self.worker_id)


class _ConsumerLoop:
    """One consumer's loop: drains when woken (a NOTIFY heard by the worker's listener) or on its sweep."""

    def __init__(self, pool: Pool, consumer: Consumer, sweep_seconds: float) -> None:
        self._pool = pool
        self._consumer = consumer
        self._sweep = sweep_seconds
        self._wake = asyncio.Event()
        self.name = consumer.name

    def wake(self) -> None:
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        recheck = HELD_BACK_FIRST_RECHECK
        while not stop.is_set():
            self._wake.clear()
            await drain(self._pool, self._consumer)
            async with self._pool.acquire() as conn:
                held = await events.unhandled(conn, self._consumer.name)
            # An event that committed behind an older, still running transaction was announced while the feed
            # could not show it yet; nobody will announce it again, so look back soon instead of after the sweep.
            wait = recheck if held else self._sweep
            recheck = min(recheck * 2, HELD_BACK_LAST_RECHECK) if held else HELD_BACK_FIRST_RECHECK
            await wait_any(self._wake, stop, wait)


async def prune_heartbeats(pool: Pool, older_than: dt.timedelta = dt.timedelta(days=1)) -> None:
    """Forget workers long gone: every worker start adds a heartbeat row."""
    async with pool.acquire() as conn:
        await ops.prune_heartbeats(conn, older_than)


async def run_until_stopped(work: Awaitable[None], stop: asyncio.Event, grace_seconds: float) -> None:
    """Await `work`; once `stop` is set it has `grace_seconds` to return by itself before it is cancelled."""
    task = asyncio.ensure_future(work)
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if not task.done():
            finished, _ = await asyncio.wait({task}, timeout=grace_seconds)
            if not finished:
                log.warning("still busy %.0f s after the stop signal: cancelling what is left", grace_seconds)
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
                return
        await task
    finally:
        stopped.cancel()
