"""The text of an asset's file, read from the blob store and parsed off the event loop.

`extract_text` never raises: a file that cannot be read comes back with `error` set, so one bad upload can never
block the worker or publishing. Only a failure of the store itself is marked `retry` (try again later).
"""

from __future__ import annotations

import logging

from service.blobs.base import BlobMissing, BlobStore, BlobUnavailable
from service.extract.formats import Extraction, failed, has_text
from service.extract.runner import Extractor

log = logging.getLogger(__name__)

MiB = 1024 * 1024
MAX_BYTES = 50 * MiB
MAX_CHARS = 1_000_000
MAX_PAGES = 500
TIMEOUT = 30.0
TOO_LARGE = "file too large to extract"

_shared: Extractor | None = None


def shared_extractor() -> Extractor:
    """The process-wide extractor used when the caller brings none (one parsing process, started on first use)."""
    global _shared  # noqa: PLW0603  # one pool of parsing processes per process, created lazily
    if _shared is None:
        _shared = Extractor()
    return _shared


class _TooLarge(Exception):
    pass


async def _read_capped(blobs: BlobStore, key: str, max_bytes: int) -> bytes:
    """The blob's bytes, refusing (before reading when the size is known) anything over `max_bytes`."""
    info = await blobs.stat(key)
    if info is None:
        raise BlobMissing(f"no blob under {key!r}")
    if info.size > max_bytes:
        raise _TooLarge(info.size)
    buffer = bytearray()
    stream = blobs.read(key, 0, max_bytes + 1)
    try:
        async for chunk in stream:
            buffer += chunk
            if len(buffer) > max_bytes:  # the blob is bigger than stat said: still refuse it
                raise _TooLarge(len(buffer))
    finally:
        aclose = getattr(stream, "aclose", None)  # close the store's file or connection now, not at GC
        if aclose is not None:
            await aclose()
    return bytes(buffer)


async def extract_text(
    blobs: BlobStore,
    key: str,
    content_type: str,
    *,
    max_bytes: int = MAX_BYTES,
    max_chars: int = MAX_CHARS,
    max_pages: int = MAX_PAGES,
    timeout: float = TIMEOUT,  # noqa: ASYNC109  # a deadline for the parsing process, which is killed past it
    extractor: Extractor | None = None,
) -> Extraction:
    """The searchable text of the blob stored under `key` (the ledger's key for its digest) read as `content_type`.

    Types without text (images, zips, video) give empty text and no error, without reading the blob. A file over
    `max_bytes` is not read: error "file too large to extract". Parsing runs in a worker process for at most
    `timeout` seconds and keeps at most `max_pages` pages and `max_chars` characters (`truncated` says so).
    """
    if not has_text(content_type):
        return Extraction(text="")
    try:
        data = await _read_capped(blobs, key, max_bytes)
    except _TooLarge as exc:
        return failed(f"{TOO_LARGE} ({exc.args[0]} bytes; the limit is {max_bytes})")
    except BlobMissing:
        return failed("the file is missing from the blob store")
    except BlobUnavailable as exc:
        return failed(f"the blob store is unavailable: {exc}", retry=True)
    except Exception as exc:  # a store failing in a way of its own: not the file's fault, try later
        log.warning("reading blob %s for text extraction failed: %s: %s", key, type(exc).__name__, exc)
        return failed(f"reading the file failed: {type(exc).__name__}: {exc}", retry=True)
    runner = extractor or shared_extractor()
    return await runner.run(data, content_type, max_chars=max_chars, max_pages=max_pages, time_limit=timeout)
