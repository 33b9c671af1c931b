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
    """ Absent fields stay as they are; `active: false` stops every credential of the person at once.

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


    def to_dict(self) -> dict[str, Any]:
        active = self.active

        name = self.name

        role: str | Unset = UNSET
        if not isinstance(self.role, Unset):
            role = self.role.value


        teams: list[str] | Unset = UNSET
        if not isinstance(self.teams, Unset):
            teams = self.teams


        field_dict: dict[str, Any] = {}

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
        active = d.pop("active", UNSET)

        name = d.pop("name", UNSET)

        _role = d.pop("role", UNSET)
        role: Role | Unset
        if isinstance(_role,  Unset):
            role = UNSET
        else:
            role = Role(_role)


        teams = cast(list[str], d.pop("teams", UNSET))


        person_update = cls(
            active=active,
            name=name,
            role=role,
            teams=teams,
        )

        return person_update
