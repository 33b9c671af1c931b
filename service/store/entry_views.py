"""Read models of entries, rendered to JSON by PostgreSQL.

Published versions never change, so the hot read path does no decoding or re-encoding in Python: one indexed
query returns the finished response body and the revision that becomes its ETag. `tests/integration` decode
every shape here with the response Structs in `service/api/schemas.py`, so the two cannot drift apart.
"""

from __future__ import annotations

import datetime as dt

import msgspec

from service.domain.errors import Gone, NotFound
from service.domain.model import RELEASED_STATUSES
from service.store import statuses
from service.store.citations import stale_citations_sql
from service.store.database import Connection

_APPROVALS = """coalesce((SELECT json_agg(json_build_object('team', a.team, 'approver', a.approver,
        'comment', a.comment, 'approved_at', a.approved_at) ORDER BY a.team)
    FROM approvals a WHERE a.entry_id = v.entry_id AND a.number = v.number), '[]'::json)"""

_PENDING = f"""coalesce((SELECT json_agg(t ORDER BY t) FROM unnest(v.review_teams) t
    WHERE v.status IN {statuses.SUBMITTED}
      AND NOT EXISTS (SELECT 1 FROM approvals a WHERE a.entry_id = v.entry_id AND a.number = v.number
                      AND a.team = t)), '[]'::json)"""


def version_json(before: str | None = None, known_before: str | None = None) -> str:
    """Version row `v` as JSON; its `stale_citations` are those stale at the instant `before` as recorded by
    `known_before` (SQL expressions, None: now; see `service/store/citations.py`)."""
    return f"""json_build_object('number', v.number, 'status', v.status, 'author', v.author,
    'title', v.title, 'tags', v.tags, 'owners', v.owners, 'required_teams', v.required_teams,
    'acknowledge_teams', v.acknowledge_teams, 'review_teams', v.review_teams,
    'based_on', v.based_on, 'review_comment', v.review_comment, 'effective_from', v.effective_from,
    'created_at', v.created_at, 'updated_at', v.updated_at, 'submitted_at', v.submitted_at,
    'published_at', v.published_at, 'superseded_at', v.superseded_at,
    'expires_at', v.expires_at, 'expired', coalesce(v.expires_at <= now(), false),
    'in_effect', v.number IS NOT DISTINCT FROM e.current_version,
    'scheduled', v.status = {statuses.PUBLISHED} AND v.effective_from > now(),
    'approvals', {_APPROVALS}, 'pending_teams', {_PENDING},
    'stale_citations', {stale_citations_sql("v.content -> 'references'", before, known_before)},
    'content', v.content)"""


def _entry_fields_json(f: str) -> str:
    """The entry's fields; `f` is the row holding the reviewed fields shown: the version read (`v`), or in listings
    the entry's copy of the version it is listed under (`e`)."""
    return f"""'id', e.id, 'kind', e.kind, 'slug', e.slug, 'title', {f}.title, 'tags', {f}.tags,
    'owners', {f}.owners, 'required_teams', {f}.required_teams, 'retired', e.retired_at IS NOT NULL,
    'retired_at', e.retired_at, 'current_version', e.current_version, 'latest_version', e.latest_version,
    'created_by', e.created_by, 'created_at', e.created_at, 'updated_at', e.updated_at,
    'review_window_seconds', e.review_window_seconds,
    'upcoming', (SELECT json_build_object('version', u.number, 'effective_at', u.effective_from) FROM versions u
                 WHERE u.entry_id = e.id AND u.status = {statuses.PUBLISHED} AND u.effective_from > now()
                 ORDER BY u.effective_from, u.number LIMIT 1)"""


_ENTRY_VIEW = f"""
SELECT e.revision, e.retired_at, v.status, v.expires_at,
       json_build_object({_entry_fields_json("v")},
                         'version', {version_json("$4::timestamptz", "$5::timestamptz")})::text AS body
FROM entries e
LEFT JOIN versions v ON v.entry_id = e.id AND v.number = CASE
    WHEN $3::int IS NOT NULL THEN $3::int
    WHEN $4::timestamptz IS NOT NULL OR $5::timestamptz IS NOT NULL THEN (
        -- The timeline rule (service/domain/timeline.py): among the versions in effect from before the instant (and
        -- published before `known_at`), the one published last.
        SELECT x.number FROM versions x
        WHERE x.entry_id = e.id AND x.status IN {statuses.RELEASED}
          AND x.effective_from < coalesce($4::timestamptz, now())
          AND ($5::timestamptz IS NULL OR x.published_at < $5::timestamptz)
        ORDER BY x.published_at DESC, x.number DESC LIMIT 1)
    ELSE e.current_version END
WHERE e.kind = $1 AND e.slug = $2"""


class EntryView(msgspec.Struct, frozen=True):
    """A rendered entry: `body` is the JSON response, `revision` its ETag source."""

    body: bytes
    revision: int
    status: str
    expires_at: dt.datetime | None = None


