"""Garbage collection of asset files: blobs no version names, once a grace period has passed.

Two kinds of garbage. Blobs the ledger knows that no version names: the row is locked while the bytes are deleted,
and attaching a file upserts that same row and re-checks the bytes, so a version never ends up naming a deleted blob.
Objects no ledger row names (an upload whose process died before recording it, or a duplicate whose deletion
failed): deleted under the key's advisory lock after re-checking that no row names them, the lock an attach takes
before it records a key, so a key is never deleted once it is recorded.

The grace period covers uploads in flight (bytes stored, version not yet updated).
"""

from __future__ import annotations

import datetime as dt

import msgspec

from service.blobs.base import BlobStore
from service.store import assets as asset_store
from service.store.database import Pool, transaction

# Only one collector at a time across all workers (pg_try_advisory_lock key).
_GC_LOCK = 0x63616E6F6E_6763  # "canon" "gc"
BATCH = 500


class GcReport(msgspec.Struct, frozen=True):
    deleted_blobs: int
    deleted_orphans: int  # stored bytes no ledger row named (a crashed upload, a leftover duplicate)
    deleted_uploads: int
    skipped: bool = False  # another collector was running


async def collect(pool: Pool, blobs: BlobStore, grace: dt.timedelta) -> GcReport:
    async with pool.acquire() as guard:
        if not await guard.fetchval("SELECT pg_try_advisory_lock($1)", _GC_LOCK):
            return GcReport(0, 0, 0, skipped=True)
        try:
            cutoff = dt.datetime.now(dt.UTC) - grace
            deleted = await _collect_known(pool, blobs, cutoff)
            orphans = await _collect_orphans(pool, blobs, cutoff)
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
            key = await asset_store.lock_unreferenced_blob(conn, sha256, cutoff)
            if key is None:
                continue
            await blobs.delete(key)
            await asset_store.delete_blob_row(conn, sha256)
            deleted += 1
    return deleted


async def _collect_orphans(pool: Pool, blobs: BlobStore, cutoff: dt.datetime) -> int:
    """Delete stored objects older than the cutoff that no ledger row names."""
    batch: list[str] = []
    deleted = 0
    async for info in blobs.list_blobs():
        if info.modified < cutoff:
            batch.append(info.key)
        if len(batch) >= BATCH:
            deleted += await _delete_unrecorded(pool, blobs, batch)
            batch = []
    return deleted + (await _delete_unrecorded(pool, blobs, batch) if batch else 0)


async def _delete_unrecorded(pool: Pool, blobs: BlobStore, keys: list[str]) -> int:
    async with pool.acquire() as conn:
        candidates = await asset_store.unrecorded_keys(conn, keys)
    deleted = 0
    for key in candidates:
        async with transaction(pool) as conn:
            await asset_store.lock_key(conn, key)
            if not await asset_store.unrecorded_keys(conn, [key]):
                continue  # an upload recorded it meanwhile
            await blobs.delete(key)
            deleted += 1
    return deleted
