"""The BlobStore protocol: object storage for asset files, addressed by a storage key.

Each upload is stored under a fresh key of its own (`blobs/id/ab/<random id>`) and stays there: its SHA-256 is
known only once every byte went by, and moving the bytes to a content address afterwards would cost a server-side
copy of the whole object. The `blobs` ledger in PostgreSQL maps each SHA-256 to the one key that holds it, so
identical bytes are still stored once (see `service/usecases/assets.py`). Keys of the earlier content-addressed
layout (`blobs/sha256/ab/<sha256>`) stay valid. Bytes stream through in bounded memory; a failed or refused upload
leaves nothing behind. Implementations: `s3.py` (boto3, any S3-compatible store) and `local.py` (a directory).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Protocol
from urllib.parse import quote

import msgspec

from service.domain.errors import NotFound, TooLarge, Unavailable

# Characters replaced by "_" in the ASCII fallback of a Content-Disposition file name.
_UNSAFE_FALLBACK = re.compile(r"[^A-Za-z0-9 !#$&'()*+,\-.;=@\[\]^_`{}~]", re.ASCII)

# The first bytes of a file are handed to a `Sniffer` before anything is stored; it raises to refuse the file.
Sniffer = Callable[[bytes], None]
SNIFF_BYTES = 4096


# Every key a blob may be stored under: the content address of the first layout, or a random id.
BLOB_PREFIX = "blobs/"
_BLOB_KEY = re.compile(r"blobs/(?:sha256/[0-9a-f]{2}/[0-9a-f]{64}|id/[0-9a-f]{2}/[0-9a-f]{32})")


class StoredBlob(msgspec.Struct, frozen=True):
    """Bytes just stored under `key`, a key no other blob uses: the caller records it in the ledger, or deletes it."""

    sha256: str  # lower-case hex
    size: int
    key: str


class BlobInfo(msgspec.Struct, frozen=True):
    key: str
    size: int
    modified: dt.datetime


class PresignedUpload(msgspec.Struct, frozen=True):
    """Where and how a client uploads directly: `PUT url` with exactly `headers`."""

    url: str
    headers: dict[str, str]
    expires_at: dt.datetime


class BlobTooLarge(TooLarge):
    """The stream passed the size limit; the upload was aborted and nothing is stored."""


class BlobUnavailable(Unavailable):
    """The store cannot be reached or refused the operation for reasons of its own (not the caller's)."""


class BlobMissing(NotFound):
    """No blob (or pending upload) under that digest or id."""


class ChecksumMismatch(Exception):
    """A direct upload's bytes do not match the size or SHA-256 the client declared."""


def content_disposition(file_name: str) -> str:
    """`attachment` with an ASCII `filename` fallback and the exact name as UTF-8 `filename*` (RFC 6266, RFC 8187)."""
    name = "".join(ch for ch in file_name if unicodedata.category(ch)[0] != "C").strip() or "download"
    # The fallback keeps ASCII letters (accents dropped: "ä" is "a" plus a combining mark) and replaces the rest.
    fallback = "".join(
        "_" if _UNSAFE_FALLBACK.match(ch) else ch
        for ch in unicodedata.normalize("NFKD", name)
        if not unicodedata.combining(ch)
    )
    stem, dot, extension = fallback.rpartition(".")
    if not any(ch.isalnum() for ch in (stem if dot else fallback)):
        fallback = f"download.{extension}" if dot and extension.isalnum() else "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='!#$&+^`|')}"


def legacy_blob_key(sha256: str) -> str:
    """Where the first (content-addressed) layout stored a blob; migration 0007 records these keys in the ledger."""
    return f"blobs/sha256/{sha256[:2]}/{sha256}"


def new_blob_key() -> str:
    """A fresh key for one upload (random, so two uploads never share one)."""
    name = uuid.uuid4().hex
    return f"blobs/id/{name[:2]}/{name}"


def is_blob_key(key: str) -> bool:
    """Whether `key` is a blob key of either layout (never a path that could leave the store's root)."""
    return _BLOB_KEY.fullmatch(key) is not None


def upload_key(upload_id: str) -> str:
    return f"uploads/{upload_id}"


class BlobStore(Protocol):
    name: str  # "s3" or "local": shown in readiness

    async def put_stream(
        self, chunks: AsyncIterator[bytes], *, content_type: str, max_size: int, sniff: Sniffer | None = None
    ) -> StoredBlob:
        """Store a stream under a fresh key (`new_blob_key`), computing SHA-256 and size on the way, in memory bounded
        by the part size. Identical bytes stored twice are two blobs: deduplication is the ledger's job.

        `sniff` sees the first `SNIFF_BYTES` (or the whole body if shorter) before anything is kept and may raise to
        refuse it. Raises BlobTooLarge past `max_size`, stopping early; BlobUnavailable when the store fails.
        An empty stream is stored like any other (callers refuse empty bodies before calling).
        """
        ...

    async def stat(self, key: str) -> BlobInfo | None:
        """The blob under `key`, or None when there is none (or `key` is not a blob key)."""
        ...

    def read(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        """The bytes `[start, end)` (end None: to the end), streamed in chunks. Raises BlobMissing."""
        ...

    async def presigned_get(
        self, key: str, *, file_name: str, content_type: str, expires_in: dt.timedelta
    ) -> str | None:
        """A short-lived URL that serves the blob with that name and type, or None when the store cannot presign
        (the local store): the API then streams the bytes itself."""
        ...

    async def presigned_put(
        self, upload_id: str, *, content_type: str, size: int, sha256: str, expires_in: dt.timedelta
    ) -> PresignedUpload | None:
        """A URL the client PUTs the file to (staged under `upload_key(upload_id)`), or None when unsupported."""
        ...

    async def adopt_upload(self, upload_id: str, *, sha256: str, size: int, sniff: Sniffer | None = None) -> StoredBlob:
        """Verify a staged direct upload (size, then SHA-256 by streaming it) and store it under a fresh key.

        Raises BlobMissing when nothing was uploaded, ChecksumMismatch when the bytes differ from what was declared
        (the staged object is deleted either way once examined), and whatever `sniff` raises.
        """
        ...

    async def delete(self, key: str) -> None:
        """Remove a blob; removing one that does not exist is not an error."""
        ...

    def list_blobs(self) -> AsyncIterator[BlobInfo]:
        """Every stored blob, under keys of either layout (for garbage collection)."""
        ...

    async def delete_stale_uploads(self, older_than: dt.datetime) -> int:
        """Remove staged direct uploads never completed; return how many."""
        ...

    async def check(self) -> None:
        """Raise BlobUnavailable unless the store answers (readiness), within a couple of seconds."""
        ...
