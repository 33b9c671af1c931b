"""Asset files: streamed or direct uploads into the blob store, downloads, and the version facts they set.

Bytes are stored (under a fresh key) before the database learns of them, and a version only ever names a blob that
is stored: the attach transaction records the key in the `blobs` ledger and re-checks the bytes while holding the
ledger row, the same row garbage collection locks to delete it. Identical bytes are stored once: when the ledger
already has the digest, the version names the stored copy and the just-uploaded duplicate is deleted.

Every upload (streamed through the API, or directly to the store and then completed) is checked against its declared
type twice (`service/blobs/sniff.py`): its first bytes before it is kept, and once stored, for DOCX, PPTX and XLSX, the
parts its archive lists; a file refused by the second check is deleted before anything names it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

import msgspec

from service.blobs import sniff
from service.blobs.base import BlobStore, BlobUnavailable, ChecksumMismatch, PresignedUpload, Sniffer, StoredBlob
from service.domain import lifecycle
from service.domain.concurrency import check_if_match
from service.domain.diff import changed_values
from service.domain.errors import Conflict, FieldError, Gone, Invalid, NotFound, TooLarge, Unavailable
from service.domain.kinds import FileName
from service.domain.model import RELEASED_STATUSES, Principal, Role, VersionStatus
from service.store import assets as asset_store
from service.store import entries, entry_views
from service.store.database import Connection
from service.usecases.entries import EntryContext, log_change, version_in_effect

SHA256_HEX = r"^[0-9a-f]{64}$"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AssetContext:
    entries: EntryContext
    blobs: BlobStore
    max_bytes: int
    presign_for: dt.timedelta


def _checked_type(content_type: str | None) -> tuple[str, Sniffer]:
    """The bare declared type and its sniffer; a type Canon does not accept is refused (415) before any byte."""
    declared = sniff.normalise(content_type or "")
    sniffer = sniff.sniffer_for(declared)
    if declared not in sniff.ACCEPTED_TYPES:
        sniffer(b"")  # raises UnsupportedMediaType naming the accepted types
    return declared, sniffer


def _check_size(size: int | None, limit: int) -> None:
    if size is not None and size > limit:
        raise TooLarge(f"the file is {size} bytes; assets may be at most {limit} bytes")
    if size == 0:
        raise Invalid("the file is empty", [FieldError("", "an asset file needs at least one byte")])


def _checked_name(file_name: str | None) -> str | None:
    """A name given with the upload (query or Content-Disposition) obeys the same rule as one in the content."""
    if file_name is None:
        return None
    try:
        return msgspec.convert(file_name, FileName)
    except msgspec.ValidationError:
        raise Invalid(
            "the file name is not valid",
            [FieldError("file_name", "1 to 255 characters, without '/', '\\' or control characters", "query")],
        ) from None


async def _editable_version(ctx: AssetContext, slug: str, number: int, if_match: str | None) -> None:
    """Refuse early, before any byte is stored, what the attach step would refuse anyway."""
    async with ctx.entries.pool.acquire() as conn:
        entry = await entries.find_entry(conn, ctx.entries.spec.name, slug)
        check_if_match(if_match, entry.revision, required=True)
        version = await entries.get_version(conn, entry, number)
        lifecycle.ensure_editable(version.status, number)


async def _non_empty(chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    size = 0
    async for chunk in chunks:
        size += len(chunk)
        if chunk:
            yield chunk
    if size == 0:
        raise Invalid("the request body is empty", [FieldError("", "upload the file's bytes as the body")])


async def upload(
    ctx: AssetContext,
    principal: Principal,
    slug: str,
    number: int,
    if_match: str | None,
    *,
    content_type: str | None,
    file_name: str | None,
    declared_size: int | None,
    chunks: AsyncIterator[bytes],
) -> entry_views.EntryView:
    """Stream the body into the blob store and make it the draft's file."""
    lifecycle.require_role(principal, Role.editor)
    declared, sniffer = _checked_type(content_type)
    _check_size(declared_size, ctx.max_bytes)
    file_name = _checked_name(file_name)
    await _editable_version(ctx, slug, number, if_match)
    stored = await ctx.blobs.put_stream(
        _non_empty(chunks), content_type=declared, max_size=ctx.max_bytes, sniff=sniffer
    )
    await _check_contents(ctx, stored, declared)
    return await _attach(ctx, principal, slug, number, if_match, stored, declared, file_name)


async def _check_contents(ctx: AssetContext, stored: StoredBlob, content_type: str) -> None:
    """Refuse (415) a just-stored file whose contents contradict its declared type past its first bytes (an Office
    document of another format than declared), deleting it: only files that are what they say are attached."""
    try:
        await sniff.check_contents(ctx.blobs, stored.key, stored.size, content_type)
    except BaseException:
        await _discard(ctx.blobs, stored.key)
        raise


