from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.approval_out import ApprovalOut
  from ..models.message_content import MessageContent
  from ..models.stale_citation_out import StaleCitationOut


T = TypeVar("T", bound="MessageVersion")


@_attrs_define
class MessageVersion:
    """
        Attributes:
            acknowledge_teams (list[str]):
            approvals (list[ApprovalOut]):
            author (str):
            based_on (int | None):
            content (MessageContent): Approved wording: positioning, value propositions, talk tracks, objection handling.
            created_at (str):
            effective_from (None | str):
            expired (bool):
            expires_at (None | str):
            in_effect (bool):
            number (int):
            owners (list[str]):
            pending_teams (list[str]):
            published_at (None | str):
            required_teams (list[str]):
            review_comment (None | str):
            review_teams (list[str] | None):
            scheduled (bool):
            stale_citations (list[StaleCitationOut]):
            status (str):
            submitted_at (None | str):
            superseded_at (None | str):
            tags (list[str]):
            title (str):
            updated_at (str):
     """

    acknowledge_teams: list[str]
    approvals: list[ApprovalOut]
    author: str
    based_on: int | None
    content: MessageContent
    created_at: str
    effective_from: None | str
    expired: bool
    expires_at: None | str
    in_effect: bool
    number: int
    owners: list[str]
    pending_teams: list[str]
    published_at: None | str
    required_teams: list[str]
    review_comment: None | str
    review_teams: list[str] | None
    scheduled: bool
    stale_citations: list[StaleCitationOut]
    status: str
    submitted_at: None | str
    superseded_at: None | str
    tags: list[str]
    title: str
    updated_at: str


    def to_dict(self) -> dict[str, Any]:
        from ..models.approval_out import ApprovalOut # noqa: PLC0415
        from ..models.message_content import MessageContent # noqa: PLC0415
        from ..models.stale_citation_out import StaleCitationOut # noqa: PLC0415
        acknowledge_teams = self.acknowledge_teams


        approvals = []
        for approvals_item_data in self.approvals:
            approvals_item = approvals_item_data.to_dict()
            approvals.append(approvals_item)


        author = self.author

        based_on: int | None
        based_on = self.based_on

        content = self.content.to_dict()

        created_at = self.created_at

        effective_from: None | str
        effective_from = self.effective_from

        expired = self.expired

        expires_at: None | str
        expires_at = self.expires_at

        in_effect = self.in_effect

        number = self.number

        owners = self.owners


        pending_teams = self.pending_teams


        published_at: None | str
        published_at = self.published_at

        required_teams = self.required_teams


        review_comment: None | str
        review_comment = self.review_comment

        review_teams: list[str] | None
        if isinstance(self.review_teams, list):
            review_teams = self.review_teams


        else:
            review_teams = self.review_teams

        scheduled = self.scheduled

        stale_citations = []
        for stale_citations_item_data in self.stale_citations:
            stale_citations_item = stale_citations_item_data.to_dict()
            stale_citations.append(stale_citations_item)


        status = self.status

        submitted_at: None | str
        submitted_at = self.submitted_at

        superseded_at: None | str
        superseded_at = self.superseded_at

        tags = self.tags


        title = self.title

        updated_at = self.updated_at


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "acknowledge_teams": acknowledge_teams,
            "approvals": approvals,
            "author": author,
            "based_on": based_on,
            "content": content,
            "created_at": created_at,
            "effective_from": effective_from,
            "expired": expired,
            "expires_at": expires_at,
            "in_effect": in_effect,
            "number": number,
            "owners": owners,
            "pending_teams": pending_teams,
            "published_at": published_at,
            "required_teams": required_teams,
            "review_comment": review_comment,
            "review_teams": review_teams,
            "scheduled": scheduled,
            "stale_citations": stale_citations,
            "status": status,
            "submitted_at": submitted_at,
            "superseded_at": superseded_at,
            "tags": tags,
            "title": title,
            "updated_at": updated_at,
        })

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.approval_out import ApprovalOut # noqa: PLC0415
        from ..models.message_content import MessageContent # noqa: PLC0415
        from ..models.stale_citation_out import StaleCitationOut # noqa: PLC0415
        d = dict(src_dict)
        acknowledge_teams = cast(list[str], d.pop("acknowledge_teams"))


        approvals = []
        _approvals = d.pop("approvals")
        for approvals_item_data in (_approvals):
            approvals_item = ApprovalOut.from_dict(approvals_item_data)


            approvals.append(approvals_item)


        author = d.pop("author")

        def _parse_based_on(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        based_on = _parse_based_on(d.pop("based_on"))


        content = MessageContent.from_dict(d.pop("content"))


        created_at = d.pop("created_at")

        def _parse_effective_from(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        effective_from = _parse_effective_from(d.pop("effective_from"))


        expired = d.pop("expired")

        def _parse_expires_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        expires_at = _parse_expires_at(d.pop("expires_at"))


        in_effect = d.pop("in_effect")

        number = d.pop("number")

        owners = cast(list[str], d.pop("owners"))


        pending_teams = cast(list[str], d.pop("pending_teams"))


        def _parse_published_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        published_at = _parse_published_at(d.pop("published_at"))


        required_teams = cast(list[str], d.pop("required_teams"))


        def _parse_review_comment(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        review_comment = _parse_review_comment(d.pop("review_comment"))


        def _parse_review_teams(data: object) -> list[str] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                review_teams_type_0 = cast(list[str], data)

                return review_teams_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None, data)

        review_teams = _parse_review_teams(d.pop("review_teams"))


        scheduled = d.pop("scheduled")

        stale_citations = []
        _stale_citations = d.pop("stale_citations")
        for stale_citations_item_data in (_stale_citations):
            stale_citations_item = StaleCitationOut.from_dict(stale_citations_item_data)


            stale_citations.append(stale_citations_item)


        status = d.pop("status")

        def _parse_submitted_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        submitted_at = _parse_submitted_at(d.pop("submitted_at"))


        def _parse_superseded_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        superseded_at = _parse_superseded_at(d.pop("superseded_at"))


        tags = cast(list[str], d.pop("tags"))


        title = d.pop("title")

        updated_at = d.pop("updated_at")

        message_version = cls(
            acknowledge_teams=acknowledge_teams,
            approvals=approvals,
            author=author,
            based_on=based_on,
            content=content,
            created_at=created_at,
            effective_from=effective_from,
            expired=expired,
            expires_at=expires_at,
            in_effect=in_effect,
            number=number,
            owners=owners,
            pending_teams=pending_teams,
            published_at=published_at,
            required_teams=required_teams,
            review_comment=review_comment,
            review_teams=review_teams,
            scheduled=scheduled,
            stale_citations=stale_citations,
            status=status,
            submitted_at=submitted_at,
            superseded_at=superseded_at,
            tags=tags,
            title=title,
            updated_at=updated_at,
        )

        return message_version
