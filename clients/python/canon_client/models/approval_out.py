from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime


T = TypeVar("T", bound="ApprovalOut")


@_attrs_define
class ApprovalOut:
    """
        Attributes:
            approved_at (datetime.datetime):
            approver (str):
            comment (None | str):
            team (str):
     """

    approved_at: datetime.datetime
    approver: str
    comment: None | str
    team: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        approved_at = self.approved_at.isoformat()

        approver = self.approver

        comment: None | str
        comment = self.comment

        team = self.team


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "approved_at": approved_at,
            "approver": approver,
            "comment": comment,
            "team": team,
        })

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        approved_at = datetime.datetime.fromisoformat(d.pop("approved_at"))


        approver = d.pop("approver")

        def _parse_comment(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        comment = _parse_comment(d.pop("comment"))


        team = d.pop("team")

        approval_out = cls(
            approved_at=approved_at,
            approver=approver,
            comment=comment,
            team=team,
        )


        approval_out.additional_properties = d
        return approval_out

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
