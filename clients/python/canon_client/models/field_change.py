from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast


T = TypeVar("T", bound="FieldChange")


@_attrs_define
class FieldChange:
    """ How one top-level field changed; `added_items`/`removed_items` are set only for list-valued fields.

        Attributes:
            change (str):
            field (str):
            added_items (list[Any] | None | Unset):
            after (Any | Unset): Any JSON value.
            before (Any | Unset): Any JSON value.
            removed_items (list[Any] | None | Unset):
     """

    change: str
    field: str
    added_items: list[Any] | None | Unset = UNSET
    after: Any | Unset = UNSET
    before: Any | Unset = UNSET
    removed_items: list[Any] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        change = self.change

        field = self.field

        added_items: list[Any] | None | Unset
        if isinstance(self.added_items, Unset):
            added_items = UNSET
        elif isinstance(self.added_items, list):
            added_items = self.added_items


        else:
            added_items = self.added_items

        after = self.after

        before = self.before

        removed_items: list[Any] | None | Unset
        if isinstance(self.removed_items, Unset):
            removed_items = UNSET
        elif isinstance(self.removed_items, list):
            removed_items = self.removed_items


        else:
            removed_items = self.removed_items


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "change": change,
            "field": field,
        })
        if added_items is not UNSET:
            field_dict["added_items"] = added_items
        if after is not UNSET:
            field_dict["after"] = after
        if before is not UNSET:
            field_dict["before"] = before
        if removed_items is not UNSET:
            field_dict["removed_items"] = removed_items

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        change = d.pop("change")

        field = d.pop("field")

        def _parse_added_items(data: object) -> list[Any] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                added_items_type_0 = cast(list[Any], data)

                return added_items_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[Any] | None | Unset, data)

        added_items = _parse_added_items(d.pop("added_items", UNSET))


        after = d.pop("after", UNSET)

        before = d.pop("before", UNSET)

        def _parse_removed_items(data: object) -> list[Any] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                removed_items_type_0 = cast(list[Any], data)

                return removed_items_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[Any] | None | Unset, data)

        removed_items = _parse_removed_items(d.pop("removed_items", UNSET))


        field_change = cls(
            change=change,
            field=field,
            added_items=added_items,
            after=after,
            before=before,
            removed_items=removed_items,
        )


        field_change.additional_properties = d
        return field_change

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
