from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.reference_kind import ReferenceKind
from ..types import UNSET, Unset
from typing import cast


T = TypeVar("T", bound="Reference")


@_attrs_define
class Reference:
    """ A citation of another entry's version. Without `version`, the write cites the current published one.

        Attributes:
            slug (str): Lower-case letters, digits and inner hyphens; unique within a kind.
            kind (ReferenceKind | Unset):  Default: ReferenceKind.DEFINITION.
            version (int | None | Unset):
     """

    slug: str
    kind: ReferenceKind | Unset = ReferenceKind.DEFINITION
    version: int | None | Unset = UNSET


    def to_dict(self) -> dict[str, Any]:
        slug = self.slug

        kind: str | Unset = UNSET
        if not isinstance(self.kind, Unset):
            kind = self.kind.value


        version: int | None | Unset
        if isinstance(self.version, Unset):
            version = UNSET
        else:
            version = self.version


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "slug": slug,
        })
        if kind is not UNSET:
            field_dict["kind"] = kind
        if version is not UNSET:
            field_dict["version"] = version

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        slug = d.pop("slug")

        _kind = d.pop("kind", UNSET)
        kind: ReferenceKind | Unset
        if isinstance(_kind,  Unset):
            kind = UNSET
        else:
            kind = ReferenceKind(_kind)


        def _parse_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        version = _parse_version(d.pop("version", UNSET))


        reference = cls(
            slug=slug,
            kind=kind,
            version=version,
        )

        return reference
