"""Kind-specific content. Every kind shares the entry/version/approval core; only its content Struct differs.

A kind is described once by a `KindSpec`; the HTTP routes, the repository and the events are generic over it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import msgspec

from service.domain import criteria as criteria_rules
from service.domain.errors import FieldError
from service.domain.model import LongText, Owners, RequiredTeams, ShortText, Slug, Tags, Teams, Title, VersionNumber


class VersionFieldsPatch(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The reviewed fields beside the content, editable in a draft like its content."""

    title: Title | msgspec.UnsetType = msgspec.UNSET
    tags: Tags | msgspec.UnsetType = msgspec.UNSET
    owners: Owners | msgspec.UnsetType = msgspec.UNSET
    required_teams: RequiredTeams | msgspec.UnsetType = msgspec.UNSET
    acknowledge_teams: Teams | msgspec.UnsetType = msgspec.UNSET  # an empty list: nobody is asked to acknowledge


VERSION_FIELDS = tuple(VersionFieldsPatch.__struct_fields__)


# A rule tree, decoded as JSON and checked by `criteria_rules.validate_criteria` (pointers to each fault). Its schema in
# the OpenAPI document is the `Criteria` component, the grammar of service/domain/criteria_schema.py.
Criteria = Annotated[
    dict[str, Any],
    msgspec.Meta(
        description="A qualification rule tree (docs/api.md, Criteria); also schemas/criteria.json.",
        extra_json_schema={"$ref": "#/components/schemas/Criteria"},
    ),
]


