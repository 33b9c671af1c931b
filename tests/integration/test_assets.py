"""Assets through HTTP: files uploaded to drafts (streamed, or directly to S3), checked, deduplicated and served, with
the local directory store (the embedded default) and with S3 (a moto server over HTTP, stopped for the outage)."""

from __future__ import annotations

import asyncio
import base64
from typing import TYPE_CHECKING, Any

import asyncpg
import httpx
import msgspec
from litestar.testing import AsyncTestClient

from service.blobs.base import content_disposition, upload_key
from service.config import Settings
from tests.asset_fixtures import (
    PDF,
    PDF_V2,
    asset_body,
    author,
    create_entry,
    decoded_asset,
    etag_of,
    publish_entry,
    published_asset,
    put_chunks,
    running_client,
    sha,
    stored_blobs,
    temp_files,
    upload,
)
from tests.blob_fixtures import REGION, MotoServer, s3_leftovers, s3_stored
from tests.support import Api, full_problem, problem

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
NON_ASCII_NAME = "Übersicht \u2013 Preise 2026.pdf"  # an en dash: not in Latin-1 either


# --- creating and uploading (local store) ---------------------------------------------------------------------------


async def test_an_asset_is_created_without_a_file_and_its_file_facts_cannot_be_set(
    local_client: AsyncTestClient[Any],
) -> None:
    api = Api(local_client)
    await api.published("mql")
    expires = "2030-01-31T12:00:00+00:00"
    created = await create_entry(api, "assets", asset_body(expires_at=expires, references=[{"slug": "mql"}]))
    assert created.headers["Location"] == "/v1/assets/pricing-deck"
    entry = decoded_asset(created)
    assert (entry.kind, entry.version.status, entry.version.expired) == ("asset", "draft", False)
    assert entry.version.expires_at.isoformat() == expires
    content = entry.version.content
    assert (content.description, content.file_name, content.expires_at.isoformat()) == (
        "Pricing for 2026",
        "pricing.pdf",
        expires,
    )
    assert (content.content_type, content.size, content.sha256) == (None, None, None)
    assert [(r.kind, r.slug, r.version) for r in content.references] == [("definition", "mql", 1)]

    editor = await author(api)
    for field, value in [("sha256", sha(PDF)), ("size", 3), ("content_type", "application/pdf")]:
        refused = problem(
            await local_client.post("/v1/assets", json=asset_body("other", **{field: value}), headers=editor), 422
        )
        assert [e.pointer for e in refused.errors or []] == [f"/content/{field}"]
    naive = problem(
        await local_client.post(
            "/v1/assets", json=asset_body("other", expires_at="2030-01-31T12:00:00"), headers=editor
        ),
        422,
    )
    assert [e.pointer for e in naive.errors or []] == ["/content/expires_at"]
    bad_name = problem(
        await local_client.post("/v1/assets", json=asset_body("other", file_name="../etc/passwd"), headers=editor),
        422,
    )
    assert [e.pointer for e in bad_name.errors or []] == ["/content/file_name"]


async def test_uploading_a_pdf_sets_the_version_file_facts(
    local_client: AsyncTestClient[Any], local_settings: Settings
) -> None:
    api = Api(local_client)
    created = await create_entry(api, "assets", asset_body())
    tag = created.headers["ETag"]

    response = await upload(api, "pricing-deck", 1, PDF, if_match=tag)
    assert response.status_code == 200, response.text
    assert response.headers["ETag"] != tag
    content = decoded_asset(response).version.content
    assert (content.file_name, content.content_type, content.size, content.sha256) == (
        "pricing.pdf",
        "application/pdf",
        len(PDF),
        sha(PDF),
    )
    assert content.description == "Pricing for 2026"  # the rest of the content is kept
    assert stored_blobs(local_settings) == [sha(PDF)]
    assert temp_files(local_settings) == []

    events = (await local_client.get("/v1/events", params={"type": "asset.*"})).json()["items"]
    assert [(e["type"], e["data"].get("changes", [])) for e in events] == [
        ("asset.created", []),
        ("asset.draft_updated", ["content_type", "sha256", "size"]),
    ]


