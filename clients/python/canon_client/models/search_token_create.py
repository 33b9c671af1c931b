from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast


T = TypeVar("T", bound="SearchTokenCreate")


@_attrs_define
class SearchTokenCreate:
    """
        Attributes:
            tags (list[str] | Unset):
            teams (list[str] | Unset):
            ttl_seconds (int | Unset): How long the token is valid (60 s to 1 h; default 15 min). Default: 900.
     """

    tags: list[str] | Unset = UNSET
    teams: list[str] | Unset = UNSET
    ttl_seconds: int | Unset = 900
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags


        teams: list[str] | Unset = UNSET
        if not isinstance(self.teams, Unset):
            teams = self.teams


        ttl_seconds = self.ttl_seconds


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if tags is not UNSET:
            field_dict["tags"] = tags
        if teams is not UNSET:
            field_dict["teams"] = teams
        if ttl_seconds is not UNSET:
            field_dict["ttl_seconds"] = ttl_seconds

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        tags = cast(list[str], d.pop("tags", UNSET))


        teams = cast(list[str], d.pop("teams", UNSET))


        ttl_seconds = d.pop("ttl_seconds", UNSET)

        search_token_create = cls(
            tags=tags,
            teams=teams,
            ttl_seconds=ttl_seconds,
        )


        search_token_create.additional_properties = d
        return search_token_create

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
