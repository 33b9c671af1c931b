"""The shared vocabulary: roles, principals, statuses, kinds and the constrained field types used at every edge."""

from __future__ import annotations

import enum
import re
from typing import Annotated, Literal
from uuid import UUID

import msgspec

Slug = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=100,
        pattern=r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$",
        description="Lower-case letters, digits and inner hyphens; unique within a kind.",
        examples=["mql"],
    ),
]
Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=r"\S", examples=["Marketing Qualified Lead"])]
Team = Annotated[
    str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]*$", examples=["marketing"])
]
Tag = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[^\s,][^,]*$", examples=["funnel"])]
Tags = Annotated[list[Tag], msgspec.Meta(max_length=50)]
Teams = Annotated[list[Team], msgspec.Meta(max_length=20)]
Comment = Annotated[str, msgspec.Meta(max_length=4000)]
VersionNumber = Annotated[int, msgspec.Meta(ge=1, le=1_000_000)]
ShortText = Annotated[str, msgspec.Meta(max_length=2000)]
LongText = Annotated[str, msgspec.Meta(max_length=200_000)]
KeyName = Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=r"\S")]

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")

VersionStatus = Literal["draft", "in_review", "approved", "published", "superseded"]
OPEN_STATUSES: frozenset[str] = frozenset({"draft", "in_review", "approved"})
RELEASED_STATUSES: frozenset[str] = frozenset({"published", "superseded"})


class Role(enum.StrEnum):
    reader = "reader"
    editor = "editor"
    approver = "approver"
    admin = "admin"

    @property
    def rank(self) -> int:
        return _ROLE_RANK[self]

    def includes(self, other: Role) -> bool:
        """Roles are cumulative: an approver can do what an editor can, an admin everything."""
        return self.rank >= other.rank


_ROLE_RANK = {Role.reader: 0, Role.editor: 1, Role.approver: 2, Role.admin: 3}


class Principal(msgspec.Struct, frozen=True):
    """Who is calling: resolved from the API key on every request."""

    name: str
    role: Role
    team: str | None = None
    key_id: UUID | None = None

    def can(self, role: Role) -> bool:
        return self.role.includes(role)

    def sees_unreleased(self) -> bool:
        """Readers see published content only; drafts and reviews are for editors and up."""
        return self.can(Role.editor)
