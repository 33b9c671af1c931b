"""An asset file is what its Content-Type says, its text belongs to its file and type, and a version goes to review
only with its file (issue 14, item 2).

The report: a DOCX uploaded as a PPTX was accepted (only "is a zip" was checked); as bytes are stored once per
digest, extraction read them as a presentation, failed, and another asset holding the same DOCX lost its search text.
And an asset version with no file could be submitted and approved; only publishing refused it.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

import asyncpg
import httpx
import msgspec
import pytest
from litestar.testing import AsyncTestClient

from service.blobs import sniff
from service.blobs.base import upload_key
from service.config import Settings
from service.extract.runner import Extractor
from service.extract.task import AssetTextExtraction
from service.search import sync
from service.search.sync import SearchSync
from service.store.database import Connection
from service.usecases.search import SearchPage
from service.worker import drain
from tests.asset_fixtures import (
    asset_body,
    author,
    create_entry,
    decoded_asset,
    etag_of,
    in_app,
    publish_entry,
    services,
    sha,
    stored_blobs,
    temp_files,
    upload,
)
from tests.blob_fixtures import s3_leftovers, s3_stored
from tests.documents import make_docx, make_pptx, make_xlsx
from tests.support import Api, entry_events, full_problem

PLAYBOOK = make_docx(["Renewal playbook", "Churn signals in enterprise accounts"])
DECK = make_pptx(title="Quarterly pitch")
WORKBOOK = make_xlsx([["Plan", "Seats"], ["Team", "50"]])
KINDS = {sniff.DOCX: "a Word document", sniff.PPTX: "a PowerPoint presentation", sniff.XLSX: "an Excel workbook"}
MAIN_PARTS = {sniff.DOCX: "word/document.xml", sniff.PPTX: "ppt/presentation.xml", sniff.XLSX: "xl/workbook.xml"}


def mismatch(declared: str, actual: str) -> str:
    return (
        f"The file was declared as {declared}, which must be {KINDS[declared]} (a zip archive holding "
        f"[Content_Types].xml and {MAIN_PARTS[declared]}), but it is {KINDS[actual]} ({actual})."
    )


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Search answers straight after a sync, never from a cache trusted for 0.1 s."""
    return msgspec.structs.replace(settings, search_cache_recheck_seconds=0.0)


async def _version(client: AsyncTestClient[Any], slug: str) -> Any:
    return decoded_asset(await client.get(f"/v1/assets/{slug}", params={"version": 1})).version


# --- 1. Office files are what they declare --------------------------------------------------------------------------


async def test_an_office_file_declared_as_another_office_format_is_refused_naming_both(
    local_client: AsyncTestClient[Any], local_settings: Settings
) -> None:
    api = Api(local_client)
    await create_entry(api, "assets", asset_body("playbook", file_name="playbook.docx"))
    tag = await etag_of(local_client, "assets", "playbook")
    files = {sniff.DOCX: PLAYBOOK, sniff.PPTX: DECK, sniff.XLSX: WORKBOOK}

    for declared in sorted(files):
        for actual, data in sorted(files.items()):
            if actual == declared:
                continue
            refused = full_problem(await upload(api, "playbook", 1, data, content_type=declared), 415)
            assert refused.type == "https://canon.dev/problems/unsupported-media-type"
            assert refused.detail == mismatch(declared, actual)

    # Nothing refused is kept, and the version is as it was.
    assert stored_blobs(local_settings) == []
    assert temp_files(local_settings) == []
    assert (await local_client.get("/v1/assets/playbook", params={"version": 1})).headers["ETag"] == tag
    assert (await _version(local_client, "playbook")).content.sha256 is None

    # Each file is accepted as what it is; the bytes of a DOCX are a zip archive too.
    for declared, data in sorted(files.items()):
        accepted = await upload(api, "playbook", 1, data, content_type=f"{declared}; name=file")
        assert accepted.status_code == 200, accepted.text
        assert decoded_asset(accepted).version.content.content_type == declared
    assert (await upload(api, "playbook", 1, PLAYBOOK, content_type="application/zip")).status_code == 200


