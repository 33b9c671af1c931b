from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.webhook_format import WebhookFormat
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.digest_schedule import DigestSchedule
  from ..models.each_event import EachEvent


T = TypeVar("T", bound="WebhookUpdate")


@_attrs_define
class WebhookUpdate:
    """
        Attributes:
            delivery (DigestSchedule | EachEvent | Unset):
            description (str | Unset):
            enabled (bool | Unset):
            event_types (list[str] | Unset):
            format_ (WebhookFormat | Unset): What each delivery's body is: `standard`, the Standard Webhooks envelope;
                `slack`, a Slack incoming-webhook
                message (`text` and Block Kit `blocks`); `teams`, a Microsoft Teams message with an Adaptive Card. Every format
                is signed the same way (docs/webhooks.md).
            slugs (list[str] | Unset):
            tags (list[str] | Unset):
            teams (list[str] | Unset): Events about entries these teams own, must approve, review or acknowledge (any of
                them).
            url (str | Unset): Where events are sent: http or https (private and loopback addresses only where allowed).
     """

    delivery: DigestSchedule | EachEvent | Unset = UNSET
    description: str | Unset = UNSET
    enabled: bool | Unset = UNSET
    event_types: list[str] | Unset = UNSET
    format_: WebhookFormat | Unset = UNSET
    slugs: list[str] | Unset = UNSET
    tags: list[str] | Unset = UNSET
    teams: list[str] | Unset = UNSET
    url: str | Unset = UNSET


    def to_dict(self) -> dict[str, Any]:
        from ..models.digest_schedule import DigestSchedule # noqa: PLC0415
        from ..models.each_event import EachEvent # noqa: PLC0415
        delivery: dict[str, Any] | Unset
        if isinstance(self.delivery, Unset):
            delivery = UNSET
        elif isinstance(self.delivery, EachEvent):
            delivery = self.delivery.to_dict()
        else:
            delivery = self.delivery.to_dict()


        description = self.description

        enabled = self.enabled

        event_types: list[str] | Unset = UNSET
        if not isinstance(self.event_types, Unset):
            event_types = self.event_types


        format_: str | Unset = UNSET
        if not isinstance(self.format_, Unset):
            format_ = self.format_.value


        slugs: list[str] | Unset = UNSET
        if not isinstance(self.slugs, Unset):
            slugs = self.slugs


        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags


        teams: list[str] | Unset = UNSET
        if not isinstance(self.teams, Unset):
            teams = self.teams


        url = self.url


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if delivery is not UNSET:
            field_dict["delivery"] = delivery
        if description is not UNSET:
            field_dict["description"] = description
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if event_types is not UNSET:
            field_dict["event_types"] = event_types
        if format_ is not UNSET:
            field_dict["format"] = format_
        if slugs is not UNSET:
            field_dict["slugs"] = slugs
        if tags is not UNSET:
            field_dict["tags"] = tags
        if teams is not UNSET:
            field_dict["teams"] = teams
        if url is not UNSET:
            field_dict["url"] = url

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.digest_schedule import DigestSchedule # noqa: PLC0415
        from ..models.each_event import EachEvent # noqa: PLC0415
        d = dict(src_dict)
        def _parse_delivery(data: object) -> DigestSchedule | EachEvent | Unset:
            if isinstance(data, Unset):
                return data
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

        delivery = _parse_delivery(d.pop("delivery", UNSET))


        description = d.pop("description", UNSET)

        enabled = d.pop("enabled", UNSET)

        event_types = cast(list[str], d.pop("event_types", UNSET))


        _format_ = d.pop("format", UNSET)
        format_: WebhookFormat | Unset
        if isinstance(_format_,  Unset):
            format_ = UNSET
        else:
            format_ = WebhookFormat(_format_)


        slugs = cast(list[str], d.pop("slugs", UNSET))


        tags = cast(list[str], d.pop("tags", UNSET))


        teams = cast(list[str], d.pop("teams", UNSET))


        url = d.pop("url", UNSET)

        webhook_update = cls(
            delivery=delivery,
            description=description,
            enabled=enabled,
            event_types=event_types,
            format_=format_,
            slugs=slugs,
            tags=tags,
            teams=teams,
            url=url,
        )

        return webhook_update