async def entry_view(
    conn: Connection,
    kind: str,
    slug: str,
    *,
    version: int | None = None,
    before: dt.datetime | None = None,
    known_before: dt.datetime | None = None,
    released_only: bool,
) -> EntryView:
    """The entry with one of its versions: `version`, else the one in effect just before `before` (default now) as
    recorded just before `known_before`, else the current one.

    `released_only` hides drafts and reviews (readers see published and superseded versions only).
    """
    row = await conn.fetchrow(_ENTRY_VIEW, kind, slug, version, before, known_before)
    if row is None:
        raise NotFound(f"no {kind} with slug {slug!r}")
    retired_at = row["retired_at"]
    if version is None and before is not None and retired_at is not None and retired_at < before:
        # Retirement is part of the timeline: nothing of the entry is in effect after it.
        raise Gone(f"{kind} {slug!r} was retired at {retired_at.isoformat()}; nothing of it was in effect then")
    status = row["status"]
    if status is None or (released_only and status not in RELEASED_STATUSES):
        raise NotFound(_missing_version(kind, slug, version, before, known_before))
    return EntryView(body=row["body"].encode(), revision=row["revision"], status=status, expires_at=row["expires_at"])


def _missing_version(
    kind: str, slug: str, version: int | None, before: dt.datetime | None, known_before: dt.datetime | None
) -> str:
    if version is not None:
        return f"{kind} {slug!r} has no version {version} visible to this key"
    if known_before is not None:
        at = "now" if before is None else before.isoformat()
        return f"{kind} {slug!r} had, as recorded by {known_before.isoformat()}, no published version in effect at {at}"
    if before is not None:
        return f"{kind} {slug!r} had no published version in effect before {before.isoformat()}"
    return f"{kind} {slug!r} has no published version yet; ask for a specific ?version=N"


_VERSION_LIST = f"""
SELECT v.number, {version_json()}::text AS body FROM versions v JOIN entries e ON e.id = v.entry_id
WHERE v.entry_id = $1 AND v.number < $2 AND (NOT $3 OR v.status IN {statuses.RELEASED})
ORDER BY v.number DESC LIMIT $4"""


async def version_list(
    conn: Connection, entry_id: object, *, below: int, released_only: bool, limit: int
) -> list[tuple[int, bytes]]:
    """Versions newest first, below number `below` (keyset pagination)."""
    rows = await conn.fetch(_VERSION_LIST, entry_id, below, released_only, limit)
    return [(r["number"], r["body"].encode()) for r in rows]


_OPEN_JSON = f"""(SELECT json_build_object('number', o.number, 'status', o.status) FROM versions o
    WHERE o.entry_id = e.id AND o.status IN {statuses.OPEN})"""

# The citations of the version a row is listed under (for readers the one in effect: they see no draft's).
_LISTED_REFERENCES = """(SELECT l.content -> 'references' FROM versions l WHERE l.entry_id = e.id
    AND l.number = CASE WHEN $8 THEN coalesce(e.current_version, e.latest_version) ELSE e.current_version END)"""

_ENTRY_LIST = f"""
SELECT e.slug,
       json_build_object({_entry_fields_json("e")}, 'open_version', CASE WHEN $8 THEN {_OPEN_JSON} END,
                         'stale_citations', {stale_citations_sql(_LISTED_REFERENCES)})::text
       AS body
FROM entries e
WHERE e.kind = $1 AND e.slug > $2
  AND ($3::text IS NULL OR $3 = ANY(e.tags))
  AND ($4::text IS NULL OR $4 = ANY(e.owners) OR $4 = ANY(e.required_teams))
  AND ($5::text IS NULL OR e.slug LIKE $5 || '%' OR lower(e.title) LIKE lower($5) || '%')
  AND CASE $6::text
      WHEN {statuses.PUBLISHED} THEN e.current_version IS NOT NULL AND e.retired_at IS NULL
          AND NOT ($9 AND EXISTS (SELECT 1 FROM versions c WHERE c.entry_id = e.id AND c.number = e.current_version
                                   AND c.expires_at <= now()))
      WHEN 'retired' THEN e.retired_at IS NOT NULL
      WHEN 'any' THEN true
      ELSE EXISTS (SELECT 1 FROM versions o WHERE o.entry_id = e.id AND o.status = $6)
  END
  AND ($10::jsonb IS NULL OR EXISTS (
      SELECT 1 FROM versions l WHERE l.entry_id = e.id
        AND l.number = coalesce(e.current_version, e.latest_version) AND l.content @> $10))
ORDER BY e.slug LIMIT $7"""


async def entry_list(
    conn: Connection,
    kind: str,
    *,
    after_slug: str,
    tag: str | None,
    team: str | None,
    prefix: str | None,
    status: str,
    limit: int,
    show_open_version: bool,
    hide_expired: bool,
    content: dict[str, str] | None = None,
) -> list[tuple[str, bytes]]:
    """Entries by slug; `show_open_version` tells editors which version is in progress (readers never see it);
    `content` keeps those whose listed version (in effect, else the latest) has these content values."""
    like_prefix = None if prefix is None else prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = await conn.fetch(
        _ENTRY_LIST,
        kind,
        after_slug,
        tag,
        team,
        like_prefix,
        status,
        limit,
        show_open_version,
        hide_expired,
        content or None,
    )
    return [(r["slug"], r["body"].encode()) for r in rows]
