"""An in-process cache of rendered released entry views, kept correct by PostgreSQL notifications.

Released versions never change; what can change is the entry around them (title, tags, retirement, a newer
version becoming current). Every write to an entry row notifies `canon_entry_changed` with `kind:slug`, and this
cache drops that entry's views. While the listening connection is down the cache is off, so a lost notification
can never serve a stale view. A per-entry generation guards against storing a view read before an invalidation
that raced with the read.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections import OrderedDict
from typing import Any

import asyncpg

from service.store.entry_views import EntryView

log = logging.getLogger(__name__)

CHANNEL = "canon_entry_changed"
ViewKey = tuple[str, str, int | None]  # kind, slug, version asked for (None: current)


class ViewCache:
    def __init__(self, max_views: int = 10_000) -> None:
        self._views: OrderedDict[ViewKey, tuple[EntryView, float]] = OrderedDict()
        self._generations: dict[tuple[str, str], int] = {}
        self._max = max_views
        self.enabled = False

    def generation(self, kind: str, slug: str) -> int:
        return self._generations.get((kind, slug), 0)

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

    def put(self, key: ViewKey, view: EntryView, generation: int, expires_at: dt.datetime | None) -> None:
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
        self._generations[(kind, slug)] = self.generation(kind, slug) + 1
        for key in [k for k in self._views if k[0] == kind and k[1] == slug]:
            del self._views[key]

    def reset(self, *, enabled: bool) -> None:
        self._views.clear()
        self._generations = {key: value + 1 for key, value in self._generations.items()}
        self.enabled = enabled

    def on_notify(self, _conn: Any, _pid: int, _channel: str, payload: object) -> None:
        kind, _, slug = str(payload).partition(":")
        self.invalidate(kind, slug)


async def keep_listening(cache: ViewCache, url: str, stop: asyncio.Event) -> None:
    """Hold a LISTEN connection for the cache's lifetime, switching the cache off whenever it is down."""
    backoff = 0.5
    while not stop.is_set():
        conn = None
        try:
            conn = await asyncpg.connect(url, server_settings={"application_name": "canon-view-cache"})
            await conn.add_listener(CHANNEL, cache.on_notify)
            conn.add_termination_listener(lambda _conn: cache.reset(enabled=False))
            cache.reset(enabled=True)
            backoff = 0.5
            while not stop.is_set() and not conn.is_closed():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), 5.0)
                if not stop.is_set():
                    await conn.execute("SELECT 1")  # a dead connection shows up here, not silently
        except Exception as exc:  # any failure: cache off, reconnect
            log.warning("view cache listener down (%s: %s); cache off", type(exc).__name__, exc)
        finally:
            cache.reset(enabled=False)
            if conn is not None and not conn.is_closed():
                await conn.close()
        if not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), backoff)
            backoff = min(backoff * 2, 10.0)
