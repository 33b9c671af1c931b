"""Writes to entries and their versions. Each use case is one transaction: lock the entry, apply the domain rule,
write the change, its event and its audit record together, and return the rendered entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from uuid import uuid4

import msgspec

from service.domain import lifecycle
from service.domain.concurrency import check_if_match
from service.domain.diff import changed_fields
from service.domain.errors import Conflict, FieldError, Invalid
from service.domain.events import EntryEventData, Review, StaleDependent
from service.domain.kinds import KindSpec, Reference, apply_patch
from service.domain.model import Principal, Role
from service.domain.operations import EntryUpdate
from service.store import audit, entries, entry_views, events
from service.store.database import Connection, Pool, transaction
from service.store.entries import EntryRecord
from service.store.view_cache import ViewCache
from service.usecases import citations

# A published event names at most this many dependents citing an older version; the API lists them all.
STALE_IN_EVENT = 100


@dataclass(frozen=True)
class EntryContext:
    """What every entry use case needs: the pool, the kind, and the public base URL for event links."""

    pool: Pool
    spec: KindSpec
    base_url: str
    views: ViewCache = field(default_factory=ViewCache)  # rendered released views, shared by all kinds

    @asynccontextmanager
    async def writing(self, slug: str) -> AsyncIterator[Connection]:
        """A transaction that changes entry `slug`; once it commits, this process's cached views of it are dropped
        at once (other processes hear of it through PostgreSQL's notification)."""
        async with transaction(self.pool) as conn:
            yield conn
        self.views.invalidate(self.spec.name, slug)

    def url(self, slug: str, version: int | None) -> str:
        suffix = "" if version is None else f"?version={version}"
        return f"{self.base_url}{self.spec.path}/{slug}{suffix}"


async def _prepared_content(
    conn: Connection, ctx: EntryContext, slug: str, given: msgspec.Struct, pointer: str
) -> dict[str, Any]:
    """The content as stored: validated, in the kind's content Struct, with citations pinned to versions."""
    spec = ctx.spec
    content = (
        given
        if isinstance(given, spec.content_type)
        else msgspec.convert(msgspec.to_builtins(given), spec.content_type)
    )
    errors = spec.validate(content, pointer)
    if errors:
        raise Invalid(f"the {spec.name} content is invalid", errors)
    if spec.cites:
        cited: list[Reference] = getattr(content, "references")  # noqa: B009  # every citing kind has the field
        references = await citations.resolve(conn, (spec.name, slug), cited, f"{pointer}/references")
        content = msgspec.structs.replace(content, references=references)
    builtins: dict[str, Any] = msgspec.to_builtins(content)
    return builtins


async def log_change(
    conn: Connection,
    ctx: EntryContext,
    principal: Principal,
    entry: EntryRecord,
    action: str,
    *,
    version: int | None,
    status: str | None = None,
    previous: int | None = None,
    changes: list[str] | None = None,
    review: Review | None = None,
    stale: list[entries.Dependent] | None = None,
) -> None:
    """Append the event and the audit record of a change, in the change's own transaction."""
    event_type = f"{entry.kind}.{action}"
    data = EntryEventData(
        id=entry.id,
        kind=entry.kind,
        slug=entry.slug,
        version=version,
        title=entry.title,
        url=ctx.url(entry.slug, version),
        actor=principal.name,
        previous_version=previous,
        status=status,
        changes=changes or [],
        tags=entry.tags,
        review=review,
        stale_dependents=[StaleDependent(d.kind, d.slug, d.cited_version) for d in stale] if stale else None,
    )
    await events.append(
        conn, event_type=event_type, kind=entry.kind, entry_id=entry.id, slug=entry.slug, version=version, data=data
    )
    detail: dict[str, Any] = {"changes": changes} if changes else {}
    if review is not None:
        detail["review"] = msgspec.to_builtins(review)
    await audit.record(
        conn,
        principal,
        event_type,
        kind=entry.kind,
        slug=entry.slug,
        entry_id=entry.id,
        from_version=previous,
        to_version=version,
        detail=detail,
    )


async def _render(conn: Connection, ctx: EntryContext, slug: str, version: int) -> entry_views.EntryView:
    return await entry_views.entry_view(conn, ctx.spec.name, slug, version=version, released_only=False)


async def create(ctx: EntryContext, principal: Principal, data: Any) -> entry_views.EntryView:
    lifecycle.require_role(principal, Role.editor)
    required = data.owners if data.required_teams is None else data.required_teams
    async with ctx.writing(data.slug) as conn:
        content = await _prepared_content(conn, ctx, data.slug, data.content, "/content")
        entry = await entries.insert_entry(
            conn,
            entry_id=uuid4(),
            kind=ctx.spec.name,
            slug=data.slug,
            title=data.title,
            tags=_unique(data.tags),
            owners=_unique(data.owners),
            required_teams=_unique(required),
            created_by=principal.name,
        )
        await entries.insert_version(
            conn,
            entry_id=entry.id,
            number=1,
            content=content,
            author=principal.name,
            author_key=principal.key_id,
            based_on=None,
        )
        await log_change(conn, ctx, principal, entry, "created", version=1, status="draft")
        return await _render(conn, ctx, entry.slug, 1)


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


async def update(
    ctx: EntryContext, principal: Principal, slug: str, if_match: str | None, data: EntryUpdate
) -> entry_views.EntryView:
    lifecycle.require_role(principal, Role.editor)
    async with ctx.writing(slug) as conn:
        entry = await entries.lock_entry(conn, ctx.spec.name, slug)
        check_if_match(if_match, entry.revision, required=True)
        fields = {
            name: _unique(value) if isinstance(value, list) else value
            for name in data.__struct_fields__
            if (value := getattr(data, name)) is not msgspec.UNSET and value != getattr(entry, name)
        }
        if not fields:
            return await _render_current(conn, ctx, entry)
        entry = await entries.update_entry(conn, entry.id, **fields)
        open_version = await entries.open_version(conn, entry.id)
        if open_version is not None and open_version.status in ("in_review", "approved"):
            # Changing who must approve can complete or reopen a review already under way.
            teams = await entries.approved_teams(conn, entry.id, open_version.number)
            await entries.set_status(
                conn, entry.id, open_version.number, lifecycle.review_status(entry.required_teams, teams)
            )
        await log_change(conn, ctx, principal, entry, "updated", version=entry.current_version, changes=sorted(fields))
        return await _render_current(conn, ctx, entry)


async def _render_current(conn: Connection, ctx: EntryContext, entry: EntryRecord) -> entry_views.EntryView:
    number = entry.current_version or entry.latest_version
    return await _render(conn, ctx, entry.slug, number)


async def new_version(
    ctx: EntryContext, principal: Principal, slug: str, if_match: str | None, data: Any
) -> entry_views.EntryView:
    """A new draft: a copy of `from_version` (rollback), the given content, or a copy of the current version."""
    lifecycle.require_role(principal, Role.editor)
    if data.from_version is not None and data.content is not None:
        raise Invalid(
            "give either from_version or content, not both", [FieldError("/content", "conflicts with from_version")]
        )
    async with ctx.writing(slug) as conn:
        entry = await entries.lock_entry(conn, ctx.spec.name, slug)
        check_if_match(if_match, entry.revision, required=False)
        current = await entries.open_version(conn, entry.id)
        lifecycle.check_new_version(None if current is None else current.number, slug)
        base = data.from_version or (None if data.content is not None else entry.current_version)
        if data.content is not None:
            content = await _prepared_content(conn, ctx, slug, data.content, "/content")
        else:
            source = await entries.get_version(conn, entry, base or entry.latest_version)
            content = source.content
        number = entry.latest_version + 1
        await entries.insert_version(
            conn,
            entry_id=entry.id,
            number=number,
            content=content,
            author=principal.name,
            author_key=principal.key_id,
            based_on=base,
        )
        entry = await entries.update_entry(conn, entry.id, latest_version=number)
        await log_change(conn, ctx, principal, entry, "draft_updated", version=number, status="draft", previous=base)
        return await _render(conn, ctx, slug, number)


async def edit_draft(
    ctx: EntryContext, principal: Principal, slug: str, number: int, if_match: str | None, patch: msgspec.Struct
) -> entry_views.EntryView:
    lifecycle.require_role(principal, Role.editor)
    async with ctx.writing(slug) as conn:
        entry = await entries.lock_entry(conn, ctx.spec.name, slug)
        check_if_match(if_match, entry.revision, required=True)
        version = await entries.get_version(conn, entry, number)
        lifecycle.ensure_editable(version.status, number)
        before = msgspec.convert(version.content, ctx.spec.content_type)
        content = await _prepared_content(conn, ctx, slug, apply_patch(before, patch), "")
        changes = changed_fields(version.content, content)
        if changes:
            await entries.set_content(conn, entry.id, number, content)
            entry = await entries.update_entry(conn, entry.id)
            await log_change(
                conn, ctx, principal, entry, "draft_updated", version=number, status="draft", changes=changes
            )
        return await _render(conn, ctx, slug, number)


async def submit(
    ctx: EntryContext, principal: Principal, slug: str, number: int, if_match: str | None
) -> entry_views.EntryView:
    lifecycle.require_role(principal, Role.editor)
    async with ctx.writing(slug) as conn:
        entry = await entries.lock_entry(conn, ctx.spec.name, slug)
        check_if_match(if_match, entry.revision, required=False)
        version = await entries.get_version(conn, entry, number)
        status = lifecycle.status_after_submit(version.status, number, entry.required_teams)
        await entries.set_status(conn, entry.id, number, status)
        entry = await entries.update_entry(conn, entry.id)
        await log_change(conn, ctx, principal, entry, "submitted", version=number, status=status)
        return await _render(conn, ctx, slug, number)


async def approve(
    ctx: EntryContext, principal: Principal, slug: str, number: int, if_match: str | None, comment: str | None
) -> entry_views.EntryView:
    async with ctx.writing(slug) as conn:
        entry = await entries.lock_entry(conn, ctx.spec.name, slug)
        check_if_match(if_match, entry.revision, required=False)
        version = await entries.get_version(conn, entry, number)
        teams = await entries.approved_teams(conn, entry.id, number)
        team = lifecycle.check_approval(
            principal=principal,
            status=version.status,
            number=number,
            is_author=_is_author(principal, version),
            required_teams=entry.required_teams,
            approved_teams=teams,
        )
        await entries.add_approval(
            conn, entry.id, number, team=team, approver=principal.name, key=principal.key_id, comment=comment
        )
        status = lifecycle.review_status(entry.required_teams, [*teams, team])
        await entries.set_status(conn, entry.id, number, status)
        entry = await entries.update_entry(conn, entry.id)
        missing = lifecycle.missing_approvals(entry.required_teams, [*teams, team])
        review = Review(outcome="approved", by=principal.name, team=team, comment=comment, missing_teams=missing)
        await log_change(conn, ctx, principal, entry, "approved", version=number, status=status, review=review)
        return await _render(conn, ctx, slug, number)


def _is_author(principal: Principal, version: entries.VersionRecord) -> bool:
    if principal.key_id is not None and version.author_key is not None:
        return principal.key_id == version.author_key
    return principal.name == version.author


async def reject(
    ctx: EntryContext, principal: Principal, slug: str, number: int, if_match: str | None, comment: str
) -> entry_views.EntryView:
    """Send a version in review back to draft with the reviewer's comment; its approvals are withdrawn."""
    async with ctx.writing(slug) as conn:
        entry = await entries.lock_entry(conn, ctx.spec.name, slug)
        check_if_match(if_match, entry.revision, required=False)
        version = await entries.get_version(conn, entry, number)
        lifecycle.check_reject(principal, version.status, number, entry.required_teams)
        await entries.clear_approvals(conn, entry.id, number)
        await entries.set_status(conn, entry.id, number, "draft", review_comment=comment)
        entry = await entries.update_entry(conn, entry.id)
        review = Review(outcome="rejected", by=principal.name, team=principal.team, comment=comment)
        await log_change(conn, ctx, principal, entry, "draft_updated", version=number, status="draft", review=review)
        return await _render(conn, ctx, slug, number)


async def publish(
    ctx: EntryContext, principal: Principal, slug: str, number: int, if_match: str | None
) -> entry_views.EntryView:
    lifecycle.require_role(principal, Role.editor)
    async with ctx.writing(slug) as conn:
        entry = await entries.lock_entry(conn, ctx.spec.name, slug)
        check_if_match(if_match, entry.revision, required=False)
        if entry.retired:
            raise Conflict(f"{slug!r} is retired; restore it before publishing")
        version = await entries.get_version(conn, entry, number)
        lifecycle.check_publish(
            version.status, number, entry.required_teams, await entries.approved_teams(conn, entry.id, number)
        )
        blocker = ctx.spec.unpublishable(version.content)
        if blocker is not None:
            raise Conflict(f"version {number} cannot be published yet: {blocker}")
        previous = entry.current_version
        changes = await _changes_since(conn, entry, previous, version)
        entry = await entries.publish(conn, entry, number, _effective_date(ctx, version.content))
        stale = [
            d
            for d in await entries.dependents(conn, entry.kind, slug, limit=STALE_IN_EVENT)
            if d.cited_version < number
        ]
        await log_change(
            conn,
            ctx,
            principal,
            entry,
            "published",
            version=number,
            status="published",
            previous=previous,
            changes=changes,
            stale=stale,
        )
        return await _render(conn, ctx, slug, number)


async def _changes_since(
    conn: Connection, entry: EntryRecord, previous: int | None, version: entries.VersionRecord
) -> list[str]:
    if previous is None:
        return sorted(version.content)
    before = await entries.get_version(conn, entry, previous)
    return changed_fields(before.content, version.content)


def _effective_date(ctx: EntryContext, content: dict[str, Any]) -> dt.date | None:
    field = ctx.spec.effective_date_field
    raw = content.get(field) if field else None
    return dt.date.fromisoformat(raw) if isinstance(raw, str) else None


async def retire(ctx: EntryContext, principal: Principal, slug: str, if_match: str | None) -> entry_views.EntryView:
    return await _set_retired(ctx, principal, slug, if_match, retire=True)


async def restore(ctx: EntryContext, principal: Principal, slug: str, if_match: str | None) -> entry_views.EntryView:
    return await _set_retired(ctx, principal, slug, if_match, retire=False)


async def _set_retired(
    ctx: EntryContext, principal: Principal, slug: str, if_match: str | None, *, retire: bool
) -> entry_views.EntryView:
    lifecycle.require_role(principal, Role.admin)
    async with ctx.writing(slug) as conn:
        entry = await entries.lock_entry(conn, ctx.spec.name, slug)
        check_if_match(if_match, entry.revision, required=False)
        if retire:
            lifecycle.check_retire(entry.retired, slug)
        else:
            lifecycle.check_restore(entry.retired, slug)
        entry = await entries.update_entry(conn, entry.id, retired_at=dt.datetime.now(dt.UTC) if retire else None)
        action = "retired" if retire else "restored"
        await log_change(conn, ctx, principal, entry, action, version=entry.current_version)
        return await _render_current(conn, ctx, entry)
