"""Staleness where people look (issue 16, item 6): a message or asset citing a version no longer in effect says so in
its own reads, list rows and search hits (`stale_citations`, relative to the instant asked about), hears of it once
as `<kind>.citation_stale` when it falls behind (also when a scheduled version takes effect), and an expired asset
is no live dependent."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from typing import Any

import asyncpg
import msgspec
import pytest
from litestar.testing import AsyncTestClient

from service.api.schemas import entry_list_out, version_list_out
from service.app import create_app
from service.config import Settings
from service.domain.kinds import ASSET, MESSAGE
from service.search.sync import SearchSync
from service.store.database import Pool
from service.usecases.search import SearchPage
from service.usecases.timeline import activate_due
from service.worker import drain
from tests.asset_fixtures import (
    asset_body,
    author,
    create_entry,
    decoded_asset,
    decoded_message,
    in_app,
    message_body,
    publish_entry,
    published_asset,
    services,
)
from tests.conftest import ADMIN_KEY
from tests.support import Api, edit_draft, entry_events, problem, start_version
from tests.webhook_fixtures import Receiver, running_worker, settled, subscribe, until


def days_from_today(days: int) -> str:
    return (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=days)).isoformat()


def stale(found: Any) -> list[tuple[str, str, int, int]]:
    """A decoded `stale_citations` list as tuples (kind, slug, cited version, version in effect)."""
    return [(c.kind, c.slug, c.cited_version, c.current_version) for c in found]


async def cite(api: Api, slug: str, references: list[dict[str, Any]], *, plural: str = "messages") -> None:
    """A message (or asset) citing `references`, published."""
    if plural == "messages":
        await create_entry(api, "messages", message_body(slug, references=references))
        await publish_entry(api, "messages", slug)
    else:
        await published_asset(api, slug, references=references)


async def new_mql(api: Api, number: int, effective_date: str | None = None) -> None:
    """Publish mql `number` (a copy of the current one), in effect at once or from `effective_date`."""
    await start_version(api, "mql")
    if effective_date is not None:
        await edit_draft(api, "mql", number, {"effective_date": effective_date})
    await api.publish_through_review("mql", number)


async def message(client: AsyncTestClient[Any], slug: str = "why-canon", **params: Any) -> Any:
    response = await client.get(f"/v1/messages/{slug}", params=params)
    assert response.status_code == 200, response.text
    return decoded_message(response)


def stale_events(events: list[dict[str, Any]]) -> list[tuple[str, int, list[dict[str, Any]]]]:
    return [
        (e["type"], e["data"]["version"], e["data"]["stale_citations"])
        for e in events
        if e["type"].endswith(".citation_stale")
    ]


# --- reads ----------------------------------------------------------------------------------------------------------


async def test_a_message_says_which_citations_a_newer_version_left_behind(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.published("mql")
    await api.published("sql", title="Sales Qualified Lead")
    await cite(api, "why-canon", [{"slug": "mql"}, {"slug": "sql"}])
    reader = await api.key("reader")
    fresh = decoded_message(await client.get("/v1/messages/why-canon", headers=reader))
    assert fresh.version.stale_citations == []

    await new_mql(api, 2)
    now = decoded_message(await client.get("/v1/messages/why-canon", headers=reader))
    assert stale(now.version.stale_citations) == [("definition", "mql", 1, 2)]
    assert stale((await message(client, version=1)).version.stale_citations) == [("definition", "mql", 1, 2)]
    versions = msgspec.json.decode(
        (await client.get("/v1/messages/why-canon/versions", headers=reader)).content, type=version_list_out(MESSAGE)
    )
    assert [stale(v.stale_citations) for v in versions.items] == [[("definition", "mql", 1, 2)]]

    # A draft citing mql afresh is not stale; once it is published the message no longer is either.
    editor = await author(api)
    drafted = await client.post(
        "/v1/messages/why-canon/versions",
        json={"content": message_body(references=[{"slug": "mql"}, {"slug": "sql"}])["content"]},
        headers=editor,
    )
    assert drafted.status_code == 201, drafted.text
    assert decoded_message(drafted).version.stale_citations == []
    await publish_entry(api, "messages", "why-canon", 2)
    assert (await message(client)).version.stale_citations == []
    assert stale((await message(client, version=1)).version.stale_citations) == [("definition", "mql", 1, 2)]
    # Definitions cite nothing: their versions never have stale citations.
    definition = await client.get("/v1/definitions/mql")
    assert definition.json()["version"]["stale_citations"] == []


async def test_staleness_is_relative_to_the_instant_asked_about(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.published("mql")
    await cite(api, "why-canon", [{"slug": "mql"}])
    before_v2 = dt.datetime.now(dt.UTC).isoformat()
    await asyncio.sleep(0.01)
    await new_mql(api, 2)
    after_v2 = dt.datetime.now(dt.UTC).isoformat()
    later = days_from_today(30)
    then = await client.get("/v1/messages/why-canon", params={"as_of": later})
    await new_mql(api, 3, effective_date=later)  # scheduled: v2 stays in effect until then
    # What the message reads as of that date changed: so did its ETag.
    assert (await client.get("/v1/messages/why-canon", params={"as_of": later})).headers["ETag"] != then.headers["ETag"]

    assert stale((await message(client)).version.stale_citations) == [("definition", "mql", 1, 2)]
    assert (await message(client, as_of=before_v2)).version.stale_citations == []
    assert stale((await message(client, as_of=after_v2)).version.stale_citations) == [("definition", "mql", 1, 2)]
    assert stale((await message(client, as_of=later)).version.stale_citations) == [("definition", "mql", 1, 3)]
    # As Canon had recorded it before v2 was published, nothing had replaced v1, whenever asked about.
    recorded = await message(client, as_of=later, known_at=before_v2)
    assert recorded.version.stale_citations == []

    for params in ({"as_of": "soon"}, {"known_at": "2026-13-01"}, {"version": 1, "as_of": later}):
        problem(await client.get("/v1/messages/why-canon", params=params), 422)

    # A message citing the scheduled version is not stale: that version is not in effect yet, nor replaced.
    await cite(api, "ahead", [{"slug": "mql", "version": 3}])
    assert (await message(client, "ahead")).version.stale_citations == []
    assert (await message(client, "ahead", as_of=later)).version.stale_citations == []


async def test_list_rows_show_the_listed_versions_stale_citations_and_never_a_drafts(
    client: AsyncTestClient[Any],
) -> None:
    api = Api(client)
    await api.published("mql")
    await cite(api, "why-canon", [{"slug": "mql"}])
    await create_entry(api, "messages", message_body("unreleased", references=[{"slug": "mql"}]))  # never published
    await create_entry(api, "assets", asset_body("deck", references=[{"slug": "mql"}]))
    await new_mql(api, 2)
    retired = await client.post("/v1/messages/unreleased/retire")
    assert retired.status_code == 200, retired.text

    reader = await api.key("reader")
    listed = msgspec.json.decode(
        (await client.get("/v1/messages", headers=reader)).content, type=entry_list_out(MESSAGE)
    )
    assert [(row.slug, stale(row.stale_citations)) for row in listed.items] == [
        ("why-canon", [("definition", "mql", 1, 2)])
    ]
    # A reader sees a retired entry's row, never what its draft cites; an editor sees both.
    gone = msgspec.json.decode(
        (await client.get("/v1/messages", params={"status": "retired"}, headers=reader)).content,
        type=entry_list_out(MESSAGE),
    )
    assert [(row.slug, row.stale_citations) for row in gone.items] == [("unreleased", [])]
    editor = await author(api)
    everything = msgspec.json.decode(
        (await client.get("/v1/messages", params={"status": "any"}, headers=editor)).content,
        type=entry_list_out(MESSAGE),
    )
    assert [(row.slug, stale(row.stale_citations)) for row in everything.items] == [
        ("unreleased", [("definition", "mql", 1, 2)]),
        ("why-canon", [("definition", "mql", 1, 2)]),
    ]
    drafts = msgspec.json.decode(
        (await client.get("/v1/assets", params={"status": "draft"}, headers=editor)).content,
        type=entry_list_out(ASSET),
    )
    assert [(row.slug, stale(row.stale_citations)) for row in drafts.items] == [("deck", [("definition", "mql", 1, 2)])]
    assert (await client.get("/v1/definitions")).json()["items"][0]["stale_citations"] == []


# --- events ---------------------------------------------------------------------------------------------------------


async def test_citation_stale_is_sent_once_per_citation_falling_behind(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.published("mql")
    await cite(api, "why-canon", [{"slug": "mql"}])
    await create_entry(
        api,
        "messages",
        {**message_body("field-pitch", references=[{"slug": "mql"}]), "owners": ["sales"], "tags": ["field"]},
    )
    await publish_entry(api, "messages", "field-pitch", teams=("sales",))
    await create_entry(api, "messages", message_body("draft-only", references=[{"slug": "mql"}]))
    await cite(api, "gone", [{"slug": "mql"}])
    assert (await client.post("/v1/messages/gone/retire")).status_code == 200

    await new_mql(api, 2)
    why = stale_events(await entry_events(client, "why-canon"))
    assert why == [
        (
            "message.citation_stale",
            1,
            [{"kind": "definition", "slug": "mql", "cited_version": 1, "current_version": 2}],
        )
    ]
    [event] = [e for e in await entry_events(client, "field-pitch") if e["type"] == "message.citation_stale"]
    data = event["data"]
    assert (data["kind"], data["slug"], data["title"], data["status"]) == (
        "message",
        "field-pitch",
        "Why Canon",
        "published",
    )
    assert (data["tags"], data["teams"]) == (["field"], ["sales"])  # what its owners' subscriptions filter by
    assert data["url"].endswith("/v1/messages/field-pitch?version=1")
    assert data["actor"]["subject"] == "publisher"  # who published the version that left it behind
    # Neither a draft nobody released nor a retired message is told.
    assert stale_events(await entry_events(client, "draft-only")) == []
    assert stale_events(await entry_events(client, "gone")) == []
    # Readers hear of it: it is about released content.
    reader_feed = (
        await client.get("/v1/events", params={"type": "message.citation_stale"}, headers=await api.key("reader"))
    ).json()
    assert sorted(e["data"]["slug"] for e in reader_feed["items"]) == ["field-pitch", "why-canon"]

    # v3: why-canon's citation of v1 is stale already (not told again); a message citing v2 falls behind now.
    await cite(api, "follow-up", [{"slug": "mql"}])
    await new_mql(api, 3)
    assert len(stale_events(await entry_events(client, "why-canon"))) == 1
    assert stale_events(await entry_events(client, "follow-up")) == [
        (
            "message.citation_stale",
            1,
            [{"kind": "definition", "slug": "mql", "cited_version": 2, "current_version": 3}],
        )
    ]


async def test_a_scheduled_version_taking_effect_tells_the_citing_entries_once(
    client: AsyncTestClient[Any], database_url: str
) -> None:
    api = Api(client)
    await api.published("mql")
    await cite(api, "why-canon", [{"slug": "mql"}])
    await new_mql(api, 2, effective_date=days_from_today(1))
    assert stale_events(await entry_events(client, "why-canon")) == []  # published, not in effect yet
    assert (await message(client)).version.stale_citations == []

    conn = await asyncpg.connect(database_url)
    try:  # its instant comes (a test cannot wait for midnight)
        await conn.execute(
            "UPDATE versions SET effective_from = published_at + interval '1 millisecond' WHERE number = 2"
        )
    finally:
        await conn.close()
    contexts = services(client).entry_contexts
    assert await in_app(client, activate_due, contexts) == 1
    assert await in_app(client, activate_due, contexts) == 0  # settled once

    events = await entry_events(client, "why-canon")
    assert stale_events(events) == [
        (
            "message.citation_stale",
            1,
            [{"kind": "definition", "slug": "mql", "cited_version": 1, "current_version": 2}],
        )
    ]
    [event] = [e for e in events if e["type"] == "message.citation_stale"]
    assert event["data"]["actor"]["subject"] == "canon-worker"
    assert stale((await message(client)).version.stale_citations) == [("definition", "mql", 1, 2)]


# --- dependents -----------------------------------------------------------------------------------------------------


async def expire(database_url: str, slug: str) -> None:
    """The asset's versions expire now."""
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(
            """UPDATE versions SET expires_at = now()
               WHERE entry_id = (SELECT id FROM entries WHERE kind = 'asset' AND slug = $1)""",
            slug,
        )
    finally:
        await conn.close()


