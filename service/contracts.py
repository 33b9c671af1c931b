"""The contracts on disk: `openapi/openapi.json` from the app, `schemas/*.json` from the event Structs and the
criteria grammar.

Tests regenerate both in memory and fail when the committed files differ.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import msgspec

from service.config import Settings
from service.domain.criteria_schema import CRITERIA_SCHEMA
from service.domain.events import EVENT_TYPES, data_type

_pretty = msgspec.json.Encoder(order="sorted")


def _dump(value: Any) -> bytes:
    return msgspec.json.format(_pretty.encode(value), indent=2) + b"\n"


def openapi_document() -> dict[str, Any]:
    from service.app import create_app  # noqa: PLC0415  # the app imports this module's siblings

    schema: dict[str, Any] = create_app(Settings()).openapi_schema.to_schema()
    return schema


def event_schemas() -> dict[str, dict[str, Any]]:
    """One JSON Schema per event type: the Standard Webhooks envelope with that type and its `data`."""
    found: dict[str, dict[str, Any]] = {}
    for event_type in EVENT_TYPES:
        envelope = msgspec.defstruct(
            "Event",
            [("timestamp", dt.datetime), ("data", data_type(event_type))],
            tag_field="type",
            tag=event_type,
            forbid_unknown_fields=False,
        )
        schema = msgspec.json.schema(envelope)
        schema["$id"] = f"https://canon.dev/schemas/{event_type}.json"
        schema["title"] = event_type
        found[event_type] = schema
    return found


def rendered_contracts() -> dict[str, bytes]:
    """Every contract file, keyed by its path relative to the repository root."""
    files = {"openapi/openapi.json": _dump(openapi_document())}
    schemas = event_schemas()
    files.update({f"schemas/{name}.json": _dump(schema) for name, schema in schemas.items()})
    files["schemas/index.json"] = _dump({"event_types": sorted(schemas), "envelope": "Standard Webhooks"})
    files["schemas/criteria.json"] = _dump(CRITERIA_SCHEMA)
    return files


def write_contracts(root: Path) -> list[Path]:
    written = []
    for relative, content in rendered_contracts().items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        written.append(path)
    return written
