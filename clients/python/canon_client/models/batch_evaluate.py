from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.batch_evaluate_records_item import BatchEvaluateRecordsItem


T = TypeVar("T", bound="BatchEvaluate")


@_attrs_define
class BatchEvaluate:
    """ Records (e.g. leads as the CRM sees them) to test against each named definition's version in effect.

        Attributes:
            definitions (list[str]):
            records (list[BatchEvaluateRecordsItem]):
            as_of (datetime.date | datetime.datetime | None | Unset):
            known_at (datetime.date | datetime.datetime | None | Unset):
            outcomes (bool | Unset):  Default: False.
     """

    definitions: list[str]
    records: list[BatchEvaluateRecordsItem]
    as_of: datetime.date | datetime.datetime | None | Unset = UNSET
    known_at: datetime.date | datetime.datetime | None | Unset = UNSET
    outcomes: bool | Unset = False


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
        elif isinstance(self.as_of, datetime.date):
            as_of = self.as_of.isoformat()
        elif isinstance(self.as_of, datetime.datetime):
            as_of = self.as_of.isoformat()
        else:
            as_of = self.as_of

        known_at: None | str | Unset
        if isinstance(self.known_at, Unset):
            known_at = UNSET
        elif isinstance(self.known_at, datetime.date):
            known_at = self.known_at.isoformat()
        elif isinstance(self.known_at, datetime.datetime):
            known_at = self.known_at.isoformat()
        else:
            known_at = self.known_at

        outcomes = self.outcomes


        field_dict: dict[str, Any] = {}

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


        def _parse_as_of(data: object) -> datetime.date | datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                as_of_type_0_type_0 = datetime.date.fromisoformat(data)


                return as_of_type_0_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                as_of_type_0_type_1 = datetime.datetime.fromisoformat(data)


                return as_of_type_0_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | datetime.datetime | None | Unset, data)

        as_of = _parse_as_of(d.pop("as_of", UNSET))


        def _parse_known_at(data: object) -> datetime.date | datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                known_at_type_0_type_0 = datetime.date.fromisoformat(data)


                return known_at_type_0_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                known_at_type_0_type_1 = datetime.datetime.fromisoformat(data)


                return known_at_type_0_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | datetime.datetime | None | Unset, data)

        known_at = _parse_known_at(d.pop("known_at", UNSET))


        outcomes = d.pop("outcomes", UNSET)

        batch_evaluate = cls(
            definitions=definitions,
            records=records,
            as_of=as_of,
            known_at=known_at,
            outcomes=outcomes,
        )

        return batch_evaluate
