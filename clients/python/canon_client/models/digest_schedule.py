from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.digest_schedule_mode import DigestScheduleMode
from ..models.every import Every
from ..models.weekday import Weekday
from ..types import UNSET, Unset


T = TypeVar("T", bound="DigestSchedule")


@_attrs_define
class DigestSchedule:
    """ One delivery per period listing its changes, when the period ends: every hour at minute MM of `at`, every day
    at `at`, or every week on `on` at `at`, on the clock of `timezone`. A period without changes sends nothing.

        Attributes:
            every (Every): How often a digest is sent.
            mode (DigestScheduleMode):
            at (str | Unset): Local time `HH:MM` (24-hour) at which a period ends; every hour uses its minutes only.
                Default: '09:00'.
            on (Weekday | Unset): The day a weekly digest is sent.
            timezone (str | Unset): An IANA time zone name, such as `Europe/Berlin` or `UTC`. Default: 'UTC'.
     """

    every: Every
    mode: DigestScheduleMode
    at: str | Unset = '09:00'
    on: Weekday | Unset = UNSET
    timezone: str | Unset = 'UTC'


    def to_dict(self) -> dict[str, Any]:
        every = self.every.value

        mode = self.mode.value

        at = self.at

        on: str | Unset = UNSET
        if not isinstance(self.on, Unset):
            on = self.on.value


        timezone = self.timezone


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "every": every,
            "mode": mode,
        })
        if at is not UNSET:
            field_dict["at"] = at
        if on is not UNSET:
            field_dict["on"] = on
        if timezone is not UNSET:
            field_dict["timezone"] = timezone

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        every = Every(d.pop("every"))


        mode = DigestScheduleMode(d.pop("mode"))


        at = d.pop("at", UNSET)

        _on = d.pop("on", UNSET)
        on: Weekday | Unset
        if isinstance(_on,  Unset):
            on = UNSET
        else:
            on = Weekday(_on)


        timezone = d.pop("timezone", UNSET)

        digest_schedule = cls(
            every=every,
            mode=mode,
            at=at,
            on=on,
            timezone=timezone,
        )

        return digest_schedule
