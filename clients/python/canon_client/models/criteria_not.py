from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.criteria_all import CriteriaAll
  from ..models.criteria_any import CriteriaAny
  from ..models.criteria_exists_comparison import CriteriaExistsComparison
  from ..models.criteria_list_comparison import CriteriaListComparison
  from ..models.criteria_order_comparison import CriteriaOrderComparison
  from ..models.criteria_prefix_comparison import CriteriaPrefixComparison
  from ..models.criteria_range_comparison import CriteriaRangeComparison
  from ..models.criteria_recency_comparison import CriteriaRecencyComparison
  from ..models.criteria_scalar_comparison import CriteriaScalarComparison


T = TypeVar("T", bound="CriteriaNot")


@_attrs_define
class CriteriaNot:
    """ Passes when its rule fails.

        Attributes:
            not_ (CriteriaAll | CriteriaAny | CriteriaExistsComparison | CriteriaListComparison | CriteriaNot |
                CriteriaOrderComparison | CriteriaPrefixComparison | CriteriaRangeComparison | CriteriaRecencyComparison |
                CriteriaScalarComparison): A rule tree: groups (all, any, not) of comparisons. Semantics: docs/api.md, Criteria.
                Canon also refuses trees deeper than 16 levels or with more than 256 rules, and values it cannot read as their
                declared type.
            label (str | Unset): What the rule means, shown in evaluation results (not blank).
     """

    not_: CriteriaAll | CriteriaAny | CriteriaExistsComparison | CriteriaListComparison | CriteriaNot | CriteriaOrderComparison | CriteriaPrefixComparison | CriteriaRangeComparison | CriteriaRecencyComparison | CriteriaScalarComparison
    label: str | Unset = UNSET


    def to_dict(self) -> dict[str, Any]:
        from ..models.criteria_all import CriteriaAll # noqa: PLC0415
        from ..models.criteria_any import CriteriaAny # noqa: PLC0415
        from ..models.criteria_exists_comparison import CriteriaExistsComparison # noqa: PLC0415
        from ..models.criteria_list_comparison import CriteriaListComparison # noqa: PLC0415
        from ..models.criteria_order_comparison import CriteriaOrderComparison # noqa: PLC0415
        from ..models.criteria_prefix_comparison import CriteriaPrefixComparison # noqa: PLC0415
        from ..models.criteria_range_comparison import CriteriaRangeComparison # noqa: PLC0415
        from ..models.criteria_recency_comparison import CriteriaRecencyComparison # noqa: PLC0415
        from ..models.criteria_scalar_comparison import CriteriaScalarComparison # noqa: PLC0415
        not_: dict[str, Any]
        if isinstance(self.not_, CriteriaAll):
            not_ = self.not_.to_dict()
        elif isinstance(self.not_, CriteriaAny):
            not_ = self.not_.to_dict()
        elif isinstance(self.not_, CriteriaNot):
            not_ = self.not_.to_dict()
        elif isinstance(self.not_, CriteriaScalarComparison):
            not_ = self.not_.to_dict()
        elif isinstance(self.not_, CriteriaOrderComparison):
            not_ = self.not_.to_dict()
        elif isinstance(self.not_, CriteriaListComparison):
            not_ = self.not_.to_dict()
        elif isinstance(self.not_, CriteriaPrefixComparison):
            not_ = self.not_.to_dict()
        elif isinstance(self.not_, CriteriaRangeComparison):
            not_ = self.not_.to_dict()
        elif isinstance(self.not_, CriteriaRecencyComparison):
            not_ = self.not_.to_dict()
        else:
            not_ = self.not_.to_dict()


        label = self.label


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "not": not_,
        })
        if label is not UNSET:
            field_dict["label"] = label

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.criteria_all import CriteriaAll # noqa: PLC0415
        from ..models.criteria_any import CriteriaAny # noqa: PLC0415
        from ..models.criteria_exists_comparison import CriteriaExistsComparison # noqa: PLC0415
        from ..models.criteria_list_comparison import CriteriaListComparison # noqa: PLC0415
        from ..models.criteria_order_comparison import CriteriaOrderComparison # noqa: PLC0415
        from ..models.criteria_prefix_comparison import CriteriaPrefixComparison # noqa: PLC0415
        from ..models.criteria_range_comparison import CriteriaRangeComparison # noqa: PLC0415
        from ..models.criteria_recency_comparison import CriteriaRecencyComparison # noqa: PLC0415
        from ..models.criteria_scalar_comparison import CriteriaScalarComparison # noqa: PLC0415
        d = dict(src_dict)
        def _parse_not_(data: object) -> CriteriaAll | CriteriaAny | CriteriaExistsComparison | CriteriaListComparison | CriteriaNot | CriteriaOrderComparison | CriteriaPrefixComparison | CriteriaRangeComparison | CriteriaRecencyComparison | CriteriaScalarComparison:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_criteria_group_type_0 = CriteriaAll.from_dict(data)


                return componentsschemas_criteria_group_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_criteria_group_type_1 = CriteriaAny.from_dict(data)


                return componentsschemas_criteria_group_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_criteria_group_type_2 = CriteriaNot.from_dict(data)


                return componentsschemas_criteria_group_type_2
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_criteria_comparison_type_0 = CriteriaScalarComparison.from_dict(data)


                return componentsschemas_criteria_comparison_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_criteria_comparison_type_1 = CriteriaOrderComparison.from_dict(data)


                return componentsschemas_criteria_comparison_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_criteria_comparison_type_2 = CriteriaListComparison.from_dict(data)


                return componentsschemas_criteria_comparison_type_2
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_criteria_comparison_type_3 = CriteriaPrefixComparison.from_dict(data)


                return componentsschemas_criteria_comparison_type_3
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_criteria_comparison_type_4 = CriteriaRangeComparison.from_dict(data)


                return componentsschemas_criteria_comparison_type_4
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_criteria_comparison_type_5 = CriteriaRecencyComparison.from_dict(data)


                return componentsschemas_criteria_comparison_type_5
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_criteria_comparison_type_6 = CriteriaExistsComparison.from_dict(data)


            return componentsschemas_criteria_comparison_type_6

        not_ = _parse_not_(d.pop("not"))


        label = d.pop("label", UNSET)

        criteria_not = cls(
            not_=not_,
            label=label,
        )

        return criteria_not
