from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset


T = TypeVar("T", bound="EventStaleCitation")


@_attrs_define
class EventStaleCitation:
    """ A citation of a version that is no longer in effect: the entry cited, the version cited, and the version in
    effect at the instant asked about (now, in events and search hits).

        Attributes:
            cited_version (int):
            current_version (int):
            kind (str):
            slug (str):
     """

    cited_version: int
    current_version: int
    kind: str
    slug: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        cited_version = self.cited_version

        current_version = self.current_version

        kind = self.kind

        slug = self.slug


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "cited_version": cited_version,
            "current_version": current_version,
            "kind": kind,
            "slug": slug,
        })

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        cited_version = d.pop("cited_version")

        current_version = d.pop("current_version")

        kind = d.pop("kind")

        slug = d.pop("slug")

        event_stale_citation = cls(
            cited_version=cited_version,
            current_version=current_version,
            kind=kind,
            slug=slug,
        )


        event_stale_citation.additional_properties = d
        return event_stale_citation

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
