from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.criteria_any import CriteriaAny
  from ..models.criteria_exists_comparison import CriteriaExistsComparison
  from ..models.criteria_list_comparison import CriteriaListComparison
  from ..models.criteria_not import CriteriaNot
  from ..models.criteria_order_comparison import CriteriaOrderComparison
  from ..models.criteria_prefix_comparison import CriteriaPrefixComparison
  from ..models.criteria_range_comparison import CriteriaRangeComparison
  from ..models.criteria_recency_comparison import CriteriaRecencyComparison
  from ..models.criteria_scalar_comparison import CriteriaScalarComparison


T = TypeVar("T", bound="CriteriaAll")


@_attrs_define
class CriteriaAll:
    """ Passes when every rule passes.

        Attributes:
            all_ (list[CriteriaAll | CriteriaAny | CriteriaExistsComparison | CriteriaListComparison | CriteriaNot |
                CriteriaOrderComparison | CriteriaPrefixComparison | CriteriaRangeComparison | CriteriaRecencyComparison |
                CriteriaScalarComparison]):
            label (str | Unset): What the rule means, shown in evaluation results (not blank).
     """

    all_: list[CriteriaAll | CriteriaAny | CriteriaExistsComparison | CriteriaListComparison | CriteriaNot | CriteriaOrderComparison | CriteriaPrefixComparison | CriteriaRangeComparison | CriteriaRecencyComparison | CriteriaScalarComparison]
    label: str | Unset = UNSET


    def to_dict(self) -> dict[str, Any]:
        from ..models.criteria_any import CriteriaAny # noqa: PLC0415
        from ..models.criteria_exists_comparison import CriteriaExistsComparison # noqa: PLC0415
        from ..models.criteria_list_comparison import CriteriaListComparison # noqa: PLC0415
        from ..models.criteria_not import CriteriaNot # noqa: PLC0415
        from ..models.criteria_order_comparison import CriteriaOrderComparison # noqa: PLC0415
        from ..models.criteria_prefix_comparison import CriteriaPrefixComparison # noqa: PLC0415
        from ..models.criteria_range_comparison import CriteriaRangeComparison # noqa: PLC0415
        from ..models.criteria_recency_comparison import CriteriaRecencyComparison # noqa: PLC0415
        from ..models.criteria_scalar_comparison import CriteriaScalarComparison # noqa: PLC0415
        all_ = []
        for all_item_data in self.all_:
            all_item: dict[str, Any]
            if isinstance(all_item_data, CriteriaAll):
                all_item = all_item_data.to_dict()
            elif isinstance(all_item_data, CriteriaAny):
                all_item = all_item_data.to_dict()
            elif isinstance(all_item_data, CriteriaNot):
                all_item = all_item_data.to_dict()
            elif isinstance(all_item_data, CriteriaScalarComparison):
                all_item = all_item_data.to_dict()
            elif isinstance(all_item_data, CriteriaOrderComparison):
                all_item = all_item_data.to_dict()
            elif isinstance(all_item_data, CriteriaListComparison):
                all_item = all_item_data.to_dict()
            elif isinstance(all_item_data, CriteriaPrefixComparison):
                all_item = all_item_data.to_dict()
            elif isinstance(all_item_data, CriteriaRangeComparison):
                all_item = all_item_data.to_dict()
            elif isinstance(all_item_data, CriteriaRecencyComparison):
                all_item = all_item_data.to_dict()
            else:
                all_item = all_item_data.to_dict()

            all_.append(all_item)


        label = self.label


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "all": all_,
        })
        if label is not UNSET:
            field_dict["label"] = label

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.criteria_any import CriteriaAny # noqa: PLC0415
        from ..models.criteria_exists_comparison import CriteriaExistsComparison # noqa: PLC0415
        from ..models.criteria_list_comparison import CriteriaListComparison # noqa: PLC0415
        from ..models.criteria_not import CriteriaNot # noqa: PLC0415
        from ..models.criteria_order_comparison import CriteriaOrderComparison # noqa: PLC0415
        from ..models.criteria_prefix_comparison import CriteriaPrefixComparison # noqa: PLC0415
        from ..models.criteria_range_comparison import CriteriaRangeComparison # noqa: PLC0415
        from ..models.criteria_recency_comparison import CriteriaRecencyComparison # noqa: PLC0415
        from ..models.criteria_scalar_comparison import CriteriaScalarComparison # noqa: PLC0415
        d = dict(src_dict)
        all_ = []
        _all_ = d.pop("all")
        for all_item_data in (_all_):
            def _parse_all_item(data: object) -> CriteriaAll | CriteriaAny | CriteriaExistsComparison | CriteriaListComparison | CriteriaNot | CriteriaOrderComparison | CriteriaPrefixComparison | CriteriaRangeComparison | CriteriaRecencyComparison | CriteriaScalarComparison:
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

            all_item = _parse_all_item(all_item_data)

            all_.append(all_item)


        label = d.pop("label", UNSET)

        criteria_all = cls(
            all_=all_,
            label=label,
        )

        return criteria_all
