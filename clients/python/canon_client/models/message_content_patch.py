from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.message_content_patch_message_type_type_0 import MessageContentPatchMessageTypeType0
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.reference import Reference


T = TypeVar("T", bound="MessageContentPatch")


@_attrs_define
class MessageContentPatch:
    """
        Attributes:
            audience (None | str | Unset):
            body (str | Unset):
            channel (None | str | Unset):
            locale (str | Unset):
            message_type (MessageContentPatchMessageTypeType0 | Unset):
            owners (list[str] | Unset):
            references (list[Reference] | Unset):
            required_teams (list[str] | Unset):
            segment (None | str | Unset):
            tags (list[str] | Unset):
            title (str | Unset):
     """

    audience: None | str | Unset = UNSET
    body: str | Unset = UNSET
    channel: None | str | Unset = UNSET
    locale: str | Unset = UNSET
    message_type: MessageContentPatchMessageTypeType0 | Unset = UNSET
    owners: list[str] | Unset = UNSET
    references: list[Reference] | Unset = UNSET
    required_teams: list[str] | Unset = UNSET
    segment: None | str | Unset = UNSET
    tags: list[str] | Unset = UNSET
    title: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        from ..models.reference import Reference # noqa: PLC0415
        audience: None | str | Unset
        if isinstance(self.audience, Unset):
            audience = UNSET
        else:
            audience = self.audience

        body: str | Unset
        if isinstance(self.body, Unset):
            body = UNSET
        else:
            body = self.body

        channel: None | str | Unset
        if isinstance(self.channel, Unset):
            channel = UNSET
        else:
            channel = self.channel

        locale: str | Unset
        if isinstance(self.locale, Unset):
            locale = UNSET
        else:
            locale = self.locale

        message_type: str | Unset
        if isinstance(self.message_type, Unset):
            message_type = UNSET
        else:
            message_type = self.message_type.value


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


        segment: None | str | Unset
        if isinstance(self.segment, Unset):
            segment = UNSET
        else:
            segment = self.segment

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
        def _parse_audience(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        audience = _parse_audience(d.pop("audience", UNSET))


        def _parse_body(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        body = _parse_body(d.pop("body", UNSET))


        def _parse_channel(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        channel = _parse_channel(d.pop("channel", UNSET))


        def _parse_locale(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        locale = _parse_locale(d.pop("locale", UNSET))


        def _parse_message_type(data: object) -> MessageContentPatchMessageTypeType0 | Unset:
            if isinstance(data, Unset):
                return data
            if not isinstance(data, str):
                raise TypeError()
            message_type_type_0 = MessageContentPatchMessageTypeType0(data)


            return message_type_type_0

        message_type = _parse_message_type(d.pop("message_type", UNSET))


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


        def _parse_segment(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        segment = _parse_segment(d.pop("segment", UNSET))


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


        message_content_patch = cls(
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


        message_content_patch.additional_properties = d
        return message_content_patch

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
