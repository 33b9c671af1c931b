"""SQL for asset files: the blob ledger, direct uploads in flight, expiry notices and garbage collection."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

import msgspec

from service.store.database import Connection


async def hold_blob(conn: Connection, sha256: str, size: int) -> None:
    """Record (or touch) a blob and lock its row until the transaction ends, so collection cannot delete it."""
    await conn.execute(
        """INSERT INTO blobs (sha256, size) VALUES ($1, $2)
           ON CONFLICT (sha256) DO UPDATE SET created_at = now()""",
        sha256,
        size,
    )


class PendingUpload(msgspec.Struct, frozen=True):
    id: UUID
    entry_id: UUID
    number: int
    file_name: str
    content_type: str
    size: int
    sha256: str


async def insert_upload(
    conn: Connection,
    *,
    upload_id: UUID,
    entry_id: UUID,
    number: int,
    file_name: str,
    content_type: str,
    size: int,
    sha256: str,
    created_by: str,
) -> None:
    await conn.execute(
        """INSERT INTO asset_uploads (id, entry_id, number, file_name, content_type, size, sha256, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""",
        upload_id,
        entry_id,
        number,
        file_name,
        content_type,
        size,
        sha256,
        created_by,
    )


async def pending_upload(conn: Connection, upload_id: UUID) -> PendingUpload | None:
    row = await conn.fetchrow(
        """SELECT id, entry_id, number, file_name, content_type, size, sha256 FROM asset_uploads
           WHERE id = $1 AND completed_at IS NULL""",
        upload_id,
    )
    return None if row is None else PendingUpload(**dict(row))


async def complete_upload(conn: Connection, upload_id: UUID) -> None:
    await conn.execute("UPDATE asset_uploads SET completed_at = now() WHERE id = $1", upload_id)


async def forget_stale_uploads(conn: Connection, older_than: dt.datetime) -> int:
    deleted: int = await conn.fetchval(
        """WITH gone AS (DELETE FROM asset_uploads WHERE created_at < $1 RETURNING 1) SELECT count(*) FROM gone""",
        older_than,
    )
    return deleted


async def unreferenced_blobs(conn: Connection, older_than: dt.datetime, limit: int) -> list[str]:
    """Blobs that no version names and that nobody touched since `older_than`."""
    rows = await conn.fetch(
        """SELECT b.sha256 FROM blobs b
           WHERE b.created_at < $1
             AND NOT EXISTS (SELECT 1 FROM versions v WHERE v.content ->> 'sha256' = b.sha256)
           ORDER BY b.created_at LIMIT $2""",
        older_than,
        limit,
    )
    return [r["sha256"] for r in rows]


async def lock_unreferenced_blob(conn: Connection, sha256: str, older_than: dt.datetime) -> bool:
    """Lock the blob's row if it is still garbage; an attach of the same bytes then waits for the deletion."""
    found = await conn.fetchval(
        """SELECT true FROM blobs b WHERE b.sha256 = $1 AND b.created_at < $2
             AND NOT EXISTS (SELECT 1 FROM versions v WHERE v.content ->> 'sha256' = b.sha256)
           FOR UPDATE""",
        sha256,
        older_than,
    )
    return bool(found)


async def delete_blob_row(conn: Connection, sha256: str) -> None:
    await conn.execute("DELETE FROM blobs WHERE sha256 = $1", sha256)


async def adopt_blobs(conn: Connection, found: list[tuple[str, int, dt.datetime]]) -> int:
    """Record stored blobs the ledger does not know, dated when they were written; return how many were new."""
    adopted: int = await conn.fetchval(
        """WITH new AS (
               INSERT INTO blobs (sha256, size, created_at)
               SELECT * FROM unnest($1::text[], $2::bigint[], $3::timestamptz[])
               ON CONFLICT (sha256) DO NOTHING RETURNING 1)
           SELECT count(*) FROM new""",
        [f[0] for f in found],
        [f[1] for f in found],
        [f[2] for f in found],
    )
    return adopted


class DueNotice(msgspec.Struct, frozen=True):
    entry_id: UUID
    slug: str
    number: int
    expires_at: dt.datetime
    notice: str


async def due_expiry_notices(conn: Connection, kind: str, warn_before: dt.timedelta, limit: int) -> list[DueNotice]:
    """Current published versions that expired, or expire within `warn_before`, and were not told so yet."""
    rows = await conn.fetch(
        """SELECT e.id AS entry_id, e.slug, v.number, v.expires_at, n.notice
           FROM entries e
           JOIN versions v ON v.entry_id = e.id AND v.number = e.current_version
           CROSS JOIN LATERAL (VALUES ('expired', v.expires_at),
                                      ('expiring', v.expires_at - $2::interval)) n(notice, due)
           WHERE e.kind = $1 AND e.retired_at IS NULL AND v.expires_at IS NOT NULL AND n.due <= now()
             AND NOT (n.notice = 'expiring' AND v.expires_at <= now())
             AND NOT EXISTS (SELECT 1 FROM expiry_notices x
                             WHERE x.entry_id = e.id AND x.number = v.number AND x.notice = n.notice)
           ORDER BY n.due LIMIT $3""",
        kind,
        warn_before,
        limit,
    )
    return [DueNotice(**dict(r)) for r in rows]


async def claim_notice(conn: Connection, entry_id: UUID, number: int, notice: str) -> bool:
    """True for exactly one caller per (version, notice), however many workers race for it."""
    claimed = await conn.fetchval(
        """INSERT INTO expiry_notices (entry_id, number, notice) VALUES ($1, $2, $3)
           ON CONFLICT DO NOTHING RETURNING true""",
        entry_id,
        number,
        notice,
    )
    return bool(claimed)
