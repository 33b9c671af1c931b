"""The life of a definition through HTTP: create, edit, review, publish, new versions, rollback, retire, and the
event and audit record every step leaves behind."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from litestar.testing import AsyncTestClient

from tests.support import (
    MQL_CRITERIA,
    Api,
    current_etag,
    decoded,
    decoded_list,
    definition_body,
    edit_draft,
    entry_audit,
    entry_events,
    full_problem,
    problem,
    start_version,
)

ALL_CONTENT_FIELDS = ["aliases", "body", "criteria", "effective_date", "examples", "related", "summary"]
ALL_CONTENT_FIELDS_AND_REVIEWED = sorted(
    [*ALL_CONTENT_FIELDS, "acknowledge_teams", "owners", "required_teams", "tags", "title"]
)


def _path(slug: str = "mql", number: int | None = None, action: str | None = None) -> str:
    path = f"/v1/definitions/{slug}"
    if number is not None:
        path += f"/versions/{number}"
    if action is not None:
        path += f"/{action}"
    return path


async def _author(api: Api) -> dict[str, str]:
    return await api.key("editor", "revops", "author")


async def _submit(api: Api, slug: str = "mql", number: int = 1) -> Any:
    response = await api.client.post(_path(slug, number, "submit"), headers=await _author(api))
    assert response.status_code == 200, response.text
    return decoded(response)


async def _approve(api: Api, team: str, slug: str = "mql", number: int = 1, name: str | None = None) -> Any:
    approver = await api.key("approver", team, name)
    response = await api.client.post(_path(slug, number, "approve"), json={"comment": "ok"}, headers=approver)
    assert response.status_code == 200, response.text
    return decoded(response)


# --- create -------------------------------------------------------------------------------------------------------


async def test_create_answers_201_with_location_etag_and_a_first_draft(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    before = dt.datetime.now(dt.UTC)
    response = await client.post("/v1/definitions", json=definition_body("mql"), headers=await _author(api))
    after = dt.datetime.now(dt.UTC)

    assert response.status_code == 201, response.text
    assert response.headers["Location"] == "/v1/definitions/mql"
    tag = response.headers["ETag"]
    assert re.fullmatch(r'"[^"]+"', tag), tag
    created = decoded(response)
    assert (created.kind, created.slug, created.title) == ("definition", "mql", "Marketing Qualified Lead")
    assert created.tags == ["funnel"]
    assert created.owners == ["marketing", "sales"]
    assert created.required_teams == ["marketing", "sales"]  # defaults to the owners
    assert (created.retired, created.retired_at) == (False, None)
    assert (created.current_version, created.latest_version) == (None, 1)
    assert created.created_by == "author"
    assert before <= created.created_at <= after
    version = created.version
    assert (version.number, version.status, version.author, version.based_on) == (1, "draft", "author", None)
    assert (version.approvals, version.pending_teams, version.review_comment) == ([], [], None)
    assert (version.submitted_at, version.published_at, version.superseded_at, version.effective_from) == (
        None,
        None,
        None,
        None,
    )
    content = version.content
    assert content.summary == "A lead worth a sales conversation."
    assert content.body == "# MQL\n\nFit and engagement.\n"
    assert content.aliases == ["MQL"]
    assert content.criteria == MQL_CRITERIA
    assert (content.examples, content.related, content.effective_date) == ([], [], None)

    # The Location names a resource that exists, with the same ETag (the draft is visible to editors).
    read = await client.get(response.headers["Location"], params={"version": 1})
    assert read.status_code == 200, read.text
    assert read.headers["ETag"] == tag
    assert decoded(read) == created


async def test_create_keeps_explicit_required_teams_and_drops_duplicate_tags_and_teams(
    client: AsyncTestClient[Any],
) -> None:
    api = Api(client)
    created = decoded(
        await api.create(
            "sql", tags=["funnel", "sales", "funnel"], owners=["sales", "sales"], required_teams=["sales", "finance"]
        )
    )
    assert created.tags == ["funnel", "sales"]
    assert created.owners == ["sales"]
    assert created.required_teams == ["sales", "finance"]

    # Some team must always sign off: an explicit empty list is refused, and nothing is created.
    nobody = await client.post(
        "/v1/definitions", json=definition_body("lead", required_teams=[]), headers=await _author(api)
    )
    found = problem(nobody, 422)
    assert found.errors is not None
    assert [e.pointer for e in found.errors] == ["/required_teams"]
    problem(await client.get("/v1/definitions/lead", params={"version": 1}), 404)


async def test_create_refuses_a_duplicate_slug_with_409(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.create("mql")
    again = await client.post(
        "/v1/definitions", json=definition_body("mql", title="Another"), headers=await _author(api)
    )
    found = problem(again, 409)
    assert found.detail == "a definition with slug 'mql' already exists"
    # The first entry is untouched.
    read = await client.get("/v1/definitions/mql", params={"version": 1})
    assert decoded(read).title == "Marketing Qualified Lead"


async def test_create_needs_the_editor_role(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    reader = await api.key("reader")
    refused = await client.post("/v1/definitions", json=definition_body("mql"), headers=reader)
    found = problem(refused, 403)
    assert found.detail is not None
    assert "needs the editor role" in found.detail
    assert "has reader" in found.detail
    unauthenticated = await client.post(
        "/v1/definitions", json=definition_body("mql"), headers={"Authorization": "Bearer nope"}
    )
    problem(unauthenticated, 401)
    problem(await client.get("/v1/definitions/mql", params={"version": 1}), 404)


async def test_create_with_invalid_criteria_is_422_with_pointers_into_the_body(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    body = definition_body("mql")
    body["content"]["criteria"] = {"all": [{"field": "score", "op": "about", "value": 1}]}
    found = problem(await client.post("/v1/definitions", json=body, headers=await _author(api)), 422)
    assert found.errors is not None
    assert [(e.pointer, e.source) for e in found.errors] == [("/content/criteria/all/0/op", "body")]
    assert found.errors[0].detail.startswith("unknown operator 'about'")
    problem(await client.get("/v1/definitions/mql", params={"version": 1}), 404)


# --- editing a draft ----------------------------------------------------------------------------------------------


async def test_draft_edit_needs_a_current_if_match(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    first_tag = (await api.create("mql")).headers["ETag"]
    author = await _author(api)

    missing = await client.patch(_path("mql", 1), json={"summary": "Edited."}, headers=author)
    assert "If-Match" in (problem(missing, 428).detail or "")

    unknown = await client.patch(_path("mql", 1), json={"summary": "Edited."}, headers={**author, "If-Match": '"0"'})
    problem(unknown, 412)

    # If-Match uses the strong comparison: a weak tag never matches.
    weak = await client.patch(
        _path("mql", 1), json={"summary": "Edited."}, headers={**author, "If-Match": f"W/{first_tag}"}
    )
    problem(weak, 412)

    edited = await client.patch(_path("mql", 1), json={"summary": "Edited."}, headers={**author, "If-Match": first_tag})
    assert edited.status_code == 200, edited.text
    second_tag = edited.headers["ETag"]
    assert second_tag != first_tag
    assert decoded(edited).version.content.summary == "Edited."

    stale = await client.patch(_path("mql", 1), json={"summary": "Lost."}, headers={**author, "If-Match": first_tag})
    found = problem(stale, 412)
    assert found.detail is not None
    assert second_tag in found.detail  # says what the current tag is
    assert await current_etag(client, "mql") == second_tag

    # Several candidate tags: one current one is enough.
    listed = await client.patch(
        _path("mql", 1), json={"summary": "Again."}, headers={**author, "If-Match": f'"0", {second_tag}'}
    )
    assert listed.status_code == 200, listed.text
    read = decoded(await client.get("/v1/definitions/mql", params={"version": 1}))
    assert read.version.content.summary == "Again."


async def test_draft_edit_is_partial_and_null_clears(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    original = decoded(await api.create("mql")).version.content

    first = decoded(await edit_draft(api, "mql", 1, {"summary": "Only the summary.", "effective_date": "2030-01-01"}))
    content = first.version.content
    assert content.summary == "Only the summary."
    assert content.effective_date == dt.date(2030, 1, 1)
    assert (content.body, content.aliases, content.criteria) == (original.body, original.aliases, MQL_CRITERIA)

    second = decoded(await edit_draft(api, "mql", 1, {"aliases": ["Marketing-qualified lead"], "examples": ["x"]}))
    assert second.version.content.aliases == ["Marketing-qualified lead"]  # a list is replaced, not merged
    assert second.version.content.examples == ["x"]
    assert second.version.content.summary == "Only the summary."

    cleared = decoded(await edit_draft(api, "mql", 1, {"effective_date": None, "criteria": None}))
    content = cleared.version.content
    assert (content.effective_date, content.criteria) == (None, None)
    assert content.summary == "Only the summary."
    assert content.aliases == ["Marketing-qualified lead"]
    assert content.body == original.body

    read = decoded(await client.get("/v1/definitions/mql", params={"version": 1}))
    assert read.version.content == content


async def test_draft_edit_that_changes_nothing_keeps_the_etag_and_emits_no_event(
    client: AsyncTestClient[Any],
) -> None:
    api = Api(client)
    tag = (await api.create("mql")).headers["ETag"]
    same = await client.patch(
        _path("mql", 1),
        json={"summary": "A lead worth a sales conversation.", "aliases": ["MQL"]},
        headers={**await _author(api), "If-Match": tag},
    )
    assert same.status_code == 200, same.text
    assert same.headers["ETag"] == tag
    assert [event["type"] for event in await entry_events(client, "mql")] == ["definition.created"]


async def test_only_a_draft_can_be_edited(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.create("mql")
    await _submit(api)
    author = await _author(api)
    tag = await current_etag(client, "mql")
    refused = await client.patch(_path("mql", 1), json={"summary": "Late."}, headers={**author, "If-Match": tag})
    assert problem(refused, 409).detail == "version 1 is in_review; only a draft can be edited"

    await _approve(api, "marketing")
    await _approve(api, "sales")
    await client.post(_path("mql", 1, "publish"), headers=await api.publisher())
    tag = await current_etag(client, "mql")
    refused = await client.patch(_path("mql", 1), json={"summary": "Late."}, headers={**author, "If-Match": tag})
    assert problem(refused, 409).detail == "version 1 is published; only a draft can be edited"
    read = decoded(await client.get("/v1/definitions/mql"))
    assert read.version.content.summary == "A lead worth a sales conversation."

    missing = await client.patch(_path("mql", 7), json={"summary": "x"}, headers={**author, "If-Match": tag})
    problem(missing, 404)


async def test_invalid_draft_edits_are_422_with_exact_pointers_and_change_nothing(
    client: AsyncTestClient[Any],
) -> None:
    api = Api(client)
    tag = (await api.create("mql")).headers["ETag"]
    headers = {**await _author(api), "If-Match": tag}

    bad_tree = {
        "all": [
            {"field": "score", "op": "about", "value": 1},
            {"field": "", "op": "eq", "value": 1},
            {"any": []},
            {"not": {"field": "country", "op": "in", "value": "DE"}},
        ]
    }
    found = problem(await client.patch(_path("mql", 1), json={"criteria": bad_tree}, headers=headers), 422)
    assert found.errors is not None
    assert [e.pointer for e in found.errors] == [
        "/criteria/all/0/op",
        "/criteria/all/1/field",
        "/criteria/all/2/any",
        "/criteria/all/3/not/value",
    ]
    assert {e.source for e in found.errors} == {"body"}

    duplicates = await client.patch(_path("mql", 1), json={"aliases": ["MQL", "mql"]}, headers=headers)
    found = problem(duplicates, 422)
    assert found.errors is not None
    assert [e.pointer for e in found.errors] == ["/aliases/1"]

    wrong_type = problem(await client.patch(_path("mql", 1), json={"summary": 5}, headers=headers), 422)
    assert wrong_type.errors is not None
    assert [e.pointer for e in wrong_type.errors] == ["/summary"]

    # Nothing was written: the same ETag still matches and the content is the original one.
    assert await current_etag(client, "mql") == tag
    read = decoded(await client.get("/v1/definitions/mql", params={"version": 1}))
    assert read.version.content.criteria == MQL_CRITERIA
    assert read.version.content.aliases == ["MQL"]


# --- editing the entry --------------------------------------------------------------------------------------------


async def test_an_entrys_reviewed_fields_are_refused_on_the_entry_and_name_the_way_to_change_them(
    client: AsyncTestClient[Any],
) -> None:
    api = Api(client)
    tag = (await api.create("mql")).headers["ETag"]
    author = await _author(api)
    change = {"title": "MQL", "tags": ["core"], "owners": ["marketing"], "required_teams": ["sales"]}

    problem(await client.patch("/v1/definitions/mql", json={}, headers=author), 428)
    problem(await client.patch("/v1/definitions/mql", json={}, headers={**author, "If-Match": '"0"'}), 412)
    reader = {**await api.key("reader"), "If-Match": tag}
    problem(await client.patch("/v1/definitions/mql", json=change, headers=reader), 403)
    refused = full_problem(
        await client.patch("/v1/definitions/mql", json=change, headers={**author, "If-Match": tag}), 422
    )
    assert refused.errors is not None
    assert [e.pointer for e in refused.errors] == ["/title", "/tags", "/owners", "/required_teams"]
    assert "POST /v1/definitions/mql/versions" in (refused.detail or "")
    one = problem(
        await client.patch("/v1/definitions/mql", json={"title": "x"}, headers={**author, "If-Match": tag}), 422
    )
    assert one.errors is not None
    assert [e.pointer for e in one.errors] == ["/title"]

    # Nothing changed, not even the ETag, and no event was written.
    assert await current_etag(client, "mql") == tag
    assert [e["type"] for e in await entry_events(client, "mql")] == ["definition.created"]


async def test_a_draft_carries_its_own_title_tags_owners_and_required_teams(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.published("sql", title="Sales Qualified Lead")
    started = decoded(
        await start_version(api, "sql", {"title": "Sales Qualified Opportunity", "tags": ["funnel", "core"]})
    )
    assert (started.title, started.tags, started.owners, started.required_teams) == (
        "Sales Qualified Opportunity",
        ["funnel", "core"],
        ["marketing", "sales"],  # not given: copied from the version it is based on
        ["marketing", "sales"],
    )
    assert (started.version.title, started.version.tags) == ("Sales Qualified Opportunity", ["funnel", "core"])
    edited = decoded(await edit_draft(api, "sql", 2, {"owners": ["sales"], "summary": "Accepted by sales."}))
    assert (edited.owners, edited.version.content.summary) == (["sales"], "Accepted by sales.")

    # Until it is published, what everyone reads is version 1's, whole.
    for params in ({}, {"version": 1}):
        read = decoded(await client.get("/v1/definitions/sql", params=params, headers=await api.key("reader")))
        assert (read.title, read.tags, read.owners) == ("Sales Qualified Lead", ["funnel"], ["marketing", "sales"])
    listed = decoded_list(await client.get("/v1/definitions", headers=await api.key("reader")))
    assert [(item.slug, item.title) for item in listed.items] == [("sql", "Sales Qualified Lead")]

    await api.publish_through_review("sql", 2)
    now = decoded(await client.get("/v1/definitions/sql"))
    assert (now.title, now.tags, now.owners, now.version.number) == (
        "Sales Qualified Opportunity",
        ["funnel", "core"],
        ["sales"],
        2,
    )
    old = decoded(await client.get("/v1/definitions/sql", params={"version": 1}))
    assert (old.title, old.owners) == ("Sales Qualified Lead", ["marketing", "sales"])
    published = [e["data"] for e in await entry_events(client, "sql") if e["type"] == "definition.published"]
    assert [(d["version"], d["title"]) for d in published] == [
        (1, "Sales Qualified Lead"),
        (2, "Sales Qualified Opportunity"),
    ]
    assert published[1]["changes"] == ["owners", "summary", "tags", "title"]


# --- review -------------------------------------------------------------------------------------------------------


async def test_submit_moves_a_draft_into_review_once(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.create("mql")
    problem(await client.post(_path("mql", 1, "submit"), headers=await api.key("reader")), 403)

    before = dt.datetime.now(dt.UTC)
    submitted = await _submit(api)
    after = dt.datetime.now(dt.UTC)
    version = submitted.version
    assert (version.status, version.pending_teams, version.approvals) == ("in_review", ["marketing", "sales"], [])
    assert version.submitted_at is not None
    assert before <= version.submitted_at <= after

    again = await client.post(_path("mql", 1, "submit"), headers=await _author(api))
    assert problem(again, 409).detail == "version 1 is in_review; only a draft can be submitted for review"
    problem(await client.post(_path("mql", 2, "submit"), headers=await _author(api)), 404)


async def test_each_required_team_approves_once_and_the_last_approval_completes_the_review(
    client: AsyncTestClient[Any],
) -> None:
    api = Api(client)
    await api.create("mql")
    await _submit(api)
    marketing = await api.key("approver", "marketing")

    before = dt.datetime.now(dt.UTC)
    response = await client.post(_path("mql", 1, "approve"), json={"comment": "fits"}, headers=marketing)
    after = dt.datetime.now(dt.UTC)
    assert response.status_code == 200, response.text
    version = decoded(response).version
    assert (version.status, version.pending_teams) == ("in_review", ["sales"])
    assert [(a.team, a.approver, a.comment) for a in version.approvals] == [("marketing", "approver-marketing", "fits")]
    assert before <= version.approvals[0].approved_at <= after

    stale = await client.post(
        _path("mql", 1, "approve"), headers={**await api.key("approver", "sales"), "If-Match": '"0"'}
    )
    problem(stale, 412)

    # A second marketing approver is one approval too many.
    other = await api.key("approver", "marketing", "approver-marketing-2")
    twice = await client.post(_path("mql", 1, "approve"), json={"comment": "me too"}, headers=other)
    assert problem(twice, 409).detail == "team 'marketing' has already approved version 1"

    # The body is optional.
    response = await client.post(_path("mql", 1, "approve"), headers=await api.key("approver", "sales"))
    assert response.status_code == 200, response.text
    version = decoded(response).version
    assert (version.status, version.pending_teams) == ("approved", [])
    assert [(a.team, a.approver, a.comment) for a in version.approvals] == [
        ("marketing", "approver-marketing", "fits"),
        ("sales", "approver-sales", None),
    ]
    read = decoded(await client.get("/v1/definitions/mql", params={"version": 1}))
    assert read.version.approvals == version.approvals


async def test_approvals_need_an_approver_of_a_required_team_and_a_version_in_review(
    client: AsyncTestClient[Any],
) -> None:
    api = Api(client)
    await api.create("mql")
    draft = await client.post(_path("mql", 1, "approve"), headers=await api.key("approver", "marketing"))
    assert problem(draft, 409).detail == "version 1 is draft; only a version in review can be approved"
    await _submit(api)

    finance = await client.post(_path("mql", 1, "approve"), headers=await api.key("approver", "finance"))
    assert (problem(finance, 403).detail or "").startswith("the teams of 'approver-finance' (finance) are not among")
    editor = await client.post(_path("mql", 1, "approve"), headers=await api.key("editor", "marketing"))
    assert "needs the approver role" in (problem(editor, 403).detail or "")
    reader = await client.post(_path("mql", 1, "approve"), headers=await api.key("reader", "marketing"))
    problem(reader, 403)
    admin_without_team = await client.post(_path("mql", 1, "approve"), headers=await api.key("admin"))
    assert "belongs to no team" in (problem(admin_without_team, 403).detail or "")
    service = await client.post(_path("mql", 1, "approve"))  # the bootstrap admin key is a service
    assert "only people approve" in (problem(service, 403).detail or "")

    read = decoded(await client.get("/v1/definitions/mql", params={"version": 1}))
    assert (read.version.status, read.version.approvals, read.version.pending_teams) == (
        "in_review",
        [],
        ["marketing", "sales"],
    )


async def test_the_author_cannot_approve_their_own_version(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    author = await api.key("approver", "marketing", "marketing-author")  # an approver can also author
    created = await client.post("/v1/definitions", json=definition_body("mql"), headers=author)
    assert created.status_code == 201, created.text
    assert decoded(created).version.author == "marketing-author"
    assert (await client.post(_path("mql", 1, "submit"), headers=author)).status_code == 200

    own = await client.post(_path("mql", 1, "approve"), json={"comment": "lgtm"}, headers=author)
    assert problem(own, 403).detail == "'marketing-author' wrote or edited version 1, so cannot approve it"
    read = decoded(await client.get("/v1/definitions/mql", params={"version": 1}))
    assert read.version.approvals == []

    colleague = await _approve(api, "marketing", name="marketing-colleague")
    assert [a.approver for a in colleague.version.approvals] == ["marketing-colleague"]


async def test_reject_sends_a_version_back_to_draft_and_withdraws_its_approvals(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.create("mql")
    await _submit(api)
    await _approve(api, "marketing")
    sales = await api.key("approver", "sales")

    no_comment = problem(await client.post(_path("mql", 1, "reject"), json={}, headers=sales), 422)
    assert no_comment.errors is not None
    assert [(e.pointer, e.detail) for e in no_comment.errors] == [("", "Object missing required field `comment`")]
    blank = problem(await client.post(_path("mql", 1, "reject"), json={"comment": "   "}, headers=sales), 422)
    assert blank.errors is not None
    assert [e.pointer for e in blank.errors] == ["/comment"]
    no_body = problem(await client.post(_path("mql", 1, "reject"), headers=sales), 422)
    assert no_body.errors is not None
    assert [(e.pointer, e.detail) for e in no_body.errors] == [("", "a JSON body is required")]
    editor = await api.key("editor", "sales")
    problem(await client.post(_path("mql", 1, "reject"), json={"comment": "no"}, headers=editor), 403)
    unchanged = decoded(await client.get("/v1/definitions/mql", params={"version": 1})).version
    assert (unchanged.status, [a.team for a in unchanged.approvals]) == ("in_review", ["marketing"])

    rejected = await client.post(_path("mql", 1, "reject"), json={"comment": "Needs an intent signal."}, headers=sales)
    assert rejected.status_code == 200, rejected.text
    version = decoded(rejected).version
    assert (version.status, version.approvals, version.pending_teams) == ("draft", [], [])
    assert version.review_comment == "Needs an intent signal."

    again = await client.post(_path("mql", 1, "reject"), json={"comment": "again"}, headers=sales)
    assert problem(again, 409).detail == "version 1 is draft; only a version in review can be rejected"

    # Back to draft means editable, and a fresh review starts from nothing: marketing approves again.
    await edit_draft(api, "mql", 1, {"criteria": {"field": "requested_demo", "op": "eq", "value": True}})
    await _submit(api)
    reapproved = await _approve(api, "marketing")
    assert (reapproved.version.status, reapproved.version.pending_teams) == ("in_review", ["sales"])


async def test_publish_needs_every_approval_and_names_the_missing_teams(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.create("mql")
    await _author(api)

    draft = await client.post(_path("mql", 1, "publish"), headers=await api.publisher())
    assert problem(draft, 409).detail == "version 1 is draft; only an approved version can be published"
    await _submit(api)
    nobody = await client.post(_path("mql", 1, "publish"), headers=await api.publisher())
    assert problem(nobody, 409).detail == "version 1 still needs approval from: marketing, sales"
    await _approve(api, "marketing")
    one_missing = await client.post(_path("mql", 1, "publish"), headers=await api.publisher())
    assert problem(one_missing, 409).detail == "version 1 still needs approval from: sales"
    await _approve(api, "sales")
    problem(await client.post(_path("mql", 1, "publish"), headers=await api.key("reader")), 403)

    before = dt.datetime.now(dt.UTC)
    published = await client.post(_path("mql", 1, "publish"), headers=await api.publisher())
    after = dt.datetime.now(dt.UTC)
    assert published.status_code == 200, published.text
    entry = decoded(published)
    assert (entry.current_version, entry.latest_version) == (1, 1)
    version = entry.version
    assert (version.status, version.pending_teams) == ("published", [])
    assert version.published_at is not None
    assert before <= version.published_at <= after
    assert version.effective_from == version.published_at
    assert [a.team for a in version.approvals] == ["marketing", "sales"]

    twice = await client.post(_path("mql", 1, "publish"), headers=await api.publisher())
    assert problem(twice, 409).detail == "version 1 is published; only an approved version can be published"


async def test_publishing_a_new_version_supersedes_the_previous_one(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    v1 = decoded(await api.published("mql"))
    await start_version(api, "mql")
    await edit_draft(api, "mql", 2, {"aliases": ["MQL", "Marketing-qualified lead"]})
    published = decoded(await api.publish_through_review("mql", 2))
    assert (published.current_version, published.latest_version) == (2, 2)
    assert (published.version.number, published.version.status) == (2, "published")

    old = decoded(await client.get("/v1/definitions/mql", params={"version": 1})).version
    assert old.status == "superseded"
    assert old.published_at == v1.version.published_at
    assert old.superseded_at == published.version.published_at
    current = decoded(await client.get("/v1/definitions/mql", headers=await api.key("reader")))
    assert (current.current_version, current.version.number) == (2, 2)
    assert current.version.content.aliases == ["MQL", "Marketing-qualified lead"]


# --- new versions and rollback ------------------------------------------------------------------------------------


async def test_a_new_version_is_a_draft_copy_of_the_current_one_and_only_one_may_be_open(
    client: AsyncTestClient[Any],
) -> None:
    api = Api(client)
    await api.create("mql")
    author = await _author(api)
    early = await client.post("/v1/definitions/mql/versions", json={}, headers=author)
    assert problem(early, 409).detail == "'mql' already has version 1 in progress; publish or edit that one first"
    v1 = decoded(await api.publish_through_review("mql", 1))
    problem(await client.post("/v1/definitions/mql/versions", json={}, headers=await api.key("reader")), 403)
    stale = await client.post("/v1/definitions/mql/versions", json={}, headers={**author, "If-Match": '"0"'})
    problem(stale, 412)

    response = await client.post("/v1/definitions/mql/versions", json={}, headers=author)
    assert response.status_code == 201, response.text
    entry = decoded(response)
    assert (entry.current_version, entry.latest_version) == (1, 2)
    version = entry.version
    assert (version.number, version.status, version.based_on, version.author) == (2, "draft", 1, "author")
    assert (version.approvals, version.review_comment, version.published_at) == ([], None, None)
    assert version.content == v1.version.content

    second = await client.post("/v1/definitions/mql/versions", json={}, headers=author)
    assert problem(second, 409).detail == "'mql' already has version 2 in progress; publish or edit that one first"
    # The published version is still what readers get.
    current = decoded(await client.get("/v1/definitions/mql", headers=await api.key("reader")))
    assert (current.version.number, current.version.status) == (1, "published")


async def test_a_new_version_can_start_from_given_content(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.published("mql")
    bad = {"content": {"summary": "x", "criteria": {"field": "score", "op": "gte"}}}
    invalid = await client.post("/v1/definitions/mql/versions", json=bad, headers=await _author(api))
    found = problem(invalid, 422)
    assert found.errors is not None
    assert [e.pointer for e in found.errors] == ["/content/criteria/value"]
    assert decoded(await client.get("/v1/definitions/mql")).latest_version == 1

    content = {"summary": "Rewritten.", "body": "# MQL\n", "criteria": {"field": "score", "op": "gte", "value": 80}}
    entry = decoded(await start_version(api, "mql", {"content": content}))
    version = entry.version
    assert (version.number, version.status, version.based_on) == (2, "draft", None)
    assert (version.content.summary, version.content.body, version.content.aliases) == ("Rewritten.", "# MQL\n", [])
    assert version.content.criteria == content["criteria"]


async def test_rollback_copies_an_old_version_into_a_new_draft(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    v1 = decoded(await api.published("mql"))
    await start_version(api, "mql")
    await edit_draft(api, "mql", 2, {"aliases": ["MQL", "Marketing-qualified lead"], "summary": "Changed."})
    await api.publish_through_review("mql", 2)
    author = await _author(api)

    both = await client.post(
        "/v1/definitions/mql/versions", json={"from_version": 1, "content": {"summary": "x"}}, headers=author
    )
    found = problem(both, 422)
    assert found.detail == "give either from_version or content, not both"
    assert found.errors is not None
    assert [(e.pointer, e.source) for e in found.errors] == [("/content", "body")]
    unknown = await client.post("/v1/definitions/mql/versions", json={"from_version": 9}, headers=author)
    problem(unknown, 404)
    assert decoded(await client.get("/v1/definitions/mql")).latest_version == 2

    rollback = decoded(await start_version(api, "mql", {"from_version": 1}))
    assert (rollback.current_version, rollback.latest_version) == (2, 3)
    version = rollback.version
    assert (version.number, version.status, version.based_on) == (3, "draft", 1)
    assert version.content == v1.version.content

    published = decoded(await api.publish_through_review("mql", 3))
    assert published.current_version == 3
    assert published.version.content.aliases == ["MQL"]
    drafts = [e["data"] for e in await entry_events(client, "mql") if e["type"] == "definition.draft_updated"]
    assert [(d["version"], d.get("previous_version")) for d in drafts] == [(2, 1), (2, None), (3, 1)]


# --- retire and restore -------------------------------------------------------------------------------------------


async def test_retire_and_restore_are_admin_only_and_happen_once(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.published("mql")
    await api.published("lead", title="Lead")
    reader = await api.key("reader")

    problem(await client.post("/v1/definitions/mql/retire", headers=await _author(api)), 403)
    problem(await client.post("/v1/definitions/mql/retire", headers=await api.key("approver", "sales")), 403)
    problem(await client.post("/v1/definitions/nope/retire"), 404)

    before = dt.datetime.now(dt.UTC)
    retired = await client.post("/v1/definitions/mql/retire")
    after = dt.datetime.now(dt.UTC)
    assert retired.status_code == 200, retired.text
    entry = decoded(retired)
    assert entry.retired is True
    assert entry.retired_at is not None
    assert before <= entry.retired_at <= after
    assert (entry.current_version, entry.version.number, entry.version.status) == (1, 1, "published")
    assert problem(await client.post("/v1/definitions/mql/retire"), 409).detail == "'mql' is already retired"

    listed = decoded_list(await client.get("/v1/definitions", headers=reader))
    assert [item.slug for item in listed.items] == ["lead"]
    retired_list = decoded_list(await client.get("/v1/definitions", params={"status": "retired"}, headers=reader))
    assert [(item.slug, item.retired) for item in retired_list.items] == [("mql", True)]

    problem(await client.post("/v1/definitions/mql/restore", headers=await _author(api)), 403)
    restored = await client.post("/v1/definitions/mql/restore")
    assert restored.status_code == 200, restored.text
    entry = decoded(restored)
    assert (entry.retired, entry.retired_at, entry.current_version) == (False, None, 1)
    assert problem(await client.post("/v1/definitions/mql/restore"), 409).detail == "'mql' is not retired"
    listed = decoded_list(await client.get("/v1/definitions", headers=reader))
    assert [item.slug for item in listed.items] == ["lead", "mql"]


async def test_a_retired_entry_cannot_publish_until_restored(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.published("mql")
    await start_version(api, "mql")
    await _submit(api, number=2)
    await _approve(api, "marketing", number=2)
    await _approve(api, "sales", number=2)
    assert (await client.post("/v1/definitions/mql/retire")).status_code == 200
    await _author(api)

    refused = await client.post(_path("mql", 2, "publish"), headers=await api.publisher())
    assert problem(refused, 409).detail == "'mql' is retired; restore it before publishing"
    entry = decoded(await client.get("/v1/definitions/mql", params={"version": 2}))
    assert (entry.current_version, entry.version.status) == (1, "approved")

    assert (await client.post("/v1/definitions/mql/restore")).status_code == 200
    published = await client.post(_path("mql", 2, "publish"), headers=await api.publisher())
    assert published.status_code == 200, published.text
    assert decoded(published).current_version == 2


# --- the record of every change -----------------------------------------------------------------------------------


def _person(subject: str) -> dict[str, str]:
    return {"type": "person", "subject": subject, "name": subject}


BOOTSTRAP = {"type": "service", "subject": "bootstrap-admin", "name": "Bootstrap admin key"}


async def test_every_mutation_leaves_an_event_and_an_audit_record(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    entry_id = str(decoded(await api.create("mql")).id)
    await edit_draft(api, "mql", 1, {"summary": "Edited."})
    await edit_draft(api, "mql", 1, {"title": "MQL"})
    await _submit(api)
    sales = await api.key("approver", "sales")
    rejected = await client.post(_path("mql", 1, "reject"), json={"comment": "Too vague."}, headers=sales)
    assert rejected.status_code == 200, rejected.text
    await api.publish_through_review("mql", 1)
    await start_version(api, "mql")
    await edit_draft(api, "mql", 2, {"aliases": ["MQL", "Marketing-qualified lead"]})
    await api.publish_through_review("mql", 2)
    assert (await client.post("/v1/definitions/mql/retire")).status_code == 200
    assert (await client.post("/v1/definitions/mql/restore")).status_code == 200

    approved_by_marketing = {
        "outcome": "approved",
        "by": "approver-marketing",
        "team": "marketing",
        "comment": "ok",
        "missing_teams": ["sales"],
    }
    approved_by_sales = {
        "outcome": "approved",
        "by": "approver-sales",
        "team": "sales",
        "comment": "ok",
        "missing_teams": [],
    }
    rejection = {"outcome": "rejected", "by": "approver-sales", "team": "sales", "comment": "Too vague."}
    author, marketing, seller, publisher = (
        _person(s) for s in ("author", "approver-marketing", "approver-sales", "publisher")
    )

    def requested(version: int, changes: list[str]) -> list[tuple[Any, ...]]:
        """The request to each review team that follows a submission, naming what changed since the version in
        effect."""
        return [("definition.review_requested", version, author, "in_review", None, changes, None)] * 2

    # (type, version, actor, status, previous_version, changes, review)
    expected = [
        ("definition.created", 1, author, "draft", None, [], None),
        ("definition.draft_updated", 1, author, "draft", None, ["summary"], None),
        ("definition.draft_updated", 1, author, "draft", None, ["title"], None),
        ("definition.submitted", 1, author, "in_review", None, [], None),
        *requested(1, ALL_CONTENT_FIELDS_AND_REVIEWED),
        ("definition.rejected", 1, seller, "draft", None, [], rejection),
        ("definition.submitted", 1, author, "in_review", None, [], None),
        *requested(1, ALL_CONTENT_FIELDS_AND_REVIEWED),
        ("definition.approved", 1, marketing, "in_review", None, [], approved_by_marketing),
        ("definition.approved", 1, seller, "approved", None, [], approved_by_sales),
        ("definition.published", 1, publisher, "published", None, ALL_CONTENT_FIELDS_AND_REVIEWED, None),
        ("definition.effective", 1, publisher, "published", None, [], None),
        ("definition.draft_updated", 2, author, "draft", 1, [], None),
        ("definition.draft_updated", 2, author, "draft", None, ["aliases"], None),
        ("definition.submitted", 2, author, "in_review", None, [], None),
        *requested(2, ["aliases"]),
        ("definition.approved", 2, marketing, "in_review", None, [], approved_by_marketing),
        ("definition.approved", 2, seller, "approved", None, [], approved_by_sales),
        ("definition.published", 2, publisher, "published", 1, ["aliases"], None),
        ("definition.effective", 2, publisher, "published", 1, [], None),
        ("definition.retired", 2, BOOTSTRAP, None, None, [], None),
        ("definition.restored", 2, BOOTSTRAP, None, None, [], None),
    ]

    events = await entry_events(client, "mql")
    assert [
        (
            e["type"],
            e["data"]["version"],
            e["data"]["actor"],
            e["data"].get("status"),
            e["data"].get("previous_version"),
            e["data"].get("changes", []),
            e["data"].get("review"),
        )
        for e in events
    ] == expected
    for event in events:
        data = event["data"]
        assert (data["id"], data["kind"], data["slug"]) == (entry_id, "definition", "mql")
        suffix = "" if data["version"] is None else f"?version={data['version']}"
        assert data["url"] == f"http://canon.test/v1/definitions/mql{suffix}"
        assert data["tags"] == ["funnel"]
    # Each event carries the title of the version it is about.
    assert [e["data"]["title"] for e in events[:2]] == ["Marketing Qualified Lead"] * 2
    assert {e["data"]["title"] for e in events[2:]} == {"MQL"}
    stamps = [dt.datetime.fromisoformat(e["timestamp"]) for e in events]
    assert stamps == sorted(stamps)

    # The audit log has the same steps, with the person, the credential, the request and every value changed.
    records = await entry_audit(client, "mql")
    assert [(r["action"], r["actor"], r["from_version"], r["to_version"]) for r in records] == [
        (kind, actor["subject"], previous, version) for kind, version, actor, _, previous, _, _ in expected
    ]
    audited = {
        "definition.created": [f for f in ALL_CONTENT_FIELDS_AND_REVIEWED if f != "effective_date"],  # set: not null
        "definition.submitted": ["review_teams", "status"],
        "definition.review_requested": [],
        "definition.rejected": ["status"],
        "definition.published": ["current_version", "effective_from", "status"],
        "definition.effective": ["current_version"],
        "definition.retired": ["retired_at"],
        "definition.restored": ["retired_at"],
    }
    assert [sorted(r["detail"].get("changes", {})) for r in records] == [
        ["status"] if review == approved_by_sales else audited.get(kind, changes)
        for kind, _, _, _, _, changes, review in expected
    ]
    assert [r["detail"].get("review") for r in records] == [review for *_, review in expected]
    assert {(r["kind"], r["slug"]) for r in records} == {("definition", "mql")}
    titled = records[2]
    assert titled["detail"]["changes"] == {"title": {"old": "Marketing Qualified Lead", "new": "MQL"}}
    assert (titled["actor_type"], titled["actor_name"], titled["credential"]) == ("person", "author", "api_key")
    assert titled["credential_id"] is not None
    assert titled["request_id"]
    assert records[-2]["credential"] == "bootstrap"
    assert records[-2]["detail"]["changes"]["retired_at"]["old"] is None

    # Readers follow the feed; only admins read the audit log.
    reader = await api.key("reader")
    assert (await client.get("/v1/events", headers=reader)).status_code == 200
    problem(await client.get("/v1/audit", headers=reader), 403)
    problem(await client.get("/v1/audit", headers=await api.key("approver", "sales")), 403)


async def test_only_an_approver_of_a_required_team_can_reject(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.create("mql")
    await _submit(api)
    finance = await api.key("approver", "finance")
    refused = await client.post(_path("mql", 1, "reject"), json={"comment": "Not our call."}, headers=finance)
    assert (problem(refused, 403).detail or "").startswith("the teams of 'approver-finance' (finance) are not among")
    read = decoded(await client.get("/v1/definitions/mql", params={"version": 1}))
    assert (read.version.status, read.version.review_comment) == ("in_review", None)