async def test_a_zip_archive_that_is_no_office_document_is_refused_as_one(
    local_client: AsyncTestClient[Any], local_settings: Settings
) -> None:
    api = Api(local_client)
    await create_entry(api, "assets", asset_body("sheet", file_name="sheet.xlsx"))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("sheet.csv", b"Plan,Seats\n")
    plain_zip = out.getvalue()

    refused = full_problem(await upload(api, "sheet", 1, plain_zip, content_type=sniff.XLSX), 415)
    assert refused.detail == (
        f"The file was declared as {sniff.XLSX}, which must be an Excel workbook (a zip archive holding "
        "[Content_Types].xml and xl/workbook.xml), but it is a zip archive without those parts."
    )
    assert stored_blobs(local_settings) == []


async def test_the_reported_case_cannot_happen_again(
    local_client: AsyncTestClient[Any], local_settings: Settings
) -> None:
    """The DOCX another asset holds, uploaded as a PPTX, is refused: its bytes are never read as a presentation."""
    api = Api(local_client)
    await create_entry(api, "assets", asset_body("playbook", file_name="playbook.docx"))
    assert (await upload(api, "playbook", 1, PLAYBOOK, content_type=sniff.DOCX)).status_code == 200
    await create_entry(api, "assets", asset_body("pitch", file_name="pitch.pptx"))

    refused = full_problem(await upload(api, "pitch", 1, PLAYBOOK, content_type=sniff.PPTX), 415)
    assert refused.detail == mismatch(sniff.PPTX, sniff.DOCX)
    assert (await _version(local_client, "pitch")).content.sha256 is None
    assert stored_blobs(local_settings) == [sha(PLAYBOOK)]  # the first asset's copy, untouched


async def test_a_direct_upload_of_another_office_format_is_refused_at_completion(
    s3_client: AsyncTestClient[Any], s3_bucket: str, moto_client: Any
) -> None:
    api = Api(s3_client)
    editor = await author(api)
    await create_entry(api, "assets", asset_body("pitch", file_name="pitch.pptx"))
    announced = {"file_name": "pitch.pptx", "content_type": sniff.PPTX, "size": len(PLAYBOOK), "sha256": sha(PLAYBOOK)}
    started = await s3_client.post("/v1/assets/pitch/versions/1/upload-url", json=announced, headers=editor)
    assert started.status_code == 201, started.text
    ticket = started.json()
    async with httpx.AsyncClient() as http:
        put = await http.put(ticket["url"], headers=ticket["headers"], content=PLAYBOOK)
    assert put.status_code == 200, put.text
    assert s3_leftovers(moto_client, s3_bucket) == [upload_key(ticket["upload_id"])]
    tag = await etag_of(s3_client, "assets", "pitch")

    refused = await s3_client.post(
        "/v1/assets/pitch/versions/1/upload-complete",
        json={"upload_id": ticket["upload_id"]},
        headers={**editor, "If-Match": tag},
    )

    assert full_problem(refused, 415).detail == mismatch(sniff.PPTX, sniff.DOCX)
    after = await s3_client.get("/v1/assets/pitch", params={"version": 1})
    assert after.headers["ETag"] == tag
    assert decoded_asset(after).version.content.sha256 is None
    assert s3_stored(moto_client, s3_bucket) == []
    assert s3_leftovers(moto_client, s3_bucket) == []


# --- 2. Text belongs to the file and its type -----------------------------------------------------------------------


async def _extract_and_index(client: AsyncTestClient[Any]) -> None:
    """What the worker does: index the entries, then extract every file's text, re-indexing the versions naming it."""
    found = services(client)

    async def index_extracted(conn: Connection, sha256: str) -> None:
        await sync.refresh_blob(conn, found.search, sha256, found.settings.public_url)

    await in_app(client, drain, found.pool, SearchSync(found.search, found.settings.public_url))
    task = AssetTextExtraction(
        found.pool, found.blobs, extractor=Extractor(processes=False), on_extracted=index_extracted
    )
    while await in_app(client, task.run_once):
        pass


async def _found(client: AsyncTestClient[Any], q: str) -> list[str]:
    response = await client.get("/v1/search", params={"q": q})
    assert response.status_code == 200, response.text
    return sorted(hit.slug for hit in msgspec.json.decode(response.content, type=SearchPage).hits)


async def _texts(settings: Settings, digest: str) -> dict[str, tuple[str, str | None]]:
    conn = await asyncpg.connect(settings.database_url)
    try:
        rows = await conn.fetch("SELECT content_type, text, error FROM asset_texts WHERE sha256 = $1", digest)
    finally:
        await conn.close()
    return {r["content_type"]: (r["text"], r["error"]) for r in rows}


