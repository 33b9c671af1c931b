"""Change summaries: criteria compared rule by rule, and a version's change in one line people read."""

from __future__ import annotations

import copy
from typing import Any

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from service.domain.change_summary import (
    MAX_SUMMARY,
    RuleChange,
    diff_criteria,
    one_line,
    summarize,
)
from service.domain.diff import diff_content
from service.domain.json_values import same_json
from tests.unit.test_criteria import comparisons, json_like, valid_trees

MQL_V2 = {
    "all": [
        {"field": "lead_score", "op": "gte", "value": 50},
        {"field": "company.employees", "op": "gte", "value": 20},
    ]
}


def texts(changes: list[RuleChange]) -> list[str]:
    return [change.text for change in changes]


# --- examples -----------------------------------------------------------------------------------------------------


def test_a_changed_threshold_is_one_rule_changed_at_its_pointer() -> None:
    after = copy.deepcopy(MQL_V2)
    after["all"][0]["value"] = 60
    [change] = diff_criteria(MQL_V2, after)
    assert change == RuleChange(
        change="modified",
        path="/all/0",
        text="/all/0 lead_score gte: 50 → 60",
        phrase="lead_score ≥ 60 (was ≥ 50)",
        before="lead_score gte 50",
        after="lead_score gte 60",
    )


def test_an_added_rule_leaves_its_neighbours_alone() -> None:
    after = copy.deepcopy(MQL_V2)
    after["all"].insert(1, {"field": "country", "op": "in", "value": ["US", "CA"]})
    [change] = diff_criteria(MQL_V2, after)
    assert (change.change, change.path, change.text, change.phrase) == (
        "added",
        "/all/1",
        "added: country in [US, CA]",
        "added country in [US, CA]",
    )


def test_a_removed_rule_is_named_at_its_place_in_the_older_tree() -> None:
    after = {"all": [MQL_V2["all"][1]]}
    [change] = diff_criteria(MQL_V2, after)
    assert (change.change, change.path, change.text, change.before) == (
        "removed",
        "/all/0",
        "removed: lead_score gte 50",
        "lead_score gte 50",
    )


def test_changed_added_and_removed_together() -> None:
    before = {
        "all": [
            {"field": "lead_score", "op": "gte", "value": 50},
            {"field": "region", "op": "eq", "value": "EMEA"},
            {"field": "email", "op": "exists"},
        ]
    }
    after = {
        "all": [
            {"field": "lead_score", "op": "gte", "value": 60},
            {"field": "email", "op": "exists"},
            {"field": "country", "op": "in", "value": ["US", "CA"]},
        ]
    }
    assert texts(diff_criteria(before, after)) == [
        "/all/0 lead_score gte: 50 → 60",
        "removed: region eq EMEA",
        "added: country in [US, CA]",
    ]


def test_an_operator_change_shows_both_tests() -> None:
    before = {"field": "score", "op": "gte", "value": 50}
    after = {"field": "score", "op": "between", "value": [50, 100]}
    [change] = diff_criteria(before, after)
    assert change.text == "score: gte 50 → between [50, 100]"
    assert change.phrase == "score between 50 and 100 (was ≥ 50)"


def test_declared_type_case_and_label_are_part_of_the_rule() -> None:
    before = {"field": "plan", "op": "eq", "value": "pro"}
    after = {"field": "plan", "op": "eq", "value": "pro", "case": "insensitive", "label": "Pro plan"}
    [change] = diff_criteria(before, after)
    assert change.text == "plan: eq pro → eq pro (case: insensitive, label: Pro plan)"
    assert change.phrase == 'plan = pro ignoring case ("Pro plan") (was = pro)'


def test_a_group_changing_from_all_to_any() -> None:
    before = {"all": [{"field": "a", "op": "eq", "value": 1}, {"field": "b", "op": "eq", "value": 2}]}
    after = {"any": [{"field": "a", "op": "eq", "value": 1}, {"field": "b", "op": "eq", "value": 3}]}
    assert texts(diff_criteria(before, after)) == ["all → any", "/any/1 b eq: 2 → 3"]


