"""The dispatcher's cache of digests' shared entries: bounded by bytes, least recently used dropped first, and the
bodies a claim needs always kept whatever their size."""

from __future__ import annotations

from service.webhooks.dispatcher import _BodyCache


def test_the_least_recently_used_body_goes_first_when_the_cache_is_full() -> None:
    cache = _BodyCache(capacity=10)
    cache.keep({1: b"aaaa", 2: b"bbbb"})
    cache.keep({1: cache[1]})  # 1 used again: 2 is now the least recently used
    cache.keep({3: b"cccc"})
    assert (1 in cache, 2 in cache, 3 in cache) == (True, False, True)


def test_bodies_a_claim_needs_are_kept_even_beyond_the_capacity() -> None:
    cache = _BodyCache(capacity=4)
    cache.keep({1: b"aa"})
    cache.keep({2: b"bbbbbb", 3: b"cccccc"})
    assert (1 in cache, 2 in cache, 3 in cache) == (False, True, True)
    cache.keep({4: b"d"})
    assert (2 in cache, 3 in cache, 4 in cache) == (False, False, True)
