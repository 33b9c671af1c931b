"""Synonyms written as a difference (what a publish changes) end where writing every group would: the same stored
groups, whatever was added, removed or renamed, accents and punctuation folded the same way."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator

import pytest

from service.store import search_documents as documents
from service.store.database import Connection, Pool, create_pool

WORDS = ["Lead", "MQL", "Marketing-Qualified", "Qualifié", "SQL", "pipeline", "ARR", "run rate", "Opportunité", "deal"]


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[Pool]:
    created = await create_pool(database_url, min_size=1, max_size=2)
    try:
        yield created
    finally:
        await created.close()


def glossary(rng: random.Random, size: int) -> dict[str, list[str]]:
    return {f"d{n}": [*rng.sample(WORDS, rng.randint(1, 3)), f"Term {n}"] for n in range(size)}


async def stored(conn: Connection) -> list[list[str]]:
    return sorted(sorted(group) for group in await documents.synonym_groups(conn))


async def test_a_difference_written_equals_every_group_written(pool: Pool) -> None:
    rng = random.Random(7)
    groups = glossary(rng, 40)
    async with pool.acquire() as conn:
        await documents.set_synonyms(conn, list(groups.values()))
        for _ in range(25):
            before = dict(groups)
            for slug in rng.sample(sorted(groups), 3):  # renamed, or given other aliases
                groups[slug] = [*rng.sample(WORDS, rng.randint(1, 3)), f"Renamed {slug}"]
            groups.pop(rng.choice(sorted(groups)))  # retired
            groups[f"new{len(groups)}{rng.random()}"] = ["Brand new", rng.choice(WORDS)]  # created
            now, then = {tuple(g) for g in groups.values()}, {tuple(g) for g in before.values()}
            await documents.change_synonyms(
                conn, removed=[list(g) for g in then - now], added=[list(g) for g in now - then]
            )
            changed = await stored(conn)
            async with conn.transaction():
                await documents.set_synonyms(conn, list(groups.values()))
                assert changed == await stored(conn)