def test_nested_groups_are_followed_to_the_rule_that_changed() -> None:
    before = {"all": [{"field": "a", "op": "exists"}, {"any": [{"not": {"field": "b", "op": "eq", "value": True}}]}]}
    after = copy.deepcopy(before)
    after["all"][1]["any"][0]["not"]["value"] = False
    [change] = diff_criteria(before, after)
    assert change.path == "/all/1/any/0/not"
    assert change.text == "/all/1/any/0/not b eq: true → false"


def test_a_comparison_replaced_by_a_group_is_removed_and_added() -> None:
    before = {"field": "a", "op": "exists"}
    after = {"any": [{"field": "a", "op": "exists"}, {"field": "b", "op": "exists"}]}
    assert texts(diff_criteria(before, after)) == ["removed: a exists", "added: any(a exists, b exists)"]


def test_criteria_appearing_or_going_are_one_change() -> None:
    assert texts(diff_criteria(None, MQL_V2)) == ["added: all(lead_score gte 50, company.employees gte 20)"]
    assert texts(diff_criteria(MQL_V2, None)) == ["removed: all(lead_score gte 50, company.employees gte 20)"]
    assert diff_criteria(None, None) == []


def test_odd_values_outside_the_grammar_are_shown_as_json() -> None:
    [removed, added] = diff_criteria({"weird": [1, 2]}, 7)
    assert (removed.text, added.text) == ('removed: {"weird":[1,2]}', "added: 7")


def test_strings_that_would_read_ambiguously_are_quoted() -> None:
    before = {"field": "name", "op": "in", "value": ["Acme, Inc.", "", " pad", "two\nlines", "0\n", "plain words"]}
    [change] = diff_criteria(None, before)
    assert change.text == 'added: name in ["Acme, Inc.", "", " pad", "two\\nlines", "0\\n", plain words]'


def test_encoded_rule_changes_omit_what_does_not_apply() -> None:
    [change] = diff_criteria(None, {"field": "a", "op": "exists"})
    assert msgspec.to_builtins(change) == {
        "change": "added",
        "path": "",
        "text": "added: a exists",
        "phrase": "added a present",
        "after": "a exists",
    }


def test_a_version_summary_names_rules_then_fields() -> None:
    before = {
        "title": "MQL",
        "owners": ["marketing"],
        "tags": ["funnel", "legacy"],
        "criteria": MQL_V2,
        "body": "old",
        "summary": "s",
        "effective_date": None,
    }
    after = {
        **before,
        "title": "Marketing Qualified Lead",
        "owners": ["marketing", "sales"],
        "tags": ["funnel"],
        "criteria": {"all": [{"field": "lead_score", "op": "gte", "value": 60}, MQL_V2["all"][1]]},
        "body": "new",
        "summary": "t",
        "effective_date": "2027-01-01",
    }
    change = summarize(before, after)
    assert change.fields == ["body", "criteria", "effective_date", "owners", "summary", "tags", "title"]
    assert texts(change.criteria) == ["/all/0 lead_score gte: 50 → 60"]
    assert change.summary == (
        'lead_score ≥ 60 (was ≥ 50); title "Marketing Qualified Lead" (was "MQL"); owners +sales; tags -legacy; '
        "effective date 1 Jan 2027 (was none); body, summary edited"
    )


def test_first_versions_and_unchanged_versions() -> None:
    assert summarize(None, {"title": "MQL"}).summary == "first version"
    assert summarize({"title": "MQL"}, {"title": "MQL"}).summary == "no changes"
    assert summarize({"tags": ["a", "b"]}, {"tags": ["b", "a"]}).summary == "tags reordered"


def test_user_text_is_kept_on_one_line_and_short() -> None:
    title = "Line one\nline two\t" + "x" * 500
    summary = summarize({"title": "a"}, {"title": title}).summary
    assert "\n" not in summary
    assert summary.startswith('title "Line one line two xxx')
    assert len(summary) <= MAX_SUMMARY


