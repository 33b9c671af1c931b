"""Secrets that every API replica must share, with rotation by a list of keys: sign with the newest, accept them all.

The search-token secret (which also signs download links) comes from CANON_SEARCH_TOKEN_SECRETS (newest first) or
CANON_SEARCH_TOKEN_SECRET when set. Unset, it lives in PostgreSQL (`service/store/secrets.py`): the first API
process creates it and every other one reads the same, so replicas agree with no setting at all. `canon secrets
rotate search-token` adds a newest generation and keeps the previous one; processes re-read the list every
CANON_SEARCH_TOKEN_REFRESH_SECONDS, and sign with a new generation only once it is twice that old, by which time
every process accepts it.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import asyncpg

from service.store import secrets as store
from service.store.database import Pool

log = logging.getLogger(__name__)

SECRET_BYTES = 32
Clock = Callable[[], float]


@dataclass(frozen=True)
class _Key:
    value: bytes
    signs_from: float  # on the ring's clock; -inf: at once


class KeyRing:
    """The secrets of one name in this process: `signing` signs, every one of `accepted` verifies. Configured
    secrets are fixed; the database's are replaced by `load` and `keep_fresh`."""

    def __init__(self, configured: Sequence[str] = (), clock: Clock = time.monotonic) -> None:
        self.configured = bool(configured)
        self._clock = clock
        self._keys = tuple(_Key(value.encode(), float("-inf")) for value in configured)

    @property
    def accepted(self) -> tuple[bytes, ...]:
        return tuple(key.value for key in self._keys)

    @property
    def signing(self) -> bytes:
        """The newest secret that may sign by now (the oldest kept one always may)."""
        if not self._keys:
            raise RuntimeError("no search-token secret loaded yet")
        now = self._clock()
        return next((key.value for key in self._keys if key.signs_from <= now), self._keys[-1].value)

    def replace(self, found: Sequence[store.Secret], delay: float) -> None:
        """Take `found` (newest first) as the secrets: each but the oldest signs once `delay` seconds old."""
        now = self._clock()
        last = len(found) - 1
        self._keys = tuple(
            _Key(secret.value, float("-inf") if index == last else now - secret.age + delay)
            for index, secret in enumerate(found)
        )


def signing_delay(refresh_seconds: float) -> float:
    """How old a new generation is before it signs: two refreshes, so every process has read it by then."""
    return 2 * refresh_seconds


async def load(ring: KeyRing, pool: Pool, refresh_seconds: float) -> None:
    """Read the database's search-token secrets into `ring`, creating the first if none exists (a configured ring is
    left as it is)."""
    if ring.configured:
        return
    async with pool.acquire() as conn:
        found = await store.ensure(conn, store.SEARCH_TOKEN, secrets.token_bytes(SECRET_BYTES))
    ring.replace(found, signing_delay(refresh_seconds))


async def keep_fresh(ring: KeyRing, pool: Pool, refresh_seconds: float) -> None:
    """Re-read the secrets every `refresh_seconds` until cancelled; a failed read keeps the secrets already known."""
    if ring.configured:
        return
    while True:
        await asyncio.sleep(refresh_seconds)
        try:
            await load(ring, pool, refresh_seconds)
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            log.warning("could not re-read the search-token secrets, keeping the known ones: %r", error)


async def rotate(pool: Pool) -> list[store.Secret]:
    """Add a new newest search-token secret, keeping the previous one (`canon secrets rotate search-token`)."""
    async with pool.acquire() as conn:
        return await store.rotate(conn, store.SEARCH_TOKEN, secrets.token_bytes(SECRET_BYTES))
