from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.role import Role
from ..types import UNSET, Unset
from typing import cast


T = TypeVar("T", bound="PersonCreate")


@_attrs_define
class PersonCreate:
    """
        Attributes:
            name (str):
            subject (str):
            role (Role | Unset):
            teams (list[str] | Unset):
     """

    name: str
    subject: str
    role: Role | Unset = UNSET
    teams: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        name = self.name

        subject = self.subject

        role: str | Unset = UNSET
        if not isinstance(self.role, Unset):
            role = self.role.value


        teams: list[str] | Unset = UNSET
        if not isinstance(self.teams, Unset):
            teams = self.teams


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "name": name,
            "subject": subject,
        })
        if role is not UNSET:
            field_dict["role"] = role
        if teams is not UNSET:
            field_dict["teams"] = teams

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        subject = d.pop("subject")

        _role = d.pop("role", UNSET)
        role: Role | Unset
        if isinstance(_role,  Unset):
            role = UNSET
        else:
            role = Role(_role)


        teams = cast(list[str], d.pop("teams", UNSET))


        person_create = cls(
            name=name,
            subject=subject,
            role=role,
            teams=teams,
        )


        person_create.additional_properties = d
        return person_create

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
