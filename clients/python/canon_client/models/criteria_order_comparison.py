from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.criteria_case import CriteriaCase
from ..models.criteria_order_comparison_op import CriteriaOrderComparisonOp
from ..models.criteria_value_type import CriteriaValueType
from ..types import UNSET, Unset
from typing import cast


T = TypeVar("T", bound="CriteriaOrderComparison")


@_attrs_define
class CriteriaOrderComparison:
    """ Greater or less than a number or a string.

        Attributes:
            field (str): The record's field, a dot path: company.employees
            op (CriteriaOrderComparisonOp):
            value (float | str):
            case (CriteriaCase | Unset): How strings compare (default: sensitive).
            label (str | Unset): What the rule means, shown in evaluation results (not blank).
            type_ (CriteriaValueType | Unset): Read the record's value, and the rule's, as this type before comparing.
     """

    field: str
    op: CriteriaOrderComparisonOp
    value: float | str
    case: CriteriaCase | Unset = UNSET
    label: str | Unset = UNSET
    type_: CriteriaValueType | Unset = UNSET


    def to_dict(self) -> dict[str, Any]:
        field = self.field

        op = self.op.value

        value: float | str
        value = self.value

        case: str | Unset = UNSET
        if not isinstance(self.case, Unset):
            case = self.case.value


        label = self.label

        type_: str | Unset = UNSET
        if not isinstance(self.type_, Unset):
            type_ = self.type_.value


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "field": field,
            "op": op,
            "value": value,
        })
        if case is not UNSET:
            field_dict["case"] = case
        if label is not UNSET:
            field_dict["label"] = label
        if type_ is not UNSET:
            field_dict["type"] = type_

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        field = d.pop("field")

        op = CriteriaOrderComparisonOp(d.pop("op"))


        def _parse_value(data: object) -> float | str:
            return cast(float | str, data)

        value = _parse_value(d.pop("value"))


        _case = d.pop("case", UNSET)
        case: CriteriaCase | Unset
        if isinstance(_case,  Unset):
            case = UNSET
        else:
            case = CriteriaCase(_case)


        label = d.pop("label", UNSET)

        _type_ = d.pop("type", UNSET)
        type_: CriteriaValueType | Unset
        if isinstance(_type_,  Unset):
            type_ = UNSET
        else:
            type_ = CriteriaValueType(_type_)


        criteria_order_comparison = cls(
            field=field,
            op=op,
            value=value,
            case=case,
            label=label,
            type_=type_,
        )

        return criteria_order_comparison
