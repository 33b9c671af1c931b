"""The glossary: every definition the person may see, filtered by tag and team, and searched as they type (Canon's
search, typo-tolerant, plus the listing's slug and title prefix, so a definition not yet indexed is found too). A
definition's own page, its diff and its "try it" form are in glossary_definition.py."""

from __future__ import annotations

import html
import re
from typing import Annotated, Final
from urllib.parse import urlencode

import msgspec
from litestar import get
from litestar.params import QueryParameter
from litestar.response import Template
from markupsafe import Markup, escape

from service.api.deps import AllServices, Caller
from service.api.schemas import DefinitionSummary
from service.console import glossary_definition
from service.console.render import CursorQuery, HttpRequest, TagQuery, is_partial, page_or_fragment
from service.domain.errors import Unavailable
from service.domain.kinds import DEFINITION
from service.domain.model import Principal
from service.search.base import SearchHit
from service.usecases import reads
from service.usecases import search as searching
from service.usecases.entries import EntryContext
from service.wiring import Services

_PAGE_SIZE: Final = 200
_SEARCH_SIZE: Final = 50  # hits of the search index
_PREFIX_SIZE: Final = 20  # definitions whose slug or title starts with the text, beside the hits
_MARK: Final = re.compile(r"(</?mark>)")

TeamQuery = Annotated[str | None, QueryParameter(max_length=64)]
SearchQuery = Annotated[str | None, QueryParameter(max_length=200)]

_SUMMARIES = msgspec.json.Decoder(DefinitionSummary)


class Match(msgspec.Struct, frozen=True):
    """A definition found by what the person typed: its snippet (matched words marked) when search found it."""

    slug: str
    title: str
    tags: list[str]
    status: str  # published (in effect), retired, or the status of the version in progress that matched
    snippet: Markup | None = None


@get("/glossary")
async def glossary(
    request: HttpRequest,
    services: AllServices,
    principal: Caller,
    tag: TagQuery = None,
    team: TeamQuery = None,
    q: SearchQuery = None,
    cursor: CursorQuery = None,
) -> Template:
    """Every definition the person may see (title, slug, tags, status, the version in effect), by tag and team; with
    `q`, the definitions that text finds, best first."""
    chosen_tag, chosen_team, text = _given(tag), _given(team), _given(q)
    context = services.entry_contexts[DEFINITION.name]
    items: list[DefinitionSummary] = []
    matches: list[Match] = []
    notice = None
    next_cursor = None
    if text:
        matches, notice = await _matches(services, principal, text, chosen_tag, chosen_team)
    else:
        found = await reads.entry_page(
            context,
            principal,
            status=None,
            tag=chosen_tag,
            team=chosen_team,
            prefix=None,
            cursor=cursor,
            limit=_PAGE_SIZE,
        )
        items = [_SUMMARIES.decode(item) for item in found.items]
        next_cursor = found.next_cursor
    partial = is_partial(request)
    tags: list[str] = []
    teams: list[str] = []
    if not partial:  # HTMX swaps the list only: the filters' choices stay as the page loaded them
        tags, teams = await _choices(context, principal, items, filtered=bool(chosen_tag or chosen_team or text))
        tags = sorted(set(tags) | ({chosen_tag} if chosen_tag else set()))
        teams = sorted(set(teams) | ({chosen_team} if chosen_team else set()))
    result = page_or_fragment(
        request,
        "glossary.html",
        "_definitions.html",
        items=items,
        matches=matches,
        tags=tags,
        teams=teams,
        tag=chosen_tag,
        team=chosen_team,
        q=text,
        notice=notice,
        next_cursor=next_cursor,
    )
    if partial:  # the address bar shows what was asked, without the empty fields of the form
        asked = {"q": text, "tag": chosen_tag, "team": chosen_team}
        query = urlencode({name: value for name, value in asked.items() if value})
        result.headers["HX-Push-Url"] = f"/console/glossary?{query}" if query else "/console/glossary"
    return result


def _given(value: str | None) -> str | None:
    return (value or "").strip() or None


async def _choices(
    context: EntryContext, principal: Principal, items: list[DefinitionSummary], *, filtered: bool
) -> tuple[list[str], list[str]]:
    """The tags and teams to filter by: those of the definitions listed (of all of them when a filter narrowed the
    list), and the person's own teams."""
    if filtered:
        found = await reads.entry_page(
            context, principal, status=None, tag=None, team=None, prefix=None, cursor=None, limit=_PAGE_SIZE
        )
        items = [_SUMMARIES.decode(item) for item in found.items]
    tags = {name for item in items for name in item.tags}
    teams = {name for item in items for name in (*item.owners, *item.required_teams)} | set(principal.teams)
    return sorted(tags), sorted(teams)


async def _matches(
    services: Services, principal: Principal, text: str, tag: str | None, team: str | None
) -> tuple[list[Match], str | None]:
    """What `text` finds: the search index's hits (typo-tolerant, best first), then the definitions whose slug or
    title starts with it that search did not return (not yet indexed, say). Each definition once."""
    notice = None
    hits: list[SearchHit] = []
    params = searching.SearchParams(
        q=text,
        kinds=[DEFINITION.name],
        tags=[tag] if tag else [],
        teams=[team] if team else [],
        include_drafts=principal.sees_unreleased(),
        limit=_SEARCH_SIZE,
    )
    try:
        found = await searching.search(
            services.search,
            searching.Searcher(principal=principal),
            params,
            link_key=services.search_token_keys.signing,
        )
        hits = found.hits
    except Unavailable:
        notice = "Search is unavailable right now: these are the definitions whose slug or title starts with your text."
    prefixed = await reads.entry_page(
        services.entry_contexts[DEFINITION.name],
        principal,
        status=None,
        tag=tag,
        team=team,
        prefix=text,
        cursor=None,
        limit=_PREFIX_SIZE,
    )
    matches: dict[str, Match] = {}
    for hit in hits:
        matches.setdefault(hit.slug, Match(hit.slug, hit.title, hit.tags, hit.status, marked(hit.snippet)))
    for body in prefixed.items:
        item = _SUMMARIES.decode(body)
        status = "retired" if item.retired else "published" if item.current_version else "draft"
        matches.setdefault(item.slug, Match(item.slug, item.title, item.tags, status))
    return list(matches.values()), notice


def marked(snippet: str) -> Markup | None:
    """A search snippet as HTML: its text escaped again here (whatever the backend did), only `<mark>` kept."""
    if not snippet:
        return None
    parts: list[str] = []
    open_mark = False
    for part in _MARK.split(snippet):
        if part == "<mark>":
            if not open_mark:
                parts.append(part)
            open_mark = True
        elif part == "</mark>":
            if open_mark:
                parts.append(part)
            open_mark = False
        else:
            parts.append(str(escape(html.unescape(part))))
    if open_mark:
        parts.append("</mark>")
    return Markup("".join(parts))  # noqa: S704  # every piece of text was escaped above


ROUTES = [glossary, *glossary_definition.ROUTES]
