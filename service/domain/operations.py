"""One Struct per write operation. Kind-specific ones are built from the kind's content Struct."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Annotated, Any
from uuid import UUID

import msgspec

from service.domain.kinds import FileName, KindSpec
from service.domain.model import (
    Comment,
    KeyName,
    Owners,
    PersonName,
    RequiredTeams,
    Role,
    Slug,
    Subject,
    Tags,
    Team,
    Teams,
    Title,
    VersionNumber,
)


class EntryUpdate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Refused field by field: title, tags, owners and required teams are reviewed with each version, so they change
    only through a new version (`POST .../versions`). Kept so such a request gets a 422 that says so."""

    title: Title | msgspec.UnsetType = msgspec.UNSET
    tags: Tags | msgspec.UnsetType = msgspec.UNSET
    owners: Owners | msgspec.UnsetType = msgspec.UNSET
    required_teams: Teams | msgspec.UnsetType = msgspec.UNSET


class Approve(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    comment: Comment | None = None
    # Needed only from a person in several of the teams still to approve.
    team: Team | None = None


class Reject(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    comment: Annotated[str, msgspec.Meta(min_length=1, max_length=4000, pattern=r"\S")]


class Evaluate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A record (e.g. a lead as the CRM sees it) to test against the definition's criteria."""

    record: dict[str, Any]
    version: VersionNumber | None = None
    as_of: Annotated[str, msgspec.Meta(max_length=64, description="A date or RFC 3339 time (default: now).")] | None = (
        None
    )
    known_at: Annotated[str, msgspec.Meta(max_length=64, description="As Canon had recorded it then.")] | None = None


class KeyCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A key acting as a person (`person`: their subject; role and teams are theirs), or, without `person`, a key
    of its own service principal with `role` (never approver: services do not sign off)."""

    name: KeyName
    person: Subject | None = None
    role: Role | None = None
    team: Team | None = None  # a service's team, for the record
    expires_at: dt.datetime | None = None


class PersonCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    subject: Subject
    name: PersonName
    role: Role = Role.reader
    teams: Teams = msgspec.field(default_factory=list)


class PersonUpdate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Absent fields stay as they are; `active: false` stops every credential of the person at once."""

    name: PersonName | msgspec.UnsetType = msgspec.UNSET
    role: Role | msgspec.UnsetType = msgspec.UNSET
    teams: Teams | msgspec.UnsetType = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET


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
            ("required_teams", RequiredTeams | None, None),
            ("content", spec.input_type, msgspec.field(default_factory=spec.input_type)),
        ],
        kw_only=True,
        forbid_unknown_fields=True,
        module=__name__,
    )


@cache
def version_create_type(spec: KindSpec) -> type[msgspec.Struct]:
    """`DefinitionVersionCreate`: a new draft copied from `from_version` (rollback), or with the given content,
    or else copied from the current version. Title, tags, owners and required teams not given are copied too."""
    return msgspec.defstruct(
        f"{spec.name.capitalize()}VersionCreate",
        [
            ("from_version", VersionNumber | None, None),
            ("content", spec.input_type | None, None),
            ("title", Title | None, None),
            ("tags", Tags | None, None),
            ("owners", Owners | None, None),
            ("required_teams", RequiredTeams | None, None),
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
