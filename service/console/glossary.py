"""The glossary: every definition (filtered by tag), and a definition's page in plain language."""

from __future__ import annotations

from typing import Final

import msgspec
from litestar import get
from litestar.response import Template

from service.api.deps import AllServices, Caller, SlugPath
from service.api.schemas import Definition as DefinitionOut
from service.api.schemas import DefinitionSummary, DefinitionVersion
from service.console.render import CursorQuery, HttpRequest, TagQuery, is_partial, page
from service.console.rules import readable
from service.domain.kinds import DEFINITION
from service.usecases import reads

_PAGE_SIZE: Final = 200
_TIMELINE_SIZE: Final = 100

_SUMMARIES = msgspec.json.Decoder(DefinitionSummary)
_ENTRY = msgspec.json.Decoder(DefinitionOut)
_VERSION = msgspec.json.Decoder(DefinitionVersion)


@get("/glossary")
async def glossary(
    request: HttpRequest, services: AllServices, principal: Caller, tag: TagQuery = None, cursor: CursorQuery = None
) -> Template:
    """Every definition the person may see (title, slug, tags, status, the version in effect), by tag."""
    chosen = (tag or "").strip() or None
    found = await reads.entry_page(
        services.entry_contexts[DEFINITION.name],
        principal,
        status=None,
        tag=chosen,
        team=None,
        prefix=None,
        cursor=cursor,
        limit=_PAGE_SIZE,
    )
    items = [_SUMMARIES.decode(item) for item in found.items]
    tags = sorted({name for item in items for name in item.tags} | ({chosen} if chosen else set()))
    result = page(
        request,
        "_definitions.html" if is_partial(request) else "glossary.html",
        items=items,
        tags=tags,
        tag=chosen,
        next_cursor=found.next_cursor,
    )
    result.headers["Vary"] = "HX-Request"
    return result


@get("/glossary/{slug:str}")
async def definition(request: HttpRequest, services: AllServices, principal: Caller, slug: SlugPath) -> Template:
    """A definition in plain language: the version in effect (its criteria as rules), what is scheduled next, and
    the timeline of its versions."""
    context = services.entry_contexts[DEFINITION.name]
    entry = _ENTRY.decode((await reads.entry(context, principal, slug, version=None, as_of=None)).body)
    versions = await reads.version_page(context, principal, slug, cursor=None, limit=_TIMELINE_SIZE)
    timeline = [_VERSION.decode(item) for item in versions.items]
    criteria = entry.version.content.criteria
    return page(
        request,
        "definition.html",
        entry=entry,
        version=entry.version,
        rules=None if criteria is None else readable(msgspec.to_builtins(criteria)),
        timeline=timeline,
        more_versions=versions.next_cursor is not None,
    )


ROUTES = [glossary, definition]
