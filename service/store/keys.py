"""SQL for API keys. Only hashes of secrets are stored; every key acts as one principal (a person or a service)."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

import asyncpg
import msgspec

from service.domain.errors import Conflict, NotFound
from service.store.database import Connection


class KeyOwner(msgspec.Struct, frozen=True):
    type: str
    subject: str
    name: str


class KeyRecord(msgspec.Struct, frozen=True):
    """A key as listed: the role and teams are those of the principal it acts as, at the time of reading."""

    id: UUID
    name: str
    prefix: str
    role: str
    teams: list[str]
    principal: KeyOwner
    created_at: dt.datetime
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class ActiveKey(msgspec.Struct, frozen=True):
    """What a presented key resolves to."""

    key_id: UUID
    key_name: str
    principal_id: UUID
    type: str
    subject: str
    name: str
    role: str
    teams: list[str]
    last_used_at: dt.datetime | None


_SELECT = """SELECT k.id, k.name, k.prefix, p.role, p.teams, k.created_at, k.expires_at, k.last_used_at, k.revoked_at,
       p.type AS principal_type, p.subject, p.name AS principal_name
FROM api_keys k JOIN principals p ON p.id = k.principal_id"""


def _record(row: asyncpg.Record) -> KeyRecord:
    return KeyRecord(
        id=row["id"],
        name=row["name"],
        prefix=row["prefix"],
        role=row["role"],
        teams=list(row["teams"]),
        principal=KeyOwner(type=row["principal_type"], subject=row["subject"], name=row["principal_name"]),
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        last_used_at=row["last_used_at"],
        revoked_at=row["revoked_at"],
    )


async def insert(
    conn: Connection,
    *,
    key_id: UUID,
    name: str,
    prefix: str,
    secret_hash: bytes,
    principal_id: UUID,
    role: str,
    team: str | None,
    expires_at: dt.datetime | None,
) -> KeyRecord:
    """`role` and `team` are copies kept for the record; the principal's role and teams are what count."""
    try:
        await conn.execute(
            """INSERT INTO api_keys (id, name, prefix, secret_hash, role, team, principal_id, expires_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""",
            key_id,
            name,
            prefix,
            secret_hash,
            role,
            team,
            principal_id,
            expires_at,
        )
    except asyncpg.UniqueViolationError:
        raise Conflict(f"an API key named {name!r} already exists; key names are unique") from None
    return await get(conn, key_id)


async def get(conn: Connection, key_id: UUID) -> KeyRecord:
    row = await conn.fetchrow(f"{_SELECT} WHERE k.id = $1", key_id)
    if row is None:
        raise NotFound(f"no API key with id {key_id}")
    return _record(row)


async def active_by_hash(conn: Connection, secret_hash: bytes) -> ActiveKey | None:
    """The key with this hash if it may be used now: not revoked, not expired, its principal active."""
    row = await conn.fetchrow(
        """SELECT k.id AS key_id, k.name AS key_name, p.id AS principal_id, p.type, p.subject, p.name, p.role,
                  p.teams, k.last_used_at
           FROM api_keys k JOIN principals p ON p.id = k.principal_id
           WHERE k.secret_hash = $1 AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())
             AND p.deactivated_at IS NULL""",
        secret_hash,
    )
    return None if row is None else ActiveKey(**dict(row))


TOUCH_EVERY = dt.timedelta(minutes=1)


def stale_use(last_used_at: dt.datetime | None) -> bool:
    """Whether `last_used_at` is old enough to be written again: at most once a minute per key, since this runs on
    the request path (each resolution the key cache misses)."""
    return last_used_at is None or last_used_at < dt.datetime.now(dt.UTC) - TOUCH_EVERY


async def touch(conn: Connection, key_id: UUID) -> None:
    """Record that a key was used (the condition keeps concurrent replicas from writing it twice a minute)."""
    await conn.execute(
        """UPDATE api_keys SET last_used_at = now()
           WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')""",
        key_id,
    )


async def page(conn: Connection, *, after: tuple[dt.datetime, UUID] | None, limit: int) -> list[KeyRecord]:
    rows = await conn.fetch(
        f"""{_SELECT}
            WHERE $1::timestamptz IS NULL OR (k.created_at, k.id) > ($1, $2::uuid)
            ORDER BY k.created_at, k.id LIMIT $3""",
        after[0] if after else None,
        after[1] if after else None,
        limit,
    )
    return [_record(r) for r in rows]


async def revoke(conn: Connection, key_id: UUID) -> KeyRecord:
    found = await conn.fetchval(
        "UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING id", key_id
    )
    if found is None:
        raise NotFound(f"no API key with id {key_id}")
    return await get(conn, key_id)
