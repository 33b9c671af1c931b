"""The console's session rules: when a session has ended, and when its last use is worth writing down.

Pure functions over instants; the caller passes `now`, so tests choose the clock."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Final

# Writing last_seen_at on every page would cost a write per request; the idle timeout only needs it this fresh
# (a tenth of the idle timeout, at most a minute), so a session may end up to that much later than idle exactly.
_TOUCH_SHARE: Final = 10
_TOUCH_AT_MOST: Final = dt.timedelta(minutes=1)


class Standing(enum.Enum):
    active = "active"
    idle = "idle"  # unused for longer than the idle timeout
    expired = "expired"  # older than the absolute timeout, however busy


def standing(
    *, created_at: dt.datetime, last_seen_at: dt.datetime, now: dt.datetime, idle: dt.timedelta, absolute: dt.timedelta
) -> Standing:
    """Whether a session created at `created_at` and last used at `last_seen_at` may still be used at `now`."""
    if now >= created_at + absolute:
        return Standing.expired
    if now >= last_seen_at + idle:
        return Standing.idle
    return Standing.active


def worth_touching(*, last_seen_at: dt.datetime, now: dt.datetime, idle: dt.timedelta) -> bool:
    """Whether to record `now` as the session's last use."""
    return now - last_seen_at >= min(idle / _TOUCH_SHARE, _TOUCH_AT_MOST)
