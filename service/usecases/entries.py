"""Writes to entries and their versions. Each use case is one transaction: lock the entry, apply the domain rule,
write the change, its event and its audit record together, and return the rendered entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from uuid import uuid4

import msgspec

from service.domain import lifecycle
from service.domain import reviews as review_rules
from service.domain.change_summary import summarize
from service.domain.concurrency import check_if_match
from service.domain.diff import changed_fields, changed_values
from service.domain.errors import Conflict, FieldError, Invalid
from service.domain.events import (
    AcknowledgementsDue,
    Approver,
    EntryEventData,
    Review,
    ReviewRequest,
    StaleDependent,
    concerned_teams,
)
from service.domain.kinds import VERSION_FIELDS, KindSpec, Reference, apply_patch
from service.domain.model import Actor, Principal, Role, VersionStatus
from service.domain.operations import ENTRY_SETTINGS, EntryCreate, EntryUpdate, VersionCreate
from service.domain.timeline import in_effect, timeline
from service.store import audit, entries, entry_views, events
from service.store import reviews as review_requests
from service.store import timeline as timelines
from service.store.database import Connection, Pool, transaction
from service.store.entries import EntryRecord, VersionFields
from service.store.view_cache import ViewCache
from service.usecases import citations, staleness

# A published event names at most this many dependents citing an older version; the API lists them all.
STALE_IN_EVENT = 100


@dataclass(frozen=True)
class EntryContext:
    """What every entry use case needs: the pool, the kind, and the public base URL for event links."""

    pool: Pool
    spec: KindSpec
    base_url: str
    views: ViewCache = field(default_factory=ViewCache)  # rendered released views, shared by all kinds
    review_window_seconds: float = 172_800.0  # CANON_REVIEW_WINDOW_SECONDS: an entry may set its own

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
    about: VersionFields | None = None,
    status: VersionStatus | None = None,
    previous: int | None = None,
    changes: list[str] | None = None,
    values: Mapping[str, Mapping[str, object]] | None = None,
    review: Review | None = None,
    stale: list[entries.Dependent] | None = None,
    effective_at: dt.datetime | None = None,
    backdated: bool | None = None,
    summary: str | None = None,
    approvals: list[entries.ApprovalBy] | None = None,
    review_request: ReviewRequest | None = None,
    acknowledgements_due: AcknowledgementsDue | None = None,
) -> None:
    """Append the event and the audit record of a change, in the change's own transaction.

    `about` holds the reviewed fields of the version concerned (default: the version the entry is listed under);
    `changes` names the version's fields that changed (in the event); `values` holds the old and new value of every
    field the step changed, bookkeeping included (in the audit record only).
    """
    shown = about or entry
    event_type = f"{entry.kind}.{action}"
    data = EntryEventData(
        id=entry.id,
        kind=entry.kind,
        slug=entry.slug,
        version=version,
        title=shown.title,
        url=ctx.url(entry.slug, version),
        actor=Actor.of(principal),
        previous_version=previous,
        status=status,
        changes=changes or [],
        tags=shown.tags,
        review=review,
        stale_dependents=[StaleDependent(d.kind, d.slug, d.cited_version) for d in stale] if stale else None,
        effective_at=effective_at,
        backdated=backdated,
        summary=summary,
        approvals=[Approver(a.team, a.approver, a.name) for a in approvals] if approvals else None,
        teams=_teams_of(shown),
        review_request=review_request,
        acknowledgements_due=acknowledgements_due,
    )
    await events.append(
        conn, event_type=event_type, kind=entry.kind, entry_id=entry.id, slug=entry.slug, version=version, data=data
    )
    detail: dict[str, Any] = {"changes": values} if values else {}
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


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


async def create(ctx: EntryContext, principal: Principal, data: EntryCreate) -> entry_views.EntryView:
    lifecycle.require_role(principal, Role.editor)
    fields = VersionFields(
        title=data.title,
        tags=_unique(data.tags),
        owners=_unique(data.owners),
        required_teams=_unique(data.owners if data.required_teams is None else data.required_teams),
        acknowledge_teams=_unique(data.acknowledge_teams),
    )
    async with ctx.writing(data.slug) as conn:
        content = await _prepared_content(conn, ctx, data.slug, data.content, "/content")
        entry = await entries.insert_entry(
            conn,
            entry_id=uuid4(),
            kind=ctx.spec.name,
            slug=data.slug,
            title=fields.title,
            tags=fields.tags,
            owners=fields.owners,
            required_teams=fields.required_teams,
            created_by=principal.subject,
        )
        await entries.insert_version(
            conn,
            entry_id=entry.id,
            number=1,
            fields=fields,
            content=content,
            author=principal.subject,
            author_key=principal.key_id,
            author_id=principal.id,
            based_on=None,
        )
        values = changed_values({}, entries.reviewed(fields, content))
        await log_change(conn, ctx, principal, entry, "created", version=1, status=VersionStatus.draft, values=values)
        return await _render(conn, ctx, entry.slug, 1)


async def update(
    ctx: EntryContext, principal: Principal, slug: str, if_match: str | None, data: EntryUpdate
) -> entry_views.EntryView:
    """An entry's own settings (its review window). Nothing it says or who signs it off is edited in place: that is
    in its versions."""
    lifecycle.require_role(principal, Role.editor)
    refused = [
        name
        for name in data.__struct_fields__
        if name not in ENTRY_SETTINGS and getattr(data, name) is not msgspec.UNSET
    ]
    if refused:
        path = f"{ctx.spec.path}/{slug}/versions"
        raise Invalid(
            f"{', '.join(refused)} {'is' if len(refused) == 1 else 'are'} reviewed with each version: "
            f"start a new version (POST {path}) or edit the open draft, then submit it for approval",
            [FieldError(f"/{name}", f"changes only through a new version (POST {path})") for name in refused],
        )
    async with ctx.writing(slug) as conn:
        entry = await entries.lock_entry(conn, ctx.spec.name, slug)
        check_if_match(if_match, entry.revision, required=True)
        window = data.review_window_seconds
        if window is not msgspec.UNSET:
            review_rules.check_review_window_change(principal, entry.owners)
        if window is not msgspec.UNSET and window != entry.review_window_seconds:
            values = {"review_window_seconds": {"old": entry.review_window_seconds, "new": window}}
            entry = await entries.update_entry(conn, entry.id, review_window_seconds=window)
            await log_change(
                conn,
                ctx,
                principal,
                entry,
                "updated",
                version=entry.current_version,
                changes=["review_window_seconds"],
                values=values,
            )
        return await _render_current(conn, ctx, entry)


async def _render_current(conn: Connection, ctx: EntryContext, entry: EntryRecord) -> entry_views.EntryView:
    number = entry.current_version or entry.latest_version
    return await _render(conn, ctx, entry.slug, number)


def _given_fields(data: VersionCreate, source: VersionFields) -> VersionFields:
    """The reviewed fields a request names, the others as in `source`."""
    return VersionFields(
        title=source.title if data.title is None else data.title,
        tags=source.tags if data.tags is None else _unique(data.tags),
        owners=source.owners if data.owners is None else _unique(data.owners),
        required_teams=source.required_teams if data.required_teams is None else _unique(data.required_teams),
        acknowledge_teams=(
            source.acknowledge_teams if data.acknowledge_teams is None else _unique(data.acknowledge_teams)
        ),
    )


async def new_version(
    ctx: EntryContext, principal: Principal, slug: str, if_match: str | None, data: VersionCreate
) -> entry_views.EntryView:
    """A new draft: a copy of `from_version` (rollback), the given content, or a copy of the current version;
    title, tags, owners and required teams as given, else as in the version it is based on."""
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
        source = await entries.get_version(conn, entry, base or entry.current_version or entry.latest_version)
        if data.content is not None:
            content = await _prepared_content(conn, ctx, slug, data.content, "/content")
        else:
            content = source.content
        fields = _given_fields(data, source.fields)
        number = entry.latest_version + 1
        await entries.insert_version(
            conn,
            entry_id=entry.id,
            number=number,
            fields=fields,
            content=content,
            author=principal.subject,
            author_key=principal.key_id,
            author_id=principal.id,
            based_on=base,
        )
        entry = await entries.update_entry(conn, entry.id, latest_version=number)
        values = changed_values(source.reviewed, entries.reviewed(fields, content))
        await log_change(
            conn,
            ctx,
            principal,
            entry,
            "draft_updated",
            version=number,
            about=fields,
            status=VersionStatus.draft,
            previous=base,
            values=values,
        )
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
        fields = msgspec.structs.replace(
            version.fields,
            **{
                name: _unique(value) if isinstance(value, list) else value
                for name in VERSION_FIELDS
                if (value := getattr(patch, name)) is not msgspec.UNSET
            },
        )
        values = changed_values(version.reviewed, entries.reviewed(fields, content))
        if values:
            await entries.set_draft(conn, entry.id, number, fields=fields, content=content, editor_id=principal.id)
            entry = await entries.update_entry(conn, entry.id)
            await log_change(
                conn,
                ctx,
                principal,
                entry,
                "draft_updated",
                version=number,
                about=fields,
                status=VersionStatus.draft,
                changes=sorted(values),
                values=values,
            )
        return await _render(conn, ctx, slug, number)


async def _in_effect(conn: Connection, entry: EntryRecord) -> entries.VersionRecord | None:
    """The version in effect now, whose teams are in charge of the entry."""
    return None if entry.current_version is None else await entries.get_version(conn, entry, entry.current_version)


async def submit(
    ctx: EntryContext, principal: Principal, slug: str, number: int, if_match: str | None
) -> entry_views.EntryView:
    lifecycle.require_role(principal, Role.editor)
    async with ctx.writing(slug) as conn:
        entry = await entries.lock_entry(conn, ctx.spec.name, slug)
        check_if_match(if_match, entry.revision, required=False)
        version = await entries.get_version(conn, entry, number)
        lifecycle.check_submit(version.status, number, ctx.spec.unpublishable(version.content))
        in_effect = await _in_effect(conn, entry)
        teams = lifecycle.review_teams(version.required_teams, in_effect.required_teams if in_effect else None)
        status = lifecycle.review_status(teams, ())
        await entries.set_review_teams(conn, entry.id, number, teams)
        await entries.set_status(conn, entry.id, number, status)
        entry = await entries.update_entry(conn, entry.id)
        values: dict[str, dict[str, object]] = {
            "status": {"old": version.status, "new": status},
            "review_teams": {"old": None, "new": teams},
        }
        await log_change(
            conn,
            ctx,
            principal,
            entry,
            "submitted",
            version=number,
            about=msgspec.structs.replace(version, review_teams=teams),
            status=status,
            values=values,
            summary=summary_of(in_effect, version),
        )
        await _request_reviews(conn, ctx, principal, entry, version, in_effect, teams, status)
        return await _render(conn, ctx, slug, number)


async def _request_reviews(
    conn: Connection,
    ctx: EntryContext,
    principal: Principal,
    entry: EntryRecord,
    version: entries.VersionRecord,
    in_effect: entries.VersionRecord | None,
    teams: list[str],
    status: VersionStatus,
) -> None:
    """Put the version in each review team's queue, and tell each team: one `review_requested` event per team."""
    requested_at = await review_requests.request(conn, entry.id, version.number, teams, Actor.of(principal))
    window = review_rules.review_window(entry.review_window_seconds, ctx.review_window_seconds)
    changes = _changes_since(in_effect, version)
    summary = summary_of(in_effect, version)
    for team in teams:
        request = ReviewRequest(team=team, pending_teams=teams, requested_at=requested_at, due_at=requested_at + window)
        await log_change(
            conn,
            ctx,
            principal,
            entry,
            "review_requested",
            version=version.number,
            about=version,
            status=status,
            changes=changes,
            summary=summary,
            review_request=request,
        )


