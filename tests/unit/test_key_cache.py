"""The key cache keeps the keys in use: past its size it drops the least recently used, and unknown keys, however
many, never push out a valid one (they are remembered apart, in a smaller map)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, cast
from uuid import uuid4

import pytest

from service.store import keys as key_store
from service.store.database import Pool
from service.usecases.keys import KEY_CACHE_SIZE, REFUSED_CACHE_SIZE, KeyResolver, hash_secret


class _Pool:
    """Stands in for the pool: the lookups themselves are replaced (`_lookups`), no connection is used."""

    @asynccontextmanager
    async def acquire(self) -> AsyncIterator[object]:
        yield object()


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The keys looked up in the database, in order; `canon_valid*` keys exist, others do not."""
    seen: list[str] = []
    by_hash = {hash_secret(f"canon_valid{n}"): f"canon_valid{n}" for n in range(10)}

    async def active_by_hash(conn: Any, secret_hash: bytes) -> key_store.ActiveKey | None:
        secret = by_hash.get(secret_hash)
        seen.append(secret or "unknown")
        if secret is None:
            return None
        return key_store.ActiveKey(
            key_id=uuid4(),
            key_name=secret,
            principal_id=uuid4(),
            type="service",
            subject=f"service:{secret}",
            name=secret,
            role="reader",
            teams=[],
            last_used_at=dt.datetime.now(dt.UTC),  # used a moment ago: no touch
        )

    monkeypatch.setattr(key_store, "active_by_hash", active_by_hash)
    return seen


def _resolver(size: int = KEY_CACHE_SIZE, refused_size: int = REFUSED_CACHE_SIZE) -> KeyResolver:
    pool = cast("Pool", _Pool())
    return KeyResolver(pool, bootstrap_key=None, ttl=60.0, size=size, refused_size=refused_size)


async def test_a_flood_of_unknown_keys_does_not_send_a_key_in_use_back_to_the_database(lookups: list[str]) -> None:
    resolver = _resolver()  # the default sizes: 10,000 keys, 1,000 refusals
    assert await resolver.resolve("canon_valid0") is not None
    for n in range(10_001):  # more unknown keys than the cache holds (it used to be cleared whole here)
        assert await resolver.resolve(f"canon_random{n}") is None
    assert lookups.count("unknown") == 10_001
    principal = await resolver.resolve("canon_valid0")
    assert principal is not None
    assert principal.subject == "service:canon_valid0"
    assert lookups.count("canon_valid0") == 1  # still cached
    assert await resolver.resolve("canon_random10000") is None  # the most recent refusals are remembered ...
    assert lookups.count("unknown") == 10_001
    assert await resolver.resolve("canon_random0") is None  # ... the oldest are looked up again
    assert lookups.count("unknown") == 10_002


async def test_past_its_size_the_cache_drops_the_least_recently_used_keys(lookups: list[str]) -> None:
    resolver = _resolver(size=3)
    for n in range(3):
        await resolver.resolve(f"canon_valid{n}")
    await resolver.resolve("canon_valid0")  # used again: now the most recent
    await resolver.resolve("canon_valid3")  # one more than fits: valid1, the least recently used, goes
    assert lookups == ["canon_valid0", "canon_valid1", "canon_valid2", "canon_valid3"]
    for n in (0, 2, 3):
        await resolver.resolve(f"canon_valid{n}")
    assert len(lookups) == 4  # all still cached
    await resolver.resolve("canon_valid1")
    assert lookups[-1] == "canon_valid1"  # looked up again


async def test_unknown_keys_evict_only_each_other(lookups: list[str]) -> None:
    resolver = _resolver(size=2, refused_size=2)
    await resolver.resolve("canon_valid0")
    await resolver.resolve("canon_valid1")
    for n in range(50):
        await resolver.resolve(f"canon_random{n}")
    await resolver.resolve("canon_valid0")
    await resolver.resolve("canon_valid1")
    assert lookups.count("canon_valid0") == lookups.count("canon_valid1") == 1
    await resolver.resolve("canon_random49")
    await resolver.resolve("canon_random0")
    assert lookups.count("unknown") == 51  # the last refusal was remembered, the first long forgotten
