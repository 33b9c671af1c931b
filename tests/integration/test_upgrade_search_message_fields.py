"""Migration 0015 gives search documents their messages' type, locale, audience and segment: documents indexed before
the upgrade are filtered and counted right from the upgrade on, without a `canon reindex`."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import asyncpg

from service.search.base import SearchQuery
from service.search.postgres import PostgresSearchIndex
from service.store import migrations
from service.store.database import create_pool

BEFORE = 14  # the last migration before search documents had message fields

_DOCUMENT = """
INSERT INTO search_documents (kind, slug, layer, version, version_status, title, title_key, tsv, names_tsv, head_tsv)
VALUES ($1, $2, $3, $4, $5, $6, lower($6), to_tsvector('canon_search', $6), to_tsvector('canon_search', $6),
        to_tsvector('canon_search', $6))"""


async def test_documents_indexed_before_the_upgrade_take_their_versions_message_fields(
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
        pitch, glossary = uuid.uuid4(), uuid.uuid4()
        await conn.execute(
            """INSERT INTO entries (id, kind, slug, title, owners, required_teams, latest_version, created_by)
               VALUES ($1, 'message', 'pitch', 'Pitch', '{sales}', '{sales}', 2, 'x'),
                      ($2, 'definition', 'pitch', 'Pitch', '{sales}', '{sales}', 1, 'x')""",
            pitch,
            glossary,
        )
        # The message's published version is in German for enterprise buyers; its draft moves to French and drops
        # the audience. A definition of the same slug has none of these fields.
        await conn.executemany(
            """INSERT INTO versions (entry_id, number, status, content, author, title, tags, owners, required_teams)
               VALUES ($1, $2, $3, $4::jsonb, 'x', 'Pitch', '{}', '{sales}', '{sales}')""",
            [
                (
                    pitch,
                    1,
                    "published",
                    '{"message_type": "talk_track", "locale": "de", "audience": "CFOs", "segment": "Enterprise"}',
                ),
                (pitch, 2, "draft", '{"message_type": "talk_track", "locale": "fr", "audience": "", "segment": null}'),
                (glossary, 1, "published", '{"summary": "A pitch.", "locale": "de"}'),
            ],
        )
        await conn.executemany(
            _DOCUMENT,
            [
                ("message", "pitch", "published", 1, "published", "Pitch"),
                ("message", "pitch", "draft", 2, "draft", "Pitch"),
                ("definition", "pitch", "published", 1, "published", "Pitch"),
            ],
        )

        await migrations.migrate(conn)

        rows = await conn.fetch(
            """SELECT kind, layer, message_type, locale, audience, segment FROM search_documents
               ORDER BY kind, layer"""
        )
        assert [tuple(row) for row in rows] == [
            ("definition", "published", None, None, None, None),
            ("message", "draft", "talk_track", "fr", None, None),
            ("message", "published", "talk_track", "de", "CFOs", "Enterprise"),
        ]
    finally:
        await conn.close()

    pool = await create_pool(empty_database_url, min_size=1, max_size=2)
    try:
        index = PostgresSearchIndex(pool)
        found = await index.search(SearchQuery(locales=["de"], facets=["segment"]))
        assert [(hit.kind, hit.slug, hit.locale) for hit in found.hits] == [("message", "pitch", "de")]
        assert found.facets == {"segment": {"Enterprise": 1}}
        drafts = await index.search(SearchQuery(locales=["fr"], include_drafts=True))
        assert [(hit.slug, hit.version) for hit in drafts.hits] == [("pitch", 2)]
    finally:
        await pool.close()