async def test_the_file_name_comes_from_the_query_or_content_disposition(
    local_client: AsyncTestClient[Any],
) -> None:
    api = Api(local_client)
    await create_entry(api, "assets", asset_body(file_name=None))

    nameless = full_problem(await upload(api, "pricing-deck", 1, PDF), 422)
    assert [(e.pointer, e.source) for e in nameless.errors or []] == [("file_name", "query")]

    by_query = await upload(api, "pricing-deck", 1, PDF, file_name="deck v1.pdf")
    assert decoded_asset(by_query).version.content.file_name == "deck v1.pdf"

    encoded = "attachment; filename*=UTF-8''%C3%9Cbersicht%20%E2%80%93%20Preise%202026.pdf"
    by_header = await upload(api, "pricing-deck", 1, PDF, headers={"Content-Disposition": encoded})
    assert by_header.status_code == 200, by_header.text
    assert decoded_asset(by_header).version.content.file_name == NON_ASCII_NAME

    quoted = await upload(api, "pricing-deck", 1, PDF, headers={"Content-Disposition": 'inline; filename="q.pdf"'})
    assert decoded_asset(quoted).version.content.file_name == "q.pdf"
    # The query wins over the header.
    both = await upload(
        api,
        "pricing-deck",
        1,
        PDF,
        file_name="query.pdf",
        headers={"Content-Disposition": 'attachment; filename="h.pdf"'},
    )
    assert decoded_asset(both).version.content.file_name == "query.pdf"

    # Canon's own Content-Disposition (ASCII fallback first, then the exact name): the exact name wins.
    own = await upload(
        api, "pricing-deck", 1, PDF, headers={"Content-Disposition": content_disposition(NON_ASCII_NAME)}
    )
    assert decoded_asset(own).version.content.file_name == NON_ASCII_NAME


async def test_file_names_given_with_an_upload_obey_the_content_rules(
    local_client: AsyncTestClient[Any], local_settings: Settings
) -> None:
    api = Api(local_client)
    created = await create_entry(api, "assets", asset_body())
    for name, header in [
        ("../etc/passwd", None),
        ("a\\b.pdf", None),
        (None, "attachment; filename*=UTF-8''..%2Fsecret.pdf"),
        (None, "attachment; filename*=UTF-8''line%0Abreak.pdf"),
        (None, f'attachment; filename="{"x" * 252}.pdf"'),
    ]:
        headers = {"Content-Disposition": header} if header else None
        refused = full_problem(await upload(api, "pricing-deck", 1, PDF, file_name=name, headers=headers), 422)
        assert [(e.pointer, e.source) for e in refused.errors or []] == [("file_name", "query")], (name, header)
    assert stored_blobs(local_settings) == []
    # The draft is untouched and still editable.
    tag = await etag_of(local_client, "assets", "pricing-deck")
    assert tag == created.headers["ETag"]
    edited = await local_client.patch(
        "/v1/assets/pricing-deck/versions/1",
        json={"description": "Edited"},
        headers={**await author(api), "If-Match": tag},
    )
    assert edited.status_code == 200, edited.text
    assert decoded_asset(edited).version.content.file_name == "pricing.pdf"


async def test_uploads_need_the_current_etag(local_client: AsyncTestClient[Any], local_settings: Settings) -> None:
    api = Api(local_client)
    await create_entry(api, "assets", asset_body())

    missing = full_problem(await upload(api, "pricing-deck", 1, PDF, if_match=None), 428)
    assert "If-Match" in (missing.detail or "")
    stale = full_problem(await upload(api, "pricing-deck", 1, PDF, if_match='"12345"'), 412)
    assert "current ETag" in (stale.detail or "")
    # Refused before a byte was stored.
    assert stored_blobs(local_settings) == []
    assert (
        decoded_asset(await local_client.get("/v1/assets/pricing-deck", params={"version": 1})).version.content.sha256
        is None
    )
    problem(await upload(api, "no-such-asset", 1, PDF, if_match='"1"'), 404)
    problem(await upload(api, "pricing-deck", 7, PDF), 404)

    reader = await api.key("reader")
    tag = await etag_of(local_client, "assets", "pricing-deck")
    forbidden = await local_client.put(
        "/v1/assets/pricing-deck/versions/1/content",
        content=PDF,
        headers={**reader, "Content-Type": "application/pdf", "If-Match": tag},
    )
    problem(forbidden, 403)
    assert stored_blobs(local_settings) == []


