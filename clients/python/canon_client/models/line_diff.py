from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset


T = TypeVar("T", bound="LineDiff")


@_attrs_define
class LineDiff:
    """ Line diff of one text field, as unified diff text (empty when the lines are equal).

        Attributes:
            added_lines (int):
            field (str):
            removed_lines (int):
            unified (str):
     """

    added_lines: int
    field: str
    removed_lines: int
    unified: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        added_lines = self.added_lines

        field = self.field

        removed_lines = self.removed_lines

        unified = self.unified


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "added_lines": added_lines,
            "field": field,
            "removed_lines": removed_lines,
            "unified": unified,
        })

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        added_lines = d.pop("added_lines")

        field = d.pop("field")

        removed_lines = d.pop("removed_lines")

        unified = d.pop("unified")

        line_diff = cls(
            added_lines=added_lines,
            field=field,
            removed_lines=removed_lines,
            unified=unified,
        )


        line_diff.additional_properties = d
        return line_diff

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
