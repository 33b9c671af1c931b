"""A BlobStore on Amazon S3 or any S3-compatible store (MinIO, Ceph, R2, moto), through boto3.

Keys: `blobs/id/ab/<random id>` for blobs (and `blobs/sha256/ab/<sha256>` for those of the first layout) and
`uploads/<id>` for direct uploads. A streamed upload (`put_stream`) goes straight to a fresh blob key, as one PutObject
or a multipart upload, and stays there: no server-side copy, which on a slow store costs as much as the upload
itself. A direct upload (presigned PUT) is staged under the caller's id, because the client can write there until
its URL expires; once verified it is copied to a fresh blob key and the staged object deleted. A failed or refused
upload is aborted and whatever it wrote deleted; what a crash leaves behind, `delete_stale_uploads` (staged uploads)
and garbage collection (blobs no ledger row names) remove.

boto3 is blocking: every call runs in a worker thread (`asyncio.to_thread`), never on the event loop, and every
botocore failure becomes `BlobUnavailable` (503), with the botocore exception chained for the logs.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import logging
import re
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Literal, ParamSpec, TypedDict, TypeVar

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    EndpointConnectionError,
    NoCredentialsError,
    PartialCredentialsError,
    ReadTimeoutError,
    ResponseStreamingError,
)
from botocore.response import StreamingBody

from service.blobs.base import (
    BLOB_PREFIX,
    SNIFF_BYTES,
    BlobInfo,
    BlobMissing,
    BlobTooLarge,
    BlobUnavailable,
    ChecksumMismatch,
    PresignedUpload,
    Sniffer,
    StoredBlob,
    content_disposition,
    is_blob_key,
    new_blob_key,
    upload_key,
)

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import CompletedPartTypeDef, HeadObjectOutputTypeDef

log = logging.getLogger(__name__)

MiB = 1024 * 1024
GiB = 1024 * MiB
DEFAULT_PART_SIZE = 8 * MiB
MIN_PART_SIZE = 5 * MiB  # S3: every part but the last is at least 5 MiB
MAX_PARTS = 10_000  # S3: parts per multipart upload
MAX_COPY_OBJECT_SIZE = 5 * GiB  # S3: the largest object one CopyObject call copies
COPY_PART_SIZE = 512 * MiB  # ranges copied server-side per UploadPartCopy above that size
READ_CHUNK = 256 * 1024
VERIFY_CHUNK = 1 * MiB
MAX_PRESIGN_SECONDS = 7 * 24 * 3600  # SigV4 limit

UPLOAD_PREFIX = "uploads/"
_DIGEST = re.compile(r"[0-9a-f]{64}")
_UPLOAD_ID = re.compile(r"[A-Za-z0-9_-]{1,200}")
# RFC 6266 `filename=` fallback: printable ASCII without `"`, `\` and `%` (which some browsers percent-decode).

Checksums = Literal["when_supported", "when_required"]
CHECKSUM_MODES: tuple[Checksums, ...] = ("when_supported", "when_required")
RetryMode = Literal["standard", "adaptive"]
RETRY_MODES: tuple[RetryMode, ...] = ("standard", "adaptive")

# Fail fast (docs/decisions.md, "Fail fast"): a store that accepts connections and never answers costs at most
# max_attempts x (read timeout + botocore's 1 s wait for `100 Continue` on uploads) plus the back-off (at most 1 s
# before the one retry): about 10 s, inside the shutdown grace. The read timeout bounds each wait for the answer or
# for the next bytes of it, never a whole request: a large part or download streams for as long as bytes flow.
CONNECT_TIMEOUT = 2.0
READ_TIMEOUT = 4.0
MAX_ATTEMPTS = 2

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")


def make_client(
    *,
    endpoint_url: str | None,
    region: str | None,
    max_pool_connections: int = 10,
    connect_timeout: float = CONNECT_TIMEOUT,
    read_timeout: float = READ_TIMEOUT,
    max_attempts: int = MAX_ATTEMPTS,
    retry_mode: RetryMode = "standard",
    checksums: Checksums = "when_supported",
) -> S3Client:
    """A boto3 S3 client; credentials come from boto3's standard chain (environment, profile, IAM role).

    `connect_timeout` bounds opening a connection (and each block of a request body sent), `read_timeout` each wait
    for bytes of the answer; `max_attempts` counts the first try (botocore's `standard` or `adaptive` retry mode).
    `checksums` is botocore's `request_checksum_calculation`: "when_supported" (boto3's default) sends a CRC32 with
    every part and object, which S3 checks; "when_required" sends none, for S3-compatible stores that refuse
    checksum headers.
    """
    if checksums not in CHECKSUM_MODES:
        raise ValueError(f"checksums must be one of {', '.join(CHECKSUM_MODES)}, not {checksums!r}")
    if retry_mode not in RETRY_MODES:
        raise ValueError(f"retry_mode must be one of {', '.join(RETRY_MODES)}, not {retry_mode!r}")
    if not (connect_timeout > 0 and read_timeout > 0):
        raise ValueError("connect_timeout and read_timeout must be positive")
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")
    config = Config(
        region_name=region,
        signature_version="s3v4",
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        retries={"mode": retry_mode, "total_max_attempts": max_attempts},  # `max_attempts` would count retries only
        max_pool_connections=max_pool_connections,
        s3={
            # S3-compatible stores are addressed by path; AWS itself picks virtual-host style.
            "addressing_style": "path" if endpoint_url else "auto",
            # No SHA-256 of every payload for SigV4 (UNSIGNED-PAYLOAD): Canon hashes each byte once, for its own
            # digest. Integrity in transit is TLS's and, with checksums, S3's CRC32 check of every part.
            "payload_signing_enabled": False,
        },
        request_checksum_calculation=checksums,
        response_checksum_validation=checksums,
    )
    return boto3.session.Session().client("s3", endpoint_url=endpoint_url, config=config)


class _NoSuchObject(BlobUnavailable):
    """404 for a key, bucket or multipart upload. A BlobUnavailable, so one a caller does not expect still maps
    to 503; callers that expect it catch it."""


class _Changed(BlobUnavailable):
    """412: the object no longer matches the ETag a request was conditioned on."""


class _NotSatisfiable(BlobUnavailable):
    """416: a range starting past the end of the object."""


def _unavailable(action: str, exc: BotoCoreError | ClientError) -> BlobUnavailable:
    if isinstance(exc, ClientError):
        code = exc.response.get("Error", {}).get("Code", "unknown")
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        if code in {"NoSuchKey", "NoSuchUpload", "NotFound", "404"}:
            return _NoSuchObject(f"Object storage has no such object ({action}).")
        if status == 412:
            return _Changed(f"The object changed while it was being read ({action}).")
        if status == 416:
            return _NotSatisfiable(f"The range starts past the end of the object ({action}).")
        reason = f"it answered {status} {code}"
    elif isinstance(exc, NoCredentialsError | PartialCredentialsError):
        reason = "no credentials are configured"
    elif isinstance(exc, EndpointConnectionError):  # includes ConnectTimeoutError
        reason = "it cannot be reached"
    elif isinstance(exc, ReadTimeoutError | ConnectionClosedError | ResponseStreamingError):
        reason = "the connection was lost or timed out"
    else:
        reason = type(exc).__name__
    return BlobUnavailable(f"Object storage is unavailable: {reason} ({action}).")


def _next_page(pages: Iterator[T]) -> T | None:
    return next(pages, None)


def _read_and_hash(body: StreamingBody, digest: hashlib._Hash, size: int) -> bytes:
    chunk = body.read(size)
    digest.update(chunk)
    return chunk


class S3BlobStore:
    """Blobs in one bucket. Memory per upload stays near `(max_concurrency + 1) * part_size`."""

    name: str = "s3"

    def __init__(
        self,
        bucket: str,
        *,
        endpoint_url: str | None,
        region: str | None,
        part_size: int = DEFAULT_PART_SIZE,
        max_concurrency: int = 4,
        checksums: Checksums = "when_supported",
        connect_timeout: float = CONNECT_TIMEOUT,
        read_timeout: float = READ_TIMEOUT,
        max_attempts: int = MAX_ATTEMPTS,
        retry_mode: RetryMode = "standard",
        client: S3Client | None = None,
    ) -> None:
        """The timeouts and retry budget are `make_client`'s; `client` replaces the client it would build."""
        if part_size < MIN_PART_SIZE:
            raise ValueError(f"part_size must be at least {MIN_PART_SIZE} bytes (an S3 rule), not {part_size}")
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        self.bucket = bucket
        self.checksums = checksums
        self.part_size = part_size
        self.max_concurrency = max_concurrency
        self.copy_threshold = MAX_COPY_OBJECT_SIZE  # larger objects are copied part by part
        self.copy_part_size = COPY_PART_SIZE
        self.check_timeout = 3.0
        self._client = client or make_client(
            endpoint_url=endpoint_url,
            region=region,
            max_pool_connections=max_concurrency + 4,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            max_attempts=max_attempts,
            retry_mode=retry_mode,
            checksums=checksums,
        )

    async def _call(self, action: str, function: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R:
        """Run a blocking boto3 call in a worker thread; any botocore failure becomes BlobUnavailable."""
        try:
            return await asyncio.to_thread(function, *args, **kwargs)
        except (BotoCoreError, ClientError) as exc:
            raise _unavailable(action, exc) from exc

    async def _head(self, key: str) -> HeadObjectOutputTypeDef | None:
        try:
            return await self._call("head_object", self._client.head_object, Bucket=self.bucket, Key=key)
        except _NoSuchObject:
            return None

    async def _discard(self, key: str) -> None:
        """Delete a staged object, best effort: whatever survives, `delete_stale_uploads` removes later."""
        try:
            await self._call("delete_object", self._client.delete_object, Bucket=self.bucket, Key=key)
        except BlobUnavailable as exc:
            log.warning("could not delete staged object %s: %s", key, exc.detail)

    # ---- streamed uploads -------------------------------------------------------------------------------------

    async def put_stream(
        self, chunks: AsyncIterator[bytes], *, content_type: str, max_size: int, sniff: Sniffer | None = None
    ) -> StoredBlob:
        """Store a stream under a fresh key (see `BlobStore.put_stream`).

        A body that fits in one part is held in memory and sent in one PutObject (atomic: the key holds all the bytes
        or none). A larger body is a multipart upload, at most `max_concurrency` parts in flight; each part is cut
        from the received chunks with one copy, and hashed in a worker thread while earlier parts are being sent.
        """
        # S3 allows 10 000 parts: a limit beyond 10 000 parts needs larger parts.
        part_size = max(self.part_size, -(-max_size // MAX_PARTS))
        key = new_blob_key()
        multipart = _MultipartUpload(self, key, content_type)
        digest = hashlib.sha256()
        size = 0
        pending = _Parts()
        head_checked = sniff is None
        try:
            async for chunk in chunks:
                size += len(chunk)
                if size > max_size:
                    raise BlobTooLarge(f"The file is larger than the limit of {max_size} bytes.")
                pending.add(chunk)
                if sniff is not None and not head_checked and pending.size >= SNIFF_BYTES:
                    sniff(pending.head(SNIFF_BYTES))
                    head_checked = True
                # Strictly more than a part: a part is sent only once more bytes follow it, so a body of exactly one
                # part stays a single PutObject.
                while pending.size > part_size:
                    # Room first, then cut the part: memory stays at the parts in flight plus this buffer.
                    await multipart.wait_for_room()
                    part = pending.take(part_size)
                    await asyncio.to_thread(digest.update, part)
                    await multipart.add_part(part)
            if sniff is not None and not head_checked:
                sniff(pending.head(SNIFF_BYTES))
            last = pending.take(pending.size)
            await asyncio.to_thread(digest.update, last)
            if not multipart.started:
                await self._call(
                    "put_object",
                    self._client.put_object,
                    Bucket=self.bucket,
                    Key=key,
                    Body=last,
                    ContentType=content_type,
                )
            else:
                await multipart.add_part(last)
                await multipart.complete()
        except BaseException:
            await multipart.abort()
            if multipart.completing:  # a completion that failed (a timeout, say) may still have happened
                await self._discard(key)
            raise
        return StoredBlob(sha256=digest.hexdigest(), size=size, key=key)

    async def _promote(self, staged: str, etag: str, key: str, size: int, content_type: str) -> None:
        """Copy a verified staged object to the fresh blob key `key`.

        The copy is conditioned on the ETag that was verified, so bytes replaced in the meantime are never adopted.
        The caller deletes the staged object.
        """
        if size <= self.copy_threshold:
            await self._call(
                "copy_object",
                self._client.copy_object,
                Bucket=self.bucket,
                Key=key,
                CopySource={"Bucket": self.bucket, "Key": staged},
                CopySourceIfMatch=etag,
                ContentType=content_type,
                MetadataDirective="REPLACE",
            )
            return
        copy = _MultipartUpload(self, key, content_type, checksums=False)
        try:
            part_size = max(self.copy_part_size, -(-size // MAX_PARTS))
            for first in range(0, size, part_size):
                await copy.copy_part(staged, etag, first, min(first + part_size, size) - 1)
            await copy.complete()
        except BaseException:
            await copy.abort()
            if copy.completing:
                await self._discard(key)
            raise

    # ---- reads ------------------------------------------------------------------------------------------------

    async def stat(self, key: str) -> BlobInfo | None:
        if not is_blob_key(key):
            return None
        head = await self._head(key)
        if head is None:
            return None
        return BlobInfo(key=key, size=head["ContentLength"], modified=head["LastModified"])

    async def read(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        """The bytes `[start, end)` (one ranged GetObject), streamed in chunks; `end` past the size is clamped."""
        start = max(start, 0)
        if (end is not None and end <= start) or not is_blob_key(key):
            if await self.stat(key) is None:
                raise BlobMissing(f"No blob under {key!r}.")
            return
        try:
            if start == 0 and end is None:  # no Range: `bytes=0-` on an empty object is a 416
                response = await self._call("get_object", self._client.get_object, Bucket=self.bucket, Key=key)
            else:
                byte_range = f"bytes={start}-{'' if end is None else end - 1}"
                response = await self._call(
                    "get_object", self._client.get_object, Bucket=self.bucket, Key=key, Range=byte_range
                )
        except _NoSuchObject as exc:
            raise BlobMissing(f"No blob under {key!r}.") from exc
        except _NotSatisfiable:
            return
        body = response["Body"]
        try:
            while chunk := await self._call("get_object", body.read, READ_CHUNK):
                yield chunk
        finally:
            await asyncio.to_thread(body.close)

    async def presigned_get(
        self, key: str, *, file_name: str, content_type: str, expires_in: dt.timedelta
    ) -> str | None:
        """A GET URL answering with `Content-Disposition: attachment` (the file name) and `content_type`.

        Presigning is local computation: the blob's existence is not checked.
        """
        return await self._call(
            "presign",
            self._client.generate_presigned_url,
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": key,
                "ResponseContentDisposition": content_disposition(file_name),
                "ResponseContentType": content_type,
            },
            ExpiresIn=_seconds(expires_in),
        )

    # ---- direct uploads ---------------------------------------------------------------------------------------

    async def presigned_put(
        self, upload_id: str, *, content_type: str, size: int, sha256: str, expires_in: dt.timedelta
    ) -> PresignedUpload | None:
        """A PUT URL for `upload_key(upload_id)`. Content-Type, Content-Length (the body's own length, which HTTP
        clients set) and `x-amz-checksum-sha256` are signed: S3 refuses a body of another length or digest."""
        _check_upload_id(upload_id)
        if size < 0:
            raise ValueError("size must not be negative")
        sha256 = sha256.lower()
        if not _DIGEST.fullmatch(sha256):
            raise ValueError("sha256 must be 64 hexadecimal digits")
        checksum = base64.b64encode(bytes.fromhex(sha256)).decode("ascii")
        expires_at = dt.datetime.now(dt.UTC) + expires_in
        url = await self._call(
            "presign",
            self._client.generate_presigned_url,
            "put_object",
            Params={
                "Bucket": self.bucket,
                "Key": upload_key(upload_id),
                "ContentType": content_type,
                "ContentLength": size,
                "ChecksumSHA256": checksum,
            },
            ExpiresIn=_seconds(expires_in),
        )
        headers = {"Content-Type": content_type, "x-amz-checksum-sha256": checksum}
        return PresignedUpload(url=url, headers=headers, expires_at=expires_at)

    async def adopt_upload(self, upload_id: str, *, sha256: str, size: int, sniff: Sniffer | None = None) -> StoredBlob:
        """Verify a staged direct upload by streaming it (constant memory) and copy it to a fresh blob key.

        The staged object is deleted once examined, whatever the verdict; when the store fails midway it is kept, so
        the call can be retried.
        """
        staged = upload_key(upload_id) if _UPLOAD_ID.fullmatch(upload_id) else None
        head = None if staged is None else await self._head(staged)
        if staged is None or head is None:
            raise BlobMissing(f"Nothing was uploaded for upload {upload_id}.")
        sha256 = sha256.lower()
        try:
            if head["ContentLength"] != size:
                raise ChecksumMismatch(f"The upload has {head['ContentLength']} bytes, not the {size} declared.")
            actual = await self._verify(staged, head["ETag"], sniff)
            if actual != sha256:
                raise ChecksumMismatch(f"The upload's SHA-256 is {actual}, not the {sha256} declared.")
            key = new_blob_key()
            await self._promote(staged, head["ETag"], key, size, head.get("ContentType", "application/octet-stream"))
        except _Changed as exc:
            await self._discard(staged)
            raise ChecksumMismatch("The upload was replaced while it was being verified.") from exc
        except _NoSuchObject as exc:
            raise BlobMissing(f"The upload {upload_id} disappeared while it was being verified.") from exc
        except (BlobUnavailable, asyncio.CancelledError):
            raise  # not examined: keep it for a retry
        except BaseException:
            await self._discard(staged)
            raise
        await self._discard(staged)
        return StoredBlob(sha256=sha256, size=size, key=key)

    async def _verify(self, staged: str, etag: str, sniff: Sniffer | None) -> str:
        """Stream the staged object (the version with `etag`), sniffing its head; return its SHA-256."""
        response = await self._call("get_object", self._client.get_object, Bucket=self.bucket, Key=staged, IfMatch=etag)
        body = response["Body"]
        digest = hashlib.sha256()
        head = b""
        try:
            while chunk := await self._call("get_object", _read_and_hash, body, digest, VERIFY_CHUNK):
                if sniff is not None and len(head) < SNIFF_BYTES:
                    head += chunk[: SNIFF_BYTES - len(head)]
                    if len(head) == SNIFF_BYTES:
                        sniff(head)
        finally:
            await asyncio.to_thread(body.close)
        if sniff is not None and len(head) < SNIFF_BYTES:
            sniff(head)
        return digest.hexdigest()

    # ---- maintenance ------------------------------------------------------------------------------------------

    async def delete(self, key: str) -> None:
        if is_blob_key(key):
            await self._call("delete_object", self._client.delete_object, Bucket=self.bucket, Key=key)

    async def list_blobs(self) -> AsyncIterator[BlobInfo]:
        paginator = self._client.get_paginator("list_objects_v2")
        pages = iter(paginator.paginate(Bucket=self.bucket, Prefix=BLOB_PREFIX))
        while page := await self._call("list_objects_v2", _next_page, pages):
            for item in page.get("Contents", []):
                if is_blob_key(item["Key"]):
                    yield BlobInfo(key=item["Key"], size=item["Size"], modified=item["LastModified"])

    async def delete_stale_uploads(self, older_than: dt.datetime) -> int:
        """Delete staged objects and abort multipart uploads under `uploads/` started before `older_than`
        (naive: UTC); return how many of both."""
        if older_than.tzinfo is None:
            older_than = older_than.replace(tzinfo=dt.UTC)
        removed = 0
        objects = iter(self._client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=UPLOAD_PREFIX))
        while page := await self._call("list_objects_v2", _next_page, objects):
            for item in page.get("Contents", []):
                if item["LastModified"] < older_than:
                    await self._call("delete_object", self._client.delete_object, Bucket=self.bucket, Key=item["Key"])
                    removed += 1
        uploads = iter(
            self._client.get_paginator("list_multipart_uploads").paginate(Bucket=self.bucket, Prefix=UPLOAD_PREFIX)
        )
        while listing := await self._call("list_multipart_uploads", _next_page, uploads):
            for upload in listing.get("Uploads", []):
                if upload["Initiated"] < older_than:
                    try:
                        await self._call(
                            "abort_multipart_upload",
                            self._client.abort_multipart_upload,
                            Bucket=self.bucket,
                            Key=upload["Key"],
                            UploadId=upload["UploadId"],
                        )
                    except _NoSuchObject:
                        continue  # finished or aborted meanwhile
                    removed += 1
        return removed

    async def check(self) -> None:
        """HeadBucket within `check_timeout` seconds, else BlobUnavailable."""
        try:
            await asyncio.wait_for(
                self._call("head_bucket", self._client.head_bucket, Bucket=self.bucket), timeout=self.check_timeout
            )
        except _NoSuchObject as exc:
            raise BlobUnavailable(f"The object storage bucket '{self.bucket}' does not exist.") from exc
        except TimeoutError as exc:
            raise BlobUnavailable(f"Object storage did not answer within {self.check_timeout:g} s.") from exc

    async def ensure_bucket(self) -> None:
        """Create the bucket unless it exists (development and tests; production buckets are provisioned)."""
        try:
            await self._call("head_bucket", self._client.head_bucket, Bucket=self.bucket)
        except _NoSuchObject:
            pass
        else:
            return
        region = self._client.meta.region_name
        try:
            if region and region != "us-east-1":
                await self._call(
                    "create_bucket",
                    self._client.create_bucket,
                    Bucket=self.bucket,
                    CreateBucketConfiguration={"LocationConstraint": region},  # type: ignore[typeddict-item]
                )
            else:
                await self._call("create_bucket", self._client.create_bucket, Bucket=self.bucket)
        except BlobUnavailable as exc:
            if not _is_code(exc, "BucketAlreadyOwnedByYou"):
                raise


class _ChecksumArgs(TypedDict, total=False):
    ChecksumAlgorithm: Literal["CRC32"]


class _Parts:
    """Received chunks waiting to become parts. A part is cut with one copy (`bytes.join` of the chunks it spans),
    not two (`bytes(bytearray[:n])` copies once into a new bytearray, then into bytes), and no growing buffer is
    reallocated on the way: memory holds the chunks of at most one part plus the part being cut."""

    def __init__(self) -> None:
        self._chunks: deque[bytes] = deque()
        self.size = 0

    def add(self, chunk: bytes) -> None:
        self._chunks.append(chunk)
        self.size += len(chunk)

    def head(self, n: int) -> bytes:
        """The first `n` bytes (fewer if fewer are held), without taking them."""
        head = b""
        for chunk in self._chunks:
            if len(head) >= n:
                break
            head += chunk[: n - len(head)]
        return head

    def take(self, n: int) -> bytes:
        """Remove and return the first `n` bytes (`n` at most `size`)."""
        taken: list[bytes] = []
        wanted = n
        while wanted:
            chunk = self._chunks[0]
            if len(chunk) <= wanted:
                taken.append(self._chunks.popleft())
                wanted -= len(chunk)
            else:  # split the chunk that straddles the boundary (a chunk's worth of copying, not a part's)
                view = memoryview(chunk)
                taken.append(bytes(view[:wanted]))
                self._chunks[0] = bytes(view[wanted:])
                wanted = 0
        self.size -= n
        return taken[0] if len(taken) == 1 else b"".join(taken)  # b"" when nothing is taken


class _MultipartUpload:
    """One multipart upload with at most `max_concurrency` parts in flight; `abort()` leaves nothing behind."""

    def __init__(self, store: S3BlobStore, key: str, content_type: str, *, checksums: bool = True) -> None:
        """`checksums`: a CRC32 per part when the store's setting asks for it (the copies of `_promote` carry none)."""
        self._store = store
        # With checksums, S3 wants the algorithm named when the upload starts, with every part, and each part's
        # checksum at completion; it then keeps a checksum of the object.
        self._checksum: _ChecksumArgs = (
            {"ChecksumAlgorithm": "CRC32"} if checksums and store.checksums == "when_supported" else {}
        )
        self.key = key
        self.completing = False  # CompleteMultipartUpload was sent: the object may exist
        self._content_type = content_type
        self._upload_id: str | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._in_flight: set[asyncio.Task[None]] = set()
        self._parts: dict[int, CompletedPartTypeDef] = {}

    @property
    def started(self) -> bool:
        return self._upload_id is not None

    async def _start(self) -> str:
        if self._upload_id is None:
            store = self._store
            response = await store._call(
                "create_multipart_upload",
                store._client.create_multipart_upload,
                Bucket=store.bucket,
                Key=self.key,
                ContentType=self._content_type,
                **self._checksum,
            )
            self._upload_id = response["UploadId"]
        return self._upload_id

    async def _wait(self, until: str) -> None:
        done, self._in_flight = await asyncio.wait(self._in_flight, return_when=until)
        for task in done:
            task.result()  # the first failure ends the upload

    async def wait_for_room(self) -> None:
        """Return once fewer than `max_concurrency` parts are in flight (raising the first failure)."""
        while len(self._in_flight) >= self._store.max_concurrency:
            await self._wait(asyncio.FIRST_COMPLETED)

    async def _submit(self, number: int, send: Callable[[str], Awaitable[CompletedPartTypeDef]]) -> None:
        upload_id = await self._start()
        await self.wait_for_room()

        async def run() -> None:
            self._parts[number] = await send(upload_id)

        task = asyncio.create_task(run())
        self._tasks.append(task)
        self._in_flight.add(task)

    async def add_part(self, data: bytes) -> None:
        store = self._store
        number = len(self._tasks) + 1

        async def send(upload_id: str) -> CompletedPartTypeDef:
            response = await store._call(
                "upload_part",
                store._client.upload_part,
                Bucket=store.bucket,
                Key=self.key,
                UploadId=upload_id,
                PartNumber=number,
                Body=data,
                **self._checksum,
            )
            part: CompletedPartTypeDef = {"PartNumber": number, "ETag": response["ETag"]}
            if "ChecksumCRC32" in response:
                part["ChecksumCRC32"] = response["ChecksumCRC32"]
            return part

        await self._submit(number, send)

    async def copy_part(self, source: str, etag: str, first: int, last: int) -> None:
        store = self._store
        number = len(self._tasks) + 1

        async def send(upload_id: str) -> CompletedPartTypeDef:
            response = await store._call(
                "upload_part_copy",
                store._client.upload_part_copy,
                Bucket=store.bucket,
                Key=self.key,
                UploadId=upload_id,
                PartNumber=number,
                CopySource={"Bucket": store.bucket, "Key": source},
                CopySourceIfMatch=etag,
                CopySourceRange=f"bytes={first}-{last}",
            )
            return {"PartNumber": number, "ETag": response["CopyPartResult"]["ETag"]}

        await self._submit(number, send)

    async def complete(self) -> str:
        """Wait for every part, then complete; return the object's ETag."""
        upload_id = await self._start()
        while self._in_flight:
            await self._wait(asyncio.ALL_COMPLETED)
        store = self._store
        self.completing = True
        response = await store._call(
            "complete_multipart_upload",
            store._client.complete_multipart_upload,
            Bucket=store.bucket,
            Key=self.key,
            UploadId=upload_id,
            MultipartUpload={"Parts": [part for _, part in sorted(self._parts.items())]},
        )
        self._upload_id = None  # completed: nothing left to abort
        return response["ETag"]

    async def abort(self) -> None:
        """Abort the upload (if one was started) once no part is still being sent: a part that lands after the
        abort would linger, invisible but billed."""
        if self._tasks:
            await asyncio.wait(self._tasks)  # unlike gather, a cancellation here leaves the parts running
            for task in self._tasks:
                if not task.cancelled():
                    task.exception()  # retrieved: the first failure was raised already
        if self._upload_id is None:
            return
        store = self._store
        try:
            await store._call(
                "abort_multipart_upload",
                store._client.abort_multipart_upload,
                Bucket=store.bucket,
                Key=self.key,
                UploadId=self._upload_id,
            )
        except BlobUnavailable as exc:
            log.warning("could not abort multipart upload of %s: %s", self.key, exc.detail)
        self._upload_id = None


def _is_code(exc: BaseException, code: str) -> bool:
    cause = exc.__cause__
    return isinstance(cause, ClientError) and cause.response.get("Error", {}).get("Code") == code


def _seconds(expires_in: dt.timedelta) -> int:
    seconds = int(expires_in.total_seconds())
    if not 1 <= seconds <= MAX_PRESIGN_SECONDS:
        raise ValueError(f"expires_in must be between 1 second and 7 days, not {expires_in}")
    return seconds


def _check_upload_id(upload_id: str) -> None:
    if not _UPLOAD_ID.fullmatch(upload_id):
        raise ValueError("upload_id must be 1 to 200 letters, digits, '-' or '_'")
