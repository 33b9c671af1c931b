from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.role import Role
from ..types import UNSET, Unset
from typing import cast


T = TypeVar("T", bound="PersonUpdate")


@_attrs_define
class PersonUpdate:
    """
        Attributes:
            active (bool | Unset):
            name (str | Unset):
            role (Role | Unset):
            teams (list[str] | Unset):
     """

    active: bool | Unset = UNSET
    name: str | Unset = UNSET
    role: Role | Unset = UNSET
    teams: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        active: bool | Unset
        if isinstance(self.active, Unset):
            active = UNSET
        else:
            active = self.active

        name: str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        role: str | Unset = UNSET
        if not isinstance(self.role, Unset):
            role = self.role.value


        teams: list[str] | Unset
        if isinstance(self.teams, Unset):
            teams = UNSET
        else:
            teams = self.teams


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if active is not UNSET:
            field_dict["active"] = active
        if name is not UNSET:
            field_dict["name"] = name
        if role is not UNSET:
            field_dict["role"] = role
        if teams is not UNSET:
            field_dict["teams"] = teams

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_active(data: object) -> bool | Unset:
            if isinstance(data, Unset):
                return data
            return cast(bool | Unset, data)

        active = _parse_active(d.pop("active", UNSET))


        def _parse_name(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))


        _role = d.pop("role", UNSET)
        role: Role | Unset
        if isinstance(_role,  Unset):
            role = UNSET
        else:
            role = Role(_role)


        def _parse_teams(data: object) -> list[str] | Unset:
            if isinstance(data, Unset):
                return data
            if not isinstance(data, list):
                raise TypeError()
            teams_type_0 = cast(list[str], data)

            return teams_type_0

        teams = _parse_teams(d.pop("teams", UNSET))


        person_update = cls(
            active=active,
            name=name,
            role=role,
            teams=teams,
        )


        person_update.additional_properties = d
        return person_update

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
