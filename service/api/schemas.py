"""Response shapes. Entry reads are rendered by PostgreSQL (`service/store/entry_views.py`); these Structs document
them in OpenAPI and the integration tests decode every response with them, strictly, to keep both in step."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from uuid import UUID

import msgspec

from service.domain.kinds import (
    ASSET,
    DEFINITION,
    MESSAGE,
    AssetContent,
    DefinitionContent,
    KindSpec,
    MessageContent,
)

EntryT = TypeVar("EntryT", bound=msgspec.Struct)
ListT = TypeVar("ListT", bound=msgspec.Struct)
VersionListT = TypeVar("VersionListT", bound=msgspec.Struct)


class ApprovalOut(msgspec.Struct, forbid_unknown_fields=True):
    team: str
    approver: str
    comment: str | None
    approved_at: dt.datetime


class UpcomingOut(msgspec.Struct, forbid_unknown_fields=True):
    """The next scheduled version and when it takes effect."""

    version: int
    effective_at: dt.datetime


class OpenVersionOut(msgspec.Struct, forbid_unknown_fields=True):
    number: int
    status: str


class StaleCitationOut(msgspec.Struct, forbid_unknown_fields=True):
    """A citation of a version no longer in effect: the entry cited, the version cited, and the version in effect at
    the instant read (now, or `as_of`)."""

    kind: str
    slug: str
    cited_version: int
    current_version: int


class VersionOut(msgspec.Struct, forbid_unknown_fields=True):
    """One version of an entry; each kind's subclass adds its `content`."""

    number: int
    status: str
    author: str
    title: str
    tags: list[str]
    owners: list[str]
    required_teams: list[str]
    acknowledge_teams: list[str]  # people of these teams acknowledge the version once it is in effect
    review_teams: list[str] | None
    based_on: int | None
    review_comment: str | None
    effective_from: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    submitted_at: dt.datetime | None
    published_at: dt.datetime | None
    superseded_at: dt.datetime | None
    expires_at: dt.datetime | None
    expired: bool
    in_effect: bool
    scheduled: bool
    approvals: list[ApprovalOut]
    pending_teams: list[str]
    # Its citations of versions no longer in effect at the instant read (now, or as_of), with the version then in
    # effect: its owners should refresh it.
    stale_citations: list[StaleCitationOut]


class EntryFieldsOut(msgspec.Struct, forbid_unknown_fields=True):
    """What every entry shows of itself, in reads and listings alike."""

    id: UUID
    kind: str
    slug: str
    title: str
    tags: list[str]
    owners: list[str]
    required_teams: list[str]
    retired: bool
    retired_at: dt.datetime | None
    current_version: int | None
    latest_version: int
    created_by: str
    created_at: dt.datetime
    updated_at: dt.datetime
    review_window_seconds: int | None  # the entry's own review window; null: the deployment's
    upcoming: UpcomingOut | None


class EntrySummaryOut(EntryFieldsOut, forbid_unknown_fields=True):
    """An entry in a listing, with its open draft or review if any."""

    open_version: OpenVersionOut | None
    stale_citations: list[StaleCitationOut]  # of the version listed, now


# Each kind's types by name: the names are those of the OpenAPI document and of generated clients. They are spelled
# out rather than generic: OpenAPI generation does not resolve a generic base's parameters in a subclass.
class DefinitionVersion(VersionOut, forbid_unknown_fields=True):
    content: DefinitionContent


class Definition(EntryFieldsOut, forbid_unknown_fields=True):
    """A definition with one of its versions: what a read and every write answer."""

    version: DefinitionVersion


class DefinitionSummary(EntrySummaryOut, forbid_unknown_fields=True):
    pass


class DefinitionList(msgspec.Struct):
    items: list[DefinitionSummary]
    next_cursor: str | None


class DefinitionVersionList(msgspec.Struct):
    items: list[DefinitionVersion]
    next_cursor: str | None


class MessageVersion(VersionOut, forbid_unknown_fields=True):
    content: MessageContent


class Message(EntryFieldsOut, forbid_unknown_fields=True):
    """A message with one of its versions: what a read and every write answer."""

    version: MessageVersion


class MessageSummary(EntrySummaryOut, forbid_unknown_fields=True):
    pass


class MessageList(msgspec.Struct):
    items: list[MessageSummary]
    next_cursor: str | None


class MessageVersionList(msgspec.Struct):
    items: list[MessageVersion]
    next_cursor: str | None


class AssetVersion(VersionOut, forbid_unknown_fields=True):
    content: AssetContent


class Asset(EntryFieldsOut, forbid_unknown_fields=True):
    """A asset with one of its versions: what a read and every write answer."""

    version: AssetVersion


class AssetSummary(EntrySummaryOut, forbid_unknown_fields=True):
    pass


class AssetList(msgspec.Struct):
    items: list[AssetSummary]
    next_cursor: str | None


class AssetVersionList(msgspec.Struct):
    items: list[AssetVersion]
    next_cursor: str | None


@dataclass(frozen=True)
class KindOut(Generic[EntryT, ListT, VersionListT]):
    """A kind's response types."""

    entry: type[EntryT]
    entries: type[ListT]
    versions: type[VersionListT]


DEFINITION_OUT = KindOut(Definition, DefinitionList, DefinitionVersionList)
MESSAGE_OUT = KindOut(Message, MessageList, MessageVersionList)
ASSET_OUT = KindOut(Asset, AssetList, AssetVersionList)
_OUT: dict[str, KindOut[Any, Any, Any]] = {
    DEFINITION.name: DEFINITION_OUT,
    MESSAGE.name: MESSAGE_OUT,
    ASSET.name: ASSET_OUT,
}


def entry_out(spec: KindSpec) -> type[EntryFieldsOut]:
    """The type of an entry of this kind as the API answers it (tests decode responses with it, strictly)."""
    return _OUT[spec.name].entry


def entry_list_out(spec: KindSpec) -> type[msgspec.Struct]:
    return _OUT[spec.name].entries


def version_list_out(spec: KindSpec) -> type[msgspec.Struct]:
    return _OUT[spec.name].versions
