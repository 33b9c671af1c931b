"""Search tokens: short-lived, search-only credentials a portal hands to browsers instead of an API key.

A token is `cst_<payload>.<signature>`: the payload is base64url JSON (expiry, optional tag/team restrictions),
the signature base64url HMAC-SHA256 over the payload with a server secret. Nothing is stored: any API process with
the same secrets can check a token, and none can be revoked before it expires (keep them short). A token is signed
with one secret (the newest) and accepted under any of a list, so a secret can be rotated with an overlap
(`service/shared_secrets.py`).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
from collections.abc import Sequence

import msgspec

PREFIX = "cst_"
DEFAULT_TTL = dt.timedelta(minutes=15)
MAX_TTL = dt.timedelta(hours=1)
_CONTEXT = b"canon-search-token-v1."  # domain separation: this key signs nothing else


class SearchGrant(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """What a token allows: searching published content until `exp` (unix seconds), within the restrictions."""

    exp: int
    tags: list[str] = msgspec.field(default_factory=list)  # only documents with one of these tags
    teams: list[str] = msgspec.field(default_factory=list)  # only documents owned by one of these teams

    @property
    def expires_at(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.exp, dt.UTC)


class InvalidToken(Exception):
    """Malformed, tampered with, signed with another secret, or expired: the message says which."""


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(SearchGrant)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(secret: bytes, payload: str) -> str:
    return _b64(hmac.new(secret, _CONTEXT + payload.encode(), hashlib.sha256).digest())


def _signed_by_any(secrets: Sequence[bytes], payload: str, signature: str) -> bool:
    # Every secret is tried (no early exit), so the time taken does not tell which one matched.
    matches = [hmac.compare_digest(signature, _sign(secret, payload)) for secret in secrets]
    return any(matches)


def is_token(credential: str) -> bool:
    return credential.startswith(PREFIX)


def mint(secret: bytes, grant: SearchGrant) -> str:
    payload = _b64(_encoder.encode(grant))
    return f"{PREFIX}{payload}.{_sign(secret, payload)}"


def verify(secrets: Sequence[bytes], token: str, now: dt.datetime | None = None) -> SearchGrant:
    """The grant of a token signed with any of `secrets` and not expired; otherwise `InvalidToken`."""
    payload, dot, signature = token.removeprefix(PREFIX).partition(".")
    if not token.startswith(PREFIX) or not dot or not _signed_by_any(secrets, payload, signature):
        raise InvalidToken("the search token is not valid")
    try:
        grant = _decoder.decode(_unb64(payload))
    except (binascii.Error, ValueError, msgspec.DecodeError):
        raise InvalidToken("the search token is not valid") from None
    moment = now or dt.datetime.now(dt.UTC)
    if grant.exp <= moment.timestamp():
        raise InvalidToken(f"the search token expired at {grant.expires_at.isoformat()}")
    return grant
