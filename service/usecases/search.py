"""Search requests and search tokens: who may see what, and the parameters a `SearchIndex` is asked with.

Asset hits of a released version in effect that has not expired carry a signed download link as their
`content_url` (`service/search/links.py`), whoever searched: a search token's holder, which cannot use the API
otherwise, and a key's holder alike (a portal's backend may search with its key and hand hits to browsers). A link
opens nothing the searcher could not fetch already, for 15 minutes at most. Hits of versions in progress keep the
plain URL, which needs an editor's key.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, get_args

import msgspec

from service.domain import lifecycle
from service.domain.cursors import decode_int_cursor, encode_cursor
from service.domain.errors import FieldError, Forbidden, Invalid, Unavailable
from service.domain.kinds import ASSET, KINDS, MessageType
from service.domain.model import Principal, Role, Tags, Teams, VersionStatus
from service.search import links, tokens
from service.search.base import FACETS, MAX_WINDOW, Facet, SearchError, SearchHit, SearchIndex, SearchQuery
from service.search.tokens import SearchGrant

MAX_FILTER_VALUES = 20
MAX_VALUE_LENGTH = 100
MESSAGE_TYPES: tuple[str, ...] = get_args(MessageType)


class Searcher(msgspec.Struct, frozen=True):
    """Who is searching: an API key's principal, or the holder of a search token (its grant)."""

    principal: Principal | None = None
    grant: SearchGrant | None = None


class SearchPage(msgspec.Struct, frozen=True):
    """A page of hits, best first. `facets` counts the whole filtered result, per facet asked for."""

    hits: list[SearchHit]
    total: int
    facets: dict[str, dict[str, int]]
    next_cursor: str | None


class SearchParams(msgspec.Struct, frozen=True, kw_only=True):
    q: str = ""
    kinds: list[str] = msgspec.field(default_factory=list)
    tags: list[str] = msgspec.field(default_factory=list)
    teams: list[str] = msgspec.field(default_factory=list)
    message_types: list[str] = msgspec.field(default_factory=list)
    locales: list[str] = msgspec.field(default_factory=list)
    audiences: list[str] = msgspec.field(default_factory=list)
    segments: list[str] = msgspec.field(default_factory=list)
    facets: str | None = None
    limit: int = 20
    cursor: str | None = None
    include_drafts: bool = False


def _values(name: str, values: list[str]) -> list[FieldError]:
    errors = [
        FieldError(name, f"at most {MAX_VALUE_LENGTH} characters", "query")
        for value in values
        if len(value) > MAX_VALUE_LENGTH
    ]
    if len(values) > MAX_FILTER_VALUES:
        errors.append(FieldError(name, f"at most {MAX_FILTER_VALUES} values", "query"))
    return errors


def _facets(raw: str | None) -> tuple[list[Facet], list[FieldError]]:
    if raw is None or not raw.strip():
        return [], []
    names = [name.strip() for name in raw.split(",") if name.strip()]
    wanted = [name for name in FACETS if name in names]
    unknown = sorted(set(names) - set(FACETS))
    choices = ", ".join(FACETS)
    return wanted, [FieldError("facets", f"unknown facet {name!r}; choose from {choices}", "query") for name in unknown]


