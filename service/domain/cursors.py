"""Opaque pagination cursors: base64url of a small JSON array of keyset values."""

from __future__ import annotations

import base64
import binascii

import msgspec

from service.domain.errors import FieldError, Invalid

CURSOR_PATTERN = r"^[A-Za-z0-9_-]*$"  # base64url without padding, as `encode_cursor` writes; empty: the first page

_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(list[str | int])


def encode_cursor(*values: str | int) -> str:
    return base64.urlsafe_b64encode(_encoder.encode(list(values))).decode().rstrip("=")


def decode_cursor(cursor: str, arity: int, parameter: str = "cursor", source: str = "query") -> list[str | int]:
    """The keyset values in `cursor`; a cursor this service did not issue is a 422 on `parameter` (a query
    parameter, or with `source="body"` a JSON Pointer into the body)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = _decoder.decode(raw)
    except (binascii.Error, ValueError, msgspec.DecodeError):
        values = []
    if len(values) != arity:
        raise Invalid("the cursor is not one this service issued", [FieldError(parameter, "malformed cursor", source)])
    return values


def decode_int_cursor(
    cursor: str, arity: int, parameter: str = "cursor", source: str = "query", *, maximum: int = 2**63 - 1
) -> list[int]:
    """Like `decode_cursor` for keysets of non-negative integers: a value of another type or out of the column's
    range (a cursor this service did not issue) is a 422, never a database error."""
    values = decode_cursor(cursor, arity, parameter, source)
    numbers = [v for v in values if isinstance(v, int) and 0 <= v <= maximum]
    if len(numbers) != arity:
        raise Invalid("the cursor is not one this service issued", [FieldError(parameter, "malformed cursor", source)])
    return numbers
