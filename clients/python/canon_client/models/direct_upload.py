from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from uuid import UUID

if TYPE_CHECKING:
  from ..models.direct_upload_headers import DirectUploadHeaders


T = TypeVar("T", bound="DirectUpload")


@_attrs_define
class DirectUpload:
    """ Send the file with `PUT url` and exactly `headers`, then call the completion endpoint with `upload_id`.

        Attributes:
            expires_at (str):
            headers (DirectUploadHeaders):
            method (str):
            upload_id (UUID):
            url (str):
     """

    expires_at: str
    headers: DirectUploadHeaders
    method: str
    upload_id: UUID
    url: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        from ..models.direct_upload_headers import DirectUploadHeaders # noqa: PLC0415
        expires_at = self.expires_at

        headers = self.headers.to_dict()

        method = self.method

        upload_id = str(self.upload_id)

        url = self.url


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "expires_at": expires_at,
            "headers": headers,
            "method": method,
            "upload_id": upload_id,
            "url": url,
        })

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.direct_upload_headers import DirectUploadHeaders # noqa: PLC0415
        d = dict(src_dict)
        expires_at = d.pop("expires_at")

        headers = DirectUploadHeaders.from_dict(d.pop("headers"))


        method = d.pop("method")

        upload_id = UUID(d.pop("upload_id"))


        url = d.pop("url")

        direct_upload = cls(
            expires_at=expires_at,
            headers=headers,
            method=method,
            upload_id=upload_id,
            url=url,
        )


        direct_upload.additional_properties = d
        return direct_upload

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
