"""SQL for the text extracted from asset files (`asset_texts`, one row per blob digest)."""

from __future__ import annotations

import datetime as dt

import asyncpg
import msgspec

from service.store.database import Connection


class PendingFile(msgspec.Struct, frozen=True):
    sha256: str
    content_type: str
    key: str  # where the ledger says the bytes are stored


class AssetText(msgspec.Struct, frozen=True):
    sha256: str
    text: str
    error: str | None
    truncated: bool
    pages: int | None
    extracted_at: dt.datetime


async def pending(conn: Connection, limit: int) -> list[PendingFile]:
    """Files some asset version names whose text was never recorded; the newest versions' files first."""
    rows = await conn.fetch(
        """SELECT files.sha256, files.content_type, b.storage_key FROM (
               SELECT DISTINCT ON (v.content ->> 'sha256')
                      v.content ->> 'sha256' AS sha256,
                      coalesce(v.content ->> 'content_type', '') AS content_type,
                      v.updated_at
               FROM versions v
               WHERE v.content ? 'sha256'
                 AND NOT EXISTS (SELECT 1 FROM asset_texts t WHERE t.sha256 = v.content ->> 'sha256')
               ORDER BY v.content ->> 'sha256', v.updated_at DESC) files
           JOIN blobs b ON b.sha256 = files.sha256
           ORDER BY files.updated_at DESC LIMIT $1""",
        limit,
    )
    return [PendingFile(r["sha256"], r["content_type"], r["storage_key"]) for r in rows]


async def record(
    conn: Connection, sha256: str, *, text: str, error: str | None, truncated: bool, pages: int | None
) -> bool:
    """Store a file's text (or why it has none); False when already recorded or the blob was collected meanwhile."""
    try:
        async with conn.transaction():  # a savepoint when the caller's transaction is open
            inserted = await conn.fetchval(
                """INSERT INTO asset_texts (sha256, text, error, truncated, pages) VALUES ($1, $2, $3, $4, $5)
                   ON CONFLICT (sha256) DO NOTHING RETURNING true""",
                sha256,
                text,
                error,
                truncated,
                pages,
            )
    except asyncpg.ForeignKeyViolationError:
        return False  # garbage collection deleted the blob: nothing names it any more
    return bool(inserted)


async def get(conn: Connection, sha256: str) -> AssetText | None:
    row = await conn.fetchrow(
        "SELECT sha256, text, error, truncated, pages, extracted_at FROM asset_texts WHERE sha256 = $1", sha256
    )
    return None if row is None else AssetText(**dict(row))


async def forget(conn: Connection, sha256: str) -> None:
    """Drop a recorded text so the worker extracts the file again (after a parser improvement, say)."""
    await conn.execute("DELETE FROM asset_texts WHERE sha256 = $1", sha256)


async def counts(conn: Connection) -> tuple[int, int]:
    """(files awaiting extraction, recorded files with an error): for readiness and metrics."""
    row = await conn.fetchrow(
        """SELECT (SELECT count(DISTINCT v.content ->> 'sha256') FROM versions v
                   WHERE v.content ? 'sha256'
                     AND NOT EXISTS (SELECT 1 FROM asset_texts t WHERE t.sha256 = v.content ->> 'sha256')) AS waiting,
                  (SELECT count(*) FROM asset_texts WHERE error IS NOT NULL) AS failed"""
    )
    assert row is not None
    return int(row["waiting"]), int(row["failed"])
