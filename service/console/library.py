"""The library: messages and assets with facets, expiry badges, each asset's versions and the download of its file in
effect.

The list is the search index's listing of messages and assets (the search use case with no words, by title): it
counts the facets over the whole filtered result and carries what the badges need (expiry, stale citations, message
fields) in one query. An entry's page reads PostgreSQL, as the API's reads do. A file downloads through the
console's own route, with the session, by the use case behind `GET /v1/assets/{slug}/content`: no key and no signed
link ever reaches a URL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Final

import msgspec
from litestar import Response, get
from litestar.response import Redirect, Stream, Template

from service.api.deps import AllServices, Caller, SearchCaller, SlugPath
from service.api.entries import VersionQuery
from service.api.schemas import Asset, AssetVersion, Message, MessageVersion
from service.blobs.base import content_disposition
from service.console.render import HttpRequest, page
from service.console.search import (
    MESSAGE_TYPE_LABELS,
    FlagQuery,
    TextQuery,
    Values,
    download_href,
    entry_href,
    expiry_badge,
    filters_of,
    next_href,
    results_page,
    run,
    sees_unreleased,
)
from service.domain.errors import DomainError
from service.domain.kinds import ASSET, MESSAGE
from service.domain.model import Principal
from service.usecases import linked_downloads, reads
from service.wiring import Services

PAGE_SIZE: Final = 50
TIMELINE_SIZE: Final = 100
LIBRARY_KINDS: Final = ("message", "asset")

_MESSAGE = msgspec.json.Decoder(Message)
_ASSET = msgspec.json.Decoder(Asset)
_MESSAGE_VERSION = msgspec.json.Decoder(MessageVersion)
_ASSET_VERSION = msgspec.json.Decoder(AssetVersion)


@get("/library")
async def library(
    request: HttpRequest,
    services: AllServices,
    searcher: SearchCaller,
    kind: Values = None,
    tag: Values = None,
    team: Values = None,
    message_type: Values = None,
    locale: Values = None,
    audience: Values = None,
    segment: Values = None,
    cursor: TextQuery = None,
    include_drafts: FlagQuery = False,
) -> Template:
    """Messages and assets by title, narrowed by the facets ticked; an HTMX request gets the list and the facets."""
    filters = filters_of(
        kind=[name for name in kind or () if name in LIBRARY_KINDS],  # the library holds these two kinds only
        tag=tag,
        team=team,
        message_type=message_type,
        audience=audience,
        segment=segment,
        locale=locale,
        include_drafts=include_drafts,
        sees_unreleased=sees_unreleased(searcher),
    )
    kinds = filters.kind or list(LIBRARY_KINDS)
    found = await run(services, searcher, filters.params(q="", kinds=kinds, cursor=cursor, limit=PAGE_SIZE))
    return results_page(
        request,
        searcher,
        found,
        filters,
        whole="library.html",
        fragment="_library_results.html",
        fixed_kinds=LIBRARY_KINDS,
        form_id="library-filters",
        noun="item",
        first_page=cursor is None,
        next_href=next_href("/console/library", found, filters),
    )


# --- an entry's page ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Citation:
    """A version this one cites, with the cited entry's title when the person may read it, and whether it is stale
    (the version in effect now is another)."""

    kind: str
    slug: str
    title: str | None
    cited_version: int | None
    current_version: int | None
    stale: bool
    href: str


async def _citations(services: Services, principal: Principal, version: Any) -> list[Citation]:
    stale = {(item.kind, item.slug): item for item in version.stale_citations}
    found = []
    for reference in version.content.references:
        title = None
        context = services.entry_contexts.get(reference.kind)
        if context is not None:
            try:
                view = await reads.entry(context, principal, reference.slug, version=None, as_of=None)
                title = msgspec.json.decode(view.body, type=_Titled).title
            except DomainError:  # retired, or nothing in effect the person may see: the slug names it
                title = None
        outdated = stale.get((reference.kind, reference.slug))
        found.append(
            Citation(
                kind=reference.kind,
                slug=reference.slug,
                title=title,
                cited_version=reference.version,
                current_version=outdated.current_version if outdated else None,
                stale=outdated is not None,
                href=entry_href(reference.kind, reference.slug),
            )
        )
    # A stale citation the content no longer lists (it cannot, but the view is the authority) is still shown.
    listed = {(item.kind, item.slug) for item in found}
    found += [
        Citation(
            kind=item.kind,
            slug=item.slug,
            title=None,
            cited_version=item.cited_version,
            current_version=item.current_version,
            stale=True,
            href=entry_href(item.kind, item.slug),
        )
        for key, item in stale.items()
        if key not in listed
    ]
    return found


class _Titled(msgspec.Struct):
    title: str


@get("/library/messages/{slug:str}")
async def message_page(
    request: HttpRequest, services: AllServices, principal: Caller, slug: SlugPath, version: VersionQuery = None
) -> Template:
    """A message in words: the version in effect (or `version`), what it cites and whether those are still in
    effect, and its versions."""
    context = services.entry_contexts[MESSAGE.name]
    entry = _MESSAGE.decode((await reads.entry(context, principal, slug, version=version, as_of=None)).body)
    versions = await reads.version_page(context, principal, slug, cursor=None, limit=TIMELINE_SIZE)
    shown = entry.version
    return page(
        request,
        "message.html",
        entry=entry,
        kind=MESSAGE.plural,
        version=shown,
        message_type=MESSAGE_TYPE_LABELS.get(shown.content.message_type, shown.content.message_type),
        citations=await _citations(services, principal, shown),
        timeline=[_MESSAGE_VERSION.decode(item) for item in versions.items],
        more_versions=versions.next_cursor is not None,
        pinned=version is not None,
    )


@get("/library/assets/{slug:str}")
async def asset_page(
    request: HttpRequest, services: AllServices, principal: Caller, slug: SlugPath, version: VersionQuery = None
) -> Template:
    """An asset in words: its file in effect (or `version`'s) with a download, its expiry, what it cites, and the
    timeline of its versions, each file downloadable while it is served."""
    context = services.entry_contexts[ASSET.name]
    entry = _ASSET.decode((await reads.entry(context, principal, slug, version=version, as_of=None)).body)
    versions = await reads.version_page(context, principal, slug, cursor=None, limit=TIMELINE_SIZE)
    now = dt.datetime.now(dt.UTC)
    shown = entry.version
    timeline = [_ASSET_VERSION.decode(item) for item in versions.items]
    return page(
        request,
        "asset.html",
        entry=entry,
        kind=ASSET.plural,
        version=shown,
        expiry=expiry_badge(shown.content.expires_at, now),
        download=_file_href(entry.slug, shown, pinned=version is not None, now=now),
        citations=await _citations(services, principal, shown),
        timeline=[
            (item, _file_href(entry.slug, item, pinned=True, now=now), expiry_badge(item.content.expires_at, now))
            for item in timeline
        ],
        more_versions=versions.next_cursor is not None,
        pinned=version is not None,
        size=_size,
    )


def _file_href(slug: str, version: AssetVersion, *, pinned: bool, now: dt.datetime) -> str | None:
    """The console's download of a version's file, while it has one that has not expired: the version in effect
    by the plain route (it follows the entry), any other by its number. The use case decides the rest."""
    content = version.content
    if not content.sha256 or (content.expires_at is not None and content.expires_at <= now):
        return None
    return download_href(slug, version.number if pinned or not version.in_effect else None)


def _size(size: int | None) -> str:
    """A file's size for people: 812 bytes, 1.2 MB."""
    if size is None:
        return "size unknown"
    if size < 1000:
        return f"{size} byte{'' if size == 1 else 's'}"
    amount, unit = float(size) / 1000, "kB"
    for bigger in ("MB", "GB", "TB"):
        if amount < 1000:
            break
        amount, unit = amount / 1000, bigger
    return f"{amount:.1f} {unit}"


@get("/library/assets/{slug:str}/download")
async def download(
    services: AllServices, principal: Caller, slug: SlugPath, version: VersionQuery = None
) -> Response[Any]:
    """The file of the version in effect (or `version`), for the signed-in person: the API's download use case, so
    the same versions are served and refused (404, 410 once expired or retired). A file in object storage is a
    redirect to a presigned URL valid for minutes, as in the API; a local one is streamed as its type, as an
    attachment (never shown inline under the console's origin)."""
    context = services.assets
    found = await linked_downloads.download(context, principal, slug, version)
    if found.redirect is not None:
        return Redirect(found.redirect, status_code=307)
    return Stream(
        context.blobs.read(found.key, 0, found.size),
        media_type=found.content_type,
        headers={
            "Content-Disposition": content_disposition(found.file_name),
            "Content-Length": str(found.size),
            "ETag": f'"{found.sha256}"',
        },
    )


ROUTES = [library, message_page, asset_page, download]
