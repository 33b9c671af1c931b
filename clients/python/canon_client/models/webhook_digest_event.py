from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from typing import Literal, cast
import datetime

if TYPE_CHECKING:
  from ..models.digest_data import DigestData


T = TypeVar("T", bound="WebhookDigestEvent")


@_attrs_define
class WebhookDigestEvent:
    """ A `webhook.digest` event: the Standard Webhooks envelope.

        Attributes:
            data (DigestData): `data` of `webhook.digest`: one period's changes that the subscription's filters let through,
                grouped by
                entry (first changed first) and collapsed: a run of one kind of change is one line with its count.
            timestamp (datetime.datetime): When the change happened (RFC 3339).
            type_ (Literal['webhook.digest']):
     """

    data: DigestData
    timestamp: datetime.datetime
    type_: Literal['webhook.digest']
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        from ..models.digest_data import DigestData # noqa: PLC0415
        data = self.data.to_dict()

        timestamp = self.timestamp.isoformat()

        type_ = self.type_


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "data": data,
            "timestamp": timestamp,
            "type": type_,
        })

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.digest_data import DigestData # noqa: PLC0415
        d = dict(src_dict)
        data = DigestData.from_dict(d.pop("data"))


        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))


        type_ = cast(Literal['webhook.digest'] , d.pop("type"))
        if type_ != 'webhook.digest':
            raise ValueError(f"type must match const 'webhook.digest', got '{type_}'")

        webhook_digest_event = cls(
            data=data,
            timestamp=timestamp,
            type_=type_,
        )


        webhook_digest_event.additional_properties = d
        return webhook_digest_event

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