async def test_files_whose_bytes_contradict_their_type_are_refused_and_not_kept(
    local_client: AsyncTestClient[Any], local_settings: Settings
) -> None:
    api = Api(local_client)
    await create_entry(api, "assets", asset_body())

    as_png = full_problem(await upload(api, "pricing-deck", 1, PDF, content_type="image/png"), 415)
    assert as_png.detail == (
        "The file was declared as image/png, which must be a PNG image, but it looks like a PDF document."
    )
    html = full_problem(await upload(api, "pricing-deck", 1, b"<html></html>", content_type="text/html"), 415)
    assert "'text/html' are not accepted" in (html.detail or "")
    png_as_pdf = full_problem(await upload(api, "pricing-deck", 1, PNG, content_type="application/pdf"), 415)
    assert "it looks like a PNG image" in (png_as_pdf.detail or "")
    untyped = full_problem(await upload(api, "pricing-deck", 1, PDF, content_type=None), 415)
    assert untyped.status == 415

    assert stored_blobs(local_settings) == []
    assert temp_files(local_settings) == []
    after = decoded_asset(await local_client.get("/v1/assets/pricing-deck", params={"version": 1}))
    assert (after.version.content.sha256, after.version.content.content_type) == (None, None)

    # The declared type's parameters are ignored; the recorded type is the bare media type.
    png = await upload(api, "pricing-deck", 1, PNG, content_type="Image/PNG; charset=binary", file_name="logo.png")
    assert png.status_code == 200, png.text
    assert decoded_asset(png).version.content.content_type == "image/png"


async def test_an_empty_body_is_refused(local_client: AsyncTestClient[Any], local_settings: Settings) -> None:
    api = Api(local_client)
    await create_entry(api, "assets", asset_body())
    empty = full_problem(await upload(api, "pricing-deck", 1, b""), 422)
    assert empty.detail == "the file is empty"
    assert stored_blobs(local_settings) == []
    assert temp_files(local_settings) == []


async def test_files_over_the_limit_are_refused_and_not_kept(local_settings: Settings) -> None:
    limited = msgspec.structs.replace(local_settings, asset_max_bytes=1000)
    async with running_client(limited) as client:
        api = Api(client)
        await create_entry(api, "assets", asset_body())
        big = PDF + bytes(1000 - len(PDF) + 1)

        declared = full_problem(await upload(api, "pricing-deck", 1, big), 413)
        assert declared.detail == f"the file is {len(big)} bytes; assets may be at most 1000 bytes"

        # Without a Content-Length (a chunked stream), the limit stops the upload early, as it streams.
        tag = await etag_of(client, "assets", "pricing-deck")
        chunks = [PDF[:300].ljust(300, b" ")] + [bytes(300)] * 99  # 30 000 bytes in all
        streamed = await put_chunks(
            client,
            "/v1/assets/pricing-deck/versions/1/content",
            {**await author(api), "Content-Type": "application/pdf", "If-Match": tag},
            chunks,
        )
        assert streamed.status == 413, streamed.body
        assert streamed.headers["content-type"] == "application/problem+json"
        assert msgspec.json.decode(streamed.body)["detail"] == "The file is larger than the limit of 1000 bytes."
        assert streamed.chunks_read == 4  # 1 200 bytes: the first chunk past the limit
        assert stored_blobs(limited) == []
        assert temp_files(limited) == []

        exact = await upload(api, "pricing-deck", 1, big[:1000])
        assert exact.status_code == 200, exact.text
        assert decoded_asset(exact).version.content.size == 1000
    assert stored_blobs(limited) == [sha(big[:1000])]
    assert temp_files(limited) == []


