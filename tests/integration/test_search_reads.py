"""The connections an API process searches on (`open_search_reads`): opened with the planner settings PostgreSQL
search needs, kept across releases (no reset round trip), and still clean after a caller's mistake."""

from __future__ import annotations

import pytest

from service.config import Settings
from service.search.base import SearchDocument, SearchQuery
from service.search.postgres import READ_SESSION, PostgresSearchIndex
from service.store.database import create_pool
from service.wiring import open_search_reads


async def test_search_connections_carry_the_planner_settings_across_releases(database_url: str) -> None:
    reads = await open_search_reads(database_url, Settings(search_pool_max=1))
    assert reads is not None
    try:
        for _ in range(3):  # one connection, released and acquired again
            async with reads.acquire() as conn:
                for name, value in READ_SESSION.items():
                    assert await conn.fetchval(f"SHOW {name}") == value
    finally:
        await reads.close()


async def test_a_transaction_left_open_is_rolled_back_on_release(database_url: str) -> None:
    reads = await open_search_reads(database_url, Settings(search_pool_max=1))
    assert reads is not None
    try:
        async with reads.acquire() as conn:
            await conn.execute("BEGIN")
            await conn.execute("CREATE TEMP TABLE left_behind (n int)")
        async with reads.acquire() as conn:
            assert not conn.is_in_transaction()
            assert await conn.fetchval("SELECT to_regclass('pg_temp.left_behind')") is None
    finally:
        await reads.close()


async def test_meilisearch_needs_no_search_connections(database_url: str) -> None:
    assert await open_search_reads(database_url, Settings(meilisearch_url="http://127.0.0.1:7700")) is None


@pytest.mark.parametrize("size", [0, -3])
async def test_a_pool_size_below_one_still_opens_one_connection(database_url: str, size: int) -> None:
    reads = await open_search_reads(database_url, Settings(search_pool_max=size))
    assert reads is not None
    try:
        assert reads.get_max_size() == 1
    finally:
        await reads.close()


async def test_queries_differing_only_in_case_or_spacing_share_a_cached_answer(database_url: str) -> None:
    def doc(slug: str, title: str) -> SearchDocument:
        return SearchDocument(kind="definition", slug=slug, version=1, title=title, api_url=f"/v1/definitions/{slug}")

    pool = await create_pool(database_url, min_size=1, max_size=2)
    try:
        # Trusted for a minute: an answer cached before a change is served unchanged, which shows what was cached.
        index = PostgresSearchIndex(pool, recheck_seconds=60)
        await index.upsert([doc("pipeline", "Pipeline"), doc("coverage", "Coverage")])
        first = await index.search(SearchQuery(q="Pipeline  Coverage"))
        assert first.total == 0
        either = await index.search(SearchQuery(q="pipeline OR coverage"))
        assert either.total == 2
        await index.upsert([doc("pipeline-coverage", "Pipeline coverage")])

        assert (await index.search(SearchQuery(q=" pipeline coverage"))).total == 0  # the cached answers
        assert (await index.search(SearchQuery(q="PIPELINE or Coverage"))).total == 2
        # A question not asked before is answered by the index as it is now.
        assert (await index.search(SearchQuery(q="pipeline coverage", limit=10))).total == 1
    finally:
        await pool.close()