async def approve(
    ctx: EntryContext,
    principal: Principal,
    slug: str,
    number: int,
    if_match: str | None,
    comment: str | None,
    team: str | None = None,
) -> entry_views.EntryView:
    async with ctx.writing(slug) as conn:
        entry = await entries.lock_entry(conn, ctx.spec.name, slug)
        check_if_match(if_match, entry.revision, required=False)
        version = await entries.get_version(conn, entry, number)
        given = await entries.approvals(conn, entry.id, number)
        review_teams = version.review_teams or []
        team = lifecycle.check_approval(
            principal=principal,
            status=version.status,
            number=number,
            contributors=version.contributors,
            review_teams=review_teams,
            approvals=given,
            team=team,
        )
        await entries.add_approval(
            conn,
            entry.id,
            number,
            team=team,
            approver=principal.subject,
            approver_id=principal.id,
            key=principal.key_id,
            comment=comment,
        )
        await review_requests.close(conn, entry.id, number, team)
        approved = [*(a.team for a in given), team]
        status = lifecycle.review_status(review_teams, approved)
        await entries.set_status(conn, entry.id, number, status)
        entry = await entries.update_entry(conn, entry.id)
        missing = lifecycle.missing_approvals(review_teams, approved)
        review = Review(outcome="approved", by=principal.subject, team=team, comment=comment, missing_teams=missing)
        values = {"status": {"old": version.status, "new": status}} if status != version.status else None
        await log_change(
            conn,
            ctx,
            principal,
            entry,
            "approved",
            version=number,
            about=version,
            status=status,
            review=review,
            values=values,
            summary=summary_of(await _in_effect(conn, entry), version),
        )
        return await _render(conn, ctx, slug, number)


