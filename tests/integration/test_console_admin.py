"""The console's admin section in process: people (add, change, deactivate), API keys (issue and show the secret once,
revoke) and webhook subscriptions (create with each fault at its field, the secret once, test, retry, enable and
disable, deliveries and their attempts), each as only an admin may, with the API's refusal for anyone else; CSRF on
every form, user text escaped, and no input that makes a page fail."""

from __future__ import annotations

import html
import logging
import re
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.console_support import browser_of, csrf_in, key_of, sign_in
from tests.support import Api

ADMIN = "/console/admin"


@pytest.fixture
async def admin(client: AsyncTestClient[Any]) -> AsyncTestClient[Any]:
    """A browser signed in as a person with the admin role."""
    console = browser_of(client)
    await sign_in(console, key_of(await Api(client).key("admin", None, "ada@acme.example")))
    return console


async def token_of(console: AsyncTestClient[Any], path: str = f"{ADMIN}/people") -> str:
    return csrf_in((await console.get(path)).text)


def field_error(page: str, name: str) -> str:
    """The error shown at form field `name` (the text of its `error-<name>` paragraph)."""
    found = re.search(rf'<p class="admin-field-error" id="error-{re.escape(name)}">(.*?)</p>', page, re.DOTALL)
    assert found, f"no error at {name}"
    return html.unescape(found.group(1))


# --- people ---------------------------------------------------------------------------------------------------------


async def test_an_admin_lists_adds_changes_and_deactivates_people(
    client: AsyncTestClient[Any], admin: AsyncTestClient[Any]
) -> None:
    await Api(client).key("reader", "sales", "sam@acme.example")
    listing = await admin.get(ADMIN)
    assert listing.status_code == 200
    assert "sam@acme.example" in listing.text
    assert re.search(r'<th scope="col">Role</th>', listing.text)
    assert (await admin.get(f"{ADMIN}/people")).text.count("sam@acme.example") >= 1
    token = csrf_in(listing.text)

    added = await admin.post(
        f"{ADMIN}/people",
        data={
            "subject": "kim@acme.example",
            "name": "Kim Lee",
            "role": "approver",
            "teams": "sales, marketing",
            "csrf_token": token,
        },
    )
    assert added.status_code == 303
    assert added.headers["location"] == f"{ADMIN}/people/kim@acme.example?done=added"
    person = await admin.get(added.headers["location"])
    assert person.status_code == 200
    assert "The person was added" in person.text
    assert "sales, marketing" in person.text
    stored = (await client.get("/v1/people/kim@acme.example")).json()
    assert (stored["role"], stored["teams"], stored["active"]) == ("approver", ["sales", "marketing"], True)

    changed = await admin.post(
        f"{ADMIN}/people/kim@acme.example",
        data={"name": "Kim Lee-Park", "role": "editor", "teams": "revops", "csrf_token": token},
    )
    assert (changed.status_code, changed.headers["location"]) == (303, f"{ADMIN}/people/kim@acme.example?done=saved")
    stored = (await client.get("/v1/people/kim@acme.example")).json()
    assert (stored["name"], stored["role"], stored["teams"]) == ("Kim Lee-Park", "editor", ["revops"])

    deactivated = await admin.post(f"{ADMIN}/people/kim@acme.example", data={"active": "false", "csrf_token": token})
    assert deactivated.headers["location"].endswith("?done=deactivated")
    page = (await admin.get(deactivated.headers["location"])).text
    assert "Deactivated: every key and session" in page
    assert "Reactivate Kim Lee-Park" in page
    assert (await client.get("/v1/people/kim@acme.example")).json()["active"] is False
    reactivated = await admin.post(f"{ADMIN}/people/kim@acme.example", data={"active": "true", "csrf_token": token})
    assert reactivated.headers["location"].endswith("?done=reactivated")
    assert (await client.get("/v1/people/kim@acme.example")).json()["active"] is True

    by_team = (await admin.get(f"{ADMIN}/people", params={"team": "revops"})).text
    assert "Kim Lee-Park" in by_team
    assert "sam@acme.example" not in by_team


