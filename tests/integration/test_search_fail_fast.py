"""The Meilisearch backend against a frozen server (it accepts connections and never answers) and a stopped one (its
port refuses connections): a search fails with SearchError (a 503) within the configured timeouts."""

from __future__ import annotations

import asyncio
import socket
import time
from typing import TYPE_CHECKING, cast

import pytest

from service.config import Settings
from service.search.base import SearchError, SearchQuery
from service.search.meilisearch import MeilisearchIndex
from service.wiring import build_search_index

if TYPE_CHECKING:
    from service.store.database import Pool


async def test_a_frozen_meilisearch_fails_a_search_within_its_read_timeout(frozen_url: str) -> None:
    index = MeilisearchIndex(frozen_url, index="canon_frozen", connect_timeout=0.5, read_timeout=0.5, retries=1)
    try:
        started = time.monotonic()
        with pytest.raises(SearchError, match="did not answer POST /indexes/canon_frozen/search in time"):
            await asyncio.wait_for(index.search(SearchQuery(q="mql")), timeout=30)
        assert time.monotonic() - started < 3 * 0.5  # one read timeout: a request that may have arrived is not repeated
    finally:
        await index.close()


async def test_with_the_default_settings_a_frozen_meilisearch_answers_within_about_ten_seconds(frozen_url: str) -> None:
    index = build_search_index(cast("Pool", None), Settings(meilisearch_url=frozen_url))  # Meilisearch needs no pool
    try:
        started = time.monotonic()
        with pytest.raises(SearchError, match="did not answer"):
            await asyncio.wait_for(index.search(SearchQuery(q="mql")), timeout=30)
        assert time.monotonic() - started < 10
    finally:
        await index.close()


async def test_a_stopped_meilisearch_fails_a_search_at_once() -> None:
    with socket.socket() as probe:  # a port nothing listens on: connections are refused
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    index = MeilisearchIndex(url, index="canon_stopped", connect_timeout=0.5, read_timeout=0.5, retries=2)
    try:
        started = time.monotonic()
        with pytest.raises(SearchError, match="cannot reach Meilisearch"):
            await asyncio.wait_for(index.search(SearchQuery(q="mql")), timeout=30)
        assert time.monotonic() - started < 3 * 3 * 0.5  # three connection attempts, each refused at once
    finally:
        await index.close()
