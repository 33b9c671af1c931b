"""The console's server side: sign-in with a person's API key, sessions in PostgreSQL (timeouts, sign-out, revoked
keys, other replicas), CSRF on every form, the security headers of every response, escaping, and the glossary as
each role sees it."""

from __future__ import annotations

import datetime as dt
import html
import logging
import re
from typing import Any

import asyncpg
import msgspec
import pytest
from litestar.testing import AsyncTestClient

from service.api.problems import EXCEPTION_HANDLERS
from service.app import create_app
from service.config import Settings
from service.console.pages import console_error, console_router
from service.console.security import CONTENT_SECURITY_POLICY, SESSION_COOKIE, replace_clock
from tests.console_support import browser_of, csrf_in, key_of, sign_in
from tests.support import Api, definition_body, edit_draft, start_version


@pytest.fixture
def browser(client: AsyncTestClient[Any]) -> AsyncTestClient[Any]:
    return browser_of(client)


async def test_a_person_signs_in_with_their_key_sees_the_glossary_and_signs_out(
    client: AsyncTestClient[Any], browser: AsyncTestClient[Any]
) -> None:
    api = Api(client)
    await api.published("mql")
    reader = await api.key("reader", "sales", "sam@acme.example")
    form = await browser.get("/console/sign-in")
    response = await browser.post("/console/sign-in", data={"key": key_of(reader), "csrf_token": csrf_in(form.text)})
    assert response.status_code == 303
    cookie = next(value for value in response.headers.get_list("set-cookie") if value.startswith(f"{SESSION_COOKIE}="))
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "path", "samesite"} <= attributes
    assert "secure" not in attributes  # plain HTTP here: a Secure cookie would never come back
    assert "samesite=lax" in cookie.lower()
    assert "Path=/console;" in cookie
    assert key_of(reader) not in cookie
    glossary = await browser.get("/console/glossary")
    assert glossary.status_code == 200
    assert "Marketing Qualified Lead" in glossary.text
    assert "sam@acme.example" in glossary.text
    signed_out = await browser.post("/console/sign-out", data={"csrf_token": csrf_in(glossary.text)})
    assert (signed_out.status_code, signed_out.headers["location"]) == (303, "/console/sign-in")
    again = await browser.get("/console/glossary")
    assert (again.status_code, again.headers["location"]) == (303, "/console/sign-in")


async def test_the_cookie_is_secure_when_the_browser_came_over_https(client: AsyncTestClient[Any]) -> None:
    reader = await Api(client).key("reader", "sales")
    console = browser_of(client, "https://canon.test")
    form = await console.get("/console/sign-in")
    assert "secure" in form.headers["set-cookie"].lower()
    response = await console.post("/console/sign-in", data={"key": key_of(reader), "csrf_token": csrf_in(form.text)})
    assert response.status_code == 303
    session = next(value for value in response.headers.get_list("set-cookie") if value.startswith(f"{SESSION_COOKIE}="))
    assert "; secure" in session.lower()


