"""One Struct per write operation. Kind-specific ones are built from the kind's content Struct."""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any
from uuid import UUID

import msgspec

from service.domain.kinds import FileName, KindSpec
from service.domain.model import Comment, KeyName, Role, Slug, Tags, Team, Teams, Title, VersionNumber

Owners = Annotated[list[Team], msgspec.Meta(min_length=1, max_length=20)]


class EntryUpdate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Edit an entry's own fields (not its versions' content). Absent fields stay as they are."""

    title: Title | msgspec.UnsetType = msgspec.UNSET
    tags: Tags | msgspec.UnsetType = msgspec.UNSET
    owners: Owners | msgspec.UnsetType = msgspec.UNSET
    required_teams: Teams | msgspec.UnsetType = msgspec.UNSET


class Approve(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    comment: Comment | None = None


class Reject(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    comment: Annotated[str, msgspec.Meta(min_length=1, max_length=4000, pattern=r"\S")]


class Evaluate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A record (e.g. a lead as the CRM sees it) to test against the definition's criteria."""

    record: dict[str, Any]
    version: VersionNumber | None = None


class KeyCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    name: KeyName
    role: Role
    team: Team | None = None


@cache
def entry_create_type(spec: KindSpec) -> type[msgspec.Struct]:
    """`DefinitionCreate` and its siblings: the entry's fields plus the content of its first draft."""
    return msgspec.defstruct(
        f"{spec.name.capitalize()}Create",
        [
            ("slug", Slug),
            ("title", Title),
            ("owners", Owners),
            ("tags", Tags, msgspec.field(default_factory=list)),
            ("required_teams", Teams | None, None),
            ("content", spec.input_type, msgspec.field(default_factory=spec.input_type)),
        ],
        kw_only=True,
        forbid_unknown_fields=True,
        module=__name__,
    )


@cache
def version_create_type(spec: KindSpec) -> type[msgspec.Struct]:
    """`DefinitionVersionCreate`: a new draft copied from `from_version` (rollback), or with the given content,
    or else copied from the current version."""
    return msgspec.defstruct(
        f"{spec.name.capitalize()}VersionCreate",
        [
            ("from_version", VersionNumber | None, None),
            ("content", spec.input_type | None, None),
        ],
        kw_only=True,
        forbid_unknown_fields=True,
        module=__name__,
    )


class DirectUploadStart(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Announce a file to upload straight to object storage: its checksum and size are verified on completion."""

    file_name: FileName
    content_type: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    size: Annotated[int, msgspec.Meta(ge=1)]
    sha256: Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{64}$", description="Lower-case hex SHA-256 of the file")]


class DirectUploadComplete(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    upload_id: UUID
