from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast


T = TypeVar("T", bound="IssuedSearchToken")


@_attrs_define
class IssuedSearchToken:
    """
        Attributes:
            expires_at (str):
            tags (list[str]):
            teams (list[str]):
            token (str):
     """

    expires_at: str
    tags: list[str]
    teams: list[str]
    token: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        expires_at = self.expires_at

        tags = self.tags


        teams = self.teams


        token = self.token


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "expires_at": expires_at,
            "tags": tags,
            "teams": teams,
            "token": token,
        })

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        expires_at = d.pop("expires_at")

        tags = cast(list[str], d.pop("tags"))


        teams = cast(list[str], d.pop("teams"))


        token = d.pop("token")

        issued_search_token = cls(
            expires_at=expires_at,
            tags=tags,
            teams=teams,
            token=token,
        )


        issued_search_token.additional_properties = d
        return issued_search_token

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
