"""SQL for the text extracted from asset files (`asset_texts`, one row per file digest and content type).

A file is read as the type a version declares it with, and its text is recorded under that digest and type
(migration 0014): the same bytes labelled with two types are read twice, and a read under one label (a failed one,
say) never stands for the other.
"""

from __future__ import annotations

import datetime as dt

import asyncpg
import msgspec

from service.store.database import Connection

# The type a version's file is read as: as the upload recorded it (normalised), '' when it has none.
_TYPE = "coalesce(v.content ->> 'content_type', '')"


class PendingFile(msgspec.Struct, frozen=True):
    sha256: str
    content_type: str
    key: str  # where the ledger says the bytes are stored


class AssetText(msgspec.Struct, frozen=True):
    sha256: str
    content_type: str
    text: str
    error: str | None
    truncated: bool
    pages: int | None
    extracted_at: dt.datetime


_UNRECORDED = f"""NOT EXISTS (SELECT 1 FROM asset_texts t
                         WHERE t.sha256 = v.content ->> 'sha256' AND t.content_type = {_TYPE})"""


async def pending(conn: Connection, limit: int) -> list[PendingFile]:
    """Files some asset version names, with the type it names them as, whose text as that type was never recorded;
    the newest versions' files first."""
    rows = await conn.fetch(
        f"""SELECT files.sha256, files.content_type, b.storage_key FROM (
               SELECT DISTINCT ON (v.content ->> 'sha256', {_TYPE})
                      v.content ->> 'sha256' AS sha256,
                      {_TYPE} AS content_type,
                      v.updated_at
               FROM versions v
               WHERE v.content ? 'sha256' AND {_UNRECORDED}
               ORDER BY v.content ->> 'sha256', {_TYPE}, v.updated_at DESC) files
           JOIN blobs b ON b.sha256 = files.sha256
           ORDER BY files.updated_at DESC LIMIT $1""",
        limit,
    )
    return [PendingFile(r["sha256"], r["content_type"], r["storage_key"]) for r in rows]


async def record(
    conn: Connection,
    sha256: str,
    content_type: str,
    *,
    text: str,
    error: str | None,
    truncated: bool,
    pages: int | None,
) -> bool:
    """Store a file's text read as `content_type` (or why it has none); False when already recorded or the blob was
    collected meanwhile."""
    try:
        async with conn.transaction():  # a savepoint when the caller's transaction is open
            inserted = await conn.fetchval(
                """INSERT INTO asset_texts (sha256, content_type, text, error, truncated, pages)
                   VALUES ($1, $2, $3, $4, $5, $6)
                   ON CONFLICT (sha256, content_type) DO NOTHING RETURNING true""",
                sha256,
                content_type,
                text,
                error,
                truncated,
                pages,
            )
    except asyncpg.ForeignKeyViolationError:
        return False  # garbage collection deleted the blob: nothing names it any more
    return bool(inserted)


async def get(conn: Connection, sha256: str, content_type: str | None = None) -> AssetText | None:
    """The text of the file read as `content_type`; without a type, the one recorded last under any type."""
    row = await conn.fetchrow(
        """SELECT sha256, content_type, text, error, truncated, pages, extracted_at FROM asset_texts
           WHERE sha256 = $1 AND ($2::text IS NULL OR content_type = $2)
           ORDER BY extracted_at DESC, content_type LIMIT 1""",
        sha256,
        content_type,
    )
    return None if row is None else AssetText(**dict(row))


async def forget(conn: Connection, sha256: str, content_type: str | None = None) -> None:
    """Drop a recorded text (every type's, without `content_type`) so the worker extracts the file again (after a
    parser improvement, say)."""
    await conn.execute(
        "DELETE FROM asset_texts WHERE sha256 = $1 AND ($2::text IS NULL OR content_type = $2)", sha256, content_type
    )


async def counts(conn: Connection) -> tuple[int, int]:
    """(files awaiting extraction, one per digest and type; recorded texts with an error): for readiness and
    metrics."""
    row = await conn.fetchrow(
        f"""SELECT (SELECT count(DISTINCT (v.content ->> 'sha256', {_TYPE})) FROM versions v
                   WHERE v.content ? 'sha256' AND {_UNRECORDED}) AS waiting,
                  (SELECT count(*) FROM asset_texts WHERE error IS NOT NULL) AS failed"""
    )
    assert row is not None
    return int(row["waiting"]), int(row["failed"])
