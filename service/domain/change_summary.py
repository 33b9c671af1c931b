"""Change summaries people can read.

`diff_criteria` compares two criteria trees (service/domain/criteria.py) rule by rule: each rule added, removed or
changed is one `RuleChange` at its JSON Pointer, with a line for tools and logs (`/all/0 lead_score gte: 50 → 60`,
`added: country in [US, CA]`) and a phrase for people (`lead_score ≥ 60 (was ≥ 50)`). `summarize` says in one line
how a version differs from the one before it (criteria, title, teams, tags, dates, then the other fields by name):
what events carry as `summary`, and what chat messages show.

Pure functions over JSON builtins. They never raise on odd input: stored criteria are valid, but a summary must never
be the reason a change cannot be recorded, so anything outside the grammar is shown as JSON.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Final, Literal

import msgspec

from service.domain.json_values import changed_fields, json_key, same_json

__all__ = [
    "MAX_SUMMARY",
    "RuleChange",
    "VersionChange",
    "day_words",
    "diff_criteria",
    "one_line",
    "rule_words",
    "summarize",
]

MAX_SUMMARY: Final = 300  # characters in a one-line summary
_PART_CHARS: Final = 120  # one part of a summary (a rule, a field) is cut to this, so several fit
_ITEM_CHARS: Final = 60  # a title or a list item quoted in a summary

ChangeKind = Literal["added", "removed", "modified"]
_GROUPS: Final = ("all", "any")
_SYMBOLS: Final = {
    "eq": "=",
    "ne": "≠",
    "gt": ">",
    "gte": "≥",
    "lt": "<",
    "lte": "≤",
    "in": "in",
    "not_in": "not in",
    "contains": "contains",
    "starts_with": "starts with",
    "within": "within",
}
_MONTHS: Final = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Fields a summary names first, in this order; the rest follow alphabetically.
_FIRST: Final = ("title", "owners", "required_teams", "acknowledge_teams", "tags", "effective_date", "expires_at")
_DATES: Final = frozenset({"effective_date", "expires_at"})
_BARE: Final = re.compile(r'^[^\s,\[\]"\x00-\x1f\x7f](?:[^,\[\]"\x00-\x1f\x7f\u2028\u2029]*[^\s,\[\]"])?$')


class RuleChange(msgspec.Struct, frozen=True, omit_defaults=True):
    """One rule of the criteria added, removed or changed.

    `path` is the rule's JSON Pointer in the criteria (`""` is the root, then `/all/0`, ...): in the newer tree, or
    in the older one for a removed rule. `text` is the change on one line (`/all/0 lead_score gte: 50 → 60`,
    `added: country in [US, CA]`), `phrase` the same in words a person reads (`lead_score ≥ 60 (was ≥ 50)`), and
    `before` / `after` the rule itself as text (a group with its rules), where there is one."""

    change: ChangeKind
    path: str
    text: str
    phrase: str
    before: str | None = None
    after: str | None = None


class VersionChange(msgspec.Struct, frozen=True):
    """How a version differs from the one before it: the fields that changed (sorted), its criteria rule by rule,
    and one line for people (at most `MAX_SUMMARY` characters)."""

    fields: list[str]
    criteria: list[RuleChange]
    summary: str


# --- criteria, rule by rule -------------------------------------------------------------------------------------


def diff_criteria(before: object, after: object) -> list[RuleChange]:
    """Every rule added, removed or changed from criteria `before` to `after` (either may be None: no criteria).

    Identical rules are matched first, in order, so a rule inserted in a group is one `added` and leaves its
    neighbours alone; between identical ones, a comparison of the same field is a change of that rule, groups of the
    same kind (or sharing a rule) are compared rule by rule, and anything else is removed and added."""
    if same_json(before, after):
        return []
    if before is None:
        return [_added(after, "")]
    if after is None:
        return [_removed(before, "")]
    changes: list[RuleChange] = []
    _diff_rule(before, after, "", "", changes)
    return changes


def _diff_rule(old: object, new: object, old_path: str, new_path: str, out: list[RuleChange]) -> None:
    if same_json(old, new):
        return
    old_kind, new_kind = _kind(old), _kind(new)
    if isinstance(old, Mapping) and isinstance(new, Mapping) and old_kind in _GROUPS and new_kind in _GROUPS:
        if old_kind != new_kind:
            out.append(_combinator_change(old_kind, new_kind, new_path))
        _diff_label(old, new, new_path, out)
        _diff_children(old[old_kind], new[new_kind], f"{old_path}/{old_kind}", f"{new_path}/{new_kind}", out)
    elif isinstance(old, Mapping) and isinstance(new, Mapping) and old_kind == new_kind == "not":
        _diff_label(old, new, new_path, out)
        _diff_rule(old["not"], new["not"], f"{old_path}/not", f"{new_path}/not", out)
    elif _corresponding_comparisons(old, new):
        out.append(_changed_comparison(old, new, new_path))
    else:
        out.append(_removed(old, old_path))
        out.append(_added(new, new_path))


def _diff_children(olds: object, news: object, old_base: str, new_base: str, out: list[RuleChange]) -> None:
    old_rules, new_rules = _as_list(olds), _as_list(news)
    matcher = difflib.SequenceMatcher(
        None, [json_key(r) for r in old_rules], [json_key(r) for r in new_rules], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        unpaired = list(range(j1, j2))
        for i in range(i1, i2):
            j = next((j for j in unpaired if _corresponds(old_rules[i], new_rules[j])), None)
            if j is None:
                out.append(_removed(old_rules[i], f"{old_base}/{i}"))
            else:
                unpaired.remove(j)
                _diff_rule(old_rules[i], new_rules[j], f"{old_base}/{i}", f"{new_base}/{j}", out)
        out.extend(_added(new_rules[j], f"{new_base}/{j}") for j in unpaired)


def _corresponds(old: object, new: object) -> bool:
    """Whether `new` is best read as a change of `old` rather than a rule of its own."""
    old_kind, new_kind = _kind(old), _kind(new)
    if _corresponding_comparisons(old, new):
        return True
    if isinstance(old, Mapping) and isinstance(new, Mapping) and old_kind in _GROUPS and new_kind in _GROUPS:
        shared = {json_key(r) for r in _as_list(old[old_kind])} & {json_key(r) for r in _as_list(new[new_kind])}
        return old_kind == new_kind or bool(shared)
    return old_kind == new_kind == "not"


def _corresponding_comparisons(old: object, new: object) -> bool:
    return (
        isinstance(old, Mapping)
        and isinstance(new, Mapping)
        and _kind(old) == _kind(new) == "comparison"
        and same_json(old.get("field"), new.get("field"))
    )


def _diff_label(old: Mapping[str, object], new: Mapping[str, object], path: str, out: list[RuleChange]) -> None:
    before, after = old.get("label"), new.get("label")
    if same_json(before, after):
        return
    was, now = _plain(before) if before is not None else "none", _plain(after) if after is not None else "none"
    out.append(
        RuleChange(
            change="modified",
            path=path,
            text=f"{_at(path)}label: {was} → {now}",
            phrase=f"{_rules_at(path)} labelled {now} (was {was})",
            before=was,
            after=now,
        )
    )


def _combinator_change(old_kind: str, new_kind: str, path: str) -> RuleChange:
    return RuleChange(
        change="modified",
        path=path,
        text=f"{_at(path)}{old_kind} → {new_kind}",
        phrase=f"{_rules_at(path)}: {new_kind} of them (was {old_kind})",
        before=old_kind,
        after=new_kind,
    )


def _changed_comparison(old: object, new: object, path: str) -> RuleChange:
    assert isinstance(old, Mapping)
    assert isinstance(new, Mapping)
    field = _plain(new.get("field"))
    if same_json(old.get("op"), new.get("op")) and same_json(_extras(old), _extras(new)):
        op = _plain(new.get("op"))
        text = f"{_at(path)}{field} {op}: {_plain(_value(old))} → {_plain(_value(new))}"
    else:
        text = f"{_at(path)}{field}: {_test(old)} → {_test(new)}"
    return RuleChange(
        change="modified",
        path=path,
        text=text,
        phrase=f"{field} {_said_test(new)} (was {_said_test(old)})",
        before=_rule_text(old),
        after=_rule_text(new),
    )


def _added(rule: object, path: str) -> RuleChange:
    text = _rule_text(rule)
    return RuleChange(change="added", path=path, text=f"added: {text}", phrase=f"added {_said(rule)}", after=text)


def _removed(rule: object, path: str) -> RuleChange:
    text = _rule_text(rule)
    return RuleChange(
        change="removed", path=path, text=f"removed: {text}", phrase=f"removed {_said(rule)}", before=text
    )


def _kind(rule: object) -> str:
    """`all`, `any`, `not`, `comparison`, or `other` (outside the grammar)."""
    if not isinstance(rule, Mapping):
        return "other"
    for key in _GROUPS:
        if isinstance(rule.get(key), list):
            return key
    if "not" in rule:
        return "not"
    return "comparison" if "field" in rule or "op" in rule else "other"


def _as_list(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _value(rule: Mapping[str, object]) -> object:
    return rule.get("value", True) if rule.get("op") == "exists" else rule.get("value")


def _extras(rule: Mapping[str, object]) -> list[tuple[str, object]]:
    return [(key, rule[key]) for key in ("type", "case", "label") if key in rule]


# --- rules as text ------------------------------------------------------------------------------------------------


def _rule_text(rule: object) -> str:
    """A rule in the grammar's words: `company.employees gte 50`, `any(score gte 60, demo eq true)`."""
    kind = _kind(rule)
    if not isinstance(rule, Mapping) or kind == "other":
        return _plain(rule)
    label = f' "{_plain(rule["label"])}"' if "label" in rule else ""
    if kind in _GROUPS:
        return f"{kind}({', '.join(_rule_text(r) for r in _as_list(rule[kind]))}){label}"
    if kind == "not":
        return f"not({_rule_text(rule['not'])}){label}"
    return f"{_plain(rule.get('field'))} {_test(rule)}"


