"""Session advisory locks that let one process at a time do a job every worker may start (collection, extraction).

A session lock, not a transaction lock: the job runs many short transactions on other connections while one
connection holds the lock, and the lock goes with that connection if the process dies.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from service.store.database import Pool

# Keys, one per job, the same in every process ("canon" then the job's initials as ASCII).
BLOB_COLLECTION = 0x63616E6F6E_6763  # "canon" "gc"
TEXT_EXTRACTION = 0x63616E6F6E_7478  # "canon" "tx"


@contextlib.asynccontextmanager
async def exclusive(pool: Pool, key: int) -> AsyncIterator[bool]:
    """Hold the lock `key` for the block when no other session holds it: yields True, or False (nothing held)."""
    async with pool.acquire() as guard:
        if not await guard.fetchval("SELECT pg_try_advisory_lock($1)", key):
            yield False
            return
        try:
            yield True
        finally:
            await guard.execute("SELECT pg_advisory_unlock($1)", key)
