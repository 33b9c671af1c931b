"""SQL for retention: old finished webhook deliveries (with their attempts), events and audit records, deleted a
small batch at a time.

Each function deletes at most `limit` rows in one short statement, picked by primary key through an index
(`FOR UPDATE SKIP LOCKED` where rows can be claimed, so two workers pruning at once hardly wait on each other) and
returns how many rows it deleted per table. The caller commits between batches: no statement holds its locks for long.
"""

from __future__ import annotations

import datetime as dt

import msgspec

from service.store.database import Connection

# Finished (succeeded or given up) before the cutoff: index webhook_deliveries_finished (migration 0017). The
# attempts go in the same statement, counted (the foreign key's cascade would delete them uncounted). Rows are
# matched with `= ANY(ARRAY(...))` so each is found through its index, never by a join over the whole table.
_DELIVERIES = """
WITH doomed AS (
    SELECT id FROM webhook_deliveries
    WHERE status <> 'pending' AND completed_at < $1
    ORDER BY completed_at LIMIT $2
    FOR UPDATE SKIP LOCKED),
attempts AS (DELETE FROM webhook_attempts WHERE delivery_id = ANY(ARRAY(SELECT id FROM doomed)) RETURNING 1),
deliveries AS (DELETE FROM webhook_deliveries WHERE id = ANY(ARRAY(SELECT id FROM doomed)) RETURNING digest_body_id),
bodies AS (
    DELETE FROM webhook_digest_bodies b
    WHERE b.id = ANY(ARRAY(SELECT DISTINCT digest_body_id FROM deliveries WHERE digest_body_id IS NOT NULL))
      AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d
                      WHERE d.digest_body_id = b.id AND d.id <> ALL(ARRAY(SELECT id FROM doomed)))
    RETURNING 1)
SELECT (SELECT count(*) FROM deliveries) AS deliveries, (SELECT count(*) FROM attempts) AS attempts,
       (SELECT count(*) FROM bodies) AS bodies"""


class DeliveriesPruned(msgspec.Struct, frozen=True):
    deliveries: int
    attempts: int
    bodies: int  # digests' shared entries that no delivery refers to any more (webhook_deliveries_digest_body)


async def prune_deliveries(conn: Connection, before: dt.datetime, limit: int) -> DeliveriesPruned:
    """Delete up to `limit` deliveries finished before `before`, their attempts, and the digest bodies only they
    referred to."""
    row = await conn.fetchrow(_DELIVERIES, before, limit)
    if row is None:
        return DeliveriesPruned(0, 0, 0)
    return DeliveriesPruned(int(row["deliveries"]), int(row["attempts"]), int(row["bodies"]))


# Events are walked in feed order (events_feed_order) from a position, `limit` at a time, up to the lowest position
# in consumer_offsets (a consumer that stopped long ago holds pruning back until its row is deleted) and in the digest
# subscriptions (a digest holds the events of its period until it is queued), and only while
# every consumer this worker runs has a position (one without starts from the beginning of the log). Of those, the
# ones older than the cutoff that no stored delivery refers to (index webhook_deliveries_event, migration 0017) are
# deleted. The walk goes on after the last event looked at, so events kept (referenced) are passed over, not looked
# at again by every batch; it ends at the first event young enough to keep (the log is in time order but for
# transactions that commit late, which wait for the next run).
_EVENTS = """
WITH candidates AS (
    SELECT e.id, e.txid, e.occurred_at FROM events e
    WHERE (e.txid, e.id) > ($3::text::xid8, $4::bigint)
      AND (e.txid, e.id) <= (SELECT o.txid, o.event_id FROM consumer_offsets o ORDER BY o.txid, o.event_id LIMIT 1)
      AND NOT EXISTS (SELECT 1 FROM webhook_subscriptions s WHERE s.digest_after_txid IS NOT NULL
                      AND (e.txid, e.id) > (s.digest_after_txid, s.digest_after_id))
      AND NOT EXISTS (SELECT 1 FROM unnest($5::text[]) AS c(name)
                      WHERE NOT EXISTS (SELECT 1 FROM consumer_offsets o WHERE o.name = c.name))
    ORDER BY e.txid, e.id LIMIT $2),
doomed AS (
    SELECT c.id FROM candidates c
    WHERE c.occurred_at < $1 AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = c.id)),
gone AS (DELETE FROM events WHERE id = ANY(ARRAY(SELECT id FROM doomed)) RETURNING 1)
SELECT (SELECT count(*) FROM gone) AS deleted,
       (SELECT count(*) FROM candidates) AS looked_at,
       coalesce((SELECT bool_and(occurred_at < $1) FROM candidates), false) AS all_old,
       (SELECT txid::text::bigint FROM candidates ORDER BY txid DESC, id DESC LIMIT 1) AS last_txid,
       (SELECT id FROM candidates ORDER BY txid DESC, id DESC LIMIT 1) AS last_id"""


class EventsPruned(msgspec.Struct, frozen=True):
    deleted: int
    go_on_after: tuple[int, int] | None  # where the next batch starts; None: nothing more to do this run


async def prune_events(
    conn: Connection, before: dt.datetime, limit: int, consumers: list[str], after: tuple[int, int] = (0, 0)
) -> EventsPruned:
    """Look at up to `limit` events after the feed position `after` that every consumer (and `consumers` each) has
    passed; delete those older than `before` that no delivery refers to."""
    row = await conn.fetchrow(_EVENTS, before, limit, str(after[0]), after[1], consumers)
    if row is None:
        return EventsPruned(0, None)
    full = int(row["looked_at"]) >= limit and bool(row["all_old"])
    return EventsPruned(int(row["deleted"]), (int(row["last_txid"]), int(row["last_id"])) if full else None)


# Index audit_log_at (migration 0012).
_AUDIT = """
DELETE FROM audit_log WHERE id = ANY(ARRAY(
    SELECT id FROM audit_log WHERE at < $1 ORDER BY at LIMIT $2 FOR UPDATE SKIP LOCKED))"""


async def prune_audit(conn: Connection, before: dt.datetime, limit: int) -> int:
    """Delete up to `limit` audit records made before `before`."""
    status: str = await conn.execute(_AUDIT, before, limit)
    return int(status.rsplit(" ", 1)[-1])