def _test(rule: Mapping[str, object]) -> str:
    op, value = _plain(rule.get("op")), _value(rule)
    test = op if op == "exists" and value is True else f"{op} {_plain(value)}"
    extras = ", ".join(f"{key}: {_plain(given)}" for key, given in _extras(rule))
    return f"{test} ({extras})" if extras else test


def rule_words(rule: object) -> str:
    """A rule in the words summaries use (`lead_score ≥ 60`, `any of (score ≥ 60, demo = true)`): what the console
    shows for each comparison of a definition's criteria."""
    return _said(rule)


def _said(rule: object) -> str:
    """A rule in words: `lead_score ≥ 60`, `any of (score ≥ 60, demo = true)`."""
    kind = _kind(rule)
    if not isinstance(rule, Mapping) or kind == "other":
        return _plain(rule)
    if kind in _GROUPS:
        return f"{kind} of ({', '.join(_said(r) for r in _as_list(rule[kind]))})"
    if kind == "not":
        return f"not ({_said(rule['not'])})"
    return f"{_plain(rule.get('field'))} {_said_test(rule)}"


def _said_test(rule: Mapping[str, object]) -> str:
    op, value = rule.get("op"), _value(rule)
    if op == "exists":
        said = "present" if value is not False else "absent"
    elif op == "between" and isinstance(value, list | tuple) and len(value) == 2:
        said = f"between {_plain(value[0])} and {_plain(value[1])}"
    else:
        said = f"{_SYMBOLS.get(str(op), _plain(op))} {_plain(value)}"
    if "type" in rule:
        said += f" as {_plain(rule['type'])}"
    if rule.get("case") == "insensitive":
        said += " ignoring case"
    if "label" in rule:
        said += f' ("{_plain(rule["label"])}")'
    return said


