"""The shared vocabulary: roles, principals, statuses, kinds and the constrained field types used at every edge."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from typing import Annotated
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
# Python's `\s`, spelled out: JSON Schema reads a pattern as ECMA-262, whose `\s` is another set (\x1c-\x1f and \x85
# are not in it, \ufeff is), so a pattern written with it would let clients send what the server refuses.
SPACE = r"\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_BLANK = rf"[^{SPACE}]"  # somewhere in the text: not only spaces
Title = Annotated[
    str, msgspec.Meta(min_length=1, max_length=200, pattern=NOT_BLANK, examples=["Marketing Qualified Lead"])
]
Team = Annotated[
    str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]*$", examples=["marketing"])
]
Tag = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=rf"^[^{SPACE},][^,]*$", examples=["funnel"])]
Tags = Annotated[list[Tag], msgspec.Meta(max_length=50)]
Teams = Annotated[list[Team], msgspec.Meta(max_length=20)]
Comment = Annotated[str, msgspec.Meta(max_length=4000)]
VersionNumber = Annotated[int, msgspec.Meta(ge=1, le=1_000_000)]
ShortText = Annotated[str, msgspec.Meta(max_length=2000)]
LongText = Annotated[str, msgspec.Meta(max_length=200_000)]
KeyName = Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=NOT_BLANK)]
RequiredTeams = Annotated[list[Team], msgspec.Meta(min_length=1, max_length=20)]
Owners = Annotated[list[Team], msgspec.Meta(min_length=1, max_length=20)]
Subject = Annotated[
    str, msgspec.Meta(min_length=3, max_length=254, pattern=rf"^[^{SPACE}:][^{SPACE}]*$", examples=["dana@example.com"])
]
PersonName = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=NOT_BLANK, examples=["Dana Whitfield"])]


SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")


class VersionStatus(enum.StrEnum):
    """Where a version stands in its lifecycle (`service/domain/lifecycle.py`): the text `versions.status` holds.
    SQL names a status through `service/store/statuses.py`, built from these, never by a literal of its own."""

    draft = "draft"
    in_review = "in_review"
    approved = "approved"
    published = "published"
    superseded = "superseded"


# Still being worked on: an entry has at most one such version.
OPEN_STATUSES = frozenset({VersionStatus.draft, VersionStatus.in_review, VersionStatus.approved})
# Submitted for review: awaiting, or holding, the approval of every team it needs.
SUBMITTED_STATUSES = frozenset({VersionStatus.in_review, VersionStatus.approved})
# Released: what readers may see.
RELEASED_STATUSES = frozenset({VersionStatus.published, VersionStatus.superseded})


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


class PrincipalType(enum.StrEnum):
    """A person signs off; a service (an integration) reads and, where its role allows, writes drafts."""

    person = "person"
    service = "service"


class Principal(msgspec.Struct, frozen=True, kw_only=True):
    """Who is calling: the person or service a credential acts as, resolved on every request."""

    subject: str  # unique: a person's email or identity-provider subject, `service:<key name>` for a service
    name: str
    role: Role
    type: PrincipalType = PrincipalType.service
    teams: tuple[str, ...] = ()
    id: UUID | None = None  # the stored principal; None for the bootstrap key, the CLI and the worker
    key_id: UUID | None = None  # the API key presented, if any
    credential: str = "api_key"  # how the caller proved who they are: api_key, oidc, bootstrap, cli, worker, console

    def can(self, role: Role) -> bool:
        return self.role.includes(role)

    def sees_unreleased(self) -> bool:
        """Readers see published content only; drafts and reviews are for editors and up."""
        return self.can(Role.editor)

    @property
    def is_person(self) -> bool:
        return self.type is PrincipalType.person

    def in_any(self, teams: Iterable[str]) -> bool:
        return not set(self.teams).isdisjoint(teams)


class Actor(msgspec.Struct, frozen=True):
    """A principal as events and audit records name it."""

    type: str
    subject: str
    name: str

    @classmethod
    def of(cls, principal: Principal) -> Actor:
        return cls(type=principal.type.value, subject=principal.subject, name=principal.name)
