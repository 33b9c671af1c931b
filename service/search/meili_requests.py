"""What Canon sends to Meilisearch and how it reads the answers: pure code, no I/O (see `meilisearch.py`).

- Documents carry `SearchDocument`'s fields (`stale_citations` is only stored and retrieved, never searched) plus
  `id` (the `doc_id`), `sort_title`, `expires_ms` (epoch milliseconds, a far-future sentinel when the document
  never expires), `tag_keys` and, for messages,
  `locale_key`, `audience_key` and `segment_key` for filtering and sorting. Meilisearch compares filter and facet
  values lower-cased, trimmed and Unicode-normalised, where Canon's values are exact ("Public" is not "public", and a
  search token restricted to one must not see the other): tags, locales, audiences and segments are filtered and
  counted by those keys, their UTF-8 in hexadecimal, which that normalisation leaves alone. A message type is one of
  a few lower-case names, filtered as it is.
- Meilisearch reads only the first ten words of `q`: a longer query puts its exclusions first, so that the words
  it drops are required ones (a wider result) and never an exclusion (a leak of what the caller excluded).
- The query language (`query.parse`) is rendered in Meilisearch's own syntax: all words required
  (`matchingStrategy: all`), `"phrases"`, `-word` and `-"phrase"` exclusions (Meilisearch 1.8+), the last word a
  prefix (Meilisearch always treats it so). Meilisearch has no OR: a query with OR becomes one query per
  combination of alternatives, run as one federated multi-search (1.11+), which merges, de-duplicates and counts
  facets over the union.
- Typos, accents and synonyms are Meilisearch's own features, configured by `INDEX_SETTINGS` and `synonyms()`.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
from collections.abc import Sequence
from typing import Any

import msgspec

from service.domain.events import StaleCitation
from service.search import query as lang
from service.search.base import MARK_CLOSE, MARK_OPEN, MAX_WINDOW, Layer, SearchDocument, SearchHit, SearchQuery

MAX_COMBINATIONS = 16  # OR alternatives expanded into at most this many queries
MAX_QUERY_WORDS = 10  # Meilisearch ignores the words of `q` after the tenth
NEVER_MS = 253_402_300_799_000  # 9999-12-31T23:59:59Z: the expiry of documents that never expire
_OPEN, _CLOSE = "\u2983", "\u2984"  # highlight sentinels: the snippet is HTML-escaped, then they become <mark>
SNIPPET_FIELDS = ("summary", "body", "extracted_text")
# The facets (and fields) Meilisearch filters and counts by an exact key, and the attribute holding it.
KEYED = {"tags": "tag_keys", "locale": "locale_key", "audience": "audience_key", "segment": "segment_key"}
CROP_WORDS = 24
RETRIEVE = [
    "kind",
    "slug",
    "title",
    "version",
    "version_status",
    "api_url",
    "content_url",
    "tags",
    "teams",
    "expires_at",
    "message_type",
    "locale",
    "audience",
    "segment",
    "stale_citations",
]
SORT = ["sort_title:asc", "kind:asc", "slug:asc", "status:desc"]  # the listing order; a tie-break for queries

INDEX_SETTINGS: dict[str, Any] = {
    # Order is rank: a match in the title or an alias beats one in the summary, then the body, then file text.
    "searchableAttributes": ["title", "aliases", "summary", "body", "extracted_text"],
    # Filtering on an attribute also lets searches count its values (`facets`).
    "filterableAttributes": [
        "kind",
        "tag_keys",
        "teams",
        "status",
        "expires_ms",
        "message_type",
        "locale_key",
        "audience_key",
        "segment_key",
    ],
    "sortableAttributes": ["sort_title", "kind", "slug", "status"],
    # "attribute" right after "words": where a word matched outranks how well (typos, proximity) it matched.
    "rankingRules": ["words", "attribute", "typo", "proximity", "exactness", "sort"],
    # One typo from 4 letters ("leed" finds "lead"), two from 8 ("qualifed" would need only one).
    "typoTolerance": {"enabled": True, "minWordSizeForTypos": {"oneTypo": 4, "twoTypos": 8}},
    "faceting": {"maxValuesPerFacet": 100, "sortFacetValuesBy": {"*": "count"}},
    "pagination": {"maxTotalHits": MAX_WINDOW},
}


def doc_id(kind: str, slug: str, layer: str) -> str:
    """The Meilisearch primary key of an entry's layer: the same as `SearchDocument.doc_id`."""
    return f"{kind}__{slug}__{layer}"


