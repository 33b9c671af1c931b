from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.webhook_format import WebhookFormat
from typing import cast
from uuid import UUID

if TYPE_CHECKING:
  from ..models.digest_schedule import DigestSchedule
  from ..models.each_event import EachEvent


T = TypeVar("T", bound="WebhookOut")


@_attrs_define
class WebhookOut:
    """
        Attributes:
            created_at (str):
            created_by (str):
            delivery (DigestSchedule | EachEvent):
            description (str):
            disabled_at (None | str):
            disabled_reason (None | str):
            enabled (bool):
            event_types (list[str]):
            failing_since (None | str):
            format_ (WebhookFormat): What each delivery's body is: `standard`, the Standard Webhooks envelope; `slack`, a
                Slack incoming-webhook
                message (`text` and Block Kit `blocks`); `teams`, a Microsoft Teams message with an Adaptive Card. Every format
                is signed the same way (docs/webhooks.md).
            id (UUID):
            next_digest_at (None | str):
            rotating_until (None | str):
            slugs (list[str]):
            tags (list[str]):
            teams (list[str]):
            updated_at (str):
            url (str):
     """

    created_at: str
    created_by: str
    delivery: DigestSchedule | EachEvent
    description: str
    disabled_at: None | str
    disabled_reason: None | str
    enabled: bool
    event_types: list[str]
    failing_since: None | str
    format_: WebhookFormat
    id: UUID
    next_digest_at: None | str
    rotating_until: None | str
    slugs: list[str]
    tags: list[str]
    teams: list[str]
    updated_at: str
    url: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        from ..models.digest_schedule import DigestSchedule # noqa: PLC0415
        from ..models.each_event import EachEvent # noqa: PLC0415
        created_at = self.created_at

        created_by = self.created_by

        delivery: dict[str, Any]
        if isinstance(self.delivery, EachEvent):
            delivery = self.delivery.to_dict()
        else:
            delivery = self.delivery.to_dict()


        description = self.description

        disabled_at: None | str
        disabled_at = self.disabled_at

        disabled_reason: None | str
        disabled_reason = self.disabled_reason

        enabled = self.enabled

        event_types = self.event_types


        failing_since: None | str
        failing_since = self.failing_since

        format_ = self.format_.value

        id = str(self.id)

        next_digest_at: None | str
        next_digest_at = self.next_digest_at

        rotating_until: None | str
        rotating_until = self.rotating_until

        slugs = self.slugs


        tags = self.tags


        teams = self.teams


        updated_at = self.updated_at

        url = self.url


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "created_at": created_at,
            "created_by": created_by,
            "delivery": delivery,
            "description": description,
            "disabled_at": disabled_at,
            "disabled_reason": disabled_reason,
            "enabled": enabled,
            "event_types": event_types,
            "failing_since": failing_since,
            "format": format_,
            "id": id,
            "next_digest_at": next_digest_at,
            "rotating_until": rotating_until,
            "slugs": slugs,
            "tags": tags,
            "teams": teams,
            "updated_at": updated_at,
            "url": url,
        })

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.digest_schedule import DigestSchedule # noqa: PLC0415
        from ..models.each_event import EachEvent # noqa: PLC0415
        d = dict(src_dict)
        created_at = d.pop("created_at")

        created_by = d.pop("created_by")

        def _parse_delivery(data: object) -> DigestSchedule | EachEvent:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                delivery_type_0 = EachEvent.from_dict(data)


                return delivery_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            delivery_type_1 = DigestSchedule.from_dict(data)


            return delivery_type_1

        delivery = _parse_delivery(d.pop("delivery"))


        description = d.pop("description")

        def _parse_disabled_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        disabled_at = _parse_disabled_at(d.pop("disabled_at"))


        def _parse_disabled_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        disabled_reason = _parse_disabled_reason(d.pop("disabled_reason"))


        enabled = d.pop("enabled")

        event_types = cast(list[str], d.pop("event_types"))


        def _parse_failing_since(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        failing_since = _parse_failing_since(d.pop("failing_since"))


        format_ = WebhookFormat(d.pop("format"))


        id = UUID(d.pop("id"))


        def _parse_next_digest_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        next_digest_at = _parse_next_digest_at(d.pop("next_digest_at"))


        def _parse_rotating_until(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        rotating_until = _parse_rotating_until(d.pop("rotating_until"))


        slugs = cast(list[str], d.pop("slugs"))


        tags = cast(list[str], d.pop("tags"))


        teams = cast(list[str], d.pop("teams"))


        updated_at = d.pop("updated_at")

        url = d.pop("url")

        webhook_out = cls(
            created_at=created_at,
            created_by=created_by,
            delivery=delivery,
            description=description,
            disabled_at=disabled_at,
            disabled_reason=disabled_reason,
            enabled=enabled,
            event_types=event_types,
            failing_since=failing_since,
            format_=format_,
            id=id,
            next_digest_at=next_digest_at,
            rotating_until=rotating_until,
            slugs=slugs,
            tags=tags,
            teams=teams,
            updated_at=updated_at,
            url=url,
        )


        webhook_out.additional_properties = d
        return webhook_out

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
