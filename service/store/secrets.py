"""SQL for shared secrets: named secrets that every Canon process on one database must agree on (search-token
signing), kept in PostgreSQL when no setting gives them. Each name has one or more generations, newest first."""

from __future__ import annotations

import msgspec

from service.store.database import Connection

SEARCH_TOKEN = "search-token"  # noqa: S105  # a name, not a secret: signs search tokens and download links (service/search/tokens.py, links.py)


class Secret(msgspec.Struct, frozen=True):
    """One generation of a named secret; `age` is seconds since it was created, by the database's clock."""

    value: bytes
    generation: int
    age: float


_READ = """
SELECT value, generation, extract(epoch FROM now() - created_at)::float8 AS age
FROM shared_secrets WHERE name = $1 ORDER BY generation DESC
"""


async def read(conn: Connection, name: str) -> list[Secret]:
    """The kept generations of `name`, newest first (none if it was never created)."""
    rows = await conn.fetch(_READ, name)
    return [Secret(value=bytes(row["value"]), generation=row["generation"], age=row["age"]) for row in rows]


async def ensure(conn: Connection, name: str, value: bytes) -> list[Secret]:
    """The generations of `name`, newest first; if it has none, `value` becomes its first. Processes starting at
    once all get the same answer: one insert wins, the others' do nothing, and all then read the winner's."""
    await conn.execute(
        """
        INSERT INTO shared_secrets (name, generation, value)
        SELECT $1, 1, $2 WHERE NOT EXISTS (SELECT 1 FROM shared_secrets WHERE name = $1)
        ON CONFLICT DO NOTHING
        """,
        name,
        value,
    )
    return await read(conn, name)


async def rotate(conn: Connection, name: str, value: bytes) -> list[Secret]:
    """Add `value` as the newest generation of `name`, keep the one before it (for tokens and links it signed) and
    drop any older ones. Rotations of one name run one at a time."""
    async with conn.transaction():
        # EXCLUSIVE lets readers through and holds back a concurrent rotation (or first creation) until commit.
        await conn.execute("LOCK TABLE shared_secrets IN EXCLUSIVE MODE")
        newest = await conn.fetchval("SELECT max(generation) FROM shared_secrets WHERE name = $1", name) or 0
        await conn.execute(
            "INSERT INTO shared_secrets (name, generation, value) VALUES ($1, $2, $3)", name, newest + 1, value
        )
        await conn.execute("DELETE FROM shared_secrets WHERE name = $1 AND generation < $2", name, newest)
    return await read(conn, name)
