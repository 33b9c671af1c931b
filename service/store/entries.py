"""SQL for the entry aggregate: entries, their versions and approvals. The only module that writes those tables."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

import asyncpg
import msgspec

from service.domain.errors import Conflict, NotFound
from service.domain.lifecycle import Approval
from service.store import statuses
from service.store.database import Connection


class EntryRecord(msgspec.Struct, frozen=True):
    """An entry's identity, retirement and version pointers. `title`, `tags`, `owners` and `required_teams` are
    those of the version it is listed under (current, else latest), kept in step by `update_entry`."""

    id: UUID
    kind: str
    slug: str
    title: str
    tags: list[str]
    owners: list[str]
    required_teams: list[str]
    retired_at: dt.datetime | None
    current_version: int | None
    latest_version: int
    revision: int
    created_by: str
    review_window_seconds: int | None = None  # the entry's own review window; None: CANON_REVIEW_WINDOW_SECONDS

    @property
    def retired(self) -> bool:
        return self.retired_at is not None


class VersionFields(msgspec.Struct, frozen=True, kw_only=True):
    """What is reviewed beside a version's content."""

    title: str
    tags: list[str]
    owners: list[str]
    required_teams: list[str]
    acknowledge_teams: list[str] = msgspec.field(default_factory=list)  # who must acknowledge it once in effect


def reviewed(fields: VersionFields, content: dict[str, Any]) -> dict[str, Any]:
    """Everything a reviewer signs off, as one JSON object: the reviewed fields beside the content's."""
    values: dict[str, Any] = msgspec.to_builtins(fields)
    return {**values, **content}


class VersionRecord(VersionFields, frozen=True, kw_only=True):
    number: int
    status: str
    content: dict[str, Any]
    author: str
    author_key: UUID | None
    author_id: UUID | None
    editor_ids: list[UUID]
    based_on: int | None
    review_teams: list[str] | None
    published_at: dt.datetime | None
    effective_from: dt.datetime | None  # its effective instant, once published

    @property
    def fields(self) -> VersionFields:
        return VersionFields(
            title=self.title,
            tags=self.tags,
            owners=self.owners,
            required_teams=self.required_teams,
            acknowledge_teams=self.acknowledge_teams,
        )

    @property
    def reviewed(self) -> dict[str, Any]:
        return reviewed(self.fields, self.content)

    @property
    def contributors(self) -> set[UUID]:
        """Everyone who wrote or edited this version: none of them may approve it."""
        return {*self.editor_ids, *([self.author_id] if self.author_id else [])}


_ENTRY_COLUMNS = (
    "id, kind, slug, title, tags, owners, required_teams, retired_at, current_version, latest_version, "
    "revision, created_by, review_window_seconds"
)
_VERSION_COLUMNS = (
    "number, status, content, author, author_key, author_id, editor_ids, based_on, review_teams, "
    "title, tags, owners, required_teams, acknowledge_teams, published_at, effective_from"
)


def _entry(row: asyncpg.Record) -> EntryRecord:
    return EntryRecord(**dict(row))


def _version(row: asyncpg.Record) -> VersionRecord:
    return VersionRecord(**dict(row))


async def insert_entry(
    conn: Connection,
    *,
    entry_id: UUID,
    kind: str,
    slug: str,
    title: str,
    tags: list[str],
    owners: list[str],
    required_teams: list[str],
    created_by: str,
) -> EntryRecord:
    try:
        row = await conn.fetchrow(
            f"""INSERT INTO entries (id, kind, slug, title, tags, owners, required_teams, created_by, latest_version)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1) RETURNING {_ENTRY_COLUMNS}""",
            entry_id,
            kind,
            slug,
            title,
            tags,
            owners,
            required_teams,
            created_by,
        )
    except asyncpg.UniqueViolationError:
        raise Conflict(f"a {kind} with slug {slug!r} already exists") from None
    assert row is not None
    return _entry(row)


async def lock_entry(conn: Connection, kind: str, slug: str) -> EntryRecord:
    """The entry, row-locked until the transaction ends: every write to an entry or its versions goes through here."""
    row = await conn.fetchrow(
        f"SELECT {_ENTRY_COLUMNS} FROM entries WHERE kind = $1 AND slug = $2 FOR UPDATE", kind, slug
    )
    if row is None:
        raise NotFound(f"no {kind} with slug {slug!r}")
    return _entry(row)


