"""API keys: issued random, shown once, stored as SHA-256 hashes, resolved to a Principal on every request."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import time
from uuid import UUID, uuid4

import msgspec

from service.domain import lifecycle
from service.domain.errors import Conflict, FieldError, Invalid
from service.domain.model import Principal, PrincipalType, Role
from service.domain.operations import KeyCreate
from service.identity.oidc import OidcVerifier
from service.limits import Lru
from service.store import audit, keys, principals
from service.store.database import Connection, Pool, transaction
from service.usecases import people

KEY_PREFIX = "canon_"
SERVICE_PREFIX = "service:"  # the subject of a service principal: `service:<key name>`
# Credentials each process remembers (decision 41): the most recently used valid ones, and apart from them the most
# recently refused, so that unknown keys, however many, never evict a key in use.
KEY_CACHE_SIZE = 10_000
REFUSED_CACHE_SIZE = 1_000
BOOTSTRAP = Principal(subject="bootstrap-admin", name="Bootstrap admin key", role=Role.admin, credential="bootstrap")


class IssuedKey(msgspec.Struct, frozen=True):
    """A key as created: `key` is the secret, returned this once and never stored."""

    id: UUID
    name: str
    role: str
    teams: list[str]
    principal: keys.KeyOwner
    prefix: str
    expires_at: dt.datetime | None
    key: str


def hash_secret(secret: str) -> bytes:
    # Keys carry 256 random bits, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(secret.encode()).digest()


def new_secret() -> tuple[str, str]:
    """A fresh key and its display prefix (enough to recognise it in a list, useless to an attacker)."""
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    return secret, secret[: len(KEY_PREFIX) + 6]


async def create(pool: Pool, principal: Principal, data: KeyCreate) -> IssuedKey:
    """A key for a person (acting with their role and teams), or for a service principal of its own."""
    lifecycle.require_role(principal, Role.admin)
    _check_key_request(data)
    secret, prefix = new_secret()
    key_id = uuid4()
    async with transaction(pool) as conn:
        owner = await _key_owner(conn, data)
        record = await keys.insert(
            conn,
            key_id=key_id,
            name=data.name,
            prefix=prefix,
            secret_hash=hash_secret(secret),
            principal_id=owner.id,
            role=owner.role,
            team=owner.teams[0] if owner.teams else None,
            expires_at=data.expires_at,
        )
        await audit.record(
            conn,
            principal,
            "key.created",
            detail={
                "key_id": str(record.id),
                "changes": {
                    "name": {"old": None, "new": record.name},
                    "principal": {"old": None, "new": owner.subject},
                    "role": {"old": None, "new": record.role},
                    "expires_at": {"old": None, "new": record.expires_at},
                },
            },
        )
    return IssuedKey(
        id=record.id,
        name=record.name,
        role=record.role,
        teams=record.teams,
        principal=record.principal,
        prefix=prefix,
        expires_at=record.expires_at,
        key=secret,
    )


def _check_key_request(data: KeyCreate) -> None:
    errors: list[FieldError] = []
    if data.person is not None:
        errors += [
            FieldError(f"/{name}", "a person's key acts with the person's role and teams; change them on the person")
            for name in ("role", "team")
            if getattr(data, name) is not None
        ]
    elif data.role is None:
        errors.append(FieldError("/role", "required for a service key (or name the person the key is for)"))
    elif data.role is Role.approver:
        errors.append(FieldError("/role", "services never approve: issue the key to a person (`person`)"))
    if data.expires_at is not None and (data.expires_at.tzinfo is None or data.expires_at <= dt.datetime.now(dt.UTC)):
        errors.append(FieldError("/expires_at", "a future time with a time zone offset, e.g. 2027-01-31T00:00:00Z"))
    if errors:
        raise Invalid("the key request is invalid", errors)


async def _key_owner(conn: Connection, data: KeyCreate) -> principals.PrincipalRecord:
    if data.person is not None:
        person = await principals.find(conn, data.person)
        if person is None or person.type != PrincipalType.person:
            raise Invalid(
                f"no person {data.person!r}", [FieldError("/person", "create the person first (POST /v1/people)")]
            )
        if person.deactivated_at is not None:
            raise Conflict(f"{data.person!r} is deactivated; reactivate them before issuing a key")
        return person
    assert data.role is not None  # checked by _check_key_request
    teams = [] if data.team is None else [data.team]
    subject = f"{SERVICE_PREFIX}{data.name}"
    existing = await principals.find(conn, subject)
    if existing is None:
        return await principals.insert(
            conn,
            principal_id=uuid4(),
            type=PrincipalType.service.value,
            subject=subject,
            name=data.name,
            role=data.role.value,
            teams=teams,
        )
    # A key issued again under a service's name (after the old one was revoked) is the same integration.
    return await principals.update(conn, existing.id, role=data.role.value, teams=teams, deactivated_at=None)


async def revoke(pool: Pool, principal: Principal, key_id: UUID) -> keys.KeyRecord:
    lifecycle.require_role(principal, Role.admin)
    async with transaction(pool) as conn:
        record = await keys.revoke(conn, key_id)
        await audit.record(conn, principal, "key.revoked", detail={"key_id": str(key_id)})
    return record


class KeyResolver:
    """Turns a presented key into a Principal.

    Lookups are cached for a few seconds so the hot read path does not pay a query per request; the price is
    that a revoked key keeps working for at most `ttl` seconds, which `docs/decisions.md` records. The cache keeps
    the `size` credentials used most recently; refused ones are remembered apart, in a smaller map, so a flood of
    unknown keys pushes out only other unknown keys, never a key in use (decision 41).
    """

    def __init__(
        self,
        pool: Pool,
        *,
        bootstrap_key: str | None,
        ttl: float,
        oidc: OidcVerifier | None = None,
        size: int = KEY_CACHE_SIZE,
        refused_size: int = REFUSED_CACHE_SIZE,
    ) -> None:
        self._pool = pool
        self._bootstrap = bootstrap_key
        self._ttl = ttl
        self._oidc = oidc
        self._accepted: Lru[bytes, tuple[float, Principal]] = Lru(size)
        self._refused: Lru[bytes, float] = Lru(refused_size)

    async def resolve(self, secret: str) -> Principal | None:
        """The principal a bearer credential acts as: the bootstrap key, a single sign-on token, or an API key."""
        if self._bootstrap and hmac.compare_digest(secret.encode(), self._bootstrap.encode()):
            return BOOTSTRAP
        digest = hash_secret(secret)
        now = time.monotonic()
        accepted = self._accepted.get(digest)
        if accepted is not None and accepted[0] > now:
            return accepted[1]
        refused_until = self._refused.get(digest)
        if refused_until is not None and refused_until > now:
            return None
        if self._oidc is not None and self._oidc.looks_like_jwt(secret):
            return await self._sign_in(self._oidc, digest, secret, now)
        async with self._pool.acquire() as conn:
            record = await keys.active_by_hash(conn, digest)
            if record is not None and keys.stale_use(record.last_used_at):
                await keys.touch(conn, record.key_id)
        principal = (
            None
            if record is None
            else Principal(
                subject=record.subject,
                name=record.name,
                role=Role(record.role),
                type=PrincipalType(record.type),
                teams=tuple(record.teams),
                id=record.principal_id,
                key_id=record.key_id,
            )
        )
        self._remember(digest, now + self._ttl, principal)
        return principal

    async def _sign_in(self, oidc: OidcVerifier, digest: bytes, token: str, now: float) -> Principal | None:
        identity = await oidc.verify(token)
        principal = None if identity is None else await people.sign_in(self._pool, identity, oidc.settings.default_role)
        # A refused token is cached as briefly as a key; an accepted one no longer than it is valid.
        lifetime = self._ttl if identity is None else min(self._ttl, identity.expires_at - time.time())
        self._remember(digest, now + lifetime, principal)
        return principal

    def _remember(self, digest: bytes, until: float, principal: Principal | None) -> None:
        if principal is None:
            self._accepted.pop(digest)  # revoked since it was cached
            self._refused.put(digest, until)
        else:
            self._refused.pop(digest)
            self._accepted.put(digest, (until, principal))

    def forget(self) -> None:
        self._accepted.clear()
        self._refused.clear()
