"""Standard Webhooks signatures (https://www.standardwebhooks.com).

A secret is `whsec_` + base64 of 24 to 64 random bytes. Each message is signed as
`v1,` + base64(HMAC-SHA256(secret bytes, "{msg_id}.{timestamp}.{body}")). During a secret rotation one signature is
sent per live secret, space-separated, and a receiver accepts the message if any of them matches its secret.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets as _random
import time
from collections.abc import Mapping, Sequence

SECRET_PREFIX = "whsec_"  # noqa: S105 - the prefix, not a secret
MIN_SECRET_BYTES = 24
MAX_SECRET_BYTES = 64
USER_AGENT = "Canon-Webhooks/1.0"
DEFAULT_TOLERANCE = 300  # seconds either side of the receiver's clock, as the spec recommends


class InvalidSignature(Exception):
    """The headers are missing or malformed, the timestamp is out of tolerance, or no signature matches."""


def new_secret(num_bytes: int = 32) -> str:
    """A fresh random secret, `whsec_` + base64 of `num_bytes` (24 to 64) bytes from the OS CSPRNG."""
    if not MIN_SECRET_BYTES <= num_bytes <= MAX_SECRET_BYTES:
        raise ValueError(f"a webhook secret has {MIN_SECRET_BYTES} to {MAX_SECRET_BYTES} bytes, not {num_bytes}")
    return SECRET_PREFIX + base64.b64encode(_random.token_bytes(num_bytes)).decode("ascii")


def secret_bytes(secret: str) -> bytes:
    """The HMAC key inside `secret` (the `whsec_` prefix is optional). Raises ValueError if it is not base64."""
    encoded = secret.removeprefix(SECRET_PREFIX)
    # Unpadded base64 is accepted, as the reference libraries do.
    padded = encoded + "=" * (-len(encoded) % 4)
    try:
        key = base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("a webhook secret is 'whsec_' followed by base64") from exc
    if not key:
        raise ValueError("a webhook secret may not be empty")
    return key


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The `v1,<base64>` signature of one message under one secret."""
    return _sign_with_key(secret_bytes(secret), msg_id, timestamp, body)


def signature_header(secrets: Sequence[str], msg_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` value: one signature per secret (current first, then the ones being rotated out)."""
    if not secrets:
        raise ValueError("at least one secret is needed to sign a webhook")
    unique = dict.fromkeys(secrets)  # keeps order, drops repeats
    return " ".join(sign(secret, msg_id, timestamp, body) for secret in unique)


def headers(secrets: Sequence[str], msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """Every header a webhook request carries: the three Standard Webhooks headers, content type and user agent."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(secrets, msg_id, timestamp, body),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    tolerance: int = DEFAULT_TOLERANCE,
    now: int | None = None,
) -> None:
    """Check a received webhook as a receiver should; raises InvalidSignature unless it is authentic and fresh.

    Header names are matched case-insensitively. The timestamp must lie within `tolerance` seconds of `now`
    (default: the system clock), which bounds replays. Signatures are compared in constant time, and signatures of
    versions other than `v1` are ignored, so a receiver keeps working when a sender adds a scheme.
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    msg_id = lowered.get("webhook-id")
    raw_timestamp = lowered.get("webhook-timestamp")
    raw_signatures = lowered.get("webhook-signature")
    if not (msg_id and raw_timestamp and raw_signatures):
        raise InvalidSignature("missing webhook-id, webhook-timestamp or webhook-signature")
    if not raw_timestamp.isascii() or not raw_timestamp.isdigit():
        raise InvalidSignature("webhook-timestamp is not a number of seconds")
    timestamp = int(raw_timestamp)
    current = int(time.time()) if now is None else now
    if timestamp < current - tolerance:
        raise InvalidSignature("message timestamp too old")
    if timestamp > current + tolerance:
        raise InvalidSignature("message timestamp too new")
    expected = base64.b64decode(_sign_with_key(secret_bytes(secret), msg_id, timestamp, body).removeprefix("v1,"))
    for versioned in raw_signatures.split():
        version, _, encoded = versioned.partition(",")
        if version != "v1":
            continue
        try:
            candidate = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            continue
        if hmac.compare_digest(expected, candidate):
            return
    raise InvalidSignature("no matching signature")


def _sign_with_key(key: bytes, msg_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")
