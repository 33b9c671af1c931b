"""People (admin): who they are, their teams and role. Every key of a person acts with what is set here."""

from __future__ import annotations

import datetime as dt
from uuid import uuid4

import msgspec

from service.domain import lifecycle
from service.domain.cursors import decode_cursor, encode_cursor
from service.domain.diff import changed_values
from service.domain.errors import FieldError, Invalid
from service.domain.model import Principal, PrincipalType, Role
from service.domain.operations import PersonCreate, PersonUpdate
from service.identity.oidc import Identity
from service.store import audit, principals
from service.store.database import Pool, transaction

# Subjects with these prefixes name services and keys carried over from before people existed.
RESERVED_PREFIXES = ("service:", "key:")


class PersonOut(msgspec.Struct, frozen=True):
    subject: str
    name: str
    role: str
    teams: list[str]
    active: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class PeoplePage(msgspec.Struct, frozen=True):
    items: list[PersonOut]
    next_cursor: str | None


class Me(msgspec.Struct, frozen=True):
    """The caller as Canon sees it."""

    type: str
    subject: str
    name: str
    role: str
    teams: list[str]
    credential: str


def me(principal: Principal) -> Me:
    return Me(
        type=principal.type.value,
        subject=principal.subject,
        name=principal.name,
        role=principal.role.value,
        teams=list(principal.teams),
        credential=principal.credential,
    )


def acting_as(record: principals.PrincipalRecord, *, credential: str) -> Principal:
    """The principal a stored person or service acts as, through `credential`."""
    return Principal(
        subject=record.subject,
        name=record.name,
        role=Role(record.role),
        type=PrincipalType(record.type),
        teams=tuple(record.teams),
        id=record.id,
        credential=credential,
    )


def person_out(record: principals.PrincipalRecord) -> PersonOut:
    return PersonOut(
        subject=record.subject,
        name=record.name,
        role=record.role,
        teams=record.teams,
        active=record.deactivated_at is None,
        created_at=record.created_at,
        updated_at=record.updated_at,
    )


def _values(record: principals.PrincipalRecord) -> dict[str, object]:
    return {"name": record.name, "role": record.role, "teams": record.teams, "active": record.deactivated_at is None}


async def create(pool: Pool, principal: Principal, data: PersonCreate) -> PersonOut:
    lifecycle.require_role(principal, Role.admin)
    if data.subject.startswith(RESERVED_PREFIXES):
        raise Invalid(
            "that subject is reserved",
            [FieldError("/subject", f"must not start with {' or '.join(RESERVED_PREFIXES)}")],
        )
    async with transaction(pool) as conn:
        record = await principals.insert(
            conn,
            principal_id=uuid4(),
            type=PrincipalType.person.value,
            subject=data.subject,
            name=data.name,
            role=data.role.value,
            teams=list(dict.fromkeys(data.teams)),
        )
        await audit.record(
            conn,
            principal,
            "person.created",
            detail={"subject": record.subject, "changes": changed_values({}, _values(record))},
        )
    return person_out(record)


async def update(pool: Pool, principal: Principal, subject: str, data: PersonUpdate) -> PersonOut:
    lifecycle.require_role(principal, Role.admin)
    async with transaction(pool) as conn:
        before = await principals.by_subject(conn, subject, lock=True)
        if before.type != PrincipalType.person:
            raise Invalid(f"{subject!r} is a service", [FieldError("subject", "not a person", "path")])
        fields: dict[str, object] = {}
        if data.name is not msgspec.UNSET:
            fields["name"] = data.name
        if data.role is not msgspec.UNSET:
            fields["role"] = data.role.value
        if data.teams is not msgspec.UNSET:
            fields["teams"] = list(dict.fromkeys(data.teams))
        if data.active is not msgspec.UNSET and data.active != (before.deactivated_at is None):
            fields["deactivated_at"] = None if data.active else dt.datetime.now(dt.UTC)
        if not fields:
            return person_out(before)
        after = await principals.update(conn, before.id, **fields)
        await audit.record(
            conn,
            principal,
            "person.updated",
            detail={"subject": subject, "changes": changed_values(_values(before), _values(after))},
        )
    return person_out(after)


async def get(pool: Pool, principal: Principal, subject: str) -> PersonOut:
    lifecycle.require_role(principal, Role.admin)
    async with pool.acquire() as conn:
        record = await principals.by_subject(conn, subject)
    if record.type != PrincipalType.person:
        raise Invalid(f"{subject!r} is a service", [FieldError("subject", "not a person", "path")])
    return person_out(record)


async def page(pool: Pool, principal: Principal, *, team: str | None, cursor: str | None, limit: int) -> PeoplePage:
    lifecycle.require_role(principal, Role.admin)
    after = str(decode_cursor(cursor, 1)[0]) if cursor else None
    async with pool.acquire() as conn:
        rows = await principals.page(conn, type=PrincipalType.person.value, after=after, team=team, limit=limit + 1)
    items = [person_out(r) for r in rows[:limit]]
    return PeoplePage(items=items, next_cursor=encode_cursor(rows[limit - 1].subject) if len(rows) > limit else None)


async def sign_in(pool: Pool, identity: Identity, default_role: Role) -> Principal | None:
    """The person a verified single sign-on token names, created or updated on first sight (and audited so);
    None if that subject is a service's or the person is deactivated."""
    async with transaction(pool) as conn:
        found = await principals.sign_in_person(
            conn,
            subject=identity.subject,
            name=identity.name,
            teams=identity.teams,
            role=None if identity.role is None else identity.role.value,
            default_role=default_role.value,
        )
        record = found.record
        if record.type != PrincipalType.person or record.deactivated_at is not None:
            return None
        principal = acting_as(record, credential="oidc")
        if found.before != record:
            action = "person.created" if found.before is None else "person.updated"
            old = {} if found.before is None else _values(found.before)
            detail = {"subject": record.subject, "changes": changed_values(old, _values(record))}
            await audit.record(conn, principal, action, detail=detail)
    return principal
