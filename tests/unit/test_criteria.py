from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.domain.criteria import (
    MAX_DEPTH,
    MAX_NODES,
    OPERATORS,
    Evaluation,
    RuleOutcome,
    compile_matcher,
    ensure_valid_criteria,
    evaluate,
    validate_criteria,
)
from service.domain.errors import FieldError, Invalid

MQL: dict[str, Any] = {
    "all": [
        {"field": "company.employees", "op": "gte", "value": 50},
        {"field": "company.country", "op": "in", "value": ["DE", "AT", "CH"]},
        {"not": {"field": "email", "op": "contains", "value": "@gmail.com"}},
        {
            "label": "engaged",
            "any": [
                {"field": "score", "op": "gte", "value": 60},
                {"field": "requested_demo", "op": "eq", "value": True},
            ],
        },
    ]
}

OPS = "eq, ne, gt, gte, lt, lte, in, not_in, contains, starts_with, between, within, exists"


def comparison(field: str = "a", op: str = "eq", value: object = 1) -> dict[str, Any]:
    return {"field": field, "op": op, "value": value}


def nested(depth: int) -> dict[str, Any]:
    node: dict[str, Any] = comparison()
    for _ in range(depth - 1):
        node = {"not": node}
    return node


def failures(evaluation: Evaluation) -> list[tuple[str, object, str | None]]:
    return [(o.path, o.actual, o.reason) for o in evaluation.outcomes if not o.passed]


def check(op: str, value: object, actual: object) -> RuleOutcome:
    evaluation = evaluate(comparison("x", op, value), {"x": actual})
    assert len(evaluation.outcomes) == 1
    assert evaluation.matched is evaluation.outcomes[0].passed
    return evaluation.outcomes[0]


# --- evaluation: a realistic tree -----------------------------------------------------------------------------------


def test_mql_tree_is_valid() -> None:
    assert validate_criteria(MQL) == []


def test_qualifying_lead_matches_and_reports_every_rule_in_document_order() -> None:
    lead = {
        "email": "ana@acme.de",
        "company": {"employees": 120, "country": "DE"},
        "score": 40,
        "requested_demo": True,
    }
    result = evaluate(MQL, lead)
    assert result.matched is True
    assert result.outcomes == [
        RuleOutcome("", "all of 4 rules", True),
        RuleOutcome("/all/0", "company.employees gte 50", True, 120),
        RuleOutcome("/all/1", 'company.country in ["DE","AT","CH"]', True, "DE"),
        RuleOutcome("/all/2", 'not (email contains "@gmail.com")', True),
        RuleOutcome("/all/2/not", 'email contains "@gmail.com"', False, "ana@acme.de", 'does not contain "@gmail.com"'),
        RuleOutcome("/all/3", "engaged", True),
        RuleOutcome("/all/3/any/0", "score gte 60", False, 40, "not greater than or equal to 60"),
        RuleOutcome("/all/3/any/1", "requested_demo eq true", True, True),
    ]


def test_non_qualifying_lead_gets_every_failing_reason() -> None:
    lead = {
        "email": "bob@gmail.com",
        "company": {"employees": "120", "country": "US"},
        "score": 59,
        "requested_demo": 1,
    }
    result = evaluate(MQL, lead)
    assert result.matched is False
    assert failures(result) == [
        ("", None, "4 of 4 rules failed"),
        ("/all/0", "120", "type mismatch: expected number, got string"),
        ("/all/1", "US", 'not one of ["DE","AT","CH"]'),
        ("/all/2", None, "the negated rule passed"),
        ("/all/3", None, "none of 2 rules passed"),
        ("/all/3/any/0", 59, "not greater than or equal to 60"),
        ("/all/3/any/1", 1, "type mismatch: expected boolean, got number"),
    ]


def test_lead_without_company_fails_on_missing_fields() -> None:
    result = evaluate(MQL, {"email": "c@acme.io", "score": 80})
    assert result.matched is False
    # A rule under `not` or `any` may fail while its group passes: read each outcome with its parent's.
    assert failures(result) == [
        ("", None, "2 of 4 rules failed"),
        ("/all/0", None, "field missing"),
        ("/all/1", None, "field missing"),
        ("/all/2/not", "c@acme.io", 'does not contain "@gmail.com"'),
        ("/all/3/any/1", None, "field missing"),
    ]


