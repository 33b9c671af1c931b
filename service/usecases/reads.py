"""Reads: entries, versions, diffs, criteria evaluation, the event feed and the audit log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from uuid import UUID

import msgspec

from service.domain import criteria, lifecycle
from service.domain.citations import is_stale
from service.domain.cursors import decode_cursor, decode_int_cursor, encode_cursor
from service.domain.diff import VersionDiff, diff_content
from service.domain.errors import Conflict, FieldError, Forbidden, Gone, Invalid, NotFound
from service.domain.events import Event, event_type_to_sql_like, valid_type_pattern
from service.domain.model import RELEASED_STATUSES, Principal, Role
from service.store import audit, entries, entry_views, events, keys
from service.store.database import Pool
from service.usecases.entries import EntryContext, version_in_effect


async def entry(
    ctx: EntryContext,
    principal: Principal,
    slug: str,
    *,
    version: int | None,
    as_of: dt.datetime | None,
    known_at: dt.datetime | None = None,
) -> entry_views.EntryView:
    """`version`, or the version in effect at `as_of` (default: now) as Canon had recorded it at `known_at`."""
    if version is not None and (as_of is not None or known_at is not None):
        name = "as_of" if as_of is not None else "known_at"
        raise Invalid(f"give either version or {name}, not both", [FieldError(name, "conflicts with version", "query")])
    cacheable = as_of is None and known_at is None
    key = (ctx.spec.name, slug, version)
    if cacheable and (cached := ctx.views.get(key)) is not None:
        return cached
    generation = ctx.views.generation(ctx.spec.name, slug)
    async with ctx.pool.acquire() as conn:
        view = await entry_views.entry_view(
            conn,
            ctx.spec.name,
            slug,
            version=version,
            before=as_of,
            known_before=known_at,
            released_only=not principal.sees_unreleased(),
        )
    # Released views read the same for every role; drafts and reviews are never cached.
    if cacheable and view.status in RELEASED_STATUSES:
        ctx.views.put(key, view, generation, view.expires_at)
    return view


class Page(msgspec.Struct, frozen=True):
    """Rendered items (JSON each) and the cursor of the next page, if any."""

    items: list[bytes]
    next_cursor: str | None


T = TypeVar("T")


def _split_page(rows: Sequence[T], limit: int, cursor_of: Callable[[T], str]) -> tuple[list[T], str | None]:
    """Callers fetch `limit + 1` rows: the extra one only tells whether another page exists."""
    page = list(rows[:limit])
    return page, cursor_of(page[-1]) if len(rows) > limit else None


async def entry_page(
    ctx: EntryContext,
    principal: Principal,
    *,
    status: str | None,
    tag: str | None,
    team: str | None,
    prefix: str | None,
    cursor: str | None,
    limit: int,
    content: dict[str, str] | None = None,
) -> Page:
    chosen = status or ("any" if principal.sees_unreleased() else "published")
    if chosen not in ("published", "retired") and not principal.sees_unreleased():
        raise Forbidden(f"listing {chosen} {ctx.spec.plural} needs the editor role")
    after = str(decode_cursor(cursor, 1)[0]) if cursor else ""
    async with ctx.pool.acquire() as conn:
        rows = await entry_views.entry_list(
            conn,
            ctx.spec.name,
            after_slug=after,
            tag=tag,
            team=team,
            prefix=prefix,
            status=chosen,
            limit=limit + 1,
            show_open_version=principal.sees_unreleased(),
            hide_expired=not principal.sees_unreleased(),
            content=content,
        )
    page, next_cursor = _split_page(rows, limit, lambda row: encode_cursor(row[0]))
    return Page(items=[body for _, body in page], next_cursor=next_cursor)


async def version_page(ctx: EntryContext, principal: Principal, slug: str, *, cursor: str | None, limit: int) -> Page:
    below = decode_int_cursor(cursor, 1, maximum=2**31 - 1)[0] if cursor else 2**31 - 1
    async with ctx.pool.acquire() as conn:
        found = await entries.find_entry(conn, ctx.spec.name, slug)
        rows = await entry_views.version_list(
            conn, found.id, below=below, released_only=not principal.sees_unreleased(), limit=limit + 1
        )
    page, next_cursor = _split_page(rows, limit, lambda row: encode_cursor(row[0]))
    return Page(items=[body for _, body in page], next_cursor=next_cursor)


async def _visible_contents(
    ctx: EntryContext, principal: Principal, slug: str, numbers: list[int]
) -> dict[int, dict[str, Any]]:
    async with ctx.pool.acquire() as conn:
        found = await entries.find_entry(conn, ctx.spec.name, slug)
        rows = await entries.version_rows(conn, found.id, numbers)
    visible = {
        number: row.reviewed
        for number, row in rows.items()
        if principal.sees_unreleased() or row.status in RELEASED_STATUSES
    }
    for number in numbers:
        if number not in visible:
            raise NotFound(f"{ctx.spec.name} {slug!r} has no version {number} visible to this key")
    return visible


class VersionChoice(msgspec.Struct, frozen=True):
    """One side of a diff: a version number, or the instant whose version in effect is meant."""

    number: int | None
    as_of: dt.datetime | None
    name: str  # the query parameter: `from` or `to`


async def diff(
    ctx: EntryContext, principal: Principal, slug: str, before: VersionChoice, after: VersionChoice
) -> VersionDiff:
    numbers = [await _chosen(ctx, slug, side) for side in (before, after)]
    contents = await _visible_contents(ctx, principal, slug, numbers)
    return diff_content(contents[numbers[0]], contents[numbers[1]], from_version=numbers[0], to_version=numbers[1])


async def _chosen(ctx: EntryContext, slug: str, side: VersionChoice) -> int:
    if (side.number is None) == (side.as_of is None):
        raise Invalid(
            f"give either {side.name} (a version) or {side.name}_as_of (a date)",
            [FieldError(side.name, f"one of {side.name} and {side.name}_as_of", "query")],
        )
    if side.number is not None:
        return side.number
    async with ctx.pool.acquire() as conn:
        found = await entries.find_entry(conn, ctx.spec.name, slug)
        number = await version_in_effect(conn, found, side.as_of, None)
    if number is None:
        raise NotFound(f"{ctx.spec.name} {slug!r} had no version in effect at {side.name}_as_of")
    return number


class EvaluationResult(msgspec.Struct, frozen=True):
    slug: str
    version: int
    matched: bool
    outcomes: list[criteria.RuleOutcome]


async def evaluate(
    ctx: EntryContext,
    principal: Principal,
    slug: str,
    version: int | None,
    record: dict[str, Any],
    *,
    as_of: dt.datetime | None = None,
    known_at: dt.datetime | None = None,
) -> EvaluationResult:
    """Test a record against `version`, or the version in effect at `as_of` (default now) as known at `known_at`.
    A retired definition is in effect for nothing after its retirement (410)."""
    if version is not None and (as_of is not None or known_at is not None):
        raise Invalid(
            "give either version or as_of/known_at, not both", [FieldError("/as_of", "conflicts with version")]
        )
    async with ctx.pool.acquire() as conn:
        found = await entries.find_entry(conn, ctx.spec.name, slug)
        retired_at = found.retired_at
        if version is None and retired_at is not None and retired_at < (as_of or dt.datetime.now(dt.UTC)):
            raise Gone(
                f"{ctx.spec.name} {slug!r} was retired at {retired_at.isoformat()}; give an as_of before that "
                "to evaluate the version then in effect"
            )
        number = version or await version_in_effect(conn, found, as_of, known_at)
    if number is None:
        when = "then" if as_of is not None or known_at is not None else "yet"
        raise NotFound(
            f"{ctx.spec.name} {slug!r} has no published version in effect {when}; give a version to evaluate"
        )
    content = (await _visible_contents(ctx, principal, slug, [number]))[number]
    tree = content.get("criteria")
    if tree is None:
        raise Conflict(f"version {number} of {slug!r} has no criteria to evaluate")
    result = criteria.evaluate(tree, record, now=as_of)  # `within` counts back from as_of, else from now
    return EvaluationResult(slug=slug, version=number, matched=result.matched, outcomes=result.outcomes)


class EventPage(msgspec.Struct, frozen=True):
    """A page of the change feed. `next_cursor` is always set: pass it as `after` to continue, now or later."""

    items: list[Event]
    next_cursor: str


def _type_patterns(types: list[str]) -> list[str] | None:
    bad = [
        FieldError("type", f"{t!r} is not an event type pattern", "query") for t in types if not valid_type_pattern(t)
    ]
    if bad:
        raise Invalid("unknown event type pattern", bad)
    return [event_type_to_sql_like(t) for t in types] or None


async def event_page(
    pool: Pool,
    principal: Principal,
    *,
    after: str | None,
    types: list[str],
    limit: int,
    kind: str | None = None,
    slug: str | None = None,
) -> EventPage:
    """The feed as the caller may see it (readers pass over events about unreleased versions, without a gap),
    optionally only events of some types, about one kind of entry, or about one entry."""
    patterns = _type_patterns(types)
    position = (0, 0)
    if after and after != "now":
        txid, event_id = decode_int_cursor(after, 2, "after")
        position = (txid, event_id)
    async with pool.acquire() as conn:
        if after == "now":
            position = await events.head(conn)
        found = await events.feed(
            conn,
            after_txid=position[0],
            after_id=position[1],
            type_patterns=patterns,
            limit=limit,
            audience_only=None if principal.sees_unreleased() else Role.reader.value,
            kind=kind,
            slug=slug,
        )
    rows = found.events
    items = [
        Event(
            id=f"evt_{row.id}",
            type=row.type,
            timestamp=row.occurred_at,
            data=row.data,
            cursor=encode_cursor(row.txid, row.id),
        )
        for row in rows
    ]
    last = max((row.txid, row.id) for row in rows) if rows else position
    next_cursor = encode_cursor(*max(last, found.scanned_to or last))
    return EventPage(items=items, next_cursor=next_cursor)


class AuditPage(msgspec.Struct, frozen=True):
    items: list[audit.AuditRecord]
    next_cursor: str | None


async def audit_page(
    pool: Pool,
    principal: Principal,
    *,
    cursor: str | None,
    actor: str | None,
    kind: str | None,
    slug: str | None,
    action: str | None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: int,
) -> AuditPage:
    lifecycle.require_role(principal, Role.admin)
    before = decode_int_cursor(cursor, 1)[0] if cursor else None
    async with pool.acquire() as conn:
        rows = await audit.page(
            conn,
            before_id=before,
            actor=actor,
            kind=kind,
            slug=slug,
            action=action,
            since=since,
            until=until,
            limit=limit + 1,
        )
    page, next_cursor = _split_page(rows, limit, lambda row: encode_cursor(row.id))
    return AuditPage(items=page, next_cursor=next_cursor)


class KeyPage(msgspec.Struct, frozen=True):
    items: list[keys.KeyRecord]
    next_cursor: str | None


async def key_page(pool: Pool, principal: Principal, *, cursor: str | None, limit: int) -> KeyPage:
    lifecycle.require_role(principal, Role.admin)
    after = None
    if cursor:
        created, key_id = decode_cursor(cursor, 2)
        try:
            after = (dt.datetime.fromisoformat(str(created)), UUID(str(key_id)))
        except ValueError:
            raise Invalid("malformed cursor", [FieldError("cursor", "malformed cursor", "query")]) from None
    async with pool.acquire() as conn:
        rows = await keys.page(conn, after=after, limit=limit + 1)
    page, next_cursor = _split_page(rows, limit, lambda row: encode_cursor(row.created_at.isoformat(), str(row.id)))
    return KeyPage(items=page, next_cursor=next_cursor)


class DependentOut(msgspec.Struct, frozen=True):
    kind: str
    slug: str
    title: str
    version: int
    status: str
    cited_version: int
    stale: bool  # cites an older version than the current one: its owners should refresh it


class DependentsOut(msgspec.Struct, frozen=True):
    kind: str
    slug: str
    current_version: int | None
    items: list[DependentOut]


MAX_DEPENDENTS = 1000


async def dependents(
    ctx: EntryContext,
    principal: Principal,
    slug: str,
    *,
    as_of: dt.datetime | None = None,
    known_at: dt.datetime | None = None,
) -> DependentsOut:
    """The messages and assets citing this entry, and whether each cites its current version; with `as_of` (and
    `known_at`), those whose version then in effect cited it, against this entry's version then in effect. Expired
    assets are no live dependents: they are not listed."""
    async with ctx.pool.acquire() as conn:
        found = await entries.find_entry(conn, ctx.spec.name, slug)
        rows = await entries.dependents(
            conn, ctx.spec.name, slug, limit=MAX_DEPENDENTS, before=as_of, known_before=known_at
        )
        current = await version_in_effect(conn, found, as_of, known_at)
    items = [
        DependentOut(
            kind=row.kind,
            slug=row.slug,
            title=row.title,
            version=row.version,
            status=row.status,
            cited_version=row.cited_version,
            stale=is_stale(row.cited_version, current),
        )
        for row in rows
        if principal.sees_unreleased() or row.status in RELEASED_STATUSES
    ]
    # `current_version`: the version in effect at the time asked about (now, or `as_of`).
    return DependentsOut(kind=found.kind, slug=found.slug, current_version=current, items=items)
