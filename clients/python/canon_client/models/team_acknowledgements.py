from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.acknowledged_by import AcknowledgedBy
  from ..models.pending_person import PendingPerson


T = TypeVar("T", bound="TeamAcknowledgements")


@_attrs_define
class TeamAcknowledgements:
    """ One addressed team: its active members now, who of them has acknowledged, and who has not.

        Attributes:
            acknowledged (int):
            acknowledged_by (list[AcknowledgedBy]):
            members (int):
            not_acknowledged (list[PendingPerson]):
            pending (int):
            rate (float | None):
            team (str):
     """

    acknowledged: int
    acknowledged_by: list[AcknowledgedBy]
    members: int
    not_acknowledged: list[PendingPerson]
    pending: int
    rate: float | None
    team: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        from ..models.acknowledged_by import AcknowledgedBy # noqa: PLC0415
        from ..models.pending_person import PendingPerson # noqa: PLC0415
        acknowledged = self.acknowledged

        acknowledged_by = []
        for acknowledged_by_item_data in self.acknowledged_by:
            acknowledged_by_item = acknowledged_by_item_data.to_dict()
            acknowledged_by.append(acknowledged_by_item)


        members = self.members

        not_acknowledged = []
        for not_acknowledged_item_data in self.not_acknowledged:
            not_acknowledged_item = not_acknowledged_item_data.to_dict()
            not_acknowledged.append(not_acknowledged_item)


        pending = self.pending

        rate: float | None
        rate = self.rate

        team = self.team


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "acknowledged": acknowledged,
            "acknowledged_by": acknowledged_by,
            "members": members,
            "not_acknowledged": not_acknowledged,
            "pending": pending,
            "rate": rate,
            "team": team,
        })

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.acknowledged_by import AcknowledgedBy # noqa: PLC0415
        from ..models.pending_person import PendingPerson # noqa: PLC0415
        d = dict(src_dict)
        acknowledged = d.pop("acknowledged")

        acknowledged_by = []
        _acknowledged_by = d.pop("acknowledged_by")
        for acknowledged_by_item_data in (_acknowledged_by):
            acknowledged_by_item = AcknowledgedBy.from_dict(acknowledged_by_item_data)


            acknowledged_by.append(acknowledged_by_item)


        members = d.pop("members")

        not_acknowledged = []
        _not_acknowledged = d.pop("not_acknowledged")
        for not_acknowledged_item_data in (_not_acknowledged):
            not_acknowledged_item = PendingPerson.from_dict(not_acknowledged_item_data)


            not_acknowledged.append(not_acknowledged_item)


        pending = d.pop("pending")

        def _parse_rate(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        rate = _parse_rate(d.pop("rate"))


        team = d.pop("team")

        team_acknowledgements = cls(
            acknowledged=acknowledged,
            acknowledged_by=acknowledged_by,
            members=members,
            not_acknowledged=not_acknowledged,
            pending=pending,
            rate=rate,
            team=team,
        )


        team_acknowledgements.additional_properties = d
        return team_acknowledgements

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