def test_evaluate_refuses_an_invalid_tree() -> None:
    with pytest.raises(Invalid) as caught:
        evaluate({"all": []}, {})
    assert caught.value.errors == [FieldError("/all", "'all' must be a non-empty array of rules")]


# --- evaluation: operators ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("op", "value", "actual", "reason"),
    [
        ("eq", "DE", "DE", None),
        ("eq", 50, 50.0, None),
        ("eq", None, None, None),
        ("eq", "DE", "FR", 'not equal to "DE"'),
        ("eq", 1, True, "type mismatch: expected number, got boolean"),
        ("eq", True, 1, "type mismatch: expected boolean, got number"),
        ("eq", False, 0, "type mismatch: expected boolean, got number"),
        ("eq", "1", 1, "type mismatch: expected string, got number"),
        ("eq", None, "x", "type mismatch: expected null, got string"),
        ("ne", "DE", "FR", None),
        ("ne", 1, True, None),
        ("ne", "DE", "DE", 'equal to "DE"'),
        ("ne", 2, 2.0, "equal to 2"),
        ("gt", 50, 51, None),
        ("gt", 50, 50, "not greater than 50"),
        ("gt", 50, 50.5, None),
        ("gte", 50, 50, None),
        ("gte", 50, 49.9, "not greater than or equal to 50"),
        ("lt", 50, 49, None),
        ("lt", 50, 50, "not less than 50"),
        ("lte", 50, 50, None),
        ("lte", 50, 51, "not less than or equal to 50"),
        ("gte", "2024-01-01", "2024-03-15", None),
        ("lt", "2024-01-01", "2024-03-15", 'not less than "2024-01-01"'),
        ("gt", 50, "51", "type mismatch: expected number, got string"),
        ("gt", "2024-01-01", 20240101, "type mismatch: expected string, got number"),
        ("gt", 0, True, "type mismatch: expected number, got boolean"),
        ("lte", 10, None, "type mismatch: expected number, got null"),
        ("lt", 10, [1], "type mismatch: expected number, got array"),
        ("in", ["DE", "AT"], "AT", None),
        ("in", [1, 2], 2.0, None),
        ("in", ["DE", "AT"], "US", 'not one of ["DE","AT"]'),
        ("in", [1, 2], True, "not one of [1,2]"),
        ("in", [None], None, None),
        ("in", ["DE"], ["DE"], "type mismatch: expected a scalar, got array"),
        ("not_in", ["DE", "AT"], "US", None),
        ("not_in", ["DE", "AT"], "DE", 'one of ["DE","AT"]'),
        ("not_in", [0], False, None),
        ("contains", "@gmail", "x@gmail.com", None),
        ("contains", "@gmail", "x@acme.com", 'does not contain "@gmail"'),
        ("contains", "vip", ["new", "vip"], None),
        ("contains", 1, [True, 2], "does not contain 1"),
        ("contains", 1, "123", "type mismatch: cannot search a string for a number"),
        ("contains", "a", {"a": 1}, "type mismatch: expected string or array, got object"),
        ("contains", "a", None, "type mismatch: expected string or array, got null"),
        ("exists", True, "x", None),
        ("exists", True, 0, None),
        ("exists", True, None, "field is null"),
        ("exists", False, None, None),
        ("exists", False, "x", "field exists"),
    ],
)
def test_operator(op: str, value: object, actual: object, reason: str | None) -> None:
    outcome = check(op, value, actual)
    assert (outcome.passed, outcome.reason, outcome.actual) == (reason is None, reason, actual)


def test_every_operator_is_covered() -> None:
    assert frozenset(OPS.split(", ")) == OPERATORS


