"""Ordered plain-SQL migrations, applied once each under an advisory lock and recorded with a checksum.

A file whose first line is `-- canon: no-transaction` runs outside a transaction, one statement at a time (for
`CREATE INDEX CONCURRENTLY`); see `statements` for how it is split. Every migration runs under `lock_timeout` and is
retried with backoff when it gives up waiting for a lock (`LockPolicy`), so it never queues in front of traffic.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

from service.store.database import Connection

log = logging.getLogger(__name__)

# Any fixed number works; it only has to be the same in every Canon process sharing a database.
_ADVISORY_LOCK_KEY = 0x63616E6F6E  # "canon"
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
NO_TRANSACTION = "-- canon: no-transaction"
# How often a runner asks for the advisory lock while another one holds it (see `_take_advisory_lock`).
_LOCK_POLL_SECONDS = 0.2
# Client-side limit on one statement of a no-transaction migration: an index build takes as long as it takes.
_NO_CLIENT_TIMEOUT = 7 * 24 * 3600.0
# `CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS] name`: the index a statement builds, checked before it runs.
_CONCURRENT_INDEX = re.compile(
    r"^\s*CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+(?:IF\s+NOT\s+EXISTS\s+)?([a-z_][a-z0-9_]*)\s",
    re.IGNORECASE,
)

# Landed migrations rewritten to build their index CONCURRENTLY (decision 44, docs/decisions.md). A database that
# applied the earlier text has the same index, built while it blocked writes; its ledger keeps the checksum of the
# text it ran, which is accepted here in place of the current one. Nothing else may change a landed migration.
SUPERSEDED_CHECKSUMS: dict[int, frozenset[str]] = {
    8: frozenset({"16769fc3c9ed198d75222d67eff04b2c4b79c767eb626397203a9fc352ed658b"}),
    10: frozenset({"41822c07b73a8f2d7619934c9ad965d608ba6c8501ca440bf0ae927bc0233a5c"}),
}


class MigrationError(RuntimeError):
    """The migrations on disk and the ones recorded in the database disagree."""


@dataclass(frozen=True)
class LockPolicy:
    """How long a migration waits for a table lock (`lock_timeout`) and how often it tries again after giving up.

    Tries `attempts` times in all, sleeping `backoff`, then twice that, ... (at most `max_backoff`) in between.
    """

    timeout: float = 5.0
    attempts: int = 6
    backoff: float = 1.0
    max_backoff: float = 30.0

    def delay(self, failed: int) -> float:
        return float(min(self.max_backoff, self.backoff * 2 ** (failed - 1)))


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()

    @property
    def in_transaction(self) -> bool:
        return self.sql.split("\n", 1)[0].strip() != NO_TRANSACTION

    def statements(self) -> list[str]:
        """A no-transaction file's statements, in order.

        The rule: whole-line comments (`--`) are dropped, and a statement ends at a line that ends with `;`. Files
        without a transaction hold only statements such as `CREATE INDEX CONCURRENTLY`, so no dollar-quoted body
        (`$$`) is allowed in them; `load` refuses one.
        """
        found: list[str] = []
        current: list[str] = []
        for line in self.sql.splitlines():
            if line.strip().startswith("--") or not line.strip():
                continue
            current.append(line)
            if line.rstrip().endswith(";"):
                found.append("\n".join(current))
                current = []
        if current:
            found.append("\n".join(current))
        return found


@dataclass(frozen=True)
class MigrationState:
    """One line of `canon migrate --status`: a migration on disk or in the ledger, and when it was applied."""

    version: int
    name: str
    applied_at: dt.datetime | None
    on_disk: bool = True


def default_directory() -> Path:
    """`migrations/` beside the package in a checkout, or the copy packed inside the wheel."""
    packaged = Path(__file__).resolve().parent.parent / "_migrations"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent.parent / "migrations"


def load(directory: Path | None = None) -> list[Migration]:
    folder = directory or default_directory()
    found: list[Migration] = []
    for path in sorted(folder.glob("*.sql")):
        match = _NAME.match(path.name)
        if match is None:
            raise MigrationError(f"{path.name}: migration files are named NNNN_name.sql")
        migration = Migration(int(match.group(1)), match.group(2), path.read_text())
        if not migration.in_transaction and "$$" in migration.sql:
            raise MigrationError(f"{path.name}: a no-transaction migration cannot hold a dollar-quoted body")
        found.append(migration)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise MigrationError("two migration files share a version number")
    return found


_CREATE_LEDGER = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)"""

_RECORD = "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)"


async def migrate(
    conn: Connection, directory: Path | None = None, *, policy: LockPolicy | None = None
) -> list[Migration]:
    """Apply every pending migration in order; return the ones applied by this call.

    Safe to run from several processes at once: the advisory lock serialises them and the ledger is
    re-read under the lock, so each migration runs exactly once. An edited landed migration is refused.
    A migration that cannot get a table lock within `policy.timeout` is rolled back and tried again later; after
    `policy.attempts` tries the `LockNotAvailableError` is raised and the run stops.
    """
    policy = policy or LockPolicy()
    migrations = load(directory)
    await _take_advisory_lock(conn)
    previous = await conn.fetchval("SELECT current_setting('lock_timeout')")
    try:
        await conn.execute(_CREATE_LEDGER)
        applied = {r["version"]: r for r in await conn.fetch("SELECT version, name, checksum FROM schema_migrations")}
        _check_landed(migrations, applied)
        await conn.execute("SELECT set_config('lock_timeout', $1, false)", f"{round(policy.timeout * 1000)}ms")
        done: list[Migration] = []
        for migration in migrations:
            if migration.version in applied:
                continue
            await _apply_with_retries(conn, migration, policy)
            done.append(migration)
        return done
    finally:
        await conn.execute("SELECT set_config('lock_timeout', $1, false)", previous)
        await conn.execute("SELECT pg_advisory_unlock($1)", _ADVISORY_LOCK_KEY)


