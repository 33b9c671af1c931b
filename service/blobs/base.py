"""The BlobStore protocol: content-addressed object storage for asset files.

Blobs are stored under their SHA-256 (`blobs/sha256/ab/abcdef…`), so identical bytes are stored once. Bytes stream
through in bounded memory; a failed or refused upload leaves nothing behind. Implementations: `s3.py` (boto3, any
S3-compatible store) and `local.py` (a directory, the embedded default).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
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


class StoredBlob(msgspec.Struct, frozen=True):
    sha256: str  # lower-case hex
    size: int
    deduplicated: bool  # the same bytes were already stored


class BlobInfo(msgspec.Struct, frozen=True):
    sha256: str
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


def blob_key(sha256: str) -> str:
    return f"blobs/sha256/{sha256[:2]}/{sha256}"


def upload_key(upload_id: str) -> str:
    return f"uploads/{upload_id}"


class BlobStore(Protocol):
    name: str  # "s3" or "local": shown in readiness

    async def put_stream(
        self, chunks: AsyncIterator[bytes], *, content_type: str, max_size: int, sniff: Sniffer | None = None
    ) -> StoredBlob:
        """Store a stream, computing SHA-256 and size on the way, in memory bounded by the part size.

        `sniff` sees the first `SNIFF_BYTES` (or the whole body if shorter) before anything is kept and may raise to
        refuse it. Raises BlobTooLarge past `max_size`, stopping early; BlobUnavailable when the store fails.
        An empty stream is stored like any other (callers refuse empty bodies before calling).
        """
        ...

    async def stat(self, sha256: str) -> BlobInfo | None: ...

    def read(self, sha256: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        """The bytes `[start, end)` (end None: to the end), streamed in chunks. Raises BlobMissing."""
        ...

    async def presigned_get(
        self, sha256: str, *, file_name: str, content_type: str, expires_in: dt.timedelta
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
        """Verify a staged direct upload (size, then SHA-256 by streaming it) and move it to its content address.

        Raises BlobMissing when nothing was uploaded, ChecksumMismatch when the bytes differ from what was declared
        (the staged object is deleted either way once examined), and whatever `sniff` raises.
        """
        ...

    async def delete(self, sha256: str) -> None:
        """Remove a blob; removing one that does not exist is not an error."""
        ...

    def list_blobs(self) -> AsyncIterator[BlobInfo]:
        """Every stored blob (for garbage collection)."""
        ...

    async def delete_stale_uploads(self, older_than: dt.datetime) -> int:
        """Remove staged direct uploads never completed; return how many."""
        ...

    async def check(self) -> None:
        """Raise BlobUnavailable unless the store answers (readiness), within a couple of seconds."""
        ...