async def test_adding_a_person_shows_each_fault_at_its_field_and_keeps_what_was_typed(
    admin: AsyncTestClient[Any],
) -> None:
    token = await token_of(admin)
    refused = await admin.post(
        f"{ADMIN}/people",
        data={"subject": "a b", "name": "  ", "role": "boss", "teams": "sales, Bad Team", "csrf_token": token},
    )
    assert refused.status_code == 422
    page = refused.text
    assert "no spaces" in field_error(page, "subject")
    assert field_error(page, "name") == "required"
    assert "'boss' is not one of the choices" in field_error(page, "role")
    assert field_error(page, "teams").startswith("“Bad Team”: lower-case letters")
    assert 'value="a b"' in page
    assert 'aria-invalid="true"' in page
    assert 'href="#f-subject"' in page  # the summary links to the field

    reserved = await admin.post(
        f"{ADMIN}/people", data={"subject": "service:crm", "name": "CRM", "role": "reader", "csrf_token": token}
    )
    assert reserved.status_code == 422
    assert "must not start with service:" in field_error(reserved.text, "subject")
    await admin.post(f"{ADMIN}/people", data={"subject": "dup@acme.example", "name": "D", "csrf_token": token})
    duplicate = await admin.post(
        f"{ADMIN}/people", data={"subject": "dup@acme.example", "name": "D", "csrf_token": token}
    )
    assert duplicate.status_code == 409
    assert "already exists" in field_error(duplicate.text, "subject")
    huge = await admin.post(
        f"{ADMIN}/people", data={"subject": "x" * 100_000, "name": "N\x00", "teams": "a," * 5000, "csrf_token": token}
    )
    assert huge.status_code == 422
    assert field_error(huge.text, "subject") == "at most 254 characters"
    assert "control characters" in field_error(huge.text, "name")


async def test_unknown_people_and_services_are_not_pages(
    client: AsyncTestClient[Any], admin: AsyncTestClient[Any]
) -> None:
    assert (await admin.get(f"{ADMIN}/people/nobody@acme.example")).status_code == 404
    await Api(client).service_key("reader", "crm")
    assert (await admin.get(f"{ADMIN}/people/service:crm")).status_code == 422
    token = await token_of(admin)
    missing = await admin.post(f"{ADMIN}/people/nobody@acme.example", data={"name": "X", "csrf_token": token})
    assert missing.status_code == 404
    assert "<h1>Not found</h1>" in missing.text


async def test_a_subject_with_a_slash_or_question_mark_has_a_page(
    client: AsyncTestClient[Any], admin: AsyncTestClient[Any]
) -> None:
    created = await client.post("/v1/people", json={"subject": "idp|a/b?c#d", "name": "Odd", "role": "reader"})
    assert created.status_code == 201
    listing = (await admin.get(f"{ADMIN}/people")).text
    link = re.search(r'href="(/console/admin/people/idp[^"]+)"', listing)
    assert link
    person = await admin.get(html.unescape(link.group(1)))
    assert person.status_code == 200
    assert "<h1>Odd</h1>" in person.text


# --- keys -----------------------------------------------------------------------------------------------------------


