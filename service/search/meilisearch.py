"""The Meilisearch backend of `SearchIndex`, selected by `CANON_MEILISEARCH_URL` (key: `CANON_MEILISEARCH_API_KEY`).

Written against Meilisearch's documented HTTP API (1.11 or later: negative operator, federated search with
merged facets). Documents live in the index `canon_entries` (`CANON_MEILISEARCH_INDEX`); every write waits for its
Meilisearch task, so the worker's sync only moves its feed position once the change is indexed, and retries when it
is not. The first write of a process creates and configures the index; searches and readiness checks only read
(Meilisearch runs tasks in arrival order, so a settings change made on the read path would wait behind every queued
document batch, and the API's key would need write rights): before the first write there is no index, and a search
finds nothing. `reindex` builds `canon_entries_<timestamp>` from scratch, waits for every task (reporting all that
failed), then swaps it with the live index in one atomic `POST /swap-indexes` and drops the old one: searches are
served by the old index until the swap.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING

import httpx
import msgspec

from service.search import meili_requests as req
from service.search.base import Layer, SearchDocument, SearchQuery, SearchResult
from service.search.meili_client import CONNECT_TIMEOUT, READ_TIMEOUT, RETRIES, MeiliClient, MeilisearchError

if TYPE_CHECKING:
    from service.store.database import Connection

log = logging.getLogger(__name__)

INDEX_UID = "canon_entries"
BATCH_DOCUMENTS = 1000  # documents per request when reindexing
BATCH_BYTES = 20 * 1024 * 1024  # and at most about this much JSON (Meilisearch accepts 100 MB by default)


class MeilisearchIndex:
    """`SearchIndex` over one Meilisearch index (`index`: tests pass a name of their own)."""

    name = "meilisearch"

    def __init__(
        self,
        url: str,
        api_key: str | None = None,
        *,
        index: str = INDEX_UID,
        connect_timeout: float = CONNECT_TIMEOUT,
        read_timeout: float = READ_TIMEOUT,
        retries: int = RETRIES,
        task_timeout: float = 60.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        """The timeouts and retries are `MeiliClient`'s."""
        self.index_uid = index
        self.client = MeiliClient(
            url,
            api_key,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            retries=retries,
            task_timeout=task_timeout,
            transport=transport,
        )
        self._ready = False
        self._preparing = asyncio.Lock()

    # --- the index itself ---------------------------------------------------------------------------------------

    async def _create_index(self, uid: str) -> None:
        """Create index `uid` unless it exists."""
        try:
            await self.client.get(f"/indexes/{uid}")
            return
        except MeilisearchError as exc:
            if exc.code != "index_not_found":
                raise
        try:
            await self.client.run("POST", "/indexes", body={"uid": uid, "primaryKey": "id"})
        except MeilisearchError as exc:
            if exc.code != "index_already_exists":  # another process created it meanwhile
                raise

    async def _configure(self, uid: str, synonyms: dict[str, list[str]] | None = None) -> None:
        settings = dict(req.INDEX_SETTINGS)
        if synonyms is not None:
            settings["synonyms"] = synonyms
        await self.client.run("PATCH", f"/indexes/{uid}/settings", body=settings)

    async def prepare(self) -> None:
        """Create and configure the live index once per process (settings left as they are are a no-op task)."""
        if self._ready:
            return
        async with self._preparing:
            if not self._ready:
                await self._create_index(self.index_uid)
                await self._configure(self.index_uid)
                self._ready = True

    # --- writes -------------------------------------------------------------------------------------------------

    async def upsert(self, docs: Sequence[SearchDocument], *, conn: Connection | None = None) -> None:
        """Add or replace documents and wait until Meilisearch has indexed them (`conn` is not used)."""
        if not docs:
            return
        await self.prepare()
        await self.client.run(
            "POST",
            f"/indexes/{self.index_uid}/documents",
            body=[req.document(doc) for doc in docs],
            params={"primaryKey": "id"},
        )

    async def delete(
        self, kind: str, slug: str, *, layers: Sequence[Layer] | None = None, conn: Connection | None = None
    ) -> None:
        await self.prepare()
        ids = req.doc_ids(kind, slug, layers)
        await self.client.run("POST", f"/indexes/{self.index_uid}/documents/delete-batch", body=ids)

    async def set_synonyms(
        self, groups: list[list[str]], *, conn: Connection | None = None, previous: list[list[str]] | None = None
    ) -> None:
        await self.prepare()  # Meilisearch's synonyms are one setting: always written whole
        await self.client.run("PUT", f"/indexes/{self.index_uid}/settings/synonyms", body=req.synonyms(groups))

    # --- reads --------------------------------------------------------------------------------------------------

    async def search(self, query: SearchQuery, *, now: dt.datetime | None = None) -> SearchResult:
        moment = now or dt.datetime.now(dt.UTC)
        texts = req.query_texts(query.q)
        try:
            if len(texts) > 1:
                content = await self.client.send(
                    "POST", "/multi-search", body=req.federated_body(query, texts, moment, self.index_uid)
                )
            else:
                body = req.search_body(query, texts[0] if texts else "", moment)
                content = await self.client.send("POST", f"/indexes/{self.index_uid}/search", body=body)
        except MeilisearchError as exc:
            if exc.code != "index_not_found":
                raise
            return SearchResult(hits=[], total=0, facets=req.facet_counts({}, query.facets))  # nothing written yet
        try:
            response = req.response_decoder.decode(content)
        except msgspec.DecodeError as exc:  # a malformed answer is the server's failure, not the caller's
            raise MeilisearchError(f"Meilisearch answered a search with something unexpected: {exc}") from exc
        # One hit more than the page was asked for: whether another page follows, which the total (an estimate)
        # cannot tell for sure.
        hits = [req.hit(raw, scored=bool(texts)) for raw in response.hits[: query.limit]]
        following = query.offset + len(hits)
        more = len(response.hits) > query.limit
        total = response.total_hits if response.total_hits is not None else response.estimated_total_hits or 0
        total = max(total, following + more)
        facets = req.facet_counts(response.facet_distribution or {}, query.facets)
        return SearchResult(hits=hits, total=total, facets=facets, next_offset=following if more else None)

    async def check(self) -> None:
        """Raise unless Meilisearch is available and answers a search with this key (no index yet is fine)."""
        health = await self.client.get("/health")
        if not isinstance(health, dict) or health.get("status") != "available":
            raise MeilisearchError(f"Meilisearch at {self.client.url} is not available: {health!r}")
        try:
            await self.client.post(f"/indexes/{self.index_uid}/search", {"q": "", "limit": 0})
        except MeilisearchError as exc:
            if exc.code != "index_not_found":
                raise

    async def close(self) -> None:
        await self.client.close()

    # --- reindex ------------------------------------------------------------------------------------------------

    async def reindex(self, docs: AsyncIterator[SearchDocument], synonyms: list[list[str]]) -> int:
        """Build `<index>_<timestamp>` from `docs`, wait for every task, swap it in atomically; return the count.

        On any failure the new index is deleted and the live one is left untouched.
        """
        fresh = f"{self.index_uid}_{dt.datetime.now(dt.UTC):%Y%m%d%H%M%S%f}"
        await self._create_index(fresh)
        try:
            await self._configure(fresh, req.synonyms(synonyms))
            count, tasks = await self._add_all(fresh, docs)
            # Meilisearch may index all the batches as one, so the first task can finish only with the last: the
            # wait grows with the work sent.
            await self.client.wait_all(tasks, timeout=self.client.task_timeout * max(1, len(tasks)))
            await self._create_index(self.index_uid)  # a swap needs both indexes to exist
            await self.client.run("POST", "/swap-indexes", body=[{"indexes": [self.index_uid, fresh]}])
        except Exception:
            await self._drop(fresh)
            raise
        await self._drop(fresh)  # after the swap, `fresh` names the old documents
        self._ready = False  # configure the swapped-in index on next use, like any other
        log.info("reindexed %d documents into Meilisearch index %s", count, self.index_uid)
        return count

    async def _add_all(self, uid: str, docs: AsyncIterator[SearchDocument]) -> tuple[int, list[int]]:
        """Send the documents in batches (without waiting between them); return the count and the task uids."""
        tasks: list[int] = []
        batch: list[dict[str, object]] = []
        size = 0
        count = 0
        async for doc in docs:
            body = req.document(doc)
            batch.append(body)
            size += len(doc.extracted_text) + len(doc.body) + len(doc.summary) + 512
            count += 1
            if len(batch) >= BATCH_DOCUMENTS or size >= BATCH_BYTES:
                tasks.append(await self._add_batch(uid, batch))
                batch, size = [], 0
        if batch:
            tasks.append(await self._add_batch(uid, batch))
        return count, tasks

    async def _add_batch(self, uid: str, batch: list[dict[str, object]]) -> int:
        return await self.client.enqueue("POST", f"/indexes/{uid}/documents", body=batch, params={"primaryKey": "id"})

    async def _drop(self, uid: str) -> None:
        """Delete an index, logging (not raising) a failure: a leftover index wastes space, nothing else."""
        try:
            await self.client.run("DELETE", f"/indexes/{uid}")
        except MeilisearchError as exc:
            log.warning("could not delete Meilisearch index %s: %s", uid, exc)
