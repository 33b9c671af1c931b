"""Sign-in sessions of the console: opened with a person's API key or by single sign-on, kept in PostgreSQL (every
replica sees them), ended by sign-out, by either timeout, by revoking the key they were opened with, or by
deactivating their person.

The session id is 256 random bits, given to the browser once (its cookie) and stored only as a SHA-256. The
session's CSRF token is derived from the id (`csrf_token`), so it is per session, needs no storage, and cannot be
computed from what the database holds."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from uuid import UUID

from service.domain.errors import Forbidden
from service.domain.model import Principal, PrincipalType, Role
from service.domain.sessions import Standing, standing, worth_touching
from service.store import console_sessions
from service.store.database import Pool
from service.usecases.keys import KeyResolver


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _hash(session_id: str) -> bytes:
    return hashlib.sha256(session_id.encode()).digest()


def csrf_token(session_id: str) -> str:
    """The CSRF token of the session `session_id` (and of a sign-in form, from its own random value)."""
    digest = hashlib.sha256(b"canon-console-csrf\x00" + session_id.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def csrf_matches(session_id: str, presented: str | None) -> bool:
    return presented is not None and hmac.compare_digest(csrf_token(session_id).encode(), presented.encode())


class NotForTheConsole(Forbidden):
    """A valid credential that cannot open a console session (a service's key, a token instead of a key)."""


@dataclass(frozen=True)
class Session:
    """A live session: who it acts for and its CSRF token."""

    principal: Principal
    csrf: str

    def accepts(self, presented: str) -> bool:
        """Whether `presented` is this session's CSRF token (compared in constant time)."""
        return hmac.compare_digest(self.csrf.encode(), presented.encode())


@dataclass(frozen=True)
class ConsoleSessions:
    """Opens, resolves and ends sessions. `clock` is injectable for tests."""

    pool: Pool
    idle: dt.timedelta
    absolute: dt.timedelta
    clock: Callable[[], dt.datetime] = field(default=utc_now)

    async def sign_in(self, resolver: KeyResolver, key: str) -> str | None:
        """A new session's id for a person's API key; None for a key that is unknown, revoked or expired.

        Raises `NotForTheConsole` for a key that is valid but not a person's (the console is for people)."""
        principal = await resolver.resolve(key)
        if principal is None:
            return None
        if principal.type is not PrincipalType.person or principal.key_id is None:
            raise NotForTheConsole("the console is for people: sign in with one of your own API keys, not a service's")
        return await self._open(key_id=principal.key_id)

    async def sign_in_person(self, principal: Principal) -> str:
        """A new session's id for a person single sign-on has just verified (`people.sign_in`)."""
        if principal.type is not PrincipalType.person or principal.id is None:
            raise NotForTheConsole("the console is for people")
        return await self._open(principal_id=principal.id)

    async def _open(self, *, key_id: UUID | None = None, principal_id: UUID | None = None) -> str:
        session_id = secrets.token_urlsafe(32)
        now = self.clock()
        async with self.pool.acquire() as conn, conn.transaction():
            await console_sessions.delete_ended(conn, now - self.idle, now - self.absolute)
            await console_sessions.create(conn, _hash(session_id), now, key_id=key_id, principal_id=principal_id)
        return session_id

    async def resolve(self, session_id: str) -> Session | None:
        """The session `session_id` if it may be used now; an ended one is deleted."""
        digest = _hash(session_id)
        now = self.clock()
        async with self.pool.acquire() as conn:
            record = await console_sessions.find(conn, digest)
            if record is None:
                return None
            state = standing(
                created_at=record.created_at,
                last_seen_at=record.last_seen_at,
                now=now,
                idle=self.idle,
                absolute=self.absolute,
            )
            if state is not Standing.active:
                await console_sessions.delete(conn, digest)
                return None
            if worth_touching(last_seen_at=record.last_seen_at, now=now, idle=self.idle):
                await console_sessions.touch(conn, digest, now)
        principal = Principal(
            subject=record.subject,
            name=record.name,
            role=Role(record.role),
            type=PrincipalType(record.type),
            teams=tuple(record.teams),
            id=record.principal_id,
            key_id=record.key_id,
            credential="console",
        )
        return Session(principal=principal, csrf=csrf_token(session_id))

    async def sign_out(self, session_id: str) -> None:
        async with self.pool.acquire() as conn:
            await console_sessions.delete(conn, _hash(session_id))