async def reject(
    ctx: EntryContext, principal: Principal, slug: str, number: int, if_match: str | None, comment: str
) -> entry_views.EntryView:
    """Send a version in review back to draft with the reviewer's comment; its approvals are withdrawn."""
    async with ctx.writing(slug) as conn:
        entry = await entries.lock_entry(conn, ctx.spec.name, slug)
        check_if_match(if_match, entry.revision, required=False)
        version = await entries.get_version(conn, entry, number)
        review_teams = version.review_teams or []
        lifecycle.check_reject(principal, version.status, number, review_teams)
        await entries.clear_approvals(conn, entry.id, number)
        await review_requests.withdraw(conn, entry.id, number)
        await entries.set_status(conn, entry.id, number, VersionStatus.draft, review_comment=comment)
        await entries.set_review_teams(conn, entry.id, number, None)
        entry = await entries.update_entry(conn, entry.id)
        team = next((t for t in principal.teams if t in review_teams), None)
        review = Review(outcome="rejected", by=principal.subject, team=team, comment=comment)
        values = {"status": {"old": version.status, "new": VersionStatus.draft}}
        await log_change(
            conn,
            ctx,
            principal,
            entry,
            "rejected",
            version=number,
            about=version,
            status=VersionStatus.draft,
            review=review,
            values=values,
            summary=summary_of(await _in_effect(conn, entry), version),
        )
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
        in_effect = await _in_effect(conn, entry)
        lifecycle.check_publish(
            principal=principal,
            status=version.status,
            number=number,
            review_teams=version.review_teams or [],
            approved_teams=await entries.approved_teams(conn, entry.id, number),
            owners_in_charge=(in_effect or version).owners,
        )
        blocker = ctx.spec.unpublishable(version.content)
        if blocker is not None:
            raise Conflict(f"version {number} cannot be published yet: {blocker}")
        previous = entry.current_version
        changes = _changes_since(in_effect, version)
        effective_at = await entries.mark_published(conn, entry.id, number, _effective_date(ctx, version.content))
        entry = await settle(conn, entry)
        values: dict[str, dict[str, object]] = {
            "status": {"old": version.status, "new": VersionStatus.published},
            "effective_from": {"old": None, "new": effective_at},
            "current_version": {"old": previous, "new": entry.current_version},
        }
        await log_change(
            conn,
            ctx,
            principal,
            entry,
            "published",
            version=number,
            about=version,
            status=VersionStatus.published,
            previous=previous,
            changes=changes,
            values=values,
            stale=await _stale_dependents(conn, entry, number) if entry.current_version == number else None,
            effective_at=effective_at,
            summary=summary_of(in_effect, version),
            approvals=await entries.approvals_by(conn, entry.id, number),
        )
        if entry.current_version != previous:
            await log_taking_effect(conn, ctx, principal, entry, previous)
        else:  # scheduled: what entries citing it read as of a later date changes (their ETags must too)
            await staleness.touch_citers(conn, ctx, entry)
        return await _render(conn, ctx, slug, number)


