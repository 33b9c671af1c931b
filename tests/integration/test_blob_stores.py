"""Both BlobStores against real peers: a directory, and two independent S3 servers (moto and s3rver).

One behavioural suite runs against the local store and the S3 store on each server; S3-only tests cover presigned
URLs, direct uploads, outages and cleanup, on each server too where they do not test moto's own process; local-only
tests cover the atomic rename. Where s3rver lacks a feature a test needs, that test is a strict xfail there
(`tests/s3_servers.py`, `S3RVER_LACKS`).
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import os
import random
import re
import threading
import time
import uuid
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import httpx
import pytest
from botocore.exceptions import EndpointConnectionError

from service.blobs.base import (
    SNIFF_BYTES,
    BlobMissing,
    BlobStore,
    BlobTooLarge,
    BlobUnavailable,
    ChecksumMismatch,
    content_disposition,
    is_blob_key,
    legacy_blob_key,
    upload_key,
)
from service.blobs.local import WRITE_BATCH, LocalBlobStore
from service.blobs.s3 import MIN_PART_SIZE, Checksums, S3BlobStore, make_client
from service.blobs.sniff import sniffer_for
from service.config import Settings
from service.domain.errors import UnsupportedMediaType
from service.wiring import build_blob_store
from tests.blob_fixtures import REGION, MotoServer, local_leftovers
from tests.s3_servers import S3_SERVERS, S3Server, expect_lacking

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

MiB = 1024 * 1024
PDF = b"%PDF-1.7\n" + random.Random(1).randbytes(200_000)  # spans several 64 KiB read chunks
BIG = b"%PDF-1.7\n" + random.Random(2).randbytes(12 * MiB)  # three 5 MiB parts: 5 + 5 + 2
PNG = b"\x89PNG\r\n\x1a\n" + bytes(100)


async def chunked(data: bytes, size: int = 7_001) -> AsyncIterator[bytes]:
    for offset in range(0, len(data), size):
        yield data[offset : offset + size]


async def nothing() -> AsyncIterator[bytes]:
    return
    yield b""


async def read_all(chunks: AsyncIterator[bytes]) -> bytes:
    return b"".join([chunk async for chunk in chunks])


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Subject:
    store: BlobStore
    leftovers: Callable[[], list[str]]  # every object, file or pending upload the store holds
    lacking: Callable[[str], None]  # `lacking(feature)`: a strict xfail where the S3 server lacks it


@pytest.fixture(params=["local", *S3_SERVERS])
def subject(request: pytest.FixtureRequest) -> Iterator[Subject]:
    if request.param == "local":
        local: LocalBlobStore = request.getfixturevalue("local_store")
        yield Subject(local, lambda: local_leftovers(local.root), lambda feature: None)
        return
    server: S3Server = request.getfixturevalue(f"{request.param}_s3_server")
    bucket = f"canon-test-{uuid.uuid4().hex[:16]}"
    server.client.create_bucket(Bucket=bucket)
    s3 = S3BlobStore(bucket, endpoint_url=server.url, region=REGION, part_size=MIN_PART_SIZE, client=server.client)
    yield Subject(s3, lambda: server.leftovers(bucket), lambda feature: expect_lacking(request, server.name, feature))
    server.remove_bucket(bucket)


# ---- the shared suite ------------------------------------------------------------------------------------------


async def test_round_trip(subject: Subject) -> None:
    store = subject.store
    stored = await store.put_stream(
        chunked(PDF), content_type="application/pdf", max_size=len(PDF), sniff=sniffer_for("application/pdf")
    )
    assert (stored.sha256, stored.size) == (sha(PDF), len(PDF))
    assert re.fullmatch(r"blobs/id/([0-9a-f]{2})/\1[0-9a-f]{30}", stored.key)
    info = await store.stat(stored.key)
    assert info is not None
    assert (info.key, info.size) == (stored.key, len(PDF))
    assert abs(info.modified - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)
    assert await read_all(store.read(stored.key)) == PDF
    assert [blob.key async for blob in store.list_blobs()] == [stored.key]
    assert subject.leftovers() == [stored.key]


RANGES = [(0, None), (0, 10), (10, 20), (5, None), (len(PDF) - 3, None), (65_000, 140_000), (10, 10), (20, 10)]
RANGES += [(len(PDF) - 1, len(PDF)), (len(PDF), None), (len(PDF) + 5, None), (0, len(PDF) + 100), (-5, 3)]


async def test_ranges(subject: Subject) -> None:
    stored = await subject.store.put_stream(chunked(PDF), content_type="application/pdf", max_size=len(PDF))
    for start, end in RANGES:
        got = await read_all(subject.store.read(stored.key, start, end))
        assert got == PDF[max(start, 0) : end], (start, end)


async def test_a_range_of_the_first_byte_alone(subject: Subject) -> None:
    """`[0, 1)`, sent as `Range: bytes=0-0`: apart from the other ranges because s3rver gets this one wrong."""
    subject.lacking("first-byte-range")
    stored = await subject.store.put_stream(chunked(PDF), content_type="application/pdf", max_size=len(PDF))
    assert await read_all(subject.store.read(stored.key, 0, 1)) == PDF[:1]


async def test_every_upload_gets_a_key_of_its_own(subject: Subject) -> None:
    """The store does not deduplicate (the ledger does): a second upload of the same bytes never touches the first."""
    first = await subject.store.put_stream(chunked(PDF), content_type="application/pdf", max_size=len(PDF))
    second = await subject.store.put_stream(chunked(PDF, 4096), content_type="application/pdf", max_size=len(PDF))
    assert (second.sha256, second.size) == (first.sha256, first.size)
    assert second.key != first.key
    assert sorted([blob.key async for blob in subject.store.list_blobs()]) == sorted([first.key, second.key])
    await subject.store.delete(second.key)
    assert await read_all(subject.store.read(first.key)) == PDF
    assert subject.leftovers() == [first.key]


async def test_blobs_of_the_first_layout_are_read_listed_and_deleted(subject: Subject) -> None:
    """Blobs stored at their content address before migration 0007 keep working under that key."""
    key = legacy_blob_key(sha(PDF))
    if isinstance(subject.store, LocalBlobStore):
        path = subject.store.root / key
        path.parent.mkdir(parents=True)
        path.write_bytes(PDF)
    else:
        s3 = cast("S3BlobStore", subject.store)
        s3._client.put_object(Bucket=s3.bucket, Key=key, Body=PDF, ContentType="application/pdf")
    info = await subject.store.stat(key)
    assert info is not None
    assert (info.key, info.size) == (key, len(PDF))
    assert await read_all(subject.store.read(key, 10, 20)) == PDF[10:20]
    assert [blob.key async for blob in subject.store.list_blobs()] == [key]
    await subject.store.delete(key)
    assert subject.leftovers() == []


@pytest.mark.parametrize(("body", "max_size"), [(PDF, 100_000), (BIG, 7 * MiB)], ids=["one-part", "multipart"])
async def test_too_large_stops_early_and_leaves_nothing(subject: Subject, body: bytes, max_size: int) -> None:
    sent = 0

    async def counted() -> AsyncIterator[bytes]:
        nonlocal sent
        async for chunk in chunked(body, 64 * 1024):
            sent += len(chunk)
            yield chunk

    if body is BIG:
        subject.lacking("abort")
    with pytest.raises(BlobTooLarge) as refused:
        await subject.store.put_stream(counted(), content_type="application/pdf", max_size=max_size)
    assert refused.value.detail == f"The file is larger than the limit of {max_size} bytes."
    assert sent <= max_size + 64 * 1024  # stopped at the first chunk past the limit
    assert subject.leftovers() == []
    assert [blob async for blob in subject.store.list_blobs()] == []


@pytest.mark.parametrize(
    "body", [PNG, PNG + bytes(3 * SNIFF_BYTES), PNG + bytes(6 * MiB)], ids=["short", "long", "big"]
)
async def test_a_sniff_refusal_leaves_nothing(subject: Subject, body: bytes) -> None:
    with pytest.raises(UnsupportedMediaType, match="it looks like a PNG image"):
        await subject.store.put_stream(
            chunked(body, 1000), content_type="application/pdf", max_size=10 * MiB, sniff=sniffer_for("application/pdf")
        )
    assert subject.leftovers() == []


async def test_a_failing_stream_leaves_nothing(subject: Subject) -> None:
    async def broken() -> AsyncIterator[bytes]:
        async for chunk in chunked(BIG, 1 * MiB):
            yield chunk
        raise ConnectionResetError("client went away")

    subject.lacking("abort")
    with pytest.raises(ConnectionResetError):
        await subject.store.put_stream(broken(), content_type="application/pdf", max_size=len(BIG))
    assert subject.leftovers() == []


async def test_a_cancelled_upload_leaves_nothing(subject: Subject) -> None:
    halfway = asyncio.Event()

    async def stalled() -> AsyncIterator[bytes]:
        async for chunk in chunked(BIG[: 11 * MiB], MiB):
            yield chunk
        halfway.set()
        await asyncio.Event().wait()  # the client stops sending
        yield b""

    subject.lacking("abort")
    upload = asyncio.create_task(subject.store.put_stream(stalled(), content_type="application/pdf", max_size=len(BIG)))
    await asyncio.wait_for(halfway.wait(), timeout=10)
    upload.cancel()
    with pytest.raises(asyncio.CancelledError):
        await upload
    assert subject.leftovers() == []


async def test_multipart_round_trip_in_odd_chunks(subject: Subject) -> None:
    stored = await subject.store.put_stream(
        chunked(BIG, 777_777), content_type="application/pdf", max_size=len(BIG), sniff=sniffer_for("application/pdf")
    )
    assert (stored.sha256, stored.size) == (sha(BIG), len(BIG))
    assert sha(await read_all(subject.store.read(stored.key))) == sha(BIG)
    assert await read_all(subject.store.read(stored.key, 5 * MiB - 3, 5 * MiB + 3)) == BIG[5 * MiB - 3 : 5 * MiB + 3]
    assert subject.leftovers() == [stored.key]


async def test_one_chunk_larger_than_several_parts(subject: Subject) -> None:
    stored = await subject.store.put_stream(chunked(BIG, len(BIG)), content_type="application/pdf", max_size=len(BIG))
    assert stored.sha256 == sha(BIG)
    assert sha(await read_all(subject.store.read(stored.key))) == sha(BIG)


async def test_an_empty_stream_is_stored(subject: Subject) -> None:
    stored = await subject.store.put_stream(
        nothing(), content_type="text/plain", max_size=10, sniff=sniffer_for("text/plain")
    )
    assert (stored.sha256, stored.size) == (sha(b""), 0)
    info = await subject.store.stat(stored.key)
    assert info is not None
    assert info.size == 0
    assert await read_all(subject.store.read(stored.key)) == b""


async def test_a_range_of_an_empty_blob_is_empty(subject: Subject) -> None:
    subject.lacking("empty-object-range")
    stored = await subject.store.put_stream(nothing(), content_type="text/plain", max_size=10)
    assert await read_all(subject.store.read(stored.key, 0, 10)) == b""


async def test_delete(subject: Subject) -> None:
    stored = await subject.store.put_stream(chunked(PDF), content_type="application/pdf", max_size=len(PDF))
    await subject.store.delete(stored.key)
    assert await subject.store.stat(stored.key) is None
    with pytest.raises(BlobMissing):
        await read_all(subject.store.read(stored.key))
    await subject.store.delete(stored.key)  # again: not an error
    assert [blob async for blob in subject.store.list_blobs()] == []
    assert subject.leftovers() == []


MISSING_KEYS = [legacy_blob_key("0" * 64), "blobs/id/00/" + "0" * 32, "../../../etc/passwd", "", "0" * 64]
MISSING_KEYS += ["blobs/sha256/00/" + "A" * 64, "blobs/id/../../etc/passwd", "tmp/x.part", "uploads/up-1"]


@pytest.mark.parametrize("key", MISSING_KEYS)
async def test_missing_blobs(subject: Subject, key: str) -> None:
    assert await subject.store.stat(key) is None
    with pytest.raises(BlobMissing):
        await read_all(subject.store.read(key))
    with pytest.raises(BlobMissing):
        await read_all(subject.store.read(key, 5, 5))
    await subject.store.delete(key)


def test_blob_keys_are_only_those_of_the_two_layouts() -> None:
    assert is_blob_key(legacy_blob_key(sha(PDF)))
    assert is_blob_key("blobs/id/ab/ab" + "0" * 30)
    assert not any(is_blob_key(key) for key in MISSING_KEYS[2:])


async def test_check_passes_on_a_healthy_store(subject: Subject) -> None:
    await subject.store.check()
    assert subject.leftovers() == []


# ---- S3 only -------------------------------------------------------------------------------------------------------

NAME = "Präsentation Q3 — “final” 50%.pdf"


def test_content_disposition_has_an_ascii_fallback_and_the_exact_name() -> None:
    assert content_disposition(NAME) == (
        'attachment; filename="Prasentation Q3 _ _final_ 50_.pdf"; '
        "filename*=UTF-8''Pr%C3%A4sentation%20Q3%20%E2%80%94%20%E2%80%9Cfinal%E2%80%9D%2050%25.pdf"
    )
    assert content_disposition("deck.pdf") == "attachment; filename=\"deck.pdf\"; filename*=UTF-8''deck.pdf"
    assert content_disposition("年度計画.pdf").startswith('attachment; filename="download.pdf"; ')
    assert content_disposition('a"b\\c\r\n.pdf') == "attachment; filename=\"a_b_c.pdf\"; filename*=UTF-8''a%22b%5Cc.pdf"
    assert content_disposition("") == "attachment; filename=\"download\"; filename*=UTF-8''download"


async def test_presigned_get_serves_the_bytes_under_their_name(server_store: S3BlobStore) -> None:
    stored = await server_store.put_stream(chunked(PDF), content_type="application/pdf", max_size=len(PDF))
    url = await server_store.presigned_get(
        stored.key, file_name=NAME, content_type="application/pdf", expires_in=dt.timedelta(minutes=5)
    )
    assert url is not None
    async with httpx.AsyncClient() as http:
        response = await http.get(url)
    assert response.status_code == 200
    assert response.content == PDF
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == content_disposition(NAME)


async def test_presigned_put_then_adopt(server_store: S3BlobStore, s3_server: S3Server) -> None:
    upload = await server_store.presigned_put(
        "up-1", content_type="application/pdf", size=len(PDF), sha256=sha(PDF), expires_in=dt.timedelta(minutes=5)
    )
    assert upload is not None
    assert upload.headers["Content-Type"] == "application/pdf"
    assert "content-length%3Bcontent-type%3Bhost%3Bx-amz-checksum-sha256" in upload.url  # signed headers
    assert dt.timedelta(minutes=4) < upload.expires_at - dt.datetime.now(dt.UTC) <= dt.timedelta(minutes=5)
    async with httpx.AsyncClient() as http:
        response = await http.put(upload.url, headers=upload.headers, content=PDF)
    assert response.status_code == 200, response.text
    assert s3_server.leftovers(server_store.bucket) == [upload_key("up-1")]

    stored = await server_store.adopt_upload(
        "up-1", sha256=sha(PDF), size=len(PDF), sniff=sniffer_for("application/pdf")
    )

    assert (stored.sha256, stored.size) == (sha(PDF), len(PDF))
    assert is_blob_key(stored.key)
    assert await read_all(server_store.read(stored.key)) == PDF
    assert s3_server.leftovers(server_store.bucket) == [stored.key]  # the staged upload is gone
    head = s3_server.client.head_object(Bucket=server_store.bucket, Key=stored.key)
    assert head["ContentType"] == "application/pdf"
    # the same bytes uploaded again get a key of their own (the ledger deduplicates), the digest compared any case
    s3_server.client.put_object(
        Bucket=server_store.bucket, Key=upload_key("up-2"), Body=PDF, ContentType="application/pdf"
    )
    again = await server_store.adopt_upload("up-2", sha256=sha(PDF).upper(), size=len(PDF))
    assert (again.sha256, again.key != stored.key) == (sha(PDF), True)
    assert sorted(s3_server.leftovers(server_store.bucket)) == sorted([stored.key, again.key])


@pytest.mark.parametrize(
    ("declared_sha", "declared_size", "message"),
    [
        ("0" * 64, len(PDF), f"The upload's SHA-256 is {sha(PDF)}, not the {'0' * 64} declared."),
        (sha(PDF), len(PDF) + 1, f"The upload has {len(PDF)} bytes, not the {len(PDF) + 1} declared."),
    ],
)
async def test_adopting_other_bytes_than_declared_fails_and_removes_them(
    server_store: S3BlobStore, s3_server: S3Server, declared_sha: str, declared_size: int, message: str
) -> None:
    s3_server.client.put_object(Bucket=server_store.bucket, Key=upload_key("bad"), Body=PDF)
    with pytest.raises(ChecksumMismatch, match=message):
        await server_store.adopt_upload("bad", sha256=declared_sha, size=declared_size)
    assert s3_server.leftovers(server_store.bucket) == []


async def test_adopting_a_refused_file_removes_it(server_store: S3BlobStore, s3_server: S3Server) -> None:
    s3_server.client.put_object(Bucket=server_store.bucket, Key=upload_key("png"), Body=PNG)
    with pytest.raises(UnsupportedMediaType, match="it looks like a PNG image"):
        await server_store.adopt_upload("png", sha256=sha(PNG), size=len(PNG), sniff=sniffer_for("application/pdf"))
    assert s3_server.leftovers(server_store.bucket) == []


@pytest.mark.parametrize("upload_id", ["never-uploaded", "../blobs", ""])
async def test_adopting_nothing_is_missing(server_store: S3BlobStore, upload_id: str) -> None:
    with pytest.raises(BlobMissing):
        await server_store.adopt_upload(upload_id, sha256=sha(PDF), size=len(PDF))


async def test_blobs_over_the_copy_limit_are_copied_part_by_part(
    server_store: S3BlobStore, s3_server: S3Server, lacking: Callable[[str], None]
) -> None:
    lacking("part-copy")
    server_store.copy_threshold = 6 * MiB  # stands for S3's 5 GiB
    server_store.copy_part_size = MIN_PART_SIZE
    # Only adopting a direct upload copies (a streamed upload goes straight to its key): stage one, then adopt it.
    s3_server.client.put_object(
        Bucket=server_store.bucket, Key=upload_key("big"), Body=BIG, ContentType="application/pdf"
    )
    stored = await server_store.adopt_upload("big", sha256=sha(BIG), size=len(BIG))
    assert sha(await read_all(server_store.read(stored.key))) == sha(BIG)
    assert s3_server.leftovers(server_store.bucket) == [stored.key]
    head = s3_server.client.head_object(Bucket=server_store.bucket, Key=stored.key)
    assert (head["ContentLength"], head["ContentType"]) == (len(BIG), "application/pdf")


@pytest.mark.parametrize("body", [PDF, BIG], ids=["one-part", "multipart"])
async def test_blobs_keep_their_content_type(server_store: S3BlobStore, s3_server: S3Server, body: bytes) -> None:
    stored = await server_store.put_stream(chunked(body, MiB), content_type="application/pdf", max_size=len(body))
    head = s3_server.client.head_object(Bucket=server_store.bucket, Key=stored.key)
    assert (head["ContentLength"], head["ContentType"]) == (len(body), "application/pdf")


@pytest.mark.parametrize("checksums", ["when_supported", "when_required"])
@pytest.mark.parametrize("body", [PDF, BIG], ids=["one-part", "multipart"])
async def test_checksums_setting(
    server_store: S3BlobStore, s3_server: S3Server, lacking: Callable[[str], None], checksums: Checksums, body: bytes
) -> None:
    """`when_supported` sends a CRC32 with every part (and one-part object), which the server checks and keeps;
    `when_required` sends none, for stores that refuse checksum headers."""
    if checksums == "when_supported":
        lacking("checksums")
    store = S3BlobStore(
        server_store.bucket, endpoint_url=s3_server.url, region=REGION, part_size=MIN_PART_SIZE, checksums=checksums
    )
    stored = await store.put_stream(chunked(body, MiB), content_type="application/pdf", max_size=len(body))
    assert sha(await read_all(store.read(stored.key))) == sha(body)
    head = s3_server.client.head_object(Bucket=server_store.bucket, Key=stored.key, ChecksumMode="ENABLED")
    if checksums == "when_supported":
        assert head["ChecksumCRC32"]  # a multipart object's is a checksum of its parts' checksums
        if body is PDF:
            assert head["ChecksumCRC32"] == base64.b64encode(zlib.crc32(body).to_bytes(4, "big")).decode()
    else:
        assert "ChecksumCRC32" not in head


def test_an_unknown_checksums_setting_is_refused() -> None:
    with pytest.raises(ValueError, match="checksums must be one of when_supported, when_required"):
        make_client(endpoint_url=None, region=REGION, checksums=cast("Checksums", "always"))


class CountingClient:
    """Delegates to a real client, recording how many part uploads run at once."""

    def __init__(self, inner: S3Client) -> None:
        self._inner = inner
        self._lock = threading.Lock()
        self.in_flight = 0
        self.peak = 0

    def upload_part(self, **kwargs: Any) -> Any:
        with self._lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        try:
            time.sleep(0.05)  # long enough for the next parts to queue up
            return self._inner.upload_part(**kwargs)
        finally:
            with self._lock:
                self.in_flight -= 1

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


async def test_parts_upload_concurrently_but_bounded(server_store: S3BlobStore, s3_server: S3Server) -> None:
    counting = CountingClient(s3_server.client)
    store = S3BlobStore(
        server_store.bucket,
        endpoint_url=None,
        region=REGION,
        part_size=MIN_PART_SIZE,
        max_concurrency=2,
        client=cast("S3Client", counting),
    )
    body = BIG * 2  # five parts
    stored = await store.put_stream(chunked(body, MiB), content_type="application/pdf", max_size=len(body))
    assert stored.sha256 == sha(body)
    assert counting.peak == 2


class FailingClient:
    """Delegates to a real client, but the second part upload fails as if the connection dropped."""

    def __init__(self, inner: S3Client) -> None:
        self._inner = inner

    def upload_part(self, **kwargs: Any) -> Any:
        if kwargs["PartNumber"] == 2:
            raise EndpointConnectionError(endpoint_url="http://s3.test")
        return self._inner.upload_part(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


async def test_a_failed_part_aborts_the_upload(
    server_store: S3BlobStore, s3_server: S3Server, lacking: Callable[[str], None]
) -> None:
    lacking("abort")
    failing = cast("S3Client", FailingClient(s3_server.client))
    store = S3BlobStore(server_store.bucket, endpoint_url=None, region=REGION, part_size=MIN_PART_SIZE, client=failing)
    with pytest.raises(
        BlobUnavailable, match=re.escape("Object storage is unavailable: it cannot be reached (upload_part).")
    ):
        await store.put_stream(chunked(BIG, MiB), content_type="application/pdf", max_size=len(BIG))
    assert s3_server.leftovers(server_store.bucket) == []


async def test_delete_stale_uploads(
    server_store: S3BlobStore, s3_server: S3Server, lacking: Callable[[str], None]
) -> None:
    lacking("list-uploads")
    bucket = server_store.bucket
    stored = await server_store.put_stream(chunked(PDF), content_type="application/pdf", max_size=len(PDF))
    s3_server.client.put_object(Bucket=bucket, Key=upload_key("abandoned"), Body=b"%PDF-")
    s3_server.client.create_multipart_upload(Bucket=bucket, Key=upload_key("crashed"))
    past = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    # moto dates every multipart upload 2010-11-10, so only the fresh object is sure to survive this cutoff.
    removed = await server_store.delete_stale_uploads(past)
    assert upload_key("abandoned") in s3_server.leftovers(bucket)
    future = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)
    removed += await server_store.delete_stale_uploads(future)
    assert removed == 2
    assert s3_server.leftovers(bucket) == [stored.key]


async def test_ensure_bucket_creates_it_once(s3_server: S3Server) -> None:
    store = S3BlobStore("canon-ensure-bucket", endpoint_url=s3_server.url, region=REGION)
    with pytest.raises(
        BlobUnavailable, match=re.escape("The object storage bucket 'canon-ensure-bucket' does not exist.")
    ):
        await store.check()
    try:
        await store.ensure_bucket()
        await store.ensure_bucket()
        await store.check()
    finally:
        s3_server.remove_bucket(store.bucket)


async def test_without_credentials_the_store_is_unavailable(
    server_store: S3BlobStore, s3_server: S3Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    store = S3BlobStore(server_store.bucket, endpoint_url=s3_server.url, region=REGION)
    with pytest.raises(BlobUnavailable, match=r"no credentials are configured \(head_object\)"):
        await store.stat(legacy_blob_key(sha(PDF)))


async def test_an_outage_is_reported_quickly(moto_server: MotoServer) -> None:
    client = make_client(endpoint_url=moto_server.url, region=REGION, connect_timeout=1, read_timeout=2, max_attempts=1)
    store = S3BlobStore("canon-outage", endpoint_url=moto_server.url, region=REGION, client=client)
    await store.ensure_bucket()
    stored = await store.put_stream(chunked(PDF), content_type="application/pdf", max_size=len(PDF))
    await store.check()

    moto_server.stop()

    started = time.monotonic()
    unreachable = r"Object storage is unavailable: it cannot be reached \({}\)\."
    with pytest.raises(BlobUnavailable, match=unreachable.format("put_object")):
        await store.put_stream(chunked(PDF), content_type="application/pdf", max_size=len(PDF))
    with pytest.raises(BlobUnavailable, match=unreachable.format("create_multipart_upload")):
        await store.put_stream(chunked(BIG, MiB), content_type="application/pdf", max_size=len(BIG))
    with pytest.raises(BlobUnavailable, match=unreachable.format("head_object")):
        await store.stat(stored.key)
    with pytest.raises(BlobUnavailable, match=unreachable.format("get_object")):
        await read_all(store.read(stored.key))
    with pytest.raises(BlobUnavailable, match=unreachable.format("head_bucket")):
        await store.check()
    with pytest.raises(BlobUnavailable, match=unreachable.format("list_objects_v2")):
        await anext(store.list_blobs())
    assert time.monotonic() - started < 10


# A frozen store (it accepts connections and never answers, like a stopped process): only the client's timeouts and
# retry budget end the wait. Per attempt botocore waits at most 1 s for `100 Continue` before sending an upload's body
# (an unanswered `Expect`), then the read timeout; standard mode backs off at most 2**(n-1) s before retry n.
EXPECT_CONTINUE_WAIT = 1.0


def frozen_worst_case(*, read_timeout: float, max_attempts: int, upload: bool = False) -> float:
    per_attempt = read_timeout + (EXPECT_CONTINUE_WAIT if upload else 0.0)
    return max_attempts * per_attempt + sum(2.0 ** (n - 1) for n in range(1, max_attempts))


async def test_with_the_default_settings_a_frozen_store_answers_within_about_ten_seconds(
    frozen_url: str, aws_environment: None
) -> None:
    """Today's defaults as a deployment gets them (settings, wiring, client): a HEAD on a frozen store gives up in
    about ten seconds, well inside the shutdown grace (before: 60 s per try, three tries)."""
    store = build_blob_store(Settings(s3_bucket="canon-frozen", s3_endpoint_url=frozen_url, s3_region=REGION))
    started = time.monotonic()
    with pytest.raises(BlobUnavailable, match=r"the connection was lost or timed out \(head_object\)"):
        await asyncio.wait_for(store.stat(legacy_blob_key(sha(PDF))), timeout=30)
    assert time.monotonic() - started < 12


async def test_a_frozen_store_fails_uploads_and_reads_within_the_configured_bound(
    frozen_url: str, aws_environment: None
) -> None:
    store = S3BlobStore(
        "canon-frozen", endpoint_url=frozen_url, region=REGION, connect_timeout=0.5, read_timeout=0.5, max_attempts=2
    )
    lost = r"Object storage is unavailable: the connection was lost or timed out \({}\)\."
    calls: list[tuple[str, bool, Callable[[], Awaitable[object]]]] = [
        ("put_object", True, lambda: store.put_stream(chunked(PDF), content_type="application/pdf", max_size=len(PDF))),
        (
            "create_multipart_upload",
            False,
            lambda: store.put_stream(chunked(BIG, MiB), content_type="application/pdf", max_size=len(BIG)),
        ),
        ("head_object", False, lambda: store.stat(legacy_blob_key(sha(PDF)))),
        ("get_object", False, lambda: read_all(store.read(legacy_blob_key(sha(PDF))))),
    ]
    for action, upload, call in calls:
        bound = 3 * frozen_worst_case(read_timeout=0.5, max_attempts=2, upload=upload)
        started = time.monotonic()
        with pytest.raises(BlobUnavailable, match=lost.format(action)):
            await asyncio.wait_for(call(), timeout=30)
        assert time.monotonic() - started < bound, action


async def test_check_gives_up_after_its_timeout(s3_store: S3BlobStore, monkeypatch: pytest.MonkeyPatch) -> None:
    def hanging(**kwargs: Any) -> None:
        time.sleep(1)

    monkeypatch.setattr(s3_store, "_client", type("Hanging", (), {"head_bucket": staticmethod(hanging)})())
    s3_store.check_timeout = 0.1
    started = time.monotonic()
    with pytest.raises(BlobUnavailable, match=r"Object storage did not answer within 0.1 s\."):
        await s3_store.check()
    assert time.monotonic() - started < 0.5


# ---- local only ----------------------------------------------------------------------------------------------------


async def test_local_blobs_appear_only_once_complete(local_store: LocalBlobStore) -> None:
    root = local_store.root
    seen: list[list[str]] = []

    async def observed() -> AsyncIterator[bytes]:
        async for chunk in chunked(BIG, 256 * 1024):
            yield chunk
            seen.append(local_leftovers(root))

    stored = await local_store.put_stream(observed(), content_type="application/pdf", max_size=len(BIG))
    midway = seen[len(seen) // 2]
    assert len(midway) == 1
    assert midway[0].startswith("tmp/")  # being written: in tmp/, nothing under blobs/
    assert all(not path.startswith("blobs/") for snapshot in seen for path in snapshot)
    assert local_leftovers(root) == [stored.key]
    assert os.listdir(root / "tmp") == []


async def test_local_refusals_after_a_write_leave_tmp_empty(local_store: LocalBlobStore) -> None:
    body = PDF * 20  # several write batches
    with pytest.raises(BlobTooLarge):
        await local_store.put_stream(chunked(body, 100_000), content_type="application/pdf", max_size=3 * WRITE_BATCH)
    assert os.listdir(local_store.root / "tmp") == []
    assert local_leftovers(local_store.root) == []


async def test_local_stale_temporary_files_are_removed(local_store: LocalBlobStore) -> None:
    await local_store.check()
    stale = local_store.root / "tmp" / "crashed.part"
    stale.write_bytes(b"partial")
    hour_ago = time.time() - 3600
    os.utime(stale, (hour_ago, hour_ago))
    fresh = local_store.root / "tmp" / "writing.part"
    fresh.write_bytes(b"in progress")
    assert await local_store.delete_stale_uploads(dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)) == 1
    assert os.listdir(local_store.root / "tmp") == ["writing.part"]


async def test_local_store_has_no_presigned_urls(local_store: LocalBlobStore) -> None:
    stored = await local_store.put_stream(chunked(PDF), content_type="application/pdf", max_size=len(PDF))
    week = dt.timedelta(days=7)
    assert await local_store.presigned_get(stored.key, file_name="a.pdf", content_type="x/y", expires_in=week) is None
    assert await local_store.presigned_put("u", content_type="x/y", size=1, sha256=sha(b""), expires_in=week) is None
    with pytest.raises(BlobMissing):
        await local_store.adopt_upload("u", sha256=stored.sha256, size=stored.size)


async def test_an_unwritable_local_root_is_unavailable(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_bytes(b"")
    store = LocalBlobStore(blocker)
    with pytest.raises(BlobUnavailable, match="is not writable"):
        await store.check()
    with pytest.raises(BlobUnavailable, match="The local blob store could not write a file"):
        await store.put_stream(chunked(PDF), content_type="application/pdf", max_size=len(PDF))


async def test_reads_can_stop_early(subject: Subject) -> None:
    stored = await subject.store.put_stream(chunked(BIG, MiB), content_type="application/pdf", max_size=len(BIG))
    reader = subject.store.read(stored.key)
    first = await anext(reader)
    assert BIG.startswith(first)
    await cast("Any", reader).aclose()
    await asyncio.sleep(0)
