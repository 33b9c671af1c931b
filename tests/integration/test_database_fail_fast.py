"""The pool's timeouts: a frozen database server, an exhausted pool and a statement that runs too long all end in a
TimeoutError (which the API answers with 503) within the configured seconds, not asyncpg's 60 s or never."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest

from service.config import Settings
from service.store.database import DatabaseTimeouts, create_pool
from service.wiring import request_timeouts

QUICK = DatabaseTimeouts(connect=0.5, acquire=0.5, command=0.5)


async def test_a_frozen_database_fails_an_acquire_within_the_connect_timeout(frozen_url: str) -> None:
    port = urlsplit(frozen_url).port
    pool = await create_pool(f"postgresql://canon@127.0.0.1:{port}/canon", min_size=0, max_size=2, timeouts=QUICK)
    try:
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            async with pool.acquire():
                pass
        assert time.monotonic() - started < 3 * 0.5
    finally:
        pool.terminate()


async def test_an_exhausted_pool_fails_an_acquire_within_the_acquire_timeout(database_url: str) -> None:
    pool = await create_pool(database_url, min_size=1, max_size=1, timeouts=QUICK)
    try:
        async with pool.acquire():
            started = time.monotonic()
            with pytest.raises(TimeoutError):
                async with pool.acquire():
                    pass
            assert time.monotonic() - started < 3 * 0.5
            with pytest.raises(TimeoutError):  # a caller's own timeout wins
                async with pool.acquire(timeout=0.05):
                    pass
        async with pool.acquire() as conn:  # the pool is fine afterwards
            assert await conn.fetchval("SELECT 1") == 1
    finally:
        await pool.close()


async def test_a_statement_past_the_command_timeout_is_cancelled(database_url: str) -> None:
    pool = await create_pool(database_url, min_size=1, max_size=1, timeouts=QUICK)
    try:
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            await pool.execute("SELECT pg_sleep(10)")
        assert time.monotonic() - started < 3 * 0.5
        assert await pool.fetchval("SELECT 1") == 1
    finally:
        await pool.close()


def test_requests_get_the_settings_and_background_work_waits_longer() -> None:
    settings = Settings(database_connect_timeout=1.5, database_acquire_timeout=2.5, database_command_timeout=3.5)
    assert request_timeouts(settings) == DatabaseTimeouts(connect=1.5, acquire=2.5, command=3.5)
    assert request_timeouts(Settings()) == DatabaseTimeouts(connect=5.0, acquire=5.0, command=10.0)
    assert DatabaseTimeouts() == DatabaseTimeouts(connect=5.0, acquire=None, command=30.0)  # the worker's, the CLI's
