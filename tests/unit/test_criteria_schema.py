"""`schemas/criteria.json` says what `service/domain/criteria.py` accepts, for integrators' own checks."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from jsonschema import Draft202012Validator

from service.domain.criteria import validate_criteria
from service.domain.criteria_schema import CRITERIA_SCHEMA
from tests.unit.test_criteria import rich_trees

VALIDATOR = Draft202012Validator(CRITERIA_SCHEMA)


def test_the_schema_is_a_valid_json_schema() -> None:
    Draft202012Validator.check_schema(CRITERIA_SCHEMA)


@given(rich_trees)
def test_every_tree_canon_accepts_the_schema_accepts(tree: dict[str, Any]) -> None:
    assert validate_criteria(tree) == []
    assert VALIDATOR.is_valid(tree), list(VALIDATOR.iter_errors(tree))


@pytest.mark.parametrize(
    "tree",
    [
        {"field": "a", "op": "about", "value": 1},
        {"field": "a", "op": "eq"},
        {"field": "", "op": "eq", "value": 1},
        {"field": "a", "op": "eq", "value": 1, "weight": 2},
        {"field": "a", "op": "in", "value": []},
        {"field": "a", "op": "between", "value": [1, "2"]},
        {"field": "a", "op": "within", "value": "30 days"},
        {"field": "a", "op": "within", "value": "P"},
        {"field": "a", "op": "starts_with", "value": 4},
        {"field": "a", "op": "eq", "value": "x", "case": "upper"},
        {"all": []},
        {"all": [{"field": "a", "op": "exists"}], "any": [{"field": "a", "op": "exists"}]},
        {"not": {"field": "a", "op": "exists"}, "label": ""},
        [],
    ],
)
def test_trees_canon_refuses_the_schema_refuses(tree: Any) -> None:
    assert validate_criteria(tree) != []
    assert not VALIDATOR.is_valid(tree)
