"""Messages ride on the same entry core as definitions: lifecycle, review, ETags, diff, as_of, rollback, events and
audit. These tests show that the shared machinery works for this kind and that its own fields are validated; the
exhaustive lifecycle rules are tested once, on definitions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.asset_fixtures import author, create_entry, decoded_message, etag_of, message_body, publish_entry
from tests.support import Api, entry_audit, entry_events, problem

TEAMS = ("marketing", "sales")

# What a message's first publication changes: every content field and every reviewed field.
EVERY_FIELD = [
    "acknowledge_teams",
    "audience",
    "body",
    "channel",
    "locale",
    "message_type",
    "owners",
    "references",
    "required_teams",
    "segment",
    "tags",
    "title",
]


def _body(slug: str = "why-canon", **content: Any) -> dict[str, Any]:
    return {**message_body(slug, **content), "owners": list(TEAMS)}


async def test_a_message_is_created_reviewed_and_published(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    editor = await author(api)
    reader = await api.key("reader")

    response = await client.post("/v1/messages", json=_body(), headers=editor)
    assert response.status_code == 201, response.text
    assert response.headers["Location"] == "/v1/messages/why-canon"
    created = decoded_message(response)
    assert (created.kind, created.slug, created.title, created.tags) == ("message", "why-canon", "Why Canon", ["pitch"])
    assert (created.owners, created.required_teams) == (["marketing", "sales"], ["marketing", "sales"])
    assert (created.current_version, created.latest_version) == (None, 1)
    assert (created.version.number, created.version.status, created.version.author) == (1, "draft", "author")
    assert (created.version.expires_at, created.version.expired) == (None, False)
    content = created.version.content
    assert (content.message_type, content.audience, content.segment, content.channel, content.locale) == (
        "value_proposition",
        "RevOps leaders",
        "mid-market",
        "email",
        "en-US",
    )
    assert content.body == "One definition of a lead, shared by sales and marketing.\n"
    assert content.references == []

    # Readers see nothing of a draft.
    problem(await client.get("/v1/messages/why-canon", headers=reader), 404)
    problem(await client.get("/v1/messages/why-canon", params={"version": 1}, headers=reader), 404)
    assert (await client.get("/v1/messages", headers=reader)).json()["items"] == []

    submitted = await client.post("/v1/messages/why-canon/versions/1/submit", headers=editor)
    assert decoded_message(submitted).version.status == "in_review"
    assert decoded_message(submitted).version.pending_teams == ["marketing", "sales"]
    # Publishing waits for every required team.
    problem(await client.post("/v1/messages/why-canon/versions/1/publish", headers=await api.publisher()), 409)
    half = await client.post(
        "/v1/messages/why-canon/versions/1/approve", json={}, headers=await api.key("approver", "marketing")
    )
    assert (decoded_message(half).version.status, decoded_message(half).version.pending_teams) == (
        "in_review",
        ["sales"],
    )
    full = await client.post(
        "/v1/messages/why-canon/versions/1/approve", json={}, headers=await api.key("approver", "sales")
    )
    assert decoded_message(full).version.status == "approved"
    assert [a.team for a in decoded_message(full).version.approvals] == ["marketing", "sales"]
    published = decoded_message(
        await client.post("/v1/messages/why-canon/versions/1/publish", headers=await api.publisher())
    )
    assert (published.current_version, published.version.status) == (1, "published")
    assert published.version.published_at is not None

    read = await client.get("/v1/messages/why-canon", headers=reader)
    assert read.status_code == 200, read.text
    assert decoded_message(read).version.content == content
    assert [item["slug"] for item in (await client.get("/v1/messages", headers=reader)).json()["items"]] == [
        "why-canon"
    ]
    # Slugs are unique per kind: a definition may share the message's slug, and the kinds never mix.
    problem(await client.get("/v1/definitions/why-canon", headers=reader), 404)
    assert (await client.get("/v1/definitions")).json()["items"] == []

    events = await entry_events(client, "why-canon")
    assert [(e["type"], e["data"]["version"], e["data"].get("status")) for e in events] == [
        ("message.created", 1, "draft"),
        ("message.submitted", 1, "in_review"),
        ("message.review_requested", 1, "in_review"),
        ("message.review_requested", 1, "in_review"),
        ("message.approved", 1, "in_review"),
        ("message.approved", 1, "approved"),
        ("message.published", 1, "published"),
        ("message.effective", 1, "published"),
    ]
    assert {(e["data"]["kind"], e["data"]["url"]) for e in events} == {
        ("message", "http://canon.test/v1/messages/why-canon?version=1")
    }
    assert events[-2]["data"]["changes"] == EVERY_FIELD
    # A reader's feed has the publication, not the review that led to it.
    filtered = (await client.get("/v1/events", params={"type": "message.*"}, headers=reader)).json()["items"]
    assert [e["type"] for e in filtered] == ["message.published", "message.effective"]
    assert (await client.get("/v1/events", params={"type": "definition.*"})).json()["items"] == []

    records = await entry_audit(client, "why-canon")
    assert [(r["action"], r["kind"], r["actor"], r["to_version"]) for r in records] == [
        ("message.created", "message", "author", 1),
        ("message.submitted", "message", "author", 1),
        ("message.review_requested", "message", "author", 1),
        ("message.review_requested", "message", "author", 1),
        ("message.approved", "message", "approver-marketing", 1),
        ("message.approved", "message", "approver-sales", 1),
        ("message.published", "message", "publisher", 1),
        ("message.effective", "message", "publisher", 1),
    ]


@pytest.mark.parametrize("locale", ["en", "en-US", "pt-BR", "zh-Hans-CN", "es-419"])
async def test_well_formed_locales_are_accepted(client: AsyncTestClient[Any], locale: str) -> None:
    response = await create_entry(Api(client), "messages", _body(locale=locale))
    assert decoded_message(response).version.content.locale == locale


async def test_message_fields_are_validated_with_pointers(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    editor = await author(api)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"locale": "english"}, "/content/locale"),
        ({"locale": "EN-us"}, "/content/locale"),
        ({"locale": ""}, "/content/locale"),
        ({"message_type": "slogan"}, "/content/message_type"),
        ({"audience": ""}, "/content/audience"),
        ({"channel": "x" * 101}, "/content/channel"),
        ({"references": [{"kind": "webpage", "slug": "mql"}]}, "/content/references/0/kind"),
        ({"size": 10}, "/content/size"),  # messages have no file facts
    ]
    for content, pointer in cases:
        refused = problem(await client.post("/v1/messages", json=_body(**content), headers=editor), 422)
        assert [e.pointer for e in refused.errors or []] == [pointer], content
    # Nothing was created by the refused requests.
    assert (await client.get("/v1/messages")).json()["items"] == []

    # Defaults: an almost empty message is a valid draft.
    bare = await create_entry(api, "messages", {"slug": "bare", "title": "Bare", "owners": ["marketing"]})
    content = decoded_message(bare).version.content
    assert (content.message_type, content.body, content.locale, content.audience) == ("other", "", "en", None)

    # A draft edit is validated the same way; its pointers are into the patch body.
    tag = await etag_of(client, "messages", "bare")
    edit = await client.patch(
        "/v1/messages/bare/versions/1", json={"locale": "english"}, headers={**editor, "If-Match": tag}
    )
    assert [e.pointer for e in problem(edit, 422).errors or []] == ["/locale"]


async def test_draft_edits_need_the_current_etag_and_record_what_changed(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    editor = await author(api)
    created = await create_entry(api, "messages", _body())
    tag = created.headers["ETag"]
    path = "/v1/messages/why-canon/versions/1"
    patch = {"audience": "CFOs", "locale": "de-DE", "segment": None}

    problem(await client.patch(path, json=patch, headers=editor), 428)
    problem(await client.patch(path, json=patch, headers={**editor, "If-Match": '"999"'}), 412)
    unchanged = decoded_message(await client.get("/v1/messages/why-canon", params={"version": 1}))
    assert (unchanged.version.content.audience, unchanged.version.content.locale) == ("RevOps leaders", "en-US")

    edited = await client.patch(path, json=patch, headers={**editor, "If-Match": tag})
    assert edited.status_code == 200, edited.text
    assert edited.headers["ETag"] != tag
    content = decoded_message(edited).version.content
    assert (content.audience, content.locale, content.segment, content.channel) == ("CFOs", "de-DE", None, "email")
    # The tag the edit was based on is now stale.
    problem(await client.patch(path, json={"channel": "web"}, headers={**editor, "If-Match": tag}), 412)

    events = await entry_events(client, "why-canon")
    assert [(e["type"], e["data"].get("changes", [])) for e in events] == [
        ("message.created", []),
        ("message.draft_updated", ["audience", "locale", "segment"]),
    ]


async def test_new_versions_diff_as_of_and_rollback(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    editor = await author(api)
    await create_entry(api, "messages", _body())
    v1 = decoded_message(await publish_entry(api, "messages", "why-canon", 1, TEAMS))

    new_body = "One definition of a lead.\nShared by sales and marketing.\n"
    started = await client.post(
        "/v1/messages/why-canon/versions",
        json={"content": {**_body()["content"], "body": new_body, "channel": "phone"}},
        headers=editor,
    )
    assert started.status_code == 201, started.text
    draft = decoded_message(started)
    assert (draft.version.number, draft.version.status, draft.version.based_on) == (2, "draft", None)
    v2 = decoded_message(await publish_entry(api, "messages", "why-canon", 2, TEAMS))
    assert (v2.current_version, v2.version.content.channel) == (2, "phone")

    reader = await api.key("reader")
    diff = await client.get("/v1/messages/why-canon/diff", params={"from": 1, "to": 2}, headers=reader)
    assert diff.status_code == 200, diff.text
    found = diff.json()
    assert (found["from_version"], found["to_version"]) == (1, 2)
    assert [(c["field"], c["change"], c["before"], c["after"]) for c in found["changes"]] == [
        ("body", "modified", v1.version.content.body, new_body),
        ("channel", "modified", "email", "phone"),
    ]
    assert [(t["field"], t["added_lines"], t["removed_lines"]) for t in found["text"]] == [("body", 2, 1)]

    # as_of: the version in effect at a moment; the first one is superseded, not gone.
    t1, t2 = v1.version.published_at, v2.version.published_at
    between = t1 + (t2 - t1) / 2
    then = await client.get("/v1/messages/why-canon", params={"as_of": between.isoformat()}, headers=reader)
    assert decoded_message(then).version.number == 1
    assert decoded_message(then).version.status == "superseded"
    now = await client.get(
        "/v1/messages/why-canon", params={"as_of": dt.datetime.now(dt.UTC).isoformat()}, headers=reader
    )
    assert decoded_message(now).version.number == 2
    problem(await client.get("/v1/messages/why-canon", params={"as_of": "2001-01-01"}, headers=reader), 404)

    # Rollback: a new draft copied from version 1.
    rolled = await client.post("/v1/messages/why-canon/versions", json={"from_version": 1}, headers=editor)
    assert rolled.status_code == 201, rolled.text
    v3 = decoded_message(rolled)
    assert (v3.version.number, v3.version.status, v3.version.based_on) == (3, "draft", 1)
    assert v3.version.content == v1.version.content
    assert v3.current_version == 2
    events = await entry_events(client, "why-canon")
    assert (events[-1]["type"], events[-1]["data"]["version"], events[-1]["data"]["previous_version"]) == (
        "message.draft_updated",
        3,
        1,
    )
    # The second publication names the version it superseded and what changed since.
    assert [
        (e["data"]["version"], e["data"].get("previous_version"), e["data"]["changes"])
        for e in events
        if e["type"] == "message.published"
    ] == [
        (1, None, EVERY_FIELD),
        (2, 1, ["body", "channel"]),
    ]
