from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast


T = TypeVar("T", bound="Outstanding")


@_attrs_define
class Outstanding:
    """ A version in effect the caller has yet to acknowledge.

        Attributes:
            acknowledge_url (str):
            due_at (str):
            in_effect_since (str):
            kind (str):
            overdue (bool):
            slug (str):
            teams (list[str]):
            title (str):
            url (str):
            version (int):
     """

    acknowledge_url: str
    due_at: str
    in_effect_since: str
    kind: str
    overdue: bool
    slug: str
    teams: list[str]
    title: str
    url: str
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        acknowledge_url = self.acknowledge_url

        due_at = self.due_at

        in_effect_since = self.in_effect_since

        kind = self.kind

        overdue = self.overdue

        slug = self.slug

        teams = self.teams


        title = self.title

        url = self.url

        version = self.version


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "acknowledge_url": acknowledge_url,
            "due_at": due_at,
            "in_effect_since": in_effect_since,
            "kind": kind,
            "overdue": overdue,
            "slug": slug,
            "teams": teams,
            "title": title,
            "url": url,
            "version": version,
        })

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        acknowledge_url = d.pop("acknowledge_url")

        due_at = d.pop("due_at")

        in_effect_since = d.pop("in_effect_since")

        kind = d.pop("kind")

        overdue = d.pop("overdue")

        slug = d.pop("slug")

        teams = cast(list[str], d.pop("teams"))


        title = d.pop("title")

        url = d.pop("url")

        version = d.pop("version")

        outstanding = cls(
            acknowledge_url=acknowledge_url,
            due_at=due_at,
            in_effect_since=in_effect_since,
            kind=kind,
            overdue=overdue,
            slug=slug,
            teams=teams,
            title=title,
            url=url,
            version=version,
        )


        outstanding.additional_properties = d
        return outstanding

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
