"""The migrations runner: each migration once, in order, under an advisory lock, checksummed against edits."""

from __future__ import annotations

import asyncio
import hashlib
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from service.store import migrations
from service.store.migrations import MigrationError

LOCK_KEY = 0x63616E6F6E


@pytest.fixture
async def conn(empty_database_url: str) -> AsyncIterator[asyncpg.Connection[Any]]:
    connection = await asyncpg.connect(empty_database_url)
    try:
        yield connection
    finally:
        await connection.close()


def initial_file(folder: Path) -> Path:
    return sorted(folder.glob("0001_*.sql"))[0]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A private copy of the real migrations, free to be edited."""
    copy = tmp_path / "migrations"
    shutil.copytree(migrations.default_directory(), copy)
    return copy


async def ledger(conn: asyncpg.Connection[Any]) -> list[tuple[int, str, str]]:
    rows = await conn.fetch("SELECT version, name, checksum FROM schema_migrations ORDER BY version")
    return [(r["version"], r["name"], r["checksum"]) for r in rows]


async def tables(conn: asyncpg.Connection[Any]) -> set[str]:
    rows = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    return {r["tablename"] for r in rows}


async def lock_is_free(url: str) -> bool:
    """Whether another session can take the migrations lock (advisory locks are re-entrant within one session)."""
    other = await asyncpg.connect(url)
    try:
        taken: bool = await other.fetchval("SELECT pg_try_advisory_lock($1)", LOCK_KEY)
        if taken:
            await other.execute("SELECT pg_advisory_unlock($1)", LOCK_KEY)
        return taken
    finally:
        await other.close()


def on_disk() -> list[migrations.Migration]:
    found = migrations.load()
    assert found, "no migrations on disk"
    return found


async def test_the_files_on_disk_are_well_formed() -> None:
    found = on_disk()
    assert [m.version for m in found] == list(range(1, len(found) + 1))
    assert found[0].name == "initial"
    for migration in found:
        path = migrations.default_directory() / f"{migration.version:04d}_{migration.name}.sql"
        assert migration.sql == path.read_text()
        assert migration.checksum == hashlib.sha256(path.read_bytes()).hexdigest()


async def test_a_fresh_database_gets_every_migration_recorded_with_its_checksum(
    conn: asyncpg.Connection[Any],
) -> None:
    assert await tables(conn) == set()
    assert [m.version for m in await migrations.pending(conn)] == [m.version for m in on_disk()]
    applied = await migrations.migrate(conn)
    assert applied == on_disk()
    assert await ledger(conn) == [(m.version, m.name, m.checksum) for m in on_disk()]
    assert {"schema_migrations", "api_keys", "entries", "versions", "events", "consumer_offsets"} <= await tables(conn)
    assert await migrations.pending(conn) == []


async def test_a_second_run_applies_nothing(conn: asyncpg.Connection[Any]) -> None:
    await migrations.migrate(conn)
    before = await conn.fetch("SELECT version, applied_at FROM schema_migrations ORDER BY version")
    assert await migrations.migrate(conn) == []
    assert await conn.fetch("SELECT version, applied_at FROM schema_migrations ORDER BY version") == before


async def test_the_advisory_lock_is_held_during_a_run_and_released_after(
    conn: asyncpg.Connection[Any], empty_database_url: str, folder: Path
) -> None:
    (folder / "9000_slow.sql").write_text("SELECT pg_sleep(0.5);\n")
    run = asyncio.create_task(migrations.migrate(conn, folder))
    await asyncio.sleep(0.25)
    assert await lock_is_free(empty_database_url) is False
    await run
    assert await lock_is_free(empty_database_url) is True


async def test_concurrent_runs_apply_each_migration_exactly_once(empty_database_url: str, folder: Path) -> None:
    # A slow migration keeps the first runner inside the lock while the others arrive. Without the lock, they would
    # all run 0001 and fail on the tables that already exist.
    (folder / "9000_slow.sql").write_text("SELECT pg_sleep(0.5);\nCREATE TABLE slow_marker (id int);\n")
    connections = [await asyncpg.connect(empty_database_url) for _ in range(3)]
    try:
        results = await asyncio.gather(*(migrations.migrate(c, folder) for c in connections))
        everything = migrations.load(folder)
        applied = sorted(m.version for result in results for m in result)
        assert applied == [m.version for m in everything]
        assert sorted(len(result) for result in results) == [0, 0, len(everything)]
        assert await ledger(connections[0]) == [(m.version, m.name, m.checksum) for m in everything]
    finally:
        for connection in connections:
            await connection.close()


async def test_an_edited_migration_is_refused(conn: asyncpg.Connection[Any], folder: Path) -> None:
    await migrations.migrate(conn, folder)
    first = initial_file(folder)
    first.write_text(first.read_text() + "\n-- a harmless-looking afterthought\n")
    with pytest.raises(MigrationError) as raised:
        await migrations.migrate(conn, folder)
    message = str(raised.value)
    assert f"migration {first.name} was edited after it was applied" in message
    assert "add a new migration instead" in message
    assert await ledger(conn) == [(m.version, m.name, m.checksum) for m in on_disk()]


async def test_an_edit_is_refused_before_newer_migrations_run(
    conn: asyncpg.Connection[Any], empty_database_url: str, folder: Path
) -> None:
    await migrations.migrate(conn, folder)
    first = initial_file(folder)
    first.write_text(first.read_text() + "\n")
    (folder / "9001_later.sql").write_text("CREATE TABLE later (id int);\n")
    with pytest.raises(MigrationError, match="was edited after it was applied"):
        await migrations.migrate(conn, folder)
    assert "later" not in await tables(conn)
    assert await lock_is_free(empty_database_url) is True


@pytest.mark.parametrize("name", ["1_short.sql", "0002-dashes.sql", "0002_Upper.sql", "0002_.sql", "abcd_name.sql"])
async def test_a_badly_named_file_is_refused_before_touching_the_database(
    conn: asyncpg.Connection[Any], folder: Path, name: str
) -> None:
    (folder / name).write_text("CREATE TABLE never (id int);\n")
    with pytest.raises(MigrationError) as raised:
        await migrations.migrate(conn, folder)
    assert str(raised.value) == f"{name}: migration files are named NNNN_name.sql"
    assert await tables(conn) == set()
    with pytest.raises(MigrationError):
        await migrations.pending(conn, folder)


async def test_two_files_with_one_version_are_refused(conn: asyncpg.Connection[Any], folder: Path) -> None:
    (folder / "9002_one.sql").write_text("SELECT 1;\n")
    (folder / "9002_two.sql").write_text("SELECT 2;\n")
    with pytest.raises(MigrationError) as raised:
        await migrations.migrate(conn, folder)
    assert str(raised.value) == "two migration files share a version number"
    assert await tables(conn) == set()


async def test_a_database_newer_than_the_code_is_refused(conn: asyncpg.Connection[Any], folder: Path) -> None:
    (folder / "9003_future.sql").write_text("CREATE TABLE future (id int);\n")
    await migrations.migrate(conn, folder)
    with pytest.raises(MigrationError) as raised:
        await migrations.migrate(conn)
    assert str(raised.value) == (
        "the database has migration 9003_future which is not on disk: this code is older than the database"
    )


async def test_pending_reports_what_is_not_yet_applied(conn: asyncpg.Connection[Any], folder: Path) -> None:
    assert await migrations.pending(conn, folder) == on_disk()
    assert "schema_migrations" not in await tables(conn)  # asking changes nothing
    await migrations.migrate(conn, folder)
    assert await migrations.pending(conn, folder) == []
    (folder / "9004_next.sql").write_text("CREATE TABLE next_one (id int);\n")
    (folder / "9005_after.sql").write_text("CREATE TABLE after_that (id int);\n")
    assert [(m.version, m.name) for m in await migrations.pending(conn, folder)] == [(9004, "next"), (9005, "after")]
    applied = await migrations.migrate(conn, folder)
    assert [m.version for m in applied] == [9004, 9005]
    assert {"next_one", "after_that"} <= await tables(conn)
    assert await migrations.pending(conn, folder) == []


async def test_a_failing_migration_is_rolled_back_and_stops_the_run(
    conn: asyncpg.Connection[Any], empty_database_url: str, folder: Path
) -> None:
    await migrations.migrate(conn, folder)
    (folder / "9006_broken.sql").write_text("CREATE TABLE half_done (id int);\nSELECT 1 / 0;\n")
    (folder / "9007_after.sql").write_text("CREATE TABLE after_broken (id int);\n")
    with pytest.raises(asyncpg.DivisionByZeroError):
        await migrations.migrate(conn, folder)
    assert not {"half_done", "after_broken"} & await tables(conn)
    assert [m.version for m in await migrations.pending(conn, folder)] == [9006, 9007]
    assert await lock_is_free(empty_database_url) is True
    (folder / "9006_broken.sql").write_text("CREATE TABLE half_done (id int);\n")  # fixed before it ever landed
    assert [m.version for m in await migrations.migrate(conn, folder)] == [9006, 9007]


async def test_files_other_than_sql_are_ignored(conn: asyncpg.Connection[Any], folder: Path) -> None:
    (folder / "README.md").write_text("notes")
    (folder / "9008_draft.sql.bak").write_text("DROP TABLE events;")
    assert await migrations.migrate(conn, folder) == on_disk()
