"""Single sign-on: bearer JWTs from one OpenID Connect issuer, verified with joserfc against the issuer's keys.

The keys are discovered from `{issuer}/.well-known/openid-configuration`, cached, and fetched again when a token
names a key id the cache does not hold (at most every `REFRESH_SECONDS`, so tokens with random key ids cannot make
Canon hammer the provider). Only asymmetric algorithms are accepted: `none` and HMAC (whose key an attacker could
take from the public JWKS) never verify.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import math
import secrets
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import msgspec
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jwt import ClaimsOption

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


class Discovery(msgspec.Struct, frozen=True):
    """The parts of an issuer's `/.well-known/openid-configuration` that Canon uses."""

    issuer: str
    jwks_uri: str
    authorization_endpoint: str | None = None
    token_endpoint: str | None = None


class TokenAnswer(msgspec.Struct, frozen=True):
    id_token: str


class OidcClient(msgspec.Struct, frozen=True):
    """The console as a client of the provider (authorization code flow with PKCE)."""

    client_id: str
    redirect_uri: str
    client_secret: str | None = None


class SignInStart(msgspec.Struct, frozen=True):
    """One sign-in under way: where to send the browser, and what to keep until it comes back (in its cookie)."""

    url: str
    state: str
    nonce: str
    verifier: str


def pkce_challenge(verifier: str) -> str:
    """RFC 7636's S256 challenge of a code verifier."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


async def start_sign_in(verifier: OidcVerifier, client: OidcClient) -> SignInStart:
    """A new authorization request: fresh state, nonce and PKCE verifier (each 256 random bits)."""
    endpoint = (await verifier.discovery()).authorization_endpoint
    if endpoint is None:
        raise ValueError("the discovery document names no authorization_endpoint")
    state, nonce, code_verifier = (secrets.token_urlsafe(32) for _ in range(3))
    query = {
        "response_type": "code",
        "client_id": client.client_id,
        "redirect_uri": client.redirect_uri,
        "scope": "openid email profile",
        "state": state,
        "nonce": nonce,
        "code_challenge": pkce_challenge(code_verifier),
        "code_challenge_method": "S256",
    }
    separator = "&" if "?" in endpoint else "?"
    return SignInStart(url=f"{endpoint}{separator}{urlencode(query)}", state=state, nonce=nonce, verifier=code_verifier)


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
        self._discovery: Discovery | None = None
        self._fetched_at = -math.inf
        self._lock = asyncio.Lock()

    async def close(self) -> None:
        await self._http.aclose()

    @staticmethod
    def looks_like_jwt(token: str) -> bool:
        return token.startswith("eyJ") and token.count(".") == 2

    async def verify(self, token: str, *, audience: str | None = None, nonce: str | None = None) -> Identity | None:
        """The caller's identity, or None when the token is not a valid token of this issuer for this audience
        (`audience`, default the settings'), or, with `nonce`, not the answer to the sign-in that sent it."""
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
            options: dict[str, ClaimsOption] = {
                "iss": {"essential": True, "value": self.settings.issuer},
                "aud": {"essential": True, "value": audience or self.settings.audience},
                "exp": {"essential": True},
            }
            if nonce is not None:
                options["nonce"] = {"essential": True, "value": nonce}
            registry = jwt.JWTClaimsRegistry(now=int(self._clock()), leeway=LEEWAY_SECONDS, **options)
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

    async def discovery(self) -> Discovery:
        """The issuer's discovery document (fetched once, then kept)."""
        if self._discovery is None:
            issuer = self.settings.issuer.rstrip("/")
            answer = await self._http.get(f"{issuer}/.well-known/openid-configuration")
            answer.raise_for_status()
            document = msgspec.json.decode(answer.content, type=Discovery)
            if document.issuer != self.settings.issuer:
                raise ValueError(f"the discovery document names issuer {document.issuer!r}")
            self._discovery = document
        return self._discovery

    async def _fetch_keys(self) -> KeySet:
        found = await self._http.get((await self.discovery()).jwks_uri)
        found.raise_for_status()
        return KeySet.import_key_set(found.json())

    async def redeem(self, code: str, *, client: OidcClient, verifier: str, nonce: str) -> Identity | None:
        """The person an authorization code names (`client`'s code, redeemed with its PKCE `verifier`): the ID token
        the provider answers with, verified like a bearer token, for `client`, and carrying `nonce`. None when the
        provider refuses the code or the token is not valid; `Unavailable` when the provider cannot be reached."""
        try:
            endpoint = (await self.discovery()).token_endpoint
            if endpoint is None:
                raise ValueError("the discovery document names no token_endpoint")
            form = {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": client.redirect_uri,
                "client_id": client.client_id,
                "code_verifier": verifier,
            }
            headers = {"Accept": "application/json"}
            if client.client_secret:
                # client_secret_basic, which every provider must accept (RFC 6749, 2.3.1: each part form-encoded).
                pair = f"{quote(client.client_id, safe='')}:{quote(client.client_secret, safe='')}"
                headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
            answer = await self._http.post(endpoint, data=form, headers=headers)
        except (httpx.HTTPError, ValueError, msgspec.DecodeError) as exc:
            log.warning("the identity provider could not be reached to redeem a sign-in: %s", exc)
            raise Unavailable("the identity provider cannot be reached; try again shortly") from None
        if answer.status_code != 200:
            log.info("the identity provider refused a sign-in code: %s %s", answer.status_code, answer.text[:200])
            return None
        try:
            token = msgspec.json.decode(answer.content, type=TokenAnswer).id_token
        except msgspec.DecodeError:
            return None
        return await self.verify(token, audience=client.client_id, nonce=nonce)
