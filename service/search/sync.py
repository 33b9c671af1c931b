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
from service.domain.model import VersionStatus
from service.search.base import Layer, SearchDocument, SearchIndex
from service.store import citations, events, search_sources
from service.store.database import Connection, Pool
from service.store.search_sources import VersionRow

log = logging.getLogger(__name__)

CONSUMER = "search-sync"
MAX_EXTRACTED_CHARS = 300_000  # keeps one huge file from dominating the index (and within tsvector limits)
PAGE = 500
_LAYERS: tuple[Layer, ...] = ("published", "draft")
# Events after which a definition's published title or aliases may differ: its synonym group is looked at again.
_GLOSSARY_ACTIONS = frozenset({"published", "effective", "retired", "restored"})


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


def render(row: VersionRow, base_url: str) -> SearchDocument:
    """The document of one version."""
    kind, slug, number = row.kind, row.slug, row.number
    layer: Layer = "published" if row.status == VersionStatus.published else "draft"
    content: dict[str, Any] = row.content or {}
    path = f"{base_url}{KINDS[kind].path}/{slug}"
    pin = "" if layer == "published" else f"?version={number}"
    return SearchDocument(
        kind=kind,
        slug=slug,
        status=layer,
        version=number,
        version_status=row.status,
        title=row.title,
        tags=list(row.tags),
        teams=list(row.owners),
        aliases=[str(a) for a in content.get("aliases") or []] if kind == DEFINITION.name else [],
        summary=_summary(kind, content),
        body=_body(kind, content),
        extracted_text=(row.extracted_text or "")[:MAX_EXTRACTED_CHARS],
        expires_at=row.expires_at,
        updated_at=row.updated_at,
        api_url=path + pin,
        content_url=f"{path}/content{pin}" if kind == ASSET.name and content.get("sha256") else None,
        # What search filters and counts messages by, as the content has it (as `GET /v1/messages` filters them).
        message_type=_field(kind, content, "message_type"),
        locale=_field(kind, content, "locale"),
        audience=_field(kind, content, "audience"),
        segment=_field(kind, content, "segment"),
        stale_citations=list(row.stale_citations),
    )


def _field(kind: str, content: dict[str, Any], name: str) -> str | None:
    """A message's content field as text (None for other kinds, and when absent or empty)."""
    value = content.get(name) if kind == MESSAGE.name else None
    return None if value is None or value == "" else str(value)


async def render_entries(conn: Connection, keys: Sequence[tuple[str, str]], base_url: str) -> list[SearchDocument]:
    """The documents of these entries as the database has them now (none for retired or unknown entries)."""
    if not keys:
        return []
    return [render(row, base_url) for row in await search_sources.version_rows(conn, keys)]


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


async def glossary_groups(conn: Connection, slugs: Sequence[str] | None = None) -> dict[str, list[str]]:
    """The synonym group of each published definition with aliases (of `slugs` only, when given), by slug."""
    found = await search_sources.glossary(conn, slugs)
    return {slug: [title, *(str(a) for a in aliases)] for slug, title, aliases in found}


async def glossary_synonyms(conn: Connection) -> list[list[str]]:
    """One group per published definition with aliases: its title and its aliases stand for each other."""
    return list((await glossary_groups(conn)).values())


async def refresh_blob(conn: Connection, index: SearchIndex, sha256: str, base_url: str) -> None:
    """Re-index the asset versions whose file is `sha256` (after its text was extracted into `asset_texts`)."""
    await sync_entries(conn, index, await search_sources.entries_naming_file(conn, sha256), base_url)


