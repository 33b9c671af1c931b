from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from uuid import UUID


T = TypeVar("T", bound="DirectUploadComplete")


@_attrs_define
class DirectUploadComplete:
    """
        Attributes:
            upload_id (UUID):
     """

    upload_id: UUID


    def to_dict(self) -> dict[str, Any]:
        upload_id = str(self.upload_id)


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "upload_id": upload_id,
        })

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        upload_id = UUID(d.pop("upload_id"))


        direct_upload_complete = cls(
            upload_id=upload_id,
        )

        return direct_upload_complete
