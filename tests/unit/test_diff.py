from __future__ import annotations

import difflib
from collections.abc import Mapping

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.domain.diff import FieldChange, LineDiff, VersionDiff, changed_fields, diff_content, line_diff

BASE: dict[str, object] = {
    "summary": "Marketing qualified lead",
    "body": "A lead that marketing has qualified.\n",
    "aliases": ["MQL", "marketing lead"],
    "examples": [],
    "related": ["sql"],
    "effective_date": "2026-01-01",
    "criteria": {"all": [{"field": "score", "op": ">=", "value": 50}]},
}


def _diff(before: Mapping[str, object], after: Mapping[str, object], a: int = 1, b: int = 2) -> VersionDiff:
    return diff_content(before, after, from_version=a, to_version=b)


def _mirror(change: FieldChange) -> FieldChange:
    kind = {"added": "removed", "removed": "added"}.get(change.change, change.change)
    return FieldChange(
        field=change.field,
        change=kind,
        before=change.after,
        after=change.before,
        added_items=change.removed_items,
        removed_items=change.added_items,
    )


def test_identical_contents_have_no_changes() -> None:
    diff = _diff(BASE, dict(BASE))
    assert diff == VersionDiff(
        from_version=1, to_version=2, changes=[], text=[], criteria_changes=[], summary="no changes"
    )
    assert changed_fields(BASE, dict(BASE)) == []


def test_absent_and_none_are_the_same() -> None:
    before = {k: v for k, v in BASE.items() if k != "effective_date"}
    assert _diff(before, {**before, "effective_date": None}).changes == []


def test_added_field() -> None:
    before = {**BASE, "effective_date": None}
    assert _diff(before, BASE).changes == [FieldChange(field="effective_date", change="added", after="2026-01-01")]


def test_removed_field() -> None:
    after = {k: v for k, v in BASE.items() if k != "effective_date"}
    assert _diff(BASE, after).changes == [FieldChange(field="effective_date", change="removed", before="2026-01-01")]


def test_modified_scalar_field() -> None:
    after = {**BASE, "summary": "MQL"}
    assert _diff(BASE, after).changes == [
        FieldChange(field="summary", change="modified", before="Marketing qualified lead", after="MQL")
    ]


def test_changes_are_sorted_and_unchanged_fields_omitted() -> None:
    after = {**BASE, "summary": "MQL", "aliases": ["MQL"], "effective_date": None}
    assert [c.field for c in _diff(BASE, after).changes] == ["aliases", "effective_date", "summary"]


def test_defaults_are_omitted_when_encoded() -> None:
    change = FieldChange(field="effective_date", change="added", after="2026-01-01")
    assert msgspec.json.decode(msgspec.json.encode(change)) == {
        "field": "effective_date",
        "change": "added",
        "after": "2026-01-01",
    }


def test_list_items_added_and_removed() -> None:
    after = {**BASE, "aliases": ["MQL", "qualified lead", "mql"]}
    (change,) = _diff(BASE, after).changes
    assert change == FieldChange(
        field="aliases",
        change="modified",
        before=["MQL", "marketing lead"],
        after=["MQL", "qualified lead", "mql"],
        added_items=["qualified lead", "mql"],
        removed_items=["marketing lead"],
    )


def test_list_items_when_list_appears_or_disappears() -> None:
    (added,) = _diff({"aliases": None}, {"aliases": ["a", "b"]}).changes
    assert (added.change, added.added_items, added.removed_items) == ("added", ["a", "b"], [])
    (removed,) = _diff({"aliases": ["a"]}, {}).changes
    assert (removed.change, removed.added_items, removed.removed_items) == ("removed", [], ["a"])


def test_list_duplicates_are_counted() -> None:
    (change,) = _diff({"examples": ["a", "a", "b"]}, {"examples": ["b", "a", "c", "c"]}).changes
    assert change.added_items == ["c", "c"]
    assert change.removed_items == ["a"]


def test_list_reorder_is_modified_without_items() -> None:
    (change,) = _diff({"related": ["a", "b"]}, {"related": ["b", "a"]}).changes
    assert (change.change, change.added_items, change.removed_items) == ("modified", [], [])


