from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast


T = TypeVar("T", bound="ApprovalOut")


@_attrs_define
class ApprovalOut:
    """
        Attributes:
            approved_at (str):
            approver (str):
            comment (None | str):
            team (str):
     """

    approved_at: str
    approver: str
    comment: None | str
    team: str


    def to_dict(self) -> dict[str, Any]:
        approved_at = self.approved_at

        approver = self.approver

        comment: None | str
        comment = self.comment

        team = self.team


        field_dict: dict[str, Any] = {}

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
        approved_at = d.pop("approved_at")

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

        return approval_out
