"""The JSON Schema of qualification criteria (`schemas/criteria.json`), for integrators that write or check trees.

The rules it cannot say (at most 16 levels and 256 rules, a declared type's value readable as that type, `within`
only with dates) are checked by `service/domain/criteria.py`, which stays the authority; a test holds both to the
same verdicts on valid and invalid trees.
"""

from __future__ import annotations

from typing import Any, Final

_SCALAR: Final = {"type": ["string", "number", "boolean", "null"]}
_LABEL: Final = {"type": "string", "minLength": 1, "pattern": r"\S"}
_FIELD: Final = {"type": "string", "pattern": r"^[^.]+(\.[^.]+)*$", "description": "A dot path: company.employees"}


def _comparison(ops: list[str], value: dict[str, Any] | None) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "field": _FIELD,
        "op": {"enum": ops},
        "label": _LABEL,
        "type": {"enum": ["number", "string", "boolean", "date", "datetime"]},
        "case": {"enum": ["insensitive", "sensitive"]},
    }
    required = ["field", "op"]
    if value is not None:
        properties["value"] = value
        required.append("value")
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


CRITERIA_SCHEMA: Final[dict[str, Any]] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://canon.dev/schemas/criteria.json",
    "title": "Canon qualification criteria",
    "description": "A rule tree: groups (all, any, not) of comparisons. Semantics: docs/api.md, Criteria.",
    "$ref": "#/$defs/rule",
    "$defs": {
        "rule": {"oneOf": [{"$ref": "#/$defs/group"}, {"$ref": "#/$defs/comparison"}]},
        "group": {
            "oneOf": [
                {
                    "type": "object",
                    "properties": {"all": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/rule"}}},
                    "required": ["all"],
                    "additionalProperties": False,
                    "patternProperties": {"^label$": _LABEL},
                },
                {
                    "type": "object",
                    "properties": {"any": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/rule"}}},
                    "required": ["any"],
                    "additionalProperties": False,
                    "patternProperties": {"^label$": _LABEL},
                },
                {
                    "type": "object",
                    "properties": {"not": {"$ref": "#/$defs/rule"}},
                    "required": ["not"],
                    "additionalProperties": False,
                    "patternProperties": {"^label$": _LABEL},
                },
            ]
        },
        "comparison": {
            "oneOf": [
                _comparison(["eq", "ne", "contains"], _SCALAR),
                _comparison(["gt", "gte", "lt", "lte"], {"type": ["number", "string"]}),
                _comparison(["in", "not_in"], {"type": "array", "minItems": 1, "items": _SCALAR}),
                _comparison(["starts_with"], {"type": "string"}),
                _comparison(
                    ["between"],
                    {
                        "oneOf": [
                            {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
                            {"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 2},
                        ]
                    },
                ),
                _comparison(
                    ["within"],
                    {"type": "string", "pattern": r"^P(?!$)(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$"},
                ),
                _comparison(["exists"], None)
                | {"properties": {**_comparison(["exists"], None)["properties"], "value": {"type": "boolean"}}},
            ]
        },
    },
}
