"""`/v1/events` (the durable change feed) and `/v1/audit` (who did what)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from litestar import get
from litestar.params import QueryParameter

from service.api.deps import Caller, DbPool
from service.api.entries import READS, Cursor, Limit, instant_parameter, parse_instant
from service.domain.cursors import CURSOR_PATTERN
from service.domain.errors import FieldError, Invalid
from service.domain.events import TYPE_PATTERN
from service.usecases import reads


class EventKind(StrEnum):
    """What an event is about: a kind of entry, or a webhook subscription."""

    definition = "definition"
    message = "message"
    asset = "asset"
    webhook = "webhook"


@get(
    "/v1/events",
    responses=READS,
    operation_id="list_events",
    tags=["Events"],
    summary="The change feed: page with ?after=<next_cursor>; never misses an event",
)
async def list_events(
    pool: DbPool,
    principal: Caller,
    after: Annotated[
        str | None,
        QueryParameter(
            description="`next_cursor` of the previous page, or `now` to start at the head.",
            max_length=512,
            schema_extra={"pattern": f"^now$|{CURSOR_PATTERN}"},  # documented; a foreign cursor is 422 in words
        ),
    ] = None,
    type: Annotated[  # the contract names the parameter `type`
        list[str] | None,
        QueryParameter(
            description="Event types, wildcards allowed: `definition.*`.",
            max_items=20,
            schema_extra={"items": {"type": "string", "pattern": TYPE_PATTERN}},
        ),
    ] = None,
    kind: Annotated[
        EventKind | None,
        QueryParameter(description="Only events about this kind of entry (or webhook subscriptions)."),
    ] = None,
    slug: Annotated[
        str | None, QueryParameter(max_length=200, description="Only events about the entry with this slug.")
    ] = None,
    limit: Limit = 100,
) -> reads.EventPage:
    return await reads.event_page(
        pool, principal, after=after, types=type or [], kind=kind and kind.value, slug=slug, limit=limit
    )


@get(
    "/v1/audit",
    responses=READS,
    operation_id="list_audit",
    tags=["Audit"],
    summary="The audit log, newest first (admin)",
)
async def list_audit(
    pool: DbPool,
    principal: Caller,
    actor: Annotated[str | None, QueryParameter(max_length=254, description="A person's or service's subject.")] = None,
    person: Annotated[str | None, QueryParameter(max_length=254, description="The same as `actor`.")] = None,
    kind: Annotated[str | None, QueryParameter(max_length=50)] = None,
    slug: Annotated[str | None, QueryParameter(max_length=200)] = None,
    action: Annotated[str | None, QueryParameter(max_length=100)] = None,
    since: Annotated[str | None, instant_parameter("From this date or time on.")] = None,
    until: Annotated[str | None, instant_parameter("Before this date or time.")] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> reads.AuditPage:
    if actor is not None and person is not None and actor != person:
        raise Invalid("give actor or person, not both", [FieldError("person", "conflicts with actor", "query")])
    return await reads.audit_page(
        pool,
        principal,
        cursor=cursor,
        actor=actor or person,
        kind=kind,
        slug=slug,
        action=action,
        since=parse_instant(since, "since"),
        until=parse_instant(until, "until"),
        limit=limit,
    )
