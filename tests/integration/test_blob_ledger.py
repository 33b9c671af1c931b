"""The `blobs` ledger: each upload stays at its own key, the ledger maps each SHA-256 to the one key holding it.

Against real PostgreSQL and the moto S3 server (or the local store): identical bytes are stored once (the duplicate
is deleted after the attach), failures leave nothing behind, blobs of the first layout (`blobs/sha256/…`) keep
working, and garbage collection deletes what nothing names without racing an upload that is about to name it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import asyncpg
import httpx
from litestar.testing import AsyncTestClient

from service.blobs.base import StoredBlob, is_blob_key, legacy_blob_key
from service.config import Settings
from service.store import assets as asset_store
from service.store import migrations
from service.store.database import transaction
from service.usecases import blob_gc
from service.usecases.blob_gc import GcReport
from tests.asset_fixtures import (
    PDF,
    PDF_V2,
    asset_body,
    author,
    blob_root,
    create_entry,
    decoded_asset,
    etag_of,
    in_app,
    published_asset,
    services,
    sha,
    stored_blobs,
    upload,
)
from tests.blob_fixtures import s3_leftovers, s3_stored
from tests.conftest import with_database
from tests.support import Api, full_problem

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


async def _ledger(settings: Settings) -> dict[str, str]:
    """sha256 -> storage key, for every row of the ledger."""
    conn = await asyncpg.connect(settings.database_url)
    try:
        return {r["sha256"]: r["storage_key"] for r in await conn.fetch("SELECT sha256, storage_key FROM blobs")}
    finally:
        await conn.close()


async def _execute(settings: Settings, sql: str, *args: Any) -> None:
    conn = await asyncpg.connect(settings.database_url)
    try:
        await conn.execute(sql, *args)
    finally:
        await conn.close()


async def _collect(client: AsyncTestClient[Any], grace: dt.timedelta = dt.timedelta(0)) -> GcReport:
    found = services(client)
    return await in_app(client, blob_gc.collect, found.pool, found.blobs, grace)


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def _put(client: AsyncTestClient[Any], data: bytes) -> StoredBlob:
    """Store bytes through the app's blob store without recording them (what a crashed upload leaves)."""
    store = services(client).blobs

    async def put() -> StoredBlob:
        stored: StoredBlob = await store.put_stream(_chunks(data), content_type="application/pdf", max_size=len(data))
        return stored

    return await in_app(client, put)


# ---- deduplication through the ledger --------------------------------------------------------------------------


async def test_s3_identical_bytes_are_stored_once_and_the_duplicate_deleted(
    s3_client: AsyncTestClient[Any], s3_settings: Settings, s3_bucket: str, moto_client: S3Client
) -> None:
    api = Api(s3_client)
    await create_entry(api, "assets", asset_body("first"))
    await create_entry(api, "assets", asset_body("second"))
    assert (await upload(api, "first", 1, PDF)).status_code == 200
    ledger = await _ledger(s3_settings)
    assert list(ledger) == [sha(PDF)]
    assert is_blob_key(ledger[sha(PDF)])
    assert s3_leftovers(moto_client, s3_bucket) == [ledger[sha(PDF)]]

    second = await upload(api, "second", 1, PDF)
    assert decoded_asset(second).version.content.sha256 == sha(PDF)
    assert await _ledger(s3_settings) == ledger  # the first copy stays the one
    assert s3_leftovers(moto_client, s3_bucket) == [ledger[sha(PDF)]]  # the second copy was deleted

    # both versions serve the one copy
    for slug in ("first", "second"):
        redirect = await s3_client.get(f"/v1/assets/{slug}/content", params={"version": 1}, follow_redirects=False)
        assert redirect.status_code == 307, redirect.text
        assert f"/{ledger[sha(PDF)]}?" in redirect.headers["Location"]
        async with httpx.AsyncClient() as http:
            assert (await http.get(redirect.headers["Location"])).content == PDF


async def test_s3_concurrent_uploads_of_the_same_bytes_keep_one_copy(
    s3_client: AsyncTestClient[Any], s3_settings: Settings, s3_bucket: str, moto_client: S3Client
) -> None:
    api = Api(s3_client)
    slugs = [f"deck-{n}" for n in range(3)]
    for slug in slugs:
        await create_entry(api, "assets", asset_body(slug))
    answers = await asyncio.gather(*(upload(api, slug, 1, PDF) for slug in slugs))
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert s3_stored(moto_client, s3_bucket) == [sha(PDF)]
    assert s3_leftovers(moto_client, s3_bucket) == [(await _ledger(s3_settings))[sha(PDF)]]


