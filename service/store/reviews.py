"""SQL for review requests: one row per team whose approval a version in review still awaits (the review queue)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

import msgspec

from service.domain.model import Actor
from service.store import statuses
from service.store.database import Connection


async def request(conn: Connection, entry_id: UUID, number: int, teams: list[str], by: Actor) -> dt.datetime:
    """Ask each of `teams` to review version `number` now (a resubmission starts afresh); return the request time."""
    await withdraw(conn, entry_id, number)
    requested_at: dt.datetime = await conn.fetchval(
        """INSERT INTO review_requests (entry_id, number, team, requested_by, requested_by_name, requested_by_type)
           SELECT $1, $2, t, $4, $5, $6 FROM unnest($3::text[]) t
           RETURNING requested_at""",
        entry_id,
        number,
        teams,
        by.subject,
        by.name,
        by.type,
    )
    return requested_at


async def close(conn: Connection, entry_id: UUID, number: int, team: str) -> None:
    """`team` has approved: its request is done."""
    await conn.execute(
        "DELETE FROM review_requests WHERE entry_id = $1 AND number = $2 AND team = $3", entry_id, number, team
    )


async def withdraw(conn: Connection, entry_id: UUID, number: int) -> None:
    """The version left review (sent back to draft): no team is asked any more."""
    await conn.execute("DELETE FROM review_requests WHERE entry_id = $1 AND number = $2", entry_id, number)


class QueueRow(msgspec.Struct, frozen=True, kw_only=True):
    """A version awaiting one of the queried teams, with its reviewed fields and those of the version in effect."""

    entry_id: UUID
    kind: str
    slug: str
    number: int
    requested_at: dt.datetime
    requested_by: str
    requested_by_name: str
    requested_by_type: str
    pending_teams: list[str]
    window_seconds: float
    now: dt.datetime
    version: dict[str, Any]  # the reviewed fields and content of the version in review
    in_effect: dict[str, Any] | None  # the same of the version in effect, if any


_REVIEWED = """jsonb_build_object('title', {v}.title, 'tags', to_jsonb({v}.tags), 'owners', to_jsonb({v}.owners),
    'required_teams', to_jsonb({v}.required_teams), 'acknowledge_teams', to_jsonb({v}.acknowledge_teams))
    || {v}.content"""

# The queue: versions with a request for one of the teams, oldest request first, after the keyset position. A team's
# requests are found through review_requests_team; the table holds only reviews under way, so it stays small.
_QUEUE = f"""
WITH mine AS (
    SELECT r.entry_id, r.number, min(r.requested_at) AS requested_at
    FROM review_requests r
    WHERE r.team = ANY($1::text[])
    GROUP BY r.entry_id, r.number
    HAVING $2::timestamptz IS NULL OR (min(r.requested_at), r.entry_id, r.number) > ($2::timestamptz, $3::uuid, $4::int)
    ORDER BY 3, 1, 2
    LIMIT $5)
SELECT m.entry_id, e.kind, e.slug, m.number, m.requested_at,
       s.requested_by, s.requested_by_name, s.requested_by_type,
       ARRAY(SELECT x.team FROM review_requests x WHERE x.entry_id = m.entry_id AND x.number = m.number
             ORDER BY x.team) AS pending_teams,
       coalesce(e.review_window_seconds, $6::float8)::float8 AS window_seconds, now() AS now,
       {_REVIEWED.format(v="v")} AS version,
       CASE WHEN c.number IS NOT NULL THEN {_REVIEWED.format(v="c")} END AS in_effect
FROM mine m
JOIN entries e ON e.id = m.entry_id
JOIN versions v ON v.entry_id = m.entry_id AND v.number = m.number AND v.status IN {statuses.SUBMITTED}
LEFT JOIN versions c ON c.entry_id = e.id AND c.number = e.current_version
CROSS JOIN LATERAL (
    SELECT x.requested_by, x.requested_by_name, x.requested_by_type FROM review_requests x
    WHERE x.entry_id = m.entry_id AND x.number = m.number ORDER BY x.requested_at DESC LIMIT 1) s
ORDER BY m.requested_at, m.entry_id, m.number"""


async def queue(
    conn: Connection,
    teams: list[str],
    *,
    after: tuple[dt.datetime, UUID, int] | None,
    limit: int,
    default_window_seconds: float,
) -> list[QueueRow]:
    """Versions awaiting the approval of any of `teams`, oldest request first, after the keyset `after`."""
    at, entry_id, number = after if after is not None else (None, None, None)
    rows = await conn.fetch(_QUEUE, teams, at, entry_id, number, limit, default_window_seconds)
    return [QueueRow(**dict(r)) for r in rows]


class DueRequest(msgspec.Struct, frozen=True, kw_only=True):
    """A team's review that has been pending for at least one more window than has been announced."""

    entry_id: UUID
    kind: str
    slug: str
    number: int
    team: str
    requested_at: dt.datetime
    overdue_windows: int
    window_seconds: float
    pending_teams: list[str]
    now: dt.datetime


async def due_overdue(conn: Connection, *, default_window_seconds: float, limit: int) -> list[DueRequest]:
    """Requests whose next review window has ended unannounced, oldest first. Rows exist only for reviews under way,
    so the scan is over a small table."""
    rows = await conn.fetch(
        """SELECT r.entry_id, e.kind, e.slug, r.number, r.team, r.requested_at, r.overdue_windows,
                  coalesce(e.review_window_seconds, $1::float8)::float8 AS window_seconds,
                  ARRAY(SELECT x.team FROM review_requests x WHERE x.entry_id = r.entry_id AND x.number = r.number
                        ORDER BY x.team) AS pending_teams,
                  now() AS now
           FROM review_requests r JOIN entries e ON e.id = r.entry_id
           WHERE r.requested_at + make_interval(secs => coalesce(e.review_window_seconds, $1::float8)
                                                        * (r.overdue_windows + 1)) <= now()
           ORDER BY r.requested_at, r.entry_id, r.number, r.team
           LIMIT $2""",
        default_window_seconds,
        limit,
    )
    return [DueRequest(**dict(r)) for r in rows]


async def claim_overdue(conn: Connection, entry_id: UUID, number: int, team: str, windows: int) -> bool:
    """Record that `windows` review windows of this request are announced; False when it is gone (approved, sent
    back) or another worker announced them first."""
    claimed = await conn.fetchval(
        """UPDATE review_requests SET overdue_windows = $4
           WHERE entry_id = $1 AND number = $2 AND team = $3 AND overdue_windows < $4
           RETURNING true""",
        entry_id,
        number,
        team,
        windows,
    )
    return bool(claimed)
