from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset


T = TypeVar("T", bound="DirectUploadStart")


@_attrs_define
class DirectUploadStart:
    """
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
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)


    def to_dict(self) -> dict[str, Any]:
        content_type = self.content_type

        file_name = self.file_name

        sha256 = self.sha256

        size = self.size


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
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


        direct_upload_start.additional_properties = d
        return direct_upload_start

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
