"""Acknowledgements: people of the addressed teams confirm they have read the version in effect; editors see who has
and who has not; the worker names those still silent after the acknowledgement window, once each."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

import msgspec

from service.domain import acknowledgements as rules
from service.domain.cursors import decode_cursor, encode_cursor
from service.domain.errors import FieldError, Invalid, NotFound
from service.domain.events import AcknowledgementsDue
from service.domain.model import RELEASED_STATUSES, Principal, VersionStatus
from service.store import acknowledgements as acks
from service.store import audit, entries
from service.store import timeline as timelines
from service.store.database import Pool, transaction
from service.usecases.entries import EntryContext, log_change
from service.usecases.expiry import WORKER

BATCH = 100
PEOPLE_PER_EVENT = 500  # an `acknowledgement_overdue` event names at most this many; more go in further events


class AcknowledgementOut(msgspec.Struct, frozen=True):
    """One person's acknowledgement of a version."""

    kind: str
    slug: str
    version: int
    subject: str
    name: str
    teams: list[str]  # their teams the version is addressed to, when they acknowledged
    acknowledged_at: dt.datetime


class AcknowledgementStatus(msgspec.Struct, frozen=True):
    """Who of the addressed teams has acknowledged a version and who has not: each team's active members now."""

    kind: str
    slug: str
    version: int
    status: str
    in_effect: bool
    acknowledge_teams: list[str]
    in_effect_since: dt.datetime | None  # when it became the version in effect (None: never released)
    due_at: dt.datetime | None  # the end of the acknowledgement window
    members: int  # everyone addressed, each person once
    acknowledged: int
    pending: int
    rate: float | None  # acknowledged / members; null when nobody is addressed
    teams: list[rules.TeamAcknowledgements]


class Outstanding(msgspec.Struct, frozen=True):
    """A version in effect the caller has yet to acknowledge."""

    kind: str
    slug: str
    version: int
    title: str
    url: str  # the version
    acknowledge_url: str  # POST here to acknowledge it
    teams: list[str]  # the caller's teams it is addressed to
    in_effect_since: dt.datetime
    due_at: dt.datetime
    overdue: bool


class OutstandingPage(msgspec.Struct, frozen=True):
    items: list[Outstanding]
    next_cursor: str | None


def _expired(content: dict[str, Any], now: dt.datetime) -> bool:
    raw = content.get("expires_at")
    return isinstance(raw, str) and dt.datetime.fromisoformat(raw) <= now


async def acknowledge(
    ctx: EntryContext, principal: Principal, slug: str, number: int
) -> tuple[AcknowledgementOut, bool]:
    """Record that the caller has read version `number` (in effect, addressed to one of their teams); once per
    person: a repeat answers the acknowledgement already given. Returns it and whether this call created it."""
    kind = ctx.spec.name
    async with transaction(ctx.pool) as conn:
        entry = await entries.find_entry(conn, kind, slug)
        version = await entries.get_version(conn, entry, number)
        if version.status not in RELEASED_STATUSES and not principal.sees_unreleased():
            raise NotFound(f"{kind} {slug!r} has no version {number} visible to this key")
        teams = rules.check_acknowledgement(
            principal=principal,
            number=number,
            status=version.status,
            acknowledge_teams=version.acknowledge_teams,
            in_effect=entry.current_version == number,
            retired=entry.retired,
            expired=_expired(version.content, await timelines.now(conn)),
        )
        assert principal.id is not None  # a person (checked above)
        record, created = await acks.add(
            conn, entry.id, number, person_id=principal.id, teams=teams, key_id=principal.key_id
        )
        if created:
            await audit.record(
                conn,
                principal,
                f"{kind}.acknowledged",
                kind=kind,
                slug=slug,
                entry_id=entry.id,
                to_version=number,
                detail={"teams": teams},
            )
    out = AcknowledgementOut(
        kind=kind,
        slug=slug,
        version=number,
        subject=principal.subject,
        name=principal.name,
        teams=record.teams,
        acknowledged_at=record.acknowledged_at,
    )
    return out, created


