from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.reference import Reference


T = TypeVar("T", bound="AssetContentPatch")


@_attrs_define
class AssetContentPatch:
    """
        Attributes:
            acknowledge_teams (list[str] | Unset):
            description (str | Unset):
            expires_at (None | str | Unset):
            file_name (str | Unset):
            owners (list[str] | Unset):
            references (list[Reference] | Unset):
            required_teams (list[str] | Unset):
            tags (list[str] | Unset):
            title (str | Unset):
     """

    acknowledge_teams: list[str] | Unset = UNSET
    description: str | Unset = UNSET
    expires_at: None | str | Unset = UNSET
    file_name: str | Unset = UNSET
    owners: list[str] | Unset = UNSET
    references: list[Reference] | Unset = UNSET
    required_teams: list[str] | Unset = UNSET
    tags: list[str] | Unset = UNSET
    title: str | Unset = UNSET


    def to_dict(self) -> dict[str, Any]:
        from ..models.reference import Reference # noqa: PLC0415
        acknowledge_teams: list[str] | Unset = UNSET
        if not isinstance(self.acknowledge_teams, Unset):
            acknowledge_teams = self.acknowledge_teams


        description = self.description

        expires_at: None | str | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        else:
            expires_at = self.expires_at

        file_name = self.file_name

        owners: list[str] | Unset = UNSET
        if not isinstance(self.owners, Unset):
            owners = self.owners


        references: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.references, Unset):
            references = []
            for references_item_data in self.references:
                references_item = references_item_data.to_dict()
                references.append(references_item)


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
        if acknowledge_teams is not UNSET:
            field_dict["acknowledge_teams"] = acknowledge_teams
        if description is not UNSET:
            field_dict["description"] = description
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if file_name is not UNSET:
            field_dict["file_name"] = file_name
        if owners is not UNSET:
            field_dict["owners"] = owners
        if references is not UNSET:
            field_dict["references"] = references
        if required_teams is not UNSET:
            field_dict["required_teams"] = required_teams
        if tags is not UNSET:
            field_dict["tags"] = tags
        if title is not UNSET:
            field_dict["title"] = title

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.reference import Reference # noqa: PLC0415
        d = dict(src_dict)
        acknowledge_teams = cast(list[str], d.pop("acknowledge_teams", UNSET))


        description = d.pop("description", UNSET)

        def _parse_expires_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        expires_at = _parse_expires_at(d.pop("expires_at", UNSET))


        file_name = d.pop("file_name", UNSET)

        owners = cast(list[str], d.pop("owners", UNSET))


        _references = d.pop("references", UNSET)
        references: list[Reference] | Unset = UNSET
        if _references is not UNSET:
            references = []
            for references_item_data in _references:
                references_item = Reference.from_dict(references_item_data)


                references.append(references_item)


        required_teams = cast(list[str], d.pop("required_teams", UNSET))


        tags = cast(list[str], d.pop("tags", UNSET))


        title = d.pop("title", UNSET)

        asset_content_patch = cls(
            acknowledge_teams=acknowledge_teams,
            description=description,
            expires_at=expires_at,
            file_name=file_name,
            owners=owners,
            references=references,
            required_teams=required_teams,
            tags=tags,
            title=title,
        )

        return asset_content_patch
