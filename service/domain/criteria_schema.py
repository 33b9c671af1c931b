"""The JSON Schema of qualification criteria (`schemas/criteria.json`, and `Criteria` in the OpenAPI document), for
integrators that write or check trees.

The rules it cannot say (at most 16 levels and 256 rules, a declared type's value readable as that type) are checked
by `service/domain/criteria.py`, which stays the authority; tests hold both to the same verdicts on valid and invalid
trees.

Its shape is chosen for code generators as well as validators: the root is a rule, every alternative is a named
definition (`$defs`), and the recursion (a group's rules) refers to the root, so each group and comparison can become
a class of its own (a union of unnamed objects that refer back to their union trips openapi-python-client).
"""

from __future__ import annotations

from typing import Any, Final

from service.domain.model import NOT_BLANK

DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"

_SCALAR: Final = {"type": ["string", "number", "boolean", "null"]}
_LABEL: Final = {
    "type": "string",
    "minLength": 1,
    "pattern": NOT_BLANK,  # what `str.strip()` removes, spelled out: engines read `\S` differently
    "description": "What the rule means, shown in evaluation results (not blank).",
}
_FIELD: Final = {
    "type": "string",
    "pattern": r"^[^.]+(\.[^.]+)*$",
    "description": "The record's field, a dot path: company.employees",
}
_RULES: Final = {"type": "array", "minItems": 1, "items": {"$ref": "#"}}
_VALUE_TYPE: Final = {"$ref": "#/$defs/valueType"}


def _group(key: str, rules: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "properties": {key: rules, "label": _LABEL},
        "required": [key],
        "additionalProperties": False,
    }


def _comparison(
    description: str,
    ops: list[str],
    value: dict[str, Any],
    *,
    value_required: bool = True,
    value_type: dict[str, Any] = _VALUE_TYPE,
) -> dict[str, Any]:
    op = {"type": "string", "enum": ops} if len(ops) > 1 else {"const": ops[0]}
    return {
        "type": "object",
        "description": description,
        "properties": {
            "field": _FIELD,
            "op": op,
            "value": value,
            "label": _LABEL,
            "type": value_type,
            "case": {"$ref": "#/$defs/case"},
        },
        "required": ["field", "op", "value"] if value_required else ["field", "op"],
        "additionalProperties": False,
    }


def _refs(*names: str) -> list[dict[str, str]]:
    return [{"$ref": f"#/$defs/{name}"} for name in names]


_GROUPS: Final = ("all", "any", "not")
_COMPARISONS: Final = (
    "scalarComparison",
    "orderComparison",
    "listComparison",
    "prefixComparison",
    "rangeComparison",
    "recencyComparison",
    "existsComparison",
)

CRITERIA_SCHEMA: Final[dict[str, Any]] = {
    "$schema": DIALECT,
    "$id": "https://canon.dev/schemas/criteria.json",
    "title": "Canon qualification criteria",
    "description": (
        "A rule tree: groups (all, any, not) of comparisons. Semantics: docs/api.md, Criteria. Canon also refuses "
        "trees deeper than 16 levels or with more than 256 rules, and values it cannot read as their declared type."
    ),
    "oneOf": _refs("group", "comparison"),
    "$defs": {
        "group": {"description": "Rules combined.", "oneOf": _refs(*_GROUPS)},
        "comparison": {"description": "A test of one field of the record.", "oneOf": _refs(*_COMPARISONS)},
        "all": _group("all", _RULES, "Passes when every rule passes."),
        "any": _group("any", _RULES, "Passes when at least one rule passes."),
        "not": _group("not", {"$ref": "#"}, "Passes when its rule fails."),
        "valueType": {
            "type": "string",
            "enum": ["number", "string", "boolean", "date", "datetime"],
            "description": "Read the record's value, and the rule's, as this type before comparing.",
        },
        "case": {
            "type": "string",
            "enum": ["insensitive", "sensitive"],
            "description": "How strings compare (default: sensitive).",
        },
        "scalarComparison": _comparison(
            "Equal, not equal, or containing one value.", ["eq", "ne", "contains"], _SCALAR
        ),
        "orderComparison": _comparison(
            "Greater or less than a number or a string.", ["gt", "gte", "lt", "lte"], {"type": ["number", "string"]}
        ),
        "listComparison": _comparison(
            "One of the values, or none of them.", ["in", "not_in"], {"type": "array", "minItems": 1, "items": _SCALAR}
        ),
        "prefixComparison": _comparison("Starts with the string.", ["starts_with"], {"type": "string"}),
        "rangeComparison": _comparison(
            "Between two numbers or two strings, both included.",
            ["between"],
            {
                "oneOf": [
                    {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
                    {"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 2},
                ]
            },
        ),
        "recencyComparison": _comparison(
            "A date or time no longer ago than the ISO 8601 duration (P30D, PT12H), counted back from now or as_of.",
            ["within"],
            {"type": "string", "pattern": r"^P(?!$)(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$"},
            value_type={"type": "string", "enum": ["date", "datetime"]},
        ),
        "existsComparison": _comparison(
            "The field is present and not null (value true, the default) or absent or null (value false).",
            ["exists"],
            {"type": "boolean"},
            value_required=False,
        ),
    },
}