async def _attach(
    ctx: AssetContext,
    principal: Principal,
    slug: str,
    number: int,
    if_match: str | None,
    stored: StoredBlob,
    content_type: str,
    file_name: str | None,
) -> entry_views.EntryView:
    """Make the just-stored blob the draft's file, or delete it: whatever happens, `stored.key` ends up either named
    by the ledger or removed (removed by garbage collection at worst, when even the deletion fails)."""
    recorded = False  # the ledger names `stored.key` in the transaction
    settled = False  # the transaction's body ran to its end: a failure now is the commit's
    try:
        async with ctx.entries.writing(slug) as conn:
            view, recorded = await _attach_in(
                conn, ctx, principal, slug, number, if_match, stored, content_type, file_name
            )
            settled = True
    except BaseException:
        # Rolled back: nothing names the upload. After a failed commit it may be recorded: leave it to collection.
        if not (settled and recorded):
            await _discard(ctx.blobs, stored.key)
        raise
    if not recorded:
        await _discard(ctx.blobs, stored.key)  # a duplicate of bytes already stored
    return view


async def _discard(blobs: BlobStore, key: str) -> None:
    """Delete an upload nothing names, best effort: what survives, garbage collection removes after the grace."""
    try:
        await blobs.delete(key)
    except BlobUnavailable as exc:
        log.warning("could not delete unrecorded blob %s: %s", key, exc.detail)


async def _attach_in(
    conn: Connection,
    ctx: AssetContext,
    principal: Principal,
    slug: str,
    number: int,
    if_match: str | None,
    stored: StoredBlob,
    content_type: str,
    file_name: str | None,
) -> tuple[entry_views.EntryView, bool]:
    econtext = ctx.entries
    entry = await entries.lock_entry(conn, econtext.spec.name, slug)
    check_if_match(if_match, entry.revision, required=True)
    version = await entries.get_version(conn, entry, number)
    lifecycle.ensure_editable(version.status, number)
    name = file_name or version.content.get("file_name")
    if not name:
        raise Invalid("name the file", [FieldError("file_name", "give ?file_name= or Content-Disposition", "query")])
    recorded = await _record_blob(conn, ctx.blobs, stored)
    content: dict[str, Any] = {
        **version.content,
        "file_name": name,
        "content_type": content_type,
        "size": stored.size,
        "sha256": stored.sha256,
    }
    values = changed_values(version.content, content)
    await entries.set_content(conn, entry.id, number, content)
    await entries.add_editor(conn, entry.id, number, principal.id)
    entry = await entries.update_entry(conn, entry.id)
    await log_change(
        conn,
        econtext,
        principal,
        entry,
        "draft_updated",
        version=number,
        about=version,
        status=VersionStatus.draft,
        changes=sorted(values),
        values=values,
    )
    view = await entry_views.entry_view(conn, entry.kind, slug, version=number, released_only=False)
    return view, recorded


async def _record_blob(conn: Connection, blobs: BlobStore, stored: StoredBlob) -> bool:
    """Hold the ledger row of `stored.sha256` (collection waits for it) with stored bytes behind it; True when the
    row names `stored.key`, False when it names an earlier copy of the same bytes (`stored` is then a duplicate)."""
    # Collection of unrecorded objects takes this lock too: our object cannot be deleted from here on.
    await asset_store.lock_key(conn, stored.key)
    key = await asset_store.hold_blob(conn, stored.sha256, stored.size, stored.key)
    if key != stored.key:
        if await blobs.stat(key) is not None:
            return False
        await asset_store.move_blob(conn, stored.sha256, stored.key)  # the earlier copy is lost: adopt ours
    if await blobs.stat(stored.key) is None:
        raise Unavailable("the stored file vanished before it could be attached (garbage collected); upload again")
    return True


class DirectUpload(msgspec.Struct, frozen=True):
    """Send the file with `PUT url` and exactly `headers`, then call the completion endpoint with `upload_id`."""

    upload_id: UUID
    url: str
    method: str
    headers: dict[str, str]
    expires_at: dt.datetime


