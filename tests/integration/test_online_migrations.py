"""Online migrations: no-transaction files for concurrent index builds, invalid indexes rebuilt, lock_timeout with
retries, `canon migrate --status`, and writers that keep writing while an index migration runs."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import asyncpg
import pytest

from service import cli
from service.store import migrations

LOCK_KEY = 0x63616E6F6E
if TYPE_CHECKING:
    Conn: TypeAlias = asyncpg.Connection[Any]
else:
    Conn = asyncpg.Connection
QUICK = migrations.LockPolicy(timeout=0.2, attempts=30, backoff=0.05, max_backoff=0.2)


@pytest.fixture
async def conn(empty_database_url: str) -> AsyncIterator[Conn]:
    connection = await asyncpg.connect(empty_database_url)
    try:
        yield connection
    finally:
        await connection.close()


def copy_up_to(target: Path, last: int) -> Path:
    """The real migrations up to `last`, in a folder of their own."""
    target.mkdir()
    for path in sorted(migrations.default_directory().glob("*.sql")):
        if int(path.name[:4]) <= last:
            shutil.copy(path, target / path.name)
    return target


# 0008 and 0010 as they first landed (building their index in a transaction): what existing databases recorded.
SUPERSEDED = Path(__file__).parent / "superseded_migrations"
OLD_0008 = (SUPERSEDED / "0008_webhook_claim_index.sql").read_text()
OLD_0010 = (SUPERSEDED / "0010_search_spelling_index.sql").read_text()


async def index_state(conn: Conn, name: str) -> tuple[bool, str] | None:
    row = await conn.fetchrow(
        "SELECT i.indisvalid, pg_get_indexdef(i.indexrelid) AS definition FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = $1",
        name,
    )
    return None if row is None else (row["indisvalid"], row["definition"])


async def ledger_versions(conn: Conn) -> list[int]:
    return [r["version"] for r in await conn.fetch("SELECT version FROM schema_migrations ORDER BY version")]


# --- no-transaction migrations ---------------------------------------------------------------------------------


def test_a_no_transaction_file_is_split_into_its_statements() -> None:
    sql = (
        "-- canon: no-transaction\n-- Reason: two indexes.\n\n-- why the first; not the end\n"
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS a\n    ON t (x);\nDROP INDEX CONCURRENTLY IF EXISTS b;\n"
    )
    migration = migrations.Migration(9000, "two", sql)
    assert not migration.in_transaction
    assert migration.statements() == [
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS a\n    ON t (x);",
        "DROP INDEX CONCURRENTLY IF EXISTS b;",
    ]
    assert migrations.Migration(9001, "plain", "-- Reason: x\n-- canon: no-transaction\nSELECT 1;").in_transaction


async def test_the_index_migrations_run_outside_a_transaction() -> None:
    outside = {m.version for m in migrations.load() if not m.in_transaction}
    assert outside == {8, 10, 17, 21, 26}
    for migration in migrations.load():
        if not migration.in_transaction:
            for statement in migration.statements():  # nothing that would make writers wait
                assert "CONCURRENTLY" in statement or statement.startswith("ALTER INDEX"), statement


async def test_a_dollar_quoted_body_is_refused_in_a_no_transaction_file(conn: Conn, tmp_path: Path) -> None:
    folder = copy_up_to(tmp_path / "m", 1)
    (folder / "0002_body.sql").write_text(
        "-- canon: no-transaction\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;\n"
    )
    with pytest.raises(migrations.MigrationError, match="cannot hold a dollar-quoted body"):
        await migrations.migrate(conn, folder)


async def test_a_no_transaction_migration_applies_each_statement_and_is_recorded(conn: Conn, tmp_path: Path) -> None:
    folder = copy_up_to(tmp_path / "m", 99)
    (folder / "9100_concurrent.sql").write_text(
        "-- canon: no-transaction\n-- Reason: two indexes built while entries are written.\n"
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS entries_created ON entries (created_at);\n"
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS entries_updated\n    ON entries (updated_at);\n"
    )
    applied = await migrations.migrate(conn, folder)
    assert applied[-1].version == 9100
    row = await conn.fetchrow("SELECT name, checksum FROM schema_migrations WHERE version = 9100")
    assert row is not None
    assert (row["name"], row["checksum"]) == ("concurrent", migrations.load(folder)[-1].checksum)
    for name in ("entries_created", "entries_updated"):
        state = await index_state(conn, name)
        assert state is not None
        assert state[0] is True
    # The session's settings are as they were: no statement_timeout or lock_timeout left behind.
    assert await conn.fetchval("SHOW lock_timeout") == "0"
    assert await conn.fetchval("SHOW statement_timeout") == "0"


async def test_a_failed_concurrent_build_leaves_an_invalid_index_that_the_retry_drops_and_rebuilds(
    conn: Conn, tmp_path: Path
) -> None:
    folder = copy_up_to(tmp_path / "m", 1)
    (folder / "0002_pairs.sql").write_text("CREATE TABLE pairs (v int);\nINSERT INTO pairs VALUES (1), (1), (2);\n")
    (folder / "0003_unique.sql").write_text(
        "-- canon: no-transaction\n-- Reason: one row per value.\n"
        "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS pairs_v ON pairs (v);\n"
    )
    with pytest.raises(asyncpg.UniqueViolationError):
        await migrations.migrate(conn, folder)
    # PostgreSQL leaves the failed build behind: INVALID, enforcing nothing, yet enough for IF NOT EXISTS to skip.
    assert await index_state(conn, "pairs_v") == (False, "CREATE UNIQUE INDEX pairs_v ON public.pairs USING btree (v)")
    assert await ledger_versions(conn) == [1, 2]
    await conn.execute("DELETE FROM pairs WHERE ctid = (SELECT max(ctid) FROM pairs WHERE v = 1)")
    assert [m.version for m in await migrations.migrate(conn, folder)] == [3]
    assert await index_state(conn, "pairs_v") == (True, "CREATE UNIQUE INDEX pairs_v ON public.pairs USING btree (v)")
    with pytest.raises(asyncpg.UniqueViolationError):
        await conn.execute("INSERT INTO pairs VALUES (2)")
    assert await ledger_versions(conn) == [1, 2, 3]


# --- the rewritten landed migrations --------------------------------------------------------------------------


async def test_a_database_that_ran_the_first_text_of_0008_and_0010_keeps_its_record(conn: Conn, tmp_path: Path) -> None:
    old = copy_up_to(tmp_path / "old", migrations.load()[-1].version)  # every migration, 0008 and 0010 as first landed
    (old / "0008_webhook_claim_index.sql").write_text(OLD_0008)
    (old / "0010_search_spelling_index.sql").write_text(OLD_0010)
    await migrations.migrate(conn, old)
    rows = await conn.fetch("SELECT version, checksum FROM schema_migrations WHERE version IN (8, 10)")
    recorded = {r["version"]: r["checksum"] for r in rows}
    assert recorded == {v: next(iter(migrations.SUPERSEDED_CHECKSUMS[v])) for v in (8, 10)}
    assert await migrations.migrate(conn) == []  # the current texts accept the superseded checksums
    assert await migrations.pending(conn) == []


async def test_new_and_old_databases_end_with_the_same_indexes(conn: Conn, tmp_path: Path) -> None:
    await migrations.migrate(conn)
    # Only the first texts are accepted beside the current ones: any other edit is refused as before.
    edited = copy_up_to(tmp_path / "edited", 99)
    path = edited / "0008_webhook_claim_index.sql"
    path.write_text(path.read_text() + "\n")
    with pytest.raises(migrations.MigrationError, match=r"0008_webhook_claim_index\.sql was edited"):
        await migrations.migrate(conn, edited)
    for name, definition in (
        (
            "webhook_deliveries_subscription_due",
            "CREATE INDEX webhook_deliveries_subscription_due ON public.webhook_deliveries USING btree "
            "(subscription_id, next_attempt_at, id) WHERE (status = 'pending'::text)",
        ),
        (
            "search_terms_trgm",
            "CREATE INDEX search_terms_trgm ON public.search_terms USING gist (term gist_trgm_ops (siglen='256'))",
        ),
    ):
        assert await index_state(conn, name) == (True, definition)
    assert await index_state(conn, "search_terms_trgm_wide") is None


# --- lock_timeout and retries ---------------------------------------------------------------------------------


async def test_a_migration_gives_up_on_a_held_lock_retries_and_lets_traffic_through(
    conn: Conn, empty_database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = copy_up_to(tmp_path / "m", 99)
    await migrations.migrate(conn, folder)
    (folder / "9200_nickname.sql").write_text("-- Reason: a column.\nALTER TABLE entries ADD COLUMN nickname text;\n")
    holder, reader = await asyncpg.connect(empty_database_url), await asyncpg.connect(empty_database_url)
    try:
        holding = holder.transaction()
        await holding.start()
        await holder.execute("LOCK TABLE entries IN ACCESS SHARE MODE")  # a long read, say
        caplog.set_level(logging.WARNING, logger="service.store.migrations")
        run = asyncio.create_task(migrations.migrate(conn, folder, policy=QUICK))
        # While the ALTER waits for its ACCESS EXCLUSIVE lock, new readers queue behind it, but never for longer
        # than lock_timeout: it gives up, and they go through.
        reads = []
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline:
            started = time.monotonic()
            await reader.fetchval("SELECT count(*) FROM entries")
            reads.append(time.monotonic() - started)
            await asyncio.sleep(0.01)
        assert not run.done()
        await holding.rollback()
        applied = await asyncio.wait_for(run, 10)
    finally:
        await holder.close()
        await reader.close()
    assert [m.version for m in applied] == [9200]
    assert await conn.fetchval("SELECT count(*) FROM information_schema.columns WHERE column_name = 'nickname'") == 1
    retries = [r for r in caplog.records if "gave up waiting for a lock" in r.getMessage()]
    assert len(retries) >= 3
    assert max(reads) < 0.2 + 0.3, f"a reader waited {max(reads):.2f}s behind the migration"


async def test_a_migration_that_never_gets_its_lock_stops_after_its_attempts(
    conn: Conn, empty_database_url: str, tmp_path: Path
) -> None:
    folder = copy_up_to(tmp_path / "m", 99)
    await migrations.migrate(conn, folder)
    (folder / "9201_nickname.sql").write_text("ALTER TABLE entries ADD COLUMN nickname text;\n")
    holder = await asyncpg.connect(empty_database_url)
    try:
        async with holder.transaction():
            await holder.execute("LOCK TABLE entries IN ACCESS SHARE MODE")
            started = time.monotonic()
            with pytest.raises(asyncpg.LockNotAvailableError):
                await migrations.migrate(
                    conn, folder, policy=migrations.LockPolicy(timeout=0.1, attempts=3, backoff=0.1)
                )
            elapsed = time.monotonic() - started
    finally:
        await holder.close()
    assert 0.3 + 0.3 <= elapsed < 3  # three waits of 0.1 s, pauses of 0.1 s and 0.2 s between them
    assert 9201 not in await ledger_versions(conn)
    assert await conn.fetchval("SHOW lock_timeout") == "0"
    assert await conn.fetchval("SELECT pg_try_advisory_lock($1)", LOCK_KEY) is True  # released
    await conn.execute("SELECT pg_advisory_unlock($1)", LOCK_KEY)


# --- canon migrate --status -----------------------------------------------------------------------------------


async def run_cli(url: str, *argv: str) -> tuple[int, str]:
    """`canon <argv>` in a process of its own, against the database at `url`: its exit code and output."""
    process = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "canon"),
        *argv,
        env={**os.environ, "CANON_DATABASE_URL": url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode is not None
    assert process.returncode in (0, cli.MIGRATIONS_PENDING_EXIT), err.decode()
    return process.returncode, out.decode()


async def test_migrate_status_lists_applied_and_pending_migrations(
    conn: Conn, empty_database_url: str, tmp_path: Path
) -> None:
    everything = migrations.load()
    await migrations.migrate(conn, copy_up_to(tmp_path / "m", 5))
    code, out = await run_cli(empty_database_url, "migrate", "--status")
    lines = out.splitlines()
    assert code == cli.MIGRATIONS_PENDING_EXIT == 3
    assert len(lines) == len(everything) + 1
    assert lines[0].startswith("0001_initial ")
    assert " applied 20" in lines[0]
    assert lines[0].endswith(" UTC")
    assert lines[5].split() == ["0006_asset_text", "pending"]
    assert lines[-1] == f"5 applied, {len(everything) - 5} pending"
    assert await ledger_versions(conn) == [1, 2, 3, 4, 5]  # asking applies nothing

    code, out = await run_cli(empty_database_url, "migrate")
    assert code == 0
    assert out.startswith(f"applied {len(everything) - 5} migration(s)")
    code, out = await run_cli(empty_database_url, "migrate", "--status")
    assert code == 0
    assert out.splitlines()[-1] == f"{len(everything)} applied, 0 pending"
    assert all(" applied " in line for line in out.splitlines()[:-1])


# --- writers keep writing while an index migration runs --------------------------------------------------------


async def write_while(url: str, insert: Callable[[Conn, int], Awaitable[Any]], work: Awaitable[Any]) -> float:
    """Run `insert` in a loop on a connection of its own while `work` runs; the longest single insert (seconds)."""
    writer = await asyncpg.connect(url)
    # What is measured is waiting for locks, not for the disk, which the build's sort and each commit's flush share.
    await writer.execute("SET synchronous_commit = off")
    latencies: list[float] = []
    done = asyncio.Event()

    async def loop() -> None:
        n = 0
        while not done.is_set():
            started = time.monotonic()
            await insert(writer, n)
            latencies.append(time.monotonic() - started)
            n += 1
            await asyncio.sleep(0.002)

    try:
        task = asyncio.create_task(loop())
        await asyncio.sleep(0.05)
        await work
        done.set()
        await task
    finally:
        await writer.close()
    assert len(latencies) > 5
    return max(latencies)


SUBSCRIPTION = "00000000-0000-0000-0000-000000000001"


async def seed_deliveries(conn: Conn, rows: int) -> None:
    await conn.execute(
        "INSERT INTO webhook_subscriptions (id, url, secret, created_by) VALUES ($1, 'https://x', 's', 't')",
        uuid.UUID(SUBSCRIPTION),
    )
    await conn.execute(
        f"""INSERT INTO webhook_deliveries (subscription_id, event_type, scope, payload, status, next_attempt_at)
            SELECT '{SUBSCRIPTION}', 'entry.published', 'definition:' || (g % 1000), '{{}}',
                   CASE WHEN g % 10 = 0 THEN 'succeeded' ELSE 'pending' END, now() + g * interval '1 second'
            FROM generate_series(1, $1) g""",
        rows,
    )
    await conn.execute("ANALYZE webhook_deliveries")


async def insert_delivery(writer: Conn, n: int) -> None:
    await writer.execute(
        f"INSERT INTO webhook_deliveries (subscription_id, event_type, scope, payload) "
        f"VALUES ('{SUBSCRIPTION}', 'entry.published', 'definition:w', '{{}}')"
    )


async def test_deliveries_are_written_while_0008_builds_its_index_and_were_blocked_by_the_first_text(
    conn: Conn, empty_database_url: str, tmp_path: Path
) -> None:
    folder = copy_up_to(tmp_path / "m", 7)
    await migrations.migrate(conn, folder)
    await seed_deliveries(conn, 900_000)
    await conn.execute("SET maintenance_work_mem = '1MB'")  # both builds sort on disk: long enough to measure
    shutil.copy(migrations.default_directory() / "0008_webhook_claim_index.sql", folder)

    started = time.monotonic()
    concurrent = await write_while(empty_database_url, insert_delivery, migrations.migrate(conn, folder))
    build = time.monotonic() - started
    assert await ledger_versions(conn) == list(range(1, 9))
    assert (await index_state(conn, "webhook_deliveries_subscription_due") or (False,))[0] is True

    # The first text of 0008, in a transaction as it ran then: every insert waits for the whole build.
    await conn.execute("DROP INDEX webhook_deliveries_subscription_due")

    async def blocking_build() -> None:
        async with conn.transaction():
            await conn.execute(OLD_0008)

    blocked = await write_while(empty_database_url, insert_delivery, blocking_build())
    assert blocked > 0.2, f"the blocking build took only {blocked:.3f}s: too few rows to tell"
    assert concurrent < blocked / 3, (
        f"longest insert {concurrent:.3f}s while building concurrently ({build:.2f}s), {blocked:.3f}s blocked"
    )


async def test_vocabulary_words_are_written_while_0010_rebuilds_its_index(
    conn: Conn, empty_database_url: str, tmp_path: Path
) -> None:
    folder = copy_up_to(tmp_path / "m", 9)
    await migrations.migrate(conn, folder)
    await conn.execute("INSERT INTO search_terms (term) SELECT md5(g::text) FROM generate_series(1, 100000) g")
    shutil.copy(migrations.default_directory() / "0010_search_spelling_index.sql", folder)

    async def insert_term(writer: Conn, n: int) -> None:
        await writer.execute("INSERT INTO search_terms (term) VALUES ($1) ON CONFLICT DO NOTHING", f"written{n}")

    started = time.monotonic()
    concurrent = await write_while(empty_database_url, insert_term, migrations.migrate(conn, folder))
    build = time.monotonic() - started
    assert await ledger_versions(conn) == list(range(1, 11))
    state = await index_state(conn, "search_terms_trgm")
    assert state is not None
    assert state[0] is True
    assert "siglen='256'" in state[1]
    assert concurrent < max(0.1, build / 5), f"longest insert {concurrent:.3f}s during a {build:.2f}s rebuild"


async def test_deliveries_are_written_while_0018_queues_them_and_0021_indexes_the_heads(
    conn: Conn, empty_database_url: str, tmp_path: Path
) -> None:
    """0018 adds the head marker and its triggers and marks the heads of what is pending, in one transaction (writes
    wait for that, which reads the pending deliveries only); 0021 indexes the heads without blocking. Deliveries
    written all along, before the triggers existed, meanwhile and after, end in queues with exactly one head each:
    the oldest pending delivery."""
    folder = copy_up_to(tmp_path / "m", 17)
    await migrations.migrate(conn, folder)
    await seed_deliveries(conn, 300_000)
    await conn.execute("SET maintenance_work_mem = '1MB'")
    for name in ("0018_webhook_queue_heads.sql", "0021_webhook_claim_heads_index.sql"):
        shutil.copy(migrations.default_directory() / name, folder)
    pending_before = await conn.fetchval("SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'")

    started = time.monotonic()
    longest = await write_while(empty_database_url, insert_delivery, migrations.migrate(conn, folder, policy=QUICK))
    took = time.monotonic() - started
    assert [v for v in await ledger_versions(conn) if v > 17] == [18, 21]
    assert (await index_state(conn, "webhook_deliveries_due_heads") or (False,))[0] is True

    written = await conn.fetchval("SELECT count(*) FROM webhook_deliveries WHERE scope = 'definition:w'")
    assert written > 5
    heads = await conn.fetch(
        """SELECT scope, array_agg(id ORDER BY id) FILTER (WHERE head) AS heads, min(id) AS oldest
           FROM webhook_deliveries WHERE status = 'pending' GROUP BY scope"""
    )
    assert len(heads) == 900 + 1  # a scope whose number ends in 0 has only succeeded deliveries
    assert all(row["heads"] == [row["oldest"]] for row in heads), [r for r in heads if r["heads"] != [r["oldest"]]]
    assert await conn.fetchval("SELECT count(*) FROM webhook_delivery_queues") == 900 + 1
    assert pending_before > 250_000
    assert longest < took, f"longest insert {longest:.3f}s during {took:.2f}s of migrations"
