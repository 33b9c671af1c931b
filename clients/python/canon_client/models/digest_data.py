from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from uuid import UUID

if TYPE_CHECKING:
  from ..models.event_digest_entry import EventDigestEntry
  from ..models.event_digest_period import EventDigestPeriod


T = TypeVar("T", bound="DigestData")


@_attrs_define
class DigestData:
    """ `data` of `webhook.digest`: one period's changes that the subscription's filters let through, grouped by
    entry (first changed first) and collapsed: a run of one kind of change is one line with its count.

        Attributes:
            entries (list[EventDigestEntry]):
            events (int):
            id (UUID):
            period (EventDigestPeriod): The period a digest covers: events committed from `start` (inclusive) to `end`
                (exclusive), with the schedule
                that ended it. A period of more events than one digest holds is sent in parts with the same period, one right
                after the other, each with the events that follow the previous one's.
     """

    entries: list[EventDigestEntry]
    events: int
    id: UUID
    period: EventDigestPeriod
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        from ..models.event_digest_entry import EventDigestEntry # noqa: PLC0415
        from ..models.event_digest_period import EventDigestPeriod # noqa: PLC0415
        entries = []
        for entries_item_data in self.entries:
            entries_item = entries_item_data.to_dict()
            entries.append(entries_item)


        events = self.events

        id = str(self.id)

        period = self.period.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "entries": entries,
            "events": events,
            "id": id,
            "period": period,
        })

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.event_digest_entry import EventDigestEntry # noqa: PLC0415
        from ..models.event_digest_period import EventDigestPeriod # noqa: PLC0415
        d = dict(src_dict)
        entries = []
        _entries = d.pop("entries")
        for entries_item_data in (_entries):
            entries_item = EventDigestEntry.from_dict(entries_item_data)


            entries.append(entries_item)


        events = d.pop("events")

        id = UUID(d.pop("id"))


        period = EventDigestPeriod.from_dict(d.pop("period"))


        digest_data = cls(
            entries=entries,
            events=events,
            id=id,
            period=period,
        )


        digest_data.additional_properties = d
        return digest_data

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
