"""The contracts on disk: `openapi/openapi.json` from the app, `schemas/*.json` from the event Structs and the
criteria grammar.

Tests regenerate both in memory and fail when the committed files differ.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec

from service.config import Settings
from service.domain.criteria_schema import CRITERIA_SCHEMA
from service.domain.event_schema import event_schema
from service.domain.events import EVENT_TYPES

_pretty = msgspec.json.Encoder(order="sorted")


def _dump(value: Any) -> bytes:
    return msgspec.json.format(_pretty.encode(value), indent=2) + b"\n"


def openapi_document() -> dict[str, Any]:
    from service.api.openapi_document import complete  # noqa: PLC0415  # the app imports this module's siblings
    from service.app import create_app  # noqa: PLC0415

    app = create_app(Settings())
    return complete(app.openapi_schema.to_schema(), app)


def event_schemas() -> dict[str, dict[str, Any]]:
    """One JSON Schema per event type: the Standard Webhooks envelope with that type and its `data`."""
    return {event_type: event_schema(event_type) for event_type in EVENT_TYPES}


def rendered_contracts() -> dict[str, bytes]:
    """Every contract file, keyed by its path relative to the repository root."""
    files = {"openapi/openapi.json": _dump(openapi_document())}
    schemas = event_schemas()
    files.update({f"schemas/{name}.json": _dump(schema) for name, schema in schemas.items()})
    files["schemas/criteria.json"] = _dump(CRITERIA_SCHEMA)
    files["schemas/index.json"] = _dump(schema_index(schemas))
    return files


def schema_index(events: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """`schemas/index.json`: the catalogue of the JSON Schemas beside it (it is not a schema itself)."""
    listed = {**{f"{name}.json": schema for name, schema in events.items()}, "criteria.json": CRITERIA_SCHEMA}
    return {
        "envelope": "Standard Webhooks",
        "event_types": sorted(events),
        "schemas": [
            {"file": file, "$id": schema["$id"], "title": schema["title"], "$schema": schema["$schema"]}
            for file, schema in sorted(listed.items())
        ],
    }


def write_contracts(root: Path) -> list[Path]:
    written = []
    for relative, content in rendered_contracts().items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        written.append(path)
    return written
