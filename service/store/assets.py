"""SQL for asset files: the blob ledger, direct uploads in flight, expiry notices and garbage collection."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

import msgspec

from service.store.database import Connection


async def lock_key(conn: Connection, key: str) -> None:
    """Serialise, until the transaction ends, with anyone recording or collecting the object under `key`: garbage
    collection of objects no row names takes this lock before it re-checks and deletes (`unrecorded_keys`)."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", key)


async def hold_blob(conn: Connection, sha256: str, size: int, key: str) -> str:
    """Record the blob `sha256` as stored under `key` unless the ledger already names a key for those bytes; touch
    the row and lock it until the transaction ends, so collection cannot delete it. Return the key the ledger names
    (`key`, or the earlier copy's: the caller then has a duplicate)."""
    stored: str = await conn.fetchval(
        """INSERT INTO blobs (sha256, size, storage_key) VALUES ($1, $2, $3)
           ON CONFLICT (sha256) DO UPDATE SET created_at = now()
           RETURNING storage_key""",
        sha256,
        size,
        key,
    )
    return stored


async def move_blob(conn: Connection, sha256: str, key: str) -> None:
    """Point the (locked) ledger row of `sha256` at another copy of the same bytes."""
    await conn.execute("UPDATE blobs SET storage_key = $2 WHERE sha256 = $1", sha256, key)


async def blob_key(conn: Connection, sha256: str) -> str | None:
    """Where the bytes with this digest are stored, or None when the ledger does not know them."""
    key: str | None = await conn.fetchval("SELECT storage_key FROM blobs WHERE sha256 = $1", sha256)
    return key


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


async def lock_unreferenced_blob(conn: Connection, sha256: str, older_than: dt.datetime) -> str | None:
    """Lock the blob's row if it is still garbage and return its storage key; an attach of the same bytes then waits
    for the deletion."""
    key: str | None = await conn.fetchval(
        """SELECT b.storage_key FROM blobs b WHERE b.sha256 = $1 AND b.created_at < $2
             AND NOT EXISTS (SELECT 1 FROM versions v WHERE v.content ->> 'sha256' = b.sha256)
           FOR UPDATE""",
        sha256,
        older_than,
    )
    return key


async def delete_blob_row(conn: Connection, sha256: str) -> None:
    await conn.execute("DELETE FROM blobs WHERE sha256 = $1", sha256)


async def unrecorded_keys(conn: Connection, keys: list[str]) -> list[str]:
    """Those of `keys` that no ledger row names (bytes stored by an upload that failed or lost its race)."""
    rows = await conn.fetch(
        "SELECT k FROM unnest($1::text[]) k WHERE NOT EXISTS (SELECT 1 FROM blobs b WHERE b.storage_key = k)", keys
    )
    return [r["k"] for r in rows]


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