async def test_an_expired_asset_is_no_live_dependent(local_client: AsyncTestClient[Any], database_url: str) -> None:
    client = local_client
    api = Api(client)
    await api.published("mql")
    await cite(api, "old-deck", [{"slug": "mql"}], plural="assets")
    await cite(api, "new-deck", [{"slug": "mql"}], plural="assets")
    await cite(api, "why-canon", [{"slug": "mql"}])
    before_expiry = dt.datetime.now(dt.UTC).isoformat()
    await asyncio.sleep(0.01)
    await expire(database_url, "old-deck")

    listed = (await client.get("/v1/definitions/mql/dependents")).json()["items"]
    assert [(d["kind"], d["slug"]) for d in listed] == [("asset", "new-deck"), ("message", "why-canon")]
    then = (await client.get("/v1/definitions/mql/dependents", params={"as_of": before_expiry})).json()["items"]
    assert [d["slug"] for d in then] == ["new-deck", "old-deck", "why-canon"]  # it was live then

    await new_mql(api, 2)
    [published] = [e for e in await entry_events(client, "mql") if e["type"] == "definition.published"][-1:]
    assert [d["slug"] for d in published["data"]["stale_dependents"]] == ["new-deck", "why-canon"]
    [effective] = [e for e in await entry_events(client, "mql") if e["type"] == "definition.effective"][-1:]
    assert [d["slug"] for d in effective["data"]["stale_dependents"]] == ["new-deck", "why-canon"]
    assert stale_events(await entry_events(client, "old-deck")) == []  # nobody refreshes an expired deck
    assert [t for t, _, _ in stale_events(await entry_events(client, "new-deck"))] == ["asset.citation_stale"]
    # The expired deck still says what it cites when read.
    assert stale(decoded_asset(await client.get("/v1/assets/old-deck")).version.stale_citations) == [
        ("definition", "mql", 1, 2)
    ]


