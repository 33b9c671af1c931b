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


T = TypeVar("T", bound="IssuedKey")


@_attrs_define
class IssuedKey:
    """ A key as created: `key` is the secret, returned this once and never stored.

        Attributes:
            expires_at (None | str):
            id (UUID):
            key (str):
            name (str):
            prefix (str):
            principal (KeyOwner):
            role (str):
            teams (list[str]):
     """

    expires_at: None | str
    id: UUID
    key: str
    name: str
    prefix: str
    principal: KeyOwner
    role: str
    teams: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        from ..models.key_owner import KeyOwner # noqa: PLC0415
        expires_at: None | str
        expires_at = self.expires_at

        id = str(self.id)

        key = self.key

        name = self.name

        prefix = self.prefix

        principal = self.principal.to_dict()

        role = self.role

        teams = self.teams


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "expires_at": expires_at,
            "id": id,
            "key": key,
            "name": name,
            "prefix": prefix,
            "principal": principal,
            "role": role,
            "teams": teams,
        })

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.key_owner import KeyOwner # noqa: PLC0415
        d = dict(src_dict)
        def _parse_expires_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        expires_at = _parse_expires_at(d.pop("expires_at"))


        id = UUID(d.pop("id"))


        key = d.pop("key")

        name = d.pop("name")

        prefix = d.pop("prefix")

        principal = KeyOwner.from_dict(d.pop("principal"))


        role = d.pop("role")

        teams = cast(list[str], d.pop("teams"))


        issued_key = cls(
            expires_at=expires_at,
            id=id,
            key=key,
            name=name,
            prefix=prefix,
            principal=principal,
            role=role,
            teams=teams,
        )


        issued_key.additional_properties = d
        return issued_key

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
