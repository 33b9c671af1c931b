"""`/v1/search` and `/v1/search/tokens`: search for the enablement portal, with browser-safe search tokens."""

from __future__ import annotations

from typing import Annotated

from litestar import get, post
from litestar.params import JSONBody, QueryParameter

from service.api.deps import ACCEPTS_SEARCH_TOKENS, AllServices, Caller, SearchCaller
from service.api.entries import READS, WRITES, Cursor, EntryKindName, MessageTypeName
from service.api.problems import problem_responses
from service.search.base import FACETS, MAX_LIMIT
from service.usecases import search as usecase
from service.usecases.search import (
    MAX_FILTER_VALUES,
    MAX_VALUE_LENGTH,
    IssuedSearchToken,
    SearchPage,
    SearchParams,
    SearchTokenCreate,
)

Query = Annotated[
    str,
    QueryParameter(
        max_length=500,
        description='Words (all required), "quoted phrases", `OR`, `-excluded`; the last word may be a prefix. '
        "Empty: list everything the filters allow, by title.",
    ),
]


def _text_values(description: str) -> QueryParameter:
    """A repeatable text filter, bounded as the use case checks it."""
    return QueryParameter(
        description=description,
        max_items=MAX_FILTER_VALUES,
        schema_extra={"items": {"type": "string", "maxLength": MAX_VALUE_LENGTH}},
    )


Filter = Annotated[list[str] | None, _text_values("Repeat for any of several values.")]
KindFilter = Annotated[
    list[EntryKindName] | None,
    QueryParameter(description="definition, message or asset; repeat for several.", max_items=MAX_FILTER_VALUES),
]
MessageTypeFilter = Annotated[
    list[MessageTypeName] | None,
    QueryParameter(description="Messages of this type; repeat for several.", max_items=MAX_FILTER_VALUES),
]
LocaleFilter = Annotated[
    list[str] | None,
    _text_values("Messages in this locale, exactly as written (en-US); repeat for several."),
]
MessageFilter = Annotated[
    list[str] | None, _text_values("Messages with exactly this value; repeat for any of several.")
]
SearchLimit = Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT, description=f"Page size (1 to {MAX_LIMIT}).")]
_FACET = "(?:" + "|".join(FACETS) + ")"
_FACET_LIST = rf"^\s*{_FACET}\s*(?:,\s*{_FACET}\s*)*$"
Facets = Annotated[
    str | None,
    QueryParameter(
        max_length=200,
        schema_extra={"pattern": _FACET_LIST},  # documented; the use case names an unknown facet itself
        description="Comma-separated facets to count: kind, tags, teams, message_type, locale, audience, segment.",
    ),
]
IncludeDrafts = Annotated[bool, QueryParameter(description="Editors: also versions in progress, and expired assets.")]
SEARCH_PROBLEMS = problem_responses((400, 401, 403, 422, 429, 503))


@get(
    "/v1/search",
    operation_id="search",
    tags=["Search"],
    summary="Search published definitions, messages and assets",
    responses=SEARCH_PROBLEMS,
    opt={ACCEPTS_SEARCH_TOKENS: True},
)
async def search(
    searcher: SearchCaller,
    services: AllServices,
    q: Query = "",
    kind: KindFilter = None,
    tag: Filter = None,
    team: Filter = None,
    message_type: MessageTypeFilter = None,
    locale: LocaleFilter = None,
    audience: MessageFilter = None,
    segment: MessageFilter = None,
    facets: Facets = None,
    limit: SearchLimit = 20,
    cursor: Cursor = None,
    include_drafts: IncludeDrafts = False,
) -> SearchPage:
    """Hits best first (titles and aliases before other text), with `<mark>`ed snippets and facet counts.
    Accepts an API key or a search token. An asset hit of a released, unexpired version has a signed
    `content_url`: a download link that needs no credential, valid 15 minutes (no longer than the token)."""
    params = SearchParams(
        q=q,
        kinds=[str(k) for k in kind or []],
        tags=tag or [],
        teams=team or [],
        message_types=[str(name) for name in message_type or []],
        locales=locale or [],
        audiences=audience or [],
        segments=segment or [],
        facets=facets,
        limit=limit,
        cursor=cursor,
        include_drafts=include_drafts,
    )
    return await usecase.search(services.search, searcher, params, link_key=services.search_token_keys.signing)


@post(
    "/v1/search/tokens",
    operation_id="create_search_token",
    tags=["Search"],
    summary="Mint a short-lived, search-only token for a browser",
    responses={**WRITES, **READS},
)
async def create_search_token(
    principal: Caller, services: AllServices, data: JSONBody[SearchTokenCreate]
) -> IssuedSearchToken:
    """The token searches published content only, optionally only within tags or teams, until it expires."""
    return usecase.mint_token(services.search_token_keys.signing, principal, data)
