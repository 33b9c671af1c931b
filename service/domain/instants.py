"""Instants as clients name them in `as_of`, `known_at` and the like: a date, or an RFC 3339 date-time."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

import msgspec

# The contract's schema of such a value (query parameters and body fields).
INSTANT_SCHEMAS: list[dict[str, Any]] = [
    {"type": "string", "format": "date"},
    {"type": "string", "format": "date-time"},
]

Instant = Annotated[
    str,
    msgspec.Meta(max_length=64, description="A date or RFC 3339 time.", extra_json_schema={"anyOf": INSTANT_SCHEMAS}),
]

# RFC 3339 (any number of fractional digits, `t`/`z` in either case), also without an offset (then UTC), or with a
# space for the `T` as RFC 3339 allows.
_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:\d{2})?)?$")


def parse(value: str) -> tuple[dt.datetime, bool]:
    """The instant `value` names, in UTC (a date: the start of that day), and whether it was a date.

    Raises ValueError for anything else, OverflowError beyond the years 1 to 9999 in UTC."""
    if not _INSTANT.match(value):
        raise ValueError(value)
    if len(value) == 10:
        return dt.datetime.combine(dt.date.fromisoformat(value), dt.time(), tzinfo=dt.UTC), True
    moment = dt.datetime.fromisoformat(value.upper())
    return (moment.astimezone(dt.UTC) if moment.tzinfo else moment.replace(tzinfo=dt.UTC)), False
