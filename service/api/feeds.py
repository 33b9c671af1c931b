"""`/v1/events` (the durable change feed) and `/v1/audit` (who did what)."""

from __future__ import annotations

from typing import Annotated

from litestar import get
from litestar.params import QueryParameter

from service.api.deps import Caller, DbPool
from service.api.entries import READS, Cursor, Limit
from service.usecases import reads


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
            description="`next_cursor` of the previous page, or `now` to start at the head.", max_length=512
        ),
    ] = None,
    type: Annotated[  # the contract names the parameter `type`
        list[str] | None, QueryParameter(description="Event types, wildcards allowed: `definition.*`.", max_items=20)
    ] = None,
    limit: Limit = 100,
) -> reads.EventPage:
    return await reads.event_page(pool, after=after, types=type or [], limit=limit)


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
    actor: Annotated[str | None, QueryParameter(max_length=200)] = None,
    kind: Annotated[str | None, QueryParameter(max_length=50)] = None,
    slug: Annotated[str | None, QueryParameter(max_length=200)] = None,
    action: Annotated[str | None, QueryParameter(max_length=100)] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> reads.AuditPage:
    return await reads.audit_page(
        pool, principal, cursor=cursor, actor=actor, kind=kind, slug=slug, action=action, limit=limit
    )
