from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset


T = TypeVar("T", bound="UpcomingOut")


@_attrs_define
class UpcomingOut:
    """ The next scheduled version and when it takes effect.

        Attributes:
            effective_at (str):
            version (int):
     """

    effective_at: str
    version: int


    def to_dict(self) -> dict[str, Any]:
        effective_at = self.effective_at

        version = self.version


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "effective_at": effective_at,
            "version": version,
        })

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        effective_at = d.pop("effective_at")

        version = d.pop("version")

        upcoming_out = cls(
            effective_at=effective_at,
            version=version,
        )

        return upcoming_out
