"""SQL for API keys. Only hashes of secrets are stored."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

import msgspec

from service.domain.errors import NotFound
from service.store.database import Connection


class KeyRecord(msgspec.Struct, frozen=True):
    id: UUID
    name: str
    prefix: str
    role: str
    team: str | None
    created_at: dt.datetime
    revoked_at: dt.datetime | None


_COLUMNS = "id, name, prefix, role, team, created_at, revoked_at"


async def insert(
    conn: Connection, *, key_id: UUID, name: str, prefix: str, secret_hash: bytes, role: str, team: str | None
) -> KeyRecord:
    row = await conn.fetchrow(
        f"""INSERT INTO api_keys (id, name, prefix, secret_hash, role, team) VALUES ($1, $2, $3, $4, $5, $6)
            RETURNING {_COLUMNS}""",
        key_id,
        name,
        prefix,
        secret_hash,
        role,
        team,
    )
    assert row is not None
    return KeyRecord(**dict(row))


async def by_hash(conn: Connection, secret_hash: bytes) -> KeyRecord | None:
    row = await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM api_keys WHERE secret_hash = $1 AND revoked_at IS NULL", secret_hash
    )
    return None if row is None else KeyRecord(**dict(row))


async def page(conn: Connection, *, after: tuple[dt.datetime, UUID] | None, limit: int) -> list[KeyRecord]:
    rows = await conn.fetch(
        f"""SELECT {_COLUMNS} FROM api_keys
            WHERE $1::timestamptz IS NULL OR (created_at, id) > ($1, $2::uuid)
            ORDER BY created_at, id LIMIT $3""",
        after[0] if after else None,
        after[1] if after else None,
        limit,
    )
    return [KeyRecord(**dict(r)) for r in rows]


async def revoke(conn: Connection, key_id: UUID) -> KeyRecord:
    row = await conn.fetchrow(
        f"UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING {_COLUMNS}", key_id
    )
    if row is None:
        raise NotFound(f"no API key with id {key_id}")
    return KeyRecord(**dict(row))
