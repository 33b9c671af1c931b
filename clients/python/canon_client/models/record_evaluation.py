from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.rule_outcome import RuleOutcome


T = TypeVar("T", bound="RecordEvaluation")


@_attrs_define
class RecordEvaluation:
    """
        Attributes:
            matched (bool):
            slug (str):
            version (int):
            outcomes (list[RuleOutcome] | None | Unset):
     """

    matched: bool
    slug: str
    version: int
    outcomes: list[RuleOutcome] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        from ..models.rule_outcome import RuleOutcome # noqa: PLC0415
        matched = self.matched

        slug = self.slug

        version = self.version

        outcomes: list[dict[str, Any]] | None | Unset
        if isinstance(self.outcomes, Unset):
            outcomes = UNSET
        elif isinstance(self.outcomes, list):
            outcomes = []
            for outcomes_type_0_item_data in self.outcomes:
                outcomes_type_0_item = outcomes_type_0_item_data.to_dict()
                outcomes.append(outcomes_type_0_item)


        else:
            outcomes = self.outcomes


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "matched": matched,
            "slug": slug,
            "version": version,
        })
        if outcomes is not UNSET:
            field_dict["outcomes"] = outcomes

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rule_outcome import RuleOutcome # noqa: PLC0415
        d = dict(src_dict)
        matched = d.pop("matched")

        slug = d.pop("slug")

        version = d.pop("version")

        def _parse_outcomes(data: object) -> list[RuleOutcome] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                outcomes_type_0 = []
                _outcomes_type_0 = data
                for outcomes_type_0_item_data in (_outcomes_type_0):
                    outcomes_type_0_item = RuleOutcome.from_dict(outcomes_type_0_item_data)


                    outcomes_type_0.append(outcomes_type_0_item)

                return outcomes_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[RuleOutcome] | None | Unset, data)

        outcomes = _parse_outcomes(d.pop("outcomes", UNSET))


        record_evaluation = cls(
            matched=matched,
            slug=slug,
            version=version,
            outcomes=outcomes,
        )


        record_evaluation.additional_properties = d
        return record_evaluation

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
