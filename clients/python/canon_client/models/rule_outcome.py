from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast


T = TypeVar("T", bound="RuleOutcome")


@_attrs_define
class RuleOutcome:
    """ The result of one rule. `path` is the rule's JSON Pointer inside the tree: `""` is the root, then `/all/0`, ...

    `actual` is the record's value for a comparison (None when the field is missing, and for groups); `reason` says why
    the rule failed and is None when it passed.

        Attributes:
            passed (bool):
            path (str):
            rule (str):
            actual (Any | Unset): Any JSON value.
            reason (None | str | Unset):
     """

    passed: bool
    path: str
    rule: str
    actual: Any | Unset = UNSET
    reason: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        passed = self.passed

        path = self.path

        rule = self.rule

        actual = self.actual

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "passed": passed,
            "path": path,
            "rule": rule,
        })
        if actual is not UNSET:
            field_dict["actual"] = actual
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        passed = d.pop("passed")

        path = d.pop("path")

        rule = d.pop("rule")

        actual = d.pop("actual", UNSET)

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))


        rule_outcome = cls(
            passed=passed,
            path=path,
            rule=rule,
            actual=actual,
            reason=reason,
        )


        rule_outcome.additional_properties = d
        return rule_outcome

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
