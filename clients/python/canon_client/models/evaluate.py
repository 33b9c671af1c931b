from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.evaluate_record import EvaluateRecord


T = TypeVar("T", bound="Evaluate")


@_attrs_define
class Evaluate:
    """
        Attributes:
            record (EvaluateRecord):
            as_of (None | str | Unset): A date or RFC 3339 time (default: now).
            known_at (None | str | Unset): As Canon had recorded it then.
            version (int | None | Unset):
     """

    record: EvaluateRecord
    as_of: None | str | Unset = UNSET
    known_at: None | str | Unset = UNSET
    version: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        from ..models.evaluate_record import EvaluateRecord # noqa: PLC0415
        record = self.record.to_dict()

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

        version: int | None | Unset
        if isinstance(self.version, Unset):
            version = UNSET
        else:
            version = self.version


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
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


        evaluate.additional_properties = d
        return evaluate

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
