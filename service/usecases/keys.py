"""API keys: issued random, shown once, stored as SHA-256 hashes, resolved to a Principal on every request."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from uuid import UUID, uuid4

import msgspec

from service.domain import lifecycle
from service.domain.errors import FieldError, Invalid
from service.domain.model import Principal, Role
from service.domain.operations import KeyCreate
from service.store import audit, keys
from service.store.database import Pool, transaction

KEY_PREFIX = "canon_"


class IssuedKey(msgspec.Struct, frozen=True):
    """A key as created: `key` is the secret, returned this once and never stored."""

    id: UUID
    name: str
    role: str
    team: str | None
    prefix: str
    key: str


def hash_secret(secret: str) -> bytes:
    # Keys carry 256 random bits, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(secret.encode()).digest()


def new_secret() -> tuple[str, str]:
    """A fresh key and its display prefix (enough to recognise it in a list, useless to an attacker)."""
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    return secret, secret[: len(KEY_PREFIX) + 6]


async def create(pool: Pool, principal: Principal, data: KeyCreate) -> IssuedKey:
    lifecycle.require_role(principal, Role.admin)
    if data.role is Role.approver and data.team is None:
        raise Invalid("an approver key approves for a team", [FieldError("/team", "required for approvers")])
    secret, prefix = new_secret()
    async with transaction(pool) as conn:
        record = await keys.insert(
            conn,
            key_id=uuid4(),
            name=data.name,
            prefix=prefix,
            secret_hash=hash_secret(secret),
            role=data.role.value,
            team=data.team,
        )
        await audit.record(conn, principal, "key.created", detail={"key_id": str(record.id), "role": record.role})
    return IssuedKey(id=record.id, name=record.name, role=record.role, team=record.team, prefix=prefix, key=secret)


async def revoke(pool: Pool, principal: Principal, key_id: UUID) -> keys.KeyRecord:
    lifecycle.require_role(principal, Role.admin)
    async with transaction(pool) as conn:
        record = await keys.revoke(conn, key_id)
        await audit.record(conn, principal, "key.revoked", detail={"key_id": str(key_id)})
    return record


class KeyResolver:
    """Turns a presented key into a Principal.

    Lookups are cached for a few seconds so the hot read path does not pay a query per request; the price is
    that a revoked key keeps working for at most `ttl` seconds, which `docs/decisions.md` records.
    """

    def __init__(self, pool: Pool, *, bootstrap_key: str | None, ttl: float) -> None:
        self._pool = pool
        self._bootstrap = bootstrap_key
        self._ttl = ttl
        self._cache: dict[bytes, tuple[float, Principal | None]] = {}

    async def resolve(self, secret: str) -> Principal | None:
        if self._bootstrap and hmac.compare_digest(secret.encode(), self._bootstrap.encode()):
            return Principal(name="bootstrap-admin", role=Role.admin)
        digest = hash_secret(secret)
        now = time.monotonic()
        cached = self._cache.get(digest)
        if cached is not None and cached[0] > now:
            return cached[1]
        async with self._pool.acquire() as conn:
            record = await keys.by_hash(conn, digest)
        principal = (
            None
            if record is None
            else Principal(name=record.name, role=Role(record.role), team=record.team, key_id=record.id)
        )
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[digest] = (now + self._ttl, principal)
        return principal

    def forget(self) -> None:
        self._cache.clear()
