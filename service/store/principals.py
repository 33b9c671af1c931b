"""SQL for principals: the people and services that credentials act as."""

from __future__ import annotations

import datetime as dt
from uuid import UUID, uuid4

import asyncpg
import msgspec

from service.domain.errors import Conflict, NotFound
from service.store.database import Connection


class PrincipalRecord(msgspec.Struct, frozen=True):
    id: UUID
    type: str
    subject: str
    name: str
    role: str
    teams: list[str]
    created_at: dt.datetime
    updated_at: dt.datetime
    deactivated_at: dt.datetime | None


_COLUMNS = "id, type, subject, name, role, teams, created_at, updated_at, deactivated_at"


def _record(row: asyncpg.Record) -> PrincipalRecord:
    return PrincipalRecord(**dict(row))


async def insert(
    conn: Connection, *, principal_id: UUID, type: str, subject: str, name: str, role: str, teams: list[str]
) -> PrincipalRecord:
    try:
        row = await conn.fetchrow(
            f"""INSERT INTO principals (id, type, subject, name, role, teams) VALUES ($1, $2, $3, $4, $5, $6)
                RETURNING {_COLUMNS}""",
            principal_id,
            type,
            subject,
            name,
            role,
            teams,
        )
    except asyncpg.UniqueViolationError:
        raise Conflict(f"{subject!r} already exists") from None
    assert row is not None
    return _record(row)


async def by_subject(conn: Connection, subject: str, *, lock: bool = False) -> PrincipalRecord:
    row = await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM principals WHERE subject = $1{' FOR UPDATE' if lock else ''}", subject
    )
    if row is None:
        raise NotFound(f"no person or service {subject!r}")
    return _record(row)


async def find(conn: Connection, subject: str) -> PrincipalRecord | None:
    row = await conn.fetchrow(f"SELECT {_COLUMNS} FROM principals WHERE subject = $1", subject)
    return None if row is None else _record(row)


async def update(conn: Connection, principal_id: UUID, **fields: object) -> PrincipalRecord:
    """Set the given columns (`name`, `role`, `teams`, `deactivated_at`, ...) and return the row."""
    assignments = [f"{name} = ${index}" for index, name in enumerate(fields, start=2)]
    row = await conn.fetchrow(
        f"UPDATE principals SET {', '.join([*assignments, 'updated_at = now()'])} WHERE id = $1 RETURNING {_COLUMNS}",
        principal_id,
        *fields.values(),
    )
    assert row is not None
    return _record(row)


async def page(
    conn: Connection, *, type: str, after: str | None, team: str | None, limit: int
) -> list[PrincipalRecord]:
    """Principals of one type by subject."""
    rows = await conn.fetch(
        f"""SELECT {_COLUMNS} FROM principals
            WHERE type = $1 AND ($2::text IS NULL OR subject > $2) AND ($3::text IS NULL OR $3 = ANY(teams))
            ORDER BY subject LIMIT $4""",
        type,
        after,
        team,
        limit,
    )
    return [_record(r) for r in rows]


class SignedIn(msgspec.Struct, frozen=True):
    record: PrincipalRecord
    before: PrincipalRecord | None  # None: created by this sign-in; else as it was (equal to `record` if unchanged)


async def sign_in_person(
    conn: Connection, *, subject: str, name: str, teams: list[str] | None, role: str | None, default_role: str
) -> SignedIn:
    """The person behind a single sign-on, created on first sight; name, and teams and role where the identity
    provider manages them (not None), brought up to date. Runs under a row lock, so concurrent first requests of
    one person create it once."""
    existing = await conn.fetchrow(f"SELECT {_COLUMNS} FROM principals WHERE subject = $1 FOR UPDATE", subject)
    if existing is None:
        row = await conn.fetchrow(
            f"""INSERT INTO principals (id, type, subject, name, role, teams) VALUES ($1, 'person', $2, $3, $4, $5)
                ON CONFLICT (subject) DO NOTHING RETURNING {_COLUMNS}""",
            uuid4(),
            subject,
            name,
            role or default_role,
            teams or [],
        )
        if row is not None:
            return SignedIn(record=_record(row), before=None)
        return await sign_in_person(  # another request created it meanwhile
            conn, subject=subject, name=name, teams=teams, role=role, default_role=default_role
        )
    before = _record(existing)
    wanted = {"name": name, "role": role or before.role, "teams": before.teams if teams is None else teams}
    if before.type != "person" or all(getattr(before, k) == v for k, v in wanted.items()):
        return SignedIn(record=before, before=before)
    return SignedIn(record=await update(conn, before.id, **wanted), before=before)
