from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast


T = TypeVar("T", bound="EventReviewRequest")


@_attrs_define
class EventReviewRequest:
    """ `review_requested` and `review_overdue`: the team whose approval is awaited, since when, and by when.

        Attributes:
            due_at (str):
            pending_teams (list[str]):
            requested_at (str):
            team (str):
            windows_overdue (int | None | Unset):
     """

    due_at: str
    pending_teams: list[str]
    requested_at: str
    team: str
    windows_overdue: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        due_at = self.due_at

        pending_teams = self.pending_teams


        requested_at = self.requested_at

        team = self.team

        windows_overdue: int | None | Unset
        if isinstance(self.windows_overdue, Unset):
            windows_overdue = UNSET
        else:
            windows_overdue = self.windows_overdue


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "due_at": due_at,
            "pending_teams": pending_teams,
            "requested_at": requested_at,
            "team": team,
        })
        if windows_overdue is not UNSET:
            field_dict["windows_overdue"] = windows_overdue

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        due_at = d.pop("due_at")

        pending_teams = cast(list[str], d.pop("pending_teams"))


        requested_at = d.pop("requested_at")

        team = d.pop("team")

        def _parse_windows_overdue(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        windows_overdue = _parse_windows_overdue(d.pop("windows_overdue", UNSET))


        event_review_request = cls(
            due_at=due_at,
            pending_teams=pending_teams,
            requested_at=requested_at,
            team=team,
            windows_overdue=windows_overdue,
        )


        event_review_request.additional_properties = d
        return event_review_request

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