def test_list_of_objects_compared_structurally() -> None:
    before = {"examples": [{"k": 1, "v": [1, 2]}, {"k": 2}]}
    after = {"examples": [{"v": [1.0, 2], "k": 1}, {"k": True}]}
    (change,) = _diff(before, after).changes
    assert change.added_items == [{"k": True}]
    assert change.removed_items == [{"k": 2}]


def test_non_list_fields_have_no_items() -> None:
    (change,) = _diff({"aliases": "MQL"}, {"aliases": ["MQL"]}).changes
    assert change.added_items is None
    assert change.removed_items is None


def test_nested_criteria_change_is_modified_with_before_and_after() -> None:
    criteria = {"all": [{"field": "score", "op": ">=", "value": 60}]}
    after = {**BASE, "criteria": criteria}
    assert _diff(BASE, after).changes == [
        FieldChange(field="criteria", change="modified", before=BASE["criteria"], after=criteria)
    ]


@pytest.mark.parametrize(
    ("before", "after", "changed"),
    [
        (1, 1.0, False),
        ({"a": [1, {"b": 2}]}, {"a": [1.0, {"b": 2.0}]}, False),
        ({"a": 1, "b": 2}, {"b": 2, "a": 1}, False),
        (True, 1, True),
        (False, 0, True),
        ({"value": True}, {"value": 1}, True),
        ([True], [1], True),
        ([1, 2], [2, 1], True),
        ({"a": None}, {}, True),
        ("", None, True),
        ([], None, True),
    ],
)
def test_structural_equality(before: object, after: object, *, changed: bool) -> None:
    assert changed_fields({"f": before}, {"f": after}) == (["f"] if changed else [])


def test_changed_fields() -> None:
    after = {**BASE, "body": "New body\n", "examples": ["x"], "new_field": 1}
    del after["related"]
    assert changed_fields(BASE, after) == ["body", "examples", "new_field", "related"]


BODY_V1 = "one\ntwo\nthree\nfour\n"
BODY_V2 = "zero\none\ntree\nfour\n"
UNIFIED_1_TO_2 = "--- v1\n+++ v2\n@@ -1,4 +1,4 @@\n+zero\n one\n-two\n-three\n+tree\n four\n"


def test_body_line_diff() -> None:
    diff = _diff({**BASE, "body": BODY_V1}, {**BASE, "body": BODY_V2})
    assert diff.text == [LineDiff(field="body", unified=UNIFIED_1_TO_2, added_lines=2, removed_lines=2)]
    assert diff.changes == [FieldChange(field="body", change="modified", before=BODY_V1, after=BODY_V2)]


def test_line_diff_matches_difflib_format() -> None:
    before = "".join(f"line {i}\n" for i in range(20))
    after = before.replace("line 3\n", "line three\n").replace("line 15\n", "")
    expected = "".join(difflib.unified_diff(before.splitlines(True), after.splitlines(True), "v1", "v2", n=3))
    result = line_diff(before, after, field="body", from_version=1, to_version=2)
    assert result.unified == expected
    assert expected.count("@@ -") == 2
    assert (result.added_lines, result.removed_lines) == (1, 2)


def test_line_diff_of_equal_text_is_empty() -> None:
    assert line_diff("a\n", "a\n", field="body", from_version=1, to_version=2) == LineDiff(
        field="body", unified="", added_lines=0, removed_lines=0
    )


def test_missing_final_newline_is_marked() -> None:
    result = line_diff("a\nb", "a\nb\n", field="body", from_version=3, to_version=4)
    assert result.unified == "--- v3\n+++ v4\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n"
    assert (result.added_lines, result.removed_lines) == (1, 1)


def test_body_added_from_nothing() -> None:
    (text,) = _diff({}, {"body": "a\nb\n"}).text
    assert text == LineDiff(
        field="body", unified="--- v1\n+++ v2\n@@ -0,0 +1,2 @@\n+a\n+b\n", added_lines=2, removed_lines=0
    )


def test_multiline_string_fields_get_a_line_diff() -> None:
    diff = _diff({"summary": "one line", "notes": "a\nb\n"}, {"summary": "still one line", "notes": "a\nc\n"})
    assert [t.field for t in diff.text] == ["notes"]
    assert [c.field for c in diff.changes] == ["notes", "summary"]


