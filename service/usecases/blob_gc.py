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
from collections.abc import Callable

import msgspec

from service.blobs.base import BlobStore
from service.store import assets as asset_store
from service.store import locks
from service.store.database import Pool, transaction

BATCH = 500


class GcReport(msgspec.Struct, frozen=True):
    deleted_blobs: int
    deleted_orphans: int  # stored bytes no ledger row named (a crashed upload, a leftover duplicate)
    deleted_uploads: int
    skipped: bool = False  # another collector was running


# Told (files checked, files deleted) so far after each file: `canon gc` shows it on a terminal.
Progress = Callable[[int, int], None]


class _Tally:
    def __init__(self, progress: Progress | None) -> None:
        self.checked = 0
        self.deleted = 0
        self._progress = progress

    def checked_one(self) -> None:
        self.checked += 1
        self._report()

    def deleted_one(self) -> None:
        self.deleted += 1
        self._report()

    def _report(self) -> None:
        if self._progress is not None:
            self._progress(self.checked, self.deleted)


async def collect(pool: Pool, blobs: BlobStore, grace: dt.timedelta, progress: Progress | None = None) -> GcReport:
    async with locks.exclusive(pool, locks.BLOB_COLLECTION) as alone:  # one collector across all workers
        if not alone:
            return GcReport(0, 0, 0, skipped=True)
        cutoff = dt.datetime.now(dt.UTC) - grace
        tally = _Tally(progress)
        deleted = await _collect_known(pool, blobs, cutoff, tally)
        orphans = await _collect_orphans(pool, blobs, cutoff, tally)
        uploads = await blobs.delete_stale_uploads(cutoff)
        async with pool.acquire() as conn:
            uploads += await asset_store.forget_stale_uploads(conn, cutoff)
        return GcReport(deleted, orphans, uploads)


async def _collect_known(pool: Pool, blobs: BlobStore, cutoff: dt.datetime, tally: _Tally) -> int:
    async with pool.acquire() as conn:
        candidates = await asset_store.unreferenced_blobs(conn, cutoff, BATCH)
    deleted = 0
    for sha256 in candidates:
        tally.checked_one()
        async with transaction(pool) as conn:
            key = await asset_store.lock_unreferenced_blob(conn, sha256, cutoff)
            if key is None:
                continue
            await blobs.delete(key)
            await asset_store.delete_blob_row(conn, sha256)
            deleted += 1
            tally.deleted_one()
    return deleted


async def _collect_orphans(pool: Pool, blobs: BlobStore, cutoff: dt.datetime, tally: _Tally) -> int:
    """Delete stored objects older than the cutoff that no ledger row names."""
    batch: list[str] = []
    deleted = 0
    async for info in blobs.list_blobs():
        tally.checked_one()
        if info.modified < cutoff:
            batch.append(info.key)
        if len(batch) >= BATCH:
            deleted += await _delete_unrecorded(pool, blobs, batch, tally)
            batch = []
    return deleted + (await _delete_unrecorded(pool, blobs, batch, tally) if batch else 0)


async def _delete_unrecorded(pool: Pool, blobs: BlobStore, keys: list[str], tally: _Tally) -> int:
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
            tally.deleted_one()
    return deleted
