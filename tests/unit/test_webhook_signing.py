"""Standard Webhooks signing, cross-checked against the independent `standardwebhooks` reference verifier."""

from __future__ import annotations

import base64
import time

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from service.webhooks import signing
from service.webhooks.signing import InvalidSignature

BODY = b'{"type":"definition.published","timestamp":"2025-01-01T00:00:00Z","data":{"slug":"arr"}}'
MSG_ID = "msg_2b1Hq0cQZ5"


def test_the_spec_example_signs_to_the_published_signature() -> None:
    # The example from the Standard Webhooks / Svix documentation.
    signature = signing.sign(
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}'
    )
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


@pytest.mark.parametrize("size", [24, 32, 64])
def test_new_secret_is_prefixed_base64_of_the_requested_size(size: int) -> None:
    secret = signing.new_secret(size)
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == size
    assert signing.secret_bytes(secret) == base64.b64decode(secret.removeprefix("whsec_"))
    assert signing.new_secret(size) != secret


@pytest.mark.parametrize("size", [0, 23, 65])
def test_new_secret_refuses_sizes_outside_24_to_64_bytes(size: int) -> None:
    with pytest.raises(ValueError, match="24 to 64"):
        signing.new_secret(size)


def test_secret_bytes_accepts_the_bare_and_the_unpadded_form() -> None:
    key = bytes(range(25))  # 25 bytes: base64 with padding
    encoded = base64.b64encode(key).decode()
    assert encoded.endswith("=")
    assert signing.secret_bytes("whsec_" + encoded) == key
    assert signing.secret_bytes(encoded) == key
    assert signing.secret_bytes("whsec_" + encoded.rstrip("=")) == key


@pytest.mark.parametrize("secret", ["whsec_", "", "whsec_not base64!", "whsec_a", "whsec_abc$def"])
def test_secret_bytes_refuses_malformed_secrets(secret: str) -> None:
    with pytest.raises(ValueError, match="secret"):
        signing.secret_bytes(secret)


def test_headers_carry_id_timestamp_signature_and_content_type() -> None:
    secret = signing.new_secret()
    headers = signing.headers([secret], MSG_ID, 1_700_000_000, BODY)
    assert headers == {
        "webhook-id": MSG_ID,
        "webhook-timestamp": "1700000000",
        "webhook-signature": signing.sign(secret, MSG_ID, 1_700_000_000, BODY),
        "content-type": "application/json",
        "user-agent": "Canon-Webhooks/1.0",
    }


def test_the_reference_verifier_accepts_our_signature() -> None:
    secret = signing.new_secret()
    headers = signing.headers([secret], MSG_ID, int(time.time()), BODY)
    assert Webhook(secret).verify(BODY, headers) == {
        "type": "definition.published",
        "timestamp": "2025-01-01T00:00:00Z",
        "data": {"slug": "arr"},
    }


def test_during_a_rotation_both_signatures_are_sent_and_either_secret_verifies() -> None:
    current, previous, stranger = signing.new_secret(), signing.new_secret(), signing.new_secret()
    headers = signing.headers([current, previous], MSG_ID, int(time.time()), BODY)

    signatures = headers["webhook-signature"].split(" ")
    assert signatures == [
        signing.sign(current, MSG_ID, int(headers["webhook-timestamp"]), BODY),
        signing.sign(previous, MSG_ID, int(headers["webhook-timestamp"]), BODY),
    ]
    for secret in (current, previous):
        Webhook(secret).verify(BODY, headers)  # the reference library
        signing.verify(secret, headers, BODY)  # ours
    with pytest.raises(WebhookVerificationError):
        Webhook(stranger).verify(BODY, headers)
    with pytest.raises(InvalidSignature, match="no matching signature"):
        signing.verify(stranger, headers, BODY)


def test_a_repeated_secret_is_signed_once() -> None:
    secret = signing.new_secret()
    assert signing.signature_header([secret, secret], MSG_ID, 1, BODY) == signing.sign(secret, MSG_ID, 1, BODY)
    with pytest.raises(ValueError, match="at least one secret"):
        signing.signature_header([], MSG_ID, 1, BODY)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("body", BODY.replace(b"arr", b"arp")),
        ("webhook-id", "msg_other"),
        ("webhook-timestamp", "shift"),
    ],
)
def test_tampering_with_body_id_or_timestamp_fails_both_verifiers(field: str, value: str | bytes) -> None:
    secret = signing.new_secret()
    now = int(time.time())
    headers = signing.headers([secret], MSG_ID, now, BODY)
    body = BODY
    if field == "body":
        assert isinstance(value, bytes)
        body = value
    elif value == "shift":
        headers[field] = str(now - 1)
    else:
        assert isinstance(value, str)
        headers[field] = value
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body, headers)
    with pytest.raises(InvalidSignature, match="no matching signature"):
        signing.verify(secret, headers, body)


def test_verify_enforces_the_timestamp_tolerance() -> None:
    secret = signing.new_secret()
    headers = signing.headers([secret], MSG_ID, 1_000_000, BODY)
    signing.verify(secret, headers, BODY, now=1_000_000 + 300)
    signing.verify(secret, headers, BODY, now=1_000_000 - 300)
    with pytest.raises(InvalidSignature, match="too old"):
        signing.verify(secret, headers, BODY, now=1_000_000 + 301)
    with pytest.raises(InvalidSignature, match="too new"):
        signing.verify(secret, headers, BODY, now=1_000_000 - 301)
    signing.verify(secret, headers, BODY, now=1_000_000 + 3600, tolerance=3600)
    # The reference library uses the real clock and the same 5-minute tolerance.
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(secret).verify(BODY, headers)


def test_verify_matches_header_names_case_insensitively_and_skips_other_versions() -> None:
    secret = signing.new_secret()
    headers = signing.headers([secret], MSG_ID, 1_000, BODY)
    mixed = {
        "Webhook-Id": headers["webhook-id"],
        "WEBHOOK-TIMESTAMP": headers["webhook-timestamp"],
        "Webhook-Signature": "v1a,c29tZXRoaW5n v1,not-base64! " + headers["webhook-signature"],
    }
    signing.verify(secret, mixed, BODY, now=1_000)


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "missing"),
        ({"webhook-id": "m", "webhook-timestamp": "1000"}, "missing"),
        ({"webhook-id": "m", "webhook-timestamp": "10.5", "webhook-signature": "v1,AA=="}, "not a number"),
        ({"webhook-id": "m", "webhook-timestamp": "-5", "webhook-signature": "v1,AA=="}, "not a number"),
        ({"webhook-id": "m", "webhook-timestamp": "1000", "webhook-signature": "v1,AA=="}, "no matching"),
        ({"webhook-id": "m", "webhook-timestamp": "1000", "webhook-signature": "garbage"}, "no matching"),
    ],
)
def test_verify_refuses_missing_or_malformed_headers(headers: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidSignature, match=message):
        signing.verify(signing.new_secret(), headers, BODY, now=1_000)