async def test_only_drafts_take_files_and_only_assets_with_a_file_publish(
    local_client: AsyncTestClient[Any], local_settings: Settings
) -> None:
    api = Api(local_client)
    editor = await author(api)
    await create_entry(api, "assets", asset_body())

    unsubmitted = full_problem(
        await local_client.post("/v1/assets/pricing-deck/versions/1/submit", headers=editor), 409
    )
    assert unsubmitted.detail == "version 1 cannot be submitted for review yet: upload the file first"
    # A version sent to review without its file before submitting checked for one: publishing refuses it too.
    assert (await upload(api, "pricing-deck", 1, PDF_V2)).status_code == 200
    await local_client.post("/v1/assets/pricing-deck/versions/1/submit", headers=editor)
    await local_client.post(
        "/v1/assets/pricing-deck/versions/1/approve", json={}, headers=await api.key("approver", "marketing")
    )
    conn = await asyncpg.connect(local_settings.database_url)
    try:
        await conn.execute("UPDATE versions SET content = content - 'sha256' - 'size' - 'content_type'")
    finally:
        await conn.close()
    no_file = full_problem(
        await local_client.post("/v1/assets/pricing-deck/versions/1/publish", headers=await api.publisher()), 409
    )
    assert no_file.detail == "version 1 cannot be published yet: upload the file first"

    approved = full_problem(await upload(api, "pricing-deck", 1, PDF), 409)
    assert "approved" in (approved.detail or "")
    assert stored_blobs(local_settings) == [sha(PDF_V2)]  # the refused file is not kept
    read = decoded_asset(await local_client.get("/v1/assets/pricing-deck", params={"version": 1}))
    assert (read.current_version, read.version.status, read.version.content.sha256) == (None, "approved", None)


async def test_identical_bytes_are_stored_once(local_client: AsyncTestClient[Any], local_settings: Settings) -> None:
    api = Api(local_client)
    await create_entry(api, "assets", asset_body("deck-a"))
    await create_entry(api, "assets", asset_body("deck-b", file_name="copy.pdf"))
    first = decoded_asset(await upload(api, "deck-a", 1, PDF))
    second = decoded_asset(await upload(api, "deck-b", 1, PDF))
    assert first.version.content.sha256 == second.version.content.sha256 == sha(PDF)
    assert (first.version.content.file_name, second.version.content.file_name) == ("pricing.pdf", "copy.pdf")
    assert stored_blobs(local_settings) == [sha(PDF)]
    # Concurrent uploads of the same new bytes still leave one blob and no temporary files.
    await create_entry(api, "assets", asset_body("deck-c"))
    results = await asyncio.gather(upload(api, "deck-a", 1, PDF_V2), upload(api, "deck-c", 1, PDF_V2))
    assert [r.status_code for r in results] == [200, 200]
    assert stored_blobs(local_settings) == sorted([sha(PDF), sha(PDF_V2)])
    assert temp_files(local_settings) == []


# --- downloads (local store) ----------------------------------------------------------------------------------------


async def test_the_local_store_streams_published_files_with_etag_and_ranges(
    local_client: AsyncTestClient[Any],
) -> None:
    api = Api(local_client)
    await published_asset(api, file_name=NON_ASCII_NAME)
    reader = await api.key("reader")

    full = await local_client.get("/v1/assets/pricing-deck/content", headers=reader)
    assert full.status_code == 200, full.text
    assert full.content == PDF
    assert full.headers["ETag"] == f'"{sha(PDF)}"'
    assert full.headers["Content-Type"] == "application/pdf"
    assert full.headers["Content-Length"] == str(len(PDF))
    assert full.headers["Accept-Ranges"] == "bytes"
    assert full.headers["Content-Disposition"] == (
        'attachment; filename="Ubersicht _ Preise 2026.pdf"; '
        "filename*=UTF-8''%C3%9Cbersicht%20%E2%80%93%20Preise%202026.pdf"
    )
    assert full.headers["Content-Disposition"] == content_disposition(NON_ASCII_NAME)

    head = await local_client.get("/v1/assets/pricing-deck/content", headers={**reader, "Range": "bytes=0-3"})
    assert (head.status_code, head.content) == (206, b"%PDF")
    assert head.headers["Content-Range"] == f"bytes 0-3/{len(PDF)}"
    assert head.headers["Content-Length"] == "4"

    tail = await local_client.get("/v1/assets/pricing-deck/content", headers={**reader, "Range": "bytes=-4"})
    assert (tail.status_code, tail.content) == (206, PDF[-4:])
    assert tail.headers["Content-Range"] == f"bytes {len(PDF) - 4}-{len(PDF) - 1}/{len(PDF)}"

    rest = await local_client.get("/v1/assets/pricing-deck/content", headers={**reader, "Range": "bytes=10-"})
    assert (rest.status_code, rest.content) == (206, PDF[10:])
    clamped = await local_client.get(
        "/v1/assets/pricing-deck/content", headers={**reader, "Range": f"bytes=5-{len(PDF) + 100}"}
    )
    assert (clamped.status_code, clamped.content) == (206, PDF[5:])

    for unsatisfiable in (f"bytes={len(PDF)}-", "bytes=-0", "bytes=9-3"):
        refused = await local_client.get("/v1/assets/pricing-deck/content", headers={**reader, "Range": unsatisfiable})
        assert refused.status_code == 416, unsatisfiable
        assert refused.headers["Content-Range"] == f"bytes */{len(PDF)}"
        assert refused.headers["Content-Type"] == "application/problem+json"
        assert refused.json()["title"] == "Range not satisfiable"
    # A range Canon does not serve (another unit, several ranges, no numbers) is ignored, as RFC 9110 14.2 asks.
    for ignored in ("pages=1-2", "bytes=0-1,5-6", "bytes=-", "nonsense"):
        whole = await local_client.get("/v1/assets/pricing-deck/content", headers={**reader, "Range": ignored})
        assert (whole.status_code, whole.content) == (200, PDF), ignored

    cached = await local_client.get(
        "/v1/assets/pricing-deck/content", headers={**reader, "If-None-Match": f'"{sha(PDF)}"'}
    )
    assert (cached.status_code, cached.content) == (304, b"")
    assert cached.headers["ETag"] == f'"{sha(PDF)}"'
    other = await local_client.get("/v1/assets/pricing-deck/content", headers={**reader, "If-None-Match": '"abc"'})
    assert other.status_code == 200