@pytest.mark.parametrize("op", sorted(OPERATORS - {"exists"}))
def test_missing_field_fails_every_operator_but_exists(op: str) -> None:
    value = {"in": ["x"], "not_in": ["x"], "between": ["a", "b"], "within": "P1D"}.get(op, "x")
    outcome = evaluate(comparison("company.name", op, value), {"company": {}}).outcomes[0]
    assert (outcome.passed, outcome.actual, outcome.reason) == (False, None, "field missing")


def test_exists_on_missing_field() -> None:
    assert evaluate({"field": "a.b", "op": "exists"}, {"a": 1}).outcomes[0] == RuleOutcome(
        "", "a.b exists", False, None, "field missing"
    )
    assert evaluate({"field": "a.b", "op": "exists", "value": False}, {}).matched is True


def test_nested_paths_walk_objects_only() -> None:
    record = {"company": {"address": {"city": "Berlin"}}, "tags": ["a", "b"], "plain": "text"}
    assert evaluate(comparison("company.address.city", "eq", "Berlin"), record).matched is True
    assert evaluate(comparison("tags.0", "eq", "a"), record).outcomes[0].reason == "field missing"
    assert evaluate(comparison("plain.length", "eq", 4), record).outcomes[0].reason == "field missing"


def test_label_replaces_generated_rule_text() -> None:
    tree = {"label": "big company", "field": "employees", "op": "gte", "value": 50}
    assert evaluate(tree, {"employees": 10}).outcomes[0].rule == "big company"


def test_groups_do_not_short_circuit() -> None:
    tree = {"any": [comparison("a", "eq", 1), comparison("b", "eq", 2), comparison("c", "eq", 3)]}
    result = evaluate(tree, {"a": 1})
    assert result.matched is True
    assert [o.path for o in result.outcomes] == ["", "/any/0", "/any/1", "/any/2"]
    assert result.outcomes[0].rule == "any of 3 rules"


def test_outcomes_encode_as_json() -> None:
    import msgspec

    result = evaluate({"not": comparison("a", "eq", 1)}, {"a": 1})
    assert msgspec.json.decode(msgspec.json.encode(result)) == {
        "matched": False,
        "outcomes": [
            {"path": "", "rule": "not (a eq 1)", "passed": False, "actual": None, "reason": "the negated rule passed"},
            {"path": "/not", "rule": "a eq 1", "passed": True, "actual": 1, "reason": None},
        ],
    }


# --- validation -----------------------------------------------------------------------------------------------------


def faults(tree: object, pointer: str = "/criteria") -> list[tuple[str, str]]:
    return [(error.pointer, error.detail) for error in validate_criteria(tree, pointer)]


