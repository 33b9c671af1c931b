"""The worker's text extraction: every asset file whose text is not recorded yet is read, parsed and recorded.

It runs beside the event-log consumers (a `Worker` `alongside` loop), not as a `Periodic` task: periodic tasks run
inline between consumer batches, and one slow file (up to the extraction timeout) would hold up webhook fan-out
and search sync. Texts are keyed by digest and content type: identical bytes are read once per type versions label
them with, whichever versions name them, and bytes read under a wrong label never stand for the same bytes
labelled right.

A file that cannot be read is recorded with its error and never tried again; publishing never waits for any of
this. Only an unreachable blob store leaves files unrecorded, to be tried on a later round. Several workers may
run: a session advisory lock lets one of them extract at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from service.blobs.base import BlobStore
from service.extract import text as extraction
from service.extract.runner import Extractor
from service.stopping import sleep_unless
from service.store import asset_texts, locks
from service.store.database import Connection, Pool, transaction

log = logging.getLogger(__name__)

# Called in the transaction that records a file's text, with its digest: the search sync re-renders the versions
# naming that file (whatever their type), so their documents gain the text atomically with the record.
OnExtracted = Callable[[Connection, str], Awaitable[None]]


@dataclass(frozen=True)
class Limits:
    max_bytes: int = extraction.MAX_BYTES
    max_chars: int = extraction.MAX_CHARS
    max_pages: int = extraction.MAX_PAGES
    timeout: float = extraction.TIMEOUT


class AssetTextExtraction:
    """Extracts pending asset files in batches, every `every_seconds` (at once while a backlog remains)."""

    name = "asset-text-extraction"

    def __init__(
        self,
        pool: Pool,
        blobs: BlobStore,
        *,
        extractor: Extractor | None = None,
        limits: Limits | None = None,
        every_seconds: float = 5.0,
        batch: int = 20,
        on_extracted: OnExtracted | None = None,
    ) -> None:
        self._pool = pool
        self._blobs = blobs
        self._extractor = extractor or Extractor()
        self._limits = limits or Limits()
        self.every_seconds = every_seconds
        self._batch = batch
        self._on_extracted = on_extracted
        # (digest, type) of files whose blob row vanished: do not read them again
        self._unrecordable: set[tuple[str, str]] = set()

    async def run_once(self) -> int:
        """Extract and record up to one batch of pending files; return how many files were examined."""
        async with locks.exclusive(self._pool, locks.TEXT_EXTRACTION) as alone:
            return await self._extract_batch() if alone else 0  # not alone: another worker is extracting

    async def _extract_batch(self) -> int:
        async with self._pool.acquire() as conn:
            found = await asset_texts.pending(conn, self._batch + len(self._unrecordable))
        files = [file for file in found if (file.sha256, file.content_type) not in self._unrecordable][: self._batch]
        for file in files:
            limits = self._limits
            result = await extraction.extract_text(
                self._blobs,
                file.key,
                file.content_type,
                max_bytes=limits.max_bytes,
                max_chars=limits.max_chars,
                max_pages=limits.max_pages,
                timeout=limits.timeout,
                extractor=self._extractor,
            )
            if result.retry:
                log.warning("text extraction paused: %s", result.error)
                return 0  # the store is down: wait a round rather than hammer it
            if result.error:
                log.info("asset file %s (%s) has no text: %s", file.sha256, file.content_type, result.error)
            async with transaction(self._pool) as conn:
                recorded = await asset_texts.record(
                    conn,
                    file.sha256,
                    file.content_type,
                    text=result.text,
                    error=result.error,
                    truncated=result.truncated,
                    pages=result.pages,
                )
                if recorded and self._on_extracted is not None:
                    await self._on_extracted(conn, file.sha256)
                elif not recorded and await asset_texts.get(conn, file.sha256, file.content_type) is None:
                    self._unrecordable.add((file.sha256, file.content_type))
        return len(files)

    async def run(self, stop: asyncio.Event) -> None:
        """Extract until `stop` is set (a `Worker` `alongside` loop). Failures are logged and retried next round."""
        try:
            while not stop.is_set():
                examined = 0
                try:
                    examined = await _unless_stopped(self.run_once(), stop)
                except Exception as exc:  # keep extracting after a database or store outage
                    log.warning("text extraction failed (%s: %s); retrying", type(exc).__name__, exc)
                if examined < self._batch:
                    await sleep_unless(stop, self.every_seconds)
        finally:
            self._extractor.close()  # a parse cut short by `stop` must not keep its process alive


async def _unless_stopped(work: Awaitable[int], stop: asyncio.Event) -> int:
    """`work`'s result, or 0 once `stop` is set first (the work is then cancelled)."""
    task = asyncio.ensure_future(work)
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait([task, stopped], return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopped.cancel()
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    return 0 if task.cancelled() else task.result()
