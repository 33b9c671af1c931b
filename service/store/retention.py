"""SQL for retention: old finished webhook deliveries (with their attempts), events and audit records, deleted a
small batch at a time.

Each function deletes at most `limit` rows in one short statement, picked by primary key through an index
(`FOR UPDATE SKIP LOCKED`, so two workers pruning at once never wait on each other) and returns how many rows it
deleted per table. The caller commits between batches: no statement holds its locks for long.
"""

from __future__ import annotations

import datetime as dt

from service.store.database import Connection

# Finished (succeeded or given up) before the cutoff: index webhook_deliveries_finished (migration 0017). The
# attempts go in the same statement, counted (the foreign key's cascade would delete them uncounted).
_DELIVERIES = """
WITH doomed AS (
    SELECT id FROM webhook_deliveries
    WHERE status <> 'pending' AND completed_at < $1
    ORDER BY completed_at LIMIT $2
    FOR UPDATE SKIP LOCKED),
attempts AS (DELETE FROM webhook_attempts a USING doomed d WHERE a.delivery_id = d.id RETURNING 1),
deliveries AS (DELETE FROM webhook_deliveries w USING doomed d WHERE w.id = d.id RETURNING 1)
SELECT (SELECT count(*) FROM deliveries) AS deliveries, (SELECT count(*) FROM attempts) AS attempts"""


async def prune_deliveries(conn: Connection, before: dt.datetime, limit: int) -> tuple[int, int]:
    """Delete up to `limit` deliveries finished before `before`, and their attempts: (deliveries, attempts)."""
    row = await conn.fetchrow(_DELIVERIES, before, limit)
    return (0, 0) if row is None else (int(row["deliveries"]), int(row["attempts"]))


# An event goes only when it is older than the cutoff, every consumer's position has passed it (the lowest position
# in consumer_offsets, so a consumer that stopped long ago holds pruning back until its row is deleted), every
# consumer this worker runs has a position (a consumer without one starts from the beginning of the log), and no
# stored delivery refers to it (index webhook_deliveries_event, migration 0017). Walked in feed order
# (events_feed_order).
_EVENTS = """
DELETE FROM events WHERE id IN (
    SELECT e.id FROM events e
    WHERE e.occurred_at < $1
      AND (e.txid, e.id) <= (SELECT o.txid, o.event_id FROM consumer_offsets o ORDER BY o.txid, o.event_id LIMIT 1)
      AND NOT EXISTS (SELECT 1 FROM unnest($3::text[]) AS c(name)
                      WHERE NOT EXISTS (SELECT 1 FROM consumer_offsets o WHERE o.name = c.name))
      AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id)
    ORDER BY e.txid, e.id LIMIT $2
    FOR UPDATE OF e SKIP LOCKED)"""


async def prune_events(conn: Connection, before: dt.datetime, limit: int, consumers: list[str]) -> int:
    """Delete up to `limit` events older than `before` that every consumer (and `consumers` each) has passed and no
    delivery refers to."""
    status: str = await conn.execute(_EVENTS, before, limit, consumers)
    return int(status.rsplit(" ", 1)[-1])


# Index audit_log_at (migration 0012).
_AUDIT = """
DELETE FROM audit_log WHERE id IN (
    SELECT id FROM audit_log WHERE at < $1 ORDER BY at LIMIT $2 FOR UPDATE SKIP LOCKED)"""


async def prune_audit(conn: Connection, before: dt.datetime, limit: int) -> int:
    """Delete up to `limit` audit records made before `before`."""
    status: str = await conn.execute(_AUDIT, before, limit)
    return int(status.rsplit(" ", 1)[-1])
