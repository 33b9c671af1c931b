from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.event_digest_line import EventDigestLine


T = TypeVar("T", bound="EventDigestEntry")


@_attrs_define
class EventDigestEntry:
    """ An entry changed in the period: what it is now (as the last event said) and the lines that got it there.

        Attributes:
            events (int):
            kind (str):
            lines (list[EventDigestLine]):
            slug (str):
            title (str):
            url (str):
            omitted_lines (int | Unset):  Default: 0.
            status (None | str | Unset):
            version (int | None | Unset):
     """

    events: int
    kind: str
    lines: list[EventDigestLine]
    slug: str
    title: str
    url: str
    omitted_lines: int | Unset = 0
    status: None | str | Unset = UNSET
    version: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        from ..models.event_digest_line import EventDigestLine # noqa: PLC0415
        events = self.events

        kind = self.kind

        lines = []
        for lines_item_data in self.lines:
            lines_item = lines_item_data.to_dict()
            lines.append(lines_item)


        slug = self.slug

        title = self.title

        url = self.url

        omitted_lines = self.omitted_lines

        status: None | str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        else:
            status = self.status

        version: int | None | Unset
        if isinstance(self.version, Unset):
            version = UNSET
        else:
            version = self.version


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "events": events,
            "kind": kind,
            "lines": lines,
            "slug": slug,
            "title": title,
            "url": url,
        })
        if omitted_lines is not UNSET:
            field_dict["omitted_lines"] = omitted_lines
        if status is not UNSET:
            field_dict["status"] = status
        if version is not UNSET:
            field_dict["version"] = version

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.event_digest_line import EventDigestLine # noqa: PLC0415
        d = dict(src_dict)
        events = d.pop("events")

        kind = d.pop("kind")

        lines = []
        _lines = d.pop("lines")
        for lines_item_data in (_lines):
            lines_item = EventDigestLine.from_dict(lines_item_data)


            lines.append(lines_item)


        slug = d.pop("slug")

        title = d.pop("title")

        url = d.pop("url")

        omitted_lines = d.pop("omitted_lines", UNSET)

        def _parse_status(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        status = _parse_status(d.pop("status", UNSET))


        def _parse_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        version = _parse_version(d.pop("version", UNSET))


        event_digest_entry = cls(
            events=events,
            kind=kind,
            lines=lines,
            slug=slug,
            title=title,
            url=url,
            omitted_lines=omitted_lines,
            status=status,
            version=version,
        )


        event_digest_entry.additional_properties = d
        return event_digest_entry

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