async def settle(conn: Connection, entry: EntryRecord) -> EntryRecord:
    """Bring the entry's versions in step with its timeline now: which one is current, which are scheduled, which
    are done with (`service/domain/timeline.py`). Bumps the entry's revision."""
    line = timeline(await timelines.released(conn, entry.id), await timelines.now(conn))
    await timelines.apply(conn, entry.id, line)
    return await entries.update_entry(conn, entry.id, current_version=line.current)


# A parsed `as_of` or `known_at` names the moment just after the instant asked for (`parse_as_of`): step back.
_JUST_BEFORE = dt.timedelta(microseconds=1)


async def version_in_effect(
    conn: Connection, entry: EntryRecord, as_of: dt.datetime | None, known_at: dt.datetime | None
) -> int | None:
    """The number of the version in effect at `as_of` (default: now) as recorded at `known_at` (default: all).
    Now, with everything recorded, that is the current version the timeline keeps on the entry."""
    if as_of is None and known_at is None:
        return entry.current_version
    moment = as_of - _JUST_BEFORE if as_of is not None else await timelines.now(conn)
    recorded_by = None if known_at is None else known_at - _JUST_BEFORE
    chosen = in_effect(await timelines.released(conn, entry.id), moment, recorded_by)
    return None if chosen is None else chosen.number


