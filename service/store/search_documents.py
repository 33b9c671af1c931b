"""SQL of the PostgreSQL search backend (`service/search/postgres.py`): the documents, their vocabulary and the
glossary synonyms (tables of migration 0005), written and searched. Statements are composed from constants only:
every value is a $n."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import asyncpg

from service.store.database import Connection

if TYPE_CHECKING:
    import datetime as dt

    from service.search.base import SearchDocument, SearchQuery

CONFIG = "canon_search"
MARK_WORDS = 200  # words snippets may mark: the most frequent of those the query's terms stand for

# Documents whose text is new or changed are written whole (their vectors computed) and their words counted into
# the vocabulary; for the others (a draft submitted, approved: same text, new status) only the small fields that
# moved are updated, and rows that did not change at all are not written: the sync's transaction stays short.
_UPSERT = f"""
WITH docs AS (
    SELECT * FROM json_to_recordset($1::json) AS d(
        kind text, slug text, status text, version integer, version_status text, title text, tags text[],
        teams text[], aliases text[], summary text, body text, extracted_text text, expires_at timestamptz,
        updated_at timestamptz, api_url text, content_url text, message_type text, locale text, audience text,
        segment text, stale_citations jsonb)
), changed AS (
    SELECT d.* FROM docs d
    WHERE NOT EXISTS (SELECT 1 FROM search_documents s
        WHERE (s.kind, s.slug, s.layer) = (d.kind, d.slug, d.status)
          AND (s.title, s.aliases, s.summary, s.body, s.extracted_text)
              IS NOT DISTINCT FROM (d.title, d.aliases, d.summary, d.body, d.extracted_text))
), stored AS (
    INSERT INTO search_documents AS s (kind, slug, layer, version, version_status, title, tags, teams, aliases,
        summary, body, extracted_text, expires_at, updated_at, api_url, content_url, message_type, locale, audience,
        segment, stale_citations, title_key, tsv, names_tsv, head_tsv)
    SELECT kind, slug, status, version, version_status, title, tags, teams, aliases, summary, body, extracted_text,
        expires_at, updated_at, api_url, content_url, message_type, locale, audience, segment,
        coalesce(stale_citations, '[]'), canon_fold(title),
        setweight(to_tsvector('{CONFIG}', title), 'A')
            || setweight(to_tsvector('{CONFIG}', array_to_string(aliases, ' , ')), 'A')
            || setweight(to_tsvector('{CONFIG}', summary), 'B') || setweight(to_tsvector('{CONFIG}', body), 'C')
            || setweight(to_tsvector('{CONFIG}', extracted_text), 'D'),
        to_tsvector('{CONFIG}', title || ' , ' || array_to_string(aliases, ' , ')),
        setweight(to_tsvector('{CONFIG}', title || ' , ' || array_to_string(aliases, ' , ')), 'A')
            || setweight(to_tsvector('{CONFIG}', summary), 'B')
    FROM changed
    ON CONFLICT (kind, slug, layer) DO UPDATE SET version = EXCLUDED.version,
        version_status = EXCLUDED.version_status, title = EXCLUDED.title, tags = EXCLUDED.tags,
        teams = EXCLUDED.teams, aliases = EXCLUDED.aliases, summary = EXCLUDED.summary, body = EXCLUDED.body,
        extracted_text = EXCLUDED.extracted_text, expires_at = EXCLUDED.expires_at,
        updated_at = EXCLUDED.updated_at, api_url = EXCLUDED.api_url, content_url = EXCLUDED.content_url,
        message_type = EXCLUDED.message_type, locale = EXCLUDED.locale, audience = EXCLUDED.audience,
        segment = EXCLUDED.segment, stale_citations = EXCLUDED.stale_citations, title_key = EXCLUDED.title_key,
        tsv = EXCLUDED.tsv, names_tsv = EXCLUDED.names_tsv, head_tsv = EXCLUDED.head_tsv
), moved AS (
    UPDATE search_documents s SET version = d.version, version_status = d.version_status, tags = d.tags,
        teams = d.teams, expires_at = d.expires_at, updated_at = d.updated_at, api_url = d.api_url,
        content_url = d.content_url, message_type = d.message_type, locale = d.locale, audience = d.audience,
        segment = d.segment, stale_citations = coalesce(d.stale_citations, '[]')
    FROM docs d
    WHERE (s.kind, s.slug, s.layer) = (d.kind, d.slug, d.status)
      AND NOT EXISTS (SELECT 1 FROM changed c WHERE (c.kind, c.slug, c.status) = (d.kind, d.slug, d.status))
      AND (s.version, s.version_status, s.tags, s.teams, s.expires_at, s.updated_at, s.api_url, s.content_url,
           s.message_type, s.locale, s.audience, s.segment, s.stale_citations)
          IS DISTINCT FROM (d.version, d.version_status, d.tags, d.teams, d.expires_at, d.updated_at, d.api_url,
              d.content_url, d.message_type, d.locale, d.audience, d.segment, coalesce(d.stale_citations, '[]'))
)
INSERT INTO search_terms AS t (term, hits, stem)
SELECT word, count(*), canon_stem(word) FROM changed, regexp_split_to_table(canon_fold(concat_ws(' ', title,
    array_to_string(aliases, ' '), summary, body, extracted_text)), '[^[:alnum:]]+') AS word
