"""A definition's criteria as rules people read: each group a heading ("all of these", "any of these", "none of
these") over its rules, each comparison in the words change summaries use (service/domain/change_summary.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from service.domain.change_summary import rule_words

_GROUPS = {"all": "all of these", "any": "at least one of these"}


@dataclass(frozen=True)
class RuleLine:
    """One rule: its words, and for a group the rules under it."""

    text: str
    children: list[RuleLine] = field(default_factory=list)
    label: str | None = None


def readable(rule: object) -> RuleLine:
    """`rule` (a criteria tree, valid or not: odd input is shown as it is, never refused) as lines to show."""
    if not isinstance(rule, Mapping):
        return RuleLine(rule_words(rule))
    label = rule.get("label")
    shown_label = label if isinstance(label, str) else None
    for key, heading in _GROUPS.items():
        members = rule.get(key)
        if isinstance(members, list):
            return RuleLine(f"Matches {heading}:", [readable(member) for member in members], shown_label)
    if "not" in rule:
        return RuleLine("Matches none of these:", [readable(rule["not"])], shown_label)
    return RuleLine(rule_words(rule))