@pytest.mark.parametrize(
    ("tree", "expected"),
    [
        (
            {"all": [comparison(op="gtx")]},
            [("/criteria/all/0/op", f"unknown operator 'gtx'; expected one of {OPS}")],
        ),
        (
            {"field": "a", "op": 3, "value": 1},
            [("/criteria/op", f"op must be a string, got number; expected one of {OPS}")],
        ),
        (
            {"field": "a", "op": "gt", "value": True},
            [("/criteria/value", "value for 'gt' must be a number or a string")],
        ),
        (
            {"field": "a", "op": "lte", "value": None},
            [("/criteria/value", "value for 'lte' must be a number or a string")],
        ),
        (
            {"field": "a", "op": "gte", "value": float("nan")},
            [("/criteria/value", "value for 'gte' must be a number or a string")],
        ),
        (
            {"field": "a", "op": "eq", "value": [1]},
            [("/criteria/value", "value for 'eq' must be a scalar (string, number, boolean or null)")],
        ),
        (
            {"field": "a", "op": "ne", "value": {"x": 1}},
            [("/criteria/value", "value for 'ne' must be a scalar (string, number, boolean or null)")],
        ),
        (
            {"field": "a", "op": "contains", "value": ["x"]},
            [("/criteria/value", "value for 'contains' must be a scalar (string, number, boolean or null)")],
        ),
        (
            {"field": "a", "op": "in", "value": []},
            [("/criteria/value", "value for 'in' must be a non-empty array of scalars")],
        ),
        (
            {"field": "a", "op": "not_in", "value": "DE"},
            [("/criteria/value", "value for 'not_in' must be a non-empty array of scalars")],
        ),
        (
            {"field": "a", "op": "in", "value": ["DE", ["AT"], {}]},
            [
                ("/criteria/value/1", "each value for 'in' must be a scalar (string, number, boolean or null)"),
                ("/criteria/value/2", "each value for 'in' must be a scalar (string, number, boolean or null)"),
            ],
        ),
        (
            {"field": "a", "op": "exists", "value": 1},
            [("/criteria/value", "value for 'exists' must be a boolean")],
        ),
        ({"field": "a", "op": "eq"}, [("/criteria/value", "missing required key 'value' for 'eq'")]),
        ({"all": []}, [("/criteria/all", "'all' must be a non-empty array of rules")]),
        ({"any": {"field": "a"}}, [("/criteria/any", "'any' must be a non-empty array of rules")]),
        ({"not": [comparison()]}, [("/criteria/not", "rule must be an object, got array")]),
        (
            {"all": [comparison()], "any": [comparison()]},
            [("/criteria/any", "unexpected key 'any'; a rule takes exactly one of 'all', 'any' or 'not'")],
        ),
        (
            {"all": [comparison()], "field": "a"},
            [("/criteria/field", "unknown key 'field'; expected one of 'all', 'label'")],
        ),
        (
            {**comparison(), "weight": 2, "a/b~c": 1},
            [
                (
                    "/criteria/weight",
                    "unknown key 'weight'; expected one of 'field', 'op', 'value', 'label', 'type', 'case'",
                ),
                (
                    "/criteria/a~1b~0c",
                    "unknown key 'a/b~c'; expected one of 'field', 'op', 'value', 'label', 'type', 'case'",
                ),
            ],
        ),
        ({"op": "eq", "value": 1}, [("/criteria/field", "missing required key 'field'")]),
        ({"field": "a", "value": 1}, [("/criteria/op", "missing required key 'op'")]),
        (
            {"field": "a..b", "op": "eq", "value": 1},
            [("/criteria/field", "field must be a non-empty dot path such as 'company.employees'")],
        ),
        (
            {"field": "", "op": "eq", "value": 1},
            [("/criteria/field", "field must be a non-empty dot path such as 'company.employees'")],
        ),
        (
            {"field": 7, "op": "eq", "value": 1},
            [("/criteria/field", "field must be a non-empty dot path such as 'company.employees'")],
        ),
        ({**comparison(), "label": " "}, [("/criteria/label", "label must be a non-empty string")]),
        (
            {"label": "x"},
            [("/criteria", "rule must be a group ('all', 'any' or 'not') or a comparison ('field', 'op', 'value')")],
        ),
        (
            {"alll": []},
            [
                ("/criteria/alll", "unknown key 'alll'; expected one of 'label'"),
                (
                    "/criteria",
                    "rule must be a group ('all', 'any' or 'not') or a comparison ('field', 'op', 'value')",
                ),
            ],
        ),
        ("employees > 50", [("/criteria", "rule must be an object, got string")]),
        (None, [("/criteria", "rule must be an object, got null")]),
    ],
)
def test_validation_fault(tree: object, expected: list[tuple[str, str]]) -> None:
    assert faults(tree) == expected


def test_validation_reports_every_fault_across_the_tree() -> None:
    tree = {
        "all": [
            {"field": "a", "op": "gtx", "value": 1},
            {"any": []},
            {"not": {"field": "b", "op": "in", "value": [1, [2]]}},
            {"field": "c", "op": "exists", "value": "yes", "note": 1},
        ]
    }
    assert [pointer for pointer, _ in faults(tree)] == [
        "/criteria/all/0/op",
        "/criteria/all/1/any",
        "/criteria/all/2/not/value/1",
        "/criteria/all/3/note",
        "/criteria/all/3/value",
    ]


def test_valid_variants() -> None:
    assert faults({"field": "a", "op": "exists"}) == []
    assert faults({"field": "a", "op": "eq", "value": None, "label": "a is null"}) == []
    assert faults({"field": "signup", "op": "gte", "value": "2024-01-01"}) == []
    assert faults({"field": "n", "op": "in", "value": [1, "1", True, None, 2.5]}) == []


