"""My work in process: the review queue with approve and reject (with a comment), the versions to acknowledge, the
drafts; each action posts with its CSRF token and comes back to the page with a line saying what was done; each
refusal of the use case is shown in its words with the API's status; a reader sees what the API lets a reader see."""

from __future__ import annotations

import re
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from markupsafe import escape

from tests.asset_fixtures import create_entry, message_body
from tests.console_support import browser_of, csrf_in, key_of, sign_in
from tests.support import Api, definition_body

APPROVE = "/console/work/reviews/definition/mql/1/approve"
REJECT = "/console/work/reviews/definition/mql/1/reject"


async def submitted(api: Api, slug: str = "mql", **overrides: Any) -> None:
    """`slug` v1 needing marketing and sales, submitted by the `author` editor."""
    editor = await api.key("editor", "revops", "author")
    created = await api.client.post("/v1/definitions", json=definition_body(slug, **overrides), headers=editor)
    assert created.status_code == 201, created.text
    response = await api.client.post(f"/v1/definitions/{slug}/versions/1/submit", headers=editor)
    assert response.status_code == 200, response.text


async def person(client: AsyncTestClient[Any], api: Api, role: str, team: str | None, name: str) -> tuple[Any, str]:
    """A browser signed in as `name` (a person with `role` in `team`), and its CSRF token."""
    console = browser_of(client)
    token = await sign_in(console, key_of(await api.key(role, team, name)))
    return console, token


