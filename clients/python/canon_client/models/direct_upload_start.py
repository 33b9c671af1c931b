from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset


T = TypeVar("T", bound="DirectUploadStart")


@_attrs_define
class DirectUploadStart:
    """ Announce a file to upload straight to object storage: its checksum and size are verified on completion.

        Attributes:
            content_type (str):
            file_name (str):
            sha256 (str): Lower-case hex SHA-256 of the file
            size (int):
     """

    content_type: str
    file_name: str
    sha256: str
    size: int


    def to_dict(self) -> dict[str, Any]:
        content_type = self.content_type

        file_name = self.file_name

        sha256 = self.sha256

        size = self.size


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "content_type": content_type,
            "file_name": file_name,
            "sha256": sha256,
            "size": size,
        })

        return field_dict


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        content_type = d.pop("content_type")

        file_name = d.pop("file_name")

        sha256 = d.pop("sha256")

        size = d.pop("size")

        direct_upload_start = cls(
            content_type=content_type,
            file_name=file_name,
            sha256=sha256,
            size=size,
        )

        return direct_upload_start
