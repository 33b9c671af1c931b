"""SQL about citations seen from the citing side: which of a version's citations a newer version of the entry they
cite has left behind (`stale_citations`), which entries cite an entry, and which citations a change of the version
in effect has just made stale.

A citation is stale at an instant when the entry it cites has a version in effect then and the cited version is older
than it (`service/domain/citations.py` says the same in Python). A citation of a version not yet in effect (a
scheduled one) is not stale; retiring the cited entry does not make it stale either.
"""

from __future__ import annotations

from uuid import UUID

import msgspec

from service.store import statuses
from service.store.database import Connection


def in_effect_sql(entry: str, before: str | None, known_before: str | None) -> str:
    """The number of the version of entry row `entry` in effect just before the instant `before` (an SQL expression
    of a timestamptz, None: now) as recorded just before `known_before`, by the timeline rule
    (service/domain/timeline.py, as in `entry_views`). Now, with everything recorded, that is the stored
    `current_version`."""
    if before is None and known_before is None:
        return f"{entry}.current_version"
    at = "now()" if before is None else f"coalesce({before}, now())"
    known = "true" if known_before is None else f"({known_before} IS NULL OR x.published_at < {known_before})"
    timed = f"""(SELECT x.number FROM versions x
        WHERE x.entry_id = {entry}.id AND x.status IN {statuses.RELEASED} AND x.effective_from < {at} AND {known}
        ORDER BY x.published_at DESC, x.number DESC LIMIT 1)"""
    if before is not None and known_before is not None:
        return f"CASE WHEN {before} IS NULL AND {known_before} IS NULL THEN {entry}.current_version ELSE {timed} END"
    return timed


def stale_citations_sql(references: str, before: str | None = None, known_before: str | None = None) -> str:
    """A JSON array (never null) of the stale citations among `references` (an SQL expression of a version's
    `content -> 'references'`), in their order: `{kind, slug, cited_version, current_version}`, the last being the
    cited entry's version in effect at the instant (`in_effect_sql`)."""
    return f"""coalesce((SELECT json_agg(json_build_object('kind', s.kind, 'slug', s.slug,
            'cited_version', s.cited_version, 'current_version', s.current_version) ORDER BY s.ord)
        FROM (SELECT c.kind, c.slug, (r.ref ->> 'version')::int AS cited_version, r.ord,
                     {in_effect_sql("c", before, known_before)} AS current_version
              FROM jsonb_array_elements({references}) WITH ORDINALITY AS r(ref, ord)
              JOIN entries c ON c.kind = r.ref ->> 'kind' AND c.slug = r.ref ->> 'slug') s
        WHERE s.current_version > s.cited_version), '[]'::json)"""


_CITES = """(v.content -> 'references') @> jsonb_build_array(jsonb_build_object('kind', $1::text, 'slug', $2::text))"""


async def touch_citing(conn: Connection, kind: str, slug: str) -> list[tuple[str, str]]:
    """Bump the revision of every entry one of whose versions cites `kind`/`slug` (their reads show its version in
    effect, so their ETags change and every process drops their cached views: the row update notifies
    `canon_entry_changed`); return their (kind, slug). Rows are locked in id order, so two of these never deadlock."""
    rows = await conn.fetch(
        f"""WITH citing AS (
               SELECT e.id FROM entries e
               WHERE e.id IN (SELECT v.entry_id FROM versions v WHERE {_CITES})
               ORDER BY e.id FOR UPDATE)
           UPDATE entries e SET revision = e.revision + 1 FROM citing c WHERE e.id = c.id
           RETURNING e.kind, e.slug""",
        kind,
        slug,
    )
    return [(r["kind"], r["slug"]) for r in rows]


class NewlyStale(msgspec.Struct, frozen=True):
    """A live entry whose version in effect cites a version the cited entry's new version in effect left behind."""

    id: UUID
    kind: str
    slug: str
    version: int
    title: str
    tags: list[str]
    owners: list[str]
    required_teams: list[str]
    review_teams: list[str] | None
    acknowledge_teams: list[str]
    cited_version: int


async def newly_stale(
    conn: Connection, kind: str, slug: str, *, previous: int | None, current: int
) -> list[NewlyStale]:
    """Entries not retired whose version in effect (not expired) cites `kind`/`slug` at a version that was not stale
    while `previous` was in effect (None: nothing was) and is now that `current` is: `previous <= cited < current`."""
    rows = await conn.fetch(
        f"""SELECT e.id, e.kind, e.slug, v.number AS version, v.title, v.tags, v.owners, v.required_teams,
                  v.review_teams, v.acknowledge_teams, (ref ->> 'version')::int AS cited_version
           FROM versions v
           JOIN entries e ON e.id = v.entry_id AND v.number = e.current_version
           CROSS JOIN LATERAL jsonb_array_elements(v.content -> 'references') ref
           WHERE {_CITES} AND ref ->> 'kind' = $1 AND ref ->> 'slug' = $2
             AND e.retired_at IS NULL AND NOT coalesce(v.expires_at <= now(), false)
             AND ($3::int IS NULL OR (ref ->> 'version')::int >= $3) AND (ref ->> 'version')::int < $4
           ORDER BY e.kind, e.slug""",
        kind,
        slug,
        previous,
        current,
    )
    return [NewlyStale(**dict(r)) for r in rows]


async def citing_entries(conn: Connection, cited: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The (kind, slug) of entries not retired whose version in effect or in progress cites one of `cited`."""
    if not cited:
        return []
    rows = await conn.fetch(
        f"""SELECT DISTINCT e.kind, e.slug
           FROM unnest($1::text[], $2::text[]) AS c(kind, slug)
           JOIN versions v ON (v.content -> 'references')
                @> jsonb_build_array(jsonb_build_object('kind', c.kind, 'slug', c.slug))
           JOIN entries e ON e.id = v.entry_id
           WHERE e.retired_at IS NULL AND (v.number = e.current_version OR v.status IN {statuses.OPEN})
           ORDER BY e.kind, e.slug""",
        [k for k, _ in cited],
        [s for _, s in cited],
    )
    return [(r["kind"], r["slug"]) for r in rows]