def test_a_long_summary_counts_what_it_leaves_out() -> None:
    line = one_line([f"rule {n} " + "r" * 40 for n in range(20)])
    assert len(line) <= MAX_SUMMARY
    shown = line.count("; ") - 0
    assert line.endswith(f"; and {20 - shown} more")


def test_the_diff_carries_the_rule_changes_and_the_summary() -> None:
    after = copy.deepcopy(MQL_V2)
    after["all"][0]["value"] = 60
    diff = diff_content({"criteria": MQL_V2}, {"criteria": after}, from_version=2, to_version=3)
    assert [c.field for c in diff.changes] == ["criteria"]
    assert diff.changes[0].before == MQL_V2  # both trees, as before: clients keep working
    assert texts(diff.criteria_changes) == ["/all/0 lead_score gte: 50 → 60"]
    assert diff.summary == "lead_score ≥ 60 (was ≥ 50)"


# --- properties -----------------------------------------------------------------------------------------------------


def resolve(tree: object, pointer: str) -> object:
    node = tree
    for token in pointer.split("/")[1:]:
        node = node[int(token)] if isinstance(node, list) else node[token]  # type: ignore[index]
    return node


@given(valid_trees)
def test_a_tree_against_itself_has_no_changes(tree: dict[str, Any]) -> None:
    assert diff_criteria(tree, copy.deepcopy(tree)) == []


@settings(max_examples=300)
@given(valid_trees, valid_trees)
def test_changes_exist_exactly_when_the_trees_differ_and_point_at_their_rules(
    before: dict[str, Any], after: dict[str, Any]
) -> None:
    changes = diff_criteria(before, after)
    assert bool(changes) == (not same_json(before, after))
    for change in changes:
        if change.change == "removed":
            assert change.before == diff_criteria(resolve(before, change.path), None)[0].before
        else:
            node = resolve(after, change.path)  # the pointer names a rule of the newer tree
            assert isinstance(node, dict)
        if change.change == "added":
            assert change.after == diff_criteria(None, resolve(after, change.path))[0].after
        assert "\n" not in change.text


@given(valid_trees, comparisons, st.integers(min_value=0, max_value=5))
def test_a_rule_inserted_into_a_group_is_exactly_one_addition_there(
    tree: dict[str, Any], rule: dict[str, Any], position: int
) -> None:
    rules = [tree, {"field": "zz", "op": "exists"}]
    index = position % (len(rules) + 1)
    after = {"all": [*rules[:index], rule, *rules[index:]]}
    changes = diff_criteria({"all": rules}, after)
    assert [(c.change, c.path) for c in changes] == [("added", f"/all/{index}")] or any(
        same_json(rule, existing) for existing in rules
    )


@given(valid_trees, st.integers(min_value=-1000, max_value=1000))
def test_one_threshold_changed_is_one_modified_rule(tree: dict[str, Any], value: int) -> None:
    before = {"all": [tree, {"field": "zz", "op": "gte", "value": 1_000_001}]}
    after = copy.deepcopy(before)
    after["all"][1]["value"] = value
    [change] = diff_criteria(before, after)
    assert (change.change, change.path, change.text) == ("modified", "/all/1", f"/all/1 zz gte: 1000001 → {value}")


@given(json_like, json_like)
def test_summaries_never_fail_and_stay_one_short_line(before: object, after: object) -> None:
    summary = summarize({"criteria": before, "title": before}, {"criteria": after, "title": after}).summary
    assert summary
    assert "\n" not in summary
    assert len(summary) <= MAX_SUMMARY


@given(st.lists(st.text(), max_size=30))
def test_one_line_is_bounded(parts: list[str]) -> None:
    line = one_line(parts)
    assert len(line) <= MAX_SUMMARY
    assert not any(ch in line for ch in "\n\r\t")