def _plain(value: object) -> str:
    """A JSON value as people write it: strings bare, lists in brackets (`[US, CA]`). A string that would read
    ambiguously bare (empty, padded, with commas, brackets, quotes or control characters) is quoted as JSON, so a
    rule is always one line."""
    if isinstance(value, str):
        return value if _BARE.fullmatch(value) else msgspec.json.encode(value).decode()
    if isinstance(value, list | tuple):
        return f"[{', '.join(_plain(item) for item in value)}]"
    try:
        return msgspec.json.encode(value).decode()
    except (TypeError, msgspec.EncodeError):
        return str(value)


def _at(path: str) -> str:
    return f"{path} " if path else ""


def _rules_at(path: str) -> str:
    return f"rules at {path}" if path else "rules"


# --- a version's change in one line -------------------------------------------------------------------------------


def summarize(before: Mapping[str, object] | None, after: Mapping[str, object]) -> VersionChange:
    """How version content `after` differs from `before` (None: it is the first version), both as one JSON object
    of everything reviewed (title, tags, owners, ..., and the kind's content)."""
    if before is None:
        return VersionChange(fields=changed_fields({}, after), criteria=[], summary="first version")
    names = changed_fields(before, after)
    rules = diff_criteria(before.get("criteria"), after.get("criteria")) if "criteria" in names else []
    parts = [rule.phrase for rule in rules]
    parts += _field_phrases(before, after, [name for name in names if name != "criteria"])
    return VersionChange(fields=names, criteria=rules, summary=one_line(parts) if parts else "no changes")


