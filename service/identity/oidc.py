"""Single sign-on: bearer JWTs from one OpenID Connect issuer, verified with joserfc against the issuer's keys.

The keys are discovered from `{issuer}/.well-known/openid-configuration`, cached, and fetched again when a token
names a key id the cache does not hold (at most every `REFRESH_SECONDS`, so tokens with random key ids cannot make
Canon hammer the provider). Only asymmetric algorithms are accepted: `none` and HMAC (whose key an attacker could
take from the public JWKS) never verify.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx
import msgspec
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from service.domain.errors import Unavailable
from service.domain.model import Role

log = logging.getLogger(__name__)

ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
REFRESH_SECONDS = 30.0
FAILURE_BACKOFF_SECONDS = 5.0  # while no keys could ever be fetched: fail fast, ask again after this
LEEWAY_SECONDS = 60
FETCH_TIMEOUT_SECONDS = 5.0


class GroupGrant(msgspec.Struct, frozen=True):
    """What membership of one identity-provider group gives: a team, or a role."""

    team: str | None = None
    role: Role | None = None


class OidcSettings(msgspec.Struct, frozen=True, kw_only=True):
    issuer: str
    audience: str
    subject_claim: str = "email"
    name_claim: str = "name"
    groups_claim: str = "groups"
    # group -> grants; empty: teams and roles are managed in Canon, not by the identity provider
    groups: Mapping[str, tuple[GroupGrant, ...]] = msgspec.field(default_factory=dict)
    default_role: Role = Role.reader


def parse_group_map(value: str) -> dict[str, tuple[GroupGrant, ...]]:
    """`canon-marketing=team:marketing, canon-approvers=role:approver` (a group may appear more than once)."""
    found: dict[str, list[GroupGrant]] = {}
    for item in filter(None, (part.strip() for part in value.split(","))):
        group, _, grant = item.rpartition("=")
        kind, _, name = grant.partition(":")
        if not group or kind not in ("team", "role") or not name:
            raise ValueError(f"CANON_OIDC_GROUPS: {item!r} is not GROUP=team:NAME or GROUP=role:ROLE")
        if kind == "role" and name not in Role.__members__:
            raise ValueError(f"CANON_OIDC_GROUPS: {name!r} is not a role ({', '.join(Role.__members__)})")
        found.setdefault(group, []).append(GroupGrant(team=name) if kind == "team" else GroupGrant(role=Role(name)))
    return {group: tuple(grants) for group, grants in found.items()}


class Identity(msgspec.Struct, frozen=True):
    """A verified caller. `teams` and `role` are None when the provider does not manage them (no group map)."""

    subject: str
    name: str
    teams: list[str] | None
    role: Role | None
    expires_at: float  # the token's `exp`, in seconds since the epoch


class OidcVerifier:
    """Verifies bearer JWTs of one issuer and reads the caller's identity from their claims."""

    def __init__(
        self,
        settings: OidcSettings,
        *,
        http: httpx.AsyncClient | None = None,
        clock: Callable[[], float] = time.time,
        refresh_seconds: float = REFRESH_SECONDS,
    ) -> None:
        self.settings = settings
        self._refresh_seconds = refresh_seconds
        self._http = http or httpx.AsyncClient(timeout=FETCH_TIMEOUT_SECONDS, follow_redirects=False)
        self._clock = clock
        self._keys: KeySet | None = None
        self._fetched_at = -math.inf
        self._lock = asyncio.Lock()

    async def close(self) -> None:
        await self._http.aclose()

    @staticmethod
    def looks_like_jwt(token: str) -> bool:
        return token.startswith("eyJ") and token.count(".") == 2

    async def verify(self, token: str) -> Identity | None:
        """The caller's identity, or None when the token is not a valid token of this issuer for this audience."""
        try:
            header = jws.extract_compact(token.encode("ascii")).protected
        except (JoseError, ValueError, UnicodeError):
            return None
        if header.get("alg") not in ALGORITHMS:
            return None
        keys = await self._key_set(header.get("kid"))
        if keys is None:
            return None
        try:
            decoded = jwt.decode(token, keys, algorithms=list(ALGORITHMS))
            registry = jwt.JWTClaimsRegistry(
                now=int(self._clock()),
                leeway=LEEWAY_SECONDS,
                iss={"essential": True, "value": self.settings.issuer},
                aud={"essential": True, "value": self.settings.audience},
                exp={"essential": True},
            )
            registry.validate(decoded.claims)
        except (JoseError, ValueError, TypeError) as exc:
            log.info("a bearer token was refused: %s", type(exc).__name__)
            return None
        return self._identity(decoded.claims)

    def _identity(self, claims: Mapping[str, Any]) -> Identity | None:
        settings = self.settings
        subject = claims.get(settings.subject_claim)
        if not isinstance(subject, str) or not subject.strip() or any(c.isspace() for c in subject):
            return None
        name = claims.get(settings.name_claim)
        teams: list[str] | None = None
        role: Role | None = None
        if settings.groups:
            raw = claims.get(settings.groups_claim)
            groups = [g for g in raw if isinstance(g, str)] if isinstance(raw, list) else []
            grants = [grant for group in groups for grant in settings.groups.get(group, ())]
            teams = list(dict.fromkeys(g.team for g in grants if g.team))
            roles = [g.role for g in grants if g.role]
            role = max(roles, key=lambda r: r.rank) if roles else settings.default_role
        return Identity(
            subject=subject,
            name=name if isinstance(name, str) and name.strip() else subject,
            teams=teams,
            role=role,
            expires_at=float(claims["exp"]),
        )

    async def _key_set(self, kid: object) -> KeySet | None:
        """The issuer's keys, fetched again if `kid` is unknown and the last fetch is old enough."""
        if self._keys is not None and self._holds(self._keys, kid):
            return self._keys
        async with self._lock:
            if self._keys is not None and self._holds(self._keys, kid):
                return self._keys
            since = time.monotonic() - self._fetched_at
            if self._keys is None and since < FAILURE_BACKOFF_SECONDS:
                raise Unavailable("the identity provider's keys cannot be fetched; retry shortly")
            if self._keys is not None and since < self._refresh_seconds:
                return None  # an unknown key id, asked about again too soon: refuse without asking the provider
            self._fetched_at = time.monotonic()
            try:
                self._keys = await self._fetch_keys()
            except (httpx.HTTPError, ValueError, KeyError, JoseError) as exc:
                log.warning("the identity provider's keys could not be fetched: %s", exc)
                if self._keys is None:
                    raise Unavailable("the identity provider's keys cannot be fetched; retry shortly") from None
        return self._keys if self._holds(self._keys, kid) else None

    @staticmethod
    def _holds(keys: KeySet, kid: object) -> bool:
        return kid is None or any(key.kid == kid for key in keys.keys)

    async def _fetch_keys(self) -> KeySet:
        issuer = self.settings.issuer.rstrip("/")
        discovery = await self._http.get(f"{issuer}/.well-known/openid-configuration")
        discovery.raise_for_status()
        document = discovery.json()
        if document.get("issuer") != self.settings.issuer:
            raise ValueError(f"the discovery document names issuer {document.get('issuer')!r}")
        found = await self._http.get(document["jwks_uri"])
        found.raise_for_status()
        return KeySet.import_key_set(found.json())