async def test_s3_a_direct_upload_of_stored_bytes_names_the_stored_copy(
    s3_client: AsyncTestClient[Any], s3_settings: Settings, s3_bucket: str, moto_client: S3Client
) -> None:
    api = Api(s3_client)
    await published_asset(api, "streamed")
    ledger = await _ledger(s3_settings)
    await create_entry(api, "assets", asset_body("direct"))
    announced = {"file_name": "direct.pdf", "content_type": "application/pdf", "size": len(PDF), "sha256": sha(PDF)}
    editor = await author(api)
    ticket = (await s3_client.post("/v1/assets/direct/versions/1/upload-url", json=announced, headers=editor)).json()
    async with httpx.AsyncClient() as http:
        assert (await http.put(ticket["url"], headers=ticket["headers"], content=PDF)).status_code == 200
    done = await s3_client.post(
        "/v1/assets/direct/versions/1/upload-complete",
        json={"upload_id": ticket["upload_id"]},
        headers={**editor, "If-Match": await etag_of(s3_client, "assets", "direct")},
    )
    assert decoded_asset(done).version.content.sha256 == sha(PDF)
    assert await _ledger(s3_settings) == ledger
    assert s3_leftovers(moto_client, s3_bucket) == [ledger[sha(PDF)]]  # staged upload and its copy both gone


async def test_a_ledger_row_whose_copy_is_lost_adopts_the_new_upload(
    local_client: AsyncTestClient[Any], local_settings: Settings
) -> None:
    api = Api(local_client)
    await create_entry(api, "assets", asset_body("first"))
    await create_entry(api, "assets", asset_body("second"))
    assert (await upload(api, "first", 1, PDF)).status_code == 200
    lost = (await _ledger(local_settings))[sha(PDF)]
    (blob_root(local_settings) / lost).unlink()  # the bytes went missing behind Canon's back

    assert (await upload(api, "second", 1, PDF)).status_code == 200
    ledger = await _ledger(local_settings)
    assert ledger[sha(PDF)] != lost
    assert stored_blobs(local_settings) == [sha(PDF)]
    for slug in ("first", "second"):
        served = await local_client.get(f"/v1/assets/{slug}/content", params={"version": 1})
        assert served.content == PDF


async def test_s3_a_refused_attach_leaves_nothing_behind(
    s3_client: AsyncTestClient[Any], s3_settings: Settings, s3_bucket: str, moto_client: S3Client
) -> None:
    """The bytes are stored before the attach step refuses them (no file name): they are deleted, not recorded."""
    api = Api(s3_client)
    await create_entry(api, "assets", asset_body(file_name=None))
    nameless = full_problem(await upload(api, "pricing-deck", 1, PDF), 422)
    assert [e.pointer for e in nameless.errors or []] == ["file_name"]
    assert s3_leftovers(moto_client, s3_bucket) == []
    assert await _ledger(s3_settings) == {}


async def test_s3_a_refused_duplicate_leaves_the_stored_copy_alone(
    s3_client: AsyncTestClient[Any], s3_settings: Settings, s3_bucket: str, moto_client: S3Client
) -> None:
    api = Api(s3_client)
    await published_asset(api, "kept")
    await create_entry(api, "assets", asset_body("nameless", file_name=None))
    full_problem(await upload(api, "nameless", 1, PDF), 422)
    assert s3_stored(moto_client, s3_bucket) == [sha(PDF)]
    assert list(await _ledger(s3_settings)) == [sha(PDF)]


# ---- blobs of the first layout ---------------------------------------------------------------------------------


async def _to_legacy_key(settings: Settings, sha256: str) -> str:
    """Move a blob (file and ledger row) to where the first layout kept it, as migration 0007 finds such data."""
    current = (await _ledger(settings))[sha256]
    legacy = legacy_blob_key(sha256)
    target = blob_root(settings) / legacy
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(blob_root(settings) / current, target)
    await _execute(settings, "UPDATE blobs SET storage_key = $2 WHERE sha256 = $1", sha256, legacy)
    return legacy