# --- caches ---------------------------------------------------------------------------------------------------------


async def cached(client: AsyncTestClient[Any], slug: str) -> bool:
    """Whether the app holds a view of message `slug` as it is now in its cache (asked on the app's own loop)."""

    async def held() -> bool:
        return services(client).views.get(("message", slug, None)) is not None

    return await in_app(client, held)


async def listening(client: AsyncTestClient[Any]) -> None:
    for _ in range(100):
        if services(client).views.enabled:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the view cache never started listening")


async def test_a_cached_read_follows_the_cited_definition(client: AsyncTestClient[Any]) -> None:
    await listening(client)
    api = Api(client)
    await api.published("mql")
    await cite(api, "why-canon", [{"slug": "mql"}])
    reader = await api.key("reader")
    first = await client.get("/v1/messages/why-canon", headers=reader)
    again = await client.get("/v1/messages/why-canon", headers=reader)
    assert first.content == again.content
    assert await cached(client, "why-canon")  # served from the cache now

    await new_mql(api, 2)
    assert not await cached(client, "why-canon")  # dropped by the publication, in this process at once
    after = await client.get("/v1/messages/why-canon", headers={**reader, "If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200  # a new ETag: the representation changed
    assert after.headers["ETag"] != first.headers["ETag"]
    assert stale(decoded_message(after).version.stale_citations) == [("definition", "mql", 1, 2)]
    assert (
        await client.get("/v1/messages/why-canon", headers={"If-None-Match": after.headers["ETag"]})
    ).status_code == 304

    # Stale -> fresh again when the message cites the version in effect (its own write drops its views).
    await client.get("/v1/messages/why-canon", params={"version": 1})
    editor = await author(api)
    drafted = await client.post(
        "/v1/messages/why-canon/versions",
        json={"content": message_body(references=[{"slug": "mql"}])["content"]},
        headers=editor,
    )
    assert drafted.status_code == 201, drafted.text
    await publish_entry(api, "messages", "why-canon", 2)
    assert (await message(client)).version.stale_citations == []


async def test_another_process_drops_its_cached_view_of_a_citing_entry(settings: Settings) -> None:
    first, second = create_app(settings), create_app(settings)
    async with AsyncTestClient(app=first) as writer, AsyncTestClient(app=second) as other:
        for c in (writer, other):
            c.headers["Authorization"] = f"Bearer {ADMIN_KEY}"
        for _ in range(100):
            if second.state.services.views.enabled:
                break
            await asyncio.sleep(0.02)
        api = Api(writer)
        await api.published("mql")
        await cite(api, "why-canon", [{"slug": "mql"}])
        assert (await message(other)).version.stale_citations == []
        assert second.state.services.views.get(("message", "why-canon", None)) is not None  # cached there

        await new_mql(api, 2)
        for _ in range(100):
            if (await message(other)).version.stale_citations:
                break
            await asyncio.sleep(0.02)
        assert stale((await message(other)).version.stale_citations) == [("definition", "mql", 1, 2)]


# --- search ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def search_settings(settings: Settings) -> Settings:
    return msgspec.structs.replace(settings, search_cache_recheck_seconds=0.0)


async def synced(client: AsyncTestClient[Any]) -> int:
    found = services(client)
    return await in_app(client, drain, found.pool, SearchSync(found.search, found.settings.public_url))


async def hits(client: AsyncTestClient[Any], **params: Any) -> dict[tuple[str, str], list[tuple[str, str, int, int]]]:
    response = await client.get("/v1/search", params=params)
    assert response.status_code == 200, response.text
    page = msgspec.json.decode(response.content, type=SearchPage)
    return {(hit.slug, hit.status): stale(hit.stale_citations) for hit in page.hits}


async def test_search_hits_show_stale_citations_and_follow_new_versions(search_settings: Settings) -> None:
    app = create_app(search_settings)
    async with AsyncTestClient(app=app, base_url="http://canon.test") as client:
        client.headers["Authorization"] = f"Bearer {ADMIN_KEY}"
        api = Api(client)
        await api.published("mql")
        await cite(api, "why-canon", [{"slug": "mql"}])
        await synced(client)
        assert (await hits(client, q="why canon", kind="message")) == {("why-canon", "published"): []}

        await new_mql(api, 2)
        await cite(api, "follow-up", [{"slug": "mql"}])  # cites v2, the version in effect
        await synced(client)
        assert (await hits(client, kind="message")) == {
            ("follow-up", "published"): [],
            ("why-canon", "published"): [("definition", "mql", 1, 2)],
        }

        # v3: the already stale message's hit names the version now in effect too (its entry had no event of its
        # own), the other falls behind; an editor's draft hit says what the draft cites.
        editor = await author(api)
        drafted = await client.post("/v1/messages/follow-up/versions", json={}, headers=editor)
        assert drafted.status_code == 201, drafted.text
        await new_mql(api, 3)
        await synced(client)
        assert (await hits(client, kind="message")) == {
            ("follow-up", "published"): [("definition", "mql", 2, 3)],
            ("why-canon", "published"): [("definition", "mql", 1, 3)],
        }
        with_drafts = await hits(client, kind="message", include_drafts="true")
        assert with_drafts[("follow-up", "draft")] == [("definition", "mql", 2, 3)]


# --- webhooks -------------------------------------------------------------------------------------------------------


async def test_the_citing_entrys_owners_subscriptions_hear_it(
    hook_client: AsyncTestClient[Any], hook_pool: Pool, hook_settings: Settings, receivers: Callable[..., Receiver]
) -> None:
    legal_team, marketing = receivers(), receivers()
    await subscribe(hook_client, legal_team.url, teams=["legal"], event_types=["*.citation_stale"])
    await subscribe(hook_client, marketing.url, teams=["marketing"], event_types=["message.citation_stale"])
    api = Api(hook_client)
    async with running_worker(hook_pool, hook_settings):
        await api.published("mql")  # owned by marketing and sales: not the citing entries' teams
        await create_entry(
            api, "messages", {**message_body("terms-pitch", references=[{"slug": "mql"}]), "owners": ["legal"]}
        )
        await publish_entry(api, "messages", "terms-pitch", teams=("legal",))
        await cite(api, "why-canon", [{"slug": "mql"}])  # owned by marketing
        await new_mql(api, 2)
        await until(lambda: len(legal_team.hits) == 1 and len(marketing.hits) == 1, what="one notice each")
        await until(lambda: settled(hook_pool, 2), what="the deliveries")

    [heard] = legal_team.hits
    assert (heard.type, heard.slug) == ("message.citation_stale", "terms-pitch")
    assert heard.json["data"]["stale_citations"] == [
        {"kind": "definition", "slug": "mql", "cited_version": 1, "current_version": 2}
    ]
    assert [(hit.type, hit.slug) for hit in marketing.hits] == [("message.citation_stale", "why-canon")]