async def find_entry(conn: Connection, kind: str, slug: str) -> EntryRecord:
    found = await find_entry_or_none(conn, kind, slug)
    if found is None:
        raise NotFound(f"no {kind} with slug {slug!r}")
    return found


async def find_entry_or_none(conn: Connection, kind: str, slug: str) -> EntryRecord | None:
    row = await conn.fetchrow(f"SELECT {_ENTRY_COLUMNS} FROM entries WHERE kind = $1 AND slug = $2", kind, slug)
    return None if row is None else _entry(row)


async def update_entry(conn: Connection, entry_id: UUID, **fields: object) -> EntryRecord:
    """Set the given columns, bump the revision (so every ETag changes), bring the listed fields in step with the
    version the entry is now listed under (current, else latest), and return the new row."""
    assignments = [f"{name} = ${index}" for index, name in enumerate(fields, start=2)]
    current = f"${list(fields).index('current_version') + 2}::int" if "current_version" in fields else "current_version"
    latest = f"${list(fields).index('latest_version') + 2}::int" if "latest_version" in fields else "latest_version"
    assignments += [
        "revision = revision + 1",
        "updated_at = now()",
        f"""(title, tags, owners, required_teams) = (
            SELECT v.title, v.tags, v.owners, v.required_teams FROM versions v
            WHERE v.entry_id = $1 AND v.number = coalesce({current}, {latest}))""",
    ]
    row = await conn.fetchrow(
        f"UPDATE entries SET {', '.join(assignments)} WHERE id = $1 RETURNING {_ENTRY_COLUMNS}",
        entry_id,
        *fields.values(),
    )
    assert row is not None
    return _entry(row)


async def get_version(conn: Connection, entry: EntryRecord, number: int) -> VersionRecord:
    row = await conn.fetchrow(
        f"SELECT {_VERSION_COLUMNS} FROM versions WHERE entry_id = $1 AND number = $2", entry.id, number
    )
    if row is None:
        raise NotFound(f"{entry.kind} {entry.slug!r} has no version {number}")
    return _version(row)


async def open_version(conn: Connection, entry_id: UUID) -> VersionRecord | None:
    row = await conn.fetchrow(
        f"SELECT {_VERSION_COLUMNS} FROM versions WHERE entry_id = $1 AND status IN {statuses.OPEN}",
        entry_id,
    )
    return None if row is None else _version(row)


async def insert_version(
    conn: Connection,
    *,
    entry_id: UUID,
    number: int,
    fields: VersionFields,
    content: dict[str, Any],
    author: str,
    author_key: UUID | None,
    author_id: UUID | None,
    based_on: int | None,
) -> None:
    await conn.execute(
        f"""INSERT INTO versions (entry_id, number, status, content, author, author_key, author_id, based_on,
                                 expires_at, title, tags, owners, required_teams, acknowledge_teams)
           VALUES ($1, $2, {statuses.DRAFT}, $3, $4, $5, $6, $7, ($3::jsonb ->> 'expires_at')::timestamptz,
                   $8, $9, $10, $11, $12)""",
        entry_id,
        number,
        content,
        author,
        author_key,
        author_id,
        based_on,
        fields.title,
        fields.tags,
        fields.owners,
        fields.required_teams,
        fields.acknowledge_teams,
    )


async def set_draft(
    conn: Connection,
    entry_id: UUID,
    number: int,
    *,
    fields: VersionFields,
    content: dict[str, Any],
    editor_id: UUID | None,
) -> None:
    """Replace a draft's fields and content, remembering who edited it (they may not approve it)."""
    await conn.execute(
        """UPDATE versions SET content = $3, updated_at = now(), expires_at = ($3::jsonb ->> 'expires_at')::timestamptz,
                  title = $4, tags = $5, owners = $6, required_teams = $7, acknowledge_teams = $9,
                  editor_ids = CASE WHEN $8::uuid IS NULL OR $8::uuid = ANY(editor_ids) THEN editor_ids
                                    ELSE editor_ids || $8::uuid END
           WHERE entry_id = $1 AND number = $2""",
        entry_id,
        number,
        content,
        fields.title,
        fields.tags,
        fields.owners,
        fields.required_teams,
        editor_id,
        fields.acknowledge_teams,
    )


