from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast


T = TypeVar("T", bound="EntryUpdate")


@_attrs_define
class EntryUpdate:
    """
        Attributes:
            owners (list[str] | Unset):
            required_teams (list[str] | Unset):
            tags (list[str] | Unset):
            title (str | Unset):
     """

    owners: list[str] | Unset = UNSET
    required_teams: list[str] | Unset = UNSET
    tags: list[str] | Unset = UNSET
    title: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        owners: list[str] | Unset
        if isinstance(self.owners, Unset):
            owners = UNSET
        else:
            owners = self.owners


        required_teams: list[str] | Unset
        if isinstance(self.required_teams, Unset):
            required_teams = UNSET
        else:
            required_teams = self.required_teams


        tags: list[str] | Unset
        if isinstance(self.tags, Unset):
            tags = UNSET
        else:
            tags = self.tags


        title: str | Unset
        if isinstance(self.title, Unset):
            title = UNSET
        else:
            title = self.title


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if owners is not UNSET:
            field_dict["owners"] = owners
        if required_teams is not UNSET:
            field_dict["required_teams"] = required_teams
        if tags is not UNSET:
            field_dict["tags"] = tags
        if title is not UNSET:
            field_dict["title"] = title

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_owners(data: object) -> list[str] | Unset:
            if isinstance(data, Unset):
                return data
            if not isinstance(data, list):
                raise TypeError()
            owners_type_0 = cast(list[str], data)

            return owners_type_0

        owners = _parse_owners(d.pop("owners", UNSET))


        def _parse_required_teams(data: object) -> list[str] | Unset:
            if isinstance(data, Unset):
                return data
            if not isinstance(data, list):
                raise TypeError()
            required_teams_type_0 = cast(list[str], data)

            return required_teams_type_0

        required_teams = _parse_required_teams(d.pop("required_teams", UNSET))


        def _parse_tags(data: object) -> list[str] | Unset:
            if isinstance(data, Unset):
                return data
            if not isinstance(data, list):
                raise TypeError()
            tags_type_0 = cast(list[str], data)

            return tags_type_0

        tags = _parse_tags(d.pop("tags", UNSET))


        def _parse_title(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        title = _parse_title(d.pop("title", UNSET))


        entry_update = cls(
            owners=owners,
            required_teams=required_teams,
            tags=tags,
            title=title,
        )


        entry_update.additional_properties = d
        return entry_update

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
