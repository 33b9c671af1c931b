"""The default search backend: documents in a PostgreSQL table, found with full-text search.

A query is planned in Python (`query.py`) with what the vocabulary says about its words (spelling corrections,
completions of the word being typed) and the glossary synonyms, then one statement matches the weighted `tsvector`
through its GIN index, ranks, counts facets over the whole filtered result and highlights only the page returned.

Each process caches answers, word lookups and the synonyms, keyed by `search_generation`, which triggers bump on
every change to the documents or synonyms: one tiny read proves the cache current, made at most every
`recheck_seconds` (0: before every search). An answer is also dropped when the earliest expiry among its matches
passes. Writes take the caller's transaction, so the worker's
index sync is atomic with its feed position. See docs/decisions.md ("Search") for the reasoning.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import asyncpg
import msgspec

from service.domain.events import StaleCitation
from service.limits import Lru
from service.search import query as lang
from service.search.base import FACETS, Layer, SearchDocument, SearchHit, SearchQuery, SearchResult
from service.search.snippets import snippet
from service.store import search_documents as documents
from service.store.database import Connection, Pool

REINDEX_BATCH = 500
MAX_CACHE_AGE = dt.timedelta(minutes=5)

# Server settings of the connections searches run on (`reads`): one search is then one round trip, with no
# transaction opened around it to scope them. The planner prices a sequential scan by its pages, not by testing
# every large `tsv` against the query, so for a common word it picks the scan that is slower than the GIN bitmap it
# rejected. And after five runs of a prepared statement PostgreSQL would switch to one generic plan, made without
# knowing which filters are empty or how many rows the words match: slower for most queries than planning for the
# values every time (decision 26).
READ_SESSION = {"enable_seqscan": "off", "plan_cache_mode": "force_custom_plan"}


class _WordInfo(msgspec.Struct, frozen=True):
    word: str
    folded: str
    completions: list[str] | None = None
    correction: str | None = None


class _RawHit(msgspec.Struct, frozen=True):
    kind: str
    slug: str
    title: str
    version: int
    status: str
    source: str | None  # the text its snippet is cut from
    score: float
    api_url: str
    content_url: str | None
    tags: list[str]
    teams: list[str]
    expires_at: dt.datetime | None
    message_type: str | None = None
    locale: str | None = None
    audience: str | None = None
    segment: str | None = None
    stale_citations: list[StaleCitation] = msgspec.field(default_factory=list)


class _Cached(msgspec.Struct, frozen=True):
    result: SearchResult
    until: dt.datetime


_hits_decoder = msgspec.json.Decoder(list[_RawHit])
_facet_decoder = msgspec.json.Decoder(dict[str, int])


def _cache_key(query: SearchQuery) -> tuple[object, ...]:
    """Queries that differ only in case or spacing share an answer: words are matched, looked up and compared with
    titles in lower case, and `or` is the operator in any case."""
    return (
        " ".join(query.q.lower().split()),
        tuple(query.kinds),
        tuple(query.tags),
        tuple(query.teams),
        tuple(query.message_types),
        tuple(query.locales),
        tuple(query.audiences),
        tuple(query.segments),
        query.include_drafts,
        query.limit,
        query.offset,
        tuple(query.facets),
        tuple(query.restrict_tags),
        tuple(query.restrict_teams),
    )


class PostgresSearchIndex:
    """`SearchIndex` over the `search_documents` table (migration 0005). Writes use `pool` (or the caller's
    connection); searches use `reads`, a pool opened with `READ_SESSION` (any pool gives the same answers, planned
    worse)."""

    name = "postgres"

    def __init__(
        self, pool: Pool, *, reads: Pool | None = None, cache_size: int = 2000, recheck_seconds: float = 0.0
    ) -> None:
        self._pool = pool
        self._reads = reads or pool
        self._cache_size = cache_size
        self._recheck = recheck_seconds
        self._checked_at = float("-inf")
        self._results: Lru[tuple[object, ...], _Cached] = Lru(max(cache_size, 1))
        self._words: Lru[tuple[str, bool], _WordInfo] = Lru(50_000)
        self._synonyms: dict[str, tuple[str, ...]] | None = None
        self._generation: tuple[int, int] = (-1, -1)

    # --- writes -----------------------------------------------------------------------------------------------------

    @asynccontextmanager
    async def _writing(self, conn: Connection | None) -> AsyncIterator[Connection]:
        if conn is not None:
            yield conn
            return
        async with self._pool.acquire() as own, own.transaction():
            yield own

    async def upsert(self, docs: Sequence[SearchDocument], *, conn: Connection | None = None) -> None:
        if not docs:
            return
        async with self._writing(conn) as db:
            await documents.upsert(db, docs)

    async def delete(
        self, kind: str, slug: str, *, layers: Sequence[Layer] | None = None, conn: Connection | None = None
    ) -> None:
        async with self._writing(conn) as db:
            await documents.delete(db, kind, slug, layers)

    async def set_synonyms(
        self, groups: list[list[str]], *, conn: Connection | None = None, previous: list[list[str]] | None = None
    ) -> None:
        async with self._writing(conn) as db:
            if previous is None:
                await documents.set_synonyms(db, groups)
                return
            # Folding every term of a large glossary costs about 30 µs a term in PostgreSQL (60 ms for 2,000
            # definitions), once per publish; only the groups that changed are folded and written.
            now, before = {tuple(group) for group in groups}, {tuple(group) for group in previous}
            await documents.change_synonyms(
                db, removed=[list(group) for group in before - now], added=[list(group) for group in now - before]
            )

    async def reindex(self, docs: AsyncIterator[SearchDocument], synonyms: list[list[str]]) -> int:
        """Replace everything in one transaction: searches read the old documents until it commits (MVCC), so the
        swap is atomic without a second table. Deletes (not TRUNCATE) keep readers from waiting on a lock."""
        count = 0
        async with self._pool.acquire() as conn:
            async with conn.transaction():
                await documents.clear(conn)
                batch: list[SearchDocument] = []
                async for doc in docs:
                    batch.append(doc)
                    if len(batch) >= REINDEX_BATCH:
                        await self.upsert(batch, conn=conn)
                        count += len(batch)
                        batch = []
                await self.upsert(batch, conn=conn)
                count += len(batch)
                await self.set_synonyms(synonyms, conn=conn)
            # VACUUM as well: it marks the new pages all-visible and sets the rows' hint bits, which the first
            # searches after a reindex would otherwise pay for (row by row) until autovacuum came by.
            await documents.vacuum(conn)
        return count

    async def check(self) -> None:
        async with self._reads.acquire() as conn:
            await documents.probe(conn)

    async def close(self) -> None:
        """The pool belongs to the application."""

    # --- reads ------------------------------------------------------------------------------------------------------

    async def _refresh(self, conn: Connection) -> None:
        """Drop what a change to the documents or synonyms made stale (one read of a one-row table)."""
        self._checked_at = time.monotonic()
        generation = await documents.generation(conn)
        if generation == self._generation:
            return
        if generation[0] != self._generation[0]:
            self._words.clear()
        if generation[1] != self._generation[1]:
            self._synonyms = None
        self._results.clear()
        self._generation = generation

    async def _lexicon(self, conn: Connection, words: list[tuple[str, bool]]) -> lang.Lexicon:
        keys = list(dict.fromkeys((word.lower(), prefix) for word, prefix in words))
        found = {key: info for key in keys if (info := self._words.get(key)) is not None}
        missing = [key for key in keys if key not in found]
        if missing:
            rows = await documents.lexicon(conn, [w for w, _ in missing], [p for _, p in missing])
            for key, row in zip(missing, rows, strict=True):
                info = _WordInfo(row["word"], row["folded"], row["completions"], row["correction"])
                self._words.put(key, info)
                found[key] = info
        if self._synonyms is None:
            self._synonyms = lang.synonym_index(await documents.synonym_groups(conn))
        infos = [found[key] for key in keys]
        return lang.Lexicon(
            folded={word: found[(word.lower(), prefix)].folded for word, prefix in words},
            corrections={i.folded: i.correction for i in infos if i.correction},
            completions={i.folded: tuple(i.completions) for i in infos if i.completions},
            synonyms=self._synonyms,
        )

    async def search(self, query: SearchQuery, *, now: dt.datetime | None = None) -> SearchResult:
        moment = now or dt.datetime.now(dt.UTC)
        key = _cache_key(query)
        if now is None and time.monotonic() - self._checked_at < self._recheck:
            cached = self._results.get(key)
            if cached is not None and cached.until > moment:
                return cached.result  # the index was unchanged a moment ago
        parsed = lang.parse(query.q)
        async with self._reads.acquire() as conn:
            if now is not None or time.monotonic() - self._checked_at >= self._recheck:
                await self._refresh(conn)  # else what is cached was proven current a moment ago
            generation = self._generation
            cached = self._results.get(key)
            if now is None and cached is not None and cached.until > moment:
                return cached.result
            row = await self._run(conn, query, parsed, moment)
        assert row is not None
        result = _result(row, query)
        if now is None and self._cache_size and generation == self._generation:  # not from data a change replaced
            changes_at: dt.datetime | None = row["changes_at"]
            until = min(moment + MAX_CACHE_AGE, changes_at or moment + MAX_CACHE_AGE)
            self._results.put(key, _Cached(result, until))
        return result

    async def _run(
        self, conn: Connection, query: SearchQuery, parsed: lang.ParsedQuery, moment: dt.datetime
    ) -> asyncpg.Record | None:
        tsquery = any_term = None
        if not parsed.empty:
            planned = lang.plan(parsed, await self._lexicon(conn, parsed.words()))
            tsquery, any_term = lang.to_tsquery_text(planned), lang.to_any_tsquery_text(planned)
        return await documents.find(conn, query, tsquery, any_term, moment)


def _result(record: asyncpg.Record, query: SearchQuery) -> SearchResult:
    words: list[str] = record["words"]
    hits = [
        SearchHit(
            kind=h.kind,
            slug=h.slug,
            title=h.title,
            version=h.version,
            status=h.status,
            snippet=snippet(h.source or "", words),
            score=round(h.score, 6),
            api_url=h.api_url,
            content_url=h.content_url,
            tags=h.tags,
            teams=h.teams,
            expires_at=h.expires_at,
            message_type=h.message_type,
            locale=h.locale,
            audience=h.audience,
            segment=h.segment,
            stale_citations=h.stale_citations,
        )
        for h in _hits_decoder.decode(record["hits"])
    ]
    total: int = record["total"]
    facets: dict[str, dict[str, int]] = {name: _facet_decoder.decode(record[name]) for name in FACETS if record[name]}
    following = query.offset + len(hits)
    return SearchResult(
        hits=hits, total=total, facets=facets, next_offset=following if following < total and hits else None
    )
