from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast


T = TypeVar("T", bound="EventDigestPeriod")


@_attrs_define
class EventDigestPeriod:
    """ The period a digest covers: events committed from `start` (inclusive) to `end` (exclusive), with the schedule
    that ended it. A period of more events than one digest holds is sent in parts with the same period, one right
    after the other, each with the events that follow the previous one's.

        Attributes:
            end (str):
            start (str):
            timezone (str):
            every (None | str | Unset):
     """

    end: str
    start: str
    timezone: str
    every: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        end = self.end

        start = self.start

        timezone = self.timezone

        every: None | str | Unset
        if isinstance(self.every, Unset):
            every = UNSET
        else:
            every = self.every


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "end": end,
            "start": start,
            "timezone": timezone,
        })
        if every is not UNSET:
            field_dict["every"] = every

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        end = d.pop("end")

        start = d.pop("start")

        timezone = d.pop("timezone")

        def _parse_every(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        every = _parse_every(d.pop("every", UNSET))


        event_digest_period = cls(
            end=end,
            start=start,
            timezone=timezone,
            every=every,
        )


        event_digest_period.additional_properties = d
        return event_digest_period

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
