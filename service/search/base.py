"""The `SearchIndex` protocol: what the HTTP API, the worker's index sync and `canon reindex` need from a backend.

Two backends implement it: `postgres.py` (the default; documents live in a table of the main database) and
`meilisearch.py` (when `CANON_MEILISEARCH_URL` is set). Both are exercised by the same behavioural test suite,
`tests/integration/test_search_behaviour.py`, so this module is the contract between them.

Documents. An entry has at most two documents, one per *layer*:
- `status="published"`: its current published version, while the entry is not retired. Readers search only these,
  and only while unexpired (`expires_at` is in the future or absent): expiry is checked at query time, so an asset
  leaves search the moment it expires even before the worker has processed its `expired` event.
- `status="draft"`: its open version (draft, in review or approved), for editors (`include_drafts=True`).
An editor searching with drafts therefore sees both the published version and the one in progress as separate
hits, each with its version number and status.

Query semantics (both backends):
- `q` accepts words, `"quoted phrases"`, `OR` between words and `-word` exclusion; the last word is also matched
  as a prefix (search as you type); misspelled words are corrected to known vocabulary; accents are ignored; a
  definition's title and aliases are synonyms of each other everywhere (`set_synonyms`).
- An empty or blank `q` is a filtered listing ordered by title.
- Filters: a document matches when its kind is one of `kinds`, it has one of `tags`, one of its `teams` is in
  `teams`, and (messages) its `message_type`, `locale`, `audience` and `segment` are each one of those asked for
  (any of the values within a filter; all filters together; values compared exactly). Empty filter lists do not
  filter; a message filter leaves out every document without that field (definitions and assets).
  `restrict_tags` / `restrict_teams` work the same way and come from a search token, never from the caller.
- Ranking: matches in titles and aliases first, then summaries, then bodies, then asset text.
- Pagination is by `offset` (the API wraps it in an opaque cursor); `offset + limit` never exceeds `MAX_WINDOW`.

Where documents come from: `service/search/sync.py` renders them from PostgreSQL (`render_entries`) and its
`SearchSync` consumer of the event log keeps the index current; `canon reindex` rebuilds from the same renderer.
Asset file text is read from `asset_texts` (one row per blob SHA-256 and the content type it was read as, migrations
0006 and 0014: a version gets the text of its file read as its own type); the extraction task calls
`sync.refresh_blob` in the transaction that records a text, so the versions naming that file are re-indexed with it.
Backends are built in `service/wiring.py` (`build_search_index`); Meilisearch's class is expected as
`service.search.meilisearch.MeilisearchIndex(url, api_key, *, index="canon")` (the test suite passes a fresh
`index` name per test).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

import msgspec

from service.domain.events import StaleCitation

if TYPE_CHECKING:
    from service.store.database import Connection

Layer = Literal["published", "draft"]
Facet = Literal["kind", "tags", "teams", "message_type", "locale", "audience", "segment"]
FACETS: tuple[Facet, ...] = ("kind", "tags", "teams", "message_type", "locale", "audience", "segment")
# The facets that count a message field: documents without it (definitions, assets) are not counted.
MESSAGE_FACETS: tuple[Facet, ...] = ("message_type", "locale", "audience", "segment")
MAX_LIMIT = 100
MAX_WINDOW = 1000  # deepest result reachable by paging (Meilisearch's default `maxTotalHits`)
MARK_OPEN = "<mark>"
MARK_CLOSE = "</mark>"


class SearchDocument(msgspec.Struct, frozen=True, kw_only=True):
    """One searchable version of an entry, rendered from PostgreSQL by the index sync."""

    kind: str  # definition | message | asset
    slug: str
    status: Layer = "published"
    version: int
    version_status: str = "published"  # the version's own status: draft, in_review, approved or published
    title: str
    tags: list[str] = msgspec.field(default_factory=list)
    teams: list[str] = msgspec.field(default_factory=list)  # owning teams
    aliases: list[str] = msgspec.field(default_factory=list)  # definitions only
    summary: str = ""  # definition summary, message audience/segment/channel, asset description
    body: str = ""  # definition and message Markdown body; asset file name
    extracted_text: str = ""  # the text inside an asset's file
    expires_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    api_url: str = ""  # the entry's API URL (drafts: pinned with ?version=N)
    content_url: str | None = None  # assets: where the file is fetched
    # Messages only (None for other kinds): what the listed version's content says, filtered and counted exactly.
    message_type: str | None = None
    locale: str | None = None
    audience: str | None = None
    segment: str | None = None
    # Messages and assets: the version's citations of versions no longer in effect, as of the sync that rendered it
    # (the sync renders citing entries again whenever a version they cite falls behind).
    stale_citations: list[StaleCitation] = msgspec.field(default_factory=list)

    @property
    def doc_id(self) -> str:
        """Unique per entry and layer, and a valid Meilisearch id (slugs are `[a-z0-9-]`, so `__` cannot clash)."""
        return f"{self.kind}__{self.slug}__{self.status}"


class SearchQuery(msgspec.Struct, frozen=True, kw_only=True):
    """A parsed, validated search request. `limit` is 1..MAX_LIMIT; `offset + limit` at most MAX_WINDOW."""

    q: str = ""
    kinds: list[str] = msgspec.field(default_factory=list)
    tags: list[str] = msgspec.field(default_factory=list)
    teams: list[str] = msgspec.field(default_factory=list)
    message_types: list[str] = msgspec.field(default_factory=list)
    locales: list[str] = msgspec.field(default_factory=list)
    audiences: list[str] = msgspec.field(default_factory=list)
    segments: list[str] = msgspec.field(default_factory=list)
    include_drafts: bool = False
    limit: int = 20
    offset: int = 0
    facets: list[Facet] = msgspec.field(default_factory=list)
    # Set from a search token: the caller may only ever see documents with one of these tags / teams.
    restrict_tags: list[str] = msgspec.field(default_factory=list)
    restrict_teams: list[str] = msgspec.field(default_factory=list)


class SearchHit(msgspec.Struct, frozen=True, kw_only=True):
    kind: str
    slug: str
    title: str
    version: int
    status: str  # the version's status: published, or draft/in_review/approved with include_drafts
    snippet: str  # plain text (HTML-escaped) with matched words wrapped in <mark>…</mark>
    score: float
    api_url: str
    content_url: str | None = None
    tags: list[str] = msgspec.field(default_factory=list)
    teams: list[str] = msgspec.field(default_factory=list)
    expires_at: dt.datetime | None = None
    message_type: str | None = None  # messages only
    locale: str | None = None
    audience: str | None = None
    segment: str | None = None
    stale_citations: list[StaleCitation] = msgspec.field(default_factory=list)  # versions cited no longer in effect


class SearchResult(msgspec.Struct, frozen=True, kw_only=True):
    hits: list[SearchHit]
    total: int  # matching documents (an estimate for some backends)
    facets: dict[str, dict[str, int]] = msgspec.field(default_factory=dict)
    next_offset: int | None = None  # None on the last page


class SearchError(Exception):
    """A backend failed (unreachable, a task failed, a malformed response)."""


@runtime_checkable
class SearchIndex(Protocol):
    """A search backend. Writes are idempotent: replaying an upsert or delete leaves the same index."""

    name: str  # "postgres" | "meilisearch": shown in readiness checks and metrics

    async def upsert(self, docs: Sequence[SearchDocument], *, conn: Connection | None = None) -> None:
        """Insert or replace documents (by `doc_id`).

        `conn` is the caller's open transaction: a backend living in PostgreSQL writes through it, so the index
        changes atomically with the sync's feed position. Other backends ignore it.
        """
        ...

    async def delete(
        self, kind: str, slug: str, *, layers: Sequence[Layer] | None = None, conn: Connection | None = None
    ) -> None:
        """Remove the entry's documents (only the given layers when `layers` is set). Deleting nothing is fine."""
        ...

    async def search(self, query: SearchQuery, *, now: dt.datetime | None = None) -> SearchResult:
        """Run a query. `now` (default: the current time) decides expiry; tests pass it to travel in time."""
        ...

    async def set_synonyms(
        self, groups: list[list[str]], *, conn: Connection | None = None, previous: list[list[str]] | None = None
    ) -> None:
        """Replace all synonym groups: each group's terms (single words or phrases) are equivalent in queries.
        `previous`, the groups as last set, lets a backend write only the difference."""
        ...

    async def check(self) -> None:
        """Raise `SearchError` (or any exception) unless the backend can serve queries."""
        ...

    async def reindex(self, docs: AsyncIterator[SearchDocument], synonyms: list[list[str]]) -> int:
        """Build a fresh index from `docs` and `synonyms`, then swap it in atomically; return the document count.

        Searches keep being served from the old index until the swap.
        """
        ...

    async def close(self) -> None:
        """Release clients and connections."""
        ...
