from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.record_evaluation import RecordEvaluation


T = TypeVar("T", bound="RecordResult")


@_attrs_define
class RecordResult:
    """ One record: the definitions it meets, and each evaluation.

        Attributes:
            evaluations (list[RecordEvaluation]):
            index (int):
            matches (list[str]):
     """

    evaluations: list[RecordEvaluation]
    index: int
    matches: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        from ..models.record_evaluation import RecordEvaluation # noqa: PLC0415
        evaluations = []
        for evaluations_item_data in self.evaluations:
            evaluations_item = evaluations_item_data.to_dict()
            evaluations.append(evaluations_item)


        index = self.index

        matches = self.matches


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "evaluations": evaluations,
            "index": index,
            "matches": matches,
        })

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.record_evaluation import RecordEvaluation # noqa: PLC0415
        d = dict(src_dict)
        evaluations = []
        _evaluations = d.pop("evaluations")
        for evaluations_item_data in (_evaluations):
            evaluations_item = RecordEvaluation.from_dict(evaluations_item_data)


            evaluations.append(evaluations_item)


        index = d.pop("index")

        matches = cast(list[str], d.pop("matches"))


        record_result = cls(
            evaluations=evaluations,
            index=index,
            matches=matches,
        )


        record_result.additional_properties = d
        return record_result

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
