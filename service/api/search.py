"""`/v1/search` and `/v1/search/tokens`: search for the enablement portal, with browser-safe search tokens."""

from __future__ import annotations

from typing import Annotated, TypeAlias

from litestar import get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotAuthorizedException
from litestar.params import JSONBody, QueryParameter

from service.api.deps import Caller, HttpRequest, provide_principal
from service.api.entries import READS, WRITES, Cursor
from service.api.problems import problem_responses
from service.search import tokens
from service.search.base import MAX_LIMIT
from service.usecases import search as usecase
from service.usecases.search import IssuedSearchToken, Searcher, SearchPage, SearchParams, SearchTokenCreate
from service.wiring import Services

Query = Annotated[
    str,
    QueryParameter(
        max_length=500,
        description='Words (all required), "quoted phrases", `OR`, `-excluded`; the last word may be a prefix. '
        "Empty: list everything the filters allow, by title.",
    ),
]
Filter = Annotated[list[str] | None, QueryParameter(description="Repeat for any of several values.")]
KindFilter = Annotated[
    list[str] | None, QueryParameter(description="definition, message or asset; repeat for several.")
]
SearchLimit = Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT, description=f"Page size (1 to {MAX_LIMIT}).")]
Facets = Annotated[
    str | None, QueryParameter(max_length=100, description="Comma-separated facets to count: kind, tags, teams.")
]
IncludeDrafts = Annotated[bool, QueryParameter(description="Editors: also versions in progress, and expired assets.")]
SEARCH_PROBLEMS = problem_responses((400, 401, 403, 422, 503))


def _services(request: HttpRequest) -> Services:
    services: Services = request.app.state.services
    return services


async def provide_searcher(request: HttpRequest) -> Searcher:
    """An API key, or a search token minted by `POST /v1/search/tokens` (401 when expired or tampered with)."""
    scheme, _, credential = (request.headers.get("authorization") or "").partition(" ")
    credential = credential.strip()
    if scheme.lower() == "bearer" and tokens.is_token(credential):
        try:
            return Searcher(grant=tokens.verify(_services(request).search_token_key, credential))
        except tokens.InvalidToken as exc:
            raise NotAuthorizedException(str(exc)) from None
    return Searcher(principal=await provide_principal(request))


SearchCaller: TypeAlias = NamedDependency[Searcher]


@get(
    "/v1/search",
    operation_id="search",
    tags=["Search"],
    summary="Search published definitions, messages and assets",
    responses=SEARCH_PROBLEMS,
    dependencies={"searcher": Provide(provide_searcher)},
)
async def search(
    request: HttpRequest,
    searcher: SearchCaller,
    q: Query = "",
    kind: KindFilter = None,
    tag: Filter = None,
    team: Filter = None,
    facets: Facets = None,
    limit: SearchLimit = 20,
    cursor: Cursor = None,
    include_drafts: IncludeDrafts = False,
) -> SearchPage:
    """Hits best first (titles and aliases before other text), with `<mark>`ed snippets and facet counts.
    Accepts an API key or a search token."""
    params = SearchParams(
        q=q,
        kinds=kind or [],
        tags=tag or [],
        teams=team or [],
        facets=facets,
        limit=limit,
        cursor=cursor,
        include_drafts=include_drafts,
    )
    return await usecase.search(_services(request).search, searcher, params)


@post(
    "/v1/search/tokens",
    operation_id="create_search_token",
    tags=["Search"],
    summary="Mint a short-lived, search-only token for a browser",
    responses={**WRITES, **READS},
)
async def create_search_token(
    request: HttpRequest, principal: Caller, data: JSONBody[SearchTokenCreate]
) -> IssuedSearchToken:
    """The token searches published content only, optionally only within tags or teams, until it expires."""
    return usecase.mint_token(_services(request).search_token_key, principal, data)
