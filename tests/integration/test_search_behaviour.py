"""What search finds, in what order, for whom: one behavioural suite run against every `SearchIndex` backend.

The corpus is a small but realistic glossary (definitions with aliases), approved messages that use the glossary's
words in different ways, and assets whose file text was extracted. It is loaded once per backend with `reindex`,
the path both backends share; tests that write restore it. Keeping the index in sync with the database is tested
in `test_search_api.py`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib
import os
import uuid
from collections.abc import AsyncIterator, Iterable
from typing import Any

import asyncpg
import msgspec
import pytest

from service.config import Settings
from service.domain.events import StaleCitation
from service.search.base import SearchDocument, SearchHit, SearchIndex, SearchQuery, SearchResult
from service.search.postgres import PostgresSearchIndex
from service.store.database import create_pool
from service.wiring import open_search_reads
from tests.conftest import TEMPLATE, with_database

NOW = dt.datetime.now(dt.UTC)
BASE = "http://canon.test"


def _doc(kind: str, slug: str, title: str, **fields: Any) -> SearchDocument:
    plural = {"definition": "definitions", "message": "messages", "asset": "assets"}[kind]
    layer = fields.get("status", "published")
    pin = "" if layer == "published" else f"?version={fields.get('version', 1)}"
    fields.setdefault("version", 1)
    fields.setdefault("version_status", "published" if layer == "published" else "draft")
    content_url = f"{BASE}/v1/assets/{slug}/content{pin}" if kind == "asset" else None
    return SearchDocument(
        kind=kind,
        slug=slug,
        title=title,
        api_url=f"{BASE}/v1/{plural}/{slug}{pin}",
        content_url=content_url,
        updated_at=NOW,
        **fields,
    )


CORPUS = [
    _doc(
        "definition",
        "mql",
        "Marketing Qualified Lead",
        aliases=["MQL"],
        summary="A lead marketing has vetted as ready for a sales conversation.",
        body="Fit and engagement both pass the threshold: company size, score, or a demo request.",
        tags=["funnel", "lifecycle"],
        teams=["marketing", "sales"],
    ),
    _doc(
        "definition",
        "sql",
        "Sales Qualified Lead",
        aliases=["SQL"],
        summary="A lead the sales team accepted after a discovery call.",
        body="Budget, authority, need and timing confirmed by an account executive.",
        tags=["funnel", "lifecycle"],
        teams=["sales"],
    ),
    _doc(
        "definition",
        "lead",
        "Lead",
        summary="A person who showed interest in the product.",
        body="Anyone who filled in a form, booked a meeting or was imported from an event list.",
        tags=["funnel"],
        teams=["marketing"],
    ),
    _doc(
        "definition",
        "arr",
        "Annual Recurring Revenue",
        aliases=["ARR"],
        summary="Contracted subscription revenue normalised to one year.",
        body="Excludes one-off services and usage overages.",
        tags=["metrics", "finance"],
        teams=["finance", "sales"],
    ),
    _doc(
        "definition",
        "churn",
        "Customer Churn",
        aliases=["Attrition"],
        summary="Customers who cancelled or did not renew in the period.",
        body="Measured monthly; logo churn and revenue churn are reported separately.",
        tags=["metrics", "retention"],
        teams=["customer-success"],
    ),
    _doc(
        "message",
        "enterprise-positioning",
        "Enterprise positioning",
        summary="positioning · Enterprise buyers",
        message_type="positioning",
        locale="en",
        audience="Enterprise buyers",
        segment="enterprise",
        body="Every MQL gets a reply within one business day, and the rôle of the champion is made explicit.",
        tags=["positioning", "enterprise"],
        teams=["marketing"],
    ),
    _doc(
        "message",
        "discovery-talk-track",
        "Talk track: discovery call",
        summary="talk track · Account executives",
        message_type="talk_track",
        locale="de",
        audience="Account executives",
        segment="enterprise",
        body="Open with the marketing qualified lead's last touch, then map the buying committee.",
        tags=["talk-track"],
        teams=["sales"],
    ),
    _doc(
        "message",
        "pricing-objection",
        "Objection handling: price too high",
        summary="objection handling",
        message_type="objection_handling",
        locale="en",
        audience="Account executives",
        segment="mid-market",
        body="Anchor on return on investment; never discount before the buyer names a budget.",
        tags=["pricing", "objections"],
        teams=["sales"],
    ),
    _doc(
        "message",
        "security-value",
        "Value proposition: security",
        summary="value proposition · Security teams",
        message_type="value_proposition",
        locale="en-US",
        audience="Security teams",
        segment="Enterprise",  # not "enterprise": filters and counts tell them apart
        body="SOC 2 Type II, single sign-on and audit logs: <security> reviews close in days, not months.",
        tags=["security", "enterprise"],
        teams=["product"],
    ),
    _doc(
        "message",
        "pricing-page",
        "Pricing page copy",
        summary="positioning · Self-serve",
        message_type="positioning",
        locale="de",
        segment="self-serve",
        body="Plans start free; teams upgrade when they need single sign-on. Résumé of plan limits below.",
        tags=["pricing"],
        teams=["marketing"],
    ),
    _doc(
        "asset",
        "q3-sales-deck",
        "Q3 sales kickoff deck",
        summary="The kickoff deck for the third quarter.",
        body="q3-kickoff.pptx",
        extracted_text="Pipeline review. Net revenue retention reached 118 percent. Speaker notes: stress the "
        "onboarding playbook and the expansion motion.",
        tags=["deck", "sales"],
        teams=["sales"],
        expires_at=NOW + dt.timedelta(days=90),
    ),
    _doc(
        "asset",
        "security-whitepaper",
        "Security whitepaper",
        summary="How customer data is protected.",
        body="security-whitepaper.pdf",
        extracted_text="Encryption at rest with AES-256, yearly penetration testing, a bug bounty programme.",
        tags=["security"],
        teams=["product"],
    ),
    _doc(
        "asset",
        "pricing-sheet-2023",
        "Pricing sheet 2023",
        summary="Last year's list prices.",
        body="pricing-2023.pdf",
        extracted_text="Enterprise plan list price per seat. Volume discounts from 500 seats.",
        tags=["pricing"],
        teams=["sales"],
        expires_at=NOW - dt.timedelta(days=1),
    ),
    # Work in progress: only editors who ask for drafts see these.
    _doc(
        "definition",
        "pql",
        "Product Qualified Lead",
        status="draft",
        version_status="in_review",
        aliases=["PQL"],
        summary="A trial user whose product usage signals buying intent.",
        tags=["funnel"],
        teams=["product"],
    ),
    _doc(
        "definition",
        "mql",
        "Marketing Qualified Lead",
        status="draft",
        version=2,
        aliases=["MQL", "Hand-raiser"],
        summary="Draft: adds hand-raisers from webinars.",
        tags=["funnel", "lifecycle"],
        teams=["marketing", "sales"],
    ),
]

SYNONYMS = [["Marketing Qualified Lead", "MQL"], ["Sales Qualified Lead", "SQL"], ["Annual Recurring Revenue", "ARR"]]
SYNONYMS += [["Customer Churn", "Attrition"]]


async def _docs(items: Iterable[SearchDocument]) -> AsyncIterator[SearchDocument]:
    for item in items:
        yield item


@pytest.fixture(scope="module")
async def search_database(pg_url: str, template_url: str) -> AsyncIterator[str]:
    """One migrated database for the module: the corpus is loaded once and most tests only read it."""
    name = f"canon_search_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(pg_url)
    try:
        await admin.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    finally:
        await admin.close()
    yield with_database(pg_url, name)
    admin = await asyncpg.connect(pg_url)
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        await admin.close()


@pytest.fixture(scope="module", params=["postgres", "meilisearch"])
async def search_backend(request: pytest.FixtureRequest, search_database: str) -> AsyncIterator[SearchIndex]:
    """Each backend, loaded with the corpus (Meilisearch only when a server is named)."""
    if request.param == "meilisearch":
        url = os.environ.get("CANON_TEST_MEILISEARCH_URL")
        if not url:
            pytest.skip("set CANON_TEST_MEILISEARCH_URL to run the Meilisearch suite")
        module = importlib.import_module("service.search.meilisearch")
        index: SearchIndex = module.MeilisearchIndex(
            url, os.environ.get("CANON_TEST_MEILISEARCH_API_KEY"), index=f"canon_test_{uuid.uuid4().hex[:12]}"
        )
        try:
            assert await index.reindex(_docs(CORPUS), SYNONYMS) == len(CORPUS)
            yield index
        finally:
            await index.close()
        return
    pool = await create_pool(search_database, min_size=1, max_size=3)
    reads = await open_search_reads(search_database, Settings())  # searches run as in the API process
    assert reads is not None
    try:
        index = PostgresSearchIndex(pool, reads=reads)
        assert await index.reindex(_docs(CORPUS), SYNONYMS) == len(CORPUS)
        yield index
    finally:
        await reads.close()
        await pool.close()


@pytest.fixture
def index(search_backend: SearchIndex) -> SearchIndex:
    """The loaded backend, for tests that only search."""
    return search_backend


@pytest.fixture
async def mutable_index(search_backend: SearchIndex) -> AsyncIterator[SearchIndex]:
    """The loaded backend for a test that writes to it; the corpus is restored afterwards (by a reindex)."""
    yield search_backend
    await search_backend.reindex(_docs(CORPUS), SYNONYMS)


async def find(index: SearchIndex, q: str = "", **options: Any) -> SearchResult:
    return await index.search(SearchQuery(q=q, **options))


def slugs(result: SearchResult) -> list[str]:
    return [hit.slug for hit in result.hits]


def of(result: SearchResult, slug: str) -> list[SearchHit]:
    return [hit for hit in result.hits if hit.slug == slug]


# --- ranking --------------------------------------------------------------------------------------------------


async def test_title_matches_rank_above_body_matches(index: SearchIndex) -> None:
    found = slugs(await find(index, "lead"))
    assert found[0] == "lead"  # the whole title
    assert set(found[:3]) == {"lead", "mql", "sql"}  # then the other titles that say it
    assert "discovery-talk-track" in found[3:]  # only its body says "lead"


async def test_alias_matches_rank_like_titles(index: SearchIndex) -> None:
    found = slugs(await find(index, "MQL"))
    assert found[0] == "mql"
    assert "enterprise-positioning" in found


async def test_words_in_asset_text_are_found(index: SearchIndex) -> None:
    result = await find(index, "penetration testing")
    assert slugs(result) == ["security-whitepaper"]
    hit = result.hits[0]
    assert hit.kind == "asset"
    assert hit.content_url == f"{BASE}/v1/assets/security-whitepaper/content"
    assert hit.api_url == f"{BASE}/v1/assets/security-whitepaper"


# --- forgiving queries ----------------------------------------------------------------------------------------


async def test_misspelled_words_are_corrected(index: SearchIndex) -> None:
    assert slugs(await find(index, "qualifed leed"))[:2] in (["mql", "sql"], ["sql", "mql"])
    assert slugs(await find(index, "anual recuring revenue"))[0] == "arr"
    assert slugs(await find(index, "whitepapr"))[0] == "security-whitepaper"


async def test_accents_do_not_matter(index: SearchIndex) -> None:
    assert "pricing-page" in slugs(await find(index, "resume"))  # the text says "Résumé"
    assert "enterprise-positioning" in slugs(await find(index, "role champion"))  # the text says "rôle"
    assert "pricing-page" in slugs(await find(index, "résumé"))


async def test_prefixes_find_words_being_typed(index: SearchIndex) -> None:
    assert "security-whitepaper" in slugs(await find(index, "whitep"))
    assert slugs(await find(index, "marketing quali"))[0] == "mql"
    assert slugs(await find(index, "marketi"))[0] == "mql"


# --- glossary synonyms --------------------------------------------------------------------------------------------


async def test_an_alias_finds_content_that_spells_the_term_out(index: SearchIndex) -> None:
    found = slugs(await find(index, "MQL"))
    assert "discovery-talk-track" in found  # says "marketing qualified lead", never "MQL"


async def test_the_term_finds_content_that_only_uses_the_alias(index: SearchIndex) -> None:
    found = slugs(await find(index, "marketing qualified lead"))
    assert found[0] == "mql"
    assert "enterprise-positioning" in found  # says "MQL", never the words


async def test_synonyms_reach_every_alias_of_a_group(index: SearchIndex) -> None:
    assert slugs(await find(index, "attrition"))[0] == "churn"
    assert "churn" in slugs(await find(index, "customer churn"))


# --- query syntax -------------------------------------------------------------------------------------------------


async def test_quoted_phrases_must_appear_as_written(index: SearchIndex) -> None:
    assert slugs(await find(index, '"net revenue retention"')) == ["q3-sales-deck"]
    assert slugs(await find(index, '"retention revenue net"')) == []


async def test_minus_excludes(index: SearchIndex) -> None:
    with_sales = slugs(await find(index, "qualified lead"))
    assert {"mql", "sql"} <= set(with_sales)
    without = slugs(await find(index, "qualified lead -account"))
    assert "sql" not in without  # its body says "account executive"
    assert "mql" in without


async def test_or_accepts_either(index: SearchIndex) -> None:
    found = set(slugs(await find(index, "attrition OR penetration")))
    assert {"churn", "security-whitepaper"} <= found
    assert "lead" not in found


# --- snippets -----------------------------------------------------------------------------------------------------


async def test_snippets_mark_the_matched_words_and_escape_the_rest(index: SearchIndex) -> None:
    result = await find(index, "audit logs")
    hit = result.hits[0]
    assert hit.slug == "security-value"
    assert "<mark>audit</mark>" in hit.snippet
    assert "<mark>logs</mark>" in hit.snippet
    assert "<security>" not in hit.snippet
    assert "&lt;security&gt;" in hit.snippet


async def test_snippets_mark_a_word_even_when_another_matched_only_in_the_title(index: SearchIndex) -> None:
    result = await find(index, "discovery committee")  # "discovery" is in the title only, "committee" in the body
    assert slugs(result)[0] == "discovery-talk-track"
    assert "<mark>committee</mark>" in result.hits[0].snippet


# --- filters and facets -------------------------------------------------------------------------------------------


async def test_filters_narrow_by_kind_tag_and_team(index: SearchIndex) -> None:
    assert set(slugs(await find(index, "lead", kinds=["message"]))) == {"discovery-talk-track"}
    assert set(slugs(await find(index, "", tags=["pricing"]))) == {"pricing-objection", "pricing-page"}
    assert set(slugs(await find(index, "", teams=["finance"]))) == {"arr"}
    # Values of one filter are alternatives; different filters all apply.
    both = set(slugs(await find(index, "", tags=["pricing", "security"], kinds=["message"])))
    assert both == {"pricing-objection", "pricing-page", "security-value"}


async def test_blank_query_with_filters_is_a_listing_by_title(index: SearchIndex) -> None:
    result = await find(index, "   ", kinds=["definition"])
    assert [hit.title for hit in result.hits] == [
        "Annual Recurring Revenue",
        "Customer Churn",
        "Lead",
        "Marketing Qualified Lead",
        "Sales Qualified Lead",
    ]
    assert result.total == 5


async def test_facets_count_the_filtered_result(index: SearchIndex) -> None:
    result = await find(index, "", facets=["kind", "tags", "teams"])
    assert result.facets["kind"] == {"definition": 5, "message": 5, "asset": 2}
    assert result.facets["tags"]["pricing"] == 2  # the expired price sheet is not counted
    assert result.facets["teams"]["sales"] == 6
    narrowed = await find(index, "lead", facets=["kind"], teams=["sales"])
    assert narrowed.facets == {"kind": {"definition": 2, "message": 1}}
    assert narrowed.total == 3


async def test_no_facets_unless_asked(index: SearchIndex) -> None:
    assert (await find(index, "lead")).facets == {}


async def test_message_filters_narrow_by_type_locale_audience_and_segment(index: SearchIndex) -> None:
    assert set(slugs(await find(index, "", message_types=["positioning"]))) == {
        "enterprise-positioning",
        "pricing-page",
    }
    assert set(slugs(await find(index, "", locales=["de"]))) == {"discovery-talk-track", "pricing-page"}
    assert set(slugs(await find(index, "", audiences=["Account executives"]))) == {
        "discovery-talk-track",
        "pricing-objection",
    }
    # Values are exact: "Enterprise" is another segment than "enterprise".
    assert set(slugs(await find(index, "", segments=["enterprise"]))) == {
        "enterprise-positioning",
        "discovery-talk-track",
    }
    assert slugs(await find(index, "", segments=["Enterprise"])) == ["security-value"]
    assert slugs(await find(index, "", locales=["de-DE"])) == []
    # Any of the values within a filter, all filters together, with the other filters and the query.
    either = set(slugs(await find(index, "", message_types=["talk_track", "value_proposition"])))
    assert either == {"discovery-talk-track", "security-value"}
    assert slugs(await find(index, "", locales=["de"], message_types=["positioning"])) == ["pricing-page"]
    assert slugs(await find(index, "", locales=["en", "de"], segments=["mid-market"], tags=["pricing"])) == [
        "pricing-objection"
    ]
    # "lead" is in definitions too: a message filter leaves out every document that is not a message.
    assert slugs(await find(index, "lead", locales=["de"])) == ["discovery-talk-track"]


async def test_message_facets_count_the_filtered_result(index: SearchIndex) -> None:
    result = await find(index, "", facets=["message_type", "locale", "audience", "segment"])
    assert result.facets == {
        "message_type": {"positioning": 2, "talk_track": 1, "objection_handling": 1, "value_proposition": 1},
        "locale": {"en": 2, "de": 2, "en-US": 1},  # definitions and assets have none: not counted
        "audience": {"Account executives": 2, "Enterprise buyers": 1, "Security teams": 1},
        "segment": {"enterprise": 2, "Enterprise": 1, "mid-market": 1, "self-serve": 1},
    }
    narrowed = await find(index, "", locales=["de"], facets=["kind", "message_type"])
    assert narrowed.facets == {"kind": {"message": 2}, "message_type": {"positioning": 1, "talk_track": 1}}
    assert (await find(index, "", kinds=["definition"], facets=["locale"])).facets == {"locale": {}}


async def test_message_hits_say_their_type_locale_audience_and_segment(index: SearchIndex) -> None:
    [talk] = (await find(index, "discovery committee")).hits
    assert (talk.message_type, talk.locale, talk.audience, talk.segment) == (
        "talk_track",
        "de",
        "Account executives",
        "enterprise",
    )
    [lead] = of(await find(index, "lead"), "lead")
    assert (lead.message_type, lead.locale, lead.audience, lead.segment) == (None, None, None, None)


async def test_a_message_field_changed_alone_is_rewritten(mutable_index: SearchIndex) -> None:
    """Text unchanged, only a field that is no text (here the locale): the document still takes the new value."""
    note = _doc("message", "zephyr-note", "Zephyr note", body="Same words.", message_type="other", locale="en")
    await mutable_index.upsert([note])
    await mutable_index.upsert([msgspec.structs.replace(note, locale="fr", audience="Partners")])
    assert slugs(await find(mutable_index, "zephyr", locales=["en"])) == []
    assert slugs(await find(mutable_index, "zephyr", locales=["fr"], audiences=["Partners"])) == ["zephyr-note"]


async def test_hits_show_stale_citations_as_rendered_and_take_a_change_of_them_alone(
    mutable_index: SearchIndex,
) -> None:
    """A cited entry's newer version takes effect without the citing entry changing: the document's only change is
    its stale citations, and the hit still shows the new ones, in the references' order. They are never searched."""
    note = _doc("message", "zephyr-note", "Zephyr note", body="Same words.", message_type="other", locale="en")
    await mutable_index.upsert([note])
    [hit] = of(await find(mutable_index, "zephyr"), "zephyr-note")
    assert hit.stale_citations == []
    behind = [StaleCitation("definition", "sql", 3, 4), StaleCitation("definition", "mql", 1, 2)]
    await mutable_index.upsert([msgspec.structs.replace(note, stale_citations=behind)])
    [hit] = of(await find(mutable_index, "zephyr"), "zephyr-note")
    assert hit.stale_citations == behind
    further = [StaleCitation("definition", "mql", 1, 3)]
    await mutable_index.upsert([msgspec.structs.replace(note, stale_citations=further)])
    [listed] = of(await find(mutable_index, "", kinds=["message"], locales=["en"]), "zephyr-note")
    assert listed.stale_citations == further
    assert "zephyr-note" not in slugs(await find(mutable_index, "sql"))


