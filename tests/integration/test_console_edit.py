"""The console's editing section in process: create an entry through its form, start a new version, edit the draft,
submit, publish, roll back, retire and restore; every complaint at its field (422, the values kept and escaped), the
use cases' refusals in words with the API's status, only the actions a person's role and the entry's state allow,
CSRF on every form, and no 500 whatever is typed."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from service.console.edit_common import DONE_COOKIE
from tests.asset_fixtures import PDF
from tests.console_support import browser_of, key_of, sign_in
from tests.support import Api, assert_no_stack_trace

CRITERIA = {"all": [{"field": "company.employees", "op": "gte", "value": 50}]}


def definition_form(slug: str = "pql", **overrides: str) -> dict[str, str]:
    form = {
        "slug": slug,
        "title": "Product Qualified Lead",
        "tags": "funnel, product",
        "owners": "marketing, sales",
        "required_teams": "",
        "acknowledge_teams": "sales",
        "summary": "A user whose product usage shows buying intent.",
        "body": "Usage first.\r\n\r\nThen fit.",
        "aliases": "PQL\r\nproduct lead",
        "examples": "",
        "related": "",
        "effective_date": "",
        "criteria": json.dumps(CRITERIA),
    }
    form.update(overrides)
    return form


async def signed_in(client: AsyncTestClient[Any], role: str, team: str | None, name: str) -> tuple[Any, str]:
    """Another browser, signed in as a person with `role` in `team`: it and its CSRF token."""
    console = browser_of(client)
    key = await Api(client).key(role, team, name)
    return console, await sign_in(console, key_of(key))


def field_errors(page: str, name: str) -> str:
    """The text of the errors shown at field `name` (its `-error` element), checking it is tied to the control."""
    found = re.search(rf'<ul class="field-error" id="edit-{name}-error">(.*?)</ul>', page, re.DOTALL)
    assert found, f"no error at {name}"
    control = re.search(rf'<(?:input|textarea|select) id="edit-{name}"[^>]*>', page)
    assert control, name
    assert 'aria-invalid="true"' in control.group(0)
    assert f"edit-{name}-error" in re.search(r'aria-describedby="([^"]*)"', control.group(0)).group(1)  # type: ignore[union-attr]
    return html.unescape(re.sub(r"<[^>]+>", " ", found.group(1)))


def flash_of(response: Any) -> str:
    cookie = next(value for value in response.headers.get_list("set-cookie") if value.startswith(f"{DONE_COOKIE}="))
    return cookie.split(";")[0].split("=", 1)[1]


async def panel(console: Any, kind: str, slug: str) -> str:
    response = await console.get(f"/console/edit/{kind}/{slug}/actions", headers={"HX-Request": "true"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    return str(response.text)


@pytest.fixture
def api(client: AsyncTestClient[Any]) -> Api:
    return Api(client)


async def test_an_editor_creates_a_definition_with_criteria_through_the_form(
    client: AsyncTestClient[Any], api: Api
) -> None:
    console, csrf = await signed_in(client, "editor", "marketing", "erin@acme.example")
    assert 'href="/console/edit/definitions/new"' in (await console.get("/console/glossary")).text
    library = (await console.get("/console/library")).text
    assert 'href="/console/edit/messages/new"' in library
    assert 'href="/console/edit/assets/new"' in library
    form = await console.get("/console/edit/definitions/new")
    assert form.status_code == 200
    for name in ("slug", "title", "tags", "owners", "required_teams", "acknowledge_teams", "summary", "criteria"):
        assert f'<label for="edit-{name}">' in form.text
    created = await console.post("/console/edit/definitions/new", data={**definition_form(), "csrf_token": csrf})
    assert created.status_code == 303, created.text
    assert created.headers["content-type"].startswith("text/html")
    assert created.headers["location"] == "/console/glossary/pql"  # it shows the draft while none is in effect
    assert flash_of(created) == "definitions:pql:created:1:"
    entry = await console.get("/console/glossary/pql")
    assert "Created. Version 1 is a draft" in entry.text
    stored = (await client.get("/v1/definitions/pql", params={"version": 1})).json()
    assert stored["version"]["content"]["criteria"] == CRITERIA
    assert stored["version"]["content"]["body"] == "Usage first.\n\nThen fit."
    assert stored["version"]["content"]["aliases"] == ["PQL", "product lead"]
    assert stored["version"]["required_teams"] == ["marketing", "sales"]  # empty: the owners, as the API does
    assert stored["version"]["acknowledge_teams"] == ["sales"]
    assert stored["version"]["author"] == "erin@acme.example"
    hub = await console.get("/console/edit/definitions/pql/versions")
    assert "Created. Version 1 is a draft" in hub.text
    assert f"{DONE_COOKIE}=" in hub.headers["set-cookie"]  # shown once: forgotten at once
    assert "Submit version 1 for review" in hub.text
    assert "Edit draft version 1" in hub.text


async def test_each_complaint_shows_at_its_field_with_the_values_kept(client: AsyncTestClient[Any]) -> None:
    console, csrf = await signed_in(client, "editor", "marketing", "erin")
    typed = definition_form(
        slug="Not A Slug",
        title="   ",
        owners="marketing, Sales Team",
        effective_date="2026-02-30",
        criteria='{"all": [\n  {"field": "score", "op": "gte", "value": 60},\n]}',
    )
    response = await console.post("/console/edit/definitions/new", data={**typed, "csrf_token": csrf})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert "not valid JSON: trailing comma in array at line 3, column 1" in field_errors(response.text, "criteria")
    assert 'value="Not A Slug"' in response.text  # kept as typed
    assert "lower-case letters, digits and inner hyphens" in field_errors(response.text, "slug")
    assert "required" in field_errors(response.text, "title")
    assert "“Sales Team”: use team names" in field_errors(response.text, "owners")
    assert "not a date: use YYYY-MM-DD" in field_errors(response.text, "effective_date")
    assert 'role="alert"' in response.text
    assert 'href="#edit-slug"' in response.text  # the summary leads to the field
    assert await client.get("/v1/definitions/not-a-slug") is not None
    assert (await client.get("/v1/definitions", params={"status": "any"})).json()["items"] == []


async def test_the_criteria_rules_are_checked_by_the_use_case_and_shown_at_the_criteria_field(
    client: AsyncTestClient[Any],
) -> None:
    console, csrf = await signed_in(client, "editor", "marketing", "erin")
    wrong = {"all": [{"field": "score", "op": "about", "value": 60}, {"nothing": []}]}
    response = await console.post(
        "/console/edit/definitions/new",
        data={**definition_form(aliases="PQL\nPQL", criteria=json.dumps(wrong)), "csrf_token": csrf},
    )
    assert response.status_code == 422
    said = field_errors(response.text, "criteria")
    assert "at /all/0/op:" in said
    assert "at /all/1" in said
    assert "“PQL”: duplicate value 'PQL'" in field_errors(response.text, "aliases")
    assert json.dumps(wrong) in html.unescape(response.text)  # kept, to correct


async def test_entered_text_stays_text(client: AsyncTestClient[Any]) -> None:
    console, csrf = await signed_in(client, "editor", "marketing", "erin")
    attack = '"><script>alert(1)</script>'
    response = await console.post(
        "/console/edit/definitions/new",
        data={
            **definition_form(slug=attack, title=attack, body=f"</textarea>{attack}", criteria=attack),
            "csrf_token": csrf,
        },
    )
    assert response.status_code == 422
    assert "<script>" not in response.text
    assert "&lt;/textarea&gt;" in response.text
    created = await console.post(
        "/console/edit/definitions/new", data={**definition_form(title=attack, body=attack), "csrf_token": csrf}
    )
    assert created.status_code == 303
    hub = await console.get("/console/edit/definitions/pql/versions")
    assert "<script>" not in hub.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hub.text
    draft = await console.get("/console/edit/definitions/pql/versions/1")
    assert "<script>" not in draft.text


async def test_no_input_gets_a_500(client: AsyncTestClient[Any]) -> None:
    console, csrf = await signed_in(client, "editor", "marketing", "erin")
    cases = [
        definition_form(title="x" * 300_000, criteria="[" * 100 + "]" * 100),
        definition_form(body="nul \x00 inside", criteria='{"all": [{"field": "a\\u0000", "op": "eq", "value": 1}]}'),
        definition_form(criteria="[1, 2]", effective_date="yesterday", related="a b, ok"),
        definition_form(criteria='{"all": []', aliases="x" * 3000),
        {"csrf_token": csrf},  # nothing at all
    ]
    for typed in cases:
        response = await console.post("/console/edit/definitions/new", data={"csrf_token": csrf, **typed})
        assert response.status_code == 422, (typed.keys(), response.text[:300])
        assert_no_stack_trace(response)
    nested = await console.post(
        "/console/edit/definitions/new", data={**definition_form(criteria="[" * 100 + "]" * 100), "csrf_token": csrf}
    )
    assert "nested deeper than 64 levels" in field_errors(nested.text, "criteria")
    nul = await console.post(
        "/console/edit/definitions/new", data={**definition_form(body="a\x00"), "csrf_token": csrf}
    )
    assert "NUL character" in field_errors(nul.text, "body")
    assert (await console.get("/console/edit/widgets/new")).status_code == 404
    assert (await console.post("/console/edit/widgets/new", data={"csrf_token": csrf})).status_code == 404
    assert (await console.get("/console/edit/definitions/nope/versions")).status_code == 404
    assert (await console.get("/console/edit/definitions/nope/versions/99999999")).status_code in (404, 422)
    too_big = await console.post(
        "/console/edit/definitions/new", data={**definition_form(body="x" * 2_000_000), "csrf_token": csrf}
    )
    assert too_big.status_code == 413
    assert_no_stack_trace(too_big)


async def test_a_duplicate_slug_is_refused_in_words_with_the_form_kept(client: AsyncTestClient[Any], api: Api) -> None:
    await api.create("pql")
    console, csrf = await signed_in(client, "editor", "marketing", "erin")
    response = await console.post("/console/edit/definitions/new", data={**definition_form(), "csrf_token": csrf})
    assert response.status_code == 409
    assert "Not saved" in response.text
    assert "pql" in response.text
    assert 'value="Product Qualified Lead"' in response.text


async def test_readers_see_no_action_and_are_refused_every_form(client: AsyncTestClient[Any], api: Api) -> None:
    await api.published("mql")
    console, csrf = await signed_in(client, "reader", "sales", "sam")
    entry = await console.get("/console/glossary/mql")
    assert entry.status_code == 200
    assert "/console/edit/" not in entry.text
    for listing in ("/console/glossary", "/console/library"):
        assert "/console/edit/" not in (await console.get(listing)).text, listing
    assert (await console.get("/console/edit/definitions/new")).status_code == 403
    refused = await console.post("/console/edit/definitions/new", data={**definition_form(), "csrf_token": csrf})
    assert refused.status_code == 403
    assert "this needs the editor role" in refused.text
    for path in ("/versions/1/submit", "/versions/1/publish", "/retire"):
        response = await console.post(f"/console/edit/definitions/mql{path}", data={"csrf_token": csrf})
        assert response.status_code == 403, path
        assert "needs the" in response.text
    assert (await console.get("/console/edit/definitions/mql/versions/new")).status_code == 403
    assert (await console.get("/console/edit/definitions/mql/versions")).status_code == 403


async def test_every_edit_form_needs_its_csrf_token(client: AsyncTestClient[Any], api: Api) -> None:
    await api.published("mql")
    console, _ = await signed_in(client, "admin", "marketing", "ada")
    posts = [
        "/console/edit/definitions/new",
        "/console/edit/definitions/mql/versions/new",
        "/console/edit/definitions/mql/versions/1",
        "/console/edit/definitions/mql/versions/1/submit",
        "/console/edit/definitions/mql/versions/1/publish",
        "/console/edit/definitions/mql/rollback",
        "/console/edit/definitions/mql/retire",
        "/console/edit/definitions/mql/restore",
    ]
    for path in posts:
        missing = await console.post(path, data=definition_form())
        assert missing.status_code == 403, path
        forged = await console.post(path, data={**definition_form(), "csrf_token": "forged"})
        assert forged.status_code == 403, path
    assert (await client.get("/v1/definitions/mql")).json()["retired"] is False


async def test_a_new_version_is_started_from_the_newest_and_submitted_from_the_console(
    client: AsyncTestClient[Any], api: Api
) -> None:
    await api.published("mql")
    console, csrf = await signed_in(client, "editor", "marketing", "erin")
    actions = await panel(console, "definitions", "mql")
    assert "Start a new version" in actions
    assert "Submit" not in actions
    assert "Retire" not in actions  # admins only
    form = await console.get("/console/edit/definitions/mql/versions/new")
    assert form.status_code == 200
    assert 'value="Marketing Qualified Lead"' in form.text  # filled in from the newest version
    assert "company.employees" in form.text
    typed = {
        "title": "Marketing Qualified Lead",
        "owners": "marketing, sales",
        "tags": "funnel",
        "required_teams": "marketing, sales",
        "summary": "A lead worth a call, now with a score.",
        "criteria": json.dumps(CRITERIA),
        "if_match": html.unescape(re.search(r'name="if_match" value="([^"]+)"', form.text).group(1)),  # type: ignore[union-attr]
        "csrf_token": csrf,
    }
    started = await console.post("/console/edit/definitions/mql/versions/new", data=typed)
    assert started.status_code == 303, started.text
    assert started.headers["location"] == "/console/glossary/mql"  # version 1 is in effect: the entry's page shows it
    assert flash_of(started) == "definitions:mql:drafted:2:"
    entry = await console.get("/console/glossary/mql")
    assert "Version 2 started as a draft" in entry.text  # _entry_actions.html shows what happened
    assert 'hx-get="/console/edit/definitions/mql/actions"' in entry.text
    actions = await panel(console, "definitions", "mql")
    assert "Edit draft version 2" in actions
    assert "Start a new version" not in actions
    again = await console.get("/console/edit/definitions/mql/versions/new")
    assert again.status_code == 409
    assert "already has version 2 in progress" in again.text

    early = await console.post("/console/edit/definitions/mql/versions/2/publish", data={"csrf_token": csrf})
    assert early.status_code == 409
    assert "only an approved version can be published" in early.text
    submitted = await console.post("/console/edit/definitions/mql/versions/2/submit", data={"csrf_token": csrf})
    assert submitted.status_code == 303
    assert flash_of(submitted) == "definitions:mql:submitted:2:"
    actions = await panel(console, "definitions", "mql")
    assert "in review: waiting for marketing, sales" in actions
    assert "Publish" not in actions


async def test_an_approved_version_is_published_by_an_editor_of_an_owning_team(
    client: AsyncTestClient[Any], api: Api
) -> None:
    await api.published("mql")
    author = await api.key("editor", "revops", "author")
    started = await client.post("/v1/definitions/mql/versions", json={"title": "MQL, sharper"}, headers=author)
    assert started.status_code == 201, started.text
    assert (await client.post("/v1/definitions/mql/versions/2/submit", headers=author)).status_code == 200
    console, csrf = await signed_in(client, "editor", "marketing", "erin")
    for team in ("marketing", "sales"):
        approver = await api.key("approver", team)
        approved = await client.post("/v1/definitions/mql/versions/2/approve", json={}, headers=approver)
        assert approved.status_code == 200, approved.text
    actions = await panel(console, "definitions", "mql")
    assert "Publish version 2" in actions
    stale = html.unescape(re.search(r'name="if_match" value="([^"]+)"', actions).group(1))  # type: ignore[union-attr]

    outsider, outsider_csrf = await signed_in(client, "editor", "finance", "fred")
    refused = await outsider.post(
        "/console/edit/definitions/mql/versions/2/publish", data={"csrf_token": outsider_csrf}
    )
    assert refused.status_code == 403
    assert "only an editor of an owning team (marketing, sales) or an admin can publish" in refused.text

    published = await console.post(
        "/console/edit/definitions/mql/versions/2/publish", data={"csrf_token": csrf, "if_match": stale}
    )
    assert published.status_code == 303, published.text
    assert published.headers["location"] == "/console/glossary/mql"
    assert flash_of(published) == "definitions:mql:published:2:"
    assert (await client.get("/v1/definitions/mql")).json()["current_version"] == 2
    entry = await console.get("/console/glossary/mql")
    assert "Version 2 published." in entry.text
    forgotten = await console.get("/console/edit/definitions/mql/actions", headers={"HX-Request": "true"})
    assert f'{DONE_COOKIE}=""' in forgotten.headers["set-cookie"] or "Max-Age=0" in forgotten.headers["set-cookie"]
    replayed = await console.post(
        "/console/edit/definitions/mql/versions/2/publish", data={"csrf_token": csrf, "if_match": stale}
    )
    assert replayed.status_code == 412
    assert "changed since your page was loaded" in replayed.text


async def test_the_draft_is_edited_with_the_etag_it_was_opened_at(client: AsyncTestClient[Any], api: Api) -> None:
    console, csrf = await signed_in(client, "editor", "marketing", "erin")
    created = await console.post("/console/edit/definitions/new", data={**definition_form(), "csrf_token": csrf})
    assert created.status_code == 303
    form = await console.get("/console/edit/definitions/pql/versions/1")
    assert form.status_code == 200
    assert "Usage first.\n\nThen fit." in form.text
    etag = re.search(r'name="if_match" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
    typed = {
        **definition_form(required_teams="marketing, sales"),
        "title": "PQL, renamed",
        "effective_date": "2031-01-01",
        "criteria": "",
    }
    del typed["slug"]
    saved = await console.post(
        "/console/edit/definitions/pql/versions/1", data={**typed, "if_match": html.unescape(etag), "csrf_token": csrf}
    )
    assert saved.status_code == 303, saved.text
    assert flash_of(saved) == "definitions:pql:saved:1:"
    version = (await client.get("/v1/definitions/pql", params={"version": 1})).json()["version"]
    assert version["title"] == "PQL, renamed"
    assert version["content"]["criteria"] is None  # emptied: no criteria
    assert version["content"]["effective_date"] == "2031-01-01"
    stale = await console.post(
        "/console/edit/definitions/pql/versions/1",
        data={**typed, "title": "Lost update", "if_match": html.unescape(etag), "csrf_token": csrf},
    )
    assert stale.status_code == 412
    assert "changed since your page was loaded" in stale.text
    assert 'value="Lost update"' in stale.text  # what was typed is still there
    without = await console.post("/console/edit/definitions/pql/versions/1", data={**typed, "csrf_token": csrf})
    assert without.status_code == 428
    emptied = await console.post(
        "/console/edit/definitions/pql/versions/1",
        data={**typed, "owners": "", "required_teams": "", "csrf_token": csrf},
    )
    assert emptied.status_code == 422
    assert "name at least one" in field_errors(emptied.text, "owners")
    assert "name at least one" in field_errors(emptied.text, "required_teams")
    submitted = await console.post("/console/edit/definitions/pql/versions/1/submit", data={"csrf_token": csrf})
    assert submitted.status_code == 303
    locked = await console.get("/console/edit/definitions/pql/versions/1")
    assert locked.status_code == 409
    assert "only a draft can be edited" in locked.text


async def test_a_rollback_drafts_a_copy_of_an_earlier_version(client: AsyncTestClient[Any], api: Api) -> None:
    await api.published("mql")
    editor = await api.key("editor", "revops", "author")
    changed = await client.post(
        "/v1/definitions/mql/versions", json={"title": "MQL v2", "content": {"summary": "two"}}, headers=editor
    )
    assert changed.status_code == 201, changed.text
    await api.publish_through_review("mql", 2)
    console, csrf = await signed_in(client, "editor", "marketing", "erin")
    assert "Roll back to an earlier version" in await panel(console, "definitions", "mql")
    form = await console.get("/console/edit/definitions/mql/rollback")
    assert form.status_code == 200
    assert 'value="1"' in form.text
    assert 'value="2"' not in form.text  # in effect: nothing to roll back to
    unchosen = await console.post("/console/edit/definitions/mql/rollback", data={"csrf_token": csrf})
    assert unchosen.status_code == 422
    assert "choose" in unchosen.text
    rolled = await console.post(
        "/console/edit/definitions/mql/rollback", data={"csrf_token": csrf, "from_version": "1"}
    )
    assert rolled.status_code == 303, rolled.text
    assert flash_of(rolled) == "definitions:mql:rolled_back:3:1"
    draft = (await client.get("/v1/definitions/mql", params={"version": 3})).json()["version"]
    assert (draft["status"], draft["based_on"], draft["title"]) == ("draft", 1, "Marketing Qualified Lead")
    entry = await console.get("/console/glossary/mql")
    assert "Version 3 drafted as a copy of version 1" in entry.text
    twice = await console.post("/console/edit/definitions/mql/rollback", data={"csrf_token": csrf, "from_version": "1"})
    assert twice.status_code == 409
    assert "already has version 3 in progress" in twice.text


async def test_only_admins_retire_and_restore(client: AsyncTestClient[Any], api: Api) -> None:
    await api.published("mql")
    editor, editor_csrf = await signed_in(client, "editor", "marketing", "erin")
    refused = await editor.post("/console/edit/definitions/mql/retire", data={"csrf_token": editor_csrf})
    assert refused.status_code == 403
    assert "this needs the admin role" in refused.text
    admin, csrf = await signed_in(client, "admin", None, "ada")
    assert "Retire Marketing Qualified Lead" in await panel(admin, "definitions", "mql")
    retired = await admin.post("/console/edit/definitions/mql/retire", data={"csrf_token": csrf})
    assert retired.status_code == 303
    assert retired.headers["location"] == "/console/glossary/mql"
    assert (await client.get("/v1/definitions/mql")).json()["retired"] is True
    again = await admin.post("/console/edit/definitions/mql/retire", data={"csrf_token": csrf})
    assert again.status_code == 409
    assert "already retired" in again.text
    actions = await panel(admin, "definitions", "mql")
    assert ">Restore<" in actions
    restored = await admin.post("/console/edit/definitions/mql/restore", data={"csrf_token": csrf})
    assert restored.status_code == 303
    assert (await client.get("/v1/definitions/mql")).json()["retired"] is False


async def test_messages_and_assets_are_created_through_their_forms(client: AsyncTestClient[Any], api: Api) -> None:
    await api.published("mql")
    console, csrf = await signed_in(client, "editor", "marketing", "erin")
    form = await console.get("/console/edit/messages/new")
    assert '<option value="other" selected>' in form.text
    wrong = await console.post(
        "/console/edit/messages/new",
        data={
            "csrf_token": csrf,
            "slug": "pitch",
            "title": "The pitch",
            "owners": "marketing",
            "message_type": "limerick",
            "locale": "English",
            "references": "definition:mql@1\nnot a citation\nwidget:mql",
        },
    )
    assert wrong.status_code == 422
    assert "“not a citation” is not a citation" in field_errors(wrong.text, "references")
    typed = {
        "csrf_token": csrf,
        "slug": "pitch",
        "title": "The pitch",
        "owners": "marketing",
        "message_type": "talk_track",
        "body": "Open with the MQL.",
        "audience": "CFO",
        "locale": "",
        "references": "definition:mql\ndefinition:nope",
    }
    unknown = await console.post("/console/edit/messages/new", data=typed)
    assert unknown.status_code == 422
    assert "“definition:nope”" in field_errors(unknown.text, "references")
    created = await console.post("/console/edit/messages/new", data={**typed, "references": "definition:mql"})
    assert created.status_code == 303, created.text
    await api.client.post("/v1/messages/pitch/versions/1/submit")
    for team in ("marketing",):
        approver = await api.key("approver", team)
        assert (
            await client.post("/v1/messages/pitch/versions/1/approve", json={}, headers=approver)
        ).status_code == 200
    published = await console.post("/console/edit/messages/pitch/versions/1/publish", data={"csrf_token": csrf})
    assert published.headers["location"] == "/console/library/messages/pitch"
    page = await console.get("/console/library/messages/pitch")
    assert page.status_code == 200, page.text
    assert "Version 1 published." in page.text  # the library's page includes _entry_actions.html with its kind
    assert 'hx-get="/console/edit/messages/pitch/actions"' in page.text
    message = (await client.get("/v1/messages/pitch", params={"version": 1})).json()["version"]["content"]
    assert (message["message_type"], message["locale"], message["audience"], message["segment"]) == (
        "talk_track",
        "en",
        "CFO",
        None,
    )
    assert message["references"] == [{"kind": "definition", "slug": "mql", "version": 1}]

    asset = await console.post(
        "/console/edit/assets/new",
        data={
            "csrf_token": csrf,
            "slug": "deck",
            "title": "Sales deck",
            "owners": "marketing",
            "description": "The deck",
            "expires_at": "2031-01-31T00:00:00",
        },
    )
    assert asset.status_code == 422
    assert "give a time zone offset" in field_errors(asset.text, "expires_at")
    asset = await console.post(
        "/console/edit/assets/new",
        data={
            "csrf_token": csrf,
            "slug": "deck",
            "title": "Sales deck",
            "owners": "marketing",
            "description": "The deck",
            "expires_at": "2031-01-31T00:00:00Z",
        },
    )
    assert asset.status_code == 303, asset.text
    # No version in effect: the library's page shows only what is, so the asset's editing page it is.
    assert asset.headers["location"] == "/console/edit/assets/deck/versions"
    actions = await panel(console, "assets", "deck")
    assert "Before it can be submitted: upload the file first." in actions
    refused = await console.post("/console/edit/assets/deck/versions/1/submit", data={"csrf_token": csrf})
    assert refused.status_code == 409
    assert "upload the file first" in refused.text


async def test_an_asset_drafts_file_is_uploaded_through_a_file_field(client: AsyncTestClient[Any]) -> None:
    console, csrf = await signed_in(client, "editor", "marketing", "erin")
    typed = {"csrf_token": csrf, "slug": "deck", "title": "Sales deck", "owners": "marketing"}
    assert (await console.post("/console/edit/assets/new", data=typed)).status_code == 303
    actions = await panel(console, "assets", "deck")
    assert 'enctype="multipart/form-data"' in actions
    etag = html.unescape(re.search(r'name="if_match" value="([^"]+)"', actions).group(1))  # type: ignore[union-attr]
    path = "/console/edit/assets/deck/versions/1/file"
    no_file = await console.post(path, data={"csrf_token": csrf, "if_match": etag}, files={"other": ("x", b"")})
    assert no_file.status_code == 422
    assert "choose a file to upload" in no_file.text
    lying = await console.post(
        path,
        data={"csrf_token": csrf, "if_match": etag},
        files={"file": ("deck.pdf", b"MZ not a pdf", "application/pdf")},
    )
    assert lying.status_code == 415, lying.text
    assert lying.headers["content-type"].startswith("text/html")
    # A multipart form without the token: refused, and its file closed (warnings are errors: a file left to the
    # garbage collector would fail the test).
    without_token = await console.post(
        path, data={"if_match": etag}, files={"file": ("deck.pdf", PDF, "application/pdf")}
    )
    assert without_token.status_code == 403
    uploaded = await console.post(
        path, data={"csrf_token": csrf, "if_match": etag}, files={"file": ("deck.pdf", PDF, "application/pdf")}
    )
    assert uploaded.status_code == 303, uploaded.text
    assert flash_of(uploaded) == "assets:deck:uploaded:1:"
    content = (await client.get("/v1/assets/deck", params={"version": 1})).json()["version"]["content"]
    assert (content["file_name"], content["content_type"], content["size"]) == ("deck.pdf", "application/pdf", len(PDF))
    stale = await console.post(
        path, data={"csrf_token": csrf, "if_match": etag}, files={"file": ("deck.pdf", PDF, "application/pdf")}
    )
    assert stale.status_code == 412
    actions = await panel(console, "assets", "deck")
    assert "Submit version 1 for review" in actions
    assert "Replace the file of version 1 (deck.pdf)" in actions
