from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.asset_content_create import AssetContentCreate


T = TypeVar("T", bound="AssetCreate")


@_attrs_define
class AssetCreate:
    """
        Attributes:
            owners (list[str]):
            slug (str): Lower-case letters, digits and inner hyphens; unique within a kind.
            title (str):
            acknowledge_teams (list[str] | Unset):
            content (AssetContentCreate | Unset): What a client may say about an asset; the file itself is uploaded to the
                version afterwards.
            required_teams (list[str] | None | Unset):
            tags (list[str] | Unset):
     """

    owners: list[str]
    slug: str
    title: str
    acknowledge_teams: list[str] | Unset = UNSET
    content: AssetContentCreate | Unset = UNSET
    required_teams: list[str] | None | Unset = UNSET
    tags: list[str] | Unset = UNSET


    def to_dict(self) -> dict[str, Any]:
        from ..models.asset_content_create import AssetContentCreate # noqa: PLC0415
        owners = self.owners


        slug = self.slug

        title = self.title

        acknowledge_teams: list[str] | Unset = UNSET
        if not isinstance(self.acknowledge_teams, Unset):
            acknowledge_teams = self.acknowledge_teams


        content: dict[str, Any] | Unset = UNSET
        if not isinstance(self.content, Unset):
            content = self.content.to_dict()

        required_teams: list[str] | None | Unset
        if isinstance(self.required_teams, Unset):
            required_teams = UNSET
        elif isinstance(self.required_teams, list):
            required_teams = self.required_teams


        else:
            required_teams = self.required_teams

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "owners": owners,
            "slug": slug,
            "title": title,
        })
        if acknowledge_teams is not UNSET:
            field_dict["acknowledge_teams"] = acknowledge_teams
        if content is not UNSET:
            field_dict["content"] = content
        if required_teams is not UNSET:
            field_dict["required_teams"] = required_teams
        if tags is not UNSET:
            field_dict["tags"] = tags

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.asset_content_create import AssetContentCreate # noqa: PLC0415
        d = dict(src_dict)
        owners = cast(list[str], d.pop("owners"))


        slug = d.pop("slug")

        title = d.pop("title")

        acknowledge_teams = cast(list[str], d.pop("acknowledge_teams", UNSET))


        _content = d.pop("content", UNSET)
        content: AssetContentCreate | Unset
        if isinstance(_content,  Unset):
            content = UNSET
        else:
            content = AssetContentCreate.from_dict(_content)


        def _parse_required_teams(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                required_teams_type_0 = cast(list[str], data)

                return required_teams_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        required_teams = _parse_required_teams(d.pop("required_teams", UNSET))


        tags = cast(list[str], d.pop("tags", UNSET))


        asset_create = cls(
            owners=owners,
            slug=slug,
            title=title,
            acknowledge_teams=acknowledge_teams,
            content=content,
            required_teams=required_teams,
            tags=tags,
        )

        return asset_create
