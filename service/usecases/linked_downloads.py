"""Asset downloads by API key or by a signed link (`service/search/links.py`), the link's version checked again.

A link was made for a released version that was in effect and unexpired when a search found it. By the time it is
followed that may have changed: it serves the file only while that version is still the entry's version in effect,
the entry is not retired and the file has not expired (410 once superseded, retired or expired; 404 for a version
that was never released or is not in effect yet). It serves exactly its version: `as_of` and `known_at` are refused.
"""

from __future__ import annotations

import datetime as dt

from service.domain.errors import FieldError, Gone, Invalid, NotFound
from service.domain.model import RELEASED_STATUSES, Principal, Role, VersionStatus
from service.search.links import DownloadGrant
from service.store import entries
from service.usecases import assets
from service.usecases.assets import AssetContext, Download

# Who a link acts as once it is verified: a reader (released versions only), like the worker and the CLI a principal
# without a stored identity. Downloads write no audit record, so it is never named anywhere.
LINK_READER = Principal(subject="download-link", name="signed download link", role=Role.reader, credential="link")


async def download(
    ctx: AssetContext,
    caller: Principal | DownloadGrant,
    slug: str,
    version: int | None,
    *,
    as_of: dt.datetime | None = None,
    known_at: dt.datetime | None = None,
) -> Download:
    """The file for a key's principal (`assets.download`), or for a verified link: its own version, still released."""
    if isinstance(caller, Principal):
        return await assets.download(ctx, caller, slug, version, as_of=as_of, known_at=known_at)
    if as_of is not None or known_at is not None:
        name = "as_of" if as_of is not None else "known_at"
        raise Invalid(
            "a download link serves its own version only", [FieldError(name, "not taken with a download link", "query")]
        )
    await _still_released(ctx, caller)
    return await assets.download(ctx, LINK_READER, caller.slug, caller.version)


async def _still_released(ctx: AssetContext, grant: DownloadGrant) -> None:
    async with ctx.entries.pool.acquire() as conn:
        entry = await entries.find_entry(conn, ctx.entries.spec.name, grant.slug)
        found = await entries.get_version(conn, entry, grant.version)
    number, slug = grant.version, grant.slug
    if found.status not in RELEASED_STATUSES:
        raise NotFound(f"asset {slug!r} has no version {number} a download link can serve")
    if entry.retired_at is not None:
        raise Gone(f"asset {slug!r} was retired at {entry.retired_at.isoformat()}; its links serve nothing")
    if found.status == VersionStatus.superseded:
        raise Gone(
            f"version {number} of asset {slug!r} is no longer the one in effect (version {entry.current_version} "
            "is); search again for a link to it"
        )
    if entry.current_version != number:
        raise NotFound(f"version {number} of asset {slug!r} is not in effect yet")
