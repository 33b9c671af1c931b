from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.message_content_message_type import MessageContentMessageType
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.reference import Reference


T = TypeVar("T", bound="MessageContent")


@_attrs_define
class MessageContent:
    """ Approved wording: positioning, value propositions, talk tracks, objection handling.

        Attributes:
            audience (None | str | Unset):
            body (str | Unset):  Default: ''.
            channel (None | str | Unset):
            locale (str | Unset):  Default: 'en'.
            message_type (MessageContentMessageType | Unset):  Default: MessageContentMessageType.OTHER.
            references (list[Reference] | Unset):
            segment (None | str | Unset):
     """

    audience: None | str | Unset = UNSET
    body: str | Unset = ''
    channel: None | str | Unset = UNSET
    locale: str | Unset = 'en'
    message_type: MessageContentMessageType | Unset = MessageContentMessageType.OTHER
    references: list[Reference] | Unset = UNSET
    segment: None | str | Unset = UNSET


    def to_dict(self) -> dict[str, Any]:
        from ..models.reference import Reference # noqa: PLC0415
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


        references: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.references, Unset):
            references = []
            for references_item_data in self.references:
                references_item = references_item_data.to_dict()
                references.append(references_item)


        segment: None | str | Unset
        if isinstance(self.segment, Unset):
            segment = UNSET
        else:
            segment = self.segment


        field_dict: dict[str, Any] = {}

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
        if references is not UNSET:
            field_dict["references"] = references
        if segment is not UNSET:
            field_dict["segment"] = segment

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
        message_type: MessageContentMessageType | Unset
        if isinstance(_message_type,  Unset):
            message_type = UNSET
        else:
            message_type = MessageContentMessageType(_message_type)


        _references = d.pop("references", UNSET)
        references: list[Reference] | Unset = UNSET
        if _references is not UNSET:
            references = []
            for references_item_data in _references:
                references_item = Reference.from_dict(references_item_data)


                references.append(references_item)


        def _parse_segment(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        segment = _parse_segment(d.pop("segment", UNSET))


        message_content = cls(
            audience=audience,
            body=body,
            channel=channel,
            locale=locale,
            message_type=message_type,
            references=references,
            segment=segment,
        )

        return message_content
