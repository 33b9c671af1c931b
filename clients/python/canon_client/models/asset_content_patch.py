from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.reference import Reference


T = TypeVar("T", bound="AssetContentPatch")


@_attrs_define
class AssetContentPatch:
    """
        Attributes:
            description (str | Unset):
            expires_at (datetime.datetime | None | Unset):
            file_name (str | Unset):
            owners (list[str] | Unset):
            references (list[Reference] | Unset):
            required_teams (list[str] | Unset):
            tags (list[str] | Unset):
            title (str | Unset):
     """

    description: str | Unset = UNSET
    expires_at: datetime.datetime | None | Unset = UNSET
    file_name: str | Unset = UNSET
    owners: list[str] | Unset = UNSET
    references: list[Reference] | Unset = UNSET
    required_teams: list[str] | Unset = UNSET
    tags: list[str] | Unset = UNSET
    title: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        from ..models.reference import Reference # noqa: PLC0415
        description: str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        expires_at: None | str | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        elif isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        file_name: str | Unset
        if isinstance(self.file_name, Unset):
            file_name = UNSET
        else:
            file_name = self.file_name

        owners: list[str] | Unset
        if isinstance(self.owners, Unset):
            owners = UNSET
        else:
            owners = self.owners


        references: list[dict[str, Any]] | Unset
        if isinstance(self.references, Unset):
            references = UNSET
        else:
            references = []
            for references_type_0_item_data in self.references:
                references_type_0_item = references_type_0_item_data.to_dict()
                references.append(references_type_0_item)


        required_teams: list[str] | Unset
        if isinstance(self.required_teams, Unset):
            required_teams = UNSET
        else:
            required_teams = self.required_teams


        tags: list[str] | Unset
        if isinstance(self.tags, Unset):
            tags = UNSET
        else:
            tags = self.tags


        title: str | Unset
        if isinstance(self.title, Unset):
            title = UNSET
        else:
            title = self.title


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
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
        def _parse_description(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))


        def _parse_expires_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)


                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        expires_at = _parse_expires_at(d.pop("expires_at", UNSET))


        def _parse_file_name(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        file_name = _parse_file_name(d.pop("file_name", UNSET))


        def _parse_owners(data: object) -> list[str] | Unset:
            if isinstance(data, Unset):
                return data
            if not isinstance(data, list):
                raise TypeError()
            owners_type_0 = cast(list[str], data)

            return owners_type_0

        owners = _parse_owners(d.pop("owners", UNSET))


        def _parse_references(data: object) -> list[Reference] | Unset:
            if isinstance(data, Unset):
                return data
            if not isinstance(data, list):
                raise TypeError()
            references_type_0 = []
            _references_type_0 = data
            for references_type_0_item_data in (_references_type_0):
                references_type_0_item = Reference.from_dict(references_type_0_item_data)


                references_type_0.append(references_type_0_item)

            return references_type_0

        references = _parse_references(d.pop("references", UNSET))


        def _parse_required_teams(data: object) -> list[str] | Unset:
            if isinstance(data, Unset):
                return data
            if not isinstance(data, list):
                raise TypeError()
            required_teams_type_0 = cast(list[str], data)

            return required_teams_type_0

        required_teams = _parse_required_teams(d.pop("required_teams", UNSET))


        def _parse_tags(data: object) -> list[str] | Unset:
            if isinstance(data, Unset):
                return data
            if not isinstance(data, list):
                raise TypeError()
            tags_type_0 = cast(list[str], data)

            return tags_type_0

        tags = _parse_tags(d.pop("tags", UNSET))


        def _parse_title(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        title = _parse_title(d.pop("title", UNSET))


        asset_content_patch = cls(
            description=description,
            expires_at=expires_at,
            file_name=file_name,
            owners=owners,
            references=references,
            required_teams=required_teams,
            tags=tags,
            title=title,
        )


        asset_content_patch.additional_properties = d
        return asset_content_patch

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