async def test_downloads_follow_the_current_version_and_version_links_stay(
    local_client: AsyncTestClient[Any],
) -> None:
    api = Api(local_client)
    editor = await author(api)
    reader = await api.key("reader")
    await published_asset(api)

    started = await local_client.post("/v1/assets/pricing-deck/versions", json={}, headers=editor)
    assert started.status_code == 201, started.text
    draft = decoded_asset(started)
    # A copied draft keeps the file of the version it was copied from until another is uploaded.
    assert draft.version.content.sha256 == sha(PDF)
    assert decoded_asset(await upload(api, "pricing-deck", 2, PDF_V2)).version.content.sha256 == sha(PDF_V2)

    # The draft's file is for editors only; the stable link still serves version 1.
    problem(await local_client.get("/v1/assets/pricing-deck/content", params={"version": 2}, headers=reader), 404)
    as_editor = await local_client.get("/v1/assets/pricing-deck/content", params={"version": 2}, headers=editor)
    assert (as_editor.status_code, as_editor.content) == (200, PDF_V2)
    assert (await local_client.get("/v1/assets/pricing-deck/content", headers=reader)).content == PDF

    await publish_entry(api, "assets", "pricing-deck", 2)
    assert (await local_client.get("/v1/assets/pricing-deck/content", headers=reader)).content == PDF_V2
    old = await local_client.get("/v1/assets/pricing-deck/content", params={"version": 1}, headers=reader)
    assert (old.status_code, old.content, old.headers["ETag"]) == (200, PDF, f'"{sha(PDF)}"')
    missing = problem(
        await local_client.get("/v1/assets/pricing-deck/content", params={"version": 3}, headers=reader), 404
    )
    assert missing.status == 404


async def test_content_of_assets_without_a_published_file_is_not_found(local_client: AsyncTestClient[Any]) -> None:
    api = Api(local_client)
    reader = await api.key("reader")
    problem(await local_client.get("/v1/assets/nope/content", headers=reader), 404)
    await create_entry(api, "assets", asset_body())
    unpublished = problem(await local_client.get("/v1/assets/pricing-deck/content", headers=reader), 404)
    assert "no published version" in (unpublished.detail or "")
    problem(await local_client.get("/v1/assets/pricing-deck/content", params={"version": 1}, headers=reader), 404)
    # Editors may ask for the draft, which has no file yet.
    no_file = problem(await local_client.get("/v1/assets/pricing-deck/content", params={"version": 1}), 404)
    assert no_file.detail == "version 1 of asset 'pricing-deck' has no file yet"


async def test_the_local_store_takes_no_direct_uploads(
    local_client: AsyncTestClient[Any], local_settings: Settings
) -> None:
    api = Api(local_client)
    await create_entry(api, "assets", asset_body())
    refused = await local_client.post(
        "/v1/assets/pricing-deck/versions/1/upload-url",
        json={"file_name": "deck.pdf", "content_type": "application/pdf", "size": len(PDF), "sha256": sha(PDF)},
        headers=await author(api),
    )
    assert "takes no direct uploads" in (full_problem(refused, 409).detail or "")
    assert stored_blobs(local_settings) == []


