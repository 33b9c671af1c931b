"""The JSON Schema of every event Canon emits: the Standard Webhooks envelope `{type, timestamp, data}` with the `data`
Struct of its type (service/domain/events.py). One file per type in `schemas/`, and the same schemas, shared instead
of copied, behind the OpenAPI document's `webhooks`."""

from __future__ import annotations

from typing import Any

import msgspec

from service.domain.criteria_schema import DIALECT
from service.domain.events import EVENT_TYPES, data_type

SCHEMA_BASE = "https://canon.dev/schemas/"


def data_types() -> list[type[msgspec.Struct]]:
    """The Structs events carry as `data`, each once, in the order of the event types."""
    return list(dict.fromkeys(data_type(event_type) for event_type in EVENT_TYPES))


def envelope_schema(event_type: str, data_ref: str) -> dict[str, Any]:
    """The envelope of `event_type`, its `data` the schema at `data_ref`. Receivers should accept members it does not
    name (the change feed adds `id` and `cursor`), so it does not forbid them."""
    return {
        "description": f"A `{event_type}` event: the Standard Webhooks envelope.",
        "type": "object",
        "properties": {
            "type": {"const": event_type},
            "timestamp": {
                "type": "string",
                "format": "date-time",
                "description": "When the change happened (RFC 3339).",
            },
            "data": {"$ref": data_ref},
        },
        "required": ["type", "timestamp", "data"],
    }


def event_schema(event_type: str) -> dict[str, Any]:
    """`schemas/<event_type>.json`: a self-contained schema (the Structs `data` needs under `$defs`)."""
    (data,), defs = msgspec.json.schema_components([data_type(event_type)], ref_template="#/$defs/{name}")
    return {
        "$schema": DIALECT,
        "$id": f"{SCHEMA_BASE}{event_type}.json",
        "title": event_type,
        **envelope_schema(event_type, data["$ref"]),
        "$defs": defs,
    }


def data_schemas() -> dict[str, dict[str, Any]]:
    """Every Struct events carry, directly or nested, by name; they refer to each other as `#/$defs/<name>`."""
    _, found = msgspec.json.schema_components(data_types(), ref_template="#/$defs/{name}")
    return found
