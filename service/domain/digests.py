"""Digest subscriptions: when their periods end, and what one period's changes say, collapsed per entry.

Pure code. A period ends at a wall-clock time in the subscription's time zone: every hour at minute MM, every day at
HH:MM, or every week on a weekday at HH:MM. Each local date (or hour) gives exactly one end, so a daylight-saving
change neither skips nor doubles a period: a day that loses an hour is a 23-hour period, one that gains an hour is
a 25-hour period. An end that falls in the hour a spring-forward skips is taken at the same distance past the
change (02:30 on a day that jumps from 02:00 to 03:00 is 03:30); an end that a fall-back repeats is taken the first
time.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Annotated, Any, Final

import msgspec

from service.domain.errors import FieldError, Invalid

__all__ = [
    "Delivery",
    "DigestEntry",
    "DigestLine",
    "DigestSchedule",
    "EachEvent",
    "Every",
    "Weekday",
    "collapse",
    "next_end",
    "zone",
]

AT_PATTERN: Final = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
_AT = re.compile(AT_PATTERN)
# Lines per entry in a digest: a long edit war is summed up, not replayed.
LINES_PER_ENTRY: Final = 20


class Every(enum.StrEnum):
    """How often a digest is sent."""

    hour = "hour"
    day = "day"
    week = "week"


class Weekday(enum.StrEnum):
    """The day a weekly digest is sent."""

    monday = "monday"
    tuesday = "tuesday"
    wednesday = "wednesday"
    thursday = "thursday"
    friday = "friday"
    saturday = "saturday"
    sunday = "sunday"


TimeZoneName = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)*$",
        description="An IANA time zone name, such as `Europe/Berlin` or `UTC`.",
        examples=["Europe/Berlin"],
    ),
]
WallTime = Annotated[
    str,
    msgspec.Meta(
        pattern=AT_PATTERN,
        description="Local time `HH:MM` (24-hour) at which a period ends; every hour uses its minutes only.",
        examples=["09:00"],
    ),
]


class EachEvent(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag_field="mode", tag="each"):
    """One delivery per event, as soon as it happens (the default)."""


class DigestSchedule(
    msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True, tag_field="mode", tag="digest"
):
    """One delivery per period listing its changes, when the period ends: every hour at minute MM of `at`, every day
    at `at`, or every week on `on` at `at`, on the clock of `timezone`. A period without changes sends nothing."""

    every: Every
    at: WallTime = "09:00"
    timezone: TimeZoneName = "UTC"
    on: Weekday = Weekday.monday  # `week` only


Delivery = EachEvent | DigestSchedule


def zone(name: str) -> zoneinfo.ZoneInfo:
    """The time zone called `name`, or Invalid naming the field."""
    try:
        return _zone(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise Invalid(
            "unknown time zone",
            [FieldError("/delivery/timezone", f"no time zone {name!r}: use an IANA name such as 'Europe/Berlin'")],
        ) from None


@lru_cache(maxsize=256)
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def check(schedule: DigestSchedule) -> None:
    """Refuse what the type alone cannot: an unknown zone."""
    zone(schedule.timezone)
    if not _AT.match(schedule.at):  # the type's pattern, for schedules made in code
        raise Invalid("bad time", [FieldError("/delivery/at", "use HH:MM, 24-hour")])


def next_end(schedule: DigestSchedule, after: dt.datetime) -> dt.datetime:
    """The first end of a period strictly after the instant `after` (aware), in UTC."""
    tz = zone(schedule.timezone)
    hour, minute = (int(part) for part in schedule.at.split(":"))
    after = after.astimezone(dt.UTC)
    local = after.astimezone(tz)
    if schedule.every is Every.hour:
        return _next_hourly(tz, minute, after)
    weekday = list(Weekday).index(schedule.on)
    day = local.date()
    for offset in range(0, 9):
        date = day + dt.timedelta(days=offset)
        if schedule.every is Every.week and date.weekday() != weekday:
            continue
        end = _instant(date, dt.time(hour, minute), tz)
        if end > after:
            return end
    raise AssertionError("a period end always falls within nine days")  # pragma: no cover


def _next_hourly(tz: zoneinfo.ZoneInfo, minute: int, after: dt.datetime) -> dt.datetime:
    # Hours are counted on the clock of the instant, not the wall clock: the hour a fall-back repeats is two
    # periods, and the hour a spring-forward skips is none, so every period lasts one hour.
    base = after.replace(second=0, microsecond=0)
    for step in range(1, 24 * 60 + 1):
        candidate = base + dt.timedelta(minutes=step)
        if candidate.astimezone(tz).minute == minute:
            return candidate
    raise AssertionError("every zone's clock shows each minute once an hour")  # pragma: no cover


def _instant(date: dt.date, time: dt.time, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """The UTC instant of a wall-clock time on a local date. fold=0 takes the first of a repeated time, and reads a
    skipped one with the offset from before the change, which lands as far past the change."""
    return dt.datetime.combine(date, time, tzinfo=tz).astimezone(dt.UTC)


# --- one period's changes, collapsed per entry ----------------------------------------------------------------------


class DigestLine(msgspec.Struct, frozen=True, omit_defaults=True):
    """One line about an entry: `count` events of one type in a row, the last one's version and words."""

    type: str
    count: int
    first_at: dt.datetime
    last_at: dt.datetime
    version: int | None = None
    summary: str | None = None
    actor: str | None = None


