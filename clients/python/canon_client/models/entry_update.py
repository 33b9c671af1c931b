from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast


T = TypeVar("T", bound="EntryUpdate")


@_attrs_define
class EntryUpdate:
    """ Refused field by field: title, tags, owners and required teams are reviewed with each version, so they change
    only through a new version (`POST .../versions`). Kept so such a request gets a 422 that says so.

        Attributes:
            owners (list[str] | Unset):
            required_teams (list[str] | Unset):
            tags (list[str] | Unset):
            title (str | Unset):
     """

    owners: list[str] | Unset = UNSET
    required_teams: list[str] | Unset = UNSET
    tags: list[str] | Unset = UNSET
    title: str | Unset = UNSET


    def to_dict(self) -> dict[str, Any]:
        owners: list[str] | Unset = UNSET
        if not isinstance(self.owners, Unset):
            owners = self.owners


        required_teams: list[str] | Unset = UNSET
        if not isinstance(self.required_teams, Unset):
            required_teams = self.required_teams


        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags


        title = self.title


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if owners is not UNSET:
            field_dict["owners"] = owners
        if required_teams is not UNSET:
            field_dict["required_teams"] = required_teams
        if tags is not UNSET:
            field_dict["tags"] = tags
        if title is not UNSET:
            field_dict["title"] = title

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        owners = cast(list[str], d.pop("owners", UNSET))


        required_teams = cast(list[str], d.pop("required_teams", UNSET))


        tags = cast(list[str], d.pop("tags", UNSET))


        title = d.pop("title", UNSET)

        entry_update = cls(
            owners=owners,
            required_teams=required_teams,
            tags=tags,
            title=title,
        )

        return entry_update
