from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.message_content_patch_message_type import MessageContentPatchMessageType
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.reference import Reference


T = TypeVar("T", bound="MessageContentPatch")


@_attrs_define
class MessageContentPatch:
    """
        Attributes:
            acknowledge_teams (list[str] | Unset):
            audience (None | str | Unset):
            body (str | Unset):
            channel (None | str | Unset):
            locale (str | Unset):
            message_type (MessageContentPatchMessageType | Unset):
            owners (list[str] | Unset):
            references (list[Reference] | Unset):
            required_teams (list[str] | Unset):
            segment (None | str | Unset):
            tags (list[str] | Unset):
            title (str | Unset):
     """

    acknowledge_teams: list[str] | Unset = UNSET
    audience: None | str | Unset = UNSET
    body: str | Unset = UNSET
    channel: None | str | Unset = UNSET
    locale: str | Unset = UNSET
    message_type: MessageContentPatchMessageType | Unset = UNSET
    owners: list[str] | Unset = UNSET
    references: list[Reference] | Unset = UNSET
    required_teams: list[str] | Unset = UNSET
    segment: None | str | Unset = UNSET
    tags: list[str] | Unset = UNSET
    title: str | Unset = UNSET


    def to_dict(self) -> dict[str, Any]:
        from ..models.reference import Reference # noqa: PLC0415
        acknowledge_teams: list[str] | Unset = UNSET
        if not isinstance(self.acknowledge_teams, Unset):
            acknowledge_teams = self.acknowledge_teams


        audience: None | str | Unset
        if isinstance(self.audience, Unset):
            audience = UNSET
        else:
            audience = self.audience

        body = self.body

        channel: None | str | Unset
        if isinstance(self.channel, Unset):
            channel = UNSET
        else:
            channel = self.channel

        locale = self.locale

        message_type: str | Unset = UNSET
        if not isinstance(self.message_type, Unset):
            message_type = self.message_type.value


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


        segment: None | str | Unset
        if isinstance(self.segment, Unset):
            segment = UNSET
        else:
            segment = self.segment

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags


        title = self.title


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if acknowledge_teams is not UNSET:
            field_dict["acknowledge_teams"] = acknowledge_teams
        if audience is not UNSET:
            field_dict["audience"] = audience
        if body is not UNSET:
            field_dict["body"] = body
        if channel is not UNSET:
            field_dict["channel"] = channel
        if locale is not UNSET:
            field_dict["locale"] = locale
        if message_type is not UNSET:
            field_dict["message_type"] = message_type
        if owners is not UNSET:
            field_dict["owners"] = owners
        if references is not UNSET:
            field_dict["references"] = references
        if required_teams is not UNSET:
            field_dict["required_teams"] = required_teams
        if segment is not UNSET:
            field_dict["segment"] = segment
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


        def _parse_audience(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        audience = _parse_audience(d.pop("audience", UNSET))


        body = d.pop("body", UNSET)

        def _parse_channel(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        channel = _parse_channel(d.pop("channel", UNSET))


        locale = d.pop("locale", UNSET)

        _message_type = d.pop("message_type", UNSET)
        message_type: MessageContentPatchMessageType | Unset
        if isinstance(_message_type,  Unset):
            message_type = UNSET
        else:
            message_type = MessageContentPatchMessageType(_message_type)


        owners = cast(list[str], d.pop("owners", UNSET))


        _references = d.pop("references", UNSET)
        references: list[Reference] | Unset = UNSET
        if _references is not UNSET:
            references = []
            for references_item_data in _references:
                references_item = Reference.from_dict(references_item_data)


                references.append(references_item)


        required_teams = cast(list[str], d.pop("required_teams", UNSET))


        def _parse_segment(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        segment = _parse_segment(d.pop("segment", UNSET))


        tags = cast(list[str], d.pop("tags", UNSET))


        title = d.pop("title", UNSET)

        message_content_patch = cls(
            acknowledge_teams=acknowledge_teams,
            audience=audience,
            body=body,
            channel=channel,
            locale=locale,
            message_type=message_type,
            owners=owners,
            references=references,
            required_teams=required_teams,
            segment=segment,
            tags=tags,
            title=title,
        )

        return message_content_patch