WHERE length(word) BETWEEN 2 AND 40
GROUP BY word
ON CONFLICT (term) DO UPDATE SET hits = t.hits + EXCLUDED.hits"""

_DELETE = """DELETE FROM search_documents
WHERE kind = $1 AND slug = $2 AND ($3::text[] IS NULL OR layer = ANY($3::text[]))"""

# Terms are stored as their folded words joined by single spaces: exactly how a query's words are joined to match.
# Only the difference is written: groups no longer wanted go, new ones come (numbered after the highest), so a
# glossary change rewrites its own group, not all of them.
_SET_SYNONYMS = """
WITH wanted AS (
    SELECT g.ord, array_to_string(x.words, ' ') AS term, x.words
    FROM json_array_elements($1::json) WITH ORDINALITY AS g(terms, ord),
         json_array_elements_text(g.terms) AS t(term),
         LATERAL (SELECT array_remove(regexp_split_to_array(canon_fold(t.term), '[^[:alnum:]]+'), '') AS words) x
    WHERE cardinality(x.words) > 0
), wanted_groups AS (
    SELECT ord, array_agg(DISTINCT term ORDER BY term) AS terms FROM wanted GROUP BY ord
), stored_groups AS (
    SELECT group_id, array_agg(term ORDER BY term) AS terms FROM search_synonyms GROUP BY group_id
), gone AS (
    DELETE FROM search_synonyms s USING stored_groups g
    WHERE s.group_id = g.group_id AND NOT EXISTS (SELECT 1 FROM wanted_groups w WHERE w.terms = g.terms)
), fresh AS (
    SELECT wg.ord, row_number() OVER (ORDER BY wg.ord) AS n FROM wanted_groups wg
    WHERE NOT EXISTS (SELECT 1 FROM stored_groups g WHERE g.terms = wg.terms)
)
INSERT INTO search_synonyms (group_id, term, words)
SELECT (SELECT coalesce(max(group_id), 0) FROM search_synonyms) + f.n, w.term, w.words
FROM wanted w JOIN fresh f USING (ord)
ON CONFLICT DO NOTHING"""

# The difference only: the stored groups equal to a removed group go (unless an added one is the same), added groups
# not stored yet come. Two definitions whose titles and aliases fold to the very same terms share one stored group:
# removing one of them removes it until the next full write (`canon reindex`, or a worker's first write).
_CHANGE_SYNONYMS = """
WITH folded AS (
    SELECT g.side, g.ord, array_to_string(x.words, ' ') AS term, x.words
    FROM (SELECT 'added' AS side, a.terms, a.ord FROM json_array_elements($1::json) WITH ORDINALITY AS a(terms, ord)
          UNION ALL
          SELECT 'removed', r.terms, r.ord FROM json_array_elements($2::json) WITH ORDINALITY AS r(terms, ord)) g,
         json_array_elements_text(g.terms) AS t(term),
         LATERAL (SELECT array_remove(regexp_split_to_array(canon_fold(t.term), '[^[:alnum:]]+'), '') AS words) x
    WHERE cardinality(x.words) > 0
), groups AS (
    SELECT side, ord, array_agg(DISTINCT term ORDER BY term) AS terms FROM folded GROUP BY side, ord
), stored_groups AS (
    SELECT group_id, array_agg(term ORDER BY term) AS terms FROM search_synonyms
    WHERE group_id IN (SELECT group_id FROM search_synonyms WHERE term IN (SELECT term FROM folded))
    GROUP BY group_id
), gone AS (
    DELETE FROM search_synonyms s USING stored_groups g
    WHERE s.group_id = g.group_id
      AND g.terms IN (SELECT terms FROM groups WHERE side = 'removed')
      AND g.terms NOT IN (SELECT terms FROM groups WHERE side = 'added')
), fresh AS (
    SELECT a.ord, row_number() OVER (ORDER BY a.ord) AS n FROM groups a
    WHERE a.side = 'added' AND NOT EXISTS (SELECT 1 FROM stored_groups g WHERE g.terms = a.terms)
)
INSERT INTO search_synonyms (group_id, term, words)
SELECT (SELECT coalesce(max(group_id), 0) FROM search_synonyms) + f.n, w.term, w.words
FROM folded w JOIN fresh f ON w.side = 'added' AND w.ord = f.ord
ON CONFLICT DO NOTHING"""

_SYNONYM_GROUPS = "SELECT array_agg(term ORDER BY term) AS terms FROM search_synonyms GROUP BY group_id"

_GENERATION = "SELECT documents, synonyms FROM search_generation"

# Spelling: of the 50 vocabulary words nearest by trigrams (a GiST index scan), the closest by edit distance
# (1 for short words, 2 for longer), then the most frequent. Completions: the most frequent words the word being
# typed begins (`~>=~`/`~<~` keep that on the text_pattern_ops index).
_LEXICON = """
SELECT u.word, w.f AS folded,
    CASE WHEN u.prefix AND length(w.f) >= 2 THEN ARRAY(
        SELECT t.term FROM search_terms t WHERE t.term ~>=~ w.f AND t.term ~<~ (w.f || chr(1114111))
        ORDER BY t.hits DESC, t.term LIMIT 3) END AS completions,
    CASE WHEN length(w.f) BETWEEN 3 AND 40 AND NOT EXISTS (SELECT 1 FROM search_terms t WHERE t.term = w.f)
        THEN (SELECT k.term FROM (
                SELECT t.term, t.hits, t.term <-> w.f AS distance FROM search_terms t ORDER BY t.term <-> w.f LIMIT 50
            ) k
            WHERE levenshtein_less_equal(k.term, w.f, 2) <= CASE WHEN length(w.f) <= 4 THEN 1 ELSE 2 END
            ORDER BY levenshtein(k.term, w.f), k.hits DESC, k.distance, k.term LIMIT 1) END AS correction
