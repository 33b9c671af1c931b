from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.batch_evaluate_records_item import BatchEvaluateRecordsItem


T = TypeVar("T", bound="BatchEvaluate")


@_attrs_define
class BatchEvaluate:
    """
        Attributes:
            definitions (list[str]):
            records (list[BatchEvaluateRecordsItem]):
            as_of (None | str | Unset): A date or RFC 3339 time.
            known_at (None | str | Unset): A date or RFC 3339 time.
            outcomes (bool | Unset):  Default: False.
     """

    definitions: list[str]
    records: list[BatchEvaluateRecordsItem]
    as_of: None | str | Unset = UNSET
    known_at: None | str | Unset = UNSET
    outcomes: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        from ..models.batch_evaluate_records_item import BatchEvaluateRecordsItem # noqa: PLC0415
        definitions = self.definitions


        records = []
        for records_item_data in self.records:
            records_item = records_item_data.to_dict()
            records.append(records_item)


        as_of: None | str | Unset
        if isinstance(self.as_of, Unset):
            as_of = UNSET
        else:
            as_of = self.as_of

        known_at: None | str | Unset
        if isinstance(self.known_at, Unset):
            known_at = UNSET
        else:
            known_at = self.known_at

        outcomes = self.outcomes


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "definitions": definitions,
            "records": records,
        })
        if as_of is not UNSET:
            field_dict["as_of"] = as_of
        if known_at is not UNSET:
            field_dict["known_at"] = known_at
        if outcomes is not UNSET:
            field_dict["outcomes"] = outcomes

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.batch_evaluate_records_item import BatchEvaluateRecordsItem # noqa: PLC0415
        d = dict(src_dict)
        definitions = cast(list[str], d.pop("definitions"))


        records = []
        _records = d.pop("records")
        for records_item_data in (_records):
            records_item = BatchEvaluateRecordsItem.from_dict(records_item_data)


            records.append(records_item)


        def _parse_as_of(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        as_of = _parse_as_of(d.pop("as_of", UNSET))


        def _parse_known_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        known_at = _parse_known_at(d.pop("known_at", UNSET))


        outcomes = d.pop("outcomes", UNSET)

        batch_evaluate = cls(
            definitions=definitions,
            records=records,
            as_of=as_of,
            known_at=known_at,
            outcomes=outcomes,
        )


        batch_evaluate.additional_properties = d
        return batch_evaluate

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
