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
  from ..models.evaluate_record import EvaluateRecord


T = TypeVar("T", bound="Evaluate")


@_attrs_define
class Evaluate:
    """ A record (e.g. a lead as the CRM sees it) to test against the definition's criteria.

        Attributes:
            record (EvaluateRecord):
            as_of (datetime.date | datetime.datetime | None | Unset):
            known_at (datetime.date | datetime.datetime | None | Unset):
            version (int | None | Unset):
     """

    record: EvaluateRecord
    as_of: datetime.date | datetime.datetime | None | Unset = UNSET
    known_at: datetime.date | datetime.datetime | None | Unset = UNSET
    version: int | None | Unset = UNSET


    def to_dict(self) -> dict[str, Any]:
        from ..models.evaluate_record import EvaluateRecord # noqa: PLC0415
        record = self.record.to_dict()

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

        version: int | None | Unset
        if isinstance(self.version, Unset):
            version = UNSET
        else:
            version = self.version


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "record": record,
        })
        if as_of is not UNSET:
            field_dict["as_of"] = as_of
        if known_at is not UNSET:
            field_dict["known_at"] = known_at
        if version is not UNSET:
            field_dict["version"] = version

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.evaluate_record import EvaluateRecord # noqa: PLC0415
        d = dict(src_dict)
        record = EvaluateRecord.from_dict(d.pop("record"))


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


        def _parse_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        version = _parse_version(d.pop("version", UNSET))


        evaluate = cls(
            record=record,
            as_of=as_of,
            known_at=known_at,
            version=version,
        )

        return evaluate
