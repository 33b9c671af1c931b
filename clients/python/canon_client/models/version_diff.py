from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.field_change import FieldChange
  from ..models.line_diff import LineDiff
  from ..models.rule_change import RuleChange


T = TypeVar("T", bound="VersionDiff")


@_attrs_define
class VersionDiff:
    """ `changes` keeps the whole value of each changed field (both criteria trees too, as clients had them first);
    `criteria_changes` says the criteria's change rule by rule, and `summary` the whole change in one line.

        Attributes:
            changes (list[FieldChange]):
            criteria_changes (list[RuleChange]):
            from_version (int):
            summary (str):
            text (list[LineDiff]):
            to_version (int):
     """

    changes: list[FieldChange]
    criteria_changes: list[RuleChange]
    from_version: int
    summary: str
    text: list[LineDiff]
    to_version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        from ..models.field_change import FieldChange # noqa: PLC0415
        from ..models.line_diff import LineDiff # noqa: PLC0415
        from ..models.rule_change import RuleChange # noqa: PLC0415
        changes = []
        for changes_item_data in self.changes:
            changes_item = changes_item_data.to_dict()
            changes.append(changes_item)


        criteria_changes = []
        for criteria_changes_item_data in self.criteria_changes:
            criteria_changes_item = criteria_changes_item_data.to_dict()
            criteria_changes.append(criteria_changes_item)


        from_version = self.from_version

        summary = self.summary

        text = []
        for text_item_data in self.text:
            text_item = text_item_data.to_dict()
            text.append(text_item)


        to_version = self.to_version


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "changes": changes,
            "criteria_changes": criteria_changes,
            "from_version": from_version,
            "summary": summary,
            "text": text,
            "to_version": to_version,
        })

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.field_change import FieldChange # noqa: PLC0415
        from ..models.line_diff import LineDiff # noqa: PLC0415
        from ..models.rule_change import RuleChange # noqa: PLC0415
        d = dict(src_dict)
        changes = []
        _changes = d.pop("changes")
        for changes_item_data in (_changes):
            changes_item = FieldChange.from_dict(changes_item_data)


            changes.append(changes_item)


        criteria_changes = []
        _criteria_changes = d.pop("criteria_changes")
        for criteria_changes_item_data in (_criteria_changes):
            criteria_changes_item = RuleChange.from_dict(criteria_changes_item_data)


            criteria_changes.append(criteria_changes_item)


        from_version = d.pop("from_version")

        summary = d.pop("summary")

        text = []
        _text = d.pop("text")
        for text_item_data in (_text):
            text_item = LineDiff.from_dict(text_item_data)


            text.append(text_item)


        to_version = d.pop("to_version")

        version_diff = cls(
            changes=changes,
            criteria_changes=criteria_changes,
            from_version=from_version,
            summary=summary,
            text=text,
            to_version=to_version,
        )


        version_diff.additional_properties = d
        return version_diff

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
