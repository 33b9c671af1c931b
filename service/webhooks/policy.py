"""What to do after a delivery attempt: done, retry when, give up, or disable the endpoint. Pure; the clock and the
random source are passed in."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Literal

import msgspec

from service.domain.events import matches_type

# Delay before retry n (1-based) after attempt n failed; after len(RETRY_SCHEDULE) retries the delivery fails.
RETRY_SCHEDULE: tuple[timedelta, ...] = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
JITTER = 0.2  # each scheduled delay is stretched or shrunk by up to 20%, so retries of a burst spread out
MAX_ATTEMPTS = len(RETRY_SCHEDULE) + 1
RETRY_AFTER_MIN = timedelta(seconds=1)
RETRY_AFTER_MAX = timedelta(hours=24)
DISABLE_AFTER = timedelta(days=5)

OutcomeKind = Literal["success", "retry", "failed", "gone"]


class Outcome(msgspec.Struct, frozen=True):
    """`retry_at` is set exactly when `kind` is "retry". "gone" (HTTP 410) means: disable the subscription."""

    kind: OutcomeKind
    retry_at: datetime | None
    reason: str


def classify(
    *,
    attempt: int,
    status: int | None,
    error: str | None,
    retry_after: str | None,
    now: datetime,
    rng: random.Random,
    schedule: Sequence[timedelta] = RETRY_SCHEDULE,
) -> Outcome:
    """The outcome of attempt number `attempt` (1-based, counting this one).

    2xx is success and 410 is gone. Anything else (another status, a redirect, which is never followed, a timeout
    or a network error) is retried after `RETRY_SCHEDULE[attempt - 1]` with ±`JITTER`, or, for 429 and 503 with a
    `Retry-After` (seconds or HTTP-date) between 1 s and 24 h, at the time the receiver asked for. Once the schedule
    is used up (after `len(schedule) + 1` attempts; `MAX_ATTEMPTS` by default) the delivery has failed.
    `now` must be timezone-aware.
    """
    if attempt < 1:
        raise ValueError("attempt counts from 1")
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if status is not None and 200 <= status < 300:
        return Outcome("success", None, f"HTTP {status}")
    if status == 410:
        return Outcome("gone", None, "HTTP 410: the endpoint asked to be removed")
    reason = _failure_reason(status, error)
    if attempt > len(schedule):
        return Outcome("failed", None, f"{reason}; gave up after {attempt} attempts")
    if status in (429, 503):
        asked = parse_retry_after(retry_after, now)
        if asked is not None and RETRY_AFTER_MIN <= asked <= RETRY_AFTER_MAX:
            return Outcome("retry", now + asked, f"{reason}; Retry-After honoured")
    delay = schedule[attempt - 1] * rng.uniform(1 - JITTER, 1 + JITTER)
    return Outcome("retry", now + delay, reason)


def parse_retry_after(value: str | None, now: datetime) -> timedelta | None:
    """The delay a `Retry-After` header asks for (delta-seconds or HTTP-date), or None if absent or malformed."""
    if value is None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        seconds = int(text)
        # Beyond any sane bound; also keeps timedelta from overflowing on absurd values.
        return timedelta(seconds=seconds) if seconds <= 10 * 365 * 86400 else timedelta.max
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000" in an HTTP-date means UTC
        when = when.replace(tzinfo=UTC)
    return when - now


def should_disable(failing_since: datetime | None, now: datetime, after: timedelta = DISABLE_AFTER) -> bool:
    """True once an endpoint has failed without a single success for `after` (default 5 days)."""
    return failing_since is not None and now - failing_since >= after


def type_matches(event_type: str, patterns: Sequence[str]) -> bool:
    """`definition.*`, `*.published`, `*` and exact types; an empty list matches everything (see domain.events)."""
    return matches_type(event_type, list(patterns))


def _failure_reason(status: int | None, error: str | None) -> str:
    if status is not None and 300 <= status < 400:
        return f"HTTP {status}: redirects are not followed"
    if status is not None:
        return f"HTTP {status}"
    return error or "no response"
