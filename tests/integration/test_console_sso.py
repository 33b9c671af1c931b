"""Single sign-on into the console: the OpenID Connect authorization code flow with PKCE against a real provider on
loopback (`oidc-provider-mock`). The browser leaves with a fresh state, nonce and S256 challenge and comes back with
a code that Canon redeems with the verifier only it and that browser's cookie know; the person the ID token names
gets a session. A callback that this browser did not start, a wrong nonce, an unknown code or a provider's refusal
opens nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import msgspec
import pytest
from litestar.testing import AsyncTestClient

from service.config import Settings
from service.console.security import SESSION_COOKIE, SSO_COOKIE
from service.identity.oidc import pkce_challenge
from tests.asset_fixtures import running_client
from tests.console_support import browser_of
from tests.oidc_fixtures import AUDIENCE, Provider

CALLBACK = "http://canon.test/console/sso/callback"
DANA = {"email": "dana@acme.example", "name": "Dana Whitfield"}


@pytest.fixture
async def sso(settings: Settings, oidc_provider: Provider) -> AsyncIterator[AsyncTestClient[Any]]:
    """An admin client of an app whose console signs people in with the loopback provider."""
    configured = msgspec.structs.replace(
        settings,
        oidc_issuer=oidc_provider.issuer,
        oidc_audience=AUDIENCE,
        oidc_client_secret="console secret",  # the provider authenticates its clients (it takes any secret)
        public_url="http://canon.test",
    )
    async with running_client(configured) as client:
        yield client


def authorize(url: str, subject: str, claims: dict[str, Any], **changed: str) -> dict[str, str]:
    """The person signs in at the provider (its authorization form, as a browser would post it): the query string
    the provider sends the browser back with. `changed` alters the authorization request first."""
    parts = urlsplit(url)
    query = {name: values[0] for name, values in parse_qs(parts.query).items()} | changed
    with httpx.Client(trust_env=False, timeout=10) as http:
        base = f"{parts.scheme}://{parts.netloc}"
        assert http.put(f"{base}/users/{subject}", json=claims).status_code == 204
        answered = http.post(f"{base}{parts.path}", params=query, data={"sub": subject})
    assert answered.status_code == 302, answered.text
    back = urlsplit(answered.headers["location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == query["redirect_uri"]
    return {name: values[0] for name, values in parse_qs(back.query).items()}


async def start(console: AsyncTestClient[Any]) -> tuple[str, dict[str, str]]:
    """`/console/sso`: where it sends the browser, and its authorization request's parameters."""
    response = await console.get("/console/sso")
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    return location, {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}


async def test_a_person_signs_in_through_the_provider_with_pkce(
    sso: AsyncTestClient[Any], oidc_provider: Provider
) -> None:
    console = browser_of(sso)
    form = await console.get("/console/sign-in")
    assert "Sign in with single sign-on" in form.text

    location, request = await start(console)
    assert location.startswith(f"{oidc_provider.issuer}/")
    assert request["response_type"] == "code"
    assert (request["client_id"], request["redirect_uri"]) == (AUDIENCE, CALLBACK)
    assert request["code_challenge_method"] == "S256"
    assert set(request["scope"].split()) >= {"openid", "email", "profile"}
    cookie = console.cookies.get(SSO_COOKIE)
    assert cookie is not None
    state, nonce, verifier = cookie.split(".")
    # The browser carries only the challenge; the verifier stays in its HttpOnly cookie for Canon's token request.
    assert (request["state"], request["nonce"]) == (state, nonce)
    assert request["code_challenge"] == pkce_challenge(verifier) != verifier
    assert verifier not in location

    back = authorize(location, "dana-sub", DANA)
    assert back["state"] == state
    signed_in = await console.get("/console/sso/callback", params=back)
    assert signed_in.status_code == 303, signed_in.text
    assert signed_in.headers["location"] == "/console/glossary"
    assert console.cookies.get(SESSION_COOKIE)
    assert console.cookies.get(SSO_COOKIE) is None  # spent
    glossary = await console.get("/console/glossary")
    assert glossary.status_code == 200
    assert "Dana Whitfield" in glossary.text
    person = (await sso.get("/v1/people/dana@acme.example")).json()
    assert (person["name"], person["role"]) == ("Dana Whitfield", "reader")

    # The same answer again (the cookie is spent): no second session from one code.
    again = browser_of(sso)
    replayed = await again.get("/console/sso/callback", params=back)
    assert replayed.status_code == 400
    assert again.cookies.get(SESSION_COOKIE) is None

    # Deactivating the person ends the session opened for them.
    deactivated = await sso.patch("/v1/people/dana@acme.example", json={"active": False})
    assert deactivated.status_code == 200, deactivated.text
    ended = await console.get("/console/glossary")
    assert (ended.status_code, ended.headers["location"]) == (303, "/console/sign-in")