async def test_blobs_of_the_first_layout_serve_deduplicate_and_are_collected(
    local_client: AsyncTestClient[Any], local_settings: Settings
) -> None:
    api = Api(local_client)
    await published_asset(api, "old")
    legacy = await _to_legacy_key(local_settings, sha(PDF))

    served = await local_client.get("/v1/assets/old/content", headers={"Range": "bytes=0-7"})
    assert (served.status_code, served.content) == (206, PDF[:8])
    # a new upload of the same bytes names the old copy, and its own copy is deleted
    await create_entry(api, "assets", asset_body("new"))
    assert (await upload(api, "new", 1, PDF)).status_code == 200
    assert await _ledger(local_settings) == {sha(PDF): legacy}
    assert stored_blobs(local_settings) == [sha(PDF)]
    # collection keeps it while a version names it, and deletes it (at its old key) once none does
    assert await _collect(local_client) == GcReport(0, 0, 0)
    assert (await upload(api, "new", 1, PDF_V2)).status_code == 200
    await _execute(local_settings, "DELETE FROM versions WHERE content ->> 'sha256' = $1", sha(PDF))
    assert await _collect(local_client) == GcReport(deleted_blobs=1, deleted_orphans=0, deleted_uploads=0)
    assert not (blob_root(local_settings) / legacy).exists()
    assert stored_blobs(local_settings) == [sha(PDF_V2)]


async def test_migration_0007_records_where_existing_blobs_are(pg_url: str, tmp_path: Path) -> None:
    name = f"canon_ledger_{hashlib.sha256(str(tmp_path).encode()).hexdigest()[:12]}"
    admin = await asyncpg.connect(pg_url)
    await admin.execute(f"CREATE DATABASE {name}")
    try:
        conn = await asyncpg.connect(with_database(pg_url, name))
        try:
            before = tmp_path / "before"
            shutil.copytree(migrations.default_directory(), before)
            for later in before.glob("000[7-9]_*.sql"):
                later.unlink()
            await migrations.migrate(conn, before)
            await conn.execute("INSERT INTO blobs (sha256, size) VALUES ($1, $2)", sha(PDF), len(PDF))
            await migrations.migrate(conn)
            row = await conn.fetchrow("SELECT storage_key, size FROM blobs WHERE sha256 = $1", sha(PDF))
            assert row is not None
            assert (row["storage_key"], row["size"]) == (legacy_blob_key(sha(PDF)), len(PDF))
        finally:
            await conn.close()
    finally:
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await admin.close()


# ---- garbage collection ----------------------------------------------------------------------------------------


async def test_s3_collection_deletes_unreferenced_blobs_and_unrecorded_objects(
    s3_client: AsyncTestClient[Any], s3_settings: Settings, s3_bucket: str, moto_client: S3Client
) -> None:
    api = Api(s3_client)
    await published_asset(api, "kept", data=PDF_V2)
    await create_entry(api, "assets", asset_body("draft"))
    assert (await upload(api, "draft", 1, PDF)).status_code == 200
    assert (await upload(api, "draft", 1, b"%PDF-1.7\nthird")).status_code == 200  # PDF is garbage now
    orphan = await _put(s3_client, b"%PDF-1.7\norphan")
    assert s3_stored(moto_client, s3_bucket) == sorted([sha(PDF), sha(PDF_V2), sha(b"%PDF-1.7\nthird"), orphan.sha256])

    assert await _collect(s3_client, dt.timedelta(minutes=30)) == GcReport(0, 0, 0)
    assert await _collect(s3_client) == GcReport(deleted_blobs=1, deleted_orphans=1, deleted_uploads=0)
    assert s3_stored(moto_client, s3_bucket) == sorted([sha(PDF_V2), sha(b"%PDF-1.7\nthird")])
    assert sorted(await _ledger(s3_settings)) == sorted([sha(PDF_V2), sha(b"%PDF-1.7\nthird")])


async def test_collection_waits_for_an_attach_that_is_recording_the_object(
    local_client: AsyncTestClient[Any], local_settings: Settings
) -> None:
    """An object no row names yet, older than the grace, while an attach holds its key's lock and records it: the
    collector waits for the attach and then finds the key named, so it keeps the object."""
    found = services(local_client)
    stored = await _put(local_client, PDF)

    async def attach_while_collecting() -> GcReport:
        async with transaction(found.pool) as conn:
            await asset_store.lock_key(conn, stored.key)
            collecting = asyncio.ensure_future(blob_gc.collect(found.pool, found.blobs, dt.timedelta(0)))
            await asyncio.sleep(0.5)
            assert not collecting.done()  # waiting for the key's lock
            assert await asset_store.hold_blob(conn, stored.sha256, stored.size, stored.key) == stored.key
        return await collecting

    assert await in_app(local_client, attach_while_collecting) == GcReport(0, 0, 0)
    assert (blob_root(local_settings) / stored.key).read_bytes() == PDF
    assert await _ledger(local_settings) == {sha(PDF): stored.key}
