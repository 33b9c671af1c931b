from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast


T = TypeVar("T", bound="PersonOut")


@_attrs_define
class PersonOut:
    """
        Attributes:
            active (bool):
            created_at (str):
            name (str):
            role (str):
            subject (str):
            teams (list[str]):
            updated_at (str):
     """

    active: bool
    created_at: str
    name: str
    role: str
    subject: str
    teams: list[str]
    updated_at: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        active = self.active

        created_at = self.created_at

        name = self.name

        role = self.role

        subject = self.subject

        teams = self.teams


        updated_at = self.updated_at


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "active": active,
            "created_at": created_at,
            "name": name,
            "role": role,
            "subject": subject,
            "teams": teams,
            "updated_at": updated_at,
        })

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        active = d.pop("active")

        created_at = d.pop("created_at")

        name = d.pop("name")

        role = d.pop("role")

        subject = d.pop("subject")

        teams = cast(list[str], d.pop("teams"))


        updated_at = d.pop("updated_at")

        person_out = cls(
            active=active,
            created_at=created_at,
            name=name,
            role=role,
            subject=subject,
            teams=teams,
            updated_at=updated_at,
        )


        person_out.additional_properties = d
        return person_out

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
