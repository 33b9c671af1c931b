"""Response shapes. Entry reads are rendered by PostgreSQL (`service/store/entry_views.py`); these Structs document
them in OpenAPI and the integration tests decode every response with them, strictly, to keep both in step."""

from __future__ import annotations

import datetime as dt
from functools import cache
from uuid import UUID

import msgspec

from service.domain.kinds import KindSpec


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


_ENTRY_FIELDS: list[tuple[str, object]] = [
    ("id", UUID),
    ("kind", str),
    ("slug", str),
    ("title", str),
    ("tags", list[str]),
    ("owners", list[str]),
    ("required_teams", list[str]),
    ("retired", bool),
    ("retired_at", dt.datetime | None),
    ("current_version", int | None),
    ("latest_version", int),
    ("created_by", str),
    ("created_at", dt.datetime),
    ("updated_at", dt.datetime),
    ("upcoming", UpcomingOut | None),
]

_VERSION_FIELDS: list[tuple[str, object]] = [
    ("number", int),
    ("status", str),
    ("author", str),
    ("title", str),
    ("tags", list[str]),
    ("owners", list[str]),
    ("required_teams", list[str]),
    ("review_teams", list[str] | None),
    ("based_on", int | None),
    ("review_comment", str | None),
    ("effective_from", dt.datetime | None),
    ("created_at", dt.datetime),
    ("updated_at", dt.datetime),
    ("submitted_at", dt.datetime | None),
    ("published_at", dt.datetime | None),
    ("superseded_at", dt.datetime | None),
    ("expires_at", dt.datetime | None),
    ("expired", bool),
    ("in_effect", bool),
    ("scheduled", bool),
    ("approvals", list[ApprovalOut]),
    ("pending_teams", list[str]),
]


def _name(spec: KindSpec, suffix: str) -> str:
    return f"{spec.name.capitalize()}{suffix}"


@cache
def version_out(spec: KindSpec) -> type[msgspec.Struct]:
    return msgspec.defstruct(
        _name(spec, "Version"),
        [*_VERSION_FIELDS, ("content", spec.content_type)],
        forbid_unknown_fields=True,
        module=__name__,
    )


@cache
def entry_out(spec: KindSpec) -> type[msgspec.Struct]:
    """An entry with one of its versions: what `GET /v1/{kind}s/{slug}` and every write answer."""
    return msgspec.defstruct(
        _name(spec, ""),
        [*_ENTRY_FIELDS, ("version", version_out(spec))],
        forbid_unknown_fields=True,
        module=__name__,
    )


@cache
def entry_summary_out(spec: KindSpec) -> type[msgspec.Struct]:
    return msgspec.defstruct(
        _name(spec, "Summary"),
        [*_ENTRY_FIELDS, ("open_version", OpenVersionOut | None)],
        forbid_unknown_fields=True,
        module=__name__,
    )


@cache
def entry_list_out(spec: KindSpec) -> type[msgspec.Struct]:
    return msgspec.defstruct(
        _name(spec, "List"),
        [("items", list[entry_summary_out(spec)]), ("next_cursor", str | None)],  # type: ignore[misc]
        module=__name__,
    )


@cache
def version_list_out(spec: KindSpec) -> type[msgspec.Struct]:
    return msgspec.defstruct(
        _name(spec, "VersionList"),
        [("items", list[version_out(spec)]), ("next_cursor", str | None)],  # type: ignore[misc]
        module=__name__,
    )
