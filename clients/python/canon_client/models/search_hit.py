from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.stale_citation import StaleCitation


T = TypeVar("T", bound="SearchHit")


@_attrs_define
class SearchHit:
    """
        Attributes:
            api_url (str):
            kind (str):
            score (float):
            slug (str):
            snippet (str):
            status (str):
            title (str):
            version (int):
            audience (None | str | Unset):
            content_url (None | str | Unset):
            expires_at (None | str | Unset):
            locale (None | str | Unset):
            message_type (None | str | Unset):
            segment (None | str | Unset):
            stale_citations (list[StaleCitation] | Unset):
            tags (list[str] | Unset):
            teams (list[str] | Unset):
     """

    api_url: str
    kind: str
    score: float
    slug: str
    snippet: str
    status: str
    title: str
    version: int
    audience: None | str | Unset = UNSET
    content_url: None | str | Unset = UNSET
    expires_at: None | str | Unset = UNSET
    locale: None | str | Unset = UNSET
    message_type: None | str | Unset = UNSET
    segment: None | str | Unset = UNSET
    stale_citations: list[StaleCitation] | Unset = UNSET
    tags: list[str] | Unset = UNSET
    teams: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        from ..models.stale_citation import StaleCitation # noqa: PLC0415
        api_url = self.api_url

        kind = self.kind

        score = self.score

        slug = self.slug

        snippet = self.snippet

        status = self.status

        title = self.title

        version = self.version

        audience: None | str | Unset
        if isinstance(self.audience, Unset):
            audience = UNSET
        else:
            audience = self.audience

        content_url: None | str | Unset
        if isinstance(self.content_url, Unset):
            content_url = UNSET
        else:
            content_url = self.content_url

        expires_at: None | str | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        else:
            expires_at = self.expires_at

        locale: None | str | Unset
        if isinstance(self.locale, Unset):
            locale = UNSET
        else:
            locale = self.locale

        message_type: None | str | Unset
        if isinstance(self.message_type, Unset):
            message_type = UNSET
        else:
            message_type = self.message_type

        segment: None | str | Unset
        if isinstance(self.segment, Unset):
            segment = UNSET
        else:
            segment = self.segment

        stale_citations: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.stale_citations, Unset):
            stale_citations = []
            for stale_citations_item_data in self.stale_citations:
                stale_citations_item = stale_citations_item_data.to_dict()
                stale_citations.append(stale_citations_item)


        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags


        teams: list[str] | Unset = UNSET
        if not isinstance(self.teams, Unset):
            teams = self.teams


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "api_url": api_url,
            "kind": kind,
            "score": score,
            "slug": slug,
            "snippet": snippet,
            "status": status,
            "title": title,
            "version": version,
        })
        if audience is not UNSET:
            field_dict["audience"] = audience
        if content_url is not UNSET:
            field_dict["content_url"] = content_url
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if locale is not UNSET:
            field_dict["locale"] = locale
        if message_type is not UNSET:
            field_dict["message_type"] = message_type
        if segment is not UNSET:
            field_dict["segment"] = segment
        if stale_citations is not UNSET:
            field_dict["stale_citations"] = stale_citations
        if tags is not UNSET:
            field_dict["tags"] = tags
        if teams is not UNSET:
            field_dict["teams"] = teams

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.stale_citation import StaleCitation # noqa: PLC0415
        d = dict(src_dict)
        api_url = d.pop("api_url")

        kind = d.pop("kind")

        score = d.pop("score")

        slug = d.pop("slug")

        snippet = d.pop("snippet")

        status = d.pop("status")

        title = d.pop("title")

        version = d.pop("version")

        def _parse_audience(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        audience = _parse_audience(d.pop("audience", UNSET))


        def _parse_content_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        content_url = _parse_content_url(d.pop("content_url", UNSET))


        def _parse_expires_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        expires_at = _parse_expires_at(d.pop("expires_at", UNSET))


        def _parse_locale(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        locale = _parse_locale(d.pop("locale", UNSET))


        def _parse_message_type(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        message_type = _parse_message_type(d.pop("message_type", UNSET))


        def _parse_segment(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        segment = _parse_segment(d.pop("segment", UNSET))


        _stale_citations = d.pop("stale_citations", UNSET)
        stale_citations: list[StaleCitation] | Unset = UNSET
        if _stale_citations is not UNSET:
            stale_citations = []
            for stale_citations_item_data in _stale_citations:
                stale_citations_item = StaleCitation.from_dict(stale_citations_item_data)


                stale_citations.append(stale_citations_item)


        tags = cast(list[str], d.pop("tags", UNSET))


        teams = cast(list[str], d.pop("teams", UNSET))


        search_hit = cls(
            api_url=api_url,
            kind=kind,
            score=score,
            slug=slug,
            snippet=snippet,
            status=status,
            title=title,
            version=version,
            audience=audience,
            content_url=content_url,
            expires_at=expires_at,
            locale=locale,
            message_type=message_type,
            segment=segment,
            stale_citations=stale_citations,
            tags=tags,
            teams=teams,
        )


        search_hit.additional_properties = d
        return search_hit

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