def doc_ids(kind: str, slug: str, layers: Sequence[Layer] | None) -> list[str]:
    return [doc_id(kind, slug, layer) for layer in (layers if layers is not None else ("published", "draft"))]


def _epoch_ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


def _plain(text: str) -> str:
    return text.replace(_OPEN, "").replace(_CLOSE, "")  # document text never forges a highlight


def document(doc: SearchDocument) -> dict[str, Any]:
    """The JSON object Meilisearch stores for `doc`."""
    body: dict[str, Any] = msgspec.to_builtins(doc)
    for field in SNIPPET_FIELDS:
        body[field] = _plain(body[field])
    body["id"] = doc.doc_id
    body["sort_title"] = doc.title.casefold()
    body["expires_ms"] = NEVER_MS if doc.expires_at is None else _epoch_ms(doc.expires_at)
    body["tag_keys"] = [tag_key(tag) for tag in doc.tags]
    for field in ("locale", "audience", "segment"):
        value = getattr(doc, field)
        body[KEYED[field]] = None if value is None else tag_key(value)
    return body


def tag_key(tag: str) -> str:
    """A tag (or a locale, audience, segment) as Meilisearch filters and counts it exactly (see the docstring)."""
    return tag.encode().hex()


def facet_names(facets: Sequence[str]) -> list[str]:
    """The attributes to count for the facets asked for (tags and message labels are counted by their keys)."""
    return [KEYED.get(name, name) for name in facets]


def facet_counts(distribution: dict[str, dict[str, int]], facets: Sequence[str]) -> dict[str, dict[str, int]]:
    """The facets asked for, from Meilisearch's `facetDistribution` (keys turned back into their values)."""
    counts: dict[str, dict[str, int]] = {}
    for name, attribute in zip(facets, facet_names(facets), strict=True):
        values = dict(distribution.get(attribute, {}))
        counts[name] = {bytes.fromhex(key).decode(): n for key, n in values.items()} if name in KEYED else values
    return counts


def synonyms(groups: Sequence[Sequence[str]]) -> dict[str, list[str]]:
    """Multi-way synonyms: every term of a group stands for each of the others (Meilisearch maps one way only)."""
    mapping: dict[str, list[str]] = {}
    for group in groups:
        terms = list(dict.fromkeys(" ".join(term.split()).lower() for term in group if term.strip()))
        if len(terms) < 2:
            continue
        for term in terms:
            known = mapping.setdefault(term, [])
            known.extend(other for other in terms if other != term and other not in known)
    return mapping


def quoted(value: str) -> str:
    """A filter string value: double-quoted, with backslashes and double quotes escaped."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _any_of(attribute: str, values: Sequence[str]) -> str:
    return f"{attribute} IN [{', '.join(quoted(v) for v in values)}]"


def filters(query: SearchQuery, now: dt.datetime) -> list[str]:
    """The filter as an array of conditions, all required (each an IN: any of its values)."""
    layers: list[str] = ["published", "draft"] if query.include_drafts else ["published"]
    conditions = [_any_of("status", layers)]
    if not query.include_drafts:  # readers never see an expired document; editors see it (hits say when)
        conditions.append(f"expires_ms > {_epoch_ms(now)}")
    for attribute, values in (
        ("kind", query.kinds),
        ("tag_keys", [tag_key(tag) for tag in query.tags]),
        ("teams", query.teams),
        ("message_type", query.message_types),
        ("locale_key", [tag_key(value) for value in query.locales]),
        ("audience_key", [tag_key(value) for value in query.audiences]),
        ("segment_key", [tag_key(value) for value in query.segments]),
        ("tag_keys", [tag_key(tag) for tag in query.restrict_tags]),
        ("teams", query.restrict_teams),
    ):
        if values:
            conditions.append(_any_of(attribute, values))
    return conditions


def _term(term: lang.Term) -> str:
    text = " ".join(term.words)
    if term.phrase:
        text = f'"{text}"'
    return f"-{text}" if term.negated else text


def query_texts(q: str) -> list[str]:
    """`q` in Meilisearch syntax: one string, or one per combination of OR alternatives; [] for a listing."""
    parsed = lang.parse(q)
    combinations = itertools.islice(itertools.product(*(clause.terms for clause in parsed.clauses)), MAX_COMBINATIONS)
    texts = [" ".join(_term(term) for term in _exclusions_first(terms)) for terms in combinations]
    return [] if parsed.empty else texts


def _exclusions_first(terms: Sequence[lang.Term]) -> Sequence[lang.Term]:
    """Past Meilisearch's word limit, the exclusions go first (their order does not matter: all are required)."""
    if sum(len(term.words) for term in terms) <= MAX_QUERY_WORDS:
        return terms  # as typed: the last word stays the prefix being typed
    return sorted(terms, key=lambda term: not term.negated)