FROM unnest($1::text[], $2::bool[]) AS u(word, prefix), LATERAL (SELECT canon_fold(u.word) AS f) w"""

# `IS TRUE` keeps the layer test off the primary key: PostgreSQL 18 can skip-scan (kind, slug, layer) for it, and
# with the large `tsv` out of line it then likes that scan (testing the query on every row, detoasting each `tsv`)
# better than the GIN index, many times slower for broad words.
_FILTERS = """(d.layer = ANY($2::text[])) IS TRUE
      AND ($3 OR d.expires_at IS NULL OR d.expires_at > $4)
      AND (cardinality($5::text[]) = 0 OR d.kind = ANY($5::text[]))
      AND (cardinality($6::text[]) = 0 OR d.tags && $6::text[])
      AND (cardinality($7::text[]) = 0 OR d.teams && $7::text[])
      AND (cardinality($8::text[]) = 0 OR d.tags && $8::text[])
      AND (cardinality($9::text[]) = 0 OR d.teams && $9::text[])
      AND (cardinality($15::text[]) = 0 OR d.message_type = ANY($15::text[]))
      AND (cardinality($16::text[]) = 0 OR d.locale = ANY($16::text[]))
      AND (cardinality($17::text[]) = 0 OR d.audience = ANY($17::text[]))
      AND (cardinality($18::text[]) = 0 OR d.segment = ANY($18::text[]))"""

# Titles and aliases first: a match of the whole query there adds 1 (a query that is the whole title 1 more), more
# than `ts_rank` (normalised below 1) can add. Only documents whose title, aliases or summary (`head_tsv`) hold at
# least one of the query's terms ($14) are scored at all, and ranking reads the small `head_tsv` (weights
# {D, C, B, A}: summary B 0.4, title and aliases A 1.0), never the large `tsv`: a broad word can match thousands of
# bodies, and scoring each of them was most of a query's cost. Matches only in bodies or asset text score 0 and
# follow, ordered by title. The score is computed while the matching rows are read (the small vectors are stored
# inline, see migration 0009): carrying the vectors into the materialised matches to score them there cost more.
# The query and the folded text are sub-selects: computed once per statement (InitPlans), where a function call in
# the select list would parse and stem the query again for every matching row.
_QUERY = f"(SELECT to_tsquery('{CONFIG}', $1))"
_ANY_QUERY = f"(SELECT to_tsquery('{CONFIG}', $14))"
_SCORE = f"""(CASE WHEN d.head_tsv @@ {_ANY_QUERY} THEN
        (CASE WHEN d.names_tsv @@ {_QUERY} THEN 1 ELSE 0 END
        + CASE WHEN d.title_key = (SELECT canon_fold($13)) THEN 1 ELSE 0 END
        + ts_rank('{{0.05, 0.2, 0.4, 1.0}}', d.head_tsv, {_ANY_QUERY}, 32))
    ELSE 0 END)::float8"""


# A hit's snippet is cut from this text in Python (`snippets.py`): the summary and the start of the body and of the
# file's text. Listings show the start of the first non-empty one.
_SNIPPET_SOURCE = """concat_ws(' … ', nullif(d.summary, ''), nullif(left(d.body, 3000), ''),
    nullif(left(d.extracted_text, 5000), ''))"""
_EXCERPT_SOURCE = "left(coalesce(nullif(d.summary, ''), nullif(d.body, ''), d.extracted_text), 400)"

# The words snippets mark: the vocabulary's words whose stem is one of the query's positive terms, or begins with a
# prefix term ("cycle", "cycles" for `cycl`; "industry", "industrial" for `industr:*`), the most frequent first.
# The terms are read off the stemmed query's text (quoted, a quote doubled, `:*` after a prefix). A query of
# exclusions only marks its excluded words, which no hit holds.
_MARK_WORDS = f"""ARRAY(
    SELECT w.term FROM (
        SELECT replace(l[1], '''''', '''') AS stem, l[2] IS NOT NULL AS prefix
        FROM regexp_matches(coalesce({_ANY_QUERY}, {_QUERY})::text, '''((?:[^'']|'''')+)''(:\\*)?', 'g') AS l
    ) q CROSS JOIN LATERAL (
        SELECT t.term, t.hits FROM search_terms t WHERE NOT q.prefix AND t.stem = q.stem
        UNION ALL
        (SELECT t.term, t.hits FROM search_terms t
         WHERE q.prefix AND t.stem ~>=~ q.stem AND t.stem ~<~ (q.stem || chr(1114111))
         ORDER BY t.hits DESC LIMIT {MARK_WORDS})
    ) w
    ORDER BY w.hits DESC LIMIT {MARK_WORDS})"""

_ORDER = "{p}score DESC, {p}title_key, {p}kind, {p}slug, {p}layer DESC"


def _value_facet(column: str) -> str:
    """Counts of a one-value column (a message's type, locale, audience, segment), when asked for: documents
    without a value (other kinds) are not counted."""
    return f"""CASE WHEN '{column}' = ANY($12::text[]) THEN (SELECT coalesce(json_object_agg(f.value, f.n), '{{}}')
        FROM (SELECT {column} AS value, count(*) AS n FROM matched WHERE {column} IS NOT NULL
              GROUP BY {column} ORDER BY n DESC, value LIMIT 100) f)::text END AS {column}"""


_MESSAGE_FACETS = ",\n    ".join(_value_facet(column) for column in ("message_type", "locale", "audience", "segment"))


def _search_sql(*, text: bool) -> str:
    """One statement: the filtered matches (materialised once), their count, the page with snippets, the facets
    asked for, and the earliest future expiry among them (how long a cached copy of the answer stays true)."""
    if text:
        match = f"AND d.tsv @@ to_tsquery('{CONFIG}', $1)"
        score, source, words = _SCORE, _SNIPPET_SOURCE, _MARK_WORDS
    else:
        match = "AND $1::text IS NULL AND $13::text IS NULL AND $14::text IS NULL"
        score, source, words = "0::float8", _EXCERPT_SOURCE, "'{}'::text[]"
    return f"""
WITH matched AS MATERIALIZED (
    SELECT d.kind, d.slug, d.layer, d.tags, d.teams, d.expires_at, d.title_key, d.message_type, d.locale,
        d.audience, d.segment, {score} AS score
    FROM search_documents d
    WHERE {_FILTERS}
      {match}
), page AS (
    SELECT m.kind, m.slug, m.layer, m.title_key, m.score
    FROM matched m
    ORDER BY {_ORDER.format(p="")} LIMIT $10 OFFSET $11
)
SELECT (SELECT count(*) FROM matched) AS total,
    (SELECT min(expires_at) FROM matched WHERE expires_at > $4) AS changes_at,
    (SELECT coalesce(json_agg(json_build_object('kind', d.kind, 'slug', d.slug, 'title', d.title,
        'version', d.version, 'status', d.version_status, 'source', {source}, 'score', p.score,
        'api_url', d.api_url, 'content_url', d.content_url, 'tags', d.tags, 'teams', d.teams,
        'expires_at', d.expires_at, 'message_type', d.message_type, 'locale', d.locale, 'audience', d.audience,
        'segment', d.segment, 'stale_citations', d.stale_citations) ORDER BY {_ORDER.format(p="p.")}), '[]')
     FROM page p JOIN search_documents d USING (kind, slug, layer))::text AS hits,
    {words} AS words,
    CASE WHEN 'kind' = ANY($12::text[]) THEN (SELECT coalesce(json_object_agg(f.kind, f.n), '{{}}') FROM (
        SELECT kind, count(*) AS n FROM matched GROUP BY kind ORDER BY n DESC, kind) f)::text END AS kind,
    CASE WHEN 'tags' = ANY($12::text[]) THEN (SELECT coalesce(json_object_agg(f.tag, f.n), '{{}}') FROM (
        SELECT tag, count(*) AS n FROM (SELECT unnest(tags) AS tag FROM matched) t
        GROUP BY tag ORDER BY n DESC, tag LIMIT 100) f)::text END AS tags,
    CASE WHEN 'teams' = ANY($12::text[]) THEN (SELECT coalesce(json_object_agg(f.team, f.n), '{{}}') FROM (
        SELECT team, count(*) AS n FROM (SELECT unnest(teams) AS team FROM matched) t
        GROUP BY team ORDER BY n DESC, team LIMIT 100) f)::text END AS teams,
    {_MESSAGE_FACETS}"""


_TEXT_SEARCH = _search_sql(text=True)
_LISTING = _search_sql(text=False)


# --- writes ---------------------------------------------------------------------------------------------------------


async def upsert(conn: Connection, docs: Sequence[SearchDocument]) -> None:
    """Insert or replace documents by (kind, slug, layer), counting the words of new text into the vocabulary."""
    await conn.execute(_UPSERT, list(docs))


async def delete(conn: Connection, kind: str, slug: str, layers: Sequence[str] | None) -> None:
    """Remove an entry's documents (only `layers`, when given)."""
    await conn.execute(_DELETE, kind, slug, None if layers is None else list(layers))


async def set_synonyms(conn: Connection, groups: Sequence[Sequence[str]]) -> None:
    """Make the stored synonym groups these (groups of one term are not groups)."""
    await conn.execute(_SET_SYNONYMS, [list(group) for group in groups if len(group) > 1])


async def change_synonyms(
    conn: Connection, *, removed: Sequence[Sequence[str]], added: Sequence[Sequence[str]]
) -> None:
    """Write only a difference of synonym groups (groups of one term are not groups)."""
    removed = [list(group) for group in removed if len(group) > 1]
    added = [list(group) for group in added if len(group) > 1]
    if removed or added:
        await conn.execute(_CHANGE_SYNONYMS, added, removed)


async def clear(conn: Connection) -> None:
    """Delete every document and the vocabulary (a rebuild's first step, in its transaction). Deletes, not TRUNCATE:
    readers keep reading the old rows until the rebuild commits, without waiting on a lock."""
    await conn.execute("DELETE FROM search_documents")
    await conn.execute("DELETE FROM search_terms")


async def vacuum(conn: Connection) -> None:
    """Mark the search tables' pages all-visible and refresh their statistics (outside a transaction)."""
    await conn.execute("VACUUM (ANALYZE) search_documents, search_terms, search_synonyms")


# --- reads ----------------------------------------------------------------------------------------------------------


async def probe(conn: Connection) -> None:
    """Raise unless the documents can be read."""
    await conn.fetchval("SELECT 1 FROM search_documents LIMIT 1")


async def generation(conn: Connection) -> tuple[int, int]:
    """How many times the documents and the synonyms have changed (bumped by triggers)."""
    row = await conn.fetchrow(_GENERATION)
    return (row["documents"], row["synonyms"]) if row else (0, 0)


async def lexicon(conn: Connection, words: Sequence[str], prefixes: Sequence[bool]) -> list[asyncpg.Record]:
    """Per word (in order): `word`, `folded`, `completions` (when a prefix) and `correction` (when unknown)."""
    return await conn.fetch(_LEXICON, list(words), list(prefixes))


async def synonym_groups(conn: Connection) -> list[list[str]]:
    """The stored groups, each its terms (folded words joined by single spaces)."""
    return [row["terms"] for row in await conn.fetch(_SYNONYM_GROUPS)]


async def find(
    conn: Connection, query: SearchQuery, tsquery: str | None, any_term: str | None, moment: dt.datetime
) -> asyncpg.Record | None:
    """One search: `total`, `changes_at`, the page's `hits` (JSON text), the `words` snippets mark, and a JSON text
    column per facet asked for. A listing when `tsquery` is None."""
    return await conn.fetchrow(
        _LISTING if tsquery is None else _TEXT_SEARCH,
        tsquery,
        ["published", "draft"] if query.include_drafts else ["published"],
        query.include_drafts,  # editors see expired documents too (hits say when they expired)
        moment,
        query.kinds,
        query.tags,
        query.teams,
        query.restrict_tags,
        query.restrict_teams,
        query.limit,
        query.offset,
        list(query.facets),
        None if tsquery is None else " ".join(query.q.split()),
        None if tsquery is None else any_term,
        query.message_types,
        query.locales,
        query.audiences,
        query.segments,
    )
