"""Keeping a `SearchIndex` in step with PostgreSQL: documents rendered from entries, the worker's consumer of the
event log, and the full rebuild behind `canon reindex`.

The index is never told *what changed*, only *which entries changed*: every event makes the sync re-render that
entry from the database as it is now and write the result. Replays are therefore harmless (idempotent), events
may be coalesced, and an out-of-date document is fixed by the next event about its entry.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Sequence
from typing import Any

from service.domain.kinds import ASSET, DEFINITION, KINDS, MESSAGE
from service.search.base import Layer, SearchDocument, SearchIndex
from service.store import events
from service.store.database import Connection, Pool

log = logging.getLogger(__name__)

CONSUMER = "search-sync"
MAX_EXTRACTED_CHARS = 300_000  # keeps one huge file from dominating the index (and within tsvector limits)
PAGE = 500
_LAYERS: tuple[Layer, ...] = ("published", "draft")
# Events after which a definition's published title or aliases may differ: the glossary synonyms are rebuilt.
_GLOSSARY_ACTIONS = frozenset({"published", "retired", "restored", "updated"})

_ROWS = """
SELECT e.kind, e.slug, e.title, e.tags, e.owners, v.number, v.status, v.content, v.expires_at, v.updated_at,
       t.text AS extracted_text
FROM entries e
JOIN versions v ON v.entry_id = e.id
    AND (v.number = e.current_version OR v.status IN ('draft', 'in_review', 'approved'))
