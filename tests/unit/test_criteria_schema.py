"""The criteria grammar, as `schemas/criteria.json` and as the OpenAPI document's `Criteria` components, says what
`service/domain/criteria.py` accepts: trees Canon accepts are valid by both, trees either refuses Canon refuses too,
and trees generated from the OpenAPI form are accepted by Canon but for the rules the schema says it cannot say."""

from __future__ import annotations

import re
import sys
from typing import Any

import jsonschema_rs
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from service.api.contract import criteria_components
from service.domain.criteria import MAX_DEPTH, validate_criteria
from service.domain.criteria_schema import CRITERIA_SCHEMA
from service.domain.errors import FieldError
from service.domain.model import NOT_BLANK
from tests.unit.test_criteria import nested, rich_trees

VALIDATOR = Draft202012Validator(CRITERIA_SCHEMA)
DOCUMENT_URI = "urn:canon:openapi"
# A document holding only the criteria components, with one operation whose body is a criteria tree: what a client
# generator or schemathesis reads of the grammar in openapi/openapi.json.
DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "criteria", "version": "1"},
    "paths": {
        "/criteria": {
            "post": {
                "operationId": "check_criteria",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Criteria"}}},
                },
                "responses": {"204": {"description": "valid"}},
            }
        }
    },
    "components": {"schemas": criteria_components()},
}
COMPONENT_VALIDATOR = Draft202012Validator(
    {"$ref": f"{DOCUMENT_URI}#/components/schemas/Criteria"},
    registry=Registry().with_resource(DOCUMENT_URI, Resource.from_contents(DOCUMENT, DRAFT202012)),
)

# What the schema cannot say (service/domain/criteria_schema.py), as the details Canon gives when it refuses a tree
# the schema accepts.
UNSAYABLE = (
    re.compile(r"cannot read .* as a (number|string|boolean|date|datetime)", re.DOTALL),
    re.compile(r"value for 'within' must be an ISO 8601 duration"),  # digits beyond what a duration can hold
    re.compile(f"criteria nest deeper than {MAX_DEPTH} levels"),
    re.compile(r"criteria have more than \d+ rules"),
)

REFUSED: list[Any] = [
    {"field": "a", "op": "about", "value": 1},
    {"field": "a", "op": "eq"},
    {"field": "", "op": "eq", "value": 1},
    {"field": "a..b", "op": "eq", "value": 1},
    {"field": "a", "op": "eq", "value": 1, "weight": 2},
    {"field": "a", "op": "eq", "value": [1]},
    {"field": "a", "op": "gt", "value": True},
    {"field": "a", "op": "in", "value": []},
    {"field": "a", "op": "in", "value": [[1]]},
    {"field": "a", "op": "between", "value": [1, "2"]},
    {"field": "a", "op": "between", "value": [1, 2, 3]},
    {"field": "a", "op": "within", "value": "30 days"},
    {"field": "a", "op": "within", "value": "P"},
    {"field": "a", "op": "within", "value": "P1D", "type": "number"},
    {"field": "a", "op": "starts_with", "value": 4},
    {"field": "a", "op": "exists", "value": "yes"},
    {"field": "a", "op": "eq", "value": "x", "case": "upper"},
    {"field": "a", "op": "eq", "value": 1, "type": "integer"},
    {"field": "a", "op": "eq", "value": 1, "label": " \t\u3000"},
    {"all": []},
    {"any": {"field": "a", "op": "exists"}},
    {"all": [{"field": "a", "op": "exists"}], "any": [{"field": "a", "op": "exists"}]},
    {"not": {"field": "a", "op": "exists"}, "label": ""},
    {"not": [{"field": "a", "op": "exists"}]},
    {"label": "nothing else"},
    {},
    [],
    "a == 1",
    None,
]


def _canon_accepts(tree: object) -> bool:
    return validate_criteria(tree) == []


def _unsayable(error: FieldError) -> bool:
    return any(pattern.search(error.detail) for pattern in UNSAYABLE)


def test_both_forms_are_valid_json_schema() -> None:
    Draft202012Validator.check_schema(CRITERIA_SCHEMA)
    for name, schema in criteria_components().items():
        Draft202012Validator.check_schema(schema)
        assert "$defs" not in schema, name
    assert set(criteria_components()) == {"Criteria"} | {
        "Criteria" + name[0].upper() + name[1:] for name in CRITERIA_SCHEMA["$defs"]
    }


@given(rich_trees)
def test_every_tree_canon_accepts_both_forms_accept(tree: dict[str, Any]) -> None:
    assert _canon_accepts(tree)
    assert VALIDATOR.is_valid(tree), list(VALIDATOR.iter_errors(tree))
    assert COMPONENT_VALIDATOR.is_valid(tree), list(COMPONENT_VALIDATOR.iter_errors(tree))


@pytest.mark.parametrize("tree", REFUSED)
def test_trees_the_schema_refuses_canon_refuses(tree: Any) -> None:
    assert not VALIDATOR.is_valid(tree)
    assert not COMPONENT_VALIDATOR.is_valid(tree)
    assert not _canon_accepts(tree)


def test_what_the_schema_cannot_say_canon_refuses() -> None:
    cannot_say = [
        {"field": "a", "op": "gte", "value": "soon", "type": "number"},
        {"field": "a", "op": "in", "value": ["2027-01-01", "x"], "type": "date"},
        {"field": "a", "op": "within", "value": f"P{10**12}D"},
        nested(MAX_DEPTH + 1),
        {"any": [{"field": "a", "op": "exists"}] * 300},
    ]
    for tree in cannot_say:
        assert VALIDATOR.is_valid(tree)
        assert COMPONENT_VALIDATOR.is_valid(tree)
        errors = validate_criteria(tree)
        assert errors, tree
        assert all(_unsayable(error) for error in errors), errors


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(schemathesis.openapi.from_dict(DOCUMENT)["/criteria"]["POST"].as_strategy())
def test_trees_generated_from_the_contract_are_accepted_but_for_what_it_cannot_say(case: Any) -> None:
    tree = case.body
    assert COMPONENT_VALIDATOR.is_valid(tree)
    assert VALIDATOR.is_valid(tree)
    refusals = [error for error in validate_criteria(tree) if not _unsayable(error)]
    assert not refusals, f"Canon refuses a tree its contract allows: {refusals}\n{tree}"


def test_a_label_is_blank_for_the_schema_exactly_when_it_is_for_canon() -> None:
    # `criteria.py` calls a label blank when `str.strip()` leaves nothing; the schema's pattern lists those
    # characters, so validators whose `\s` differs from Python's (ECMA 262, Rust) agree with Canon too.
    pattern = re.compile(NOT_BLANK)
    disagree = [
        hex(code) for code in range(sys.maxunicode + 1) if bool(pattern.search(chr(code))) != bool(chr(code).strip())
    ]
    assert not disagree


@pytest.mark.parametrize("blank", ["\x1c", "\x85", "\u2007", "\u3000 \t"])
@pytest.mark.parametrize("engine", ["jsonschema", "jsonschema-rs"])
def test_labels_are_read_alike_by_python_and_rust_validators(blank: str, engine: str) -> None:
    tree = {"field": "a", "op": "exists", "label": blank}
    valid = jsonschema_rs.validator_for(CRITERIA_SCHEMA).is_valid if engine == "jsonschema-rs" else VALIDATOR.is_valid
    assert not _canon_accepts(tree)
    assert not valid(tree)
    assert _canon_accepts({**tree, "label": f"{blank}x"})
    assert valid({**tree, "label": f"{blank}x"})
