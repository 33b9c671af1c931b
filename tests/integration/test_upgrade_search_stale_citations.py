"""Migration 0022 gives search documents the stale citations of the version they show: documents indexed before the
upgrade say which of their citations fell behind right from the upgrade on, without a `canon reindex`."""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path

import asyncpg

from service.domain.events import StaleCitation
from service.search.base import SearchQuery
from service.search.postgres import PostgresSearchIndex
from service.store import migrations
from service.store.database import create_pool

BEFORE = 21  # the last migration before search documents had stale citations

_DOCUMENT = """
INSERT INTO search_documents (kind, slug, layer, version, version_status, title, title_key, tsv, names_tsv, head_tsv)
VALUES ($1, $2, $3, $4, $5, $6, lower($6), to_tsvector('canon_search', $6), to_tsvector('canon_search', $6),
        to_tsvector('canon_search', $6))"""


async def test_documents_indexed_before_the_upgrade_take_their_versions_stale_citations(
    empty_database_url: str, tmp_path: Path
) -> None:
    before = tmp_path / "migrations"
    before.mkdir()
    for path in sorted(migrations.default_directory().glob("*.sql")):
        if int(path.name[:4]) <= BEFORE:
            shutil.copy(path, before / path.name)
    conn = await asyncpg.connect(empty_database_url)
    try:
        await migrations.migrate(conn, before)
        mql, sql, pitch, fresh = (uuid.uuid4() for _ in range(4))
        await conn.execute(
            """INSERT INTO entries (id, kind, slug, title, owners, required_teams, current_version, latest_version,
                                   created_by)
               VALUES ($1, 'definition', 'mql', 'MQL', '{sales}', '{sales}', 3, 3, 'x'),
                      ($2, 'definition', 'sql', 'SQL', '{sales}', '{sales}', 1, 1, 'x'),
                      ($3, 'message', 'pitch', 'Pitch', '{sales}', '{sales}', 1, 2, 'x'),
                      ($4, 'asset', 'deck', 'Deck', '{sales}', '{sales}', 1, 1, 'x')""",
            mql,
            sql,
            pitch,
            fresh,
        )

        def cites(*references: tuple[str, int]) -> str:
            return json.dumps({"references": [{"kind": "definition", "slug": s, "version": n} for s, n in references]})

        await conn.executemany(
            """INSERT INTO versions (entry_id, number, status, content, author, title, tags, owners, required_teams)
               VALUES ($1, $2, $3, $4::jsonb, 'x', 'T', '{}', '{sales}', '{sales}')""",
            [
                *((mql, n, "published" if n == 3 else "superseded", '{"summary": "MQL"}') for n in (1, 2, 3)),
                (sql, 1, "published", '{"summary": "SQL"}'),
                # The published message cites sql 1 (in effect) and mql 1 (replaced twice since); its draft mql 2.
                (pitch, 1, "published", cites(("sql", 1), ("mql", 1))),
                (pitch, 2, "draft", cites(("mql", 2))),
                (fresh, 1, "published", cites(("mql", 3))),
            ],
        )
        await conn.executemany(
            _DOCUMENT,
            [
                ("message", "pitch", "published", 1, "published", "Pitch"),
                ("message", "pitch", "draft", 2, "draft", "Pitch"),
                ("asset", "deck", "published", 1, "published", "Deck"),
                ("definition", "mql", "published", 3, "published", "MQL"),
            ],
        )

        await migrations.migrate(conn)

        rows = await conn.fetch("SELECT kind, layer, stale_citations FROM search_documents ORDER BY kind, layer")
        assert [(row["kind"], row["layer"], json.loads(row["stale_citations"])) for row in rows] == [
            ("asset", "published", []),
            ("definition", "published", []),
            ("message", "draft", [{"kind": "definition", "slug": "mql", "cited_version": 2, "current_version": 3}]),
            (
                "message",
                "published",
                [{"kind": "definition", "slug": "mql", "cited_version": 1, "current_version": 3}],
            ),
        ]
    finally:
        await conn.close()

    pool = await create_pool(empty_database_url, min_size=1, max_size=2)
    try:
        found = await PostgresSearchIndex(pool).search(SearchQuery(q="pitch"))
        assert [(hit.slug, hit.stale_citations) for hit in found.hits] == [
            ("pitch", [StaleCitation("definition", "mql", 1, 3)])
        ]
    finally:
        await pool.close()
