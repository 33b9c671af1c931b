"""Expiry of assets (reader views, 410, `asset.expiring` and `asset.expired` notices sent once, by the worker too)
and garbage collection of blobs no version names (unreferenced uploads, orphans written without the database)."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import os
import time
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from service.blobs.local import LocalBlobStore
from service.config import Settings
from service.store import locks
from service.usecases import blob_gc, expiry
from service.usecases.blob_gc import GcReport
from service.wiring import build_worker
from tests.asset_fixtures import (
    PDF,
    PDF_V2,
    asset_body,
    author,
    blob_root,
    create_entry,
    decoded_asset,
    in_app,
    publish_entry,
    published_asset,
    services,
    sha,
    stored_blobs,
    temp_files,
    upload,
)
from tests.support import Api, entry_events, full_problem

WEEK = dt.timedelta(days=7)
PDF_V3 = PDF.replace(b"%%EOF", b"% third\n%%EOF")


def _at(delta: dt.timedelta) -> str:
    return (dt.datetime.now(dt.UTC) + delta).isoformat()


async def _notices(client: AsyncTestClient[Any], warn_before: dt.timedelta = WEEK) -> int:
    return await in_app(client, expiry.send_due_notices, services(client).entry_contexts["asset"], warn_before)


async def _expiry_events(client: AsyncTestClient[Any]) -> list[tuple[str, str, int]]:
    items = (await client.get("/v1/events", params={"type": ["asset.expired", "asset.expiring"]})).json()["items"]
    return [(e["type"], e["data"]["slug"], e["data"]["version"]) for e in items]


# --- expiry ---------------------------------------------------------------------------------------------------------


async def test_an_asset_expires_for_readers_and_its_notices_are_sent_once(local_client: AsyncTestClient[Any]) -> None:
    api = Api(local_client)
    reader = await api.key("reader")
    editor = await author(api)
    await api.key("approver", "marketing")
    await create_entry(api, "assets", asset_body())
    uploaded = await upload(api, "pricing-deck", 1, PDF)
    # The expiry is set last, just before review, so that the steps before it cannot eat into the time left.
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2)
    edited = await local_client.patch(
        "/v1/assets/pricing-deck/versions/1",
        json={"expires_at": expires.isoformat()},
        headers={**editor, "If-Match": uploaded.headers["ETag"]},
    )
    assert edited.status_code == 200, edited.text
    published = await publish_entry(api, "assets", "pricing-deck")
    raw_expiry = published.json()["version"]["content"]["expires_at"]
    assert dt.datetime.fromisoformat(raw_expiry) == expires

    # Before the time: listed, readable, downloadable; `asset.expiring` is due (within the week), once.
    assert [i["slug"] for i in (await local_client.get("/v1/assets", headers=reader)).json()["items"]] == [
        "pricing-deck"
    ]
    before = decoded_asset(await local_client.get("/v1/assets/pricing-deck", headers=reader))
    assert (before.version.expired, before.version.expires_at) == (False, expires)
    assert (await local_client.get("/v1/assets/pricing-deck/content", headers=reader)).content == PDF
    assert await _notices(local_client, dt.timedelta(seconds=0.5)) == 0  # not within half a second yet
    assert await _notices(local_client) == 1
    assert await _notices(local_client) == 0
    assert await _expiry_events(local_client) == [("asset.expiring", "pricing-deck", 1)]

    await asyncio.sleep(max(0.0, (expires - dt.datetime.now(dt.UTC)).total_seconds()) + 0.05)

    assert (await local_client.get("/v1/assets", headers=reader)).json()["items"] == []
    assert (await local_client.get("/v1/assets", params={"status": "published"}, headers=reader)).json()["items"] == []
    # Editors still find it in their listing.
    assert [i["slug"] for i in (await local_client.get("/v1/assets")).json()["items"]] == ["pricing-deck"]
    after = await local_client.get("/v1/assets/pricing-deck", headers=reader)
    assert after.status_code == 200, after.text
    assert decoded_asset(after).version.expired is True
    gone = full_problem(await local_client.get("/v1/assets/pricing-deck/content", headers=reader), 410)
    assert gone.detail == f"version 1 of asset 'pricing-deck' expired at {raw_expiry}"
    full_problem(await local_client.get("/v1/assets/pricing-deck/content", params={"version": 1}), 410)

    assert await _notices(local_client) == 1
    assert await _notices(local_client) == 0
    assert await _expiry_events(local_client) == [
        ("asset.expiring", "pricing-deck", 1),
        ("asset.expired", "pricing-deck", 1),
    ]
    event = (await entry_events(local_client, "pricing-deck"))[-1]
    assert event["data"]["actor"] == {"type": "service", "subject": "canon-worker", "name": "Canon worker"}
    assert event["data"]["url"] == "http://canon.test/v1/assets/pricing-deck?version=1"


async def test_expiring_notices_respect_the_warning_period(local_client: AsyncTestClient[Any]) -> None:
    api = Api(local_client)
    await published_asset(api, "next-week", expires_at=_at(dt.timedelta(days=2)))
    await published_asset(api, "no-expiry")
    await published_asset(api, "next-year", expires_at=_at(dt.timedelta(days=365)))
    # A draft that expires is not announced: only current published versions are.
    await create_entry(api, "assets", asset_body("draft", expires_at=_at(dt.timedelta(hours=1))))

    assert await _notices(local_client, dt.timedelta(days=1)) == 0
    assert await _notices(local_client, dt.timedelta(days=3)) == 1
    assert await _expiry_events(local_client) == [("asset.expiring", "next-week", 1)]


async def test_concurrent_notice_runs_send_each_notice_once(local_client: AsyncTestClient[Any]) -> None:
    api = Api(local_client)
    await published_asset(api, "expired", expires_at=_at(-dt.timedelta(hours=1)), data=PDF)
    await published_asset(api, "expiring", expires_at=_at(dt.timedelta(days=1)), data=PDF_V2)
    # Retired assets are not announced.
    await published_asset(api, "retired", expires_at=_at(-dt.timedelta(hours=1)), data=PDF_V3)
    retired = await local_client.post("/v1/assets/retired/retire")
    assert retired.status_code == 200, retired.text

    sent = await asyncio.gather(*(_notices(local_client) for _ in range(4)))
    assert sum(sent) == 2
    assert sorted(await _expiry_events(local_client)) == [
        ("asset.expired", "expired", 1),
        ("asset.expiring", "expiring", 1),
    ]
    assert await _notices(local_client) == 0


async def test_a_new_version_gets_its_own_notices(local_client: AsyncTestClient[Any]) -> None:
    api = Api(local_client)
    await published_asset(api, expires_at=_at(-dt.timedelta(minutes=1)))
    assert await _notices(local_client) == 1
    started = await local_client.post(
        "/v1/assets/pricing-deck/versions",
        json={"content": {**asset_body()["content"], "expires_at": _at(-dt.timedelta(seconds=1))}},
        headers=await author(api),
    )
    assert started.status_code == 201, started.text
    assert decoded_asset(await upload(api, "pricing-deck", 2, PDF_V2)).version.expired is True
    assert await _notices(local_client) == 0  # version 2 is not current yet
    await publish_entry(api, "assets", "pricing-deck", 2)
    assert await _notices(local_client) == 1
    assert await _expiry_events(local_client) == [
        ("asset.expired", "pricing-deck", 1),
        ("asset.expired", "pricing-deck", 2),
    ]


async def test_the_worker_sends_expiry_notices_on_its_clock(local_client: AsyncTestClient[Any]) -> None:
    api = Api(local_client)
    await published_asset(api, "first", expires_at=_at(-dt.timedelta(minutes=5)))
    worker = build_worker(services(local_client))
    periodic = {task.name: task for task in worker._periodic}
    assert {"asset-expiry", "blob-gc"} <= set(periodic)
    assert periodic["asset-expiry"].every_seconds == 30.0
    periodic["asset-expiry"].every_seconds = 0.1
    stop = asyncio.Event()
    running = asyncio.wrap_future(local_client.blocking_portal.start_task_soon(worker.run, stop))

    async def expired_slugs(count: int) -> list[str]:
        deadline = time.monotonic() + 10
        while True:
            found = [slug for kind, slug, _ in await _expiry_events(local_client) if kind == "asset.expired"]
            if len(found) >= count or time.monotonic() > deadline:
                return found
            await asyncio.sleep(0.05)

    async def stop_worker() -> None:
        stop.set()

    try:
        assert await expired_slugs(1) == ["first"]
        # A later expiry is picked up by a later round of the same periodic task.
        await published_asset(api, "second", expires_at=_at(-dt.timedelta(seconds=1)), data=PDF_V2)
        assert await expired_slugs(2) == ["first", "second"]
    finally:
        await in_app(local_client, stop_worker)
        await asyncio.wait_for(running, 10)
    assert await _expiry_events(local_client) == [("asset.expired", "first", 1), ("asset.expired", "second", 1)]


# --- garbage collection ---------------------------------------------------------------------------------------------


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def _ledger(settings: Settings) -> list[str]:
    conn = await asyncpg.connect(settings.database_url)
    try:
        return [r["sha256"] for r in await conn.fetch("SELECT sha256 FROM blobs ORDER BY sha256")]
    finally:
        await conn.close()


async def _collect(client: AsyncTestClient[Any], grace: dt.timedelta) -> GcReport:
    found = services(client)
    return await in_app(client, blob_gc.collect, found.pool, found.blobs, grace)


async def test_collection_removes_unreferenced_and_orphan_blobs_and_keeps_the_rest(
    local_client: AsyncTestClient[Any], local_settings: Settings
) -> None:
    api = Api(local_client)
    await published_asset(api, "published", data=PDF_V3)  # referenced by a published version
    await create_entry(api, "assets", asset_body("draft"))
    assert (await upload(api, "draft", 1, PDF)).status_code == 200
    assert (await upload(api, "draft", 1, PDF_V2)).status_code == 200  # PDF is no longer referenced
    orphan_bytes = b"%PDF-1.4\norphan written by a process that died before recording it\n"
    orphan = await LocalBlobStore(blob_root(local_settings)).put_stream(
        _chunks(orphan_bytes), content_type="application/pdf", max_size=10_000
    )
    abandoned = blob_root(local_settings) / "tmp" / "abandoned.part"
    abandoned.write_bytes(b"half a file")
    hour_ago = time.time() - 3600
    os.utime(abandoned, (hour_ago, hour_ago))

    everything = sorted([sha(PDF), sha(PDF_V2), sha(PDF_V3), orphan.sha256])
    assert stored_blobs(local_settings) == everything
    assert await _ledger(local_settings) == sorted([sha(PDF), sha(PDF_V2), sha(PDF_V3)])

    # Within the grace period nothing recent is touched (only the hour-old temporary file).
    assert await _collect(local_client, dt.timedelta(minutes=30)) == GcReport(0, 0, 1)
    assert stored_blobs(local_settings) == everything
    assert temp_files(local_settings) == []

    report = await _collect(local_client, dt.timedelta(0))
    assert report == GcReport(deleted_blobs=1, deleted_orphans=1, deleted_uploads=0)
    assert stored_blobs(local_settings) == sorted([sha(PDF_V2), sha(PDF_V3)])
    assert await _ledger(local_settings) == sorted([sha(PDF_V2), sha(PDF_V3)])
    assert await _collect(local_client, dt.timedelta(0)) == GcReport(0, 0, 0)

    # What is kept still serves; what was collected can be uploaded again.
    editor = await author(api)
    kept = await local_client.get("/v1/assets/published/content")
    assert (kept.status_code, hashlib.sha256(kept.content).hexdigest()) == (200, sha(PDF_V3))
    draft = await local_client.get("/v1/assets/draft/content", params={"version": 1}, headers=editor)
    assert draft.content == PDF_V2
    again = await upload(api, "draft", 1, PDF)
    assert decoded_asset(again).version.content.sha256 == sha(PDF)
    assert sha(PDF) in stored_blobs(local_settings)


async def test_only_one_collector_runs_at_a_time(local_client: AsyncTestClient[Any], local_settings: Settings) -> None:
    api = Api(local_client)
    await create_entry(api, "assets", asset_body("draft"))
    await upload(api, "draft", 1, PDF)
    await upload(api, "draft", 1, PDF_V2)
    holder = await asyncpg.connect(local_settings.database_url)
    try:
        await holder.execute("SELECT pg_advisory_lock($1)", locks.BLOB_COLLECTION)
        assert await _collect(local_client, dt.timedelta(0)) == GcReport(0, 0, 0, skipped=True)
        assert sha(PDF) in stored_blobs(local_settings)
    finally:
        await holder.close()
    assert await _collect(local_client, dt.timedelta(0)) == GcReport(1, 0, 0)
    assert stored_blobs(local_settings) == [sha(PDF_V2)]


async def test_collection_keeps_blobs_of_superseded_versions(
    local_client: AsyncTestClient[Any], local_settings: Settings
) -> None:
    api = Api(local_client)
    await published_asset(api)
    started = await local_client.post("/v1/assets/pricing-deck/versions", json={}, headers=await author(api))
    assert started.status_code == 201
    await upload(api, "pricing-deck", 2, PDF_V2)
    await publish_entry(api, "assets", "pricing-deck", 2)
    assert await _collect(local_client, dt.timedelta(0)) == GcReport(0, 0, 0)
    assert stored_blobs(local_settings) == sorted([sha(PDF), sha(PDF_V2)])
    old = await local_client.get("/v1/assets/pricing-deck/content", params={"version": 1})
    assert old.content == PDF
