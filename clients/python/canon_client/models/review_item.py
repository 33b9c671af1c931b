from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.actor import Actor


T = TypeVar("T", bound="ReviewItem")


@_attrs_define
class ReviewItem:
    """ A version awaiting the approval of one of the queried teams.

        Attributes:
            changes (list[str]):
            due_at (str):
            kind (str):
            overdue (bool):
            pending_teams (list[str]):
            slug (str):
            submitted_at (str):
            submitted_by (Actor): A principal as events and audit records name it.
            summary (str):
            title (str):
            url (str):
            version (int):
     """

    changes: list[str]
    due_at: str
    kind: str
    overdue: bool
    pending_teams: list[str]
    slug: str
    submitted_at: str
    submitted_by: Actor
    summary: str
    title: str
    url: str
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        from ..models.actor import Actor # noqa: PLC0415
        changes = self.changes


        due_at = self.due_at

        kind = self.kind

        overdue = self.overdue

        pending_teams = self.pending_teams


        slug = self.slug

        submitted_at = self.submitted_at

        submitted_by = self.submitted_by.to_dict()

        summary = self.summary

        title = self.title

        url = self.url

        version = self.version


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "changes": changes,
            "due_at": due_at,
            "kind": kind,
            "overdue": overdue,
            "pending_teams": pending_teams,
            "slug": slug,
            "submitted_at": submitted_at,
            "submitted_by": submitted_by,
            "summary": summary,
            "title": title,
            "url": url,
            "version": version,
        })

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.actor import Actor # noqa: PLC0415
        d = dict(src_dict)
        changes = cast(list[str], d.pop("changes"))


        due_at = d.pop("due_at")

        kind = d.pop("kind")

        overdue = d.pop("overdue")

        pending_teams = cast(list[str], d.pop("pending_teams"))


        slug = d.pop("slug")

        submitted_at = d.pop("submitted_at")

        submitted_by = Actor.from_dict(d.pop("submitted_by"))


        summary = d.pop("summary")

        title = d.pop("title")

        url = d.pop("url")

        version = d.pop("version")

        review_item = cls(
            changes=changes,
            due_at=due_at,
            kind=kind,
            overdue=overdue,
            pending_teams=pending_teams,
            slug=slug,
            submitted_at=submitted_at,
            submitted_by=submitted_by,
            summary=summary,
            title=title,
            url=url,
            version=version,
        )


        review_item.additional_properties = d
        return review_item

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
