"""Garbage collection of asset files: blobs no version names, once a grace period has passed.

The grace period covers uploads in flight (bytes stored, version not yet updated). A blob's row is locked while
its bytes are deleted, and attaching a file upserts that same row and re-checks the bytes, so a version never
ends up naming a deleted blob.
"""

from __future__ import annotations

import datetime as dt

import msgspec

from service.blobs.base import BlobInfo, BlobStore
from service.store import assets as asset_store
from service.store.database import Pool, transaction

# Only one collector at a time across all workers (pg_try_advisory_lock key).
_GC_LOCK = 0x63616E6F6E_6763  # "canon" "gc"
BATCH = 500


class GcReport(msgspec.Struct, frozen=True):
    deleted_blobs: int
    adopted_orphans: int  # stored bytes no upload had recorded; deleted with the others
    deleted_uploads: int
    skipped: bool = False  # another collector was running


async def collect(pool: Pool, blobs: BlobStore, grace: dt.timedelta) -> GcReport:
    async with pool.acquire() as guard:
        if not await guard.fetchval("SELECT pg_try_advisory_lock($1)", _GC_LOCK):
            return GcReport(0, 0, 0, skipped=True)
        try:
            cutoff = dt.datetime.now(dt.UTC) - grace
            orphans = await _adopt_orphans(pool, blobs, cutoff)
            deleted = await _collect_known(pool, blobs, cutoff)
            uploads = await blobs.delete_stale_uploads(cutoff)
            async with pool.acquire() as conn:
                uploads += await asset_store.forget_stale_uploads(conn, cutoff)
            return GcReport(deleted, orphans, uploads)
        finally:
            await guard.execute("SELECT pg_advisory_unlock($1)", _GC_LOCK)


async def _collect_known(pool: Pool, blobs: BlobStore, cutoff: dt.datetime) -> int:
    async with pool.acquire() as conn:
        candidates = await asset_store.unreferenced_blobs(conn, cutoff, BATCH)
    deleted = 0
    for sha256 in candidates:
        async with transaction(pool) as conn:
            if not await asset_store.lock_unreferenced_blob(conn, sha256, cutoff):
                continue
            await blobs.delete(sha256)
            await asset_store.delete_blob_row(conn, sha256)
            deleted += 1
    return deleted


async def _adopt_orphans(pool: Pool, blobs: BlobStore, cutoff: dt.datetime) -> int:
    """Record bytes stored by an upload whose process died before recording them, dated when they were written,
    so that `_collect_known` deletes them under the same row lock as any other garbage."""
    batch: list[BlobInfo] = []
    adopted = 0
    async for info in blobs.list_blobs():
        if info.modified < cutoff:
            batch.append(info)
        if len(batch) >= BATCH:
            adopted += await _adopt(pool, batch)
            batch = []
    return adopted + (await _adopt(pool, batch) if batch else 0)


async def _adopt(pool: Pool, found: list[BlobInfo]) -> int:
    async with pool.acquire() as conn:
        return await asset_store.adopt_blobs(conn, [(b.sha256, b.size, b.modified) for b in found])
