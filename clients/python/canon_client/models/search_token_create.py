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
    """ Mint a search-only token; `tags` / `teams` restrict what its holder can find (any of the values).

        Attributes:
            tags (list[str] | Unset):
            teams (list[str] | Unset):
            ttl_seconds (int | Unset): How long the token is valid (60 s to 1 h; default 15 min). Default: 900.
     """

    tags: list[str] | Unset = UNSET
    teams: list[str] | Unset = UNSET
    ttl_seconds: int | Unset = 900


    def to_dict(self) -> dict[str, Any]:
        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags


        teams: list[str] | Unset = UNSET
        if not isinstance(self.teams, Unset):
            teams = self.teams


        ttl_seconds = self.ttl_seconds


        field_dict: dict[str, Any] = {}

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

        return search_token_create
