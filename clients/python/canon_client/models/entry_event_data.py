from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from uuid import UUID

if TYPE_CHECKING:
  from ..models.event_acknowledgements_due import EventAcknowledgementsDue
  from ..models.event_actor import EventActor
  from ..models.event_approver import EventApprover
  from ..models.event_review import EventReview
  from ..models.event_review_request import EventReviewRequest
  from ..models.event_stale_citation import EventStaleCitation
  from ..models.event_stale_dependent import EventStaleDependent


T = TypeVar("T", bound="EntryEventData")


@_attrs_define
class EntryEventData:
    """ `data` of every entry event. Small by design: `url` links to the full content.

        Attributes:
            actor (EventActor): A principal as events and audit records name it.
            id (UUID):
            kind (str):
            slug (str):
            title (str):
            url (str):
            version (int | None):
            acknowledgements_due (EventAcknowledgementsDue | None | Unset):
            approvals (list[EventApprover] | None | Unset):
            backdated (bool | None | Unset):
            changes (list[str] | Unset):
            effective_at (None | str | Unset):
            previous_version (int | None | Unset):
            review (EventReview | None | Unset):
            review_request (EventReviewRequest | None | Unset):
            stale_citations (list[EventStaleCitation] | None | Unset):
            stale_dependents (list[EventStaleDependent] | None | Unset):
            status (None | str | Unset):
            summary (None | str | Unset):
            tags (list[str] | Unset):
            teams (list[str] | Unset):
     """

    actor: EventActor
    id: UUID
    kind: str
    slug: str
    title: str
    url: str
    version: int | None
    acknowledgements_due: EventAcknowledgementsDue | None | Unset = UNSET
    approvals: list[EventApprover] | None | Unset = UNSET
    backdated: bool | None | Unset = UNSET
    changes: list[str] | Unset = UNSET
    effective_at: None | str | Unset = UNSET
    previous_version: int | None | Unset = UNSET
    review: EventReview | None | Unset = UNSET
    review_request: EventReviewRequest | None | Unset = UNSET
    stale_citations: list[EventStaleCitation] | None | Unset = UNSET
    stale_dependents: list[EventStaleDependent] | None | Unset = UNSET
    status: None | str | Unset = UNSET
    summary: None | str | Unset = UNSET
    tags: list[str] | Unset = UNSET
    teams: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        from ..models.event_acknowledgements_due import EventAcknowledgementsDue # noqa: PLC0415
        from ..models.event_actor import EventActor # noqa: PLC0415
        from ..models.event_approver import EventApprover # noqa: PLC0415
        from ..models.event_review import EventReview # noqa: PLC0415
        from ..models.event_review_request import EventReviewRequest # noqa: PLC0415
        from ..models.event_stale_citation import EventStaleCitation # noqa: PLC0415
        from ..models.event_stale_dependent import EventStaleDependent # noqa: PLC0415
        actor = self.actor.to_dict()

        id = str(self.id)

        kind = self.kind

        slug = self.slug

        title = self.title

        url = self.url

        version: int | None
        version = self.version

        acknowledgements_due: dict[str, Any] | None | Unset
        if isinstance(self.acknowledgements_due, Unset):
            acknowledgements_due = UNSET
        elif isinstance(self.acknowledgements_due, EventAcknowledgementsDue):
            acknowledgements_due = self.acknowledgements_due.to_dict()
        else:
            acknowledgements_due = self.acknowledgements_due

        approvals: list[dict[str, Any]] | None | Unset
        if isinstance(self.approvals, Unset):
            approvals = UNSET
        elif isinstance(self.approvals, list):
            approvals = []
            for approvals_type_0_item_data in self.approvals:
                approvals_type_0_item = approvals_type_0_item_data.to_dict()
                approvals.append(approvals_type_0_item)


        else:
            approvals = self.approvals

        backdated: bool | None | Unset
        if isinstance(self.backdated, Unset):
            backdated = UNSET
        else:
            backdated = self.backdated

        changes: list[str] | Unset = UNSET
        if not isinstance(self.changes, Unset):
            changes = self.changes


        effective_at: None | str | Unset
        if isinstance(self.effective_at, Unset):
            effective_at = UNSET
        else:
            effective_at = self.effective_at

        previous_version: int | None | Unset
        if isinstance(self.previous_version, Unset):
            previous_version = UNSET
        else:
            previous_version = self.previous_version

        review: dict[str, Any] | None | Unset
        if isinstance(self.review, Unset):
            review = UNSET
        elif isinstance(self.review, EventReview):
            review = self.review.to_dict()
        else:
            review = self.review

        review_request: dict[str, Any] | None | Unset
        if isinstance(self.review_request, Unset):
            review_request = UNSET
        elif isinstance(self.review_request, EventReviewRequest):
            review_request = self.review_request.to_dict()
        else:
            review_request = self.review_request

        stale_citations: list[dict[str, Any]] | None | Unset
        if isinstance(self.stale_citations, Unset):
            stale_citations = UNSET
        elif isinstance(self.stale_citations, list):
            stale_citations = []
            for stale_citations_type_0_item_data in self.stale_citations:
                stale_citations_type_0_item = stale_citations_type_0_item_data.to_dict()
                stale_citations.append(stale_citations_type_0_item)


        else:
            stale_citations = self.stale_citations

        stale_dependents: list[dict[str, Any]] | None | Unset
        if isinstance(self.stale_dependents, Unset):
            stale_dependents = UNSET
        elif isinstance(self.stale_dependents, list):
            stale_dependents = []
            for stale_dependents_type_0_item_data in self.stale_dependents:
                stale_dependents_type_0_item = stale_dependents_type_0_item_data.to_dict()
                stale_dependents.append(stale_dependents_type_0_item)


        else:
            stale_dependents = self.stale_dependents

        status: None | str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        else:
            status = self.status

        summary: None | str | Unset
        if isinstance(self.summary, Unset):
            summary = UNSET
        else:
            summary = self.summary

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags


        teams: list[str] | Unset = UNSET
        if not isinstance(self.teams, Unset):
            teams = self.teams


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "actor": actor,
            "id": id,
            "kind": kind,
            "slug": slug,
            "title": title,
            "url": url,
            "version": version,
        })
        if acknowledgements_due is not UNSET:
            field_dict["acknowledgements_due"] = acknowledgements_due
        if approvals is not UNSET:
            field_dict["approvals"] = approvals
        if backdated is not UNSET:
            field_dict["backdated"] = backdated
        if changes is not UNSET:
            field_dict["changes"] = changes
        if effective_at is not UNSET:
            field_dict["effective_at"] = effective_at
        if previous_version is not UNSET:
            field_dict["previous_version"] = previous_version
        if review is not UNSET:
            field_dict["review"] = review
        if review_request is not UNSET:
            field_dict["review_request"] = review_request
        if stale_citations is not UNSET:
            field_dict["stale_citations"] = stale_citations
        if stale_dependents is not UNSET:
            field_dict["stale_dependents"] = stale_dependents
        if status is not UNSET:
            field_dict["status"] = status
        if summary is not UNSET:
            field_dict["summary"] = summary
        if tags is not UNSET:
            field_dict["tags"] = tags
        if teams is not UNSET:
            field_dict["teams"] = teams

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.event_acknowledgements_due import EventAcknowledgementsDue # noqa: PLC0415
        from ..models.event_actor import EventActor # noqa: PLC0415
        from ..models.event_approver import EventApprover # noqa: PLC0415
        from ..models.event_review import EventReview # noqa: PLC0415
        from ..models.event_review_request import EventReviewRequest # noqa: PLC0415
        from ..models.event_stale_citation import EventStaleCitation # noqa: PLC0415
        from ..models.event_stale_dependent import EventStaleDependent # noqa: PLC0415
        d = dict(src_dict)
        actor = EventActor.from_dict(d.pop("actor"))


        id = UUID(d.pop("id"))


        kind = d.pop("kind")

        slug = d.pop("slug")

        title = d.pop("title")

        url = d.pop("url")

        def _parse_version(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        version = _parse_version(d.pop("version"))


        def _parse_acknowledgements_due(data: object) -> EventAcknowledgementsDue | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                acknowledgements_due_type_0 = EventAcknowledgementsDue.from_dict(data)


                return acknowledgements_due_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EventAcknowledgementsDue | None | Unset, data)

        acknowledgements_due = _parse_acknowledgements_due(d.pop("acknowledgements_due", UNSET))


        def _parse_approvals(data: object) -> list[EventApprover] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                approvals_type_0 = []
                _approvals_type_0 = data
                for approvals_type_0_item_data in (_approvals_type_0):
                    approvals_type_0_item = EventApprover.from_dict(approvals_type_0_item_data)


                    approvals_type_0.append(approvals_type_0_item)

                return approvals_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[EventApprover] | None | Unset, data)

        approvals = _parse_approvals(d.pop("approvals", UNSET))


        def _parse_backdated(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        backdated = _parse_backdated(d.pop("backdated", UNSET))


        changes = cast(list[str], d.pop("changes", UNSET))


        def _parse_effective_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        effective_at = _parse_effective_at(d.pop("effective_at", UNSET))


        def _parse_previous_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        previous_version = _parse_previous_version(d.pop("previous_version", UNSET))


        def _parse_review(data: object) -> EventReview | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                review_type_0 = EventReview.from_dict(data)


                return review_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EventReview | None | Unset, data)

        review = _parse_review(d.pop("review", UNSET))


        def _parse_review_request(data: object) -> EventReviewRequest | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                review_request_type_0 = EventReviewRequest.from_dict(data)


                return review_request_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EventReviewRequest | None | Unset, data)

        review_request = _parse_review_request(d.pop("review_request", UNSET))


        def _parse_stale_citations(data: object) -> list[EventStaleCitation] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                stale_citations_type_0 = []
                _stale_citations_type_0 = data
                for stale_citations_type_0_item_data in (_stale_citations_type_0):
                    stale_citations_type_0_item = EventStaleCitation.from_dict(stale_citations_type_0_item_data)


                    stale_citations_type_0.append(stale_citations_type_0_item)

                return stale_citations_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[EventStaleCitation] | None | Unset, data)

        stale_citations = _parse_stale_citations(d.pop("stale_citations", UNSET))


        def _parse_stale_dependents(data: object) -> list[EventStaleDependent] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                stale_dependents_type_0 = []
                _stale_dependents_type_0 = data
                for stale_dependents_type_0_item_data in (_stale_dependents_type_0):
                    stale_dependents_type_0_item = EventStaleDependent.from_dict(stale_dependents_type_0_item_data)


                    stale_dependents_type_0.append(stale_dependents_type_0_item)

                return stale_dependents_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[EventStaleDependent] | None | Unset, data)

        stale_dependents = _parse_stale_dependents(d.pop("stale_dependents", UNSET))


        def _parse_status(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        status = _parse_status(d.pop("status", UNSET))


        def _parse_summary(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        summary = _parse_summary(d.pop("summary", UNSET))


        tags = cast(list[str], d.pop("tags", UNSET))


        teams = cast(list[str], d.pop("teams", UNSET))


        entry_event_data = cls(
            actor=actor,
            id=id,
            kind=kind,
            slug=slug,
            title=title,
            url=url,
            version=version,
            acknowledgements_due=acknowledgements_due,
            approvals=approvals,
            backdated=backdated,
            changes=changes,
            effective_at=effective_at,
            previous_version=previous_version,
            review=review,
            review_request=review_request,
            stale_citations=stale_citations,
            stale_dependents=stale_dependents,
            status=status,
            summary=summary,
            tags=tags,
            teams=teams,
        )


        entry_event_data.additional_properties = d
        return entry_event_data

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
