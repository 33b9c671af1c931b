"""Liveness and readiness. Readiness never hangs: every probe has a short deadline."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

import msgspec
from litestar import Response, get

from service.api.deps import DbPool, HttpRequest
from service.blobs.base import BlobStore
from service.store import migrations
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


async def _probe(name: str, probe: Awaitable[list[Check]]) -> list[Check]:
    try:
        return await asyncio.wait_for(probe, PROBE_SECONDS)
    except Exception as exc:  # any failure means "not ready", with the reason
        return [Check(name, False, f"{type(exc).__name__}: {exc}"[:300])]


@get("/readyz", operation_id="readyz", tags=["Health"], summary="Dependencies reachable and schema current")
async def readyz(request: HttpRequest, pool: DbPool) -> Response[Health]:
    blobs: BlobStore = request.app.state.blobs
    results = await asyncio.gather(
        _probe("database", _database(pool)), _probe(f"blobs:{blobs.name}", _blob_store(blobs))
    )
    checks = [check for found in results for check in found]
    ready = all(c.ok for c in checks)
    return Response(Health("ready" if ready else "unavailable", checks), status_code=200 if ready else 503)
