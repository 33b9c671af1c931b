"""The console's sign-in sessions (migration 0024): one row per signed-in browser, kept by a hash of its id."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

import msgspec

from service.store.database import Connection


class SessionRecord(msgspec.Struct, frozen=True):
    """A session with the person it acts for, as of now (their current role and teams)."""

    key_id: UUID | None  # None: opened by single sign-on, for the person itself
    created_at: dt.datetime
    last_seen_at: dt.datetime
    principal_id: UUID
    type: str
    subject: str
    name: str
    role: str
    teams: list[str]


async def create(
    conn: Connection, id_hash: bytes, now: dt.datetime, *, key_id: UUID | None = None, principal_id: UUID | None = None
) -> None:
    """A session acting through an API key, or (single sign-on) for a person."""
    await conn.execute(
        """INSERT INTO console_sessions (id_hash, key_id, principal_id, created_at, last_seen_at)
           VALUES ($1, $2, $3, $4, $4)""",
        id_hash,
        key_id,
        principal_id,
        now,
    )


async def find(conn: Connection, id_hash: bytes) -> SessionRecord | None:
    """The session with this hash while it may still act: its key not revoked or expired (a key's session), its
    person active (either kind)."""
    row = await conn.fetchrow(
        """SELECT s.key_id, s.created_at, s.last_seen_at, p.id AS principal_id, p.type, p.subject, p.name, p.role,
                  p.teams
           FROM console_sessions s
           LEFT JOIN api_keys k ON k.id = s.key_id
           JOIN principals p ON p.id = coalesce(k.principal_id, s.principal_id)
           WHERE s.id_hash = $1
             AND (s.key_id IS NULL OR (k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())))
             AND p.deactivated_at IS NULL""",
        id_hash,
    )
    return None if row is None else SessionRecord(**dict(row))


async def touch(conn: Connection, id_hash: bytes, now: dt.datetime) -> None:
    await conn.execute(
        "UPDATE console_sessions SET last_seen_at = $2 WHERE id_hash = $1 AND last_seen_at < $2", id_hash, now
    )


async def delete(conn: Connection, id_hash: bytes) -> None:
    await conn.execute("DELETE FROM console_sessions WHERE id_hash = $1", id_hash)


async def delete_ended(conn: Connection, idle_before: dt.datetime, created_before: dt.datetime) -> int:
    """Remove sessions past either timeout; returns how many."""
    status = await conn.execute(
        "DELETE FROM console_sessions WHERE last_seen_at < $1 OR created_at < $2", idle_before, created_before
    )
    return int(status.split()[-1])
