"""SQL the search sync reads: the version rows its documents are rendered from, the definitions' synonym groups, and
which entries name a file. Rendering and writing the index is `service/search/sync.py`'s."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import msgspec

from service.domain.events import StaleCitation
from service.store import statuses
from service.store.citations import stale_citations_sql
from service.store.database import Connection


class VersionRow(msgspec.Struct, frozen=True):
    """A version that has a document: the one in effect, or the one in progress."""

    kind: str
    slug: str
    title: str
    tags: list[str]
    owners: list[str]
    number: int
    status: str
    content: dict[str, Any] | None
    expires_at: dt.datetime | None
    updated_at: dt.datetime
    extracted_text: str | None  # of an asset's file, read as the type the version declares
    stale_citations: list[StaleCitation]  # its citations of versions no longer in effect now


_VERSION_ROWS = f"""
SELECT e.kind, e.slug, v.title, v.tags, v.owners, v.number, v.status, v.content, v.expires_at, v.updated_at,
       t.text AS extracted_text, {stale_citations_sql("v.content -> 'references'")}::jsonb AS stale_citations
FROM entries e
JOIN versions v ON v.entry_id = e.id
    AND (v.number = e.current_version OR v.status IN {statuses.OPEN})
LEFT JOIN asset_texts t ON e.kind = 'asset' AND t.sha256 = v.content ->> 'sha256'
    AND t.content_type = coalesce(v.content ->> 'content_type', '') AND t.error IS NULL
WHERE e.retired_at IS NULL AND (e.kind, e.slug) IN (SELECT * FROM unnest($1::text[], $2::text[]))
ORDER BY e.kind, e.slug, v.number"""


async def version_rows(conn: Connection, keys: Sequence[tuple[str, str]]) -> list[VersionRow]:
    """The versions with a document of these entries (none for retired or unknown entries)."""
    rows = await conn.fetch(_VERSION_ROWS, [k for k, _ in keys], [s for _, s in keys])
    return [msgspec.convert(dict(row), VersionRow) for row in rows]


async def entry_keys(conn: Connection, after: tuple[str, str], limit: int) -> list[tuple[str, str]]:
    """The (kind, slug) of entries not retired, after `after` in that order (keyset pages)."""
    rows = await conn.fetch(
        """SELECT kind, slug FROM entries WHERE retired_at IS NULL AND (kind, slug) > ($1, $2)
           ORDER BY kind, slug LIMIT $3""",
        *after,
        limit,
    )
    return [(r["kind"], r["slug"]) for r in rows]


async def glossary(conn: Connection, slugs: Sequence[str] | None = None) -> list[tuple[str, str, list[Any]]]:
    """(slug, title, aliases) of each published definition with aliases, of `slugs` only when given, by slug."""
    rows = await conn.fetch(
        """SELECT e.slug, v.title, v.content -> 'aliases' AS aliases FROM entries e
           JOIN versions v ON v.entry_id = e.id AND v.number = e.current_version
           WHERE e.kind = 'definition' AND e.retired_at IS NULL AND jsonb_array_length(v.content -> 'aliases') > 0
             AND ($1::text[] IS NULL OR e.slug = ANY($1::text[]))
           ORDER BY e.slug""",
        None if slugs is None else list(slugs),
    )
    return [(r["slug"], r["title"], r["aliases"]) for r in rows]


async def entries_naming_file(conn: Connection, sha256: str) -> list[tuple[str, str]]:
    """The (kind, slug) of entries whose version in effect or in progress names the file `sha256`."""
    rows = await conn.fetch(
        f"""SELECT DISTINCT e.kind, e.slug FROM versions v JOIN entries e ON e.id = v.entry_id
            WHERE v.content ->> 'sha256' = $1
              AND (v.number = e.current_version OR v.status IN {statuses.OPEN})""",
        sha256,
    )
    return [(r["kind"], r["slug"]) for r in rows]
