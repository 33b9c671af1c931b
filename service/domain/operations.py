"""One Struct per write operation. A kind's own (`DefinitionCreate`, ...) fill the shared generic shape with its
content Struct, under names the OpenAPI document and generated clients keep."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Generic, TypeVar
from uuid import UUID

import msgspec

from service.domain.instants import Instant
from service.domain.kinds import (
    AssetContentCreate,
    AssetContentPatch,
    DefinitionContent,
    DefinitionContentPatch,
    FileName,
    MessageContent,
    MessageContentPatch,
)
from service.domain.media_types import ACCEPTED_PATTERN
from service.domain.model import (
    NOT_BLANK,
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

CreateT = TypeVar("CreateT", bound="EntryCreate")
VersionCreateT = TypeVar("VersionCreateT", bound="VersionCreate")
PatchT = TypeVar("PatchT", bound=msgspec.Struct)


# An entry's own settings, edited in place (`PATCH /v1/{kind}/{slug}`); everything else is reviewed with a version.
ENTRY_SETTINGS = ("review_window_seconds",)
# An entry's review window in seconds: a minute to a year.
ReviewWindowSeconds = Annotated[int, msgspec.Meta(ge=60, le=31_536_000, examples=[86400])]


class EntryUpdate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """An entry's own settings: `review_window_seconds` (how long each team has to review a version of it before
    reminders; `null`: CANON_REVIEW_WINDOW_SECONDS). Title, tags, owners, required and acknowledging teams are refused
    field by field: they are reviewed with each version, so they change only through a new version (`POST
    .../versions`). Kept so such a request gets a 422 that says so."""

    __json_schema_extra__: ClassVar[dict[str, Any]] = {  # the reviewed fields are refused
        "not": {
            "anyOf": [
                {"required": [name]} for name in ("title", "tags", "owners", "required_teams", "acknowledge_teams")
            ]
        }
    }

    title: Title | msgspec.UnsetType = msgspec.UNSET
    tags: Tags | msgspec.UnsetType = msgspec.UNSET
    owners: Owners | msgspec.UnsetType = msgspec.UNSET
    required_teams: Teams | msgspec.UnsetType = msgspec.UNSET
    acknowledge_teams: Teams | msgspec.UnsetType = msgspec.UNSET
    review_window_seconds: ReviewWindowSeconds | msgspec.UnsetType | None = msgspec.UNSET


class Approve(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    comment: Comment | None = None
    # Needed only from a person in several of the teams still to approve.
    team: Team | None = None


class Reject(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    comment: Annotated[str, msgspec.Meta(min_length=1, max_length=4000, pattern=NOT_BLANK)]


class Evaluate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A record (e.g. a lead as the CRM sees it) to test against the definition's criteria."""

    record: dict[str, Any]
    version: VersionNumber | None = None
    as_of: Instant | None = None  # default: now
    known_at: Instant | None = None  # as Canon had recorded it then


class KeyCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A key acting as a person (`person`: their subject; role and teams are theirs), or, without `person`, a key
    of its own service principal with `role` (never approver: services do not sign off)."""

    name: KeyName
    person: Subject | None = None
    role: Role | None = None
    team: Team | None = None  # a service's team, for the record
    expires_at: dt.datetime | None = None


class PersonCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    # Subjects of service principals and keys are Canon's own (service/usecases/people.py, RESERVED_PREFIXES).
    __json_schema_extra__: ClassVar[dict[str, Any]] = {
        "allOf": [{"properties": {"subject": {"not": {"pattern": "^(service|key):"}}}}]
    }

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


class EntryCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An entry and the content of its first draft; each kind's subclass names its `content` type."""

    slug: Slug
    title: Title
    owners: Owners
    tags: Tags = msgspec.field(default_factory=list)
    required_teams: RequiredTeams | None = None
    # The audience teams whose people must acknowledge the version once it is in effect (none: nobody is asked).
    acknowledge_teams: Teams = msgspec.field(default_factory=list)
    content: msgspec.Struct


class VersionCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new draft copied from `from_version` (rollback), or with the given content, or else copied from the current
    version. Title, tags, owners, required and acknowledging teams not given are copied too. Each kind's subclass
    names its `content` type (spelled out: OpenAPI generation does not resolve a generic base's parameters in a
    subclass)."""

    from_version: VersionNumber | None = None
    content: msgspec.Struct | None = None
    title: Title | None = None
    tags: Tags | None = None
    owners: Owners | None = None
    required_teams: RequiredTeams | None = None
    acknowledge_teams: Teams | None = None


class DefinitionCreate(EntryCreate, kw_only=True, forbid_unknown_fields=True):
    content: DefinitionContent = msgspec.field(default_factory=DefinitionContent)


class DefinitionVersionCreate(VersionCreate, kw_only=True, forbid_unknown_fields=True):
    content: DefinitionContent | None = None


class MessageCreate(EntryCreate, kw_only=True, forbid_unknown_fields=True):
    content: MessageContent = msgspec.field(default_factory=MessageContent)


class MessageVersionCreate(VersionCreate, kw_only=True, forbid_unknown_fields=True):
    content: MessageContent | None = None


class AssetCreate(EntryCreate, kw_only=True, forbid_unknown_fields=True):
    content: AssetContentCreate = msgspec.field(default_factory=AssetContentCreate)


class AssetVersionCreate(VersionCreate, kw_only=True, forbid_unknown_fields=True):
    content: AssetContentCreate | None = None


@dataclass(frozen=True)
class KindInput(Generic[CreateT, VersionCreateT, PatchT]):
    """A kind's request types: create, new version, draft edit."""

    create: type[CreateT]
    new_version: type[VersionCreateT]
    edit: type[PatchT]


DEFINITION_INPUT = KindInput(DefinitionCreate, DefinitionVersionCreate, DefinitionContentPatch)
MESSAGE_INPUT = KindInput(MessageCreate, MessageVersionCreate, MessageContentPatch)
ASSET_INPUT = KindInput(AssetCreate, AssetVersionCreate, AssetContentPatch)


class DirectUploadStart(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Announce a file to upload straight to object storage: its checksum and size are verified on completion."""

    file_name: FileName
    content_type: Annotated[
        str, msgspec.Meta(min_length=1, max_length=200, extra_json_schema={"pattern": ACCEPTED_PATTERN})
    ]
    size: Annotated[int, msgspec.Meta(ge=1)]
    sha256: Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{64}$", description="Lower-case hex SHA-256 of the file")]


class DirectUploadComplete(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    upload_id: UUID
