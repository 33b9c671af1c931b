"""Diffs between two versions of an entry's content: field-level changes plus line diffs of the long text fields.

Content is a JSON object already converted to builtins. A field that is absent and a field that is `None` are the same
thing here, so adding `"effective_date": null` to a version is not a change.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import Any

import msgspec

from service.domain.change_summary import RuleChange, summarize
from service.domain.json_values import changed_fields, json_key

__all__ = ["FieldChange", "LineDiff", "VersionDiff", "changed_fields", "diff_content", "line_diff"]

_CONTEXT_LINES = 3
_NO_NEWLINE = "\\ No newline at end of file\n"
_MIRRORED_TAG = {"equal": "equal", "replace": "replace", "insert": "delete", "delete": "insert"}

_Opcode = tuple[str, int, int, int, int]


class FieldChange(msgspec.Struct, frozen=True, omit_defaults=True):
    """How one top-level field changed; `added_items`/`removed_items` are set only for list-valued fields."""

    field: str
    change: str  # "added" | "removed" | "modified"
    before: object = None
    after: object = None
    added_items: list[object] | None = None
    removed_items: list[object] | None = None


class LineDiff(msgspec.Struct, frozen=True):
    """Line diff of one text field, as unified diff text (empty when the lines are equal)."""

    field: str
    unified: str
    added_lines: int
    removed_lines: int


class VersionDiff(msgspec.Struct, frozen=True):
    """`changes` keeps the whole value of each changed field (both criteria trees too, as clients had them first);
    `criteria_changes` says the criteria's change rule by rule, and `summary` the whole change in one line."""

    from_version: int
    to_version: int
    changes: list[FieldChange]
    text: list[LineDiff]
    criteria_changes: list[RuleChange]
    summary: str


def diff_content(
    before: Mapping[str, object],
    after: Mapping[str, object],
    *,
    from_version: int,
    to_version: int,
    text_fields: Collection[str] = ("body",),
) -> VersionDiff:
    """Diff `before` (version `from_version`) into `after` (version `to_version`); either version may be the greater.

    Every changed field gets a `FieldChange`. Changed fields listed in `text_fields`, and changed string fields that
    hold several lines in either version, also get a `LineDiff`. Changed criteria are also compared rule by rule, and
    the whole change is summed up in one line (`service/domain/change_summary.py`).
    """
    names = changed_fields(before, after)
    changes = [_field_change(name, before.get(name), after.get(name)) for name in names]
    text = [
        line_diff(
            _text(before.get(name)),
            _text(after.get(name)),
            field=name,
            from_version=from_version,
            to_version=to_version,
        )
        for name in names
        if _is_text_field(name, before.get(name), after.get(name), text_fields)
    ]
    summary = summarize(before, after)
    return VersionDiff(
        from_version=from_version,
        to_version=to_version,
        changes=changes,
        text=text,
        criteria_changes=summary.criteria,
        summary=summary.summary,
    )


def changed_values(before: Mapping[str, object], after: Mapping[str, object]) -> dict[str, dict[str, Any]]:
    """`{field: {"old": ..., "new": ...}}` for every top-level field whose value differs (absent counts as `None`):
    what an audit record keeps of a change."""
    return {name: {"old": before.get(name), "new": after.get(name)} for name in changed_fields(before, after)}


def line_diff(before: str, after: str, *, field: str, from_version: int, to_version: int) -> LineDiff:
    """Unified diff (3 context lines, `--- v{from}` / `+++ v{to}` headers) of two texts, with line counts.

    Like GNU diff, a last line without a trailing newline is followed by a `\\ No newline at end of file` marker, so
    the text stays one line per row and a change in the final newline alone still shows.
    """
    old, new = _lines(before), _lines(after)
    groups = _grouped_opcodes(old, new)
    changed = [opcode for group in groups for opcode in group if opcode[0] != "equal"]
    return LineDiff(
        field=field,
        unified=_unified(old, new, groups, f"v{from_version}", f"v{to_version}"),
        added_lines=sum(j2 - j1 for _, _, _, j1, j2 in changed),
        removed_lines=sum(i2 - i1 for _, i1, i2, _, _ in changed),
    )


