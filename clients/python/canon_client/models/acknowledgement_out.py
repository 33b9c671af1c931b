from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast


T = TypeVar("T", bound="AcknowledgementOut")


@_attrs_define
class AcknowledgementOut:
    """ One person's acknowledgement of a version.

        Attributes:
            acknowledged_at (str):
            kind (str):
            name (str):
            slug (str):
            subject (str):
            teams (list[str]):
            version (int):
     """

    acknowledged_at: str
    kind: str
    name: str
    slug: str
    subject: str
    teams: list[str]
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        acknowledged_at = self.acknowledged_at

        kind = self.kind

        name = self.name

        slug = self.slug

        subject = self.subject

        teams = self.teams


        version = self.version


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "acknowledged_at": acknowledged_at,
            "kind": kind,
            "name": name,
            "slug": slug,
            "subject": subject,
            "teams": teams,
            "version": version,
        })

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        acknowledged_at = d.pop("acknowledged_at")

        kind = d.pop("kind")

        name = d.pop("name")

        slug = d.pop("slug")

        subject = d.pop("subject")

        teams = cast(list[str], d.pop("teams"))


        version = d.pop("version")

        acknowledgement_out = cls(
            acknowledged_at=acknowledged_at,
            kind=kind,
            name=name,
            slug=slug,
            subject=subject,
            teams=teams,
            version=version,
        )


        acknowledgement_out.additional_properties = d
        return acknowledgement_out

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
