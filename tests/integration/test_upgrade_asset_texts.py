"""Migration 0014 keys extracted text by file and type: each text recorded so far keeps its row, under the type it
was read as, and the other types its file is labelled with are read again."""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from pathlib import Path

import asyncpg

from service.blobs import sniff
from service.store import asset_texts, migrations

SHARED, LATER, ORPHAN = "d" * 64, "e" * 64, "f" * 64
T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


async def test_the_upgrade_keeps_every_text_under_the_type_it_was_read_as(
    empty_database_url: str, tmp_path: Path
) -> None:
    before = tmp_path / "migrations"
    before.mkdir()
    for path in sorted(migrations.default_directory().glob("*.sql")):
        if int(path.name[:4]) <= 13:
            shutil.copy(path, before / path.name)
    conn = await asyncpg.connect(empty_database_url)
    try:
        await migrations.migrate(conn, before)
        playbook, pitch, sheet = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        await conn.execute(
            """INSERT INTO entries (id, kind, slug, title, owners, required_teams, latest_version, created_by)
               VALUES ($1, 'asset', 'playbook', 'Playbook', '{sales}', '{sales}', 1, 'x'),
                      ($2, 'asset', 'pitch', 'Pitch', '{sales}', '{sales}', 1, 'x'),
                      ($3, 'asset', 'sheet', 'Sheet', '{sales}', '{sales}', 1, 'x')""",
            playbook,
            pitch,
            sheet,
        )
        await conn.executemany(
            "INSERT INTO blobs (sha256, size, storage_key) VALUES ($1, 10, 'blobs/sha256/' || $1)",
            [(SHARED,), (LATER,), (ORPHAN,)],
        )
        # One DOCX labelled right (playbook) and, later, wrongly (pitch): the worker read it as the newest label.
        # The sheet's version was updated after its text was read (by its review, say): it still is its type.
        await conn.executemany(
            """INSERT INTO versions (entry_id, number, status, content, author, title, tags, owners, required_teams,
                                     updated_at)
               VALUES ($1, 1, 'draft', jsonb_build_object('sha256', $2::text, 'content_type', $3::text), 'x', 'T',
                       '{}', '{sales}', '{sales}', $4)""",
            [
                (playbook, SHARED, sniff.DOCX, T0),
                (pitch, SHARED, sniff.PPTX, T0 + dt.timedelta(hours=1)),
                (sheet, LATER, sniff.CSV, T0 + dt.timedelta(hours=3)),
            ],
        )
        await conn.executemany(
            "INSERT INTO asset_texts (sha256, text, error, extracted_at) VALUES ($1, $2, $3, $4)",
            [
                (SHARED, "", "the file could not be read as a presentation", T0 + dt.timedelta(hours=2)),
                (LATER, "Plan,Seats", None, T0 + dt.timedelta(hours=2)),
                (ORPHAN, "left behind", None, T0),
            ],
        )

        await migrations.migrate(conn)

        rows = await conn.fetch("SELECT sha256, content_type, text, error FROM asset_texts ORDER BY sha256")
        assert [tuple(r) for r in rows] == [
            (SHARED, sniff.PPTX, "", "the file could not be read as a presentation"),
            (LATER, sniff.CSV, "Plan,Seats", None),
            (ORPHAN, "", "left behind", None),
        ]
        # The DOCX is read again as what the playbook says it is; the failed read as a PPTX stays the pitch's.
        assert [(f.sha256, f.content_type) for f in await asset_texts.pending(conn, 10)] == [(SHARED, sniff.DOCX)]
        assert await asset_texts.record(conn, SHARED, sniff.DOCX, text="Renewal", error=None, truncated=False, pages=1)
        assert not await asset_texts.record(
            conn, SHARED, sniff.DOCX, text="again", error=None, truncated=False, pages=1
        )
        assert await asset_texts.pending(conn, 10) == []
        docx = await asset_texts.get(conn, SHARED, sniff.DOCX)
        pptx = await asset_texts.get(conn, SHARED, sniff.PPTX)
        assert (docx and docx.text, docx and docx.error) == ("Renewal", None)
        assert (pptx and pptx.text, pptx and pptx.error) == ("", "the file could not be read as a presentation")
        # The rows still go with their blob.
        await conn.execute("DELETE FROM versions")
        await conn.execute("DELETE FROM blobs WHERE sha256 = $1", SHARED)
        assert await conn.fetchval("SELECT count(*) FROM asset_texts WHERE sha256 = $1", SHARED) == 0
    finally:
        await conn.close()
