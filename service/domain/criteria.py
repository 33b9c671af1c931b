"""Qualification criteria: a small JSON rule tree that a definition carries and other systems evaluate on a record.

Grammar. A rule is a JSON object, either

* a group: `{"all": [rule, ...]}` or `{"any": [rule, ...]}` (non-empty arrays), or `{"not": rule}`; or
* a comparison: `{"field": "company.employees", "op": "gte", "value": 50}`.

Any rule may carry a `"label"` (a non-empty string) that replaces its generated text in evaluation outcomes; any other
key is a fault. The root is at depth 1; a tree deeper than `MAX_DEPTH` or with more than `MAX_NODES` rules is refused.

Semantics.

* `field` is a dot path through nested objects. Arrays are not indexed: `"tags.0"` never resolves.
* A comparison whose path does not resolve fails with reason "field missing" for every operator but `exists`. So `ne`
  and `not_in` need the field to be there; wrap `eq`/`in` in `not` to accept an absent field as well.
* `exists` (value true by default) treats a field holding null as absent: it asks "is there a usable value?". Every
  other operator treats null as an ordinary value, so `{"op": "eq", "value": null}` matches a present null.
* Equality is strict JSON equality: a boolean never equals a number (`true != 1`) and `"1" != 1`; ints and floats
  compare by value. `eq` on values of different JSON types fails with a "type mismatch" reason, `ne` passes.
* `gt`/`gte`/`lt`/`lte` need the field to hold the value's JSON type (number or string). Strings compare by code point,
  which orders ISO-8601 dates (and timestamps written in one format) correctly.
* `in`/`not_in` test the field's whole value for membership; `contains` looks for a substring in a string field or
  for an element in an array field.
* Evaluation visits every child of every group (no short-circuit), so the caller gets every reason at once.

Additions (each optional, so older trees mean what they meant):

* `"type": "number" | "string" | "boolean" | "date" | "datetime"` on a comparison declares the type to compare in:
  the record's value is converted first (`"72"` reads as 72, `"2026-03-01"` as a date, `"yes"`/`"true"`/`"1"` as
  true), and the rule fails with a reason naming the value when it cannot be (never an error). The rule's own value
  must be of that type (checked when the criteria are written). A `datetime` without an offset is UTC.
* `"case": "insensitive"` compares strings case-folded (`eq`, `ne`, `in`, `not_in`, `contains`, `starts_with`).
* `starts_with` (a string prefix), `between` (`[low, high]`, both included) and `within` (an ISO 8601 duration such
  as `"P30D"` or `"PT12H"`: the field holds a date or time no longer ago than that, and not in the future, measured
  from the evaluation's instant: its `as_of`, else now).
"""

from __future__ import annotations

import datetime as dt
import math
import operator
import re
from collections.abc import Callable, Mapping
from typing import Any, Final, NamedTuple, cast

import msgspec

from service.domain.errors import FieldError, Invalid

MAX_DEPTH: Final = 16
MAX_NODES: Final = 256

_GROUP_KEYS: Final = ("all", "any", "not")
_COMPARISON_KEYS: Final = ("field", "op", "value", "label", "type", "case")
_TYPES: Final = ("number", "string", "boolean", "date", "datetime")
_CASES: Final = ("insensitive", "sensitive")
_DURATION = re.compile(r"^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")
_LABEL: Final = "label"
_SCALAR_TYPES: Final = frozenset({"null", "boolean", "number", "string"})
_SCALAR_WORDS: Final = "a scalar (string, number, boolean or null)"
_MISSING: Final = object()

_Rule = Mapping[str, object]
_Check = Callable[[object, object], "str | None"]
_ValueRule = Callable[[object, str, str], "list[FieldError]"]


def validate_criteria(tree: object, pointer: str = "/criteria") -> list[FieldError]:
    """Every fault in `tree`, each at a JSON Pointer below `pointer` (e.g. `/criteria/all/0/op`). Never raises.

    Validation stops descending at `MAX_DEPTH`, and stops altogether once `MAX_NODES` rules have been seen, so the work
    and the number of faults stay bounded whatever the input.
    """
    validator = _Validator(pointer)
    validator.rule(tree, pointer, depth=1)
    return validator.errors


def ensure_valid_criteria(tree: object, pointer: str = "/criteria") -> None:
    errors = validate_criteria(tree, pointer)
    if errors:
        raise Invalid("criteria are invalid", errors)


