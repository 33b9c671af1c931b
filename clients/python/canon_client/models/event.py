from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.event_data import EventData


T = TypeVar("T", bound="Event")


@_attrs_define
class Event:
    """ The envelope: `{"type", "timestamp", "data"}` (Standard Webhooks), plus the feed position.

        Attributes:
            cursor (str):
            data (EventData):
            id (str):
            timestamp (str):
            type_ (str):
     """

    cursor: str
    data: EventData
    id: str
    timestamp: str
    type_: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        from ..models.event_data import EventData # noqa: PLC0415
        cursor = self.cursor

        data = self.data.to_dict()

        id = self.id

        timestamp = self.timestamp

        type_ = self.type_


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "cursor": cursor,
            "data": data,
            "id": id,
            "timestamp": timestamp,
            "type": type_,
        })

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.event_data import EventData # noqa: PLC0415
        d = dict(src_dict)
        cursor = d.pop("cursor")

        data = EventData.from_dict(d.pop("data"))


        id = d.pop("id")

        timestamp = d.pop("timestamp")

        type_ = d.pop("type")

        event = cls(
            cursor=cursor,
            data=data,
            id=id,
            timestamp=timestamp,
            type_=type_,
        )


        event.additional_properties = d
        return event

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