async def test_token_restrictions_limit_what_is_visible(index: SearchIndex) -> None:
    found = set(slugs(await find(index, "", restrict_tags=["pricing", "deck"])))
    assert found == {"pricing-objection", "pricing-page", "q3-sales-deck"}
    # A caller's own filter cannot widen a restriction.
    assert slugs(await find(index, "", restrict_tags=["deck"], tags=["security"])) == []
    assert set(slugs(await find(index, "lead", restrict_teams=["marketing"]))) == {"lead", "mql"}


async def test_tags_are_exact_in_filters_restrictions_and_facets(mutable_index: SearchIndex) -> None:
    await mutable_index.upsert(
        [
            _doc("message", "zephyr-letter", "Zephyr letter", tags=["Public"]),
            _doc("message", "zephyr-memo", "Zephyr memo", tags=["public"]),
        ]
    )
    assert slugs(await find(mutable_index, "zephyr", tags=["public"])) == ["zephyr-memo"]
    assert slugs(await find(mutable_index, "zephyr", restrict_tags=["public"])) == ["zephyr-memo"]
    faceted = await find(mutable_index, "zephyr", facets=["tags"])
    assert faceted.facets == {"tags": {"Public": 1, "public": 1}}


# --- visibility ---------------------------------------------------------------------------------------------------