async def status(
    ctx: EntryContext, principal: Principal, slug: str, number: int, window: dt.timedelta
) -> AcknowledgementStatus:
    """Per addressed team: its active members now, who has acknowledged (and when), who has not, counts and rates."""
    rules.check_status_reader(principal)
    async with ctx.pool.acquire() as conn:
        entry = await entries.find_entry(conn, ctx.spec.name, slug)
        version = await entries.get_version(conn, entry, number)
        teams = version.acknowledge_teams
        members = await acks.members(conn, entry.id, number, teams) if teams else []
    tally = rules.tally(version.acknowledge_teams, members)
    since = (
        rules.in_effect_since(version.effective_from, version.published_at)
        if version.effective_from is not None and version.published_at is not None
        else None
    )
    return AcknowledgementStatus(
        kind=ctx.spec.name,
        slug=slug,
        version=number,
        status=version.status,
        in_effect=entry.current_version == number and not entry.retired,
        acknowledge_teams=version.acknowledge_teams,
        in_effect_since=since,
        due_at=None if since is None else rules.acknowledgement_due(since, window),
        members=tally.members,
        acknowledged=tally.acknowledged,
        pending=tally.pending,
        rate=tally.rate,
        teams=tally.teams,
    )


def _after(cursor: str | None) -> tuple[dt.datetime, uuid.UUID] | None:
    if not cursor:
        return None
    at, entry_id = decode_cursor(cursor, 2)
    try:
        if not isinstance(at, str) or not isinstance(entry_id, str):
            raise ValueError(cursor)
        moment = dt.datetime.fromisoformat(at)
        if moment.tzinfo is None:
            raise ValueError(cursor)
        return moment, uuid.UUID(entry_id)
    except ValueError:
        raise Invalid(
            "the cursor is not one this service issued", [FieldError("cursor", "malformed cursor", "query")]
        ) from None


async def outstanding(
    pool: Pool,
    contexts: Mapping[str, EntryContext],
    principal: Principal,
    *,
    cursor: str | None,
    limit: int,
    window: dt.timedelta,
) -> OutstandingPage:
    """The versions in effect addressed to the caller's teams that they have not acknowledged, longest in effect
    first."""
    rules.check_own_list(principal)
    assert principal.id is not None  # a person (checked above)
    after = _after(cursor)
    if not principal.teams:
        return OutstandingPage(items=[], next_cursor=None)
    async with pool.acquire() as conn:
        rows = await acks.outstanding(conn, principal.id, list(principal.teams), after=after, limit=limit + 1)
        now = await timelines.now(conn)
    items = []
    for row in rows[:limit]:
        ctx = contexts[row.kind]
        due = rules.acknowledgement_due(row.since, window)
        items.append(
            Outstanding(
                kind=row.kind,
                slug=row.slug,
                version=row.number,
                title=row.title,
                url=ctx.url(row.slug, row.number),
                acknowledge_url=f"{ctx.base_url}{ctx.spec.path}/{row.slug}/versions/{row.number}/acknowledgements",
                teams=rules.addressed_teams(principal, row.acknowledge_teams),
                in_effect_since=row.since,
                due_at=due,
                overdue=now >= due,
            )
        )
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = encode_cursor(last.since.isoformat(), str(last.entry_id))
    return OutstandingPage(items=items, next_cursor=next_cursor)


async def send_overdue(pool: Pool, contexts: Mapping[str, EntryContext], window: dt.timedelta) -> int:
    """`<kind>.acknowledgement_overdue` for each version in effect whose window has ended, naming the addressed
    people who have not acknowledged it and were not named before: each person once per version, however many
    workers run. Returns how many events this call sent."""
    async with pool.acquire() as conn:
        due = await acks.due_versions(conn, window_seconds=window.total_seconds(), limit=BATCH)
    sent = 0
    for item in due:
        ctx = contexts[item.kind]
        async with transaction(pool) as conn:
            people = await acks.claim_overdue(conn, item.entry_id, item.number, item.acknowledge_teams)
            if not people:
                continue
            entry = await entries.find_entry(conn, item.kind, item.slug)
            version = await entries.get_version(conn, entry, item.number)
            for start in range(0, len(people), PEOPLE_PER_EVENT):
                named = AcknowledgementsDue(
                    teams=item.acknowledge_teams, due_at=item.due_at, people=people[start : start + PEOPLE_PER_EVENT]
                )
                await log_change(
                    conn,
                    ctx,
                    WORKER,
                    entry,
                    "acknowledgement_overdue",
                    version=item.number,
                    about=version,
                    status=VersionStatus.published,
                    acknowledgements_due=named,
                )
                sent += 1
    return sent
