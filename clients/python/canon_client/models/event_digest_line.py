from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast


T = TypeVar("T", bound="EventDigestLine")


@_attrs_define
class EventDigestLine:
    """ One line about an entry: `count` events of one type in a row, the last one's version and words.

        Attributes:
            count (int):
            first_at (str):
            last_at (str):
            type_ (str):
            actor (None | str | Unset):
            summary (None | str | Unset):
            version (int | None | Unset):
     """

    count: int
    first_at: str
    last_at: str
    type_: str
    actor: None | str | Unset = UNSET
    summary: None | str | Unset = UNSET
    version: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        count = self.count

        first_at = self.first_at

        last_at = self.last_at

        type_ = self.type_

        actor: None | str | Unset
        if isinstance(self.actor, Unset):
            actor = UNSET
        else:
            actor = self.actor

        summary: None | str | Unset
        if isinstance(self.summary, Unset):
            summary = UNSET
        else:
            summary = self.summary

        version: int | None | Unset
        if isinstance(self.version, Unset):
            version = UNSET
        else:
            version = self.version


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "count": count,
            "first_at": first_at,
            "last_at": last_at,
            "type": type_,
        })
        if actor is not UNSET:
            field_dict["actor"] = actor
        if summary is not UNSET:
            field_dict["summary"] = summary
        if version is not UNSET:
            field_dict["version"] = version

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        count = d.pop("count")

        first_at = d.pop("first_at")

        last_at = d.pop("last_at")

        type_ = d.pop("type")

        def _parse_actor(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        actor = _parse_actor(d.pop("actor", UNSET))


        def _parse_summary(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        summary = _parse_summary(d.pop("summary", UNSET))


        def _parse_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        version = _parse_version(d.pop("version", UNSET))


        event_digest_line = cls(
            count=count,
            first_at=first_at,
            last_at=last_at,
            type_=type_,
            actor=actor,
            summary=summary,
            version=version,
        )


        event_digest_line.additional_properties = d
        return event_digest_line

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
