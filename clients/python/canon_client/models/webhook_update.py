from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast


T = TypeVar("T", bound="WebhookUpdate")


@_attrs_define
class WebhookUpdate:
    """
        Attributes:
            description (str | Unset):
            enabled (bool | Unset):
            event_types (list[str] | Unset):
            slugs (list[str] | Unset):
            tags (list[str] | Unset):
            url (str | Unset):
     """

    description: str | Unset = UNSET
    enabled: bool | Unset = UNSET
    event_types: list[str] | Unset = UNSET
    slugs: list[str] | Unset = UNSET
    tags: list[str] | Unset = UNSET
    url: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        description: str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        enabled: bool | Unset
        if isinstance(self.enabled, Unset):
            enabled = UNSET
        else:
            enabled = self.enabled

        event_types: list[str] | Unset
        if isinstance(self.event_types, Unset):
            event_types = UNSET
        else:
            event_types = self.event_types


        slugs: list[str] | Unset
        if isinstance(self.slugs, Unset):
            slugs = UNSET
        else:
            slugs = self.slugs


        tags: list[str] | Unset
        if isinstance(self.tags, Unset):
            tags = UNSET
        else:
            tags = self.tags


        url: str | Unset
        if isinstance(self.url, Unset):
            url = UNSET
        else:
            url = self.url


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if description is not UNSET:
            field_dict["description"] = description
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if event_types is not UNSET:
            field_dict["event_types"] = event_types
        if slugs is not UNSET:
            field_dict["slugs"] = slugs
        if tags is not UNSET:
            field_dict["tags"] = tags
        if url is not UNSET:
            field_dict["url"] = url

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_description(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))


        def _parse_enabled(data: object) -> bool | Unset:
            if isinstance(data, Unset):
                return data
            return cast(bool | Unset, data)

        enabled = _parse_enabled(d.pop("enabled", UNSET))


        def _parse_event_types(data: object) -> list[str] | Unset:
            if isinstance(data, Unset):
                return data
            if not isinstance(data, list):
                raise TypeError()
            event_types_type_0 = cast(list[str], data)

            return event_types_type_0

        event_types = _parse_event_types(d.pop("event_types", UNSET))


        def _parse_slugs(data: object) -> list[str] | Unset:
            if isinstance(data, Unset):
                return data
            if not isinstance(data, list):
                raise TypeError()
            slugs_type_0 = cast(list[str], data)

            return slugs_type_0

        slugs = _parse_slugs(d.pop("slugs", UNSET))


        def _parse_tags(data: object) -> list[str] | Unset:
            if isinstance(data, Unset):
                return data
            if not isinstance(data, list):
                raise TypeError()
            tags_type_0 = cast(list[str], data)

            return tags_type_0

        tags = _parse_tags(d.pop("tags", UNSET))


        def _parse_url(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        url = _parse_url(d.pop("url", UNSET))


        webhook_update = cls(
            description=description,
            enabled=enabled,
            event_types=event_types,
            slugs=slugs,
            tags=tags,
            url=url,
        )


        webhook_update.additional_properties = d
        return webhook_update

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
