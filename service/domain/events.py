"""Event types and payloads (the contract in DESIGN.md). Pure code: the store appends them, consumers read them."""

from __future__ import annotations

import datetime as dt
import difflib
import fnmatch
import re
from collections.abc import Iterable
from typing import Any
from uuid import UUID

import msgspec

from service.domain.digests import DigestEntry
from service.domain.model import Actor, Role

ENTRY_KINDS = ("definition", "message", "asset")
ENTRY_ACTIONS = (
    "created",
    "updated",
    "draft_updated",
    "submitted",
    "review_requested",
    "review_overdue",
    "approved",
    "rejected",
    "published",
    "effective",
    "acknowledgement_overdue",
    "citation_stale",
    "retired",
    "restored",
    "expiring",
    "expired",
)
# Events about versions not yet released: readers' feed passes over them (their drafts are hidden everywhere).
UNRELEASED_ACTIONS = frozenset(
    {"created", "draft_updated", "submitted", "review_requested", "review_overdue", "approved", "rejected"}
)
# Events naming the people who have not acknowledged a version: for editors and up, like the acknowledgement status.
PEOPLE_ACTIONS = frozenset({"acknowledgement_overdue"})
ENTRY_EVENT_TYPES: tuple[str, ...] = tuple(f"{kind}.{action}" for kind in ENTRY_KINDS for action in ENTRY_ACTIONS)
# `webhook.test` is sent to one endpoint on request, `webhook.digest` to a digest subscription once per period;
# `webhook.disabled` is in the feed like any change.
WEBHOOK_EVENT_TYPES = ("webhook.disabled", "webhook.test", "webhook.digest")
EVENT_TYPES: tuple[str, ...] = ENTRY_EVENT_TYPES + WEBHOOK_EVENT_TYPES

# `*`, or `kind.action` where either part may be `*`: a bare `definition` would silently match nothing.
TYPE_PATTERN = r"^(\*|(\*|[a-z]+)\.(\*|[a-z_]+))$"  # `*`, `definition.*`, `*.published`, `definition.published`
_TYPE_PATTERN = re.compile(TYPE_PATTERN)


class Review(msgspec.Struct, frozen=True, omit_defaults=True):
    """What happened in review: an approval (team) or a rejection (comment)."""

    outcome: str
    by: str
    team: str | None = None
    comment: str | None = None
    missing_teams: list[str] | None = None


class StaleDependent(msgspec.Struct, frozen=True):
    """A message or asset that cites an older version of the entry just published: its owners should refresh it."""

    kind: str
    slug: str
    cited_version: int


class StaleCitation(msgspec.Struct, frozen=True):
    """A citation of a version that is no longer in effect: the entry cited, the version cited, and the version in
    effect at the instant asked about (now, in events and search hits)."""

    kind: str
    slug: str
    cited_version: int
    current_version: int


class ReviewRequest(msgspec.Struct, frozen=True, omit_defaults=True):
    """`review_requested` and `review_overdue`: the team whose approval is awaited, since when, and by when."""

    team: str
    pending_teams: list[str]  # every team still to approve, this one included
    requested_at: dt.datetime  # when the version was submitted
    due_at: dt.datetime  # the end of the first review window
    windows_overdue: int | None = None  # `review_overdue`: how many review windows have passed (1, 2, ...)


class Addressee(msgspec.Struct, frozen=True):
    """A person a version is addressed to, with those of their teams it names."""

    subject: str
    name: str
    teams: list[str]


class AcknowledgementsDue(msgspec.Struct, frozen=True):
    """`acknowledgement_overdue`: the people of the addressed teams who had not acknowledged the version in effect
    when its acknowledgement window ended; each person is named once per version."""

    teams: list[str]  # the version's `acknowledge_teams`
    due_at: dt.datetime
    people: list[Addressee]


class Approver(msgspec.Struct, frozen=True):
    """One approval of the version published: for which team, by whom (subject and name)."""

    team: str
    by: str
    name: str


