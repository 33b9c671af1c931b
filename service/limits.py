"""Bounded memory and request rates: a least-recently-used map and token buckets, with the clock passed in.

Both are per process. A rate limit here holds for one API replica: N replicas admit up to N times the configured
rate between them, which is enough to stop a client hammering one pod (the measured fault: thousands of bad keys a
second, each a database lookup) without a shared store on the request path. `docs/decisions.md` (41) says what a
limiter shared by all replicas would need.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

Clock = Callable[[], float]  # seconds, monotonic
TRACKED_KEYS = 10_000  # buckets a limiter keeps (about 1 MB); the least recently used go first


class Lru(Generic[K, V]):
    """A map of at most `size` entries: putting one more drops the entry least recently read or written."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("an LRU holds at least one entry")
        self._size = size
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self._size:
            self._items.popitem(last=False)

    def pop(self, key: K) -> None:
        self._items.pop(key, None)

    def clear(self) -> None:
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items


@dataclass
class _Bucket:
    tokens: float
    stamp: float  # when `tokens` was last brought up to date


class RateLimiter:
    """Token buckets, one per key: each holds up to `per_minute` tokens (a burst of a minute's allowance) and
    refills at `per_minute` a minute. `per_minute` 0 admits everything."""

    def __init__(self, per_minute: int, *, clock: Clock = time.monotonic, tracked: int = TRACKED_KEYS) -> None:
        self.per_minute = max(per_minute, 0)
        self._clock = clock
        self._buckets: Lru[str, _Bucket] = Lru(tracked)

    @property
    def enabled(self) -> bool:
        return self.per_minute > 0

    def wait(self, key: str) -> float:
        """Seconds until `key` has a token (0: it has one now). Takes nothing."""
        if not self.enabled or key not in self._buckets:
            # No bucket is a full one. Asking creates none, so the many clients that are only checked (every request
            # checks its address's failures) never push a drained bucket out of the LRU.
            return 0.0
        bucket = self._current(key)
        return 0.0 if bucket.tokens >= 1 else (1 - bucket.tokens) * 60 / self.per_minute

    def take(self, key: str) -> None:
        """Spend one of `key`'s tokens. An empty bucket goes into debt (at most a minute's allowance): requests that
        were admitted together and all failed each cost their token, so concurrency buys no extra attempts."""
        if self.enabled:
            bucket = self._current(key)
            bucket.tokens = max(bucket.tokens - 1, -float(self.per_minute))

    def _current(self, key: str) -> _Bucket:
        now = self._clock()
        bucket = self._buckets.get(key)
        if bucket is None:  # new, or evicted: a full bucket, as if the key had been quiet
            bucket = _Bucket(tokens=float(self.per_minute), stamp=now)
            self._buckets.put(key, bucket)
        else:
            refill = (now - bucket.stamp) * self.per_minute / 60
            bucket.tokens = min(bucket.tokens + max(refill, 0.0), float(self.per_minute))
            bucket.stamp = now
        return bucket


def retry_after(seconds: float) -> int:
    """A wait as `Retry-After` states it: whole seconds, at least 1, rounded up so a client that obeys succeeds."""
    return max(1, math.ceil(seconds))


def admit(*charges: tuple[RateLimiter, str]) -> int | None:
    """Spend a token from each (limiter, key) if every one has a token; otherwise spend nothing and return the
    `Retry-After` seconds until all of them would."""
    wait = max((limiter.wait(key) for limiter, key in charges), default=0.0)
    if wait > 0:
        return retry_after(wait)
    for limiter, key in charges:
        limiter.take(key)
    return None


def address_key(host: str | None) -> str:
    """The client address a limit counts against: an IPv6 address by its /64 (one host usually holds a whole /64,
    so counting single addresses would let it cycle through them), anything else as it is."""
    if not host:
        return "unknown"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


@dataclass(frozen=True)
class RateLimits:
    """The API's limits (CANON_RATE_LIMIT_*): failed authentication per client address, and searches per credential
    and per client address."""

    auth_failures: RateLimiter
    search: RateLimiter
    search_address: RateLimiter

    @classmethod
    def build(
        cls, *, auth_failures: int, search: int, search_address: int, clock: Clock = time.monotonic
    ) -> RateLimits:
        return cls(
            auth_failures=RateLimiter(auth_failures, clock=clock),
            search=RateLimiter(search, clock=clock),
            search_address=RateLimiter(search_address, clock=clock),
        )
