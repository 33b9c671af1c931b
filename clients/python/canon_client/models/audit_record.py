from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from uuid import UUID

if TYPE_CHECKING:
  from ..models.audit_record_detail import AuditRecordDetail


T = TypeVar("T", bound="AuditRecord")


@_attrs_define
class AuditRecord:
    """
        Attributes:
            action (str):
            actor (str):
            actor_name (None | str):
            actor_type (None | str):
            at (str):
            credential (None | str):
            credential_id (None | UUID):
            detail (AuditRecordDetail):
            from_version (int | None):
            id (int):
            kind (None | str):
            request_id (None | str):
            slug (None | str):
            to_version (int | None):
     """

    action: str
    actor: str
    actor_name: None | str
    actor_type: None | str
    at: str
    credential: None | str
    credential_id: None | UUID
    detail: AuditRecordDetail
    from_version: int | None
    id: int
    kind: None | str
    request_id: None | str
    slug: None | str
    to_version: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        from ..models.audit_record_detail import AuditRecordDetail # noqa: PLC0415
        action = self.action

        actor = self.actor

        actor_name: None | str
        actor_name = self.actor_name

        actor_type: None | str
        actor_type = self.actor_type

        at = self.at

        credential: None | str
        credential = self.credential

        credential_id: None | str
        if isinstance(self.credential_id, UUID):
            credential_id = str(self.credential_id)
        else:
            credential_id = self.credential_id

        detail = self.detail.to_dict()

        from_version: int | None
        from_version = self.from_version

        id = self.id

        kind: None | str
        kind = self.kind

        request_id: None | str
        request_id = self.request_id

        slug: None | str
        slug = self.slug

        to_version: int | None
        to_version = self.to_version


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "action": action,
            "actor": actor,
            "actor_name": actor_name,
            "actor_type": actor_type,
            "at": at,
            "credential": credential,
            "credential_id": credential_id,
            "detail": detail,
            "from_version": from_version,
            "id": id,
            "kind": kind,
            "request_id": request_id,
            "slug": slug,
            "to_version": to_version,
        })

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audit_record_detail import AuditRecordDetail # noqa: PLC0415
        d = dict(src_dict)
        action = d.pop("action")

        actor = d.pop("actor")

        def _parse_actor_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        actor_name = _parse_actor_name(d.pop("actor_name"))


        def _parse_actor_type(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        actor_type = _parse_actor_type(d.pop("actor_type"))


        at = d.pop("at")

        def _parse_credential(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        credential = _parse_credential(d.pop("credential"))


        def _parse_credential_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                credential_id_type_0 = UUID(data)


                return credential_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        credential_id = _parse_credential_id(d.pop("credential_id"))


        detail = AuditRecordDetail.from_dict(d.pop("detail"))


        def _parse_from_version(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        from_version = _parse_from_version(d.pop("from_version"))


        id = d.pop("id")

        def _parse_kind(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        kind = _parse_kind(d.pop("kind"))


        def _parse_request_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        request_id = _parse_request_id(d.pop("request_id"))


        def _parse_slug(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        slug = _parse_slug(d.pop("slug"))


        def _parse_to_version(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        to_version = _parse_to_version(d.pop("to_version"))


        audit_record = cls(
            action=action,
            actor=actor,
            actor_name=actor_name,
            actor_type=actor_type,
            at=at,
            credential=credential,
            credential_id=credential_id,
            detail=detail,
            from_version=from_version,
            id=id,
            kind=kind,
            request_id=request_id,
            slug=slug,
            to_version=to_version,
        )


        audit_record.additional_properties = d
        return audit_record

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
