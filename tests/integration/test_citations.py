"""Citations: messages and assets name the definition versions they rely on, pinned when written; a definition lists
its dependents and says which ones cite an outdated version, in the API and in its `published` event."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from litestar.testing import AsyncTestClient

from tests.asset_fixtures import (
    asset_body,
    author,
    create_entry,
    decoded_asset,
    decoded_message,
    etag_of,
    message_body,
    publish_entry,
)
from tests.support import Api, decoded, entry_events, problem, start_version


async def test_a_citation_without_version_is_pinned_to_the_current_one(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.published("mql")
    await api.published("sql", title="Sales Qualified Lead")

    created = await create_entry(
        api,
        "messages",
        message_body(references=[{"slug": "mql"}, {"kind": "definition", "slug": "sql", "version": 1}]),
    )
    references = decoded_message(created).version.content.references
    assert [(r.kind, r.slug, r.version) for r in references] == [("definition", "mql", 1), ("definition", "sql", 1)]

    # A new version of mql does not move an existing citation; a new citation without version takes the new one.
    await start_version(api, "mql", {"content": {"summary": "Fit, engagement and intent."}})
    await api.publish_through_review("mql", 2)
    stored = decoded_message(await client.get("/v1/messages/why-canon", params={"version": 1}))
    assert [r.version for r in stored.version.content.references] == [1, 1]

    tag = await etag_of(client, "messages", "why-canon")
    edited = await client.patch(
        "/v1/messages/why-canon/versions/1",
        json={"references": [{"slug": "mql"}]},
        headers={**await author(api), "If-Match": tag},
    )
    assert edited.status_code == 200, edited.text
    assert [(r.slug, r.version) for r in decoded_message(edited).version.content.references] == [("mql", 2)]

    # Superseded versions remain citable: they were published.
    old = await client.patch(
        "/v1/messages/why-canon/versions/1",
        json={"references": [{"slug": "mql", "version": 1}]},
        headers={**await author(api), "If-Match": edited.headers["ETag"]},
    )
    assert [(r.slug, r.version) for r in decoded_message(old).version.content.references] == [("mql", 1)]


async def test_faulty_citations_are_refused_together_with_a_pointer_each(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    editor = await author(api)
    await api.published("mql")
    await start_version(api, "mql", {"content": {"summary": "v2, still a draft"}})
    await api.create("draft-only")
    await api.published("sql", title="Sales Qualified Lead")

    references = [
        {"slug": "nope"},  # no such entry
        {"slug": "draft-only"},  # nothing published
        {"slug": "mql", "version": 2},  # a draft version
        {"slug": "sql", "version": 9},  # no such version
        {"kind": "message", "slug": "why-canon"},  # itself
        {"kind": "asset", "slug": "mql"},  # the slug exists, but as another kind
    ]
    refused = problem(await client.post("/v1/messages", json=message_body(references=references), headers=editor), 422)
    assert refused.detail == "some citations do not name a published version"
    assert [(e.pointer, e.detail) for e in refused.errors or []] == [
        ("/content/references/0", "no definition 'nope'"),
        ("/content/references/1", "definition 'draft-only' has no published version to cite"),
        (
            "/content/references/2",
            "version 2 of definition 'mql' is draft; only published versions can be cited",
        ),
        ("/content/references/3", "definition 'sql' has no version 9"),
        ("/content/references/4", "an entry cannot cite itself"),
        ("/content/references/5", "no asset 'mql'"),
    ]
    assert (await client.get("/v1/messages")).json()["items"] == []

    # Citing the same entry twice (even with and without a version) is a duplicate.
    twice = problem(
        await client.post(
            "/v1/messages",
            json=message_body(references=[{"slug": "mql"}, {"slug": "mql", "version": 1}]),
            headers=editor,
        ),
        422,
    )
    assert [e.pointer for e in twice.errors or []] == ["/content/references/1"]

    # An asset may not cite itself either, and the check applies to draft edits.
    await create_entry(api, "assets", asset_body("deck"))
    tag = await etag_of(client, "assets", "deck")
    itself = problem(
        await client.patch(
            "/v1/assets/deck/versions/1",
            json={"references": [{"slug": "mql"}, {"kind": "asset", "slug": "deck"}]},
            headers={**editor, "If-Match": tag},
        ),
        422,
    )
    assert [(e.pointer, e.detail) for e in itself.errors or []] == [("/references/1", "an entry cannot cite itself")]
    unchanged = decoded_asset(await client.get("/v1/assets/deck", params={"version": 1}))
    assert unchanged.version.content.references == []


async def test_dependents_and_staleness_follow_new_definition_versions(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.published("mql")
    await create_entry(api, "messages", message_body(references=[{"slug": "mql"}]))
    await publish_entry(api, "messages", "why-canon")
    await create_entry(api, "assets", asset_body("mql-one-pager", references=[{"slug": "mql"}]))  # a draft
    reader = await api.key("reader")

    fresh = await client.get("/v1/definitions/mql/dependents", headers=reader)
    assert fresh.status_code == 200, fresh.text
    assert fresh.json() == {
        "kind": "definition",
        "slug": "mql",
        "current_version": 1,
        "items": [
            {
                "kind": "message",
                "slug": "why-canon",
                "title": "Why Canon",
                "version": 1,
                "status": "published",
                "cited_version": 1,
                "stale": False,
            }
        ],
    }
    # Editors also see the draft that cites mql.
    drafts = (await client.get("/v1/definitions/mql/dependents", headers=await author(api))).json()["items"]
    assert [(d["kind"], d["slug"], d["status"], d["stale"]) for d in drafts] == [
        ("asset", "mql-one-pager", "draft", False),
        ("message", "why-canon", "published", False),
    ]

    await start_version(api, "mql", {"content": {"summary": "Fit, engagement and intent."}})
    published = decoded(await api.publish_through_review("mql", 2))
    assert published.current_version == 2

    stale = (await client.get("/v1/definitions/mql/dependents", headers=reader)).json()
    assert stale["current_version"] == 2
    assert [(d["slug"], d["cited_version"], d["stale"]) for d in stale["items"]] == [("why-canon", 1, True)]

    event = [e for e in await entry_events(client, "mql") if e["type"] == "definition.published"][-1]
    assert event["data"]["version"] == 2
    assert event["data"]["stale_dependents"] == [
        {"kind": "asset", "slug": "mql-one-pager", "cited_version": 1},
        {"kind": "message", "slug": "why-canon", "cited_version": 1},
    ]
    first = next(e for e in await entry_events(client, "mql") if e["type"] == "definition.published")
    assert "stale_dependents" not in first["data"]  # nothing cited mql before its first publication

    # A new message version citing mql afresh is no longer stale once published.
    editor = await author(api)
    refreshed = await client.post(
        "/v1/messages/why-canon/versions",
        json={"content": message_body(references=[{"slug": "mql"}])["content"]},
        headers=editor,
    )
    assert refreshed.status_code == 201, refreshed.text
    await publish_entry(api, "messages", "why-canon", 2)
    after = (await client.get("/v1/definitions/mql/dependents", headers=reader)).json()["items"]
    assert [(d["slug"], d["version"], d["cited_version"], d["stale"]) for d in after] == [("why-canon", 2, 2, False)]


async def test_dependents_of_unknown_entries_and_of_entries_nobody_cites(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    problem(await client.get("/v1/definitions/nope/dependents"), 404)
    await api.create("lead")
    nobody = await client.get("/v1/definitions/lead/dependents")
    assert nobody.json() == {"kind": "definition", "slug": "lead", "current_version": None, "items": []}
    # Messages have a dependents route too (the route is shared by every kind).
    await create_entry(api, "messages", message_body())
    assert (await client.get("/v1/messages/why-canon/dependents")).json()["items"] == []


async def test_dependents_as_of_a_date_use_the_versions_then_in_effect(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.published("mql")
    await create_entry(api, "messages", message_body(references=[{"slug": "mql"}]))
    await publish_entry(api, "messages", "why-canon")
    before_v2 = dt.datetime.now(dt.UTC).isoformat()
    await asyncio.sleep(0.01)
    await start_version(api, "mql")
    await api.publish_through_review("mql", 2)
    now = (await client.get("/v1/definitions/mql/dependents")).json()
    assert (now["current_version"], [(d["slug"], d["stale"]) for d in now["items"]]) == (2, [("why-canon", True)])
    then = (await client.get("/v1/definitions/mql/dependents", params={"as_of": before_v2})).json()
    assert (then["current_version"], [(d["slug"], d["stale"]) for d in then["items"]]) == (1, [("why-canon", False)])
    long_ago = (await client.get("/v1/definitions/mql/dependents", params={"as_of": "2000-01-01"})).json()
    assert (long_ago["current_version"], long_ago["items"]) == (None, [])
    problem(await client.get("/v1/definitions/mql/dependents", params={"as_of": "soon"}), 422)