async def test_readers_see_only_published_unexpired_documents(index: SearchIndex) -> None:
    assert slugs(await find(index, "product qualified")) == []  # in review only
    assert "pricing-sheet-2023" not in slugs(await find(index, "pricing"))  # expired yesterday
    assert slugs(await find(index, "hand raiser")) == []  # only the draft of MQL says so
    mql = of(await find(index, "marketing qualified"), "mql")
    assert [(hit.version, hit.status) for hit in mql] == [(1, "published")]


async def test_include_drafts_adds_work_in_progress_and_expired(index: SearchIndex) -> None:
    result = await find(index, "product qualified", include_drafts=True)
    assert [(hit.slug, hit.status, hit.version) for hit in result.hits] == [("pql", "in_review", 1)]
    assert result.hits[0].api_url == f"{BASE}/v1/definitions/pql?version=1"
    mql = [
        (hit.version, hit.status) for hit in (await find(index, "mql", include_drafts=True)).hits if hit.slug == "mql"
    ]
    assert sorted(mql) == [(1, "published"), (2, "draft")]
    expired = [
        hit for hit in (await find(index, "pricing", include_drafts=True)).hits if hit.slug == "pricing-sheet-2023"
    ]
    assert expired[0].expires_at is not None


async def test_expiry_is_applied_at_query_time(index: SearchIndex) -> None:
    assert "q3-sales-deck" in slugs(await find(index, "kickoff"))
    later = await index.search(SearchQuery(q="kickoff"), now=NOW + dt.timedelta(days=91))
    assert slugs(later) == []


