"""Kind-specific content. Every kind shares the entry/version/approval core; only its content Struct differs.

A kind is described once by a `KindSpec`; the HTTP routes, the repository and the events are generic over it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import msgspec

from service.domain import criteria as criteria_rules
from service.domain.errors import FieldError
from service.domain.model import LongText, ShortText, Slug


class DefinitionContent(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """What a definition version says: prose for people, criteria for machines."""

    summary: ShortText = ""
    body: LongText = ""
    aliases: list[ShortText] = msgspec.field(default_factory=list)
    examples: list[ShortText] = msgspec.field(default_factory=list)
    related: list[Slug] = msgspec.field(default_factory=list)
    effective_date: dt.date | None = None
    criteria: dict[str, Any] | None = None


class DefinitionContentPatch(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A partial edit of a draft: absent fields stay as they are, `null` clears the nullable ones."""

    summary: ShortText | msgspec.UnsetType = msgspec.UNSET
    body: LongText | msgspec.UnsetType = msgspec.UNSET
    aliases: list[ShortText] | msgspec.UnsetType = msgspec.UNSET
    examples: list[ShortText] | msgspec.UnsetType = msgspec.UNSET
    related: list[Slug] | msgspec.UnsetType = msgspec.UNSET
    effective_date: dt.date | msgspec.UnsetType | None = msgspec.UNSET
    criteria: dict[str, Any] | msgspec.UnsetType | None = msgspec.UNSET


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


@dataclass(frozen=True)
class KindSpec:
    """How one kind of entry differs from the others."""

    name: str  # "definition": used in events and the database
    plural: str  # "definitions": the collection path
    content_type: type[msgspec.Struct]
    patch_type: type[msgspec.Struct]
    validate: Callable[[Any, str], list[FieldError]]
    effective_date_field: str | None = None

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

KINDS: dict[str, KindSpec] = {DEFINITION.name: DEFINITION}


def apply_patch(content: msgspec.Struct, patch: msgspec.Struct) -> msgspec.Struct:
    """The content with every field the patch sets replaced."""
    changes = {
        field: value for field in patch.__struct_fields__ if (value := getattr(patch, field)) is not msgspec.UNSET
    }
    return msgspec.structs.replace(content, **changes)