LEFT JOIN asset_texts t ON e.kind = 'asset' AND t.sha256 = v.content ->> 'sha256' AND t.error IS NULL
WHERE e.retired_at IS NULL AND {where}
ORDER BY e.kind, e.slug, v.number"""

_FOR_KEYS = _ROWS.format(where="(e.kind, e.slug) IN (SELECT * FROM unnest($1::text[], $2::text[]))")
_PAGE_KEYS = """SELECT kind, slug FROM entries WHERE retired_at IS NULL AND (kind, slug) > ($1, $2)
ORDER BY kind, slug LIMIT $3"""

_GLOSSARY = """
SELECT e.title, v.content -> 'aliases' AS aliases FROM entries e
JOIN versions v ON v.entry_id = e.id AND v.number = e.current_version
WHERE e.kind = 'definition' AND e.retired_at IS NULL AND jsonb_array_length(v.content -> 'aliases') > 0
ORDER BY e.slug"""

_BLOB_ENTRIES = """
SELECT DISTINCT e.kind, e.slug FROM versions v JOIN entries e ON e.id = v.entry_id
WHERE v.content ->> 'sha256' = $1
  AND (v.number = e.current_version OR v.status IN ('draft', 'in_review', 'approved'))"""


def _summary(kind: str, content: dict[str, Any]) -> str:
    if kind == MESSAGE.name:
        message_type = str(content.get("message_type") or "").replace("_", " ")
        parts = [message_type, content.get("audience"), content.get("segment"), content.get("channel")]
        return " · ".join(str(p) for p in parts if p and p != "other")
    key = "description" if kind == ASSET.name else "summary"
    return str(content.get(key) or "")


def _body(kind: str, content: dict[str, Any]) -> str:
    if kind == ASSET.name:
        return str(content.get("file_name") or "")
    body = str(content.get("body") or "")
    examples = content.get("examples") or []
    return "\n\n".join([body, *map(str, examples)]) if examples else body


def render(row: Any, base_url: str) -> SearchDocument:
    """The document of one version row (a record of `_ROWS`)."""
    kind, slug, number = row["kind"], row["slug"], row["number"]
    layer: Layer = "published" if row["status"] == "published" else "draft"
    content: dict[str, Any] = row["content"] or {}
    path = f"{base_url}{KINDS[kind].path}/{slug}"
    pin = "" if layer == "published" else f"?version={number}"
    return SearchDocument(
        kind=kind,
        slug=slug,
        status=layer,
        version=number,
        version_status=row["status"],
        title=row["title"],
        tags=list(row["tags"]),
        teams=list(row["owners"]),
        aliases=[str(a) for a in content.get("aliases") or []] if kind == DEFINITION.name else [],
        summary=_summary(kind, content),
        body=_body(kind, content),
        extracted_text=(row["extracted_text"] or "")[:MAX_EXTRACTED_CHARS],
        expires_at=row["expires_at"],
        updated_at=row["updated_at"],
        api_url=path + pin,
        content_url=f"{path}/content{pin}" if kind == ASSET.name and content.get("sha256") else None,
    )


async def render_entries(conn: Connection, keys: Sequence[tuple[str, str]], base_url: str) -> list[SearchDocument]:
    """The documents of these entries as the database has them now (none for retired or unknown entries)."""
    if not keys:
        return []
    rows = await conn.fetch(_FOR_KEYS, [k for k, _ in keys], [s for _, s in keys])
    return [render(row, base_url) for row in rows]


async def sync_entries(
    conn: Connection, index: SearchIndex, keys: Sequence[tuple[str, str]], base_url: str
) -> list[SearchDocument]:
    """Make the index hold exactly the current documents of these entries; return them."""
    docs = await render_entries(conn, keys, base_url)
    await index.upsert(docs, conn=conn)
    present = {(d.kind, d.slug, d.status) for d in docs}
    for kind, slug in keys:
        gone = [layer for layer in _LAYERS if (kind, slug, layer) not in present]
        if len(gone) == len(_LAYERS):
            await index.delete(kind, slug, conn=conn)
        elif gone:
            await index.delete(kind, slug, layers=gone, conn=conn)
    return docs


async def glossary_synonyms(conn: Connection) -> list[list[str]]:
    """One group per published definition with aliases: its title and its aliases stand for each other."""
    rows = await conn.fetch(_GLOSSARY)
    return [[row["title"], *(str(a) for a in row["aliases"])] for row in rows]


async def refresh_blob(conn: Connection, index: SearchIndex, sha256: str, base_url: str) -> None:
    """Re-index the asset versions whose file is `sha256` (after its text was extracted into `asset_texts`)."""
    rows = await conn.fetch(_BLOB_ENTRIES, sha256)
    await sync_entries(conn, index, [(r["kind"], r["slug"]) for r in rows], base_url)


def _entry_keys(batch: Iterable[events.StoredEvent]) -> tuple[list[tuple[str, str]], bool]:
    keys: dict[tuple[str, str], None] = {}
    glossary = False
    for event in batch:
        kind, _, action = event.type.partition(".")
        slug = event.data.get("slug")
        if kind not in KINDS or not isinstance(slug, str):
            continue  # webhook.* and other events say nothing about entries
        keys[(kind, slug)] = None
        glossary = glossary or (kind == DEFINITION.name and action in _GLOSSARY_ACTIONS)
    return list(keys), glossary


class SearchSync:
    """The worker's consumer that keeps the search index current (`search-sync` in `consumer_offsets`).

    With the PostgreSQL backend the documents are written in the transaction that advances the sync's position,
    so the index and the position move together. With Meilisearch a failed write rolls the position back and the
    worker retries the batch: writes are idempotent, so a replay is harmless.
    """

    name = CONSUMER

    def __init__(self, index: SearchIndex, base_url: str) -> None:
        self._index = index
        self._base_url = base_url
        self._synonyms: list[list[str]] | None = None  # the last groups set, to skip rewriting the same ones

    async def handle(self, conn: Connection, batch: Sequence[events.StoredEvent]) -> None:
        keys, glossary = _entry_keys(batch)
        if not keys:
            return
        await sync_entries(conn, self._index, keys, self._base_url)
        if glossary or self._synonyms is None:
            groups = await glossary_synonyms(conn)
            if groups != self._synonyms:
                self._synonyms = None  # unknown until the write succeeds
                await self._index.set_synonyms(groups, conn=conn)
                self._synonyms = groups


async def all_documents(pool: Pool, base_url: str) -> AsyncIterator[SearchDocument]:
    """Every document the index should hold, entry by entry (keyset pages, one short query each)."""
    after = ("", "")
    while True:
        async with pool.acquire() as conn:
            keys = [(r["kind"], r["slug"]) for r in await conn.fetch(_PAGE_KEYS, *after, PAGE)]
            docs = await render_entries(conn, keys, base_url)
        for doc in docs:
            yield doc
        if len(keys) < PAGE:
            return
        after = keys[-1]


async def reindex(pool: Pool, index: SearchIndex, base_url: str) -> int:
    """Rebuild the index from PostgreSQL alone and swap it in; return the number of documents.

    The sync's position stays locked meanwhile, so a worker cannot write a document the rebuild then overwrites
    with an older rendering: changes made during the rebuild are applied by the sync right after it.
    """
    async with pool.acquire() as lock, lock.transaction():
        await lock.execute("INSERT INTO consumer_offsets (name) VALUES ($1) ON CONFLICT DO NOTHING", CONSUMER)
        await lock.execute("SELECT 1 FROM consumer_offsets WHERE name = $1 FOR UPDATE", CONSUMER)
        async with pool.acquire() as conn:
            synonyms = await glossary_synonyms(conn)
        count = await index.reindex(all_documents(pool, base_url), synonyms)
    log.info("search index %s rebuilt with %d documents", index.name, count)
    return count