def _field_change(name: str, before: object, after: object) -> FieldChange:
    added_items, removed_items = _item_changes(before, after)
    return FieldChange(
        field=name,
        change=_change_kind(before, after),
        before=before,
        after=after,
        added_items=added_items,
        removed_items=removed_items,
    )


def _change_kind(before: object, after: object) -> str:
    if before is None:
        return "added"
    if after is None:
        return "removed"
    return "modified"


def _item_changes(before: object, after: object) -> tuple[list[object] | None, list[object] | None]:
    """Items added and removed when the field is a list on at least one side and a list or nothing on the other."""
    if not (_is_list(before) or _is_list(after)):
        return None, None
    if not ((before is None or _is_list(before)) and (after is None or _is_list(after))):
        return None, None
    old = list(before) if isinstance(before, list | tuple) else []
    new = list(after) if isinstance(after, list | tuple) else []
    return _multiset_minus(new, old), _multiset_minus(old, new)


def _multiset_minus(items: list[object], other: list[object]) -> list[object]:
    """`items` without the ones matched in `other`, each occurrence in `other` matching at most one item."""
    unmatched = Counter(json_key(item) for item in other)
    result: list[object] = []
    for item in items:
        key = json_key(item)
        if unmatched[key] > 0:
            unmatched[key] -= 1
        else:
            result.append(item)
    return result


def _is_list(value: object) -> bool:
    return isinstance(value, list | tuple)


def _is_text_field(name: str, before: object, after: object, text_fields: Collection[str]) -> bool:
    values = (before, after)
    if not all(value is None or isinstance(value, str) for value in values):
        return False
    return name in text_fields or any(isinstance(value, str) and "\n" in value for value in values)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _lines(text: str) -> list[str]:
    # Only "\n" ends a line: str.splitlines() also splits on "\r", "\x0c", U+2028 and more, which would cut
    # markdown lines apart and break the one-row-per-line layout of the unified text.
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _grouped_opcodes(old: list[str], new: list[str]) -> list[list[_Opcode]]:
    # difflib's matching is greedy and not symmetric: diffing (b, a) can keep different lines than (a, b), and then
    # the reverse diff would not be the mirror of the forward one. Matching always in one canonical order and
    # mirroring the result when needed keeps v2->v1 the exact mirror of v1->v2.
    if old <= new:
        return _as_opcode_groups(difflib.SequenceMatcher(None, old, new).get_grouped_opcodes(_CONTEXT_LINES))
    groups = _as_opcode_groups(difflib.SequenceMatcher(None, new, old).get_grouped_opcodes(_CONTEXT_LINES))
    return [[(_MIRRORED_TAG[tag], j1, j2, i1, i2) for tag, i1, i2, j1, j2 in group] for group in groups]


def _as_opcode_groups(groups: Iterable[list[tuple[str, int, int, int, int]]]) -> list[list[_Opcode]]:
    return [list(group) for group in groups]


def _unified(old: list[str], new: list[str], groups: list[list[_Opcode]], from_label: str, to_label: str) -> str:
    """The text `difflib.unified_diff` would produce for these opcode groups, plus no-newline markers."""
    if not groups:
        return ""
    rows = [f"--- {from_label}\n", f"+++ {to_label}\n"]
    for group in groups:
        rows.append(_hunk_header(group))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows.extend(_prefixed(" ", old[i1:i2]))
            if tag in {"replace", "delete"}:
                rows.extend(_prefixed("-", old[i1:i2]))
            if tag in {"replace", "insert"}:
                rows.extend(_prefixed("+", new[j1:j2]))
    return "".join(rows)


def _hunk_header(group: list[_Opcode]) -> str:
    first, last = group[0], group[-1]
    return f"@@ -{_hunk_range(first[1], last[2])} +{_hunk_range(first[3], last[4])} @@\n"


def _hunk_range(start: int, stop: int) -> str:
    length = stop - start
    if length == 1:
        return str(start + 1)
    # An empty range is reported as starting at the line just before it, as in GNU diff.
    beginning = start + 1 if length else start
    return f"{beginning},{length}"


def _prefixed(prefix: str, lines: list[str]) -> Iterator[str]:
    for line in lines:
        yield prefix + line if line.endswith("\n") else f"{prefix}{line}\n{_NO_NEWLINE}"
