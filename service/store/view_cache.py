"""An in-process cache of rendered released entry views, kept correct by PostgreSQL notifications.

Released versions never change; what can change is the entry around them (title, tags, retirement, a newer
version becoming current). Every write to an entry row notifies `canon_entry_changed` with `kind:slug`, and this
cache drops that entry's views. While the listening connection is down the cache is off, so a lost notification
can never serve a stale view. A per-entry generation guards against storing a view read before an invalidation
that raced with the read.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections import OrderedDict
from typing import Any

import asyncpg

from service.stopping import sleep_unless
from service.store.entry_views import EntryView

log = logging.getLogger(__name__)

CHANNEL = "canon_entry_changed"
ViewKey = tuple[str, str, int | None]  # kind, slug, version asked for (None: current)


class ViewCache:
    def __init__(self, max_views: int = 10_000) -> None:
        self._views: OrderedDict[ViewKey, tuple[EntryView, float]] = OrderedDict()
        self._generations: dict[tuple[str, str], int] = {}
        self._epoch = 0  # bumped by every reset: views read before it are never stored
        self._max = max_views
        self.enabled = False

    def generation(self, kind: str, slug: str) -> tuple[int, int]:
        return self._epoch, self._generations.get((kind, slug), 0)

    def get(self, key: ViewKey) -> EntryView | None:
        if not self.enabled:
            return None
        found = self._views.get(key)
        if found is None:
            return None
        view, valid_until = found
        if valid_until <= time.monotonic():
            del self._views[key]
            return None
        self._views.move_to_end(key)
        return view

    def put(self, key: ViewKey, view: EntryView, generation: tuple[int, int], expires_at: dt.datetime | None) -> None:
        """Keep a released view unless its entry changed since `generation` was read; a version that expires is
        kept only until then (its `expired` flag flips without any write)."""
        if not self.enabled or self.generation(key[0], key[1]) != generation:
            return
        valid_until = float("inf")
        if expires_at is not None:
            valid_until = time.monotonic() + (expires_at - dt.datetime.now(dt.UTC)).total_seconds()
        self._views[key] = (view, valid_until)
        self._views.move_to_end(key)
        while len(self._views) > self._max:
            self._views.popitem(last=False)

    def invalidate(self, kind: str, slug: str) -> None:
        self._generations[(kind, slug)] = self._generations.get((kind, slug), 0) + 1
        for key in [k for k in self._views if k[0] == kind and k[1] == slug]:
            del self._views[key]

    def reset(self, *, enabled: bool) -> None:
        self._views.clear()
        self._generations.clear()
        self._epoch += 1
        self.enabled = enabled

    def on_notify(self, _conn: Any, _pid: int, _channel: str, payload: object) -> None:
        kind, _, slug = str(payload).partition(":")
        self.invalidate(kind, slug)


async def keep_listening(cache: ViewCache, url: str, stop: asyncio.Event) -> None:
    """Hold a LISTEN connection for the cache's lifetime, switching the cache off whenever it is down."""
    backoff = 0.5
    while not stop.is_set():
        try:
            await _listen_once(cache, url, stop)
            backoff = 0.5
        except Exception as exc:  # any failure: cache off, reconnect
            log.warning("view cache listener down (%s: %s); cache off", type(exc).__name__, exc)
        finally:
            cache.reset(enabled=False)
        if not stop.is_set():
            await sleep_unless(stop, backoff)
            backoff = min(backoff * 2, 10.0)


async def _listen_once(cache: ViewCache, url: str, stop: asyncio.Event) -> None:
    """Serve the cache from one connection until it is lost or `stop` is set."""
    lost = asyncio.Event()

    def on_lost(_conn: object) -> None:
        cache.reset(enabled=False)
        lost.set()

    conn = await asyncpg.connect(url, server_settings={"application_name": "canon-view-cache"})
    try:
        conn.add_termination_listener(on_lost)
        await conn.add_listener(CHANNEL, cache.on_notify)
        cache.reset(enabled=True)
        while not stop.is_set() and not lost.is_set():
            await _first_of(stop, lost, seconds=5.0)
            if not stop.is_set() and not lost.is_set():
                await conn.execute("SELECT 1")  # a silently dead connection shows up here
    finally:
        if not conn.is_closed():
            await conn.close()


async def _first_of(*events: asyncio.Event, seconds: float) -> None:
    waiters = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
