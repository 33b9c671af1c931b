"""SQL for the event log (the transactional outbox) and its gap-free feed."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

import msgspec

from service.domain.events import audience
from service.store.database import Connection

_to_builtins = msgspec.to_builtins


async def append(
    conn: Connection,
    *,
    event_type: str,
    kind: str,
    entry_id: UUID | None,
    slug: str | None,
    version: int | None,
    data: msgspec.Struct,
) -> int:
    """Add an event in the caller's transaction: it becomes visible exactly when the change it describes does."""
    event_id: int = await conn.fetchval(
        """INSERT INTO events (type, kind, entry_id, slug, version, data, audience)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id""",
        event_type,
        kind,
        entry_id,
        slug,
        version,
        _to_builtins(data),
        audience(event_type).value,
    )
    return event_id


class StoredEvent(msgspec.Struct, frozen=True):
    id: int
    txid: int
    type: str
    occurred_at: dt.datetime
    data: dict[str, Any]


# Only rows of transactions older than every transaction still running are shown. A transaction that commits
# late has a txid below the snapshot's xmin only once it has finished, so a row never appears behind a cursor
# that already passed its position: the feed has no gaps even when transactions commit out of order.
#
# A caller who may not see every event (a reader: not those about unreleased versions) gets, in the same
# statement and so the same snapshot, the position of the newest visible row of the log: when the page is not
# full, every event it may see up to there has been returned, so its cursor can move past the rest.
_FEED = """
WITH page AS (
    SELECT id, txid, type, occurred_at, data FROM events
    WHERE (txid, id) > ($1::text::xid8, $2::bigint)
      AND txid < pg_snapshot_xmin(pg_current_snapshot())
      AND ($3::text[] IS NULL OR type LIKE ANY($3::text[]))
      AND ($5::text IS NULL OR audience = $5)
      AND ($6::text IS NULL OR kind = $6)
      AND ($7::text IS NULL OR slug = $7)
    ORDER BY txid, id
    LIMIT $4),
head AS (
    SELECT txid, id FROM events
    WHERE $5::text IS NOT NULL AND (txid, id) > ($1::text::xid8, $2::bigint)
      AND txid < pg_snapshot_xmin(pg_current_snapshot())
    ORDER BY txid DESC, id DESC LIMIT 1)
SELECT id, txid::text::bigint AS txid, type, occurred_at, data, false AS is_head FROM page
UNION ALL
SELECT id, txid::text::bigint, NULL, NULL, NULL, true FROM head
ORDER BY is_head, txid, id"""


class FeedPage(msgspec.Struct, frozen=True):
    events: list[StoredEvent]
    scanned_to: tuple[int, int] | None  # where a page that is not full may leave the cursor


async def feed(
    conn: Connection,
    *,
    after_txid: int,
    after_id: int,
    type_patterns: list[str] | None,
    limit: int,
    audience_only: str | None = None,
    kind: str | None = None,
    slug: str | None = None,
) -> FeedPage:
    """Events after a position; with `audience_only`, only those meant for that audience (e.g. `reader`); with
    `kind` and `slug`, only those about that kind of entry or that entry."""
    rows = await conn.fetch(_FEED, str(after_txid), after_id, type_patterns, limit, audience_only, kind, slug)
    found = [
        StoredEvent(id=r["id"], txid=r["txid"], type=r["type"], occurred_at=r["occurred_at"], data=r["data"])
        for r in rows
        if not r["is_head"]
    ]
    head = next(((r["txid"], r["id"]) for r in rows if r["is_head"]), None)
    return FeedPage(events=found, scanned_to=head if len(found) < limit else None)


# A consumer's position: the (txid, event id) of the last event it handled, one row per consumer name.
_LOCK_POSITION = "SELECT txid::text::bigint AS txid, event_id FROM consumer_offsets WHERE name = $1 FOR UPDATE"


async def lock_position(conn: Connection, consumer: str, *, skip_locked: bool = False) -> tuple[int, int] | None:
    """`consumer`'s position, row-locked until the caller's transaction ends; a new consumer starts at the beginning
    of the log. With `skip_locked`, None when another transaction holds it, instead of waiting for that one to end."""
    await conn.execute("INSERT INTO consumer_offsets (name) VALUES ($1) ON CONFLICT DO NOTHING", consumer)
    row = await conn.fetchrow(_LOCK_POSITION + (" SKIP LOCKED" if skip_locked else ""), consumer)
    return None if row is None else (row["txid"], row["event_id"])


async def move_position(conn: Connection, consumer: str, txid: int, event_id: int) -> None:
    """Record that `consumer` has handled every event up to (txid, event id); in the transaction holding its lock."""
    await conn.execute(
        """UPDATE consumer_offsets SET txid = $2::text::xid8, event_id = $3, updated_at = now()
           WHERE name = $1""",
        consumer,
        str(txid),
        event_id,
    )


async def position(conn: Connection, consumer: str) -> tuple[int, int] | None:
    """`consumer`'s committed position, without locking it; None before its first batch."""
    row = await conn.fetchrow(
        "SELECT txid::text::bigint AS txid, event_id FROM consumer_offsets WHERE name = $1", consumer
    )
    return None if row is None else (row["txid"], row["event_id"])


async def unhandled(conn: Connection, consumer: str) -> bool:
    """Whether committed events lie past `consumer`'s position. Asked right after a drain, yes means they were
    hidden from it by an older transaction that was still running then (and may have ended since): no further
    notification will come for them, so the consumer should look again soon rather than wait for its sweep.
    Judged in a snapshot of its own, not the drain's: a test against the horizon here would miss an event whose
    older transaction ended between the two (and leave it to the sweep)."""
    waiting: bool = await conn.fetchval(
        """SELECT EXISTS (
               SELECT 1 FROM events e JOIN consumer_offsets o ON o.name = $1
               WHERE (e.txid, e.id) > (o.txid, o.event_id))""",
        consumer,
    )
    return waiting


async def by_ids(conn: Connection, event_ids: list[int]) -> list[StoredEvent]:
    """These events (any order; unknown ids left out)."""
    rows = await conn.fetch(
        """SELECT id, txid::text::bigint AS txid, type, occurred_at, data FROM events WHERE id = ANY($1::bigint[])""",
        event_ids,
    )
    return [StoredEvent(**dict(r)) for r in rows]


# The newest event of a transaction older than every one still running: everything up to it is committed, and
# whatever commits later comes after it in feed order.
NEWEST_SETTLED = """SELECT txid, id FROM events WHERE txid < pg_snapshot_xmin(pg_current_snapshot())
                    ORDER BY txid DESC, id DESC LIMIT 1"""


async def head(conn: Connection) -> tuple[int, int]:
    """The position after the newest visible event: where a new consumer that wants only the future starts."""
    row = await conn.fetchrow(f"SELECT txid::text::bigint AS txid, id FROM ({NEWEST_SETTLED}) AS newest")
    return (0, 0) if row is None else (row["txid"], row["id"])
