"""The console's admin section in process: people (add, change, deactivate), API keys (issue and show the secret once,
revoke) and webhook subscriptions (create with each fault at its field, the secret once, test, retry, enable and
disable, deliveries and their attempts), each as only an admin may, with the API's refusal for anyone else; CSRF on
every form, user text escaped, and no input that makes a page fail."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from standardwebhooks.webhooks import Webhook

from service.config import Settings
from service.store.database import Pool
from tests.console_support import browser_of, csrf_in, key_of, sign_in
from tests.support import Api
from tests.webhook_fixtures import Receiver, Reply, deliveries, running_worker, settled, subscribe, until

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


async def test_odd_queries_and_paths_are_answered_in_words_never_with_a_500(admin: AsyncTestClient[Any]) -> None:
    for path, params in (
        (f"{ADMIN}/people", {"cursor": "garbage"}),
        (f"{ADMIN}/people", {"team": "t" * 500}),
        (f"{ADMIN}/people", {"done": "hacked"}),
        (f"{ADMIN}/people", {"unknown": "1"}),
        (f"{ADMIN}/keys", {"cursor": "Zm9v"}),
        (f"{ADMIN}/keys", {"person": "p" * 1000}),
        (f"{ADMIN}/people/{'x' * 5000}", {}),
        (f"{ADMIN}/people/%00", {}),
        (f"{ADMIN}/people", {"team": "sales\x00"}),
        (f"{ADMIN}/keys", {"person": "kim\x00"}),
    ):
        response = await admin.get(path, params=params)
        assert 400 <= response.status_code < 500, (path, params, response.status_code)
        assert response.headers["content-type"].startswith("text/html"), (path, params)
        assert "<h1>" in response.text
    token = await token_of(admin)
    posted = await admin.post(f"{ADMIN}/people/{'x' * 5000}", data={"name": "X", "csrf_token": token})
    assert posted.status_code == 404
    files = await admin.post(
        f"{ADMIN}/people", data={"csrf_token": token}, files={"subject": ("a.txt", b"kim@acme.example")}
    )
    assert files.status_code == 422  # a file is no text field: the subject is missing
    assert field_error(files.text, "subject") == "at least 3 characters"


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


# --- webhooks -------------------------------------------------------------------------------------------------------


@pytest.fixture
async def hook_admin(hook_client: AsyncTestClient[Any]) -> AsyncTestClient[Any]:
    """A browser signed in as an admin person, on an app that accepts loopback webhook targets."""
    console = browser_of(hook_client)
    await sign_in(console, key_of(await Api(hook_client).key("admin", None, "ada@acme.example")))
    return console


def subscription_form(target: str, token: str, **fields: str) -> dict[str, str]:
    return {"url": target, "format": "standard", "mode": "each", "enabled": "on", "csrf_token": token, **fields}


async def test_an_admin_subscribes_sees_the_secret_once_sends_a_test_and_sees_its_attempt(
    hook_client: AsyncTestClient[Any],
    hook_admin: AsyncTestClient[Any],
    hook_pool: Pool,
    hook_settings: Settings,
    receivers: Callable[..., Receiver],
) -> None:
    receiver = receivers()
    empty = await hook_admin.get(f"{ADMIN}/webhooks")
    assert "No subscriptions yet" in empty.text
    form = await hook_admin.get(f"{ADMIN}/webhooks/new")
    assert form.status_code == 200
    created = await hook_admin.post(
        f"{ADMIN}/webhooks",
        data=subscription_form(
            receiver.url,
            csrf_in(form.text),
            description="CRM sync",
            event_types="webhook.test,\ndefinition.*",
            tags="funnel",
            teams="sales, marketing",
        ),
    )
    assert created.status_code == 201, created.text
    assert "location" not in created.headers
    assert created.headers["cache-control"] == "no-store"
    assert "it will not be shown again" in created.text
    found = re.search(r'id="secret"[^>]*value="(whsec_[^"]+)"', created.text)
    assert found, created.text
    secret = found.group(1)
    [listed] = (await hook_client.get("/v1/webhooks")).json()["items"]
    assert (listed["event_types"], listed["tags"], listed["teams"]) == (
        ["webhook.test", "definition.*"],
        ["funnel"],
        ["sales", "marketing"],
    )
    page_url = f"{ADMIN}/webhooks/{listed['id']}"
    listing = (await hook_admin.get(f"{ADMIN}/webhooks")).text
    assert receiver.url in listing
    assert "each event as it happens" in listing
    assert "healthy" in listing
    subscription = await hook_admin.get(page_url)
    assert secret not in subscription.text
    assert "Nothing sent yet" in subscription.text

    async with running_worker(hook_pool, hook_settings):
        sent = await hook_admin.post(f"{page_url}/test", data={"csrf_token": csrf_in(subscription.text)})
        assert (sent.status_code, sent.headers["location"]) == (303, f"{page_url}?done=test")
        await until(lambda: len(receiver.received("webhook.test")) == 1, what="the test event")
        await until(lambda: settled(hook_pool), what="the attempt to be recorded")
    assert Webhook(secret).verify(receiver.hits[0].body, receiver.hits[0].headers)["type"] == "webhook.test"
    after = await hook_admin.get(sent.headers["location"])
    assert "A webhook.test event is queued" in after.text
    delivery = re.search(rf'href="({page_url}/deliveries/\d+)"', after.text)
    assert delivery
    assert "succeeded" in after.text
    detail = (await hook_admin.get(delivery.group(1))).text
    assert "<code>webhook.test</code>" in detail
    assert re.search(r"<td>200</td>\s*<td>\d+ ms</td>", detail)
    assert '<pre class="admin-excerpt">ok</pre>' in detail
    # Opened in place on the subscription's page: HTMX asks for the attempts alone.
    assert f'hx-get="{delivery.group(1)}" hx-trigger="toggle once"' in after.text
    attempts = await hook_admin.get(delivery.group(1), headers={"HX-Request": "true"})
    assert "<html" not in attempts.text
    assert attempts.text.lstrip().startswith('<div class="admin-scroll"')
    assert re.search(r"<td>200</td>\s*<td>\d+ ms</td>", attempts.text)


async def test_a_failed_delivery_is_retried_from_the_console_and_its_attempts_are_listed(
    hook_client: AsyncTestClient[Any],
    hook_admin: AsyncTestClient[Any],
    hook_pool: Pool,
    hook_settings: Settings,
    receivers: Callable[..., Receiver],
) -> None:
    receiver = receivers().answer(*[Reply(500, body=b"<b>down</b> for maintenance")] * 4)
    subscribed = await subscribe(hook_client, receiver.url)
    page_url = f"{ADMIN}/webhooks/{subscribed.id}"
    token = await token_of(hook_admin, page_url)
    async with running_worker(hook_pool, hook_settings):
        await hook_admin.post(f"{page_url}/test", data={"csrf_token": token})
        await until(lambda: settled(hook_pool), within=10, what="the delivery to fail")
        [failed] = await deliveries(hook_pool, subscribed.id)
        assert failed.status == "failed"
        listing = (await hook_admin.get(page_url, params={"status": "failed"})).text
        assert f"Retry #{failed.id}" in listing
        assert "HTTP 500" in listing
        detail_url = f"{page_url}/deliveries/{failed.id}"
        detail = (await hook_admin.get(detail_url)).text
        assert detail.count("<td>500</td>") == 4
        assert "&lt;b&gt;down&lt;/b&gt; for maintenance" in detail
        retried = await hook_admin.post(f"{detail_url}/retry", data={"csrf_token": token})
        assert (retried.status_code, retried.headers["location"]) == (303, f"{detail_url}?done=retried")
        await until(lambda: len(receiver.hits) == 5, what="the retry")
        await until(lambda: settled(hook_pool), what="the retry to be recorded")
    detail = (await hook_admin.get(retried.headers["location"])).text
    assert "Queued again" in detail
    assert "<td>200</td>" in detail
    assert "succeeded" in detail
    assert len({hit.webhook_id for hit in receiver.hits}) == 1  # the same webhook-id every time


async def test_the_deliveries_refresh_by_htmx_while_one_is_pending(
    hook_client: AsyncTestClient[Any], hook_admin: AsyncTestClient[Any], receivers: Callable[..., Receiver]
) -> None:
    subscribed = await subscribe(hook_client, receivers().url)
    page_url = f"{ADMIN}/webhooks/{subscribed.id}"
    await hook_admin.post(f"{page_url}/test", data={"csrf_token": await token_of(hook_admin, page_url)})
    full = await hook_admin.get(page_url)
    assert full.headers["vary"] == "HX-Request"
    partial = await hook_admin.get(page_url, headers={"HX-Request": "true"})
    assert "<html" not in partial.text
    assert partial.text.lstrip().startswith('<div id="deliveries"')
    assert f'hx-get="{page_url}"' in partial.text
    assert 'hx-trigger="every 2s"' in partial.text
    assert "pending" in partial.text


async def test_each_fault_of_a_subscription_is_shown_at_its_field(
    hook_admin: AsyncTestClient[Any], receivers: Callable[..., Receiver]
) -> None:
    url = receivers().url
    token = await token_of(hook_admin, f"{ADMIN}/webhooks/new")
    cases = [
        ({"url": "ftp://example.com/hook"}, "url", "the scheme must be"),
        ({"url": "http://10.1.2.3/hook"}, "url", "is not allowed"),
        ({"url": "http://example.com/" + "x" * 3000}, "url", "at most 2000 characters"),
        ({"url": ""}, "url", "required"),
        ({"description": "d" * 501}, "description", "at most 500 characters"),
        ({"event_types": "definition.publishd"}, "event_types", "did you mean 'definition.published'?"),
        ({"event_types": "webhook.test, not a type!"}, "event_types", "is not an event type pattern"),
        ({"teams": "sales, Sales Ops"}, "teams", "“Sales Ops”: lower-case letters"),
        ({"slugs": "MQL"}, "slugs", "“MQL”: lower-case letters, digits and inner hyphens"),
        ({"tags": ",".join(f"t{n}" for n in range(51))}, "tags", "at most 50 items"),
        ({"format": "xml"}, "format", "'xml' is not one of the choices"),
        ({"mode": "digest", "every": "day", "at": "09:00", "timezone": "Mars/Base"}, "timezone", "no time zone"),
        ({"mode": "digest", "every": "day", "at": "25:00", "timezone": "UTC"}, "at", "HH:MM"),
        ({"mode": "digest", "every": "fortnight", "at": "09:00", "timezone": "UTC"}, "every", "not one of the choices"),
        ({"mode": "sometimes"}, "mode", "not one of the choices"),
    ]
    for fields, name, expected in cases:
        refused = await hook_admin.post(f"{ADMIN}/webhooks", data=subscription_form(url, token, **fields))
        assert refused.status_code == 422, (fields, refused.text)
        assert expected in field_error(refused.text, name), fields
        assert "whsec_" not in refused.text
    kept = await hook_admin.post(
        f"{ADMIN}/webhooks",
        data=subscription_form(
            url,
            token,
            description="Keep me",
            mode="digest",
            every="week",
            on="friday",
            at="17:30",
            timezone="Mars/Base",
        ),
    )
    assert 'value="Keep me"' in kept.text
    assert 'value="17:30"' in kept.text
    assert '<option value="friday" selected>' in kept.text
    assert re.search(r'id="f-mode-digest" name="mode" value="digest" checked', kept.text)
    digest = await hook_admin.post(
        f"{ADMIN}/webhooks",
        data=subscription_form(
            url, token, mode="digest", every="week", on="friday", at="17:30", timezone="Europe/Berlin"
        ),
    )
    assert digest.status_code == 201
    listing = (await hook_admin.get(f"{ADMIN}/webhooks")).text
    assert "digest every week on friday at 17:30 (Europe/Berlin)" in listing


async def test_a_subscription_is_disabled_and_enabled_again(
    hook_client: AsyncTestClient[Any],
    hook_admin: AsyncTestClient[Any],
    hook_pool: Pool,
    receivers: Callable[..., Receiver],
) -> None:
    subscribed = await subscribe(hook_client, receivers().url)
    page_url = f"{ADMIN}/webhooks/{subscribed.id}"
    token = await token_of(hook_admin, page_url)
    disabled = await hook_admin.post(f"{page_url}/enabled", data={"enabled": "false", "csrf_token": token})
    assert (disabled.status_code, disabled.headers["location"]) == (303, f"{page_url}?done=disabled")
    assert (await hook_client.get(f"/v1/webhooks/{subscribed.id}")).json()["enabled"] is False
    page = (await hook_admin.get(disabled.headers["location"])).text
    assert "disabled</span> by an admin" in page
    assert "Enable this subscription" in page
    async with hook_pool.acquire() as connection:
        await connection.execute(
            "UPDATE webhook_subscriptions SET disabled_at = now(), disabled_reason = $1, failing_since = now()",
            "failing for 120 hours <b>",
        )
    page = (await hook_admin.get(page_url)).text
    assert "failing for 120 hours &lt;b&gt;" in page
    enabled = await hook_admin.post(f"{page_url}/enabled", data={"enabled": "true", "csrf_token": token})
    assert enabled.headers["location"] == f"{page_url}?done=enabled"
    body = (await hook_client.get(f"/v1/webhooks/{subscribed.id}")).json()
    assert (body["enabled"], body["disabled_reason"], body["failing_since"]) == (True, None, None)
    assert "healthy" in (await hook_admin.get(page_url)).text


async def test_a_secret_is_rotated_and_shown_once_and_a_subscription_deleted_after_a_confirmation(
    hook_client: AsyncTestClient[Any], hook_admin: AsyncTestClient[Any], receivers: Callable[..., Receiver]
) -> None:
    subscribed = await subscribe(hook_client, receivers().url)
    page_url = f"{ADMIN}/webhooks/{subscribed.id}"
    token = await token_of(hook_admin, page_url)
    rotated = await hook_admin.post(f"{page_url}/rotate-secret", data={"csrf_token": token})
    assert rotated.status_code == 200
    assert rotated.headers["cache-control"] == "no-store"
    found = re.search(r'id="secret"[^>]*value="(whsec_[^"]+)"', rotated.text)
    assert found
    assert found.group(1) != subscribed.secret
    assert "The previous secret keeps signing alongside it until" in rotated.text
    assert (await hook_client.get(f"/v1/webhooks/{subscribed.id}")).json()["rotating_until"] is not None
    assert found.group(1) not in (await hook_admin.get(page_url)).text

    confirm = await hook_admin.get(f"{page_url}/delete")
    assert confirm.status_code == 200
    assert "Delete this subscription?" in confirm.text
    assert (await hook_client.get(f"/v1/webhooks/{subscribed.id}")).status_code == 200  # asking deletes nothing
    deleted = await hook_admin.post(f"{page_url}/delete", data={"csrf_token": token})
    assert (deleted.status_code, deleted.headers["location"]) == (303, f"{ADMIN}/webhooks?done=deleted")
    assert (await hook_client.get(f"/v1/webhooks/{subscribed.id}")).status_code == 404
    assert "The subscription was deleted" in (await hook_admin.get(deleted.headers["location"])).text
    assert (await hook_admin.get(page_url)).status_code == 404


async def test_bad_ids_are_not_found(
    hook_client: AsyncTestClient[Any], hook_admin: AsyncTestClient[Any], receivers: Callable[..., Receiver]
) -> None:
    first = await subscribe(hook_client, receivers().url)
    second = await subscribe(hook_client, receivers().url)
    token = await token_of(hook_admin, f"{ADMIN}/webhooks/{first.id}")
    await hook_admin.post(f"{ADMIN}/webhooks/{first.id}/test", data={"csrf_token": token})
    [delivery] = (await hook_client.get(f"/v1/webhooks/{first.id}/deliveries")).json()["items"]
    for path in (
        f"{ADMIN}/webhooks/not-a-uuid",
        f"{ADMIN}/webhooks/00000000-0000-0000-0000-000000000000",
        f"{ADMIN}/webhooks/{first.id}/deliveries/0",
        f"{ADMIN}/webhooks/{first.id}/deliveries/-1",
        f"{ADMIN}/webhooks/{first.id}/deliveries/99999999999999999999999",
        f"{ADMIN}/webhooks/{first.id}/deliveries/123456",
        f"{ADMIN}/webhooks/{second.id}/deliveries/{delivery['id']}",  # another subscription's
    ):
        response = await hook_admin.get(path)
        assert response.status_code == 404, path
        assert "<h1>Not found</h1>" in response.text
    for path in (
        f"{ADMIN}/webhooks/00000000-0000-0000-0000-000000000000/test",
        f"{ADMIN}/webhooks/{second.id}/deliveries/{delivery['id']}/retry",
        f"{ADMIN}/webhooks/{first.id}/deliveries/99999999999999999999999/retry",
    ):
        assert (await hook_admin.post(path, data={"csrf_token": token})).status_code == 404, path
    assert (await hook_admin.get(f"{ADMIN}/webhooks", params={"cursor": "garbage"})).status_code in (400, 422)
    assert (await hook_admin.get(f"{ADMIN}/webhooks/{first.id}", params={"status": "lost"})).status_code in (400, 422)


# --- who may, forms from elsewhere, user text -----------------------------------------------------------------------


async def admin_paths(client: AsyncTestClient[Any], receiver_url: str) -> tuple[list[str], list[str]]:
    """Every admin page (GET) and form action (POST), on real ids."""
    await client.post("/v1/people", json={"subject": "kim@acme.example", "name": "Kim", "role": "reader"})
    key_id = (await client.post("/v1/keys", json={"name": "kim-key", "person": "kim@acme.example"})).json()["id"]
    subscribed = await subscribe(client, receiver_url)
    delivery_id = (await client.post(f"/v1/webhooks/{subscribed.id}/test")).json()["delivery_id"]
    hook = f"{ADMIN}/webhooks/{subscribed.id}"
    pages = [
        ADMIN,
        f"{ADMIN}/people",
        f"{ADMIN}/people/kim@acme.example",
        f"{ADMIN}/keys",
        f"{ADMIN}/webhooks",
        f"{ADMIN}/webhooks/new",
        hook,
        f"{hook}/deliveries/{delivery_id}",
        f"{hook}/delete",
    ]
    actions = [
        f"{ADMIN}/people",
        f"{ADMIN}/people/kim@acme.example",
        f"{ADMIN}/keys",
        f"{ADMIN}/keys/{key_id}/revoke",
        f"{ADMIN}/webhooks",
        f"{hook}/test",
        f"{hook}/enabled",
        f"{hook}/deliveries/{delivery_id}/retry",
        f"{hook}/rotate-secret",
        f"{hook}/delete",
    ]
    return pages, actions


FORM: dict[str, str] = {"subject": "eve@acme.example", "name": "Eve", "role": "admin", "url": "http://127.0.0.1:9/x"}


@pytest.mark.parametrize(("role", "team"), [("reader", "sales"), ("editor", "revops"), ("approver", "marketing")])
async def test_anyone_but_an_admin_gets_the_apis_refusal_in_words(
    hook_client: AsyncTestClient[Any], receivers: Callable[..., Receiver], role: str, team: str
) -> None:
    pages, actions = await admin_paths(hook_client, receivers().url)
    console = browser_of(hook_client)
    token = await sign_in(console, key_of(await Api(hook_client).key(role, team, f"{role}@acme.example")))
    glossary = (await console.get("/console/glossary")).text
    assert 'href="/console/admin"' not in glossary  # no Admin link for them
    for path in pages:
        refused = await console.get(path)
        assert refused.status_code == 403, path
        assert "<h1>Forbidden</h1>" in refused.text
        assert f"this needs the admin role; &#39;{role}@acme.example&#39; has {role}" in refused.text, path
    for path in actions:
        refused = await console.post(path, data={**FORM, "csrf_token": token})
        assert refused.status_code == 403, path
        assert "this needs the admin role" in refused.text, path
    assert (await hook_client.get("/v1/people/eve@acme.example")).status_code == 404
    assert len((await hook_client.get("/v1/webhooks")).json()["items"]) == 1
    assert [
        key["revoked_at"] for key in (await hook_client.get("/v1/keys")).json()["items"] if key["name"] == "kim-key"
    ] == [None]


async def test_every_admin_form_needs_its_csrf_token(
    hook_client: AsyncTestClient[Any], hook_admin: AsyncTestClient[Any], receivers: Callable[..., Receiver]
) -> None:
    _, actions = await admin_paths(hook_client, receivers().url)
    other = browser_of(hook_client)
    other_token = await sign_in(other, key_of(await Api(hook_client).key("admin", None, "other@acme.example")))
    for path in actions:
        for data in (FORM, {**FORM, "csrf_token": "forged"}, {**FORM, "csrf_token": other_token}):
            refused = await hook_admin.post(path, data=data)
            assert refused.status_code == 403, (path, data)
            assert "did not come from Canon" in refused.text
    assert (await hook_client.get("/v1/people/eve@acme.example")).status_code == 404
    assert len((await hook_client.get("/v1/webhooks")).json()["items"]) == 1


async def test_names_urls_and_replies_stay_text(
    hook_client: AsyncTestClient[Any],
    hook_admin: AsyncTestClient[Any],
    hook_pool: Pool,
    hook_settings: Settings,
    receivers: Callable[..., Receiver],
) -> None:
    attack = "<script>alert(1)</script>"
    image = '"><img src=x onerror=alert(1)>'
    receiver = receivers().answer(Reply(200, body=f"{attack}{image}".encode()))
    await hook_client.post(
        "/v1/people", json={"subject": "x@acme.example", "name": attack, "role": "reader", "teams": []}
    )
    await hook_client.post("/v1/keys", json={"name": image, "person": "x@acme.example"})
    token = await token_of(hook_admin)
    svg = '"><svg/onload=alert(1)>'
    url = f"{receiver.url}?q={svg}"
    created = await hook_admin.post(
        f"{ADMIN}/webhooks", data=subscription_form(url, token, description=attack, tags=image)
    )
    assert created.status_code == 201, created.text
    [listed] = (await hook_client.get("/v1/webhooks")).json()["items"]
    hook = f"{ADMIN}/webhooks/{listed['id']}"
    async with running_worker(hook_pool, hook_settings):
        await hook_admin.post(f"{hook}/test", data={"csrf_token": token})
        await until(lambda: settled(hook_pool), what="the test event")
    [delivery] = (await hook_client.get(f"/v1/webhooks/{listed['id']}/deliveries")).json()["items"]
    refused = await hook_admin.post(f"{ADMIN}/people", data={"subject": image, "name": attack, "csrf_token": token})
    paths = [
        f"{ADMIN}/people",
        f"{ADMIN}/people/x@acme.example",
        f"{ADMIN}/keys",
        f"{ADMIN}/webhooks",
        hook,
        f"{hook}/deliveries/{delivery['id']}",
    ]
    for text in [created.text, refused.text, *[(await hook_admin.get(path)).text for path in paths]]:
        assert attack not in text
        assert "<img" not in text
        assert "<svg" not in text
        assert any(escaped in text for escaped in ("&lt;script&gt;alert(1)", "&lt;img src=x", "&lt;svg/onload"))


async def test_no_admin_page_has_inline_script_or_style(
    hook_client: AsyncTestClient[Any], hook_admin: AsyncTestClient[Any], receivers: Callable[..., Receiver]
) -> None:
    pages, _ = await admin_paths(hook_client, receivers().url)
    for path in pages:
        page = await hook_admin.get(path)
        assert page.status_code == 200, path
        scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", page.text, re.DOTALL)
        assert scripts == [""], path
        assert "<style" not in page.text
        assert " style=" not in page.text
        assert not re.search(r"\son[a-z]+=", page.text), path
        assert "hx-on" not in page.text
        # Every field has its label.
        ids = set(re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', page.text))
        labelled = set(re.findall(r'<label for="([^"]+)"', page.text))
        assert ids <= labelled, (path, ids - labelled)
