"""Migration 0012 on a database with the schema and data of 0011: nothing is lost, and nothing is let through.

Reviewed fields move from entries into every version; each key becomes (or acts as) a person; duplicate key names
are numbered; a review that needed nobody now needs its owners; readers' feed loses the draft events.
"""

from __future__ import annotations

import hashlib
import shutil
import uuid
from pathlib import Path
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from service.app import create_app
from service.config import Settings
from service.store import migrations
from tests.conftest import ADMIN_KEY
from tests.support import decoded

ENTRY = uuid.uuid4()
NOBODY = uuid.uuid4()
MARKETING_KEY, SALES_KEY, AUTHOR_KEY, DUPLICATE_KEY = (uuid.uuid4() for _ in range(4))


def _hash(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


# What a 0011 database held, written the way 0011's code wrote it.
TODAYS_DATA: list[tuple[str, tuple[Any, ...]]] = [
    (
        """INSERT INTO api_keys (id, name, prefix, secret_hash, role, team, created_at) VALUES
           ($1, 'marketing lead', 'canon_aaaaaa', $5, 'approver', 'marketing', now() - interval '1 hour'),
           ($2, 'sales lead', 'canon_bbbbbb', $6, 'approver', 'sales', now() - interval '1 hour'),
           ($3, 'author', 'canon_cccccc', $7, 'editor', 'revops', now() - interval '1 hour'),
           ($4, 'author', 'canon_dddddd', $8, 'approver', 'marketing', now())""",
        (MARKETING_KEY, SALES_KEY, AUTHOR_KEY, DUPLICATE_KEY, _hash("m"), _hash("s"), _hash("a"), _hash("d")),
    ),
    (
        """INSERT INTO entries (id, kind, slug, title, tags, owners, required_teams, current_version, latest_version,
                                created_by)
           VALUES ($1, 'definition', 'mql', 'Marketing Qualified Lead', '{funnel}', '{marketing,sales}',
                   '{marketing,sales}', 1, 2, 'author'),
                  ($2, 'definition', 'nobody', 'Nobody Signs', '{}', '{marketing}', '{}', NULL, 1, 'author')""",
        (ENTRY, NOBODY),
    ),
    (
        """INSERT INTO versions (entry_id, number, status, content, author, author_key, published_at, effective_from)
           VALUES ($1, 1, 'published', '{"summary": "v1"}', 'author', $3, now(), now()),
                  ($1, 2, 'in_review', '{"summary": "v2"}', 'author', $3, NULL, NULL),
                  ($2, 1, 'approved', '{"summary": "approved with no approval at all"}', 'author', $3, NULL, NULL)""",
        (ENTRY, NOBODY, AUTHOR_KEY),
    ),
    (
        """INSERT INTO approvals (entry_id, number, team, approver, approver_key) VALUES
           ($1, 1, 'marketing', 'marketing lead', $2), ($1, 1, 'sales', 'sales lead', $3),
           ($1, 2, 'sales', 'sales lead', $3)""",
        (ENTRY, MARKETING_KEY, SALES_KEY),
    ),
    (
        """INSERT INTO audit_log (actor, actor_key, action, kind, slug, entry_id, to_version)
           VALUES ('author', $1, 'definition.created', 'definition', 'mql', $2, 1)""",
        (AUTHOR_KEY, ENTRY),
    ),
    (
        """INSERT INTO events (type, kind, entry_id, slug, version, data) VALUES
           ('definition.created', 'definition', $1, 'mql', 1, '{"slug": "mql", "actor": "author"}'),
           ('definition.published', 'definition', $1, 'mql', 1, '{"slug": "mql", "actor": "author"}'),
           ('definition.submitted', 'definition', $1, 'mql', 2, '{"slug": "mql", "actor": "author"}')""",
        (ENTRY,),
    ),
]


async def test_upgrading_a_database_with_todays_data_keeps_everything_and_closes_the_gaps(
    empty_database_url: str, tmp_path: Path
) -> None:
    before = tmp_path / "migrations"
    before.mkdir()
    for path in sorted(migrations.default_directory().glob("*.sql")):
        if int(path.name[:4]) <= 11:
            shutil.copy(path, before / path.name)
    conn = await asyncpg.connect(empty_database_url)
    try:
        await migrations.migrate(conn, before)
        async with conn.transaction():
            for statement, arguments in TODAYS_DATA:
                await conn.execute(statement, *arguments)
        applied = await migrations.migrate(conn)
        assert [m.version for m in applied] == [m.version for m in migrations.load() if m.version > 11]

        versions = await conn.fetch(
            """SELECT number, title, tags, owners, required_teams, review_teams, author_id, status FROM versions
               WHERE entry_id = $1 ORDER BY number""",
            ENTRY,
        )
        assert [(v["title"], v["tags"], v["owners"], v["required_teams"]) for v in versions] == [
            ("Marketing Qualified Lead", ["funnel"], ["marketing", "sales"], ["marketing", "sales"])
        ] * 2
        assert [v["author_id"] for v in versions] == [AUTHOR_KEY, AUTHOR_KEY]
        assert (versions[1]["status"], versions[1]["review_teams"]) == ("in_review", ["marketing", "sales"])
        nobody = await conn.fetchrow("SELECT status, review_teams FROM versions WHERE entry_id = $1", NOBODY)
        assert (nobody["status"], nobody["review_teams"]) == ("in_review", ["marketing"])

        keys = await conn.fetch(
            """SELECT k.name, p.type, p.subject, p.role, p.teams
               FROM api_keys k JOIN principals p ON p.id = k.principal_id ORDER BY k.created_at, k.name"""
        )
        assert sorted((k["name"], k["type"], k["role"], k["teams"]) for k in keys) == [
            ("author", "person", "editor", ["revops"]),
            ("author (2)", "person", "approver", ["marketing"]),
            ("marketing lead", "person", "approver", ["marketing"]),
            ("sales lead", "person", "approver", ["sales"]),
        ]
        approvers = await conn.fetch(
            "SELECT approver_id FROM approvals WHERE entry_id = $1 ORDER BY number, team", ENTRY
        )
        assert [a["approver_id"] for a in approvers] == [MARKETING_KEY, SALES_KEY, SALES_KEY]
        assert await conn.fetchval("SELECT actor_id FROM audit_log") == AUTHOR_KEY
        await _the_previous_release_still_writes(conn)
        audiences = await conn.fetch("SELECT type, audience FROM events ORDER BY id")
        assert [(e["type"], e["audience"]) for e in audiences] == [
            ("definition.created", "editor"),
            ("definition.published", "reader"),
            ("definition.submitted", "editor"),
        ]
    finally:
        await conn.close()

    # The upgraded database serves what it held, and its old keys still work as the people they became.
    settings = Settings(database_url=empty_database_url, bootstrap_admin_key=ADMIN_KEY, public_url="http://canon.test")
    async with AsyncTestClient(app=create_app(settings), base_url="http://canon.test") as client:
        read = decoded(await client.get("/v1/definitions/mql", headers={"Authorization": "Bearer a"}))
        assert (read.title, read.version.number, read.version.title) == (
            "Marketing Qualified Lead",
            1,
            "Marketing Qualified Lead",
        )
        me: dict[str, Any] = (await client.get("/v1/me", headers={"Authorization": "Bearer s"})).json()
        assert (me["type"], me["name"], me["role"], me["teams"]) == ("person", "sales lead", "approver", ["sales"])
        # The sales lead already approved v2; marketing's old key completes the review the rule asks for.
        approved = await client.post(
            "/v1/definitions/mql/versions/2/approve", json={}, headers={"Authorization": "Bearer m"}
        )
        assert decoded(approved).version.status == "approved", approved.text


async def _the_previous_release_still_writes(conn: asyncpg.Connection[Any]) -> None:
    """During the rolling upgrade, 0011's code inserts versions and keys without the new columns: the database fills
    them in, so its writes succeed and its reviews still need every team."""
    await conn.execute("UPDATE versions SET status = 'superseded' WHERE entry_id = $1 AND number = 1", NOBODY)
    await conn.execute(
        """INSERT INTO versions (entry_id, number, status, content, author, author_key, based_on)
           VALUES ($1, 2, 'draft', '{"summary": "old writer"}', 'author', $2, NULL)""",
        NOBODY,
        AUTHOR_KEY,
    )
    await conn.execute("UPDATE versions SET status = 'in_review' WHERE entry_id = $1 AND number = 2", NOBODY)
    written = await conn.fetchrow(
        "SELECT title, owners, required_teams, review_teams FROM versions WHERE entry_id = $1 AND number = 2", NOBODY
    )
    assert dict(written) == {
        "title": "Nobody Signs",
        "owners": ["marketing"],
        "required_teams": [],
        "review_teams": ["marketing"],  # never nobody: the owners
    }
    key_id = uuid.uuid4()
    await conn.execute(
        """INSERT INTO api_keys (id, name, prefix, secret_hash, role, team)
           VALUES ($1, 'old-release key', 'canon_eeeeee', $2, 'approver', 'sales')""",
        key_id,
        _hash("e"),
    )
    owner = await conn.fetchrow(
        "SELECT p.type, p.role, p.teams FROM api_keys k JOIN principals p ON p.id = k.principal_id WHERE k.id = $1",
        key_id,
    )
    assert (owner["type"], owner["role"], owner["teams"]) == ("person", "approver", ["sales"])