async def _stale_dependents(conn: Connection, entry: EntryRecord, number: int) -> list[entries.Dependent]:
    """Messages and assets left citing a version older than `number`."""
    found = await entries.dependents(conn, entry.kind, entry.slug, limit=STALE_IN_EVENT)
    return [d for d in found if d.cited_version < number]


async def log_taking_effect(
    conn: Connection, ctx: EntryContext, principal: Principal, entry: EntryRecord, previous: int | None
) -> None:
    """`<kind>.effective`: the version in effect changed (at its publication, or later when it was scheduled); then
    the entries citing it follow (`staleness.follow_new_version`: `citation_stale` for those it left behind)."""
    if entry.current_version is None:
        return
    version = await entries.get_version(conn, entry, entry.current_version)
    # A current version is released: it has both instants.
    assert version.effective_from is not None
    assert version.published_at is not None
    replaced = None if previous is None else await entries.get_version(conn, entry, previous)
    await log_change(
        conn,
        ctx,
        principal,
        entry,
        "effective",
        version=version.number,
        about=version,
        status=VersionStatus.published,
        previous=previous,
        values={"current_version": {"old": previous, "new": version.number}},
        stale=await _stale_dependents(conn, entry, version.number),
        effective_at=version.effective_from,
        backdated=version.effective_from < version.published_at or None,
        summary=summary_of(replaced, version),
    )
    await staleness.follow_new_version(conn, ctx, principal, entry, previous)


def _teams_of(shown: VersionFields | EntryRecord) -> list[str]:
    """The teams an event about `shown` (a version, or the entry as listed) concerns: its owners, its required teams,
    the teams reviewing it once submitted, and the teams asked to acknowledge it."""
    review = shown.review_teams if isinstance(shown, entries.VersionRecord) else None
    acknowledge = shown.acknowledge_teams if isinstance(shown, VersionFields) else None
    return concerned_teams(shown.owners, shown.required_teams, review, acknowledge)


def summary_of(previous: entries.VersionRecord | None, version: entries.VersionRecord) -> str:
    """How `version` differs from `previous` (the version in effect, or None: "first version"), in one line: the
    `summary` of published, effective and review events."""
    return summarize(None if previous is None else previous.reviewed, version.reviewed).summary


def _changes_since(previous: entries.VersionRecord | None, version: entries.VersionRecord) -> list[str]:
    """The fields, reviewed and content, in which `version` differs from the one it replaces."""
    return sorted(version.reviewed) if previous is None else changed_fields(previous.reviewed, version.reviewed)


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
        retired_at = dt.datetime.now(dt.UTC) if retire else None
        values = {"retired_at": {"old": entry.retired_at, "new": retired_at}}
        entry = await entries.update_entry(conn, entry.id, retired_at=retired_at)
        action = "retired" if retire else "restored"
        await log_change(conn, ctx, principal, entry, action, version=entry.current_version, values=values)
        return await _render_current(conn, ctx, entry)
