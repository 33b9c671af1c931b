"""Sign-off that cannot be bypassed: each way around the approval rule found in review, closed.

Every test here failed on the code before people and version-held fields existed (issue 12).
"""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.asset_fixtures import PDF, upload
from tests.support import Api, decoded, definition_body, problem

KINDS = ("definitions", "messages", "assets")


def _body(plural: str, slug: str, **overrides: Any) -> dict[str, Any]:
    if plural == "definitions":
        return definition_body(slug, **overrides)
    content: dict[str, Any] = {"body": "Say it this way."} if plural == "messages" else {"description": "A deck"}
    return {"slug": slug, "title": slug.title(), "owners": ["marketing", "sales"], "content": content, **overrides}


async def _publish_v1(api: Api, plural: str, slug: str) -> None:
    """Version 1 through the whole review (an asset's with its file: none goes to review without one)."""
    editor = await api.key("editor", "revops", "author")
    assert (await api.client.post(f"/v1/{plural}", json=_body(plural, slug), headers=editor)).status_code == 201
    base = f"/v1/{plural}/{slug}/versions/1"
    if plural == "assets":
        uploaded = await upload(api, slug, 1, PDF, file_name="deck.pdf")
        assert uploaded.status_code == 200, uploaded.text
    assert (await api.client.post(f"{base}/submit", headers=editor)).status_code == 200
    for team in ("marketing", "sales"):
        response = await api.client.post(f"{base}/approve", json={}, headers=await api.key("approver", team))
        assert response.status_code == 200, response.text
    response = await api.client.post(f"{base}/publish")  # the admin
    assert response.status_code == 200, response.text


async def test_an_editor_cannot_drop_a_team_that_must_approve(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    for plural in KINDS:
        await _publish_v1(api, plural, "pitch")
        editor = await api.key("editor", "revops", "author")
        tag = (await client.get(f"/v1/{plural}/pitch", params={"version": 1})).headers["ETag"]
        dropped = await client.patch(
            f"/v1/{plural}/pitch", json={"required_teams": ["sales"]}, headers={**editor, "If-Match": tag}
        )
        assert dropped.status_code == 422, (plural, dropped.text)
        read = (await client.get(f"/v1/{plural}/pitch", params={"version": 1})).json()
        assert read["required_teams"] == ["marketing", "sales"], plural


async def test_a_new_version_that_drops_a_team_still_needs_that_teams_approval(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await _publish_v1(api, "definitions", "mql")
    editor = await api.key("editor", "revops", "author")
    started = await client.post("/v1/definitions/mql/versions", json={"required_teams": ["sales"]}, headers=editor)
    assert started.status_code == 201, started.text
    submitted = await client.post("/v1/definitions/mql/versions/2/submit", headers=editor)
    assert submitted.status_code == 200, submitted.text
    approved = await client.post(
        "/v1/definitions/mql/versions/2/approve", json={}, headers=await api.key("approver", "sales")
    )
    assert approved.status_code == 200, approved.text
    version = decoded(approved).version
    assert (version.status, version.pending_teams) == ("in_review", ["marketing"])
    refused = await client.post("/v1/definitions/mql/versions/2/publish")
    assert problem(refused, 409).detail == "version 2 still needs approval from: marketing"


async def test_no_team_at_all_is_refused(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    editor = await api.key("editor", "revops", "author")
    for plural in KINDS:
        created = await client.post(f"/v1/{plural}", json=_body(plural, "alone", required_teams=[]), headers=editor)
        assert created.status_code == 422, (plural, created.text)
        assert (await client.get(f"/v1/{plural}/alone", params={"version": 1})).status_code == 404


async def test_an_unrelated_approver_cannot_swap_in_their_own_team_and_publish(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await _publish_v1(api, "definitions", "mql")
    legal = await api.key("approver", "legal", "legal-approver")
    started = await client.post("/v1/definitions/mql/versions", json={"required_teams": ["legal"]}, headers=legal)
    if started.status_code == 201:
        await client.post("/v1/definitions/mql/versions/2/submit", headers=legal)
    else:  # the old API took the teams on the entry
        tag = (await client.get("/v1/definitions/mql")).headers["ETag"]
        await client.patch(
            "/v1/definitions/mql", json={"required_teams": ["legal"]}, headers={**legal, "If-Match": tag}
        )
        await client.post("/v1/definitions/mql/versions", json={}, headers=legal)
        await client.post("/v1/definitions/mql/versions/2/submit", headers=legal)
    other_legal = await api.key("approver", "legal", "legal-colleague")
    await client.post("/v1/definitions/mql/versions/2/approve", json={}, headers=other_legal)
    published = await client.post("/v1/definitions/mql/versions/2/publish", headers=legal)
    assert published.status_code in (403, 409), published.text
    current = decoded(await client.get("/v1/definitions/mql"))
    assert (current.current_version, current.required_teams) == (1, ["marketing", "sales"])


async def test_one_person_with_two_keys_cannot_approve_their_own_version(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    as_editor = await api.key("editor", "marketing", "dana")
    created = await client.post("/v1/definitions", json=definition_body("mql"), headers=as_editor)
    assert created.status_code == 201, created.text
    assert (await client.post("/v1/definitions/mql/versions/1/submit", headers=as_editor)).status_code == 200
    people = await client.post("/v1/people", json={"subject": "dana", "name": "Dana", "role": "approver"})
    if people.status_code == 404:  # before people existed: a second key under the same name
        second = await client.post("/v1/keys", json={"name": "dana", "role": "approver", "team": "marketing"})
    else:
        tag = await client.patch("/v1/people/dana", json={"role": "approver"})
        assert tag.status_code == 200, tag.text
        second = await client.post("/v1/keys", json={"name": "dana-second-key", "person": "dana"})
    assert second.status_code == 201, second.text
    own = await client.post(
        "/v1/definitions/mql/versions/1/approve",
        json={},
        headers={"Authorization": f"Bearer {second.json()['key']}"},
    )
    assert own.status_code == 403, own.text
    assert decoded(await client.get("/v1/definitions/mql", params={"version": 1})).version.approvals == []


async def test_key_names_are_unique(client: AsyncTestClient[Any]) -> None:
    first = await client.post("/v1/keys", json={"name": "crm-sync", "role": "reader"})
    assert first.status_code == 201, first.text
    again = await client.post("/v1/keys", json={"name": "crm-sync", "role": "reader"})
    assert problem(again, 409).detail == "an API key named 'crm-sync' already exists; key names are unique"


async def test_a_title_change_waits_for_review_and_never_rewrites_a_published_version(
    client: AsyncTestClient[Any],
) -> None:
    api = Api(client)
    await _publish_v1(api, "definitions", "sql")
    editor = await api.key("editor", "revops", "author")
    tag = (await client.get("/v1/definitions/sql")).headers["ETag"]
    renamed = await client.patch(
        "/v1/definitions/sql", json={"title": "Sales Qualified Opportunity"}, headers={**editor, "If-Match": tag}
    )
    assert renamed.status_code == 422, renamed.text
    for params in ({}, {"version": 1}):
        read = await client.get("/v1/definitions/sql", params=params, headers=await api.key("reader"))
        assert read.json()["title"] == "Marketing Qualified Lead"


async def test_a_reader_never_sees_draft_events(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.create("secret-plan", title="Secret Plan")
    reader = await api.key("reader")
    feed = await client.get("/v1/events", headers=reader)
    assert feed.status_code == 200, feed.text
    assert feed.json()["items"] == []
    assert "Secret Plan" not in feed.text
