from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from uuid import UUID

if TYPE_CHECKING:
  from ..models.open_version_out import OpenVersionOut
  from ..models.stale_citation_out import StaleCitationOut
  from ..models.upcoming_out import UpcomingOut


T = TypeVar("T", bound="MessageSummary")


@_attrs_define
class MessageSummary:
    """
        Attributes:
            created_at (str):
            created_by (str):
            current_version (int | None):
            id (UUID):
            kind (str):
            latest_version (int):
            open_version (None | OpenVersionOut):
            owners (list[str]):
            required_teams (list[str]):
            retired (bool):
            retired_at (None | str):
            review_window_seconds (int | None):
            slug (str):
            stale_citations (list[StaleCitationOut]):
            tags (list[str]):
            title (str):
            upcoming (None | UpcomingOut):
            updated_at (str):
     """

    created_at: str
    created_by: str
    current_version: int | None
    id: UUID
    kind: str
    latest_version: int
    open_version: None | OpenVersionOut
    owners: list[str]
    required_teams: list[str]
    retired: bool
    retired_at: None | str
    review_window_seconds: int | None
    slug: str
    stale_citations: list[StaleCitationOut]
    tags: list[str]
    title: str
    upcoming: None | UpcomingOut
    updated_at: str


    def to_dict(self) -> dict[str, Any]:
        from ..models.open_version_out import OpenVersionOut # noqa: PLC0415
        from ..models.stale_citation_out import StaleCitationOut # noqa: PLC0415
        from ..models.upcoming_out import UpcomingOut # noqa: PLC0415
        created_at = self.created_at

        created_by = self.created_by

        current_version: int | None
        current_version = self.current_version

        id = str(self.id)

        kind = self.kind

        latest_version = self.latest_version

        open_version: dict[str, Any] | None
        if isinstance(self.open_version, OpenVersionOut):
            open_version = self.open_version.to_dict()
        else:
            open_version = self.open_version

        owners = self.owners


        required_teams = self.required_teams


        retired = self.retired

        retired_at: None | str
        retired_at = self.retired_at

        review_window_seconds: int | None
        review_window_seconds = self.review_window_seconds

        slug = self.slug

        stale_citations = []
        for stale_citations_item_data in self.stale_citations:
            stale_citations_item = stale_citations_item_data.to_dict()
            stale_citations.append(stale_citations_item)


        tags = self.tags


        title = self.title

        upcoming: dict[str, Any] | None
        if isinstance(self.upcoming, UpcomingOut):
            upcoming = self.upcoming.to_dict()
        else:
            upcoming = self.upcoming

        updated_at = self.updated_at


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "created_at": created_at,
            "created_by": created_by,
            "current_version": current_version,
            "id": id,
            "kind": kind,
            "latest_version": latest_version,
            "open_version": open_version,
            "owners": owners,
            "required_teams": required_teams,
            "retired": retired,
            "retired_at": retired_at,
            "review_window_seconds": review_window_seconds,
            "slug": slug,
            "stale_citations": stale_citations,
            "tags": tags,
            "title": title,
            "upcoming": upcoming,
            "updated_at": updated_at,
        })

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.open_version_out import OpenVersionOut # noqa: PLC0415
        from ..models.stale_citation_out import StaleCitationOut # noqa: PLC0415
        from ..models.upcoming_out import UpcomingOut # noqa: PLC0415
        d = dict(src_dict)
        created_at = d.pop("created_at")

        created_by = d.pop("created_by")

        def _parse_current_version(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        current_version = _parse_current_version(d.pop("current_version"))


        id = UUID(d.pop("id"))


        kind = d.pop("kind")

        latest_version = d.pop("latest_version")

        def _parse_open_version(data: object) -> None | OpenVersionOut:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                open_version_type_0 = OpenVersionOut.from_dict(data)


                return open_version_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | OpenVersionOut, data)

        open_version = _parse_open_version(d.pop("open_version"))


        owners = cast(list[str], d.pop("owners"))


        required_teams = cast(list[str], d.pop("required_teams"))


        retired = d.pop("retired")

        def _parse_retired_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        retired_at = _parse_retired_at(d.pop("retired_at"))


        def _parse_review_window_seconds(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        review_window_seconds = _parse_review_window_seconds(d.pop("review_window_seconds"))


        slug = d.pop("slug")

        stale_citations = []
        _stale_citations = d.pop("stale_citations")
        for stale_citations_item_data in (_stale_citations):
            stale_citations_item = StaleCitationOut.from_dict(stale_citations_item_data)


            stale_citations.append(stale_citations_item)


        tags = cast(list[str], d.pop("tags"))


        title = d.pop("title")

        def _parse_upcoming(data: object) -> None | UpcomingOut:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                upcoming_type_0 = UpcomingOut.from_dict(data)


                return upcoming_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UpcomingOut, data)

        upcoming = _parse_upcoming(d.pop("upcoming"))


        updated_at = d.pop("updated_at")

        message_summary = cls(
            created_at=created_at,
            created_by=created_by,
            current_version=current_version,
            id=id,
            kind=kind,
            latest_version=latest_version,
            open_version=open_version,
            owners=owners,
            required_teams=required_teams,
            retired=retired,
            retired_at=retired_at,
            review_window_seconds=review_window_seconds,
            slug=slug,
            stale_citations=stale_citations,
            tags=tags,
            title=title,
            upcoming=upcoming,
            updated_at=updated_at,
        )

        return message_summary
