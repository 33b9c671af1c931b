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
    """ An entry's own settings: `review_window_seconds` (how long each team has to review a version of it before
    reminders; `null`: CANON_REVIEW_WINDOW_SECONDS). Title, tags, owners, required and acknowledging teams are refused
    field by field: they are reviewed with each version, so they change only through a new version (`POST
    .../versions`). Kept so such a request gets a 422 that says so.

        Attributes:
            acknowledge_teams (list[str] | Unset):
            owners (list[str] | Unset):
            required_teams (list[str] | Unset):
            review_window_seconds (int | None | Unset):
            tags (list[str] | Unset):
            title (str | Unset):
     """

    acknowledge_teams: list[str] | Unset = UNSET
    owners: list[str] | Unset = UNSET
    required_teams: list[str] | Unset = UNSET
    review_window_seconds: int | None | Unset = UNSET
    tags: list[str] | Unset = UNSET
    title: str | Unset = UNSET


    def to_dict(self) -> dict[str, Any]:
        acknowledge_teams: list[str] | Unset = UNSET
        if not isinstance(self.acknowledge_teams, Unset):
            acknowledge_teams = self.acknowledge_teams


        owners: list[str] | Unset = UNSET
        if not isinstance(self.owners, Unset):
            owners = self.owners


        required_teams: list[str] | Unset = UNSET
        if not isinstance(self.required_teams, Unset):
            required_teams = self.required_teams


        review_window_seconds: int | None | Unset
        if isinstance(self.review_window_seconds, Unset):
            review_window_seconds = UNSET
        else:
            review_window_seconds = self.review_window_seconds

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags


        title = self.title


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if acknowledge_teams is not UNSET:
            field_dict["acknowledge_teams"] = acknowledge_teams
        if owners is not UNSET:
            field_dict["owners"] = owners
        if required_teams is not UNSET:
            field_dict["required_teams"] = required_teams
        if review_window_seconds is not UNSET:
            field_dict["review_window_seconds"] = review_window_seconds
        if tags is not UNSET:
            field_dict["tags"] = tags
        if title is not UNSET:
            field_dict["title"] = title

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        acknowledge_teams = cast(list[str], d.pop("acknowledge_teams", UNSET))


        owners = cast(list[str], d.pop("owners", UNSET))


        required_teams = cast(list[str], d.pop("required_teams", UNSET))


        def _parse_review_window_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        review_window_seconds = _parse_review_window_seconds(d.pop("review_window_seconds", UNSET))


        tags = cast(list[str], d.pop("tags", UNSET))


        title = d.pop("title", UNSET)

        entry_update = cls(
            acknowledge_teams=acknowledge_teams,
            owners=owners,
            required_teams=required_teams,
            review_window_seconds=review_window_seconds,
            tags=tags,
            title=title,
        )

        return entry_update
