"""Gauges computed when Prometheus scrapes: the connection pool, and what the database says about the backlog.

The database part runs on one connection, inside one read-only transaction with a statement timeout, and the whole
of it under a deadline: a slow or dead database makes `canon_metrics_database_up` 0 and the database gauges absent,
it never makes a scrape hang.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from service.observability.metrics import Family, gauge
from service.store import ops
from service.store.database import Connection, Pool

log = logging.getLogger(__name__)

SCRAPE_SECONDS = 2.0
SEARCH_CONSUMER = "search-sync"


def pool_families(pool: Pool, name: str = "db") -> list[Family]:
    """Gauges of one of this process's pools: `db` (everything) or `search` (PostgreSQL search statements)."""
    size, idle = pool.get_size(), pool.get_idle_size()
    return [
        gauge(
            f"canon_{name}_pool_connections",
            f"Connections of this process's {name} pool, by state",
            [({"state": "in_use"}, size - idle), ({"state": "idle"}, idle)],
        ),
        gauge(
            f"canon_{name}_pool_max_connections",
            f"The most connections this process's {name} pool opens",
            [({}, pool.get_max_size())],
        ),
    ]


async def _database_families(conn: Connection, fresh: dt.timedelta) -> list[Family]:
    consumers = await ops.consumer_lag(conn)
    deliveries = await ops.delivery_backlog(conn)
    subscriptions = await ops.subscription_states(conn)
    files, stored = await ops.blob_totals(conn)
    beats = await ops.heartbeats(conn, fresh)
    oldest_xact = await ops.oldest_transaction_age(conn)
    families = [
        gauge(
            "canon_outbox_backlog_events",
            f"Committed events a consumer has not handled yet (capped at {ops.BACKLOG_CAP})",
            [({"consumer": c.name}, c.backlog) for c in consumers],
        ),
        gauge(
            "canon_outbox_oldest_age_seconds",
            "Age of the oldest event a consumer has not handled yet (0 when caught up)",
            [({"consumer": c.name}, c.oldest_age_seconds) for c in consumers],
        ),
        gauge(
            "canon_webhook_deliveries_pending",
            "Webhook deliveries not yet finished, by state: due (waiting for a worker), in_flight (being sent), "
            "scheduled (waiting for a retry)",
            [
                ({"state": "due"}, deliveries.due),
                ({"state": "in_flight"}, deliveries.in_flight),
                ({"state": "scheduled"}, max(0, deliveries.pending - deliveries.due - deliveries.in_flight)),
            ],
        ),
        gauge(
            "canon_webhook_oldest_due_age_seconds",
            "How long the longest-waiting due webhook delivery has waited for a worker",
            [({}, deliveries.oldest_due_age_seconds)],
        ),
        gauge(
            "canon_webhook_subscriptions",
            "Webhook subscriptions by state",
            [({"state": state}, count) for state, count in sorted(subscriptions.items())],
        ),
        gauge("canon_asset_bytes", "Total size of the asset files stored", [({}, stored)]),
        gauge("canon_asset_files", "Number of asset files stored", [({}, files)]),
        gauge("canon_workers_alive", "Workers whose heartbeat is fresh", [({}, beats.alive)]),
        gauge(
            "canon_db_oldest_transaction_age_seconds",
            "Age of the oldest transaction with a transaction id; it holds the change feed back",
            [({}, oldest_xact)],
        ),
    ]
    if beats.newest_age_seconds is not None:
        families.append(
            gauge(
                "canon_worker_heartbeat_age_seconds",
                "Seconds since the most recent heartbeat of any worker",
                [({}, beats.newest_age_seconds)],
            )
        )
    search = next((c for c in consumers if c.name == SEARCH_CONSUMER), None)
    if search is not None:
        families.append(
            gauge(
                "canon_search_sync_lag_seconds",
                "Age of the oldest change not yet in the search index (0 when the index is current)",
                [({}, search.oldest_age_seconds)],
            )
        )
    return families


async def _from_database(pool: Pool, fresh: dt.timedelta, seconds: float) -> list[Family]:
    async with pool.acquire(timeout=seconds) as conn, conn.transaction(readonly=True):
        await ops.limit_statements(conn, seconds)
        return await _database_families(conn, fresh)


async def database_families(pool: Pool, fresh: dt.timedelta, seconds: float = SCRAPE_SECONDS) -> list[Family]:
    """The database gauges, or only `canon_metrics_database_up 0` if they cannot be had within `seconds`."""
    try:
        families = await asyncio.wait_for(_from_database(pool, fresh, seconds), seconds)
    except Exception as exc:  # the scrape must answer whatever the database does
        log.warning("metrics: database gauges unavailable (%s: %s)", type(exc).__name__, exc)
        return [_up(ok=False)]
    return [_up(ok=True), *families]


def _up(*, ok: bool) -> Family:
    return gauge(
        "canon_metrics_database_up",
        "1 if the database gauges of this scrape could be read, else 0",
        [({}, 1.0 if ok else 0.0)],
    )