def one_line(parts: Sequence[str], limit: int = MAX_SUMMARY) -> str:
    """`parts` joined by "; " on one line of at most `limit` characters: each part's whitespace collapsed and cut to
    fit, and the parts that do not fit counted at the end (`; and 3 more`)."""
    cleaned = [_cut(" ".join(part.split()), _PART_CHARS) for part in parts]
    line = ""
    for index, part in enumerate(cleaned):
        candidate = f"{line}; {part}" if line else part
        remaining = len(cleaned) - index - 1
        reserve = len(f"; and {remaining} more") if remaining else 0
        if len(candidate) + reserve > limit:
            return f"{line}; and {len(cleaned) - index} more" if line else _cut(part, limit)
        line = candidate
    return line


def _field_phrases(before: Mapping[str, object], after: Mapping[str, object], names: list[str]) -> list[str]:
    ordered = [name for name in _FIRST if name in names] + [name for name in names if name not in _FIRST]
    phrases: list[str] = []
    edited: list[str] = []
    for name in ordered:
        old, new = before.get(name), after.get(name)
        if name == "title":
            phrases.append(f'title "{_quoted(new)}" (was "{_quoted(old)}")')
        elif name in _DATES:
            phrases.append(f"{_words(name)} {_date(new)} (was {_date(old)})")
        elif _strings_or_none(old) and _strings_or_none(new) and not (old is None and new is None):
            phrases.append(_list_phrase(name, old, new))
        else:
            edited.append(_words(name))
    if edited:
        phrases.append(f"{', '.join(edited)} edited")
    return phrases


def _list_phrase(name: str, old: object, new: object) -> str:
    before = Counter(_as_strings(old))
    after = Counter(_as_strings(new))
    items = [f"+{_quoted(item)}" for item in (after - before).elements()]
    items += [f"-{_quoted(item)}" for item in (before - after).elements()]
    return f"{_words(name)} {', '.join(items)}" if items else f"{_words(name)} reordered"


def _strings_or_none(value: object) -> bool:
    return value is None or (isinstance(value, list | tuple) and all(isinstance(item, str) for item in value))


def _as_strings(value: object) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list | tuple) else []


def _quoted(value: object) -> str:
    text = value if isinstance(value, str) else "" if value is None else _plain(value)
    return _cut(" ".join(text.split()), _ITEM_CHARS)


def _date(value: object) -> str:
    """`1 Jan 2027` for a date or the date of a timestamp; `none` for nothing."""
    if value is None:
        return "none"
    if isinstance(value, str):
        try:
            return day_words(dt.date.fromisoformat(value[:10]))
        except ValueError:
            return _cut(value, _ITEM_CHARS)
    return _plain(value)


def day_words(day: dt.date) -> str:
    """A date as people read it in any locale: `1 Jan 2027`."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _words(name: str) -> str:
    return name.replace("_", " ")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + "…"
