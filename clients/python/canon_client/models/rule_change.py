from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.rule_change_change import RuleChangeChange
from ..types import UNSET, Unset
from typing import cast


T = TypeVar("T", bound="RuleChange")


@_attrs_define
class RuleChange:
    """ One rule of the criteria added, removed or changed.

    `path` is the rule's JSON Pointer in the criteria (`""` is the root, then `/all/0`, ...): in the newer tree, or
    in the older one for a removed rule. `text` is the change on one line (`/all/0 lead_score gte: 50 → 60`,
    `added: country in [US, CA]`), `phrase` the same in words a person reads (`lead_score ≥ 60 (was ≥ 50)`), and
    `before` / `after` the rule itself as text (a group with its rules), where there is one.

        Attributes:
            change (RuleChangeChange):
            path (str):
            phrase (str):
            text (str):
            after (None | str | Unset):
            before (None | str | Unset):
     """

    change: RuleChangeChange
    path: str
    phrase: str
    text: str
    after: None | str | Unset = UNSET
    before: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        change = self.change.value

        path = self.path

        phrase = self.phrase

        text = self.text

        after: None | str | Unset
        if isinstance(self.after, Unset):
            after = UNSET
        else:
            after = self.after

        before: None | str | Unset
        if isinstance(self.before, Unset):
            before = UNSET
        else:
            before = self.before


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "change": change,
            "path": path,
            "phrase": phrase,
            "text": text,
        })
        if after is not UNSET:
            field_dict["after"] = after
        if before is not UNSET:
            field_dict["before"] = before

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        change = RuleChangeChange(d.pop("change"))


        path = d.pop("path")

        phrase = d.pop("phrase")

        text = d.pop("text")

        def _parse_after(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        after = _parse_after(d.pop("after", UNSET))


        def _parse_before(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        before = _parse_before(d.pop("before", UNSET))


        rule_change = cls(
            change=change,
            path=path,
            phrase=phrase,
            text=text,
            after=after,
            before=before,
        )


        rule_change.additional_properties = d
        return rule_change

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
