from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast


T = TypeVar("T", bound="EventReview")


@_attrs_define
class EventReview:
    """ What happened in review: an approval (team) or a rejection (comment).

        Attributes:
            by (str):
            outcome (str):
            comment (None | str | Unset):
            missing_teams (list[str] | None | Unset):
            team (None | str | Unset):
     """

    by: str
    outcome: str
    comment: None | str | Unset = UNSET
    missing_teams: list[str] | None | Unset = UNSET
    team: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        by = self.by

        outcome = self.outcome

        comment: None | str | Unset
        if isinstance(self.comment, Unset):
            comment = UNSET
        else:
            comment = self.comment

        missing_teams: list[str] | None | Unset
        if isinstance(self.missing_teams, Unset):
            missing_teams = UNSET
        elif isinstance(self.missing_teams, list):
            missing_teams = self.missing_teams


        else:
            missing_teams = self.missing_teams

        team: None | str | Unset
        if isinstance(self.team, Unset):
            team = UNSET
        else:
            team = self.team


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "by": by,
            "outcome": outcome,
        })
        if comment is not UNSET:
            field_dict["comment"] = comment
        if missing_teams is not UNSET:
            field_dict["missing_teams"] = missing_teams
        if team is not UNSET:
            field_dict["team"] = team

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        by = d.pop("by")

        outcome = d.pop("outcome")

        def _parse_comment(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        comment = _parse_comment(d.pop("comment", UNSET))


        def _parse_missing_teams(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                missing_teams_type_0 = cast(list[str], data)

                return missing_teams_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        missing_teams = _parse_missing_teams(d.pop("missing_teams", UNSET))


        def _parse_team(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        team = _parse_team(d.pop("team", UNSET))


        event_review = cls(
            by=by,
            outcome=outcome,
            comment=comment,
            missing_teams=missing_teams,
            team=team,
        )


        event_review.additional_properties = d
        return event_review

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