async def test_service_keys_bootstrap_keys_and_unknown_keys_cannot_sign_in(
    client: AsyncTestClient[Any], browser: AsyncTestClient[Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    service = await Api(client).service_key("admin", "crm")
    form = await browser.get("/console/sign-in")
    token = csrf_in(form.text)
    refused = await browser.post("/console/sign-in", data={"key": key_of(service), "csrf_token": token})
    assert refused.status_code == 403
    assert "the console is for people" in refused.text
    assert not [value for value in refused.headers.get_list("set-cookie") if value.startswith(f"{SESSION_COOKIE}=")]
    bootstrap = await browser.post("/console/sign-in", data={"key": "test-bootstrap-admin-key", "csrf_token": token})
    assert bootstrap.status_code == 403
    unknown = await browser.post("/console/sign-in", data={"key": "canon_nope", "csrf_token": token})
    assert unknown.status_code == 401
    assert "unknown, revoked or expired" in unknown.text
    assert "canon_nope" not in unknown.text  # the form never echoes a key
    # A key in the URL is not a parameter of the page: refused, never read.
    assert (await browser.get("/console/sign-in", params={"key": "canon_x"})).status_code == 400
    assert "POST /console/sign-in 401" in caplog.text  # the access log names the request, never the key
    assert "canon_nope" not in caplog.text
    assert key_of(service) not in caplog.text


async def test_failed_sign_ins_spend_the_addresses_budget(settings: Settings) -> None:
    limited = msgspec.structs.replace(settings, rate_limit_auth_failures=2)
    async with AsyncTestClient(app=create_app(limited), base_url="http://canon.test") as console:
        token = csrf_in((await console.get("/console/sign-in")).text)
        statuses = [
            (await console.post("/console/sign-in", data={"key": f"canon_wrong{n}", "csrf_token": token})).status_code
            for n in range(3)
        ]
        assert statuses == [401, 401, 429]
        refused = await console.post("/console/sign-in", data={"key": "canon_wrong", "csrf_token": token})
        assert int(refused.headers["retry-after"]) >= 1
        assert "Too many failed sign-ins from this address" in refused.text


async def test_a_bearer_key_opens_no_console_page(client: AsyncTestClient[Any]) -> None:
    # The admin's Authorization header, no session.
    response = await client.get("/console/glossary", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/console/sign-in")


async def test_every_form_needs_its_csrf_token(client: AsyncTestClient[Any], browser: AsyncTestClient[Any]) -> None:
    reader = await Api(client).key("reader", "sales")
    form = await browser.get("/console/sign-in")
    forged_sign_in = await browser.post("/console/sign-in", data={"key": key_of(reader), "csrf_token": "forged"})
    assert forged_sign_in.status_code == 403
    missing = await browser.post("/console/sign-in", data={"key": key_of(reader)})
    assert missing.status_code == 403
    browser.cookies.clear()  # a form posted from elsewhere carries no sign-in cookie
    other_site = await browser.post("/console/sign-in", data={"key": key_of(reader), "csrf_token": csrf_in(form.text)})
    assert other_site.status_code == 403
    token = await sign_in(browser, key_of(reader))
    for data in ({}, {"csrf_token": "x" * len(token)}, {"csrf_token": csrf_in(form.text)}):
        refused = await browser.post("/console/sign-out", data=data)
        assert refused.status_code == 403, data
        assert (await browser.get("/console/glossary")).status_code == 200  # still signed in
    by_header = await browser.post("/console/sign-out", headers={"X-CSRF-Token": token})
    assert by_header.status_code == 303


async def test_every_console_response_carries_the_security_headers(
    client: AsyncTestClient[Any], browser: AsyncTestClient[Any]
) -> None:
    await Api(client).published("mql")
    reader = await Api(client).key("reader", "sales")
    responses = [
        await browser.get("/console/glossary"),  # a redirect to sign in
        await browser.get("/console/sign-in"),
        await browser.get("/console/static/console.css"),
        await browser.get("/console/static/htmx-2.0.11.min.js"),
        await browser.get("/console/static/nothing.js"),
        await browser.post("/console/sign-out", data={}),
    ]
    await sign_in(browser, key_of(reader))
    responses += [
        await browser.get("/console/glossary"),
        await browser.get("/console/glossary/mql"),
        await browser.get("/console/glossary/nothing"),
        await browser.post("/console/sign-out", data={"csrf_token": "bad"}),
        await browser.get("/console/no/such/page"),
    ]
    assert [r.status_code for r in responses] == [303, 200, 200, 200, 404, 303, 200, 200, 404, 403, 404]
    for response in responses:
        policy = response.headers["content-security-policy"]
        assert policy == CONTENT_SECURITY_POLICY
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert "unsafe-eval" not in policy
        assert "frame-ancestors 'none'" in policy
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "same-origin"
        assert response.headers["x-content-type-options"] == "nosniff"
    assert responses[2].headers["content-type"].startswith("text/css")
    assert responses[3].headers["content-type"].startswith("text/javascript")
    assert responses[6].headers["cache-control"] == "no-store"
    for missing in (responses[8], responses[10]):
        assert "<h1>Not found</h1>" in missing.text
        assert missing.headers["content-type"].startswith("text/html")


async def test_no_page_has_inline_script_or_style(client: AsyncTestClient[Any], browser: AsyncTestClient[Any]) -> None:
    await Api(client).published("mql")
    reader = await Api(client).key("reader", "sales")
    pages = [(await browser.get("/console/sign-in")).text]
    await sign_in(browser, key_of(reader))
    pages += [(await browser.get(path)).text for path in ("/console/glossary", "/console/glossary/mql")]
    for page in pages:
        scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", page, re.DOTALL)
        assert scripts == [""], scripts  # one script: HTMX, by src
        assert "<style" not in page
        assert " style=" not in page
        assert " on" + "click=" not in page
        assert re.search(r'<script src="/console/static/htmx-[\d.]+\.min\.js" defer>', page)


async def test_user_text_is_escaped_everywhere(client: AsyncTestClient[Any], browser: AsyncTestClient[Any]) -> None:
    api = Api(client)
    attack = "<script>alert(1)</script>"
    body = definition_body("xss", title=attack)
    body["content"] = {**body["content"], "summary": f"A {attack} summary", "body": '"><img src=x onerror=alert(1)>'}
    await api.create("xss", **{key: value for key, value in body.items() if key != "slug"})
    await api.publish_through_review("xss", 1)
    await sign_in(browser, key_of(await api.key("reader", "sales")))
    for path in ("/console/glossary", "/console/glossary/xss"):
        page = (await browser.get(path)).text
        assert attack not in page
        assert "<img" not in page
        assert html.escape(attack) in page


async def test_sessions_end_when_idle_and_after_the_absolute_timeout(
    client: AsyncTestClient[Any], browser: AsyncTestClient[Any]
) -> None:
    reader = await Api(client).key("reader", "sales")
    now = dt.datetime.now(dt.UTC)
    clock = {"now": now}
    replace_clock(client.app.state, lambda: clock["now"])
    await sign_in(browser, key_of(reader))
    # Used every 50 minutes (the idle timeout is an hour): still signed in after 11 hours and 40 minutes.
    for _ in range(14):
        clock["now"] += dt.timedelta(minutes=50)
        assert (await browser.get("/console/glossary")).status_code == 200
    clock["now"] = now + dt.timedelta(hours=12)  # however busy, 12 hours after sign-in it ends
    assert (await browser.get("/console/glossary")).status_code == 303
    await sign_in(browser, key_of(reader))
    clock["now"] += dt.timedelta(minutes=61)  # an hour unused
    response = await browser.get("/console/glossary")
    assert (response.status_code, response.headers["location"]) == (303, "/console/sign-in")


async def test_only_a_hash_of_the_session_id_is_stored_and_sign_in_removes_ended_sessions(
    client: AsyncTestClient[Any], browser: AsyncTestClient[Any], settings: Settings
) -> None:
    reader = await Api(client).key("reader", "sales")
    await sign_in(browser, key_of(reader))
    session_id = browser.cookies[SESSION_COOKIE]
    connection = await asyncpg.connect(settings.database_url)
    try:
        stored = await connection.fetch("SELECT id_hash FROM console_sessions")
        assert len(stored) == 1
        assert session_id.encode() not in stored[0]["id_hash"]
        await connection.execute("UPDATE console_sessions SET last_seen_at = last_seen_at - interval '2 hours'")
        assert (await browser.get("/console/glossary")).status_code == 303  # idle: ended and deleted
        assert await connection.fetchval("SELECT count(*) FROM console_sessions") == 0
        await sign_in(browser, key_of(reader))
        await connection.execute("UPDATE console_sessions SET created_at = created_at - interval '13 hours'")
        await sign_in(browser_of(client), key_of(reader))
        assert await connection.fetchval("SELECT count(*) FROM console_sessions") == 1  # the ended one is gone
    finally:
        await connection.close()


async def test_revoking_the_key_ends_its_sessions(client: AsyncTestClient[Any], browser: AsyncTestClient[Any]) -> None:
    listed = await client.post("/v1/people", json={"subject": "kim@acme.example", "name": "Kim", "role": "reader"})
    assert listed.status_code == 201
    issued = (await client.post("/v1/keys", json={"name": "kim-laptop", "person": "kim@acme.example"})).json()
    await sign_in(browser, issued["key"])
    assert (await client.delete(f"/v1/keys/{issued['id']}")).status_code in (200, 204)
    assert (await browser.get("/console/glossary")).status_code == 303


async def test_a_session_opened_on_one_replica_works_on_another(
    client: AsyncTestClient[Any], settings: Settings
) -> None:
    reader = await Api(client).key("reader", "sales")
    first = browser_of(client)
    await sign_in(first, key_of(reader))
    async with AsyncTestClient(app=create_app(settings), base_url="http://canon.test") as second:
        second.follow_redirects = False
        second.cookies.set(SESSION_COOKIE, first.cookies[SESSION_COOKIE], domain="canon.test", path="/console")
        assert (await second.get("/console/glossary")).status_code == 200
        token = csrf_in((await second.get("/console/glossary")).text)
        assert (await second.post("/console/sign-out", data={"csrf_token": token})).status_code == 303
    assert (await first.get("/console/glossary")).status_code == 303  # signed out there: out everywhere


async def test_the_glossary_lists_filters_and_explains_definitions(
    client: AsyncTestClient[Any], browser: AsyncTestClient[Any]
) -> None:
    api = Api(client)
    await api.published("mql")
    await api.published("sql", title="Sales Qualified Lead", tags=["funnel", "sales"])
    await api.published("arr", title="Annual Recurring Revenue", tags=["finance"])
    await start_version(api, "mql")
    await edit_draft(api, "mql", 2, {"title": "MQL (2027)", "effective_date": "2099-01-01"})
    await api.publish_through_review("mql", 2)
    await sign_in(browser, key_of(await api.key("reader", "sales")))
    page = (await browser.get("/console/glossary")).text
    for text in ("Marketing Qualified Lead", "Sales Qualified Lead", "Annual Recurring Revenue", "<code>arr</code>"):
        assert text in page
    assert "v2 from 2099-01-01" in page  # scheduled next
    finance = (await browser.get("/console/glossary", params={"tag": "finance"})).text
    assert "Annual Recurring Revenue" in finance
    assert "Sales Qualified Lead" not in finance
    partial = await browser.get("/console/glossary", params={"tag": "sales"}, headers={"HX-Request": "true"})
    assert "<html" not in partial.text
    assert "Sales Qualified Lead" in partial.text
    assert "Marketing Qualified Lead" not in partial.text
    assert partial.headers["vary"] == "HX-Request"
    none = (await browser.get("/console/glossary", params={"tag": "nothing"})).text
    assert "No definition is tagged" in none
    detail = (await browser.get("/console/glossary/mql")).text
    assert "version 1 in effect" in detail
    assert "A lead worth a sales conversation." in detail
    assert "Version 2 is scheduled to take effect on 2099-01-01" in detail
    assert "Matches all of these:" in detail
    assert "company.employees ≥ 50" in detail
    assert "Matches at least one of these:" in detail
    assert "requested_demo = true" in detail
    assert re.search(r"<td>v2</td>\s*<td>MQL \(2027\)</td>\s*<td><span class=\"badge scheduled\">", detail)


async def test_the_glossary_shows_each_role_what_the_api_shows_it(
    client: AsyncTestClient[Any], browser: AsyncTestClient[Any]
) -> None:
    api = Api(client)
    await api.create("draft-only", title="Only a draft")
    editor = browser_of(client)
    await sign_in(editor, key_of(await api.key("editor", "revops", "ed@acme.example")))
    assert "Only a draft" in (await editor.get("/console/glossary")).text
    await sign_in(browser, key_of(await api.key("reader", "sales")))
    listing = (await browser.get("/console/glossary")).text
    assert "Only a draft" not in listing
    assert "No definitions yet" in listing
    hidden = await browser.get("/console/glossary/draft-only")
    assert hidden.status_code == 404
    assert "<h1>Not found</h1>" in hidden.text


async def test_console_routes_stay_out_of_the_openapi_document(client: AsyncTestClient[Any]) -> None:
    document = (await client.get("/schema/openapi.json")).json()
    assert not [path for path in document["paths"] if path.startswith("/console")]


def test_every_error_the_api_answers_in_problem_json_is_a_console_page_here() -> None:
    """Whatever the API's handlers answer (a NUL character PostgreSQL refuses, a database gone away, any 4xx), the
    console answers with its own page: no error class is left to the app's problem+json handlers on its routes."""
    router = console_router()
    assert set(router.exception_handlers) >= set(EXCEPTION_HANDLERS)
    assert set(router.exception_handlers.values()) == {console_error}
