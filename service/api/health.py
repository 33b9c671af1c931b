"""Liveness and readiness. Readiness never hangs: every probe has a short deadline."""

from __future__ import annotations

import asyncio

import msgspec
from litestar import Response, get

from service.api.deps import DbPool
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


@get("/readyz", operation_id="readyz", tags=["Health"], summary="Dependencies reachable and schema current")
async def readyz(pool: DbPool) -> Response[Health]:
    try:
        checks = await asyncio.wait_for(_database(pool), PROBE_SECONDS)
    except (TimeoutError, OSError, Exception) as exc:  # any failure means "not ready", with the reason
        checks = [Check("database", False, f"{type(exc).__name__}: {exc}"[:300])]
    ready = all(c.ok for c in checks)
    return Response(Health("ready" if ready else "unavailable", checks), status_code=200 if ready else 503)
