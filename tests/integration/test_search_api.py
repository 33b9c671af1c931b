"""`/v1/search` over HTTP: content published through the API becomes searchable through the worker's sync, who may
search what, search tokens, parameter errors and CORS for the portal's browser calls."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import AsyncIterator
from typing import Any

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from service.config import Settings
from service.search import sync, tokens
from service.search.sync import SearchSync
from service.store.database import transaction
from service.usecases.search import SearchPage
from service.wiring import build_worker
from service.worker import drain
from tests.asset_fixtures import (
    PDF,
    create_entry,
    in_app,
    message_body,
    publish_entry,
    published_asset,
    running_client,
    services,
    sha,
)
from tests.support import Api, current_etag, edit_draft, full_problem, start_version


async def synced(client: AsyncTestClient[Any]) -> int:
    """Run the worker's search sync until it has handled every event (as `canon worker` would)."""
    found = services(client)
    consumer = SearchSync(found.search, found.settings.public_url)
    return await in_app(client, drain, found.pool, consumer)


async def search(client: AsyncTestClient[Any], headers: dict[str, str] | None = None, **params: Any) -> SearchPage:
    response = await client.get("/v1/search", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return msgspec.json.decode(response.content, type=SearchPage)


def slugs(page: SearchPage) -> list[str]:
    return [hit.slug for hit in page.hits]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Search answers straight after a sync, never from a cache trusted for 0.1 s (what production does)."""
    return msgspec.structs.replace(settings, search_cache_recheck_seconds=0.0)


@pytest.fixture
async def api(client: AsyncTestClient[Any]) -> Api:
    return Api(client)


async def publish_message(api: Api, slug: str, body: str, **overrides: Any) -> None:
    await create_entry(api, "messages", {**message_body(slug, body=body), **overrides})
    await publish_entry(api, "messages", slug)


# --- sync -----------------------------------------------------------------------------------------------------------


async def test_published_entries_become_searchable_and_retired_ones_leave(api: Api) -> None:
    client = api.client
    reader = await api.key("reader")
    await api.published("mql")
    await api.create("sql", title="Sales Qualified Lead", content={"summary": "Accepted by sales.", "aliases": ["SQL"]})
    assert await synced(client) > 0

    page = await search(client, reader, q="qualified lead")
    assert slugs(page) == ["mql"]  # the SQL is only a draft
    hit = page.hits[0]
    assert (hit.kind, hit.version, hit.status) == ("definition", 1, "published")
    assert hit.api_url == "http://canon.test/v1/definitions/mql"
    assert "<mark>" in hit.snippet or hit.title == "Marketing Qualified Lead"

    response = await client.post("/v1/definitions/mql/retire", headers={"If-Match": await current_etag(client, "mql")})
    assert response.status_code == 200, response.text
    await synced(client)
    assert slugs(await search(client, reader, q="qualified lead")) == []
    assert await synced(client) == 0  # nothing left to do


async def test_synonyms_come_from_published_definitions(api: Api) -> None:
    client = api.client
    await api.published("mql")  # "Marketing Qualified Lead", alias "MQL"
    await publish_message(api, "fast-follow-up", "Every MQL gets a reply within one business day.")
    await synced(client)
    assert set(slugs(await search(client, q="marketing qualified lead"))) == {"mql", "fast-follow-up"}


async def _new_aliases(api: Api, number: int, aliases: list[str]) -> None:
    await start_version(api, "mql")
    await edit_draft(api, "mql", number, {"aliases": aliases})
    await api.publish_through_review("mql", number)


async def test_synonyms_follow_alias_changes_whichever_worker_syncs(api: Api) -> None:
    """Each sync keeps the glossary's groups it wrote and updates only the groups a batch changed; groups another
    worker may have written since (the position moved without it) are read again, never trusted."""
    client = api.client
    found = services(client)
    first, second = (SearchSync(found.search, found.settings.public_url) for _ in range(2))

    async def finds_the_message(consumer: SearchSync) -> bool:
        await in_app(client, drain, found.pool, consumer)
        return "fast-follow-up" in slugs(await search(client, q="marketing qualified lead"))

    await api.published("mql")  # "Marketing Qualified Lead", alias "MQL"
    await publish_message(api, "fast-follow-up", "Every MQL gets a reply within one business day.")
    assert await finds_the_message(first)
    await _new_aliases(api, 2, ["Hot lead"])
    assert not await finds_the_message(second)
    await _new_aliases(api, 3, ["MQL"])  # what `first` last wrote: it must not skip the write
    assert await finds_the_message(first)
    await _new_aliases(api, 4, ["Qualified prospect"])
    assert not await finds_the_message(first)


async def test_editors_see_drafts_only_when_they_ask(api: Api) -> None:
    client = api.client
    await api.published("mql")
    await start_version(api, "mql")
    await edit_draft(api, "mql", 2, {"aliases": ["MQL", "Hand-raiser"]})
    await synced(client)
    editor = await api.key("editor", "revops", "author")
    assert slugs(await search(client, editor, q="hand raiser")) == []
    page = await search(client, editor, q="hand raiser", include_drafts="true")
    assert [(hit.slug, hit.version, hit.status) for hit in page.hits] == [("mql", 2, "draft")]
    assert page.hits[0].api_url == "http://canon.test/v1/definitions/mql?version=2"
    problem = full_problem(
        await client.get("/v1/search", params={"q": "x", "include_drafts": "true"}, headers=await api.key("reader")),
        403,
    )
    assert "editor" in (problem.detail or "")


async def test_the_worker_makes_a_publish_searchable_within_a_second(api: Api) -> None:
    client = api.client
    found = services(client)
    worker = build_worker(found)
    stop = asyncio.Event()

    async def run_worker() -> None:
        await worker.run(stop)

    async def start() -> Any:
        return asyncio.get_running_loop().create_task(run_worker())

    task = await in_app(client, start)
    try:
        await api.create("churn", title="Customer Churn", content={"summary": "Customers lost.", "aliases": []})
        started = time.monotonic()
        await api.publish_through_review("churn", 1)
        published = time.monotonic()
        while not slugs(await search(client, q="churn")):
            assert time.monotonic() - started < 5, "not searchable after 5 s"
            await asyncio.sleep(0.02)
        assert time.monotonic() - published < 1.0
    finally:

        async def finish() -> None:
            stop.set()
            await task

        await in_app(client, finish)


async def test_asset_file_text_is_searchable_once_extracted(api: Api) -> None:
    client = api.client
    await published_asset(api, "pricing-deck", PDF)
    await synced(client)
    assert slugs(await search(client, q="volume discounts")) == []
    found = services(client)

    async def extracted() -> None:
        async with transaction(found.pool) as conn:
            await conn.execute(
                "INSERT INTO asset_texts (sha256, content_type, text) VALUES ($1, 'application/pdf', $2)",
                sha(PDF),
                "Volume discounts from 500 seats.",
            )
            await sync.refresh_blob(conn, found.search, sha(PDF), found.settings.public_url)

    await in_app(client, extracted)
    page = await search(client, q="volume discounts")
    assert slugs(page) == ["pricing-deck"]
    content_url = page.hits[0].content_url or ""
    assert content_url.startswith("http://canon.test/v1/assets/pricing-deck/content?version=1&expires=")
    assert "&signature=" in content_url  # a download link (tests/integration/test_download_links.py)
    assert "<mark>Volume</mark>" in page.hits[0].snippet


async def test_reindex_rebuilds_from_postgresql(api: Api) -> None:
    client = api.client
    await api.published("mql")
    await publish_message(api, "fast-follow-up", "Every MQL gets a reply within one business day.")
    found = services(client)
    # Never synced: the index is empty until the rebuild.
    assert slugs(await search(client, q="reply")) == []
    count = await in_app(client, sync.reindex, found.pool, found.search, found.settings.public_url)
    assert count == 2
    assert slugs(await search(client, q="reply")) == ["fast-follow-up"]
    assert set(slugs(await search(client, q="marketing qualified lead"))) == {"mql", "fast-follow-up"}


# --- listing, facets, paging ----------------------------------------------------------------------------------------


async def test_blank_query_lists_with_facets_and_cursor(api: Api) -> None:
    client = api.client
    for slug, tag in (("alpha", "pricing"), ("bravo", "pricing"), ("charlie", "security")):
        await publish_message(api, slug, f"The {slug} message.", title=slug.title(), tags=[tag])
    await synced(client)
    first = await search(client, q=" ", limit=2, facets="kind,tags")
    assert slugs(first) == ["alpha", "bravo"]
    assert first.total == 3
    assert first.facets == {"kind": {"message": 3}, "tags": {"pricing": 2, "security": 1}}
    assert first.next_cursor is not None
    second = await search(client, q=" ", limit=2, cursor=first.next_cursor)
    assert slugs(second) == ["charlie"]
    assert second.next_cursor is None
    assert slugs(await search(client, tag="security")) == ["charlie"]
    assert slugs(await search(client, kind="definition")) == []


async def publish_message_with(api: Api, slug: str, **content: Any) -> None:
    await create_entry(api, "messages", message_body(slug, **content))
    await publish_entry(api, "messages", slug)


async def test_messages_are_filtered_and_counted_by_type_locale_audience_and_segment(api: Api) -> None:
    client = api.client
    await api.published("mql")  # a definition: no message field, so every message filter leaves it out
    await publish_message_with(
        api, "talk-de", message_type="talk_track", locale="de", audience="Account executives", segment="enterprise"
    )
    await publish_message_with(api, "pitch-us")  # value_proposition, en-US, RevOps leaders, mid-market
    await publish_message_with(api, "position-de", message_type="positioning", locale="de", segment="Enterprise")
    await synced(client)
    reader = await api.key("reader")

    def found(page: SearchPage) -> set[str]:
        return set(slugs(page))

    assert found(await search(client, reader, message_type=["talk_track", "positioning"])) == {"talk-de", "position-de"}
    assert slugs(await search(client, reader, locale="de", segment="enterprise")) == ["talk-de"]
    assert slugs(await search(client, reader, audience="RevOps leaders", locale="en-US")) == ["pitch-us"]
    assert "mql" in slugs(await search(client, reader, q="lead"))
    assert found(await search(client, reader, q="lead", locale="de")) == {"talk-de", "position-de"}  # no definition
    everything = await search(client, reader, facets="kind,message_type,locale,audience,segment")
    assert everything.facets == {
        "kind": {"message": 3, "definition": 1},
        "message_type": {"positioning": 1, "talk_track": 1, "value_proposition": 1},
        "locale": {"de": 2, "en-US": 1},
        "audience": {"RevOps leaders": 2, "Account executives": 1},
        "segment": {"Enterprise": 1, "enterprise": 1, "mid-market": 1},
    }
    talk = next(hit for hit in everything.hits if hit.slug == "talk-de")
    assert (talk.message_type, talk.locale, talk.audience, talk.segment) == (
        "talk_track",
        "de",
        "Account executives",
        "enterprise",
    )
    # A search token filters the same way, within its restrictions.
    response = await client.post("/v1/search/tokens", json={}, headers=reader)
    assert response.status_code == 201, response.text
    bearer = {"Authorization": f"Bearer {response.json()['token']}"}
    narrowed = await search(client, bearer, locale="de", facets="message_type")
    assert narrowed.facets == {"message_type": {"positioning": 1, "talk_track": 1}}


async def test_an_unknown_facet_is_422_listing_the_accepted_ones(client: AsyncTestClient[Any]) -> None:
    problem = full_problem(await client.get("/v1/search", params={"facets": "kind,channel"}), 422)
    assert problem.errors
    [error] = problem.errors
    assert error.pointer == "facets"
    assert "'channel'" in error.detail
    assert "kind, tags, teams, message_type, locale, audience, segment" in error.detail


@pytest.mark.parametrize(
    ("params", "pointer"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"kind": "deck"}, "kind"),
        ({"facets": "kind,colour"}, "facets"),
        ({"message_type": "pitch"}, "message_type"),
        ({"locale": "x" * 101}, "locale"),
        ({"segment": [f"s{n}" for n in range(21)]}, "segment"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"include_drafts": "perhaps"}, "include_drafts"),
        ({"q": "x" * 501}, "q"),
    ],
)
async def test_bad_parameters_are_422(client: AsyncTestClient[Any], params: dict[str, Any], pointer: str) -> None:
    problem = full_problem(await client.get("/v1/search", params=params), 422)
    assert problem.errors
    assert [error.pointer for error in problem.errors] == [pointer]


# --- tokens ---------------------------------------------------------------------------------------------------------


async def test_search_tokens_search_published_content_only(api: Api) -> None:
    client = api.client
    await publish_message(api, "pricing-pitch", "Plans start free.", tags=["pricing"])
    await publish_message(api, "security-pitch", "Single sign-on on every plan.", tags=["security"])
    await synced(client)
    response = await client.post("/v1/search/tokens", json={}, headers=await api.key("reader"))
    assert response.status_code == 201, response.text
    issued = response.json()
    assert issued["token"].startswith("cst_")
    expires = dt.datetime.fromisoformat(issued["expires_at"])
    assert dt.timedelta(minutes=14) < expires - dt.datetime.now(dt.UTC) <= dt.timedelta(minutes=15)
    bearer = {"Authorization": f"Bearer {issued['token']}"}
    assert set(slugs(await search(client, bearer, q="plan"))) == {"pricing-pitch", "security-pitch"}
    # Search only: the token opens nothing else, and never drafts.
    full_problem(await client.get("/v1/messages", headers=bearer), 401)
    full_problem(await client.get("/v1/search", params={"include_drafts": "true"}, headers=bearer), 403)


async def test_restricted_tokens_see_only_their_tags(api: Api) -> None:
    client = api.client
    await publish_message(api, "pricing-pitch", "Plans start free.", tags=["pricing"])
    await publish_message(api, "security-pitch", "Single sign-on on every plan.", tags=["security"])
    await synced(client)
    response = await client.post("/v1/search/tokens", json={"tags": ["pricing"], "ttl_seconds": 60})
    assert response.status_code == 201, response.text
    bearer = {"Authorization": f"Bearer {response.json()['token']}"}
    assert slugs(await search(client, bearer, q="plan")) == ["pricing-pitch"]
    assert slugs(await search(client, bearer, q="plan", tag="security")) == []  # a filter cannot widen it


async def test_expired_and_tampered_tokens_are_401(api: Api) -> None:
    client = api.client
    key = services(client).search_token_keys.signing
    expired = tokens.mint(key, tokens.SearchGrant(exp=int(time.time()) - 1))
    problem = full_problem(await client.get("/v1/search", headers={"Authorization": f"Bearer {expired}"}), 401)
    assert "expired" in (problem.detail or "")
    valid = tokens.mint(key, tokens.SearchGrant(exp=int(time.time()) + 60, tags=["pricing"]))
    payload, signature = valid.removeprefix("cst_").split(".")
    widened = tokens.mint(b"another secret", tokens.SearchGrant(exp=int(time.time()) + 60))
    altered = signature[:-1] + ("B" if signature.endswith("A") else "A")
    for forged in (f"cst_{payload}.{altered}", widened, "cst_garbage", f"cst_{payload}"):
        full_problem(await client.get("/v1/search", headers={"Authorization": f"Bearer {forged}"}), 401)


async def test_token_requests_are_validated(api: Api) -> None:
    reader = await api.key("reader")
    for body in ({"ttl_seconds": 7200}, {"ttl_seconds": 10}, {"tags": ["a,b"]}, {"scope": "all"}):
        full_problem(await api.client.post("/v1/search/tokens", json=body, headers=reader), 422)
    full_problem(await api.client.post("/v1/search/tokens", json={}, headers={"Authorization": "Bearer nope"}), 401)


async def test_search_needs_a_key_or_token(client: AsyncTestClient[Any]) -> None:
    full_problem(await client.get("/v1/search", headers={"Authorization": ""}), 401)
    full_problem(await client.get("/v1/search", headers={"Authorization": "Bearer unknown-key"}), 401)


# --- CORS -----------------------------------------------------------------------------------------------------------

PORTAL = "https://portal.example.com"


@pytest.fixture
async def cors_client(settings: Settings) -> AsyncIterator[AsyncTestClient[Any]]:
    async with running_client(msgspec.structs.replace(settings, cors_origins=(PORTAL,))) as test_client:
        yield test_client


async def test_the_portal_origin_may_call_search_from_a_browser(cors_client: AsyncTestClient[Any]) -> None:
    preflight = {
        "Origin": PORTAL,
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization",
    }
    response = await cors_client.options("/v1/search", headers=preflight)
    assert response.status_code in (200, 204), response.text
    assert response.headers["access-control-allow-origin"] == PORTAL
    assert "authorization" in response.headers["access-control-allow-headers"].lower()
    response = await cors_client.get("/v1/search", params={"q": "lead"}, headers={"Origin": PORTAL})
    assert response.status_code == 200, response.text
    assert response.headers["access-control-allow-origin"] == PORTAL


async def test_other_origins_get_no_cors_grant(cors_client: AsyncTestClient[Any]) -> None:
    preflight = {"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}
    response = await cors_client.options("/v1/search", headers=preflight)
    assert response.headers.get("access-control-allow-origin") != "https://evil.example"


async def test_readiness_reports_the_search_backend(client: AsyncTestClient[Any]) -> None:
    response = await client.get("/readyz")
    checks = {check["name"]: check for check in response.json()["checks"]}
    assert checks["search:postgres"]["ok"] is True