async def test_an_answer_seen_before_expiry_is_not_repeated_after_it(mutable_index: SearchIndex) -> None:
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    await mutable_index.upsert([_doc("asset", "flash-sale", "Flash sale one-pager", expires_at=soon)])
    assert slugs(await find(mutable_index, "flash sale")) == ["flash-sale"]
    await asyncio.sleep((soon - dt.datetime.now(dt.UTC)).total_seconds() + 0.05)
    assert slugs(await find(mutable_index, "flash sale")) == []


# --- pagination ---------------------------------------------------------------------------------------------------


async def test_pages_cover_the_result_once_in_order(index: SearchIndex) -> None:
    everything = await find(index, "lead", limit=50)
    seen: list[str] = []
    offset: int | None = 0
    while offset is not None:
        page = await find(index, "lead", limit=2, offset=offset)
        assert page.total == everything.total
        assert len(page.hits) <= 2
        seen.extend(slugs(page))
        offset = page.next_offset
    assert seen == slugs(everything)
    assert everything.next_offset is None


# --- writes -------------------------------------------------------------------------------------------------------


async def test_upserts_replace_and_deletes_remove(mutable_index: SearchIndex) -> None:
    index = mutable_index
    renamed = _doc("definition", "lead", "Prospect", summary="Someone who might buy.", tags=["funnel"])
    await index.upsert([renamed])
    await index.upsert([renamed])  # idempotent
    assert slugs(await find(index, "prospect")) == ["lead"]
    assert (await find(index, "prospect")).hits[0].title == "Prospect"
    await index.delete("definition", "mql", layers=["draft"])
    assert [hit.version for hit in of(await find(index, "mql", include_drafts=True), "mql")] == [1]
    await index.delete("definition", "lead")
    await index.delete("definition", "lead")  # deleting nothing is fine
    assert slugs(await find(index, "prospect")) == []


async def test_synonyms_can_be_replaced(mutable_index: SearchIndex) -> None:
    index = mutable_index
    await index.set_synonyms([["Annual Recurring Revenue", "ARR", "Run rate"]])
    assert slugs(await find(index, "run rate"))[0] == "arr"
    assert "enterprise-positioning" not in slugs(await find(index, "marketing qualified lead"))


async def test_the_index_reports_ready(index: SearchIndex) -> None:
    await index.check()


@pytest.mark.parametrize(
    "text",
    [
        "the",
        "-the",
        "the OR a",
        '"the a"',
        '-"of the"',
        "OR",
        "a:*",
        "!lead",
        "lead & | ! ( ) <->",
        "' OR 1=1 --",
        "\\",
        "x" * 300,
        "ünïcödé ñ",
        "数据 lead",
        "lead" + " lead" * 40,
        "-lead -mql",
        '"unclosed phrase',
    ],
)
async def test_any_text_is_a_valid_query(index: SearchIndex, text: str) -> None:
    result = await find(index, text, facets=["kind"])
    assert result.total >= len(result.hits)