class RuleOutcome(msgspec.Struct, frozen=True):
    """The result of one rule. `path` is the rule's JSON Pointer inside the tree: `""` is the root, then `/all/0`, ...

    `actual` is the record's value for a comparison (None when the field is missing, and for groups); `reason` says why
    the rule failed and is None when it passed.
    """

    path: str
    rule: str
    passed: bool
    actual: object = None
    reason: str | None = None


class Evaluation(msgspec.Struct, frozen=True):
    """`outcomes` holds one entry per rule, groups included, in document order (a group precedes its children)."""

    matched: bool
    outcomes: list[RuleOutcome]


def evaluate(tree: object, record: Mapping[str, object], now: dt.datetime | None = None) -> Evaluation:
    """Evaluate `tree` on `record` at instant `now` (for `within`; default: the current time). Raises `Invalid` if
    the tree is invalid; never because of the record's data."""
    ensure_valid_criteria(tree, pointer="")
    return evaluate_valid(tree, record, now)


def evaluate_valid(tree: object, record: Mapping[str, object], now: dt.datetime | None = None) -> Evaluation:
    """`evaluate` for a tree already known to be valid (stored criteria were validated when written): batches
    evaluate one tree on many records without validating it each time."""
    outcomes: list[RuleOutcome] = []
    matched = _evaluate(cast("_Rule", tree), "", record, outcomes, now or dt.datetime.now(dt.UTC))
    return Evaluation(matched=matched, outcomes=outcomes)


Matcher = Callable[[Mapping[str, object], dt.datetime], bool]


def compile_matcher(tree: object) -> Matcher:
    """Whether a record meets a valid `tree`, without the outcomes: the same verdict as `evaluate(...).matched`
    (property-tested), faster for batches: no rule texts, no outcome objects, groups stop at the first decisive
    child."""
    return _compile(cast("_Rule", tree))


def _compile(node: _Rule) -> Matcher:
    if "all" in node:
        children = [_compile(cast("_Rule", child)) for child in cast("list[object]", node["all"])]
        return lambda record, now: all(child(record, now) for child in children)
    if "any" in node:
        options = [_compile(cast("_Rule", child)) for child in cast("list[object]", node["any"])]
        return lambda record, now: any(option(record, now) for option in options)
    if "not" in node:
        negated = _compile(cast("_Rule", node["not"]))
        return lambda record, now: not negated(record, now)
    field, op, value = str(node["field"]), str(node["op"]), node.get("value", True)
    absent_passes = op == "exists" and value is False

    def comparison(record: Mapping[str, object], now: dt.datetime) -> bool:
        actual = _resolve(record, field)
        if actual is _MISSING:
            return absent_passes
        return _compare(node, op, actual, value, now) is None

    return comparison


# --- validation ---------------------------------------------------------------------------------------------------