class EntryEventData(msgspec.Struct, frozen=True, omit_defaults=True):
    """`data` of every entry event. Small by design: `url` links to the full content."""

    id: UUID
    kind: str
    slug: str
    version: int | None
    title: str
    url: str
    actor: Actor
    previous_version: int | None = None
    status: str | None = None
    changes: list[str] = msgspec.field(default_factory=list)
    tags: list[str] = msgspec.field(default_factory=list)
    review: Review | None = None
    stale_dependents: list[StaleDependent] | None = None
    effective_at: dt.datetime | None = None  # `published`, `effective`: when the version is (or was) in effect from
    backdated: bool | None = None  # `effective`: in effect from before it was published
    # `published`, `effective` and review events: how the version differs from the one in effect before it, in one
    # line people read ("lead_score ≥ 60 (was ≥ 50); owners +sales"; "first version"): service/domain/change_summary.py
    summary: str | None = None
    approvals: list[Approver] | None = None  # `published`: who approved the version, for which team
    # Every team the entry's version concerns (owners, required and reviewing teams, teams asked to acknowledge it),
    # sorted: what subscriptions filter by `teams` match.
    teams: list[str] = msgspec.field(default_factory=list)
    review_request: ReviewRequest | None = None  # `review_requested`, `review_overdue`
    acknowledgements_due: AcknowledgementsDue | None = None  # `acknowledgement_overdue`
    # `citation_stale`: the citations of this entry's version in effect that a newer version of the entry they cite
    # has just left behind
    stale_citations: list[StaleCitation] | None = None


class WebhookEventData(msgspec.Struct, frozen=True, omit_defaults=True):
    """`data` of `webhook.disabled`: which endpoint Canon stopped sending to, and why."""

    id: UUID
    url: str
    reason: str
    failing_since: dt.datetime | None = None


class WebhookTestData(msgspec.Struct, frozen=True):
    """`data` of `webhook.test`."""

    id: UUID
    message: str


class DigestPeriod(msgspec.Struct, frozen=True, omit_defaults=True):
    """The period a digest covers: events committed from `start` (inclusive) to `end` (exclusive), with the schedule
    that ended it. A period of more events than one digest holds is sent in parts with the same period, one right
    after the other, each with the events that follow the previous one's."""

    start: dt.datetime
    end: dt.datetime
    timezone: str
    every: str | None = None  # None: the last digest of a subscription that went back to one delivery per event


class DigestData(msgspec.Struct, frozen=True):
    """`data` of `webhook.digest`: one period's changes that the subscription's filters let through, grouped by
    entry (first changed first) and collapsed: a run of one kind of change is one line with its count."""

    id: UUID  # the subscription
    period: DigestPeriod
    events: int
    entries: list[DigestEntry]


def concerned_teams(*groups: Iterable[str] | None) -> list[str]:
    """The sorted union of the team lists given (None is no list): the `teams` of an entry event."""
    return sorted({team for group in groups if group for team in group})


def data_type(event_type: str) -> type[msgspec.Struct]:
    """The Struct of an event type's `data` (for its JSON Schema)."""
    special: dict[str, type[msgspec.Struct]] = {
        "webhook.disabled": WebhookEventData,
        "webhook.test": WebhookTestData,
        "webhook.digest": DigestData,
    }
    return special.get(event_type, EntryEventData)


def audience(event_type: str) -> Role:
    """The least role that may see an event in the feed."""
    action = event_type.rpartition(".")[2]
    return Role.editor if action in UNRELEASED_ACTIONS or action in PEOPLE_ACTIONS else Role.reader


class Event(msgspec.Struct, frozen=True):
    """The envelope: `{"type", "timestamp", "data"}` (Standard Webhooks), plus the feed position."""

    id: str
    type: str
    timestamp: dt.datetime
    data: dict[str, Any]
    cursor: str


def matches_type(event_type: str, patterns: list[str]) -> bool:
    """`definition.*`, `*.published`, `*` and exact types; an empty pattern list matches everything."""
    return not patterns or any(fnmatch.fnmatchcase(event_type, p) for p in patterns)


def valid_type_pattern(pattern: str) -> bool:
    return bool(_TYPE_PATTERN.match(pattern))


def matches_no_event_type(pattern: str) -> str | None:
    """Why a well-formed pattern can never match (a misspelled type), with the nearest real type; None if it can."""
    if any(fnmatch.fnmatchcase(event_type, pattern) for event_type in EVENT_TYPES):
        return None
    nearest = difflib.get_close_matches(pattern, EVENT_TYPES, n=1)
    hint = f"; did you mean {nearest[0]!r}?" if nearest else ""
    return f"{pattern!r} matches no event type Canon emits{hint}"


def event_type_to_sql_like(pattern: str) -> str:
    """The LIKE pattern matching the same types as the wildcard `pattern` (types never contain % or _ wildcards
    that matter: `_` in action names is escaped)."""
    escaped = pattern.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped.replace("*", "%")
