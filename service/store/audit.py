"""SQL for the audit log: who did what, when, to which versions."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

import msgspec

from service.domain.model import Principal
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
    await conn.execute(
        """INSERT INTO audit_log (actor, actor_key, action, kind, slug, entry_id, from_version, to_version, detail)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)""",
        principal.name,
        principal.key_id,
        action,
        kind,
        slug,
        entry_id,
        from_version,
        to_version,
        detail or {},
    )


class AuditRecord(msgspec.Struct, frozen=True):
    id: int
    at: dt.datetime
    actor: str
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
    limit: int,
) -> list[AuditRecord]:
    """Newest first."""
    rows = await conn.fetch(
        """SELECT id, at, actor, action, kind, slug, from_version, to_version, detail FROM audit_log
           WHERE ($1::bigint IS NULL OR id < $1) AND ($2::text IS NULL OR actor = $2)
             AND ($3::text IS NULL OR kind = $3) AND ($4::text IS NULL OR slug = $4)
             AND ($5::text IS NULL OR action = $5)
           ORDER BY id DESC LIMIT $6""",
        before_id,
        actor,
        kind,
        slug,
        action,
        limit,
    )
    return [AuditRecord(**dict(r)) for r in rows]