def _entry_keys(
    batch: Iterable[events.StoredEvent],
) -> tuple[list[tuple[str, str]], list[str], list[tuple[str, str]]]:
    """The entries the batch is about, the definitions whose synonym group may have changed, and the entries whose
    version in effect changed (the documents of the entries citing them show it in `stale_citations`)."""
    keys: dict[tuple[str, str], None] = {}
    glossary: dict[str, None] = {}
    moved: dict[tuple[str, str], None] = {}
    for event in batch:
        kind, _, action = event.type.partition(".")
        slug = event.data.get("slug")
        if kind not in KINDS or not isinstance(slug, str):
            continue  # webhook.* and other events say nothing about entries
        keys[(kind, slug)] = None
        if kind == DEFINITION.name and action in _GLOSSARY_ACTIONS:
            glossary[slug] = None
        if action == "effective":
            moved[(kind, slug)] = None
    return list(keys), list(glossary), list(moved)


class SearchSync:
    """The worker's consumer that keeps the search index current (`search-sync` in `consumer_offsets`).

    With the PostgreSQL backend the documents are written in the transaction that advances the sync's position,
    so the index and the position move together. With Meilisearch a failed write rolls the position back and the
    worker retries the batch: writes are idempotent, so a replay is harmless.

    That transaction holds back the event feed's horizon for every consumer (decisions #1), so a batch does only
    what its events need: entries are re-rendered and written with one statement each way (unchanged documents
    are not rewritten), and the glossary's synonyms are touched only when a published definition's group really
    changed. The groups are kept here by slug, and trusted only while this process was the last to move the
    sync's position (compared with the position row, which the batch holds locked): after another worker's
    batches, or a failed commit, they are read again.
    """

    name = CONSUMER

    def __init__(self, index: SearchIndex, base_url: str) -> None:
        self._index = index
        self._base_url = base_url
        self._groups: dict[str, list[str]] | None = None  # the groups last written, by definition slug
        self._position: tuple[int, int] | None = None  # the position after the last batch this process handled

    async def handle(self, conn: Connection, batch: Sequence[events.StoredEvent]) -> None:
        keys, definitions, moved = _entry_keys(batch)
        if moved:
            citing = await citations.citing_entries(conn, moved)
            keys = list(dict.fromkeys([*keys, *citing]))
        if keys:
            await self._sync(conn, keys, definitions)
        self._position = (batch[-1].txid, batch[-1].id) if batch else self._position

    async def _sync(self, conn: Connection, keys: list[tuple[str, str]], definitions: list[str]) -> None:
        await sync_entries(conn, self._index, keys, self._base_url)
        if self._groups is not None and definitions and not await self._position_is_ours(conn):
            self._groups = None  # another worker may have written the synonyms since
        if self._groups is None:
            await self._write_synonyms(conn, await glossary_groups(conn))
        elif definitions:
            current = await glossary_groups(conn, definitions)
            if any(self._groups.get(slug) != current.get(slug) for slug in definitions):
                kept = {slug: group for slug, group in self._groups.items() if slug not in definitions}
                await self._write_synonyms(conn, kept | current, previous=list(self._groups.values()))

    async def _position_is_ours(self, conn: Connection) -> bool:
        """Whether the committed position (its row locked by the batch being handled) is where this process left it."""
        position = await events.position(conn, CONSUMER)
        return position is not None and position == self._position

    async def _write_synonyms(
        self, conn: Connection, groups: dict[str, list[str]], previous: list[list[str]] | None = None
    ) -> None:
        """Write these groups (only their difference from `previous`, the groups this process wrote last)."""
        self._groups = None  # unknown until the write succeeds
        await self._index.set_synonyms(list(groups.values()), conn=conn, previous=previous)
        self._groups = groups


async def all_documents(pool: Pool, base_url: str) -> AsyncIterator[SearchDocument]:
    """Every document the index should hold, entry by entry (keyset pages, one short query each)."""
    after = ("", "")
    while True:
        async with pool.acquire() as conn:
            keys = await search_sources.entry_keys(conn, after, PAGE)
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
        await events.lock_position(lock, CONSUMER)
        async with pool.acquire() as conn:
            synonyms = await glossary_synonyms(conn)
        count = await index.reindex(all_documents(pool, base_url), synonyms)
    log.info("search index %s rebuilt with %d documents", index.name, count)
    return count