async def _published_file(api: Api, slug: str, data: bytes, content_type: str, file_name: str) -> None:
    await create_entry(api, "assets", asset_body(slug, file_name=file_name))
    response = await upload(api, slug, 1, data, content_type=content_type)
    assert response.status_code == 200, response.text
    await publish_entry(api, "assets", slug)


async def test_the_same_bytes_under_another_type_take_no_text_away(
    local_client: AsyncTestClient[Any], local_settings: Settings
) -> None:
    """A DOCX is also a zip archive: an asset offering it as a plain zip (the newest version naming the bytes) gets
    no text, and the asset offering it as a Word document keeps its own."""
    api = Api(local_client)
    await _published_file(api, "playbook", PLAYBOOK, sniff.DOCX, "playbook.docx")
    await _published_file(api, "bundle", PLAYBOOK, sniff.ZIP, "bundle.zip")

    await _extract_and_index(local_client)

    assert await _found(local_client, "churn signals") == ["playbook"]
    assert await _texts(local_settings, sha(PLAYBOOK)) == {
        sniff.DOCX: ("Renewal playbook\nChurn signals in enterprise accounts", None),
        sniff.ZIP: ("", None),
    }


async def test_a_file_stored_under_a_wrong_label_before_the_check_takes_no_text_away(
    local_client: AsyncTestClient[Any], local_settings: Settings
) -> None:
    """The reported case, as the data of earlier releases holds it: a version labelled PPTX naming a DOCX's bytes."""
    api = Api(local_client)
    await _published_file(api, "playbook", PLAYBOOK, sniff.DOCX, "playbook.docx")
    await _published_file(api, "pitch", PLAYBOOK, sniff.DOCX, "pitch.pptx")
    conn = await asyncpg.connect(local_settings.database_url)
    try:  # as an upload before this release recorded it (and the newest version naming the bytes)
        await conn.execute(
            """UPDATE versions SET content = jsonb_set(content, '{content_type}', to_jsonb($1::text)),
                                   updated_at = now() + interval '1 second'
               WHERE content ->> 'file_name' = 'pitch.pptx'""",
            sniff.PPTX,
        )
    finally:
        await conn.close()

    await _extract_and_index(local_client)

    assert await _found(local_client, "churn signals") == ["playbook"]
    texts = await _texts(local_settings, sha(PLAYBOOK))
    assert texts[sniff.DOCX] == ("Renewal playbook\nChurn signals in enterprise accounts", None)
    assert texts[sniff.PPTX][0] == ""
    assert (texts[sniff.PPTX][1] or "").startswith(f"the file could not be read as {sniff.PPTX}")


# --- 3. A version goes to review with its file ----------------------------------------------------------------------


async def test_a_version_without_its_file_cannot_be_submitted(local_client: AsyncTestClient[Any]) -> None:
    api = Api(local_client)
    editor = await author(api)
    await create_entry(api, "assets", asset_body())
    tag = await etag_of(local_client, "assets", "pricing-deck")

    refused = await local_client.post("/v1/assets/pricing-deck/versions/1/submit", headers=editor)

    found = full_problem(refused, 409, "conflict")
    assert found.detail == "version 1 cannot be submitted for review yet: upload the file first"
    assert (await local_client.get("/v1/assets/pricing-deck", params={"version": 1})).headers["ETag"] == tag
    assert (await _version(local_client, "pricing-deck")).status == "draft"
    assert [e["type"] for e in await entry_events(local_client, "pricing-deck")] == ["asset.created"]
    approver = await api.key("approver", "marketing")
    not_in_review = await local_client.post("/v1/assets/pricing-deck/versions/1/approve", json={}, headers=approver)
    assert full_problem(not_in_review, 409).detail == "version 1 is draft; only a version in review can be approved"

    # With its file, the same version goes to review.
    assert (await upload(api, "pricing-deck", 1, PLAYBOOK, content_type=sniff.DOCX)).status_code == 200
    submitted = await local_client.post("/v1/assets/pricing-deck/versions/1/submit", headers=editor)
    assert submitted.status_code == 200, submitted.text
    assert decoded_asset(submitted).version.status == "in_review"