class _Validator:
    def __init__(self, root: str) -> None:
        self.root = root
        self.errors: list[FieldError] = []
        self.nodes = 0

    def fault(self, pointer: str, detail: str) -> None:
        self.errors.append(FieldError(pointer, detail))

    def rule(self, node: object, pointer: str, depth: int) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            if self.nodes == MAX_NODES + 1:
                self.fault(self.root, f"criteria have more than {MAX_NODES} rules")
            return
        if depth > MAX_DEPTH:
            self.fault(pointer, f"criteria nest deeper than {MAX_DEPTH} levels")
            return
        if not isinstance(node, Mapping):
            self.fault(pointer, f"rule must be an object, got {_json_type(node)}")
            return
        self.label(node, pointer)
        group = next((key for key in _GROUP_KEYS if key in node), None)
        if group is not None:
            self.group(node, group, pointer, depth)
        elif any(key in node for key in ("field", "op", "value")):
            self.comparison(node, pointer)
        else:
            self.unknown_keys(node, (_LABEL,), pointer)
            self.fault(pointer, "rule must be a group ('all', 'any' or 'not') or a comparison ('field', 'op', 'value')")

    def label(self, node: Mapping[Any, object], pointer: str) -> None:
        label = node.get(_LABEL, _MISSING)
        if label is not _MISSING and not (isinstance(label, str) and label.strip()):
            self.fault(_child(pointer, _LABEL), "label must be a non-empty string")

    def unknown_keys(self, node: Mapping[Any, object], allowed: tuple[str, ...], pointer: str) -> None:
        for key in node:
            if key not in allowed:
                self.fault(_child(pointer, key), _unknown_key(key, allowed))

    def group(self, node: Mapping[Any, object], key: str, pointer: str, depth: int) -> None:
        self.unknown_keys(node, (key, _LABEL), pointer)
        at = _child(pointer, key)
        children = node[key]
        if key == "not":
            self.rule(children, at, depth + 1)
        elif isinstance(children, list) and children:
            for index, child in enumerate(children):
                self.rule(child, _child(at, index), depth + 1)
        else:
            self.fault(at, f"'{key}' must be a non-empty array of rules")

    def comparison(self, node: Mapping[Any, object], pointer: str) -> None:
        self.unknown_keys(node, _COMPARISON_KEYS, pointer)
        self.field(node, pointer)
        op = self.op(node, pointer)
        if op is not None:
            before = len(self.errors)
            self.value(node, op, pointer)
            self.declared_type(node, op, pointer, value_ok=len(self.errors) == before)
        case = node.get("case", _MISSING)
        if case is not _MISSING and case not in _CASES:
            self.fault(_child(pointer, "case"), "case must be 'insensitive' or 'sensitive'")

    def declared_type(self, node: Mapping[Any, object], op: str, pointer: str, *, value_ok: bool) -> None:
        declared = node.get("type", _MISSING)
        if declared is _MISSING:
            return
        if declared not in _TYPES:
            self.fault(_child(pointer, "type"), f"type must be one of {', '.join(_TYPES)}")
            return
        if op == "within" and declared not in ("date", "datetime"):
            self.fault(_child(pointer, "type"), "'within' measures dates and times: type must be date or datetime")
            return
        if not value_ok or op in ("exists", "within") or "value" not in node:
            return
        raw = node["value"]
        for index, item in enumerate(raw if isinstance(raw, list) else [raw]):
            if _convert(item, str(declared)) is _UNREADABLE:
                at = _child(pointer, "value") if not isinstance(raw, list) else _child(_child(pointer, "value"), index)
                self.fault(at, f"cannot read {_render(item)} as a {declared}")

    def field(self, node: Mapping[Any, object], pointer: str) -> None:
        at = _child(pointer, "field")
        if "field" not in node:
            self.fault(at, "missing required key 'field'")
        elif not _is_path(node["field"]):
            self.fault(at, "field must be a non-empty dot path such as 'company.employees'")

    def op(self, node: Mapping[Any, object], pointer: str) -> str | None:
        at = _child(pointer, "op")
        if "op" not in node:
            self.fault(at, "missing required key 'op'")
            return None
        op = node["op"]
        if isinstance(op, str) and op in _OPERATORS:
            return op
        if isinstance(op, str):
            self.fault(at, f"unknown operator '{op}'; expected one of {_OPERATOR_NAMES}")
        else:
            self.fault(at, f"op must be a string, got {_json_type(op)}; expected one of {_OPERATOR_NAMES}")
        return None

    def value(self, node: Mapping[Any, object], op: str, pointer: str) -> None:
        at = _child(pointer, "value")
        if "value" in node:
            self.errors.extend(_OPERATORS[op].validate(node["value"], op, at))
        elif op != "exists":
            self.fault(at, f"missing required key 'value' for '{op}'")


def _unknown_key(key: object, allowed: tuple[str, ...]) -> str:
    if key in _GROUP_KEYS and allowed[0] in _GROUP_KEYS:
        return f"unexpected key '{key}'; a rule takes exactly one of 'all', 'any' or 'not'"
    return f"unknown key '{key}'; expected one of {', '.join(repr(name) for name in allowed)}"


def _scalar_value(value: object, op: str, pointer: str) -> list[FieldError]:
    return [] if _is_scalar(value) else [FieldError(pointer, f"value for '{op}' must be {_SCALAR_WORDS}")]


def _ordered_value(value: object, op: str, pointer: str) -> list[FieldError]:
    if _is_number(value) or isinstance(value, str):
        return []
    return [FieldError(pointer, f"value for '{op}' must be a number or a string")]


def _member_values(value: object, op: str, pointer: str) -> list[FieldError]:
    if not (isinstance(value, list) and value):
        return [FieldError(pointer, f"value for '{op}' must be a non-empty array of scalars")]
    return [
        FieldError(_child(pointer, index), f"each value for '{op}' must be {_SCALAR_WORDS}")
        for index, item in enumerate(value)
        if not _is_scalar(item)
    ]