class DefinitionContent(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """What a definition version says: prose for people, criteria for machines."""

    summary: ShortText = ""
    body: LongText = ""
    aliases: list[ShortText] = msgspec.field(default_factory=list)
    examples: list[ShortText] = msgspec.field(default_factory=list)
    related: list[Slug] = msgspec.field(default_factory=list)
    effective_date: dt.date | None = None
    criteria: Criteria | None = None


class DefinitionContentPatch(VersionFieldsPatch, forbid_unknown_fields=True, kw_only=True):
    """A partial edit of a draft: absent fields stay as they are, `null` clears the nullable ones."""

    summary: ShortText | msgspec.UnsetType = msgspec.UNSET
    body: LongText | msgspec.UnsetType = msgspec.UNSET
    aliases: list[ShortText] | msgspec.UnsetType = msgspec.UNSET
    examples: list[ShortText] | msgspec.UnsetType = msgspec.UNSET
    related: list[Slug] | msgspec.UnsetType = msgspec.UNSET
    effective_date: dt.date | msgspec.UnsetType | None = msgspec.UNSET
    criteria: Criteria | msgspec.UnsetType | None = msgspec.UNSET


def validate_definition(content: DefinitionContent, pointer: str) -> list[FieldError]:
    errors: list[FieldError] = []
    if content.criteria is not None:
        errors.extend(criteria_rules.validate_criteria(content.criteria, f"{pointer}/criteria"))
    errors.extend(_duplicates(content.aliases, f"{pointer}/aliases", casefold=True))
    return errors


def _duplicates(values: list[str], pointer: str, *, casefold: bool) -> list[FieldError]:
    seen: set[str] = set()
    errors = []
    for index, value in enumerate(values):
        key = value.casefold() if casefold else value
        if key in seen:
            errors.append(FieldError(f"{pointer}/{index}", f"duplicate value {value!r}"))
        seen.add(key)
    return errors


EntryKind = Literal["definition", "message", "asset"]
Locale = Annotated[
    str, msgspec.Meta(pattern=r"^[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|\d{3}))?$", examples=["en-US"])
]
Label = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
FILE_NAME_PATTERN = r"^[^/\\\x00-\x1f]+$"  # no path separators, no control characters
FileName = Annotated[str, msgspec.Meta(min_length=1, max_length=255, pattern=FILE_NAME_PATTERN)]
MessageType = Literal["positioning", "value_proposition", "talk_track", "objection_handling", "other"]
MAX_REFERENCES = 50


class Reference(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """A citation of another entry's version. Without `version`, the write cites the current published one."""

    kind: EntryKind = "definition"
    slug: Slug
    version: VersionNumber | None = None


References = Annotated[list[Reference], msgspec.Meta(max_length=MAX_REFERENCES)]


class MessageContent(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Approved wording: positioning, value propositions, talk tracks, objection handling."""

    message_type: MessageType = "other"
    body: LongText = ""
    audience: Label | None = None
    segment: Label | None = None
    channel: Label | None = None
    locale: Locale = "en"
    references: References = msgspec.field(default_factory=list)


class MessageContentPatch(VersionFieldsPatch, forbid_unknown_fields=True, kw_only=True):
    message_type: MessageType | msgspec.UnsetType = msgspec.UNSET
    body: LongText | msgspec.UnsetType = msgspec.UNSET
    audience: Label | msgspec.UnsetType | None = msgspec.UNSET
    segment: Label | msgspec.UnsetType | None = msgspec.UNSET
    channel: Label | msgspec.UnsetType | None = msgspec.UNSET
    locale: Locale | msgspec.UnsetType = msgspec.UNSET
    references: References | msgspec.UnsetType = msgspec.UNSET


class AssetContent(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A file and what it is. The file facts (type, size, digest) are set by the upload, never by hand."""

    description: ShortText = ""
    file_name: FileName | None = None
    content_type: str | None = None
    size: int | None = None
    sha256: str | None = None
    expires_at: dt.datetime | None = None
    references: References = msgspec.field(default_factory=list)


class AssetContentCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """What a client may say about an asset; the file itself is uploaded to the version afterwards."""

    description: ShortText = ""
    file_name: FileName | None = None
    expires_at: dt.datetime | None = None
    references: References = msgspec.field(default_factory=list)


class AssetContentPatch(VersionFieldsPatch, forbid_unknown_fields=True, kw_only=True):
    description: ShortText | msgspec.UnsetType = msgspec.UNSET
    file_name: FileName | msgspec.UnsetType = msgspec.UNSET
    expires_at: dt.datetime | msgspec.UnsetType | None = msgspec.UNSET
    references: References | msgspec.UnsetType = msgspec.UNSET


def validate_message(content: MessageContent, pointer: str) -> list[FieldError]:
    return _duplicate_references(content.references, f"{pointer}/references")


def validate_asset(content: AssetContent, pointer: str) -> list[FieldError]:
    errors = _duplicate_references(content.references, f"{pointer}/references")
    if content.expires_at is not None and content.expires_at.tzinfo is None:
        errors.append(FieldError(f"{pointer}/expires_at", "give a time zone offset, e.g. 2027-01-31T00:00:00Z"))
    return errors


def _duplicate_references(references: list[Reference], pointer: str) -> list[FieldError]:
    return _duplicates([f"{r.kind}:{r.slug}" for r in references], pointer, casefold=False)


def asset_unpublishable(content: dict[str, Any]) -> str | None:
    return None if content.get("sha256") else "upload the file first"


@dataclass(frozen=True)
class KindSpec:
    """How one kind of entry differs from the others."""

    name: str  # "definition": used in events and the database
    plural: str  # "definitions": the collection path
    content_type: type[msgspec.Struct]
    patch_type: type[msgspec.Struct]
    validate: Callable[[Any, str], list[FieldError]]
    effective_date_field: str | None = None
    # The Struct clients send when creating; the stored content Struct when None.
    create_type: type[msgspec.Struct] | None = None
    # Why a version's content is not complete yet (None: it is): it can then be neither submitted nor published.
    unpublishable: Callable[[dict[str, Any]], str | None] = lambda _content: None
    cites: bool = False  # its content has `references` to other entries' versions
    expires: bool = False  # its content has `expires_at`

    @property
    def input_type(self) -> type[msgspec.Struct]:
        return self.create_type or self.content_type

    @property
    def path(self) -> str:
        return f"/v1/{self.plural}"


DEFINITION = KindSpec(
    name="definition",
    plural="definitions",
    content_type=DefinitionContent,
    patch_type=DefinitionContentPatch,
    validate=validate_definition,
    effective_date_field="effective_date",
)

MESSAGE = KindSpec(
    name="message",
    plural="messages",
    content_type=MessageContent,
    patch_type=MessageContentPatch,
    validate=validate_message,
    cites=True,
)

ASSET = KindSpec(
    name="asset",
    plural="assets",
    content_type=AssetContent,
    patch_type=AssetContentPatch,
    create_type=AssetContentCreate,
    validate=validate_asset,
    unpublishable=asset_unpublishable,
    cites=True,
    expires=True,
)

KINDS: dict[str, KindSpec] = {spec.name: spec for spec in (DEFINITION, MESSAGE, ASSET)}


def apply_patch(content: msgspec.Struct, patch: msgspec.Struct) -> msgspec.Struct:
    """The content with every content field the patch sets replaced (the version's own fields are not content)."""
    changes = {
        field: value
        for field in patch.__struct_fields__
        if field not in VERSION_FIELDS and (value := getattr(patch, field)) is not msgspec.UNSET
    }
    return msgspec.structs.replace(content, **changes)