async def test_a_callback_this_browser_did_not_start_or_a_wrong_answer_opens_no_session(
    sso: AsyncTestClient[Any],
) -> None:
    # Another browser's answer (a login CSRF): the state is not this browser's.
    victim, attacker = browser_of(sso), browser_of(sso)
    await start(victim)
    location, _ = await start(attacker)
    stolen = authorize(location, "mallory-sub", {"email": "mallory@evil.example", "name": "Mallory"})
    refused = await victim.get("/console/sso/callback", params=stolen)
    assert refused.status_code == 400
    assert "not started in this browser" in refused.text
    assert victim.cookies.get(SESSION_COOKIE) is None
    no_cookie = await browser_of(sso).get("/console/sso/callback", params=stolen)
    assert no_cookie.status_code == 400

    # An ID token for another sign-in (its nonce is not the one this browser set off with).
    console = browser_of(sso)
    location, _ = await start(console)
    forged = authorize(location, "dana-sub", DANA, nonce="someone-elses-nonce")
    wrong_nonce = await console.get("/console/sso/callback", params=forged)
    assert wrong_nonce.status_code == 401
    assert "could not be verified" in wrong_nonce.text
    assert console.cookies.get(SESSION_COOKIE) is None

    # A code the provider never issued, and a provider that said no.
    console = browser_of(sso)
    _, request = await start(console)
    unknown = await console.get("/console/sso/callback", params={"code": "made-up", "state": request["state"]})
    assert unknown.status_code == 401
    console = browser_of(sso)
    _, request = await start(console)
    denied = await console.get(
        "/console/sso/callback",
        params={"error": "access_denied", "error_description": "<b>not today</b>", "state": request["state"]},
    )
    assert denied.status_code == 401
    assert "access_denied: &lt;b&gt;not today&lt;/b&gt;" in denied.text
    assert console.cookies.get(SESSION_COOKIE) is None

    # Odd input is refused in words, never a 500.
    for params, status in (({"state": "x" * 5000}, 422), ({"code": "c"}, 400), ({}, 400)):
        odd = await browser_of(sso).get("/console/sso/callback", params=params)
        assert odd.status_code == status, (params, odd.text)
        assert "<html" in odd.text
    # A value the route refuses is named on the page, with what is wrong with it.
    too_long = await browser_of(sso).get("/console/sso/callback", params={"state": "x" * 5000})
    assert "<code>state</code>: " in too_long.text


async def test_without_single_sign_on_there_is_no_such_sign_in(client: AsyncTestClient[Any]) -> None:
    console = browser_of(client)
    assert "single sign-on" not in (await console.get("/console/sign-in")).text
    for path in ("/console/sso", "/console/sso/callback?code=c&state=s"):
        response = await console.get(path)
        assert response.status_code == 404, (path, response.text)
        assert "API keys" in response.text


async def test_a_provider_that_cannot_be_reached_is_said_in_words(settings: Settings) -> None:
    configured = msgspec.structs.replace(
        settings, oidc_issuer="http://127.0.0.1:9", oidc_audience=AUDIENCE, public_url="http://canon.test"
    )
    async with running_client(configured) as client:
        response = await browser_of(client).get("/console/sso")
    assert response.status_code == 503
    assert "cannot be reached" in response.text