async def set_content(conn: Connection, entry_id: UUID, number: int, content: dict[str, Any]) -> None:
    """The upload's file facts: a change the service makes to a draft, not an editor's edit."""
    await conn.execute(
        """UPDATE versions SET content = $3, updated_at = now(), expires_at = ($3::jsonb ->> 'expires_at')::timestamptz
           WHERE entry_id = $1 AND number = $2""",
        entry_id,
        number,
        content,
    )


async def add_editor(conn: Connection, entry_id: UUID, number: int, editor_id: UUID | None) -> None:
    """Remember who changed a draft (e.g. by uploading its file): they may not approve it."""
    await conn.execute(
        """UPDATE versions SET editor_ids = editor_ids || $3::uuid
           WHERE entry_id = $1 AND number = $2 AND $3::uuid IS NOT NULL AND NOT $3::uuid = ANY(editor_ids)""",
        entry_id,
        number,
        editor_id,
    )


async def set_review_teams(conn: Connection, entry_id: UUID, number: int, teams: list[str] | None) -> None:
    await conn.execute(
        "UPDATE versions SET review_teams = $3 WHERE entry_id = $1 AND number = $2", entry_id, number, teams
    )


async def set_status(
    conn: Connection, entry_id: UUID, number: int, status: str, *, review_comment: str | None = None
) -> None:
    """Move a version to `status`, stamping the time of the step it takes."""
    await conn.execute(
        f"""UPDATE versions SET status = $3, updated_at = now(),
                  review_comment = CASE WHEN $3 = {statuses.DRAFT} THEN $4 ELSE review_comment END,
                  submitted_at = CASE WHEN $3 IN {statuses.SUBMITTED} AND submitted_at IS NULL
                                      THEN now() ELSE submitted_at END
           WHERE entry_id = $1 AND number = $2""",
        entry_id,
        number,
        status,
        review_comment,
    )


async def mark_published(conn: Connection, entry_id: UUID, number: int, effective_date: dt.date | None) -> dt.datetime:
    """Release version `number` now, in effect from `effective_date` (00:00 UTC; in the past too) or from now; return
    its effective instant. Which version is current follows from the timeline (`service/store/timeline.py`)."""
    effective: dt.datetime = await conn.fetchval(
        f"""UPDATE versions SET status = {statuses.PUBLISHED}, published_at = now(), updated_at = now(),
                  effective_from = coalesce($3::date::timestamp AT TIME ZONE 'UTC', now())
           WHERE entry_id = $1 AND number = $2 RETURNING effective_from""",
        entry_id,
        number,
        effective_date,
    )
    return effective


async def approvals(conn: Connection, entry_id: UUID, number: int) -> list[Approval]:
    rows = await conn.fetch(
        "SELECT team, approver_id FROM approvals WHERE entry_id = $1 AND number = $2", entry_id, number
    )
    return [Approval(team=r["team"], approver_id=r["approver_id"]) for r in rows]


async def approved_teams(conn: Connection, entry_id: UUID, number: int) -> list[str]:
    return [a.team for a in await approvals(conn, entry_id, number)]


class ApprovalBy(msgspec.Struct, frozen=True):
    """An approval given, with the approver's name as people know them now (their subject if they are gone)."""

    team: str
    approver: str
    name: str


async def approvals_by(conn: Connection, entry_id: UUID, number: int) -> list[ApprovalBy]:
    """The approvals of a version in the order they were given, with the approvers' names."""
    rows = await conn.fetch(
        """SELECT a.team, a.approver, coalesce(p.name, a.approver) AS name
           FROM approvals a LEFT JOIN principals p ON p.id = a.approver_id
           WHERE a.entry_id = $1 AND a.number = $2 ORDER BY a.approved_at, a.team""",
        entry_id,
        number,
    )
    return [ApprovalBy(**dict(r)) for r in rows]


async def add_approval(
    conn: Connection,
    entry_id: UUID,
    number: int,
    *,
    team: str,
    approver: str,
    approver_id: UUID | None,
    key: UUID | None,
    comment: str | None,
) -> None:
    try:
        await conn.execute(
            """INSERT INTO approvals (entry_id, number, team, approver, approver_id, approver_key, comment)
               VALUES ($1, $2, $3, $4, $5, $6, $7)""",
            entry_id,
            number,
            team,
            approver,
            approver_id,
            key,
            comment,
        )
    except asyncpg.UniqueViolationError:  # the entry row lock makes this a race lost to the same person or team
        raise Conflict(f"version {number} already has this approval") from None


