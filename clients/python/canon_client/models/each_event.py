from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.each_event_mode import EachEventMode


T = TypeVar("T", bound="EachEvent")


@_attrs_define
class EachEvent:
    """ One delivery per event, as soon as it happens (the default).

        Attributes:
            mode (EachEventMode):
     """

    mode: EachEventMode


    def to_dict(self) -> dict[str, Any]:
        mode = self.mode.value


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "mode": mode,
        })

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        mode = EachEventMode(d.pop("mode"))


        each_event = cls(
            mode=mode,
        )

        return each_event
