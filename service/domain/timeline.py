"""Which version is in effect when: the one rule of Canon's time, as pure functions.

A published version is in effect from its effective instant (its effective date at 00:00 UTC, or its publish time
when it has none) onward, replacing, for that period, every version published before it. So at instant T the
version in effect is, among the published versions whose effective instant is at or before T, the one published
last. The same rule covers scheduled changes, a rollback that cancels a scheduled change, corrections and
back-dated history. `known_at` reads the timeline as Canon had recorded it then: only versions published by then.

`service/store/timeline.py` and the as-of reads in `service/store/entry_views.py` say the same thing in SQL; the
property tests hold both to these functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import msgspec


class Released(msgspec.Struct, frozen=True):
    """A published version as the timeline sees it."""

    number: int
    published_at: dt.datetime
    effective_at: dt.datetime


def effective_instant(effective_date: dt.date | None, published_at: dt.datetime) -> dt.datetime:
    """When a version starts to be in effect: its effective date at 00:00 UTC, else the moment it was published."""
    if effective_date is None:
        return published_at
    return dt.datetime.combine(effective_date, dt.time(), tzinfo=dt.UTC)


def _order(version: Released) -> tuple[dt.datetime, int]:
    return (version.published_at, version.number)


def in_effect(versions: Iterable[Released], at: dt.datetime, known_at: dt.datetime | None = None) -> Released | None:
    """The version in effect at `at`, as known at `known_at` (default: everything published)."""
    candidates = [v for v in versions if v.effective_at <= at and (known_at is None or v.published_at <= known_at)]
    return max(candidates, key=_order, default=None)


class Window(msgspec.Struct, frozen=True):
    """When a version is in effect: from `start` until `end` (None: open-ended). Empty when `end <= start`."""

    number: int
    start: dt.datetime
    end: dt.datetime | None

    @property
    def empty(self) -> bool:
        return self.end is not None and self.end <= self.start

    def contains(self, at: dt.datetime) -> bool:
        return not self.empty and self.start <= at and (self.end is None or at < self.end)


def windows(versions: Sequence[Released]) -> list[Window]:
    """Each version's period in effect: from its effective instant until the earliest effective instant of the
    versions published after it (which replace it from then on)."""
    ordered = sorted(versions, key=_order)
    found = []
    for index, version in enumerate(ordered):
        later = [v.effective_at for v in ordered[index + 1 :]]
        found.append(Window(number=version.number, start=version.effective_at, end=min(later, default=None)))
    return found


class Timeline(msgspec.Struct, frozen=True):
    """An entry's versions at one instant: the one in effect, the ones still to come, the ones done with."""

    current: int | None
    upcoming: list[Window]  # by start: versions that will take effect later (scheduled)
    superseded: list[int]  # versions that are not, and will never again be, in effect


def timeline(versions: Sequence[Released], now: dt.datetime) -> Timeline:
    spans = windows(versions)
    current = next((w.number for w in spans if w.contains(now)), None)
    upcoming = sorted((w for w in spans if not w.empty and w.start > now), key=lambda w: (w.start, w.number))
    done = sorted(w.number for w in spans if w.number != current and (w.empty or (w.end is not None and w.end <= now)))
    return Timeline(current=current, upcoming=upcoming, superseded=done)
