from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from uuid import UUID

if TYPE_CHECKING:
  from ..models.key_owner import KeyOwner


T = TypeVar("T", bound="KeyRecord")


@_attrs_define
class KeyRecord:
    """ A key as listed: the role and teams are those of the principal it acts as, at the time of reading.

        Attributes:
            created_at (str):
            expires_at (None | str):
            id (UUID):
            last_used_at (None | str):
            name (str):
            prefix (str):
            principal (KeyOwner):
            revoked_at (None | str):
            role (str):
            teams (list[str]):
     """

    created_at: str
    expires_at: None | str
    id: UUID
    last_used_at: None | str
    name: str
    prefix: str
    principal: KeyOwner
    revoked_at: None | str
    role: str
    teams: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        from ..models.key_owner import KeyOwner # noqa: PLC0415
        created_at = self.created_at

        expires_at: None | str
        expires_at = self.expires_at

        id = str(self.id)

        last_used_at: None | str
        last_used_at = self.last_used_at

        name = self.name

        prefix = self.prefix

        principal = self.principal.to_dict()

        revoked_at: None | str
        revoked_at = self.revoked_at

        role = self.role

        teams = self.teams


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "created_at": created_at,
            "expires_at": expires_at,
            "id": id,
            "last_used_at": last_used_at,
            "name": name,
            "prefix": prefix,
            "principal": principal,
            "revoked_at": revoked_at,
            "role": role,
            "teams": teams,
        })

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.key_owner import KeyOwner # noqa: PLC0415
        d = dict(src_dict)
        created_at = d.pop("created_at")

        def _parse_expires_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        expires_at = _parse_expires_at(d.pop("expires_at"))


        id = UUID(d.pop("id"))


        def _parse_last_used_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        last_used_at = _parse_last_used_at(d.pop("last_used_at"))


        name = d.pop("name")

        prefix = d.pop("prefix")

        principal = KeyOwner.from_dict(d.pop("principal"))


        def _parse_revoked_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        revoked_at = _parse_revoked_at(d.pop("revoked_at"))


        role = d.pop("role")

        teams = cast(list[str], d.pop("teams"))


        key_record = cls(
            created_at=created_at,
            expires_at=expires_at,
            id=id,
            last_used_at=last_used_at,
            name=name,
            prefix=prefix,
            principal=principal,
            revoked_at=revoked_at,
            role=role,
            teams=teams,
        )


        key_record.additional_properties = d
        return key_record

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