def test_pointer_prefix_is_caller_supplied() -> None:
    assert faults({"all": []}, "/versions/0/criteria") == [
        ("/versions/0/criteria/all", "'all' must be a non-empty array of rules")
    ]


def test_depth_limit() -> None:
    assert faults(nested(MAX_DEPTH)) == []
    assert faults(nested(MAX_DEPTH + 1)) == [("/criteria" + "/not" * MAX_DEPTH, "criteria nest deeper than 16 levels")]


def test_depth_limit_stops_descent_into_huge_nesting() -> None:
    node: object = comparison()
    for _ in range(5000):
        node = [node]
    assert faults({"not": {"all": node}}) == [("/criteria/not/all/0", "rule must be an object, got array")]
    assert len(faults(nested(2000))) == 1


def test_node_limit() -> None:
    assert faults({"all": [comparison()] * (MAX_NODES - 1)}) == []
    assert faults({"all": [comparison()] * MAX_NODES}) == [("/criteria", "criteria have more than 256 rules")]


def test_node_limit_bounds_the_fault_list() -> None:
    errors = validate_criteria({"all": [{"field": "a", "op": "gtx", "value": 1}] * 10_000})
    assert len(errors) == MAX_NODES  # 255 children reported, then the limit itself
    assert errors[-1] == FieldError("/criteria", "criteria have more than 256 rules")


def test_ensure_valid_criteria() -> None:
    ensure_valid_criteria(MQL)
    with pytest.raises(Invalid) as caught:
        ensure_valid_criteria({"field": "a", "op": "gtx"})
    assert caught.value.detail == "criteria are invalid"
    assert caught.value.errors == [FieldError("/criteria/op", f"unknown operator 'gtx'; expected one of {OPS}")]


# --- properties -----------------------------------------------------------------------------------------------------

GRAMMAR_KEYS = st.sampled_from(["all", "any", "not", "field", "op", "value", "label"])
GRAMMAR_WORDS = st.sampled_from([*sorted(OPERATORS), "a", "a.b", "", "gtx"])
PATHS = st.sampled_from(["a", "b", "a.b", "a.b.c", "b.a"])
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text()
ORDERED = st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text()

json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5) | GRAMMAR_WORDS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(GRAMMAR_KEYS | st.text(max_size=3), children, max_size=4)
    ),
    max_leaves=40,
)


def _comparison(field: str, op: str, value: object) -> dict[str, Any]:
    return {"field": field, "op": op, "value": value}


comparisons = st.one_of(
    st.builds(_comparison, PATHS, st.sampled_from(["eq", "ne", "contains"]), SCALARS),
    st.builds(_comparison, PATHS, st.sampled_from(["gt", "gte", "lt", "lte"]), ORDERED),
    st.builds(_comparison, PATHS, st.sampled_from(["in", "not_in"]), st.lists(SCALARS, min_size=1, max_size=4)),
    st.builds(_comparison, PATHS, st.just("exists"), st.booleans()),
    st.builds(lambda field: {"field": field, "op": "exists", "label": "present"}, PATHS),
)

valid_trees = st.recursive(
    comparisons,
    lambda children: (
        st.builds(lambda xs: {"all": xs}, st.lists(children, min_size=1, max_size=3))
        | st.builds(lambda xs: {"any": xs}, st.lists(children, min_size=1, max_size=3))
        | st.builds(lambda x: {"not": x}, children)
    ),
    max_leaves=12,
)

record_values = st.recursive(
    SCALARS | st.floats(),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.sampled_from("abc"), children, max_size=3),
    max_leaves=12,
)
records = st.dictionaries(st.sampled_from("abc"), record_values, max_size=3)


@given(json_like)
def test_validate_never_raises(tree: object) -> None:
    errors = validate_criteria(tree)
    assert all(isinstance(error, FieldError) and error.pointer.startswith("/criteria") for error in errors)


