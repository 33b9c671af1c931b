from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast


T = TypeVar("T", bound="Me")


@_attrs_define
class Me:
    """ The caller as Canon sees it.

        Attributes:
            credential (str):
            name (str):
            role (str):
            subject (str):
            teams (list[str]):
            type_ (str):
     """

    credential: str
    name: str
    role: str
    subject: str
    teams: list[str]
    type_: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        credential = self.credential

        name = self.name

        role = self.role

        subject = self.subject

        teams = self.teams


        type_ = self.type_


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "credential": credential,
            "name": name,
            "role": role,
            "subject": subject,
            "teams": teams,
            "type": type_,
        })

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        credential = d.pop("credential")

        name = d.pop("name")

        role = d.pop("role")

        subject = d.pop("subject")

        teams = cast(list[str], d.pop("teams"))


        type_ = d.pop("type")

        me = cls(
            credential=credential,
            name=name,
            role=role,
            subject=subject,
            teams=teams,
            type_=type_,
        )


        me.additional_properties = d
        return me

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
