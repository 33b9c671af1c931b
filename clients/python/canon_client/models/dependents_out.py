from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.dependent_out import DependentOut


T = TypeVar("T", bound="DependentsOut")


@_attrs_define
class DependentsOut:
    """
        Attributes:
            current_version (int | None):
            items (list[DependentOut]):
            kind (str):
            slug (str):
     """

    current_version: int | None
    items: list[DependentOut]
    kind: str
    slug: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        from ..models.dependent_out import DependentOut # noqa: PLC0415
        current_version: int | None
        current_version = self.current_version

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)


        kind = self.kind

        slug = self.slug


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "current_version": current_version,
            "items": items,
            "kind": kind,
            "slug": slug,
        })

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dependent_out import DependentOut # noqa: PLC0415
        d = dict(src_dict)
        def _parse_current_version(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        current_version = _parse_current_version(d.pop("current_version"))


        items = []
        _items = d.pop("items")
        for items_item_data in (_items):
            items_item = DependentOut.from_dict(items_item_data)


            items.append(items_item)


        kind = d.pop("kind")

        slug = d.pop("slug")

        dependents_out = cls(
            current_version=current_version,
            items=items,
            kind=kind,
            slug=slug,
        )


        dependents_out.additional_properties = d
        return dependents_out

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
