from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast


T = TypeVar("T", bound="DeliveryRow")


@_attrs_define
class DeliveryRow:
    """
        Attributes:
            attempts (int):
            completed_at (None | str):
            created_at (str):
            event_id (int | None):
            event_type (str):
            id (int):
            last_error (None | str):
            last_status (int | None):
            next_attempt_at (str):
            status (str):
     """

    attempts: int
    completed_at: None | str
    created_at: str
    event_id: int | None
    event_type: str
    id: int
    last_error: None | str
    last_status: int | None
    next_attempt_at: str
    status: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        attempts = self.attempts

        completed_at: None | str
        completed_at = self.completed_at

        created_at = self.created_at

        event_id: int | None
        event_id = self.event_id

        event_type = self.event_type

        id = self.id

        last_error: None | str
        last_error = self.last_error

        last_status: int | None
        last_status = self.last_status

        next_attempt_at = self.next_attempt_at

        status = self.status


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "attempts": attempts,
            "completed_at": completed_at,
            "created_at": created_at,
            "event_id": event_id,
            "event_type": event_type,
            "id": id,
            "last_error": last_error,
            "last_status": last_status,
            "next_attempt_at": next_attempt_at,
            "status": status,
        })

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        attempts = d.pop("attempts")

        def _parse_completed_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        completed_at = _parse_completed_at(d.pop("completed_at"))


        created_at = d.pop("created_at")

        def _parse_event_id(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        event_id = _parse_event_id(d.pop("event_id"))


        event_type = d.pop("event_type")

        id = d.pop("id")

        def _parse_last_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        last_error = _parse_last_error(d.pop("last_error"))


        def _parse_last_status(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        last_status = _parse_last_status(d.pop("last_status"))


        next_attempt_at = d.pop("next_attempt_at")

        status = d.pop("status")

        delivery_row = cls(
            attempts=attempts,
            completed_at=completed_at,
            created_at=created_at,
            event_id=event_id,
            event_type=event_type,
            id=id,
            last_error=last_error,
            last_status=last_status,
            next_attempt_at=next_attempt_at,
            status=status,
        )


        delivery_row.additional_properties = d
        return delivery_row

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
