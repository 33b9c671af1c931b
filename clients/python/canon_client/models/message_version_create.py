from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.message_content import MessageContent


T = TypeVar("T", bound="MessageVersionCreate")


@_attrs_define
class MessageVersionCreate:
    """
        Attributes:
            acknowledge_teams (list[str] | None | Unset):
            content (MessageContent | None | Unset):
            from_version (int | None | Unset):
            owners (list[str] | None | Unset):
            required_teams (list[str] | None | Unset):
            tags (list[str] | None | Unset):
            title (None | str | Unset):
     """

    acknowledge_teams: list[str] | None | Unset = UNSET
    content: MessageContent | None | Unset = UNSET
    from_version: int | None | Unset = UNSET
    owners: list[str] | None | Unset = UNSET
    required_teams: list[str] | None | Unset = UNSET
    tags: list[str] | None | Unset = UNSET
    title: None | str | Unset = UNSET


    def to_dict(self) -> dict[str, Any]:
        from ..models.message_content import MessageContent # noqa: PLC0415
        acknowledge_teams: list[str] | None | Unset
        if isinstance(self.acknowledge_teams, Unset):
            acknowledge_teams = UNSET
        elif isinstance(self.acknowledge_teams, list):
            acknowledge_teams = self.acknowledge_teams


        else:
            acknowledge_teams = self.acknowledge_teams

        content: dict[str, Any] | None | Unset
        if isinstance(self.content, Unset):
            content = UNSET
        elif isinstance(self.content, MessageContent):
            content = self.content.to_dict()
        else:
            content = self.content

        from_version: int | None | Unset
        if isinstance(self.from_version, Unset):
            from_version = UNSET
        else:
            from_version = self.from_version

        owners: list[str] | None | Unset
        if isinstance(self.owners, Unset):
            owners = UNSET
        elif isinstance(self.owners, list):
            owners = self.owners


        else:
            owners = self.owners

        required_teams: list[str] | None | Unset
        if isinstance(self.required_teams, Unset):
            required_teams = UNSET
        elif isinstance(self.required_teams, list):
            required_teams = self.required_teams


        else:
            required_teams = self.required_teams

        tags: list[str] | None | Unset
        if isinstance(self.tags, Unset):
            tags = UNSET
        elif isinstance(self.tags, list):
            tags = self.tags


        else:
            tags = self.tags

        title: None | str | Unset
        if isinstance(self.title, Unset):
            title = UNSET
        else:
            title = self.title


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if acknowledge_teams is not UNSET:
            field_dict["acknowledge_teams"] = acknowledge_teams
        if content is not UNSET:
            field_dict["content"] = content
        if from_version is not UNSET:
            field_dict["from_version"] = from_version
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
        from ..models.message_content import MessageContent # noqa: PLC0415
        d = dict(src_dict)
        def _parse_acknowledge_teams(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                acknowledge_teams_type_0 = cast(list[str], data)

                return acknowledge_teams_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        acknowledge_teams = _parse_acknowledge_teams(d.pop("acknowledge_teams", UNSET))


        def _parse_content(data: object) -> MessageContent | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                content_type_0 = MessageContent.from_dict(data)


                return content_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MessageContent | None | Unset, data)

        content = _parse_content(d.pop("content", UNSET))


        def _parse_from_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        from_version = _parse_from_version(d.pop("from_version", UNSET))


        def _parse_owners(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                owners_type_0 = cast(list[str], data)

                return owners_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        owners = _parse_owners(d.pop("owners", UNSET))


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


        def _parse_tags(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                tags_type_0 = cast(list[str], data)

                return tags_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        tags = _parse_tags(d.pop("tags", UNSET))


        def _parse_title(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        title = _parse_title(d.pop("title", UNSET))


        message_version_create = cls(
            acknowledge_teams=acknowledge_teams,
            content=content,
            from_version=from_version,
            owners=owners,
            required_teams=required_teams,
            tags=tags,
            title=title,
        )

        return message_version_create