# --- S3 -------------------------------------------------------------------------------------------------------------


async def test_s3_downloads_redirect_to_a_presigned_url(
    s3_client: AsyncTestClient[Any], s3_bucket: str, moto_client: S3Client
) -> None:
    api = Api(s3_client)
    await published_asset(api, file_name=NON_ASCII_NAME)
    assert s3_stored(moto_client, s3_bucket) == [sha(PDF)]
    reader = await api.key("reader")

    response = await s3_client.get("/v1/assets/pricing-deck/content", headers=reader, follow_redirects=False)
    assert response.status_code == 307, response.text
    assert response.headers["Cache-Control"] == "no-store"
    location = response.headers["Location"]
    assert s3_bucket in location
    assert "X-Amz-Signature=" in location
    assert "X-Amz-Expires=300" in location

    async with httpx.AsyncClient() as http:
        fetched = await http.get(location)
    assert fetched.status_code == 200
    assert fetched.content == PDF
    assert fetched.headers["content-type"] == "application/pdf"
    assert fetched.headers["content-disposition"] == content_disposition(NON_ASCII_NAME)


async def test_s3_direct_upload_is_verified_before_the_version_takes_it(
    s3_client: AsyncTestClient[Any], s3_bucket: str, moto_client: S3Client
) -> None:
    api = Api(s3_client)
    editor = await author(api)
    await create_entry(api, "assets", asset_body())
    announced = {"file_name": "direct.pdf", "content_type": "application/pdf", "size": len(PDF), "sha256": sha(PDF)}

    started = await s3_client.post("/v1/assets/pricing-deck/versions/1/upload-url", json=announced, headers=editor)
    assert started.status_code == 201, started.text
    ticket = started.json()
    assert set(ticket) == {"upload_id", "url", "method", "headers", "expires_at"}
    assert ticket["method"] == "PUT"
    assert ticket["headers"] == {
        "Content-Type": "application/pdf",
        "x-amz-checksum-sha256": base64.b64encode(bytes.fromhex(sha(PDF))).decode(),
    }
    async with httpx.AsyncClient() as http:
        put = await http.put(ticket["url"], headers=ticket["headers"], content=PDF)
    assert put.status_code == 200, put.text
    assert s3_leftovers(moto_client, s3_bucket) == [upload_key(ticket["upload_id"])]
    # Until completed, the version has no file.
    waiting = decoded_asset(await s3_client.get("/v1/assets/pricing-deck", params={"version": 1}))
    assert waiting.version.content.sha256 is None

    complete = "/v1/assets/pricing-deck/versions/1/upload-complete"
    body = {"upload_id": ticket["upload_id"]}
    problem(await s3_client.post(complete, json=body, headers=editor), 428)
    tag = await etag_of(s3_client, "assets", "pricing-deck")
    done = await s3_client.post(complete, json=body, headers={**editor, "If-Match": tag})
    assert done.status_code == 200, done.text
    content = decoded_asset(done).version.content
    assert (content.file_name, content.content_type, content.size, content.sha256) == (
        "direct.pdf",
        "application/pdf",
        len(PDF),
        sha(PDF),
    )
    assert s3_stored(moto_client, s3_bucket) == [sha(PDF)]
    # An upload completes once.
    again = await s3_client.post(complete, json=body, headers={**editor, "If-Match": done.headers["ETag"]})
    problem(again, 404)


async def test_s3_direct_upload_with_other_bytes_is_refused_and_the_version_unchanged(
    s3_client: AsyncTestClient[Any], s3_bucket: str, moto_client: S3Client
) -> None:
    api = Api(s3_client)
    editor = await author(api)
    await create_entry(api, "assets", asset_body())
    announced = {"file_name": "direct.pdf", "content_type": "application/pdf", "size": len(PDF), "sha256": "0" * 64}
    started = await s3_client.post("/v1/assets/pricing-deck/versions/1/upload-url", json=announced, headers=editor)
    assert started.status_code == 201, started.text
    upload_id = started.json()["upload_id"]
    # The client (or a store that does not check signed checksums) left other bytes than announced.
    moto_client.put_object(Bucket=s3_bucket, Key=upload_key(upload_id), Body=PDF, ContentType="application/pdf")
    tag = await etag_of(s3_client, "assets", "pricing-deck")

    refused = await s3_client.post(
        "/v1/assets/pricing-deck/versions/1/upload-complete",
        json={"upload_id": upload_id},
        headers={**editor, "If-Match": tag},
    )
    found = full_problem(refused, 422)
    assert [e.detail for e in found.errors or []] == [
        f"The upload's SHA-256 is {sha(PDF)}, not the {'0' * 64} declared."
    ]
    after = await s3_client.get("/v1/assets/pricing-deck", params={"version": 1})
    assert after.headers["ETag"] == tag
    assert decoded_asset(after).version.content.sha256 is None
    assert s3_leftovers(moto_client, s3_bucket) == []


