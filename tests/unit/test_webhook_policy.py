"""The retry policy: what each attempt's result means and when the next attempt is due."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from service.webhooks import policy
from service.webhooks.policy import JITTER, RETRY_SCHEDULE, Outcome, classify

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def outcome(
    attempt: int = 1,
    status: int | None = 500,
    *,
    error: str | None = None,
    retry_after: str | None = None,
    seed: int = 7,
) -> Outcome:
    return classify(
        attempt=attempt, status=status, error=error, retry_after=retry_after, now=NOW, rng=random.Random(seed)
    )


def test_the_schedule_is_the_documented_one() -> None:
    assert [int(d.total_seconds()) for d in RETRY_SCHEDULE] == [5, 300, 1800, 7200, 18000, 36000, 36000]
    assert JITTER == 0.2
    assert policy.MAX_ATTEMPTS == 8


@pytest.mark.parametrize("status", [200, 201, 202, 204, 299])
def test_2xx_is_success(status: int) -> None:
    assert outcome(3, status) == Outcome("success", None, f"HTTP {status}")


def test_410_means_gone_even_on_the_last_attempt() -> None:
    assert outcome(1, 410).kind == "gone"
    assert outcome(8, 410).kind == "gone"
    assert outcome(1, 410).retry_at is None


@pytest.mark.parametrize("attempt", range(1, len(RETRY_SCHEDULE) + 1))
@pytest.mark.parametrize("seed", range(25))
def test_every_schedule_step_is_within_twenty_percent(attempt: int, seed: int) -> None:
    result = outcome(attempt, 500, seed=seed)
    assert result.kind == "retry"
    assert result.retry_at is not None
    delay = result.retry_at - NOW
    nominal = RETRY_SCHEDULE[attempt - 1]
    assert nominal * 0.8 <= delay <= nominal * 1.2


def test_jitter_spreads_retries_and_is_reproducible_with_a_seed() -> None:
    delays = {outcome(2, 500, seed=seed).retry_at for seed in range(20)}
    assert len(delays) == 20
    assert outcome(2, 500, seed=3) == outcome(2, 500, seed=3)


@pytest.mark.parametrize(
    ("status", "error", "reason"),
    [
        (500, None, "HTTP 500"),
        (404, None, "HTTP 404"),
        (429, None, "HTTP 429"),
        (301, None, "HTTP 301: redirects are not followed"),
        (302, None, "HTTP 302: redirects are not followed"),
        (308, None, "HTTP 308: redirects are not followed"),
        (None, "timeout", "timeout"),
        (None, "connection refused", "connection refused"),
        (None, None, "no response"),
    ],
)
def test_other_statuses_redirects_and_network_errors_are_retried(
    status: int | None, error: str | None, reason: str
) -> None:
    result = outcome(1, status, error=error)
    assert result.kind == "retry"
    assert result.reason == reason
    assert result.retry_at is not None
    assert timedelta(seconds=4) <= result.retry_at - NOW <= timedelta(seconds=6)


def test_the_delivery_fails_once_the_schedule_is_exhausted() -> None:
    assert outcome(7, 500).kind == "retry"
    result = outcome(8, 500)
    assert result == Outcome("failed", None, "HTTP 500; gave up after 8 attempts")
    assert outcome(9, None, error="timeout").kind == "failed"
    # Retry-After cannot extend the schedule.
    assert outcome(8, 503, retry_after="60").kind == "failed"


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_in_seconds_is_honoured_for_429_and_503(status: int) -> None:
    result = outcome(1, status, retry_after="120")
    assert result.kind == "retry"
    assert result.retry_at == NOW + timedelta(seconds=120)
    assert "Retry-After" in result.reason
    assert outcome(6, status, retry_after=" 1 ").retry_at == NOW + timedelta(seconds=1)


def test_retry_after_as_an_http_date_is_honoured() -> None:
    when = NOW + timedelta(minutes=42)
    assert outcome(1, 503, retry_after=format_datetime(when, usegmt=True)).retry_at == when
    assert outcome(1, 429, retry_after="Sat, 01 Mar 2025 13:00:00 GMT").retry_at == NOW + timedelta(hours=1)
    assert policy.parse_retry_after("Sat, 01 Mar 2025 13:00:00 -0000", NOW) == timedelta(hours=1)


@pytest.mark.parametrize(
    "retry_after",
    [
        "0",  # below 1 s
        str(24 * 3600 + 1),  # beyond 24 h
        "99999999999999999999999",
        "-5",
        "1.5",
        "soon",
        "",
        "Sat, 01 Mar 2025 11:00:00 GMT",  # in the past
        "Mon, 03 Mar 2025 12:00:01 GMT",  # more than 24 h ahead
    ],
)
def test_retry_after_outside_bounds_or_malformed_falls_back_to_the_schedule(retry_after: str) -> None:
    result = outcome(2, 503, retry_after=retry_after)
    assert result.kind == "retry"
    assert result.retry_at is not None
    assert timedelta(minutes=4) <= result.retry_at - NOW <= timedelta(minutes=6)
    assert "Retry-After" not in result.reason


def test_retry_after_at_the_upper_bound_is_still_honoured() -> None:
    assert outcome(1, 429, retry_after=str(24 * 3600)).retry_at == NOW + timedelta(hours=24)


def test_retry_after_is_ignored_for_other_statuses() -> None:
    result = outcome(1, 500, retry_after="3600")
    assert result.retry_at is not None
    assert result.retry_at - NOW <= timedelta(seconds=6)


def test_classify_refuses_attempt_zero_and_naive_clocks() -> None:
    with pytest.raises(ValueError, match="attempt"):
        outcome(0)
    with pytest.raises(ValueError, match="timezone"):
        classify(attempt=1, status=500, error=None, retry_after=None, now=datetime(2025, 1, 1), rng=random.Random(1))


def test_should_disable_after_failing_continuously_for_the_period() -> None:
    assert timedelta(days=5) == policy.DISABLE_AFTER
    assert not policy.should_disable(None, NOW, policy.DISABLE_AFTER)
    assert not policy.should_disable(NOW - timedelta(days=4, hours=23), NOW, policy.DISABLE_AFTER)
    assert policy.should_disable(NOW - timedelta(days=5), NOW, policy.DISABLE_AFTER)
    assert policy.should_disable(NOW - timedelta(hours=2), NOW, timedelta(hours=1))
    assert policy.should_disable(NOW - timedelta(days=6), NOW)


@pytest.mark.parametrize(
    ("event_type", "patterns", "expected"),
    [
        ("definition.published", [], True),
        ("definition.published", ["*"], True),
        ("definition.published", ["definition.*"], True),
        ("definition.published", ["*.published"], True),
        ("definition.published", ["definition.published"], True),
        ("message.published", ["definition.*"], False),
        ("definition.retired", ["*.published"], False),
        ("asset.expired", ("message.*", "asset.expired"), True),
    ],
)
def test_type_matches_uses_the_event_wildcards(event_type: str, patterns: list[str], expected: bool) -> None:
    assert policy.type_matches(event_type, patterns) is expected