async def start_direct_upload(
    ctx: AssetContext,
    principal: Principal,
    slug: str,
    number: int,
    *,
    file_name: str,
    content_type: str,
    size: int,
    sha256: str,
) -> DirectUpload:
    lifecycle.require_role(principal, Role.editor)
    declared, _ = _checked_type(content_type)
    _check_size(size, ctx.max_bytes)
    upload_id = uuid4()
    presigned: PresignedUpload | None = await ctx.blobs.presigned_put(
        str(upload_id), content_type=declared, size=size, sha256=sha256, expires_in=ctx.presign_for
    )
    if presigned is None:
        raise Conflict(f"the {ctx.blobs.name} blob store takes no direct uploads; PUT the file to the content URL")
    async with ctx.entries.writing(slug) as conn:
        entry = await entries.lock_entry(conn, ctx.entries.spec.name, slug)
        version = await entries.get_version(conn, entry, number)
        lifecycle.ensure_editable(version.status, number)
        await asset_store.insert_upload(
            conn,
            upload_id=upload_id,
            entry_id=entry.id,
            number=number,
            file_name=file_name,
            content_type=declared,
            size=size,
            sha256=sha256,
            created_by=principal.subject,
        )
    return DirectUpload(
        upload_id=upload_id,
        url=presigned.url,
        method="PUT",
        headers=presigned.headers,
        expires_at=presigned.expires_at,
    )


async def complete_direct_upload(
    ctx: AssetContext, principal: Principal, slug: str, number: int, if_match: str | None, upload_id: UUID
) -> entry_views.EntryView:
    """Verify what the client uploaded (size, SHA-256 and that it is what its type says) and make it the draft's
    file."""
    lifecycle.require_role(principal, Role.editor)
    async with ctx.entries.pool.acquire() as conn:
        pending = await asset_store.pending_upload(conn, upload_id)
        entry = await entries.find_entry(conn, ctx.entries.spec.name, slug)
    if pending is None or pending.entry_id != entry.id or pending.number != number:
        raise NotFound(f"no pending upload {upload_id} for version {number} of {slug!r}")
    await _editable_version(ctx, slug, number, if_match)
    try:
        stored = await ctx.blobs.adopt_upload(
            str(upload_id), sha256=pending.sha256, size=pending.size, sniff=sniff.sniffer_for(pending.content_type)
        )
    except ChecksumMismatch as exc:
        raise Invalid("the uploaded bytes differ from what was announced", [FieldError("", str(exc))]) from None
    await _check_contents(ctx, stored, pending.content_type)
    view = await _attach(ctx, principal, slug, number, if_match, stored, pending.content_type, pending.file_name)
    async with ctx.entries.pool.acquire() as conn:
        await asset_store.complete_upload(conn, upload_id)
    return view


class Download(msgspec.Struct, frozen=True):
    """How to serve a version's file: a presigned `redirect`, or stream `key` from the local store."""

    sha256: str
    key: str
    size: int
    file_name: str
    content_type: str
    redirect: str | None


async def download(
    ctx: AssetContext,
    principal: Principal,
    slug: str,
    version: int | None,
    *,
    as_of: dt.datetime | None = None,
    known_at: dt.datetime | None = None,
) -> Download:
    """The file of `version`, or of the version in effect at `as_of` (default: now) as recorded at `known_at`."""
    if version is not None and (as_of is not None or known_at is not None):
        name = "as_of" if as_of is not None else "known_at"
        raise Invalid(f"give either version or {name}, not both", [FieldError(name, "conflicts with version", "query")])
    async with ctx.entries.pool.acquire() as conn:
        entry = await entries.find_entry(conn, ctx.entries.spec.name, slug)
        number = version or await version_in_effect(conn, entry, as_of, known_at)
        if number is None:
            when = "yet" if as_of is None and known_at is None else "then"
            raise NotFound(f"asset {slug!r} has no published version in effect {when}; ask for a specific ?version=N")
        row = await entries.get_version(conn, entry, number)
    if not principal.sees_unreleased() and row.status not in RELEASED_STATUSES:
        raise NotFound(f"asset {slug!r} has no version {number} visible to this key")
    content = row.content
    expires_at = content.get("expires_at")
    if expires_at and dt.datetime.fromisoformat(expires_at) <= dt.datetime.now(dt.UTC):
        raise Gone(f"version {number} of asset {slug!r} expired at {expires_at}")
    sha256 = content.get("sha256")
    if not sha256:
        raise NotFound(f"version {number} of asset {slug!r} has no file yet")
    async with ctx.entries.pool.acquire() as conn:
        key = await asset_store.blob_key(conn, sha256)
    # Presigning is local arithmetic; asking the store first means an outage is a 503 here, not a dead link later.
    if key is None or await ctx.blobs.stat(key) is None:
        raise Unavailable(f"the file of version {number} of asset {slug!r} is missing from storage")
    redirect = await ctx.blobs.presigned_get(
        key, file_name=content["file_name"], content_type=content["content_type"], expires_in=ctx.presign_for
    )
    return Download(
        sha256=sha256,
        key=key,
        size=content["size"],
        file_name=content["file_name"],
        content_type=content["content_type"],
        redirect=redirect,
    )