class DigestEntry(msgspec.Struct, frozen=True, omit_defaults=True):
    """An entry changed in the period: what it is now (as the last event said) and the lines that got it there."""

    kind: str
    slug: str
    title: str
    url: str
    events: int
    lines: list[DigestLine]
    version: int | None = None
    status: str | None = None
    omitted_lines: int = 0


class _Event(msgspec.Struct, frozen=True):
    type: str
    occurred_at: dt.datetime
    data: Mapping[str, Any]


def collapse(events: Iterable[tuple[str, dt.datetime, Mapping[str, Any]]]) -> list[DigestEntry]:
    """Group (type, occurred_at, data) events in feed order by entry (first change first) and collapse each entry's
    runs of one type into one line: five draft edits are one line, a publish shows the version it made."""
    grouped: dict[tuple[str, str], list[_Event]] = {}
    for event_type, occurred_at, data in events:
        kind = _text(data.get("kind")) or event_type.split(".", 1)[0]
        key = (kind, _text(data.get("slug")) or _text(data.get("id")) or "")
        grouped.setdefault(key, []).append(_Event(event_type, occurred_at, data))
    return [_entry(kind, slug, items) for (kind, slug), items in grouped.items()]


def _entry(kind: str, slug: str, events: Sequence[_Event]) -> DigestEntry:
    lines: list[DigestLine] = []
    for event in events:
        action = event.type.split(".", 1)[-1]
        version = _int(event.data.get("version"))
        previous = lines[-1] if lines else None
        if previous is not None and previous.type == event.type and action not in _EACH_ITS_OWN_LINE:
            lines[-1] = DigestLine(
                type=event.type,
                count=previous.count + 1,
                first_at=previous.first_at,
                last_at=event.occurred_at,
                version=version if version is not None else previous.version,
                summary=_text(event.data.get("summary")) or previous.summary,
                actor=_actor(event.data) or previous.actor,
            )
            continue
        lines.append(
            DigestLine(
                type=event.type,
                count=1,
                first_at=event.occurred_at,
                last_at=event.occurred_at,
                version=version,
                summary=_text(event.data.get("summary")) or None,
                actor=_actor(event.data),
            )
        )
    last = events[-1].data
    omitted = max(0, len(lines) - LINES_PER_ENTRY)
    return DigestEntry(
        kind=kind,
        slug=slug,
        title=_text(last.get("title")) or slug,
        url=_text(last.get("url")),
        events=len(events),
        lines=lines[-LINES_PER_ENTRY:] if omitted else lines,
        version=_int(last.get("version")),
        status=_text(last.get("status")) or None,
        omitted_lines=omitted,
    )


# A publish, an approval or a version taking effect each matter on their own, even twice in a row (two versions).
_EACH_ITS_OWN_LINE: Final = frozenset({"published", "effective", "approved", "rejected", "retired", "restored"})


def _actor(data: Mapping[str, Any]) -> str | None:
    actor = data.get("actor")
    if isinstance(actor, Mapping):
        return _text(actor.get("name")) or _text(actor.get("subject")) or None
    return None


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def with_entries(envelope: str, entries: str | bytes) -> bytes:
    """A digest delivery's body: its stored envelope (without them) with the shared entries as `data.entries`."""
    decoded = msgspec.json.decode(envelope)
    data = decoded.get("data") if isinstance(decoded, dict) else None
    if not isinstance(data, dict):
        return envelope.encode()
    data["entries"] = msgspec.Raw(entries.encode() if isinstance(entries, str) else entries)
    return msgspec.json.encode(decoded)