async def test_an_approver_approves_from_the_queue_and_comes_back_to_it(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await submitted(api)
    sales, token = await person(client, api, "approver", "sales", "sal@acme.example")
    page = (await sales.get("/console/work")).text
    assert "Reviews waiting for team sales" in page
    assert '<a href="/console/glossary/mql?version=1">Marketing Qualified Lead</a>' in page
    assert "submitted by author" in page
    assert "<dt>Waiting for</dt><dd>marketing, sales</dd>" in page
    assert "first version" in page
    assert f'action="{APPROVE}"' in page
    assert re.search(r'<label for="approve-comment-definition-mql-1">Comment \(optional\)</label>', page)
    assert '<label for="reject-comment-definition-mql-1">' in page
    assert 'name="team"' not in page  # one team of theirs to approve for: nothing to choose

    done = await sales.post(APPROVE, data={"comment": "Fine by sales.", "csrf_token": token})
    assert done.status_code == 303
    assert done.headers["location"] == "/console/work?done=approved&kind=definition&slug=mql&version=1"
    back = (await sales.get(done.headers["location"])).text
    assert '<p class="notice work-done" role="status">You approved version 1 of definition mql.</p>' in back
    assert "Nothing waits for your review." in back
    version = (await client.get("/v1/definitions/mql", params={"version": 1})).json()["version"]
    assert [(a["team"], a["approver"], a["comment"]) for a in version["approvals"]] == [
        ("sales", "sal@acme.example", "Fine by sales.")
    ]
    assert version["pending_teams"] == ["marketing"]


async def test_rejecting_needs_a_comment_said_at_its_field(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await submitted(api)
    sales, token = await person(client, api, "approver", "sales", "sal@acme.example")
    for comment in ("", "   "):
        refused = await sales.post(REJECT, data={"comment": comment, "csrf_token": token})
        assert refused.status_code == 422
        assert 'id="reject-comment-definition-mql-1" name="comment" rows="3" maxlength="4000" required' in refused.text
        assert 'aria-invalid="true" aria-describedby="reject-comment-error-definition-mql-1"' in refused.text
        assert "Say why you reject it: the authors read this." in refused.text
        assert '<details class="work-reject" open>' in refused.text
    too_long = await sales.post(REJECT, data={"comment": "x" * 4001, "csrf_token": token})
    assert too_long.status_code == 422
    assert "The comment: Expected `str` of length &lt;= 4000" in too_long.text
    done = await sales.post(REJECT, data={"comment": "Employees ≥ 100, please.", "csrf_token": token})
    assert done.status_code == 303
    back = (await sales.get(done.headers["location"])).text
    assert "You rejected version 1 of definition mql." in back
    version = (await client.get("/v1/definitions/mql", params={"version": 1})).json()["version"]
    assert (version["status"], version["review_comment"]) == ("draft", "Employees ≥ 100, please.")


async def test_refusals_of_the_use_case_are_shown_in_words_with_the_apis_status(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await submitted(api)
    editor, editor_token = await person(client, api, "editor", "sales", "ed@acme.example")
    refused = await editor.post(APPROVE, data={"comment": "", "csrf_token": editor_token})
    assert refused.status_code == 403
    assert "was not approved: this needs the approver role; &#39;ed@acme.example&#39; has editor" in refused.text
    sales, token = await person(client, api, "approver", "sales", "sal@acme.example")
    assert (await sales.post(APPROVE, data={"csrf_token": token})).status_code == 303
    again = await sales.post(APPROVE, data={"csrf_token": token})
    assert again.status_code == 409
    assert "already approved version 1" in again.text
    legal, legal_token = await person(client, api, "approver", "legal", "lee@acme.example")
    outsider = await legal.post(APPROVE, data={"csrf_token": legal_token})
    assert outsider.status_code == 403
    assert "not among the teams whose approval version 1 needs" in outsider.text
    missing = await sales.post("/console/work/reviews/definition/nothing/1/approve", data={"csrf_token": token})
    assert missing.status_code == 404
    assert "was not approved" in missing.text
    no_kind = await sales.post("/console/work/reviews/widget/mql/1/approve", data={"csrf_token": token})
    assert no_kind.status_code == 404
    for path in ("/console/work/reviews/definition/mql/0/approve", "/console/work/reviews/definition/mql/x/reject"):
        assert (await sales.post(path, data={"csrf_token": token})).status_code in (400, 404, 422), path


async def test_a_person_in_two_teams_still_to_approve_chooses_the_team(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await submitted(api)
    both, token = await person(client, api, "approver", "marketing", "both@acme.example")
    assert (
        await client.patch("/v1/people/both@acme.example", json={"teams": ["marketing", "sales"]})
    ).status_code == 200
    both, token = await person(client, api, "approver", "marketing", "both@acme.example")  # a session with both teams
    page = (await both.get("/console/work")).text
    assert '<label for="team-definition-mql-1">Approve for team</label>' in page
    assert '<option value="marketing">marketing</option><option value="sales">sales</option>' in page
    done = await both.post(APPROVE, data={"team": "sales", "csrf_token": token})
    assert done.status_code == 303
    version = (await client.get("/v1/definitions/mql", params={"version": 1})).json()["version"]
    assert [a["team"] for a in version["approvals"]] == ["sales"]
    other = await both.post(APPROVE, data={"team": "marketing", "csrf_token": token})
    assert other.status_code == 409  # one person's approval counts for one team
    bad = await both.post(APPROVE, data={"team": "x" * 65, "csrf_token": token})
    assert bad.status_code == 422
    assert "The team: " in bad.text


async def test_a_seller_acknowledges_the_version_in_effect(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.published("mql", acknowledge_teams=["sales"])
    seller, token = await person(client, api, "reader", "sales", "sam@acme.example")
    page = (await seller.get("/console/work")).text
    assert "To acknowledge" in page
    assert "in effect since" in page
    assert "for sales." in page
    action = "/console/work/acknowledgements/definition/mql/1"
    assert f'<form method="post" action="{action}">' in page
    done = await seller.post(action, data={"csrf_token": token})
    assert done.status_code == 303
    back = (await seller.get(done.headers["location"])).text
    assert "You acknowledged version 1 of definition mql." in back
    assert "You are up to date" in back
    listed = (await client.get("/v1/definitions/mql/versions/1/acknowledgements")).json()
    assert listed["acknowledged"] == 1
    assert (await seller.post(action, data={"csrf_token": token})).status_code == 303  # once; a repeat is no error
    stale = await seller.post("/console/work/acknowledgements/definition/mql/2", data={"csrf_token": token})
    assert stale.status_code == 404
    support, support_token = await person(client, api, "reader", "support", "sue@acme.example")
    refused = await support.post(action, data={"csrf_token": support_token})
    assert refused.status_code == 403
    assert "was not acknowledged: version 1 is addressed to sales" in refused.text


async def test_a_reader_sees_what_a_reader_may_see(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await submitted(api)
    reader, token = await person(client, api, "reader", "sales", "sam@acme.example")
    page = await reader.get("/console/work")
    assert page.status_code == 200
    assert "Reviews are for editors and approvers: this needs the editor role" in page.text
    assert "Drafts are for editors and up" in page.text
    assert "Marketing Qualified Lead" not in page.text
    refused = await reader.post(REJECT, data={"comment": "No.", "csrf_token": token})
    assert refused.status_code == 403
    assert "this needs the approver role" in refused.text


async def test_drafts_are_those_of_the_person_and_their_teams(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.create("mql")  # by `author`, owned by marketing and sales
    await api.create("arr", title="Annual Recurring Revenue", owners=["finance"])
    await create_entry(api, "messages", message_body("why-canon"))  # owned by marketing
    marketer, _ = await person(client, api, "editor", "marketing", "meg@acme.example")
    page = (await marketer.get("/console/work")).text
    assert '<a href="/console/glossary/mql?version=1">Marketing Qualified Lead</a>' in page
    assert '<a href="/console/library/messages/why-canon?version=1">Why Canon</a>' in page
    assert "Annual Recurring Revenue" not in page
    assert "v1 draft" in page
    author, _ = await person(client, api, "editor", "revops", "author")
    mine = (await author.get("/console/work")).text
    assert "Annual Recurring Revenue" in mine  # they started it
    nobody, _ = await person(client, api, "editor", "legal", "lee@acme.example")
    empty = (await nobody.get("/console/work")).text
    assert "You have no drafts." in empty
    assert "Nothing waits for your review." in empty
    assert "You are up to date" in empty


async def test_every_action_needs_its_csrf_token(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await submitted(api)
    sales, token = await person(client, api, "approver", "sales", "sal@acme.example")
    for path in (APPROVE, REJECT, "/console/work/acknowledgements/definition/mql/1"):
        for data in ({}, {"csrf_token": "forged"}, {"csrf_token": token[:-1]}):
            refused = await sales.post(path, data={"comment": "x", **data})
            assert refused.status_code == 403, (path, data)
    assert (await client.get("/v1/definitions/mql", params={"version": 1})).json()["version"]["approvals"] == []


async def test_user_text_stays_text(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    attack = "<script>alert(1)</script>"
    await submitted(api, title=attack)
    sales, token = await person(client, api, "approver", "sales", "sal@acme.example")
    page = (await sales.get("/console/work")).text
    assert attack not in page
    assert str(escape(attack)) in page
    refused = await sales.post(REJECT, data={"comment": "x" * 4001 + attack, "csrf_token": token})
    assert refused.status_code == 422
    assert attack not in refused.text
    done = await sales.post(REJECT, data={"comment": attack, "csrf_token": token})
    assert done.status_code == 303
    forged = await sales.get(
        "/console/work", params={"done": "approved", "kind": "definition", "slug": attack, "version": 1}
    )
    assert attack not in forged.text
    assert (await sales.get("/console/work", params={"done": "<b>"})).status_code in (400, 422)
    for page in ((await sales.get("/console/work")).text, refused.text):
        assert re.findall(r"<script\b[^>]*>(.*?)</script>", page, re.DOTALL) == [""]
        assert " style=" not in page
        assert "hx-on" not in page
        assert csrf_in(page)


@pytest.mark.parametrize("params", [{"version": "x"}, {"version": 0}, {"kind": "k" * 21}, {"slug": "s" * 101}])
async def test_odd_queries_are_refused_not_errors(client: AsyncTestClient[Any], params: dict[str, Any]) -> None:
    api = Api(client)
    reader, _ = await person(client, api, "reader", "sales", "sam@acme.example")
    assert (await reader.get("/console/work", params=params)).status_code in (400, 422)


async def test_messages_are_reviewed_from_the_same_queue(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await create_entry(api, "messages", message_body("why-canon"))  # needs marketing
    submitted_message = await client.post(
        "/v1/messages/why-canon/versions/1/submit", headers=await api.key("editor", "revops", "author")
    )
    assert submitted_message.status_code == 200, submitted_message.text
    marketing, token = await person(client, api, "approver", "marketing", "meg@acme.example")
    page = (await marketing.get("/console/work")).text
    assert '<a href="/console/library/messages/why-canon?version=1">Why Canon</a>' in page
    path = "/console/work/reviews/message/why-canon/1/approve"
    assert f'action="{path}"' in page
    done = await marketing.post(path, data={"csrf_token": token})
    assert done.headers["location"] == "/console/work?done=approved&kind=message&slug=why-canon&version=1"
    assert "You approved version 1 of message why-canon." in (await marketing.get(done.headers["location"])).text
    version = (await client.get("/v1/messages/why-canon", params={"version": 1})).json()["version"]
    assert version["status"] == "approved"


async def test_nul_characters_and_odd_text_are_refused_not_errors(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await submitted(api)
    sales, token = await person(client, api, "approver", "sales", "sal@acme.example")
    for data in ({"comment": "a\x00b"}, {"comment": "\u202e\ud7ff"}, {"team": "\x00"}):
        response = await sales.post(APPROVE, data={**data, "csrf_token": token})
        assert response.status_code < 500, (data, response.text)
    response = await sales.post(REJECT, data={"comment": "no\x00", "csrf_token": token})
    assert response.status_code < 500, response.text
    for params in ({"q": "\x00"}, {"tag": "\x00"}, {"team": "\x00"}, {"q": "a\x00b", "tag": "x"}):
        response = await sales.get("/console/glossary", params=params)
        assert response.status_code < 500, (params, response.text)
    response = await sales.post("/console/glossary/mql/try", data={"record": '{"a": "\\u0000"}', "csrf_token": token})
    assert response.status_code < 500, response.text
