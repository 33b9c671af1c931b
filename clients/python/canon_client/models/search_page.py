from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.search_hit import SearchHit
  from ..models.search_page_facets import SearchPageFacets


T = TypeVar("T", bound="SearchPage")


@_attrs_define
class SearchPage:
    """ A page of hits, best first. `facets` counts the whole filtered result, per facet asked for.

        Attributes:
            facets (SearchPageFacets):
            hits (list[SearchHit]):
            next_cursor (None | str):
            total (int):
     """

    facets: SearchPageFacets
    hits: list[SearchHit]
    next_cursor: None | str
    total: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        from ..models.search_hit import SearchHit # noqa: PLC0415
        from ..models.search_page_facets import SearchPageFacets # noqa: PLC0415
        facets = self.facets.to_dict()

        hits = []
        for hits_item_data in self.hits:
            hits_item = hits_item_data.to_dict()
            hits.append(hits_item)


        next_cursor: None | str
        next_cursor = self.next_cursor

        total = self.total


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "facets": facets,
            "hits": hits,
            "next_cursor": next_cursor,
            "total": total,
        })

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.search_hit import SearchHit # noqa: PLC0415
        from ..models.search_page_facets import SearchPageFacets # noqa: PLC0415
        d = dict(src_dict)
        facets = SearchPageFacets.from_dict(d.pop("facets"))


        hits = []
        _hits = d.pop("hits")
        for hits_item_data in (_hits):
            hits_item = SearchHit.from_dict(hits_item_data)


            hits.append(hits_item)


        def _parse_next_cursor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        next_cursor = _parse_next_cursor(d.pop("next_cursor"))


        total = d.pop("total")

        search_page = cls(
            facets=facets,
            hits=hits,
            next_cursor=next_cursor,
            total=total,
        )


        search_page.additional_properties = d
        return search_page

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