async def test_s3_direct_upload_announcements_are_checked(s3_client: AsyncTestClient[Any]) -> None:
    api = Api(s3_client)
    editor = await author(api)
    await create_entry(api, "assets", asset_body())
    path = "/v1/assets/pricing-deck/versions/1/upload-url"
    good = {"file_name": "d.pdf", "content_type": "application/pdf", "size": 10, "sha256": sha(PDF)}
    for change, pointer in [
        ({"sha256": "XYZ"}, "/sha256"),
        ({"size": 0}, "/size"),
        ({"file_name": "a/b"}, "/file_name"),
    ]:
        refused = problem(await s3_client.post(path, json={**good, **change}, headers=editor), 422)
        assert [e.pointer for e in refused.errors or []] == [pointer], change
    too_big = await s3_client.post(path, json={**good, "size": 512 * 1024 * 1024 + 1}, headers=editor)
    problem(too_big, 413)
    unknown = problem(await s3_client.post(path, json={**good, "content_type": "text/html"}, headers=editor), 415)
    assert "'text/html' are not accepted" in (unknown.detail or "")


async def test_s3_downloads_answer_503_while_the_store_is_down(
    settings: Settings, tmp_path: Any, moto_server: MotoServer
) -> None:
    from service.blobs.s3 import make_client

    bucket = "canon-download-outage"
    make_client(endpoint_url=moto_server.url, region=REGION).create_bucket(Bucket=bucket)
    s3 = msgspec.structs.replace(
        settings, data_dir=tmp_path / "data", s3_bucket=bucket, s3_endpoint_url=moto_server.url, s3_region=REGION
    )
    async with running_client(s3) as client:
        api = Api(client)
        await published_asset(api)
        moto_server.stop()
        down = await client.get("/v1/assets/pricing-deck/content", follow_redirects=False)
        full_problem(down, 503)


async def test_s3_streamed_upload_and_an_outage(settings: Settings, tmp_path: Any, moto_server: MotoServer) -> None:
    from service.blobs.s3 import make_client

    bucket = "canon-outage"
    make_client(endpoint_url=moto_server.url, region=REGION).create_bucket(Bucket=bucket)
    s3 = msgspec.structs.replace(
        settings, data_dir=tmp_path / "data", s3_bucket=bucket, s3_endpoint_url=moto_server.url, s3_region=REGION
    )
    async with running_client(s3) as client:
        api = Api(client)
        await create_entry(api, "assets", asset_body())
        await create_entry(api, "assets", asset_body("second"))
        stored = await upload(api, "pricing-deck", 1, PDF)
        assert stored.status_code == 200, stored.text
        ready = await client.get("/readyz")
        assert ready.status_code == 200, ready.text
        assert {"name": "blobs:s3", "ok": True} in ready.json()["checks"]

        moto_server.stop()

        down = full_problem(await upload(api, "second", 1, PDF_V2), 503)
        assert "Object storage is unavailable" in (down.detail or "")
        second = decoded_asset(await client.get("/v1/assets/second", params={"version": 1}))
        assert (second.version.content.sha256, second.version.content.size) == (None, None)
        # Re-uploading the bytes already stored also needs the store (the blob is re-checked before attaching).
        full_problem(await upload(api, "second", 1, PDF), 503)
        assert (
            decoded_asset(await client.get("/v1/assets/second", params={"version": 1})).version.content.sha256 is None
        )

        not_ready = await client.get("/readyz")
        assert not_ready.status_code == 503, not_ready.text
        checks = {c["name"]: c for c in not_ready.json()["checks"]}
        assert checks["blobs:s3"]["ok"] is False
        assert checks["blobs:s3"]["detail"]
        assert checks["database"]["ok"] is True
        assert not_ready.json()["status"] == "unavailable"