@given(valid_trees, records)
def test_evaluate_never_raises_on_valid_trees(tree: dict[str, Any], record: dict[str, object]) -> None:
    assert validate_criteria(tree) == []
    result = evaluate(tree, record)
    assert result.outcomes[0].path == ""
    assert result.matched is result.outcomes[0].passed
    assert len({o.path for o in result.outcomes}) == len(result.outcomes)
    assert all((o.reason is None) is o.passed for o in result.outcomes)


# --- declared types, case, starts_with, between, within (issue 13) ------------------------------------------------

NOW = dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.UTC)


def passes(rule: dict[str, Any], record: dict[str, Any]) -> bool:
    assert validate_criteria(rule) == [], validate_criteria(rule)
    return evaluate(rule, record, now=NOW).matched


def reason(rule: dict[str, Any], record: dict[str, Any]) -> str | None:
    return evaluate(rule, record, now=NOW).outcomes[0].reason


def test_a_declared_number_reads_numbers_that_arrive_as_strings() -> None:
    rule = {"field": "score", "op": "gte", "value": 60, "type": "number"}
    assert passes(rule, {"score": "72"})
    assert passes(rule, {"score": " 60.0 "})
    assert not passes(rule, {"score": "59"})
    assert reason(rule, {"score": "lots"}) == 'cannot read "lots" as a number'
    assert reason(rule, {"score": True}) == "cannot read true as a number"
    # Without the declaration a string is not a number, as before.
    assert reason({"field": "score", "op": "gte", "value": 60}, {"score": "72"}) == (
        "type mismatch: expected number, got string"
    )


def test_declared_booleans_dates_datetimes_and_strings() -> None:
    assert passes({"field": "demo", "op": "eq", "value": True, "type": "boolean"}, {"demo": "Yes"})
    assert not passes({"field": "demo", "op": "eq", "value": True, "type": "boolean"}, {"demo": "0"})
    since = {"field": "signed", "op": "gte", "value": "2026-01-01", "type": "date"}
    assert passes(since, {"signed": "2026-03-01"})
    assert passes(since, {"signed": "2026-03-01T23:30:00-05:00"})  # 04:30 UTC on 2 March
    assert not passes(since, {"signed": "2025-12-31"})
    assert reason(since, {"signed": "31/12/2025"}) == 'cannot read "31/12/2025" as a date'
    at = {"field": "at", "op": "lt", "value": "2026-01-01T00:00:00Z", "type": "datetime"}
    assert passes(at, {"at": "2025-12-31T23:59:59"})  # no offset: UTC
    assert passes(at, {"at": "2026-01-01T01:00:00+02:00"})  # 23:00 UTC the day before
    assert not passes(at, {"at": "2026-01-01T00:00:00Z"})
    assert passes({"field": "zip", "op": "eq", "value": "10115", "type": "string"}, {"zip": 10115})


def test_case_insensitive_comparisons() -> None:
    rule = {"field": "country", "op": "in", "value": ["DE", "AT"], "case": "insensitive"}
    assert passes(rule, {"country": "de"})
    assert not passes({"field": "country", "op": "in", "value": ["DE", "AT"]}, {"country": "de"})
    assert passes({"field": "title", "op": "contains", "value": "VP", "case": "insensitive"}, {"title": "svp sales"})
    assert passes({"field": "email", "op": "eq", "value": "A@X.COM", "case": "insensitive"}, {"email": "a@x.com"})


def test_starts_with_and_between() -> None:
    assert passes({"field": "phone", "op": "starts_with", "value": "+49"}, {"phone": "+49 30 1234"})
    assert reason({"field": "phone", "op": "starts_with", "value": "+49"}, {"phone": "+43 1"}) == (
        'does not start with "+49"'
    )
    size = {"field": "employees", "op": "between", "value": [50, 500]}
    assert passes(size, {"employees": 50})
    assert passes(size, {"employees": 500})
    assert reason(size, {"employees": 501}) == "not between 50 and 500"
    assert passes({**size, "type": "number"}, {"employees": "120"})