def _search_params(query: SearchQuery, text: str, now: dt.datetime) -> dict[str, Any]:
    params: dict[str, Any] = {
        "q": text,
        "filter": filters(query, now),
        "sort": SORT,
        "matchingStrategy": "all",
        "attributesToRetrieve": RETRIEVE,
        "attributesToHighlight": list(SNIPPET_FIELDS),
        "attributesToCrop": list(SNIPPET_FIELDS),
        "cropLength": CROP_WORDS,
        "cropMarker": "…",
        "highlightPreTag": _OPEN,
        "highlightPostTag": _CLOSE,
        "showRankingScore": True,
    }
    return params


def search_body(query: SearchQuery, text: str, now: dt.datetime) -> dict[str, Any]:
    """The body of `POST /indexes/{uid}/search` for one query string ("" for a listing)."""
    body = _search_params(query, text, now)
    body.update(offset=query.offset, limit=query.limit + 1)  # one more than shown: whether another page follows
    if query.facets:
        body["facets"] = facet_names(query.facets)
    return body


def federated_body(query: SearchQuery, texts: Sequence[str], now: dt.datetime, index_uid: str) -> dict[str, Any]:
    """The body of `POST /multi-search` merging one query per string: paging and facets belong to the federation."""
    federation: dict[str, Any] = {"offset": query.offset, "limit": query.limit + 1}
    if query.facets:
        federation["facetsByIndex"] = {index_uid: facet_names(query.facets)}
        federation["mergeFacets"] = {}
    return {
        "federation": federation,
        "queries": [{"indexUid": index_uid, **_search_params(query, text, now)} for text in texts],
    }


class _Federation(msgspec.Struct, frozen=True, rename="camel"):
    weighted_ranking_score: float = 0.0


class _Hit(msgspec.Struct, frozen=True):
    kind: str
    slug: str
    title: str
    version: int
    version_status: str = "published"
    api_url: str = ""
    content_url: str | None = None
    tags: list[str] = msgspec.field(default_factory=list)
    teams: list[str] = msgspec.field(default_factory=list)
    expires_at: dt.datetime | None = None
    message_type: str | None = None
    locale: str | None = None
    audience: str | None = None
    segment: str | None = None
    stale_citations: list[StaleCitation] = msgspec.field(default_factory=list)
    formatted: dict[str, Any] | None = msgspec.field(default=None, name="_formatted")
    ranking_score: float | None = msgspec.field(default=None, name="_rankingScore")
    federation: _Federation | None = msgspec.field(default=None, name="_federation")


class Response(msgspec.Struct, frozen=True, rename="camel"):
    """The parts of a search (or federated multi-search) response Canon reads."""

    hits: list[_Hit]
    estimated_total_hits: int | None = None
    total_hits: int | None = None
    facet_distribution: dict[str, dict[str, int]] | None = None


response_decoder = msgspec.json.Decoder(Response)


def snippet(formatted: dict[str, Any] | None) -> str:
    """Up to two highlighted passages (summary, body, file text), HTML-escaped, matches in <mark>; without any
    match, the beginning of the first non-empty one."""
    values = [str(formatted.get(field) or "") for field in SNIPPET_FIELDS] if formatted else []
    matched = [value for value in values if _OPEN in value]
    chosen = matched[:2] or [value for value in values if value.strip()][:1]
    text = " … ".join(" ".join(value.split()) for value in chosen)
    return html.escape(text, quote=False).replace(_OPEN, MARK_OPEN).replace(_CLOSE, MARK_CLOSE)


def hit(raw: _Hit, *, scored: bool) -> SearchHit:
    score = 0.0
    if scored:
        score = raw.ranking_score if raw.ranking_score is not None else 0.0
        if raw.ranking_score is None and raw.federation is not None:
            score = raw.federation.weighted_ranking_score
    return SearchHit(
        kind=raw.kind,
        slug=raw.slug,
        title=raw.title,
        version=raw.version,
        status=raw.version_status,
        snippet=snippet(raw.formatted),
        score=round(score, 6),
        api_url=raw.api_url,
        content_url=raw.content_url,
        tags=raw.tags,
        teams=raw.teams,
        expires_at=raw.expires_at,
        message_type=raw.message_type,
        locale=raw.locale,
        audience=raw.audience,
        segment=raw.segment,
        stale_citations=raw.stale_citations,
    )
