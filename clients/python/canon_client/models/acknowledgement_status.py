from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.team_acknowledgements import TeamAcknowledgements


T = TypeVar("T", bound="AcknowledgementStatus")


@_attrs_define
class AcknowledgementStatus:
    """ Who of the addressed teams has acknowledged a version and who has not: each team's active members now.

        Attributes:
            acknowledge_teams (list[str]):
            acknowledged (int):
            due_at (None | str):
            in_effect (bool):
            in_effect_since (None | str):
            kind (str):
            members (int):
            pending (int):
            rate (float | None):
            slug (str):
            status (str):
            teams (list[TeamAcknowledgements]):
            version (int):
     """

    acknowledge_teams: list[str]
    acknowledged: int
    due_at: None | str
    in_effect: bool
    in_effect_since: None | str
    kind: str
    members: int
    pending: int
    rate: float | None
    slug: str
    status: str
    teams: list[TeamAcknowledgements]
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        from ..models.team_acknowledgements import TeamAcknowledgements # noqa: PLC0415
        acknowledge_teams = self.acknowledge_teams


        acknowledged = self.acknowledged

        due_at: None | str
        due_at = self.due_at

        in_effect = self.in_effect

        in_effect_since: None | str
        in_effect_since = self.in_effect_since

        kind = self.kind

        members = self.members

        pending = self.pending

        rate: float | None
        rate = self.rate

        slug = self.slug

        status = self.status

        teams = []
        for teams_item_data in self.teams:
            teams_item = teams_item_data.to_dict()
            teams.append(teams_item)


        version = self.version


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "acknowledge_teams": acknowledge_teams,
            "acknowledged": acknowledged,
            "due_at": due_at,
            "in_effect": in_effect,
            "in_effect_since": in_effect_since,
            "kind": kind,
            "members": members,
            "pending": pending,
            "rate": rate,
            "slug": slug,
            "status": status,
            "teams": teams,
            "version": version,
        })

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.team_acknowledgements import TeamAcknowledgements # noqa: PLC0415
        d = dict(src_dict)
        acknowledge_teams = cast(list[str], d.pop("acknowledge_teams"))


        acknowledged = d.pop("acknowledged")

        def _parse_due_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        due_at = _parse_due_at(d.pop("due_at"))


        in_effect = d.pop("in_effect")

        def _parse_in_effect_since(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        in_effect_since = _parse_in_effect_since(d.pop("in_effect_since"))


        kind = d.pop("kind")

        members = d.pop("members")

        pending = d.pop("pending")

        def _parse_rate(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        rate = _parse_rate(d.pop("rate"))


        slug = d.pop("slug")

        status = d.pop("status")

        teams = []
        _teams = d.pop("teams")
        for teams_item_data in (_teams):
            teams_item = TeamAcknowledgements.from_dict(teams_item_data)


            teams.append(teams_item)


        version = d.pop("version")

        acknowledgement_status = cls(
            acknowledge_teams=acknowledge_teams,
            acknowledged=acknowledged,
            due_at=due_at,
            in_effect=in_effect,
            in_effect_since=in_effect_since,
            kind=kind,
            members=members,
            pending=pending,
            rate=rate,
            slug=slug,
            status=status,
            teams=teams,
            version=version,
        )


        acknowledgement_status.additional_properties = d
        return acknowledgement_status

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
