from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.definition_used import DefinitionUsed
  from ..models.record_result import RecordResult


T = TypeVar("T", bound="BatchResult")


@_attrs_define
class BatchResult:
    """
        Attributes:
            definitions (list[DefinitionUsed]):
            results (list[RecordResult]):
     """

    definitions: list[DefinitionUsed]
    results: list[RecordResult]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        from ..models.definition_used import DefinitionUsed # noqa: PLC0415
        from ..models.record_result import RecordResult # noqa: PLC0415
        definitions = []
        for definitions_item_data in self.definitions:
            definitions_item = definitions_item_data.to_dict()
            definitions.append(definitions_item)


        results = []
        for results_item_data in self.results:
            results_item = results_item_data.to_dict()
            results.append(results_item)


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "definitions": definitions,
            "results": results,
        })

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.definition_used import DefinitionUsed # noqa: PLC0415
        from ..models.record_result import RecordResult # noqa: PLC0415
        d = dict(src_dict)
        definitions = []
        _definitions = d.pop("definitions")
        for definitions_item_data in (_definitions):
            definitions_item = DefinitionUsed.from_dict(definitions_item_data)


            definitions.append(definitions_item)


        results = []
        _results = d.pop("results")
        for results_item_data in (_results):
            results_item = RecordResult.from_dict(results_item_data)


            results.append(results_item)


        batch_result = cls(
            definitions=definitions,
            results=results,
        )


        batch_result.additional_properties = d
        return batch_result

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
