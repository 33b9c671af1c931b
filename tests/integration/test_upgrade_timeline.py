"""Migration 0013 recomputes every entry's timeline under the one rule, from the data 0012's code wrote."""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from pathlib import Path

import asyncpg

from service.store import migrations

SCHEDULED, BACKDATED = uuid.uuid4(), uuid.uuid4()


async def test_the_upgrade_puts_every_entry_on_the_timeline_rule(empty_database_url: str, tmp_path: Path) -> None:
    before = tmp_path / "migrations"
    before.mkdir()
    for path in sorted(migrations.default_directory().glob("*.sql")):
        if int(path.name[:4]) <= 12:
            shutil.copy(path, before / path.name)
    future = (dt.datetime.now(dt.UTC) + dt.timedelta(days=30)).date()
    conn = await asyncpg.connect(empty_database_url)
    try:
        await migrations.migrate(conn, before)
        # As 0012's code left them: a version with a future effective date made current at once (its predecessor
        # superseded), and one with a past effective date in effect only from its publication.
        await conn.execute(
            """INSERT INTO entries (id, kind, slug, title, owners, required_teams, current_version, latest_version,
                                    created_by)
               VALUES ($1, 'definition', 'mql', 'MQL', '{sales}', '{sales}', 2, 2, 'x'),
                      ($2, 'definition', 'sql', 'SQL', '{sales}', '{sales}', 1, 1, 'x')""",
            SCHEDULED,
            BACKDATED,
        )
        await conn.execute(
            """INSERT INTO versions (entry_id, number, status, content, author, title, tags, owners, required_teams,
                                     published_at, effective_from, superseded_at)
               VALUES ($1, 1, 'superseded', '{}', 'x', 'MQL', '{}', '{sales}', '{sales}',
                       now() - interval '10 days', now() - interval '10 days', now() - interval '1 day'),
                      ($1, 2, 'published', $3, 'x', 'MQL', '{}', '{sales}', '{sales}',
                       now() - interval '1 day', $4::date::timestamptz, NULL),
                      ($2, 1, 'published', '{"effective_date": "2026-03-01"}', 'x', 'SQL', '{}', '{sales}', '{sales}',
                       now() - interval '1 day', now() - interval '1 day', NULL)""",
            SCHEDULED,
            BACKDATED,
            f'{{"effective_date": "{future.isoformat()}"}}',
            future,
        )
        await migrations.migrate(conn)
        rows = await conn.fetch(
            "SELECT entry_id, number, status, effective_from FROM versions ORDER BY entry_id = $1 DESC, number",
            SCHEDULED,
        )
        states = [(r["entry_id"] == SCHEDULED, r["number"], r["status"]) for r in rows]
        assert states == [(True, 1, "published"), (True, 2, "published"), (False, 1, "published")]
        assert rows[1]["effective_from"] == dt.datetime.combine(future, dt.time(), tzinfo=dt.UTC)
        assert rows[2]["effective_from"] == dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
        current = dict(await conn.fetch("SELECT id, current_version FROM entries"))  # type: ignore[arg-type]
        assert current == {SCHEDULED: 1, BACKDATED: 1}
        assert (
            await conn.fetchval("SELECT superseded_at FROM versions WHERE entry_id = $1 AND number = 1", SCHEDULED)
            is None
        )
    finally:
        await conn.close()