def build_query(searcher: Searcher, params: SearchParams) -> SearchQuery:
    """Validate the request (422 naming each bad parameter) and apply the caller's visibility (403)."""
    errors = [
        FieldError("kind", f"unknown kind {kind!r}; choose from {', '.join(KINDS)}", "query")
        for kind in params.kinds
        if kind not in KINDS
    ]
    errors += [
        FieldError("message_type", f"unknown message type {name!r}; choose from {', '.join(MESSAGE_TYPES)}", "query")
        for name in params.message_types
        if name not in MESSAGE_TYPES
    ]
    errors += _values("tag", params.tags) + _values("team", params.teams)
    errors += _values("locale", params.locales) + _values("audience", params.audiences)
    errors += _values("segment", params.segments) + _values("message_type", params.message_types)
    facets, facet_errors = _facets(params.facets)
    errors += facet_errors
    offset = 0
    if params.cursor:
        offset = decode_int_cursor(params.cursor, 1, maximum=MAX_WINDOW - 1)[0]
    if errors:
        raise Invalid("the search parameters are not valid", errors)
    if params.include_drafts and (searcher.principal is None or not searcher.principal.sees_unreleased()):
        raise Forbidden("include_drafts needs an API key with the editor role")
    grant = searcher.grant
    return SearchQuery(
        q=params.q.strip(),
        kinds=list(dict.fromkeys(params.kinds)),
        tags=list(dict.fromkeys(params.tags)),
        teams=list(dict.fromkeys(params.teams)),
        message_types=list(dict.fromkeys(params.message_types)),
        locales=list(dict.fromkeys(params.locales)),
        audiences=list(dict.fromkeys(params.audiences)),
        segments=list(dict.fromkeys(params.segments)),
        include_drafts=params.include_drafts,
        limit=min(params.limit, MAX_WINDOW - offset),
        offset=offset,
        facets=facets,
        restrict_tags=list(grant.tags) if grant else [],
        restrict_teams=list(grant.teams) if grant else [],
    )


async def search(
    index: SearchIndex, searcher: Searcher, params: SearchParams, *, link_key: bytes, now: dt.datetime | None = None
) -> SearchPage:
    """A page of hits; released asset files come as signed download links made with `link_key` at `now`."""
    query = build_query(searcher, params)
    try:
        result = await index.search(query)
    except SearchError as exc:
        raise Unavailable(f"search is unavailable right now ({exc}); retry shortly") from exc
    following = result.next_offset
    next_cursor = encode_cursor(following) if following is not None and following < MAX_WINDOW else None
    hits = _with_download_links(result.hits, searcher, link_key, now or dt.datetime.now(dt.UTC))
    return SearchPage(hits=hits, total=result.total, facets=result.facets, next_cursor=next_cursor)


def _with_download_links(hits: list[SearchHit], searcher: Searcher, key: bytes, now: dt.datetime) -> list[SearchHit]:
    """The hits, each released and unexpired asset file's URL replaced by a signed link (no longer than a token)."""
    expires = links.expiry(now, searcher.grant.expires_at if searcher.grant else None)
    return [
        msgspec.structs.replace(hit, content_url=links.signed_url(key, hit.content_url, hit.slug, hit.version, expires))
        if hit.content_url is not None and _downloadable(hit, now)
        else hit
        for hit in hits
    ]


def _downloadable(hit: SearchHit, now: dt.datetime) -> bool:
    """A hit of the version in effect (the published layer) whose file has not expired."""
    released = hit.kind == ASSET.name and hit.status == VersionStatus.published
    return released and (hit.expires_at is None or hit.expires_at > now)


# --- tokens ---------------------------------------------------------------------------------------------------------

TokenSeconds = Annotated[
    int,
    msgspec.Meta(
        ge=60,
        le=int(tokens.MAX_TTL.total_seconds()),
        description="How long the token is valid (60 s to 1 h; default 15 min).",
    ),
]


class SearchTokenCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Mint a search-only token; `tags` / `teams` restrict what its holder can find (any of the values)."""

    tags: Tags = msgspec.field(default_factory=list)
    teams: Teams = msgspec.field(default_factory=list)
    ttl_seconds: TokenSeconds = int(tokens.DEFAULT_TTL.total_seconds())


class IssuedSearchToken(msgspec.Struct, frozen=True):
    token: str
    expires_at: dt.datetime
    tags: list[str]
    teams: list[str]


def mint_token(
    secret: bytes, principal: Principal, data: SearchTokenCreate, now: dt.datetime | None = None
) -> IssuedSearchToken:
    """Any key may mint: a token can only search published content, which every key can already do, and its
    restrictions only narrow that. It never reaches drafts, whatever the minting key's role."""
    lifecycle.require_role(principal, Role.reader)
    moment = now or dt.datetime.now(dt.UTC)
    expires = int((moment + dt.timedelta(seconds=data.ttl_seconds)).timestamp())
    grant = SearchGrant(exp=expires, tags=sorted(set(data.tags)), teams=sorted(set(data.teams)))
    return IssuedSearchToken(
        token=tokens.mint(secret, grant), expires_at=grant.expires_at, tags=grant.tags, teams=grant.teams
    )