async def test_an_issued_key_is_shown_once_never_in_a_url_or_log_and_works(
    client: AsyncTestClient[Any], admin: AsyncTestClient[Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await client.post("/v1/people", json={"subject": "kim@acme.example", "name": "Kim", "role": "editor"})
    prefilled = await admin.get(f"{ADMIN}/keys", params={"person": "kim@acme.example"})
    assert 'value="kim@acme.example"' in prefilled.text
    issued = await admin.post(
        f"{ADMIN}/keys",
        data={
            "name": "kim-laptop",
            "person": "kim@acme.example",
            "expires": "2099-01-31",
            "csrf_token": csrf_in(prefilled.text),
        },
    )
    assert issued.status_code == 201
    assert "location" not in issued.headers
    assert issued.headers["cache-control"] == "no-store"
    secret = re.search(r'id="secret"[^>]*value="(canon_[^"]+)"', issued.text)
    assert secret, issued.text
    key = secret.group(1)
    assert "it will not be shown again" in issued.text
    assert "2099-01-31 00:00 UTC" in issued.text
    me = await client.get("/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert (me.status_code, me.json()["subject"]) == (200, "kim@acme.example")
    # Never again: not in the list, not on the person's page, not in any log line.
    for path in (f"{ADMIN}/keys", f"{ADMIN}/people/kim@acme.example", f"{ADMIN}/people"):
        again = await admin.get(path)
        assert key not in again.text
        assert all(key not in value for value in again.headers.values())
    listing = (await admin.get(f"{ADMIN}/keys")).text
    assert "kim-laptop" in listing
    assert key[:12] in listing  # its prefix, to recognise it
    assert key not in caplog.text


async def test_issuing_a_key_shows_each_fault_at_its_field(
    client: AsyncTestClient[Any], admin: AsyncTestClient[Any]
) -> None:
    await client.post("/v1/people", json={"subject": "kim@acme.example", "name": "Kim", "role": "editor"})
    token = await token_of(admin, f"{ADMIN}/keys")
    both = await admin.post(
        f"{ADMIN}/keys",
        data={
            "name": "k1",
            "person": "kim@acme.example",
            "role": "admin",
            "team": "sales",
            "expires": "2001-01-01",
            "csrf_token": token,
        },
    )
    assert both.status_code == 422
    assert "person's role and teams" in field_error(both.text, "role")
    assert "person's role and teams" in field_error(both.text, "team")
    assert "a future time" in field_error(both.text, "expires")
    nobody = await admin.post(f"{ADMIN}/keys", data={"name": "k2", "person": "ghost@acme.example", "csrf_token": token})
    assert nobody.status_code == 422
    assert "create the person first" in field_error(nobody.text, "person")
    service = await admin.post(f"{ADMIN}/keys", data={"name": "k3", "csrf_token": token})
    assert "required for a service key" in field_error(service.text, "role")
    bad_date = await admin.post(f"{ADMIN}/keys", data={"name": "", "expires": "31/01/2027", "csrf_token": token})
    assert field_error(bad_date.text, "expires") == "a date such as 2027-01-31"
    await admin.post(f"{ADMIN}/keys", data={"name": "crm", "role": "editor", "csrf_token": token})
    duplicate = await admin.post(f"{ADMIN}/keys", data={"name": "crm", "role": "editor", "csrf_token": token})
    assert duplicate.status_code == 409
    assert "already exists" in duplicate.text


async def test_a_service_key_and_revoking_a_key(client: AsyncTestClient[Any], admin: AsyncTestClient[Any]) -> None:
    token = await token_of(admin, f"{ADMIN}/keys")
    issued = await admin.post(
        f"{ADMIN}/keys", data={"name": "crm-sync", "role": "editor", "team": "revops", "csrf_token": token}
    )
    assert issued.status_code == 201
    key = re.search(r'value="(canon_[^"]+)"', issued.text)
    assert key
    headers = {"Authorization": f"Bearer {key.group(1)}"}
    assert (await client.get("/v1/me", headers=headers)).json()["type"] == "service"
    listing = (await admin.get(f"{ADMIN}/keys")).text
    key_id = next(item["id"] for item in (await client.get("/v1/keys")).json()["items"] if item["name"] == "crm-sync")
    assert f'action="/console/admin/keys/{key_id}/revoke"' in listing
    assert "Revoke key “crm-sync”" in listing
    revoked = await admin.post(f"{ADMIN}/keys/{key_id}/revoke", data={"csrf_token": token})
    assert (revoked.status_code, revoked.headers["location"]) == (303, f"{ADMIN}/keys?done=revoked")
    assert (await client.get("/v1/me", headers=headers)).status_code == 401
    after = (await admin.get(revoked.headers["location"])).text
    assert "The key was revoked" in after
    assert "Revoke key “crm-sync”" not in after
    unknown = await admin.post(f"{ADMIN}/keys/00000000-0000-0000-0000-000000000000/revoke", data={"csrf_token": token})
    assert unknown.status_code == 404
    assert (await admin.post(f"{ADMIN}/keys/not-a-key/revoke", data={"csrf_token": token})).status_code in (404, 405)
