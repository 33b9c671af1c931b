from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset


T = TypeVar("T", bound="OpenVersionOut")


@_attrs_define
class OpenVersionOut:
    """
        Attributes:
            number (int):
            status (str):
     """

    number: int
    status: str


    def to_dict(self) -> dict[str, Any]:
        number = self.number

        status = self.status


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "number": number,
            "status": status,
        })

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        number = d.pop("number")

        status = d.pop("status")

        open_version_out = cls(
            number=number,
            status=status,
        )

        return open_version_out
