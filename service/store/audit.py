"""SQL for the audit log: who did what, when, to which versions."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

import msgspec

from service.domain.model import Principal
from service.observability.logging import REQUEST_ID
from service.store.database import Connection


async def record(
    conn: Connection,
    principal: Principal,
    action: str,
    *,
    kind: str | None = None,
    slug: str | None = None,
    entry_id: UUID | None = None,
    from_version: int | None = None,
    to_version: int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append who (the person or service, and the credential used, within which request) did what."""
    await conn.execute(
        """INSERT INTO audit_log (actor, actor_key, action, kind, slug, entry_id, from_version, to_version, detail,
                                  actor_id, actor_type, actor_name, credential, request_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)""",
        principal.subject,
        principal.key_id,
        action,
        kind,
        slug,
        entry_id,
        from_version,
        to_version,
        detail or {},
        principal.id,
        principal.type.value,
        principal.name,
        principal.credential,
        REQUEST_ID.get(),
    )


class AuditRecord(msgspec.Struct, frozen=True):
    id: int
    at: dt.datetime
    actor: str  # the subject of the person or service
    actor_type: str | None
    actor_name: str | None
    credential: str | None  # api_key, oidc, bootstrap, cli or worker
    credential_id: UUID | None  # the API key, when one was used
    request_id: str | None
    action: str
    kind: str | None
    slug: str | None
    from_version: int | None
    to_version: int | None
    detail: dict[str, Any]


async def page(
    conn: Connection,
    *,
    before_id: int | None,
    actor: str | None,
    kind: str | None,
    slug: str | None,
    action: str | None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: int,
) -> list[AuditRecord]:
    """Newest first; `since` inclusive, `until` exclusive."""
    rows = await conn.fetch(
        """SELECT id, at, actor, actor_type, actor_name, credential, actor_key AS credential_id, request_id, action,
                  kind, slug, from_version, to_version, detail FROM audit_log
           WHERE ($1::bigint IS NULL OR id < $1) AND ($2::text IS NULL OR actor = $2)
             AND ($3::text IS NULL OR kind = $3) AND ($4::text IS NULL OR slug = $4)
             AND ($5::text IS NULL OR action = $5)
             AND ($7::timestamptz IS NULL OR at >= $7) AND ($8::timestamptz IS NULL OR at < $8)
           ORDER BY id DESC LIMIT $6""",
        before_id,
        actor,
        kind,
        slug,
        action,
        limit,
        since,
        until,
    )
    return [AuditRecord(**dict(r)) for r in rows]