def test_single_line_to_multiline_gets_a_line_diff() -> None:
    (text,) = _diff({"summary": "one"}, {"summary": "one\ntwo"}).text
    assert (text.field, text.added_lines, text.removed_lines) == ("summary", 2, 1)


def test_custom_text_fields() -> None:
    diff = diff_content({"title": "a"}, {"title": "b"}, from_version=1, to_version=2, text_fields=("title",))
    assert diff.text == [
        LineDiff(
            field="title",
            unified="--- v1\n+++ v2\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n",
            added_lines=1,
            removed_lines=1,
        )
    ]


def test_non_string_text_field_has_no_line_diff() -> None:
    diff = _diff({"body": "a\nb\n"}, {"body": ["a", "b"]})
    assert diff.text == []
    assert [c.field for c in diff.changes] == ["body"]


def test_reverse_diff_is_the_mirror() -> None:
    before = {**BASE, "body": BODY_V1}
    after = {**BASE, "body": BODY_V2, "aliases": ["MQL", "lead"], "effective_date": None}
    forward = _diff(before, after, 1, 2)
    backward = _diff(after, before, 2, 1)
    assert (backward.from_version, backward.to_version) == (2, 1)
    assert backward.changes == [_mirror(c) for c in forward.changes]
    (text,) = backward.text
    assert text.unified == "--- v2\n+++ v1\n@@ -1,4 +1,4 @@\n-zero\n one\n-tree\n+two\n+three\n four\n"
    assert (text.added_lines, text.removed_lines) == (2, 2)


def test_reverse_line_diff_keeps_the_same_lines() -> None:
    # difflib alone keeps 3 common lines one way and 2 the other way round for these texts.
    a = "a\nc\nb\nc\n"
    b = "b\nc\nc\na\nb\nb\nc\nb\n"
    forward = line_diff(a, b, field="body", from_version=1, to_version=2)
    backward = line_diff(b, a, field="body", from_version=2, to_version=1)
    assert (forward.added_lines, forward.removed_lines) == (backward.removed_lines, backward.added_lines)
    assert forward.removed_lines == 1


# Hypothesis properties.

# Small explicit alphabets keep examples likely to collide (and spare Hypothesis building its full unicode tables).
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats(allow_nan=False) | st.text(alphabet="ab\n", max_size=4),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from("xyz"), children, max_size=3),
    max_leaves=8,
)
bodies = st.lists(st.sampled_from(["a", "b", "c", ""]), max_size=12).map("\n".join)
contents = st.fixed_dictionaries(
    {},
    optional={
        "summary": st.text(alphabet="ab\n", max_size=6),
        "body": bodies,
        "aliases": st.lists(st.sampled_from(["x", "y", "z"]), max_size=5),
        "criteria": json_values,
        "effective_date": st.none() | st.just("2026-01-01"),
    },
)


@settings(database=None)
@given(contents)
def test_diff_with_itself_is_empty(content: dict[str, object]) -> None:
    diff = diff_content(content, content, from_version=1, to_version=1)
    assert diff.changes == []
    assert diff.text == []
    assert changed_fields(content, content) == []


@settings(database=None)
@given(contents, contents)
def test_swapped_diff_is_the_mirror(a: dict[str, object], b: dict[str, object]) -> None:
    forward = diff_content(a, b, from_version=1, to_version=2)
    backward = diff_content(b, a, from_version=2, to_version=1)
    assert backward.changes == [_mirror(c) for c in forward.changes]
    assert [t.field for t in backward.text] == [t.field for t in forward.text]
    for fwd, bwd in zip(forward.text, backward.text, strict=True):
        assert (fwd.added_lines, fwd.removed_lines) == (bwd.removed_lines, bwd.added_lines)
    assert changed_fields(a, b) == changed_fields(b, a) == [c.field for c in forward.changes]


@settings(database=None)
@given(bodies, bodies)
def test_line_counts_match_unified_text(a: str, b: str) -> None:
    result = line_diff(a, b, field="body", from_version=1, to_version=2)
    rows = result.unified.splitlines()[2:]
    assert result.added_lines == sum(row.startswith("+") for row in rows)
    assert result.removed_lines == sum(row.startswith("-") for row in rows)
    assert (result.unified == "") == (a.split("\n") == b.split("\n"))
