"""The bounded LRU and the token buckets behind Canon's rate limits, on a clock the test moves."""

from __future__ import annotations

import pytest

from service.limits import Lru, RateLimiter, address_key, admit, retry_after


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_an_lru_past_its_size_drops_the_least_recently_used_entries_not_everything() -> None:
    lru: Lru[int, str] = Lru(100)
    for n in range(100):
        lru.put(n, f"v{n}")
    for n in range(10):  # read the ten oldest again: they are now the most recently used
        assert lru.get(n) == f"v{n}"
    for n in range(100, 150):
        lru.put(n, f"v{n}")
    assert len(lru) == 100
    assert all(n in lru for n in range(10))  # used recently: kept
    assert not any(n in lru for n in range(10, 60))  # the fifty least recently used: gone
    assert all(n in lru for n in range(60, 150))


def test_an_lru_holds_at_least_one_entry() -> None:
    with pytest.raises(ValueError, match="at least one"):
        Lru[int, int](0)


def test_a_bucket_allows_a_minutes_allowance_at_once_then_refills_at_the_rate() -> None:
    clock = Clock()
    limiter = RateLimiter(6, clock=clock)  # six a minute: one every 10 s
    for _ in range(6):
        assert limiter.wait("a") == 0
        limiter.take("a")
    assert limiter.wait("a") == pytest.approx(10.0)
    assert limiter.wait("b") == 0  # another key has its own bucket
    clock.now += 4
    assert limiter.wait("a") == pytest.approx(6.0)
    clock.now += 6
    assert limiter.wait("a") == 0
    limiter.take("a")
    assert limiter.wait("a") == pytest.approx(10.0)
    clock.now += 3600  # a quiet hour refills it to a minute's allowance, no more
    for _ in range(6):
        limiter.take("a")
    assert limiter.wait("a") > 0


def test_failures_admitted_together_each_cost_a_token_so_concurrency_buys_no_extra_attempts() -> None:
    clock = Clock()
    limiter = RateLimiter(6, clock=clock)
    for _ in range(5):
        limiter.take("a")
    assert limiter.wait("a") == 0  # one left: say five requests pass the check before any of them fails ...
    for _ in range(5):
        limiter.take("a")  # ... each failure still costs one
    assert limiter.wait("a") == pytest.approx(50.0)  # four in debt, plus one to spend: 5 times 10 s
    for _ in range(100):
        limiter.take("a")
    assert limiter.wait("a") == pytest.approx(70.0)  # the debt stops at a minute's allowance


def test_zero_a_minute_admits_everything() -> None:
    limiter = RateLimiter(0, clock=Clock())
    for _ in range(1000):
        limiter.take("a")
    assert not limiter.enabled
    assert limiter.wait("a") == 0


def test_the_buckets_kept_are_bounded_and_asking_alone_creates_none() -> None:
    clock = Clock()
    limiter = RateLimiter(1, clock=clock, tracked=3)
    limiter.take("attacker")
    for n in range(1000):  # other clients that are only checked (they fail nothing) ...
        assert limiter.wait(f"client-{n}") == 0
    assert limiter.wait("attacker") > 0  # ... never push the drained bucket out
    for n in range(3):
        limiter.take(f"other-{n}")
    assert limiter.wait("attacker") == 0  # three buckets drained since: the least recently used one went


def test_admit_spends_from_every_bucket_or_from_none() -> None:
    clock = Clock()
    per_credential, per_address = RateLimiter(2, clock=clock), RateLimiter(3, clock=clock)
    assert admit((per_credential, "key-1"), (per_address, "10.0.0.1")) is None
    assert admit((per_credential, "key-1"), (per_address, "10.0.0.1")) is None
    assert admit((per_credential, "key-1"), (per_address, "10.0.0.1")) == 30  # key-1 is spent: 60 s / 2
    assert admit((per_credential, "key-2"), (per_address, "10.0.0.1")) is None  # the refusal took no address token
    assert admit((per_credential, "key-3"), (per_address, "10.0.0.1")) == 20  # now the address is spent: 60 s / 3


@pytest.mark.parametrize(("seconds", "header"), [(0.01, 1), (1.0, 1), (1.2, 2), (19.999, 20)])
def test_retry_after_is_whole_seconds_rounded_up(seconds: float, header: int) -> None:
    assert retry_after(seconds) == header


@pytest.mark.parametrize(
    ("host", "key"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),  # a host holds its whole /64
        ("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("testclient", "testclient"),
        (None, "unknown"),
    ],
)
def test_a_client_address_counts_as_its_ipv4_address_or_ipv6_64(host: str | None, key: str) -> None:
    assert address_key(host) == key
