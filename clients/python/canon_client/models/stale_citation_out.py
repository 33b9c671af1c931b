from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset


T = TypeVar("T", bound="StaleCitationOut")


@_attrs_define
class StaleCitationOut:
    """ A citation of a version no longer in effect: the entry cited, the version cited, and the version in effect at
    the instant read (now, or `as_of`).

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


    def to_dict(self) -> dict[str, Any]:
        cited_version = self.cited_version

        current_version = self.current_version

        kind = self.kind

        slug = self.slug


        field_dict: dict[str, Any] = {}

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

        stale_citation_out = cls(
            cited_version=cited_version,
            current_version=current_version,
            kind=kind,
            slug=slug,
        )

        return stale_citation_out