async def _take_advisory_lock(conn: Connection) -> None:
    """Wait for the migrations lock by asking again and again rather than by `pg_advisory_lock`.

    A session blocked in `pg_advisory_lock` is a running statement with a snapshot, and `CREATE INDEX CONCURRENTLY`
    in the session holding the lock waits for every older snapshot to go: the two would deadlock.
    """
    while True:
        if await conn.fetchval("SELECT pg_try_advisory_lock($1)", _ADVISORY_LOCK_KEY):
            return
        await asyncio.sleep(_LOCK_POLL_SECONDS)


async def _apply_with_retries(conn: Connection, migration: Migration, policy: LockPolicy) -> None:
    for attempt in range(1, policy.attempts + 1):
        try:
            if migration.in_transaction:
                async with conn.transaction():
                    await conn.execute(migration.sql)
                    await conn.execute(_RECORD, migration.version, migration.name, migration.checksum)
            else:
                await _apply_outside_transaction(conn, migration)
            return
        except asyncpg.LockNotAvailableError:
            if attempt == policy.attempts:
                raise
            pause = policy.delay(attempt)
            log.warning(
                "migration %04d_%s gave up waiting for a lock after %ss (try %d of %d); trying again in %ss",
                migration.version,
                migration.name,
                policy.timeout,
                attempt,
                policy.attempts,
                pause,
            )
            await asyncio.sleep(pause)


async def _apply_outside_transaction(conn: Connection, migration: Migration) -> None:
    """Each statement on its own, then the ledger row: a file that fails part-way is not recorded and runs again
    from its first statement, so its statements are written to be repeated (`IF NOT EXISTS`, `IF EXISTS`). An index
    a failed concurrent build left behind (`indisvalid` false) would satisfy `IF NOT EXISTS` while serving no query:
    it is dropped first, so the build starts over."""
    previous = await conn.fetchval("SELECT current_setting('statement_timeout')")
    await conn.execute("SET statement_timeout = 0")
    try:
        for statement in migration.statements():
            building = _CONCURRENT_INDEX.match(statement)
            if building is not None:
                await _drop_if_invalid(conn, building.group(1))
            await conn.execute(statement, timeout=_NO_CLIENT_TIMEOUT)
        await conn.execute(_RECORD, migration.version, migration.name, migration.checksum)
    finally:
        await conn.execute("SELECT set_config('statement_timeout', $1, false)", previous)


async def _drop_if_invalid(conn: Connection, index: str) -> None:
    invalid = await conn.fetchval(
        """SELECT format('%I.%I', n.nspname, c.relname) FROM pg_index i
           JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relname = $1 AND n.nspname = current_schema() AND NOT i.indisvalid""",
        index,
    )
    if invalid is not None:
        log.warning("dropping %s, left invalid by a failed concurrent build, to build it again", invalid)
        await conn.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {invalid}", timeout=_NO_CLIENT_TIMEOUT)


async def pending(conn: Connection, directory: Path | None = None) -> list[Migration]:
    """Migrations on disk that the database has not recorded (empty when the schema is current)."""
    migrations = load(directory)
    exists = await conn.fetchval("SELECT to_regclass('schema_migrations') IS NOT NULL")
    if not exists:
        return migrations
    applied = {r["version"] for r in await conn.fetch("SELECT version FROM schema_migrations")}
    return [m for m in migrations if m.version not in applied]


async def status(conn: Connection, directory: Path | None = None) -> list[MigrationState]:
    """Every migration on disk, applied (with its time) or pending, and any the ledger has that the disk lacks."""
    migrations = load(directory)
    exists = await conn.fetchval("SELECT to_regclass('schema_migrations') IS NOT NULL")
    rows = await conn.fetch("SELECT version, name, applied_at FROM schema_migrations") if exists else []
    applied = {r["version"]: r for r in rows}
    states = [
        MigrationState(m.version, m.name, applied[m.version]["applied_at"] if m.version in applied else None)
        for m in migrations
    ]
    on_disk = {m.version for m in migrations}
    states += [
        MigrationState(v, r["name"], r["applied_at"], on_disk=False) for v, r in applied.items() if v not in on_disk
    ]
    return sorted(states, key=lambda s: s.version)


def _check_landed(migrations: list[Migration], applied: dict[int, Any]) -> None:
    on_disk = {m.version: m for m in migrations}
    for version, row in sorted(applied.items()):
        migration = on_disk.get(version)
        if migration is None:
            raise MigrationError(
                f"the database has migration {version:04d}_{row['name']} which is not on disk: "
                "this code is older than the database"
            )
        accepted = {migration.checksum} | SUPERSEDED_CHECKSUMS.get(version, frozenset())
        if row["checksum"] not in accepted:
            raise MigrationError(
                f"migration {version:04d}_{migration.name}.sql was edited after it was applied "
                f"(checksum {migration.checksum[:12]} != recorded {row['checksum'][:12]}); "
                "landed migrations are never edited: add a new migration instead"
            )
