"""Operational reads for metrics and readiness (outbox backlog, deliveries, stored bytes, workers, transactions), and
the worker heartbeats they count.

Every query here is cheap by construction (index ranges, small tables, capped counts), because they run on every
scrape and every readiness probe. Callers run them under a statement timeout.
"""

from __future__ import annotations

import datetime as dt

import msgspec

from service.store.database import Connection

# Counting a very long backlog costs as much as the backlog is long; past this it is reported as this many.
BACKLOG_CAP = 100_000


async def limit_statements(conn: Connection, seconds: float) -> None:
    """Cancel any statement of the caller's transaction that runs longer than `seconds` (the setting ends with it)."""
    await conn.execute("SELECT set_config('statement_timeout', $1, true)", f"{int(seconds * 1000)}ms")


class ConsumerLag(msgspec.Struct, frozen=True):
    """Where one event-log consumer stands: events committed but not yet handled, and the oldest one's age."""

    name: str
    backlog: int
    oldest_age_seconds: float  # 0 when caught up
    updated_age_seconds: float  # since the consumer last moved its position


_CONSUMERS = """
SELECT o.name,
       (SELECT count(*) FROM (SELECT 1 FROM events e
                              WHERE (e.txid, e.id) > (o.txid, o.event_id)
                                AND e.txid < pg_snapshot_xmin(pg_current_snapshot())
                              LIMIT $1) AS pending) AS backlog,
       coalesce(extract(epoch FROM now() - (
           SELECT e.occurred_at FROM events e
           WHERE (e.txid, e.id) > (o.txid, o.event_id) AND e.txid < pg_snapshot_xmin(pg_current_snapshot())
           ORDER BY e.txid, e.id LIMIT 1)), 0)::float8 AS oldest_age_seconds,
       extract(epoch FROM now() - o.updated_at)::float8 AS updated_age_seconds
FROM consumer_offsets o
ORDER BY o.name"""


async def consumer_lag(conn: Connection) -> list[ConsumerLag]:
    rows = await conn.fetch(_CONSUMERS, BACKLOG_CAP)
    return [ConsumerLag(**dict(r)) for r in rows]


class DeliveryBacklog(msgspec.Struct, frozen=True):
    pending: int  # not yet succeeded or given up, including those waiting for a retry
    due: int  # pending and due now, not leased by a worker
    in_flight: int  # leased by a worker right now
    oldest_due_age_seconds: float  # how long the longest-waiting due delivery has waited; 0 when none


_DELIVERIES = """
SELECT count(*) AS pending,
       count(*) FILTER (WHERE next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now())) AS due,
       count(*) FILTER (WHERE lease_until >= now()) AS in_flight,
       coalesce(extract(epoch FROM now() - min(next_attempt_at) FILTER (
           WHERE next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now()))), 0)::float8
           AS oldest_due_age_seconds
FROM webhook_deliveries WHERE status = 'pending'"""


async def delivery_backlog(conn: Connection) -> DeliveryBacklog:
    row = await conn.fetchrow(_DELIVERIES)
    return DeliveryBacklog(**dict(row or {}))


async def subscription_states(conn: Connection) -> dict[str, int]:
    """Subscriptions by state: healthy, failing (no success since some failure), disabled."""
    row = await conn.fetchrow(
        """SELECT count(*) FILTER (WHERE enabled AND failing_since IS NULL) AS healthy,
                  count(*) FILTER (WHERE enabled AND failing_since IS NOT NULL) AS failing,
                  count(*) FILTER (WHERE NOT enabled) AS disabled
           FROM webhook_subscriptions"""
    )
    return {} if row is None else {k: int(v) for k, v in dict(row).items()}


async def blob_totals(conn: Connection) -> tuple[int, int]:
    """How many asset files are stored and their total size in bytes."""
    row = await conn.fetchrow("SELECT count(*) AS files, coalesce(sum(size), 0)::bigint AS bytes FROM blobs")
    return (0, 0) if row is None else (int(row["files"]), int(row["bytes"]))


class Heartbeats(msgspec.Struct, frozen=True):
    alive: int  # workers seen within the freshness window
    newest_age_seconds: float | None  # since the most recent heartbeat of any worker; None if no worker ever ran


async def heartbeats(conn: Connection, fresh: dt.timedelta) -> Heartbeats:
    row = await conn.fetchrow(
        """SELECT count(*) FILTER (WHERE seen_at > now() - $1::interval) AS alive,
                  extract(epoch FROM now() - max(seen_at))::float8 AS newest_age_seconds
           FROM worker_heartbeats""",
        fresh,
    )
    return Heartbeats(0, None) if row is None else Heartbeats(**dict(row))


async def beat(conn: Connection, worker_id: str) -> None:
    """Record that worker `worker_id` is alive now."""
    await conn.execute(
        """INSERT INTO worker_heartbeats (worker_id) VALUES ($1)
           ON CONFLICT (worker_id) DO UPDATE SET seen_at = now()""",
        worker_id,
    )


async def prune_heartbeats(conn: Connection, older_than: dt.timedelta) -> int:
    """Forget workers not seen for a long time (every worker start adds a row)."""
    status: str = await conn.execute("DELETE FROM worker_heartbeats WHERE seen_at < now() - $1::interval", older_than)
    return int(status.rsplit(" ", 1)[-1])


async def oldest_transaction_age(conn: Connection) -> float:
    """Age of the oldest transaction holding a transaction id in this database. Such a transaction holds the change
    feed back (docs/decisions.md 1): its events, and every later one, wait until it ends."""
    age: float = await conn.fetchval(
        """SELECT coalesce(extract(epoch FROM max(now() - xact_start)), 0)::float8 FROM pg_stat_activity
           WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"""
    )
    return age
