"""SQL for acknowledgements of versions in effect, and the reminders naming people who have not acknowledged."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

import msgspec

from service.domain.acknowledgements import Member
from service.domain.events import Addressee
from service.domain.model import PrincipalType
from service.store import statuses
from service.store.database import Connection


class AcknowledgementRecord(msgspec.Struct, frozen=True):
    teams: list[str]
    acknowledged_at: dt.datetime


async def add(
    conn: Connection, entry_id: UUID, number: int, *, person_id: UUID, teams: list[str], key_id: UUID | None
) -> tuple[AcknowledgementRecord, bool]:
    """Record the person's acknowledgement once; return it and whether this call created it (False: it was there)."""
    row = await conn.fetchrow(
        """INSERT INTO acknowledgements (entry_id, number, person_id, teams, key_id) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (entry_id, number, person_id) DO NOTHING
           RETURNING teams, acknowledged_at""",
        entry_id,
        number,
        person_id,
        teams,
        key_id,
    )
    if row is not None:
        return AcknowledgementRecord(**dict(row)), True
    row = await conn.fetchrow(
        "SELECT teams, acknowledged_at FROM acknowledgements WHERE entry_id = $1 AND number = $2 AND person_id = $3",
        entry_id,
        number,
        person_id,
    )
    assert row is not None  # the conflicting row is committed: acknowledgements are never deleted
    return AcknowledgementRecord(**dict(row)), False


_PERSON = f"'{PrincipalType.person.value}'"  # a constant of Canon's, never a caller's value

# The active people of the addressed teams, each once with their addressed teams, and when they acknowledged.
_ADDRESSED = f"""
SELECT p.subject, p.name,
       ARRAY(SELECT t FROM unnest(p.teams) t WHERE t = ANY($3::text[]) ORDER BY t) AS teams,
       a.acknowledged_at
FROM principals p
LEFT JOIN acknowledgements a ON a.entry_id = $1 AND a.number = $2 AND a.person_id = p.id
WHERE p.type = {_PERSON} AND p.deactivated_at IS NULL AND p.teams && $3::text[]
ORDER BY p.subject"""


async def members(conn: Connection, entry_id: UUID, number: int, teams: list[str]) -> list[Member]:
    """Everyone a version addressed to `teams` asks to acknowledge it, and who has."""
    rows = await conn.fetch(_ADDRESSED, entry_id, number, teams)
    return [Member(**dict(r)) for r in rows]


class Outstanding(msgspec.Struct, frozen=True, kw_only=True):
    """A version in effect that the caller has yet to acknowledge."""

    entry_id: UUID
    kind: str
    slug: str
    number: int
    title: str
    acknowledge_teams: list[str]
    since: dt.datetime  # in effect since


# Versions in effect (the current version of an entry not retired, not expired) addressed to one of the teams and
# not acknowledged by the person, longest in effect first. Entries are walked by their current version: one row per
# entry at most, and the acknowledgement check is a primary-key probe.
_OUTSTANDING = f"""
SELECT e.id AS entry_id, e.kind, e.slug, v.number, v.title, v.acknowledge_teams,
       greatest(v.effective_from, v.published_at) AS since
FROM entries e
JOIN versions v ON v.entry_id = e.id AND v.number = e.current_version
WHERE e.retired_at IS NULL AND v.status = {statuses.PUBLISHED}
  AND v.acknowledge_teams && $1::text[]
  AND (v.expires_at IS NULL OR v.expires_at > now())
  AND NOT EXISTS (SELECT 1 FROM acknowledgements a WHERE a.entry_id = e.id AND a.number = v.number
                  AND a.person_id = $2)
  AND ($3::timestamptz IS NULL OR (greatest(v.effective_from, v.published_at), e.id) > ($3::timestamptz, $4::uuid))
ORDER BY greatest(v.effective_from, v.published_at), e.id
LIMIT $5"""


async def outstanding(
    conn: Connection, person_id: UUID, teams: list[str], *, after: tuple[dt.datetime, UUID] | None, limit: int
) -> list[Outstanding]:
    at, entry_id = after if after is not None else (None, None)
    rows = await conn.fetch(_OUTSTANDING, teams, person_id, at, entry_id, limit)
    return [Outstanding(**dict(r)) for r in rows]


class DueVersion(msgspec.Struct, frozen=True, kw_only=True):
    entry_id: UUID
    kind: str
    slug: str
    number: int
    acknowledge_teams: list[str]
    due_at: dt.datetime


async def due_versions(conn: Connection, *, window_seconds: float, limit: int) -> list[DueVersion]:
    """Versions in effect for longer than the window that someone addressed has neither acknowledged nor been named
    for yet."""
    rows = await conn.fetch(
        f"""SELECT e.id AS entry_id, e.kind, e.slug, v.number, v.acknowledge_teams,
                   greatest(v.effective_from, v.published_at) + make_interval(secs => $1::float8) AS due_at
            FROM entries e
            JOIN versions v ON v.entry_id = e.id AND v.number = e.current_version
            WHERE e.retired_at IS NULL AND v.status = {statuses.PUBLISHED} AND cardinality(v.acknowledge_teams) > 0
              AND (v.expires_at IS NULL OR v.expires_at > now())
              AND greatest(v.effective_from, v.published_at) + make_interval(secs => $1::float8) <= now()
              AND EXISTS (
                  SELECT 1 FROM principals p
                  WHERE p.type = {_PERSON} AND p.deactivated_at IS NULL AND p.teams && v.acknowledge_teams
                    AND NOT EXISTS (SELECT 1 FROM acknowledgements a
                                    WHERE a.entry_id = e.id AND a.number = v.number AND a.person_id = p.id)
                    AND NOT EXISTS (SELECT 1 FROM acknowledgement_reminders r
                                    WHERE r.entry_id = e.id AND r.number = v.number AND r.person_id = p.id))
            ORDER BY due_at, e.id
            LIMIT $2""",
        window_seconds,
        limit,
    )
    return [DueVersion(**dict(r)) for r in rows]


async def claim_overdue(conn: Connection, entry_id: UUID, number: int, teams: list[str]) -> list[Addressee]:
    """Mark every addressed person who has not acknowledged and was not named before as named now, and return them:
    two workers never name the same person twice (the second waits on the first's rows, then skips them)."""
    rows = await conn.fetch(
        f"""WITH claimed AS (
               INSERT INTO acknowledgement_reminders (entry_id, number, person_id)
               SELECT $1, $2, p.id FROM principals p
               WHERE p.type = {_PERSON} AND p.deactivated_at IS NULL AND p.teams && $3::text[]
                 AND NOT EXISTS (SELECT 1 FROM acknowledgements a
                                 WHERE a.entry_id = $1 AND a.number = $2 AND a.person_id = p.id)
               ON CONFLICT DO NOTHING
               RETURNING person_id)
           SELECT p.subject, p.name,
                  ARRAY(SELECT t FROM unnest(p.teams) t WHERE t = ANY($3::text[]) ORDER BY t) AS teams
           FROM claimed c JOIN principals p ON p.id = c.person_id
           ORDER BY p.subject""",
        entry_id,
        number,
        teams,
    )
    return [Addressee(**dict(r)) for r in rows]