async def clear_approvals(conn: Connection, entry_id: UUID, number: int) -> None:
    await conn.execute("DELETE FROM approvals WHERE entry_id = $1 AND number = $2", entry_id, number)


async def version_rows(conn: Connection, entry_id: UUID, numbers: list[int]) -> dict[int, VersionRecord]:
    rows = await conn.fetch(
        f"SELECT {_VERSION_COLUMNS} FROM versions WHERE entry_id = $1 AND number = ANY($2::int[])", entry_id, numbers
    )
    return {r["number"]: _version(r) for r in rows}


class CitedVersion(msgspec.Struct, frozen=True):
    """What a citation resolves to: `version` None means the entry does not exist or has nothing to cite."""

    kind: str
    slug: str
    exists: bool
    version: int | None
    status: str | None


async def resolve_citations(conn: Connection, citations: list[tuple[str, str, int | None]]) -> list[CitedVersion]:
    """For each (kind, slug, version or None for current), the version it names, in order."""
    rows = await conn.fetch(
        """SELECT r.kind, r.slug, e.id IS NOT NULL AS exists, v.number AS version, v.status
           FROM unnest($1::text[], $2::text[], $3::int[]) WITH ORDINALITY AS r(kind, slug, version, ord)
           LEFT JOIN entries e ON e.kind = r.kind AND e.slug = r.slug
           LEFT JOIN versions v ON v.entry_id = e.id AND v.number = coalesce(r.version, e.current_version)
           ORDER BY r.ord""",
        [c[0] for c in citations],
        [c[1] for c in citations],
        [c[2] for c in citations],
    )
    return [CitedVersion(**dict(r)) for r in rows]


class Dependent(msgspec.Struct, frozen=True):
    """An entry whose version cites another entry's version."""

    kind: str
    slug: str
    title: str
    version: int
    status: str
    cited_version: int


async def dependents(
    conn: Connection,
    kind: str,
    slug: str,
    *,
    limit: int,
    before: dt.datetime | None = None,
    known_before: dt.datetime | None = None,
) -> list[Dependent]:
    """Entries whose current version (or latest, if never published) cites `kind`/`slug`, oldest citation first.
    With `before` (and `known_before`): whose version in effect just before then, as recorded by then, cites it
    (the timeline rule, as in `entry_views`), among entries not retired by then. An asset whose version had expired
    by then (now, or just before `before`) is no live dependent and is left out."""
    rows = await conn.fetch(
        f"""SELECT e.kind, e.slug, v.title, v.number AS version, v.status, (ref ->> 'version')::int AS cited_version
           FROM entries e
           JOIN versions v ON v.entry_id = e.id AND v.number = CASE
               WHEN $4::timestamptz IS NULL AND $5::timestamptz IS NULL
                   THEN coalesce(e.current_version, e.latest_version)
               ELSE (SELECT x.number FROM versions x
                     WHERE x.entry_id = e.id AND x.status IN {statuses.RELEASED}
                       AND x.effective_from < coalesce($4::timestamptz, now())
                       AND ($5::timestamptz IS NULL OR x.published_at < $5::timestamptz)
                     ORDER BY x.published_at DESC, x.number DESC LIMIT 1) END
           CROSS JOIN LATERAL jsonb_array_elements(v.content -> 'references') ref
           WHERE (v.content -> 'references')
                 @> jsonb_build_array(jsonb_build_object('kind', $1::text, 'slug', $2::text))
             AND ref ->> 'kind' = $1 AND ref ->> 'slug' = $2
             AND (e.retired_at IS NULL OR ($4::timestamptz IS NOT NULL AND e.retired_at >= $4::timestamptz))
             AND NOT coalesce(CASE WHEN $4::timestamptz IS NULL THEN v.expires_at <= now()
                                   ELSE v.expires_at < $4::timestamptz END, false)
           ORDER BY (ref ->> 'version')::int, e.kind, e.slug
           LIMIT $3""",
        kind,
        slug,
        limit,
        before,
        known_before,
    )
    return [Dependent(**dict(r)) for r in rows]
