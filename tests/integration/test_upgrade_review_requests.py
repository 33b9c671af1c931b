"""Migration 0019 puts the reviews already under way in their teams' queues: one request per team still to approve,
dated and attributed by the last submission the audit log recorded (else the version's own dates and author)."""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from pathlib import Path

import asyncpg

from service.store import migrations

AUDITED, UNAUDITED, DRAFT = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


async def test_the_upgrade_queues_every_review_under_way(empty_database_url: str, tmp_path: Path) -> None:
    before = tmp_path / "migrations"
    before.mkdir()
    for path in sorted(migrations.default_directory().glob("*.sql")):
        if int(path.name[:4]) < 19:
            shutil.copy(path, before / path.name)
    conn = await asyncpg.connect(empty_database_url)
    try:
        await migrations.migrate(conn, before)
        await conn.execute(
            """INSERT INTO entries (id, kind, slug, title, owners, required_teams, latest_version, created_by)
               VALUES ($1, 'definition', 'mql', 'MQL', '{sales}', '{sales}', 1, 'x'),
                      ($2, 'message', 'pitch', 'Pitch', '{sales}', '{sales}', 1, 'x'),
                      ($3, 'definition', 'sql', 'SQL', '{sales}', '{sales}', 1, 'x')""",
            AUDITED,
            UNAUDITED,
            DRAFT,
        )
        await conn.execute(
            """INSERT INTO versions (entry_id, number, status, content, author, title, tags, owners, required_teams,
                                     review_teams, submitted_at)
               VALUES ($1, 1, 'in_review', '{}', 'ana', 'MQL', '{}', '{sales}', '{sales}', '{legal,marketing,sales}',
                       now() - interval '3 days'),
                      ($2, 1, 'in_review', '{}', 'bo', 'Pitch', '{}', '{sales}', '{sales}', '{sales}',
                       now() - interval '1 day'),
                      ($3, 1, 'draft', '{}', 'cy', 'SQL', '{}', '{sales}', '{sales}', NULL, NULL)""",
            AUDITED,
            UNAUDITED,
            DRAFT,
        )
        await conn.execute(
            """INSERT INTO approvals (entry_id, number, team, approver) VALUES ($1, 1, 'marketing', 'mo')""", AUDITED
        )
        resubmitted = dt.datetime.now(dt.UTC) - dt.timedelta(hours=5)
        await conn.execute(
            """INSERT INTO audit_log (actor, action, kind, slug, entry_id, to_version, actor_type, actor_name, at)
               VALUES ('ana', 'definition.submitted', 'definition', 'mql', $1, 1, 'person', 'Ana',
                       now() - interval '3 days'),
                      ('eve', 'definition.submitted', 'definition', 'mql', $1, 1, 'person', 'Eve', $2)""",
            AUDITED,
            resubmitted,
        )
        await migrations.migrate(conn)
        rows = await conn.fetch(
            """SELECT entry_id, team, requested_at, requested_by, requested_by_name, requested_by_type, overdue_windows
               FROM review_requests ORDER BY entry_id = $1 DESC, team""",
            AUDITED,
        )
        assert [(r["entry_id"] == AUDITED, r["team"], r["requested_by"], r["requested_by_name"]) for r in rows] == [
            (True, "legal", "eve", "Eve"),
            (True, "sales", "eve", "Eve"),
            (False, "sales", "bo", "bo"),
        ]
        assert rows[0]["requested_at"] == resubmitted
        assert rows[2]["requested_at"] < dt.datetime.now(dt.UTC) - dt.timedelta(hours=23)
        assert {r["overdue_windows"] for r in rows} == {0}
        acknowledge = await conn.fetch("SELECT DISTINCT acknowledge_teams FROM versions")
        assert [r["acknowledge_teams"] for r in acknowledge] == [[]]
        assert await conn.fetchval("SELECT count(*) FROM entries WHERE review_window_seconds IS NOT NULL") == 0
    finally:
        await conn.close()