def _flag_value(value: object, op: str, pointer: str) -> list[FieldError]:
    return [] if isinstance(value, bool) else [FieldError(pointer, f"value for '{op}' must be a boolean")]


def _is_path(field: object) -> bool:
    return isinstance(field, str) and all(field.split("."))


def _is_number(value: object) -> bool:
    # NaN and infinities have no JSON form and NaN equals nothing, so a criterion could never be written or matched.
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


def _is_scalar(value: object) -> bool:
    return value is None or isinstance(value, (str, bool)) or _is_number(value)


def _child(pointer: str, token: object) -> str:
    return f"{pointer}/{str(token).replace('~', '~0').replace('/', '~1')}"


# --- evaluation ---------------------------------------------------------------------------------------------------


def _evaluate(
    node: _Rule, path: str, record: Mapping[str, object], outcomes: list[RuleOutcome], now: dt.datetime
) -> bool:
    for key in _GROUP_KEYS:
        if key in node:
            return _evaluate_group(node, key, path, record, outcomes, now)
    outcome = _evaluate_comparison(node, path, record, now)
    outcomes.append(outcome)
    return outcome.passed


def _evaluate_group(
    node: _Rule, key: str, path: str, record: Mapping[str, object], outcomes: list[RuleOutcome], now: dt.datetime
) -> bool:
    inner: list[RuleOutcome] = []
    results = [_evaluate(child, child_path, record, inner, now) for child_path, child in _children(node, key, path)]
    passed, reason = _COMBINERS[key](results)
    text = _label(node) or _group_text(key, len(results), inner[0].rule)
    outcomes.append(RuleOutcome(path=path, rule=text, passed=passed, reason=reason))
    outcomes.extend(inner)
    return passed


def _children(node: _Rule, key: str, path: str) -> list[tuple[str, _Rule]]:
    at = _child(path, key)
    if key == "not":
        return [(at, cast("_Rule", node[key]))]
    return [(_child(at, index), cast("_Rule", child)) for index, child in enumerate(cast("list[object]", node[key]))]


def _all(results: list[bool]) -> tuple[bool, str | None]:
    failed = results.count(False)
    return (True, None) if not failed else (False, f"{failed} of {_count(len(results))} failed")


def _any(results: list[bool]) -> tuple[bool, str | None]:
    return (True, None) if any(results) else (False, f"none of {_count(len(results))} passed")


def _not(results: list[bool]) -> tuple[bool, str | None]:
    return (False, "the negated rule passed") if results[0] else (True, None)


_COMBINERS: Final[dict[str, Callable[[list[bool]], tuple[bool, str | None]]]] = {"all": _all, "any": _any, "not": _not}


def _group_text(key: str, size: int, first_child: str) -> str:
    return f"not ({first_child})" if key == "not" else f"{key} of {_count(size)}"


def _count(size: int) -> str:
    return f"{size} rule" if size == 1 else f"{size} rules"


def _evaluate_comparison(node: _Rule, path: str, record: Mapping[str, object], now: dt.datetime) -> RuleOutcome:
    field, op = str(node["field"]), str(node["op"])
    value = node.get("value", True)
    text = _label(node) or _comparison_text(field, op, value)
    actual = _resolve(record, field)
    if actual is _MISSING:
        passed = op == "exists" and value is False
        return RuleOutcome(path=path, rule=text, passed=passed, reason=None if passed else "field missing")
    reason = _compare(node, op, actual, value, now)
    return RuleOutcome(path=path, rule=text, passed=reason is None, actual=actual, reason=reason)


def _compare(node: _Rule, op: str, actual: object, value: object, now: dt.datetime) -> str | None:
    """Why `actual` fails the comparison (None: it passes), in the declared type and case."""
    declared = node.get("type")
    if op == "within":
        moment = _convert(actual, "date" if declared == "date" else "datetime")
        if moment is _UNREADABLE:
            return f"cannot read {_render(actual)} as a date or time"
        return _within(_as_instant(moment), str(value), now)
    if isinstance(declared, str):
        converted = _convert(actual, declared)
        if converted is _UNREADABLE:
            return f"cannot read {_render(actual)} as a {declared}"
        actual, value = converted, _convert_rule_value(value, declared)
    if node.get("case") == "insensitive":
        actual, value = _fold(actual), _fold(value)
    return _OPERATORS[op].check(actual, value)


