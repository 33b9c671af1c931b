"""SQL for an entry's timeline: its released versions, and the statuses and current version the rule gives them.

The rule itself is `service/domain/timeline.py`; this module only reads its inputs and writes its outcome.
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

import msgspec

from service.domain.timeline import Released, Timeline
from service.store import statuses
from service.store.database import Connection


async def now(conn: Connection) -> dt.datetime:
    """The transaction's clock: what every timestamp written in it uses."""
    moment: dt.datetime = await conn.fetchval("SELECT now()")
    return moment


async def released(conn: Connection, entry_id: UUID) -> list[Released]:
    rows = await conn.fetch(
        f"""SELECT number, published_at, effective_from AS effective_at FROM versions
           WHERE entry_id = $1 AND status IN {statuses.RELEASED} ORDER BY published_at, number""",
        entry_id,
    )
    return [Released(**dict(r)) for r in rows]


async def apply(conn: Connection, entry_id: UUID, line: Timeline) -> None:
    """Mark the versions the timeline is done with `superseded`, the current and scheduled ones `published`."""
    await conn.execute(
        f"""UPDATE versions SET status = {statuses.SUPERSEDED}, superseded_at = coalesce(superseded_at, now()),
                  updated_at = now()
           WHERE entry_id = $1 AND number = ANY($2::int[]) AND status <> {statuses.SUPERSEDED}""",
        entry_id,
        line.superseded,
    )
    live = [*([line.current] if line.current is not None else []), *(w.number for w in line.upcoming)]
    await conn.execute(
        f"""UPDATE versions SET status = {statuses.PUBLISHED}, superseded_at = NULL, updated_at = now()
           WHERE entry_id = $1 AND number = ANY($2::int[]) AND status <> {statuses.PUBLISHED}""",
        entry_id,
        live,
    )


class Due(msgspec.Struct, frozen=True):
    kind: str
    slug: str


async def due(conn: Connection, *, limit: int) -> list[Due]:
    """Entries whose timeline has moved on without a write: a scheduled version (in effect only after its publication)
    whose instant has come. Every other change of the version in effect happens at a write, which settles it."""
    rows = await conn.fetch(
        f"""SELECT DISTINCT e.kind, e.slug FROM versions v JOIN entries e ON e.id = v.entry_id
           WHERE v.status = {statuses.PUBLISHED} AND v.effective_from > v.published_at AND v.effective_from <= now()
             AND v.number IS DISTINCT FROM e.current_version
           LIMIT $1""",
        limit,
    )
    return [Due(**dict(r)) for r in rows]