def test_within_a_relative_period_counts_back_from_the_evaluations_instant() -> None:
    recent = {"field": "last_engaged_at", "op": "within", "value": "P30D"}
    assert passes(recent, {"last_engaged_at": "2027-02-15T09:00:00Z"})
    assert passes(recent, {"last_engaged_at": "2027-02-01"})  # a date: from 00:00 UTC
    assert not passes(recent, {"last_engaged_at": "2027-01-30"})  # 30.5 days before
    assert reason(recent, {"last_engaged_at": "2026-12-01T00:00:00Z"}) == (
        "more than P30D before 2027-03-01T12:00:00+00:00"
    )
    assert (
        reason(recent, {"last_engaged_at": "2027-03-02T00:00:00Z"}) == "in the future (after 2027-03-01T12:00:00+00:00)"
    )
    assert reason(recent, {"last_engaged_at": "last week"}) == 'cannot read "last week" as a date or time'
    assert passes({"field": "seen", "op": "within", "value": "PT12H"}, {"seen": "2027-03-01T01:00:00Z"})


@pytest.mark.parametrize(
    ("rule", "pointer"),
    [
        ({"field": "a", "op": "gte", "value": 1, "type": "integer"}, "/criteria/type"),
        ({"field": "a", "op": "gte", "value": "soon", "type": "date"}, "/criteria/value"),
        ({"field": "a", "op": "in", "value": ["1", "x"], "type": "number"}, "/criteria/value/1"),
        ({"field": "a", "op": "eq", "value": "x", "case": "upper"}, "/criteria/case"),
        ({"field": "a", "op": "starts_with", "value": 4}, "/criteria/value"),
        ({"field": "a", "op": "between", "value": [1]}, "/criteria/value"),
        ({"field": "a", "op": "between", "value": [1, "2"]}, "/criteria/value"),
        ({"field": "a", "op": "within", "value": "30 days"}, "/criteria/value"),
        ({"field": "a", "op": "within", "value": "P"}, "/criteria/value"),
        # Longer than a duration can hold: refused, not an OverflowError (a 500).
        ({"field": "a", "op": "within", "value": "P200000000W"}, "/criteria/value"),
        ({"field": "a", "op": "within", "value": f"PT{10**20}S"}, "/criteria/value"),
        ({"field": "a", "op": "within", "value": "P1D", "type": "number"}, "/criteria/type"),
    ],
)
def test_new_rule_parts_are_validated_with_pointers(rule: dict[str, Any], pointer: str) -> None:
    assert [e.pointer for e in validate_criteria(rule)] == [pointer]


rich_comparisons = st.one_of(
    comparisons,
    st.builds(_comparison, PATHS, st.just("starts_with"), st.text(max_size=2)),
    st.builds(_comparison, PATHS, st.just("between"), st.tuples(st.integers(0, 5), st.integers(5, 9)).map(list)),
    st.builds(_comparison, PATHS, st.just("within"), st.sampled_from(["P1D", "PT12H", "P30D"])),
    st.builds(lambda field, value: {**_comparison(field, "gte", value), "type": "number"}, PATHS, st.integers(-5, 5)),
    st.builds(
        lambda field, value: {**_comparison(field, "eq", value), "case": "insensitive"}, PATHS, st.text(max_size=2)
    ),
)
rich_trees = st.recursive(
    rich_comparisons,
    lambda children: (
        st.builds(lambda xs: {"all": xs}, st.lists(children, min_size=1, max_size=3))
        | st.builds(lambda xs: {"any": xs}, st.lists(children, min_size=1, max_size=3))
        | st.builds(lambda x: {"not": x}, children)
    ),
    max_leaves=12,
)
rich_values = (
    record_values
    | st.sampled_from(["3", " 7 ", "x", "2027-02-28", "2027-03-01T11:00:00Z", "2026-01-01", "AB", "ab"])
    | st.integers(-10, 10)
)
rich_records = st.dictionaries(st.sampled_from("abc"), rich_values, max_size=3)


@given(rich_trees, rich_records)
def test_the_compiled_matcher_gives_the_full_evaluations_verdict(
    tree: dict[str, Any], record: dict[str, object]
) -> None:
    assert validate_criteria(tree) == []
    assert compile_matcher(tree)(record, NOW) is evaluate(tree, record, now=NOW).matched