_UNREADABLE: Final = object()
_TRUE_WORDS: Final = frozenset({"true", "yes", "y", "on", "1"})
_FALSE_WORDS: Final = frozenset({"false", "no", "n", "off", "0"})


def _convert(value: object, kind: str) -> object:
    """`value` read as `kind`, or `_UNREADABLE`."""
    try:
        return _CONVERTERS[kind](value)
    except (ValueError, TypeError, OverflowError):
        return _UNREADABLE


def _to_number(value: object) -> object:
    if _is_number(value):
        return value
    if isinstance(value, str):
        text = value.strip()
        number: float = int(text) if text.lstrip("+-").isdigit() else float(text)
        if math.isfinite(number):
            return number
    raise ValueError(value)


def _to_string(value: object) -> object:
    if isinstance(value, str):
        return value
    if value is None or not _is_scalar(value):
        raise ValueError(value)
    return _render(value)


def _to_boolean(value: object) -> object:
    if isinstance(value, bool):
        return value
    word = value.strip().casefold() if isinstance(value, str) else str(value) if value in (0, 1) else None
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    raise ValueError(value)


def _to_date(value: object) -> object:
    if isinstance(value, str):
        text = value.strip()
        return dt.date.fromisoformat(text) if len(text) == 10 else _as_utc(dt.datetime.fromisoformat(text)).date()
    raise ValueError(value)


def _to_datetime(value: object) -> object:
    if isinstance(value, str):
        text = value.strip()
        if len(text) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(), tzinfo=dt.UTC)
        return _as_utc(dt.datetime.fromisoformat(text))
    raise ValueError(value)


def _as_utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC) if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _as_instant(moment: object) -> dt.datetime:
    if isinstance(moment, dt.datetime):
        return moment
    return dt.datetime.combine(cast("dt.date", moment), dt.time(), tzinfo=dt.UTC)


_CONVERTERS: Final[dict[str, Callable[[object], object]]] = {
    "number": _to_number,
    "string": _to_string,
    "boolean": _to_boolean,
    "date": _to_date,
    "datetime": _to_datetime,
}


def _convert_rule_value(value: object, kind: str) -> object:
    """The rule's own value in the declared type (validated when written, so it converts)."""
    if isinstance(value, list):
        return [_convert(item, kind) for item in value]
    return _convert(value, kind)


def _fold(value: object) -> object:
    if isinstance(value, str):
        return value.casefold()
    if isinstance(value, list):
        return [_fold(item) for item in value]
    return value


def _duration(text: str) -> dt.timedelta | None:
    found = _DURATION.match(text)
    if found is None or text in ("P", "PT") or text.endswith("T"):
        return None
    weeks, days, hours, minutes, seconds = (int(part or 0) for part in found.groups())
    try:
        return dt.timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)
    except OverflowError:  # longer than a timedelta holds (2.7 million years): no rule means that
        return None


def _within(moment: dt.datetime, period: str, now: dt.datetime) -> str | None:
    span = _duration(period)
    assert span is not None  # validated when written
    if moment > now:
        return f"in the future (after {now.isoformat()})"
    return None if moment >= now - span else f"more than {period} before {now.isoformat()}"


def _resolve(record: Mapping[str, object], field: str) -> object:
    current: object = record
    for part in field.split("."):
        if not isinstance(current, Mapping) or part not in current:
            return _MISSING
        current = current[part]
    return current


def _label(node: _Rule) -> str | None:
    label = node.get(_LABEL)
    return label if isinstance(label, str) else None


def _comparison_text(field: str, op: str, value: object) -> str:
    return f"{field} {op}" if op == "exists" and value is True else f"{field} {op} {_render(value)}"


def _render(value: object) -> str:
    return msgspec.json.encode(value).decode()


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "array"
    return "object" if isinstance(value, Mapping) else type(value).__name__


def _same(actual: object, value: object) -> bool:
    # Comparing JSON types first keeps True apart from 1 and never hands odd record objects to a foreign __eq__.
    return _json_type(actual) == _json_type(value) and bool(actual == value)


def _mismatch(actual: object, value: object) -> str | None:
    expected, got = _json_type(value), _json_type(actual)
    return None if expected == got else f"type mismatch: expected {expected}, got {got}"


