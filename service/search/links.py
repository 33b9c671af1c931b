"""Signed download links: what a search hit gives a browser to fetch an asset's file without any credential.

A link is the asset content route with the version, an expiry and a signature in its query:
`/v1/assets/{slug}/content?version=N&expires=<unix seconds>&signature=<base64url HMAC-SHA256>`. The signature binds
the slug, the version and the expiry, under the search-token secret with a context of its own (so no search token
is ever a valid link signature, nor the reverse). A link lives at most `MAX_TTL`, and never longer than the search
token whose search made it. A link is signed with the newest secret and accepted under any of the list (rotation,
`service/shared_secrets.py`). Nothing is stored: any API process with the same secrets checks a link, and none can be
revoked before it expires; what it serves is checked again at download (`service/usecases/linked_downloads.py`).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from urllib.parse import urlencode

import msgspec

MAX_TTL = dt.timedelta(minutes=15)
CLOCK_SKEW = dt.timedelta(minutes=1)  # replicas' clocks may differ this much: a link from a replica ahead is fine
PARAMETERS = ("version", "expires", "signature")  # the query parameters of a link
MAX_VERSION = 1_000_000
_CONTEXT = b"canon-download-link-v1."  # domain separation from search tokens, which the same key signs
_SIGNATURE_LENGTH = 43  # base64url of 32 bytes, without padding


class DownloadGrant(msgspec.Struct, frozen=True):
    """What a verified link allows: fetching version `version` of asset `slug` until `exp` (unix seconds)."""

    slug: str
    version: int
    exp: int

    @property
    def expires_at(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.exp, dt.UTC)


class InvalidLink(Exception):
    """Malformed, tampered with, for another asset or version, signed with another secret, or expired."""


def _signature(secret: bytes, slug: str, version: int, exp: int) -> str:
    message = _CONTEXT + f"asset\n{slug}\n{version}\n{exp}".encode()
    return base64.urlsafe_b64encode(hmac.new(secret, message, hashlib.sha256).digest()).decode().rstrip("=")


def expiry(now: dt.datetime, limit: dt.datetime | None = None) -> int:
    """The expiry (unix seconds) of links made at `now`: `MAX_TTL` later, but not after `limit` (a token's expiry)."""
    until = now + MAX_TTL
    if limit is not None:
        until = min(until, limit)
    return int(until.timestamp())


def signed_url(secret: bytes, content_url: str, slug: str, version: int, exp: int) -> str:
    """`content_url` (an asset's content route, any query dropped) as a link to `version` valid until `exp`."""
    query = urlencode({"version": version, "expires": exp, "signature": _signature(secret, slug, version, exp)})
    return f"{content_url.partition('?')[0]}?{query}"


def is_link(params: Mapping[str, object]) -> bool:
    """Whether a request's query presents a link (an expiry or a signature), which then alone authenticates it."""
    return "signature" in params or "expires" in params


def _one(params: Mapping[str, Sequence[str]], name: str) -> str:
    values = params.get(name) or []
    if len(values) != 1:
        raise InvalidLink(f"a download link has exactly one {name}")
    return values[0]


def _number(text: str, name: str, maximum: int) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(maximum)) or not 0 < int(text) <= maximum:
        raise InvalidLink(f"the download link's {name} is not valid")
    return int(text)


def verify(
    secrets: Sequence[bytes], slug: str, params: Mapping[str, Sequence[str]], now: dt.datetime | None = None
) -> DownloadGrant:
    """The grant of a link to asset `slug` with these query parameters (each name to its values), signed with any of
    `secrets` and not expired; otherwise `InvalidLink`, saying why."""
    version = _number(_one(params, "version"), "version", MAX_VERSION)
    moment = now or dt.datetime.now(dt.UTC)
    exp = _number(_one(params, "expires"), "expiry", int((moment + MAX_TTL + CLOCK_SKEW).timestamp()))
    signature = _one(params, "signature")
    # Compared as bytes: `compare_digest` refuses str with characters beyond ASCII, which a query may hold. Every
    # secret is tried (no early exit), so the time taken does not tell which one matched.
    matches = [
        hmac.compare_digest(signature.encode(), _signature(secret, slug, version, exp).encode()) for secret in secrets
    ]
    if len(signature) != _SIGNATURE_LENGTH or not any(matches):
        raise InvalidLink("the download link's signature is not valid (altered, or for another file)")
    grant = DownloadGrant(slug=slug, version=version, exp=exp)
    if exp <= moment.timestamp():
        raise InvalidLink(f"the download link expired at {grant.expires_at.isoformat()}; search again for a new one")
    return grant
