"""Text extraction end to end: parsing in worker processes under a deadline, reading from a real blob store, and the
worker loop that records every asset file's text in `asset_texts` without ever blocking publishing."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from service.blobs import sniff
from service.blobs.base import BlobInfo, BlobUnavailable, legacy_blob_key
from service.blobs.local import LocalBlobStore
from service.config import Settings
from service.extract import Extraction, extract_text
from service.extract.runner import Extractor
from service.extract.task import AssetTextExtraction, Limits
from service.store import asset_texts
from service.store.database import Connection
from service.wiring import build_worker
from tests.asset_fixtures import (
    asset_body,
    create_entry,
    in_app,
    publish_entry,
    services,
    sha,
    upload,
)
from tests.documents import make_pdf, make_pptx
from tests.support import Api

PITCH_PDF = make_pdf(["Marketing qualified lead handbook", "Page two: routing rules"])
DECK = make_pptx(
    title="Pricing deck",
    table=[["Plan", "Seats"]],
    grouped=["Grouped: annual discount"],
    notes="Notes: never promise a discount",
)
BROKEN_DOCX = b"PK\x03\x04 not really a Word document"


@pytest.fixture
async def extractor() -> AsyncIterator[Extractor]:
    runner = Extractor()
    try:
        yield runner
    finally:
        runner.close()


async def _run(runner: Extractor, data: bytes, content_type: str, time_limit: float = 30.0) -> Extraction:
    return await runner.run(data, content_type, max_chars=10_000, max_pages=50, time_limit=time_limit)


async def _eventually(probe: Callable[[], Any], until: Callable[[Any], bool] = bool, seconds: float = 30.0) -> Any:
    """Poll `probe` (awaiting what it returns when awaitable) until `until` holds or `seconds` pass; return the last."""
    deadline = time.monotonic() + seconds
    while True:
        found = probe()
        if inspect.isawaitable(found):
            found = await found
        if until(found) or time.monotonic() > deadline:
            return found
        await asyncio.sleep(0.05)


# --- worker processes -----------------------------------------------------------------------------------------------


async def test_parsing_runs_in_a_worker_process(extractor: Extractor) -> None:
    result = await _run(extractor, PITCH_PDF, sniff.PDF)
    assert result == Extraction(text="Marketing qualified lead handbook\nPage two: routing rules", pages=2)
    assert extractor._pool is not None
    assert list(extractor._pool._processes)  # a real child process did the parsing


async def test_a_parse_past_its_deadline_is_killed_and_the_next_file_gets_a_fresh_process(
    extractor: Extractor,
) -> None:
    await _run(extractor, PITCH_PDF, sniff.PDF)  # warm: the deadline below is all parsing time
    assert extractor._pool is not None
    children = list(extractor._pool._processes.values())

    result = await _run(extractor, DECK, sniff.PPTX, time_limit=1e-6)

    assert result.error == "extraction took longer than 1e-06 s and was stopped"
    assert result.text == ""
    assert not result.retry
    assert await _eventually(lambda: not any(child.is_alive() for child in children))
    assert (await _run(extractor, DECK, sniff.PPTX)).error is None


async def test_concurrent_files_share_the_worker_processes() -> None:
    runner = Extractor(workers=2)
    try:
        results = await asyncio.gather(*(_run(runner, make_pdf([f"file {n}"]), sniff.PDF) for n in range(5)))
    finally:
        runner.close()
    assert [r.text for r in results] == [f"file {n}" for n in range(5)]


async def test_a_process_that_dies_is_reported_as_an_error_not_raised() -> None:
    # A memory limit below what the process already uses: it cannot even receive the file.
    runner = Extractor(memory_limit=1)
    try:
        result = await _run(runner, PITCH_PDF, sniff.PDF)
    finally:
        runner.close()
    assert result.text == ""
    assert result.error is not None
    assert not result.retry


async def test_without_worker_processes_threads_parse_under_the_same_deadline() -> None:
    runner = Extractor(processes=False)
    assert (await _run(runner, DECK, sniff.PPTX)).text.startswith("Pricing deck\nPlan\nSeats")
    assert (await _run(runner, DECK, sniff.PPTX, time_limit=0.0)).error == (
        "extraction took longer than 0 s and was abandoned"
    )


# --- reading from the blob store ------------------------------------------------------------------------------------


async def _stored(store: LocalBlobStore, data: bytes, content_type: str) -> str:
    async def chunks() -> AsyncIterator[bytes]:
        yield data

    return (await store.put_stream(chunks(), content_type=content_type, max_size=len(data))).key


async def test_extract_text_reads_the_blob_and_parses_it(local_store: LocalBlobStore, extractor: Extractor) -> None:
    key = await _stored(local_store, DECK, sniff.PPTX)
    result = await extract_text(local_store, key, sniff.PPTX, extractor=extractor)
    assert result.text.split("\n") == [
        "Pricing deck",
        "Plan",
        "Seats",
        "Grouped: annual discount",
        "Notes: never promise a discount",
    ]
    assert result.pages == 1


class CountingStore(LocalBlobStore):
    """The local store, counting reads (a file over the limit must not be read at all)."""

    reads = 0

    def read(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        self.reads += 1
        return super().read(key, start, end)


async def test_a_file_over_max_bytes_is_not_read(tmp_path: Any, extractor: Extractor) -> None:
    store = CountingStore(tmp_path / "blobs")
    key = await _stored(store, PITCH_PDF, sniff.PDF)

    result = await extract_text(store, key, sniff.PDF, max_bytes=len(PITCH_PDF) - 1, extractor=extractor)

    assert result.error is not None
    assert result.error.startswith("file too large to extract")
    assert (result.text, result.retry, store.reads) == ("", False, 0)
    exact = await extract_text(store, key, sniff.PDF, max_bytes=len(PITCH_PDF), extractor=extractor)
    assert exact.error is None


async def test_files_without_text_are_not_read(tmp_path: Any) -> None:
    store = CountingStore(tmp_path / "blobs")
    assert await extract_text(store, "0" * 64, sniff.PNG) == Extraction(text="")
    assert store.reads == 0


async def test_a_missing_blob_is_an_error_and_an_unreachable_store_a_retry(local_store: LocalBlobStore) -> None:
    missing = await extract_text(local_store, legacy_blob_key("0" * 64), sniff.PDF)
    assert (missing.error, missing.retry) == ("the file is missing from the blob store", False)

    class DownStore(LocalBlobStore):
        async def stat(self, key: str) -> BlobInfo | None:
            raise BlobUnavailable("connection refused")

    down = await extract_text(DownStore(local_store.root), legacy_blob_key("0" * 64), sniff.PDF)
    assert down.retry
    assert down.error == "the blob store is unavailable: connection refused"


# --- the worker loop ------------------------------------------------------------------------------------------------


async def _asset_with_file(api: Api, slug: str, data: bytes, content_type: str, file_name: str) -> str:
    await create_entry(api, "assets", asset_body(slug, file_name=file_name))
    response = await upload(api, slug, 1, data, content_type=content_type)
    assert response.status_code == 200, response.text
    return sha(data)


async def _texts(settings: Settings) -> dict[str, tuple[str, str | None, bool, int | None]]:
    conn = await asyncpg.connect(settings.database_url)
    try:
        rows = await conn.fetch("SELECT sha256, text, error, truncated, pages FROM asset_texts")
    finally:
        await conn.close()
    return {r["sha256"]: (r["text"], r["error"], r["truncated"], r["pages"]) for r in rows}


def _task(client: AsyncTestClient[Any], **options: Any) -> AssetTextExtraction:
    found = services(client)
    return AssetTextExtraction(found.pool, found.blobs, extractor=Extractor(processes=False), **options)


async def test_the_worker_records_the_text_of_every_asset_file_once(
    local_client: AsyncTestClient[Any], local_settings: Settings
) -> None:
    api = Api(local_client)
    deck = await _asset_with_file(api, "deck", DECK, sniff.PPTX, "deck.pptx")
    pdf = await _asset_with_file(api, "handbook", PITCH_PDF, sniff.PDF, "handbook.pdf")
    note = await _asset_with_file(api, "notes", "Qualified leads: ünified\n".encode(), sniff.MARKDOWN, "notes.md")
    image = await _asset_with_file(api, "logo", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, sniff.PNG, "logo.png")
    extracted: list[str] = []

    async def on_extracted(conn: Connection, sha256: str) -> None:
        assert await conn.fetchval("SELECT count(*) FROM asset_texts WHERE sha256 = $1", sha256) == 1
        extracted.append(sha256)

    task = _task(local_client, on_extracted=on_extracted)

    assert await in_app(local_client, task.run_once) == 4
    assert await in_app(local_client, task.run_once) == 0  # nothing left: nothing read again

    texts = await _texts(local_settings)
    assert texts == {
        deck: ("Pricing deck\nPlan\nSeats\nGrouped: annual discount\nNotes: never promise a discount", None, False, 1),
        pdf: ("Marketing qualified lead handbook\nPage two: routing rules", None, False, 2),
        note: ("Qualified leads: ünified", None, False, None),
        image: ("", None, False, None),
    }
    assert sorted(extracted) == sorted(texts)


async def test_an_unreadable_file_is_recorded_and_publishing_does_not_wait(
    local_client: AsyncTestClient[Any], local_settings: Settings
) -> None:
    api = Api(local_client)
    broken = await _asset_with_file(api, "broken", BROKEN_DOCX, sniff.DOCX, "broken.docx")
    await publish_entry(api, "assets", "broken")  # before any extraction

    assert await in_app(local_client, _task(local_client).run_once) == 1

    text, error, truncated, _ = (await _texts(local_settings))[broken]
    assert (text, truncated) == ("", False)
    assert error == "the file is not a valid Office document (a broken zip archive)"
    assert await in_app(local_client, _task(local_client).run_once) == 0  # recorded: never tried again


async def test_caps_are_applied_and_recorded(local_client: AsyncTestClient[Any], local_settings: Settings) -> None:
    api = Api(local_client)
    long_pdf = await _asset_with_file(api, "long", make_pdf(["one", "two", "three"]), sniff.PDF, "long.pdf")
    big = await _asset_with_file(api, "big", b"x" * 5000, sniff.TEXT, "big.txt")
    task = _task(local_client, limits=Limits(max_bytes=4000, max_pages=2))
    assert await in_app(local_client, task.run_once) == 2

    texts = await _texts(local_settings)
    assert texts[long_pdf] == ("one\ntwo", None, True, 3)
    assert texts[big][1] == "file too large to extract (5000 bytes; the limit is 4000)"


async def test_an_unreachable_store_leaves_files_for_a_later_round(
    local_client: AsyncTestClient[Any], local_settings: Settings
) -> None:
    api = Api(local_client)
    digest = await _asset_with_file(api, "handbook", PITCH_PDF, sniff.PDF, "handbook.pdf")
    found = services(local_client)

    class DownStore(LocalBlobStore):
        async def stat(self, key: str) -> BlobInfo | None:
            raise BlobUnavailable("connection refused")

    down = AssetTextExtraction(found.pool, DownStore(local_settings.data_dir / "blobs"))
    assert await in_app(local_client, down.run_once) == 0
    assert await _texts(local_settings) == {}
    assert await in_app(local_client, _task(local_client).run_once) == 1
    assert digest in await _texts(local_settings)


async def test_one_worker_extracts_at_a_time(local_client: AsyncTestClient[Any], local_settings: Settings) -> None:
    api = Api(local_client)
    await _asset_with_file(api, "handbook", PITCH_PDF, sniff.PDF, "handbook.pdf")
    found = services(local_client)

    async def both() -> list[int]:
        async with found.pool.acquire() as holder:
            await holder.execute("SELECT pg_advisory_lock($1)", 0x63616E6F6E_7478)
            try:
                held = await _task(local_client).run_once()
            finally:
                await holder.execute("SELECT pg_advisory_unlock($1)", 0x63616E6F6E_7478)
        return [held, await _task(local_client).run_once()]

    assert await in_app(local_client, both) == [0, 1]


async def test_text_of_a_collected_blob_goes_with_it(
    local_client: AsyncTestClient[Any], local_settings: Settings
) -> None:
    api = Api(local_client)
    digest = await _asset_with_file(api, "handbook", PITCH_PDF, sniff.PDF, "handbook.pdf")
    await in_app(local_client, _task(local_client).run_once)
    conn = await asyncpg.connect(local_settings.database_url)
    try:
        await conn.execute("DELETE FROM versions")
        await conn.execute("DELETE FROM blobs WHERE sha256 = $1", digest)
        assert await asset_texts.get(conn, digest) is None
    finally:
        await conn.close()


async def test_the_worker_runs_extraction_beside_its_consumers(
    local_client: AsyncTestClient[Any], local_settings: Settings
) -> None:
    api = Api(local_client)
    worker = build_worker(services(local_client))
    [extraction] = [loop.__self__ for loop in worker._alongside if isinstance(loop.__self__, AssetTextExtraction)]
    assert extraction.every_seconds == 5.0
    extraction.every_seconds = 0.1
    stop = asyncio.Event()
    running = asyncio.wrap_future(local_client.blocking_portal.start_task_soon(worker.run, stop))

    async def stop_worker() -> None:
        stop.set()

    try:
        digest = await _asset_with_file(api, "deck", DECK, sniff.PPTX, "deck.pptx")
        assert await _eventually(lambda: _texts(local_settings), until=lambda texts: digest in texts)
    finally:
        await in_app(local_client, stop_worker)
        await asyncio.wait_for(running, 30)
    assert (await _texts(local_settings))[digest][0].startswith("Pricing deck")