def _eq(actual: object, value: object) -> str | None:
    if _same(actual, value):
        return None
    return _mismatch(actual, value) or f"not equal to {_render(value)}"


def _ne(actual: object, value: object) -> str | None:
    return f"equal to {_render(value)}" if _same(actual, value) else None


def _ordering(compare: Callable[[Any, Any], object], words: str) -> _Check:
    def check(actual: object, value: object) -> str | None:
        mismatch = _mismatch(actual, value)
        if mismatch is not None:
            return mismatch
        return None if compare(actual, value) else f"not {words} {_render(value)}"

    return check


def _is_member(actual: object, values: object) -> bool:
    return isinstance(values, list) and any(_same(actual, value) for value in values)


def _in(actual: object, value: object) -> str | None:
    if _json_type(actual) not in _SCALAR_TYPES:
        return f"type mismatch: expected a scalar, got {_json_type(actual)}"
    return None if _is_member(actual, value) else f"not one of {_render(value)}"


def _not_in(actual: object, value: object) -> str | None:
    return f"one of {_render(value)}" if _is_member(actual, value) else None


def _contains(actual: object, value: object) -> str | None:
    if isinstance(actual, str):
        if not isinstance(value, str):
            return f"type mismatch: cannot search a string for a {_json_type(value)}"
        found = value in actual
    elif isinstance(actual, (list, tuple)):
        found = any(_same(item, value) for item in actual)
    else:
        return f"type mismatch: expected string or array, got {_json_type(actual)}"
    return None if found else f"does not contain {_render(value)}"


def _starts_with(actual: object, value: object) -> str | None:
    if not isinstance(actual, str):
        return f"type mismatch: expected string, got {_json_type(actual)}"
    return None if actual.startswith(cast("str", value)) else f"does not start with {_render(value)}"


def _between(actual: object, value: object) -> str | None:
    low, high = cast("list[Any]", value)
    mismatch = _mismatch(actual, low)
    if mismatch is not None:
        return mismatch
    return None if low <= cast("Any", actual) <= high else f"not between {_render(low)} and {_render(high)}"


def _string_value(value: object, op: str, pointer: str) -> list[FieldError]:
    return [] if isinstance(value, str) else [FieldError(pointer, f"value for '{op}' must be a string")]


def _range_value(value: object, op: str, pointer: str) -> list[FieldError]:
    if not (isinstance(value, list) and len(value) == 2 and all(_is_number(v) or isinstance(v, str) for v in value)):
        return [FieldError(pointer, f"value for '{op}' must be [low, high]: two numbers or two strings")]
    if _json_type(value[0]) != _json_type(value[1]):
        return [FieldError(pointer, f"value for '{op}' must be two numbers or two strings, not one of each")]
    return []


def _duration_value(value: object, op: str, pointer: str) -> list[FieldError]:
    if isinstance(value, str) and _duration(value) is not None:
        return []
    return [FieldError(pointer, f"value for '{op}' must be an ISO 8601 duration such as 'P30D' or 'PT12H'")]


def _exists(actual: object, value: object) -> str | None:
    wanted = value is not False
    if (actual is not None) == wanted:
        return None
    return "field is null" if wanted else "field exists"


class _Operator(NamedTuple):
    validate: _ValueRule
    check: _Check


_OPERATORS: Final[dict[str, _Operator]] = {
    "eq": _Operator(_scalar_value, _eq),
    "ne": _Operator(_scalar_value, _ne),
    "gt": _Operator(_ordered_value, _ordering(operator.gt, "greater than")),
    "gte": _Operator(_ordered_value, _ordering(operator.ge, "greater than or equal to")),
    "lt": _Operator(_ordered_value, _ordering(operator.lt, "less than")),
    "lte": _Operator(_ordered_value, _ordering(operator.le, "less than or equal to")),
    "in": _Operator(_member_values, _in),
    "not_in": _Operator(_member_values, _not_in),
    "contains": _Operator(_scalar_value, _contains),
    "starts_with": _Operator(_string_value, _starts_with),
    "between": _Operator(_range_value, _between),
    "within": _Operator(_duration_value, lambda _actual, _value: None),  # measured in `_compare`, against `now`
    "exists": _Operator(_flag_value, _exists),
}
_OPERATOR_NAMES: Final = ", ".join(_OPERATORS)
OPERATORS: Final[frozenset[str]] = frozenset(_OPERATORS)
