from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.event_addressee import EventAddressee


T = TypeVar("T", bound="EventAcknowledgementsDue")


@_attrs_define
class EventAcknowledgementsDue:
    """ `acknowledgement_overdue`: the people of the addressed teams who had not acknowledged the version in effect
    when its acknowledgement window ended; each person is named once per version.

        Attributes:
            due_at (str):
            people (list[EventAddressee]):
            teams (list[str]):
     """

    due_at: str
    people: list[EventAddressee]
    teams: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        from ..models.event_addressee import EventAddressee # noqa: PLC0415
        due_at = self.due_at

        people = []
        for people_item_data in self.people:
            people_item = people_item_data.to_dict()
            people.append(people_item)


        teams = self.teams


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "due_at": due_at,
            "people": people,
            "teams": teams,
        })

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.event_addressee import EventAddressee # noqa: PLC0415
        d = dict(src_dict)
        due_at = d.pop("due_at")

        people = []
        _people = d.pop("people")
        for people_item_data in (_people):
            people_item = EventAddressee.from_dict(people_item_data)


            people.append(people_item)


        teams = cast(list[str], d.pop("teams"))


        event_acknowledgements_due = cls(
            due_at=due_at,
            people=people,
            teams=teams,
        )


        event_acknowledgements_due.additional_properties = d
        return event_acknowledgements_due

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
