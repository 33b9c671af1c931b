"""A BlobStore on a local directory: the embedded default (`canon dev`, single-node installs).

Layout under the root: `blobs/id/ab/<random id>` (the blobs; `blobs/sha256/ab/<sha256>` for those of the first
layout), `tmp/` (uploads in progress). A blob is written to a temporary file in `tmp/` (same filesystem), fsynced,
then renamed to a fresh key, so a blob path either does not exist or holds the complete bytes. All blocking file
I/O runs in worker threads, never on the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import os
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import BinaryIO, ParamSpec, TypeVar

from service.blobs.base import (
    SNIFF_BYTES,
    BlobInfo,
    BlobMissing,
    BlobTooLarge,
    BlobUnavailable,
    PresignedUpload,
    Sniffer,
    StoredBlob,
    is_blob_key,
    new_blob_key,
)

READ_CHUNK = 64 * 1024
WRITE_BATCH = 1024 * 1024  # bytes gathered before one write in a worker thread
_LAYOUTS = ("sha256", "id")  # the folders under blobs/: the first layout's, and fresh keys'

P = ParamSpec("P")
R = TypeVar("R")


def _write(file: BinaryIO, digest: hashlib._Hash, data: bytes) -> None:
    # hashlib releases the GIL on large buffers: hashing here keeps it off the event loop too.
    digest.update(data)
    file.write(data)


def _finish(file: BinaryIO) -> None:
    file.flush()
    os.fsync(file.fileno())
    file.close()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _discard(file: BinaryIO | None, path: Path) -> None:
    # Cleanup after a failure: never let it hide the failure itself.
    with contextlib.suppress(OSError):
        if file is not None:
            file.close()
        path.unlink(missing_ok=True)


async def _io(action: str, function: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R:
    """Run blocking file I/O in a worker thread; a failing filesystem becomes BlobUnavailable."""
    try:
        return await asyncio.to_thread(function, *args, **kwargs)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise BlobUnavailable(f"The local blob store could not {action} a file: {reason}.") from exc


class LocalBlobStore:
    """Blobs as files under `root`. Presigned URLs and direct uploads are not supported (the API streams)."""

    name: str = "local"

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self._blobs = self.root / "blobs"
        self._tmp = self.root / "tmp"

    def _path(self, key: str) -> Path | None:
        # The key becomes a path: anything but a blob key could climb out of the root.
        return self.root / key if is_blob_key(key) else None

    def _ensure_dirs(self) -> None:
        self._blobs.mkdir(parents=True, exist_ok=True)
        self._tmp.mkdir(parents=True, exist_ok=True)

    async def put_stream(
        self, chunks: AsyncIterator[bytes], *, content_type: str, max_size: int, sniff: Sniffer | None = None
    ) -> StoredBlob:
        """Store a stream (see `BlobStore.put_stream`); `content_type` is not kept: the caller records it."""
        digest = hashlib.sha256()
        size = 0
        pending = bytearray()
        head_checked = sniff is None
        temp = self._tmp / f"{uuid.uuid4().hex}.part"
        file: BinaryIO | None = None
        try:
            async for chunk in chunks:
                size += len(chunk)
                if size > max_size:
                    raise BlobTooLarge(f"The file is larger than the limit of {max_size} bytes.")
                pending += chunk
                if sniff is not None and not head_checked and len(pending) >= SNIFF_BYTES:
                    sniff(bytes(pending[:SNIFF_BYTES]))
                    head_checked = True
                if head_checked and len(pending) >= WRITE_BATCH:
                    if file is None:
                        file = await _io("write", self._open_temp, temp)
                    await _io("write", _write, file, digest, bytes(pending))
                    pending.clear()
            if sniff is not None and not head_checked:
                sniff(bytes(pending))
            if file is None:
                file = await _io("write", self._open_temp, temp)
            await _io("write", _write, file, digest, bytes(pending))
            await _io("write", _finish, file)
            file = None
            key = new_blob_key()
            await _io("write", self._move_into_place, temp, key)
        except BaseException:
            await asyncio.to_thread(_discard, file, temp)
            raise
        return StoredBlob(sha256=digest.hexdigest(), size=size, key=key)

    def _open_temp(self, temp: Path) -> BinaryIO:
        self._ensure_dirs()
        return temp.open("xb")

    def _move_into_place(self, temp: Path, key: str) -> None:
        """Rename the finished temporary file to the blob's path (a fresh key: nothing is there yet)."""
        final = self.root / key
        final.parent.mkdir(parents=True, exist_ok=True)
        temp.rename(final)
        _fsync_dir(final.parent)

    async def stat(self, key: str) -> BlobInfo | None:
        path = self._path(key)
        if path is None:
            return None
        info = await _io("read", _stat_or_none, path)
        if info is None:
            return None
        return BlobInfo(key=key, size=info.st_size, modified=dt.datetime.fromtimestamp(info.st_mtime, dt.UTC))

    async def read(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        """The bytes `[start, end)` in chunks of 64 KiB; `end` past the size is clamped. Raises BlobMissing."""
        path = self._path(key)
        file = None if path is None else await _io("read", _open_or_none, path)
        if file is None:
            raise BlobMissing(f"No blob under {key!r}.")
        try:
            await _io("read", file.seek, max(start, 0))
            remaining = None if end is None else end - max(start, 0)
            while remaining is None or remaining > 0:
                wanted = READ_CHUNK if remaining is None else min(READ_CHUNK, remaining)
                data = await _io("read", file.read, wanted)
                if not data:
                    return
                if remaining is not None:
                    remaining -= len(data)
                yield data
        finally:
            await asyncio.to_thread(file.close)

    async def presigned_get(
        self, key: str, *, file_name: str, content_type: str, expires_in: dt.timedelta
    ) -> str | None:
        return None

    async def presigned_put(
        self, upload_id: str, *, content_type: str, size: int, sha256: str, expires_in: dt.timedelta
    ) -> PresignedUpload | None:
        return None

    async def adopt_upload(self, upload_id: str, *, sha256: str, size: int, sniff: Sniffer | None = None) -> StoredBlob:
        raise BlobMissing("The local blob store takes no direct uploads: send the bytes through the API.")

    async def delete(self, key: str) -> None:
        path = self._path(key)
        if path is not None:
            await _io("delete", path.unlink, missing_ok=True)

    async def list_blobs(self) -> AsyncIterator[BlobInfo]:
        for layout in _LAYOUTS:
            for prefix in await _io("list", _sorted_dirs, self._blobs / layout):
                for info in await _io("list", _blobs_in, self.root, prefix):
                    yield info

    async def delete_stale_uploads(self, older_than: dt.datetime) -> int:
        """Remove temporary files of uploads that never finished (a crash, a killed process) older than the cutoff."""
        if older_than.tzinfo is None:
            older_than = older_than.replace(tzinfo=dt.UTC)
        return await _io("delete", _remove_older, self._tmp, older_than.timestamp())

    async def check(self) -> None:
        """Raise BlobUnavailable unless a file can be created (and removed) under the root."""
        try:
            await asyncio.to_thread(self._probe)
        except OSError as exc:
            raise BlobUnavailable(f"The local blob store at {self.root} is not writable: {exc.strerror}.") from exc

    def _probe(self) -> None:
        self._ensure_dirs()
        probe = self._tmp / f"check-{uuid.uuid4().hex}"
        probe.write_bytes(b"")
        probe.unlink()


def _stat_or_none(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except FileNotFoundError:
        return None


def _open_or_none(path: Path) -> BinaryIO | None:
    try:
        return path.open("rb")
    except FileNotFoundError:
        return None


def _sorted_dirs(path: Path) -> list[Path]:
    try:
        return sorted(entry for entry in path.iterdir() if entry.is_dir())
    except FileNotFoundError:
        return []


def _blobs_in(root: Path, prefix: Path) -> list[BlobInfo]:
    found = []
    for entry in _entries(prefix):
        key = entry.relative_to(root).as_posix()
        if not is_blob_key(key):
            continue
        try:
            info = entry.stat()
        except FileNotFoundError:  # deleted meanwhile
            continue
        modified = dt.datetime.fromtimestamp(info.st_mtime, dt.UTC)
        found.append(BlobInfo(key=key, size=info.st_size, modified=modified))
    return found


def _entries(path: Path) -> list[Path]:
    try:
        return sorted(path.iterdir())
    except FileNotFoundError:
        return []


def _remove_older(folder: Path, cutoff: float) -> int:
    removed = 0
    try:
        entries = list(folder.iterdir())
    except FileNotFoundError:
        return 0
    for entry in entries:
        try:
            if entry.is_file() and entry.stat().st_mtime < cutoff:
                entry.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed
