from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.rule_outcome import RuleOutcome


T = TypeVar("T", bound="EvaluationResult")


@_attrs_define
class EvaluationResult:
    """
        Attributes:
            matched (bool):
            outcomes (list[RuleOutcome]):
            slug (str):
            version (int):
     """

    matched: bool
    outcomes: list[RuleOutcome]
    slug: str
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        from ..models.rule_outcome import RuleOutcome # noqa: PLC0415
        matched = self.matched

        outcomes = []
        for outcomes_item_data in self.outcomes:
            outcomes_item = outcomes_item_data.to_dict()
            outcomes.append(outcomes_item)


        slug = self.slug

        version = self.version


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "matched": matched,
            "outcomes": outcomes,
            "slug": slug,
            "version": version,
        })

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rule_outcome import RuleOutcome # noqa: PLC0415
        d = dict(src_dict)
        matched = d.pop("matched")

        outcomes = []
        _outcomes = d.pop("outcomes")
        for outcomes_item_data in (_outcomes):
            outcomes_item = RuleOutcome.from_dict(outcomes_item_data)


            outcomes.append(outcomes_item)


        slug = d.pop("slug")

        version = d.pop("version")

        evaluation_result = cls(
            matched=matched,
            outcomes=outcomes,
            slug=slug,
            version=version,
        )


        evaluation_result.additional_properties = d
        return evaluation_result

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
