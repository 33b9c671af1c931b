"""Liveness and readiness. Readiness never hangs: every probe has a short deadline."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable

import msgspec
from litestar import Response, get

from service.api.deps import AllServices, AppSettings, Blobs, DbPool
from service.blobs.base import BlobStore
from service.config import Settings
from service.search.base import SearchIndex
from service.search.sync import CONSUMER as SEARCH_SYNC
from service.store import migrations, ops
from service.store.database import Pool

PROBE_SECONDS = 2.0


class Check(msgspec.Struct, frozen=True, omit_defaults=True):
    name: str
    ok: bool
    detail: str | None = None


class Health(msgspec.Struct, frozen=True):
    status: str
    checks: list[Check] = msgspec.field(default_factory=list)


@get("/healthz", operation_id="healthz", tags=["Health"], summary="The process is alive", exclude_from_auth=True)
async def healthz() -> Health:
    return Health(status="ok")


async def _database(pool: Pool) -> list[Check]:
    async with pool.acquire(timeout=PROBE_SECONDS) as conn:
        waiting = await migrations.pending(conn)
    schema = Check("migrations", not waiting, f"{len(waiting)} pending" if waiting else None)
    return [Check("database", True), schema]


async def _blob_store(blobs: BlobStore) -> list[Check]:
    await blobs.check()
    return [Check(f"blobs:{blobs.name}", True)]


async def _worker(pool: Pool, settings: Settings) -> list[Check]:
    """A fresh heartbeat from some `canon worker`. Fails readiness only with CANON_READY_REQUIRE_WORKER: every API
    replica going unready because webhooks and search sync are delayed would turn a backlog into an outage."""
    async with pool.acquire(timeout=PROBE_SECONDS) as conn:
        beats = await ops.heartbeats(conn, dt.timedelta(seconds=settings.worker_fresh_seconds))
    if beats.alive:
        return [Check("worker", True, f"{beats.alive} alive")]
    age = beats.newest_age_seconds
    detail = "no worker heartbeat" if age is None else f"no fresh worker heartbeat (last seen {age:.0f} s ago)"
    if not settings.ready_require_worker:
        detail += " (not required: CANON_READY_REQUIRE_WORKER is off)"
    return [Check("worker", not settings.ready_require_worker, detail)]


async def _search(index: SearchIndex, pool: Pool) -> list[Check]:
    """The search backend answers; the detail says how far its sync trails the event log (never a reason to be
    unready: searches are served from the index as it is)."""
    await index.check()
    async with pool.acquire(timeout=PROBE_SECONDS) as conn:
        lags = [lag for lag in await ops.consumer_lag(conn) if lag.name == SEARCH_SYNC]
    detail = f"sync lag {lags[0].oldest_age_seconds:.1f} s, {lags[0].backlog} events" if lags else "sync not started"
    return [Check(f"search:{index.name}", True, detail)]


async def _probe(name: str, probe: Awaitable[list[Check]]) -> list[Check]:
    try:
        return await asyncio.wait_for(probe, PROBE_SECONDS)
    except Exception as exc:  # any failure means "not ready", with the reason
        return [Check(name, False, f"{type(exc).__name__}: {exc}"[:300])]


@get(
    "/readyz",
    operation_id="readyz",
    tags=["Health"],
    summary="Dependencies reachable and schema current",
    exclude_from_auth=True,
)
async def readyz(
    pool: DbPool,
    blobs: Blobs,
    settings: AppSettings,
    services: AllServices,
) -> Response[Health]:
    results = await asyncio.gather(
        _probe("database", _database(pool)),
        _probe(f"blobs:{blobs.name}", _blob_store(blobs)),
        _probe("worker", _worker(pool, settings)),
        _probe(f"search:{services.search.name}", _search(services.search, pool)),
    )
    checks = [check for found in results for check in found]
    ready = all(c.ok for c in checks)
    return Response(Health("ready" if ready else "unavailable", checks), status_code=200 if ready else 503)
