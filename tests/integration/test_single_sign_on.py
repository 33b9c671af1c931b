"""Single sign-on: ID tokens of the configured OpenID Connect issuer act as people, beside API keys.

The happy path uses tokens from a real OpenID Connect server on loopback (`oidc-provider-mock`); the refusals use
tokens signed with a key Canon trusts (`static_issuer`) or forged without one.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey
from litestar.testing import AsyncTestClient

from service.config import Settings
from service.domain.model import Role
from service.identity.oidc import GroupGrant, OidcSettings, OidcVerifier, parse_group_map
from tests.asset_fixtures import running_client
from tests.oidc_fixtures import AUDIENCE, Provider, StaticIssuer, publish_keys, serving_issuer
from tests.support import Api, decoded, definition_body, full_problem, problem
from tests.webhook_fixtures import free_port

GROUPS = "canon-marketing=team:marketing, canon-sales=team:sales, canon-approvers=role:approver"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def sso(settings: Settings, oidc_provider: Provider) -> AsyncIterator[AsyncTestClient[Any]]:
    """An admin client of an app that trusts the loopback provider, with teams and roles from its groups."""
    configured = msgspec.structs.replace(
        settings, oidc_issuer=oidc_provider.issuer, oidc_audience=AUDIENCE, oidc_groups=GROUPS
    )
    async with running_client(configured) as client:
        yield client


@pytest.fixture
async def strict(settings: Settings, static_issuer: StaticIssuer) -> AsyncIterator[AsyncTestClient[Any]]:
    configured = msgspec.structs.replace(settings, oidc_issuer=static_issuer.issuer, oidc_audience=AUDIENCE)
    async with running_client(configured) as client:
        yield client


async def test_a_person_signs_in_with_the_providers_id_token(
    sso: AsyncTestClient[Any], oidc_provider: Provider
) -> None:
    claims = {"email": "dana@acme.example", "name": "Dana Whitfield", "groups": ["canon-marketing", "canon-approvers"]}
    token = oidc_provider.id_token("dana-sub", claims)
    me = await sso.get("/v1/me", headers=bearer(token))
    assert me.status_code == 200, me.text
    assert me.json() == {
        "type": "person",
        "subject": "dana@acme.example",
        "name": "Dana Whitfield",
        "role": "approver",
        "teams": ["marketing"],
        "credential": "oidc",
    }
    person = (await sso.get("/v1/people/dana@acme.example")).json()
    assert (person["name"], person["teams"], person["active"]) == ("Dana Whitfield", ["marketing"], True)
    created = (await sso.get("/v1/audit", params={"action": "person.created"})).json()["items"]
    assert [(r["actor"], r["credential"]) for r in created] == [("dana@acme.example", "oidc")]

    # The provider is where teams are managed: the next sign-in brings the change.
    moved = oidc_provider.id_token("dana-sub", {**claims, "groups": ["canon-sales", "canon-approvers"]})
    assert (await sso.get("/v1/me", headers=bearer(moved))).json()["teams"] == ["sales"]
    assert (await sso.get("/v1/people/dana@acme.example")).json()["teams"] == ["sales"]
    # A token for another client is not for Canon.
    elsewhere = oidc_provider.id_token("dana-sub", claims, client_id="another-app")
    full_problem(await sso.get("/v1/me", headers=bearer(elsewhere)), 401, "unauthorized")


async def test_an_sso_person_and_their_api_key_are_one_person_for_approvals(
    sso: AsyncTestClient[Any], oidc_provider: Provider
) -> None:
    claims = {"email": "mo@acme.example", "name": "Mo", "groups": ["canon-marketing", "canon-approvers"]}
    token = oidc_provider.id_token("mo-sub", claims)
    assert (await sso.get("/v1/me", headers=bearer(token))).status_code == 200
    key = await sso.post("/v1/keys", json={"name": "mo-cli", "person": "mo@acme.example"})
    assert key.status_code == 201, key.text
    by_key = bearer(key.json()["key"])
    created = await sso.post("/v1/definitions", json=definition_body("mql"), headers=by_key)
    assert created.status_code == 201, created.text
    assert (await sso.post("/v1/definitions/mql/versions/1/submit", headers=by_key)).status_code == 200
    own = await sso.post("/v1/definitions/mql/versions/1/approve", json={}, headers=bearer(token))
    assert problem(own, 403).detail == "'mo@acme.example' wrote or edited version 1, so cannot approve it"

    other = oidc_provider.id_token("lee-sub", {**claims, "email": "lee@acme.example", "name": "Lee"})
    approved = await sso.post("/v1/definitions/mql/versions/1/approve", json={}, headers=bearer(other))
    assert approved.status_code == 200, approved.text
    assert [(a.team, a.approver) for a in decoded(approved).version.approvals] == [("marketing", "lee@acme.example")]


async def test_a_deactivated_person_cannot_sign_in(sso: AsyncTestClient[Any], oidc_provider: Provider) -> None:
    token = oidc_provider.id_token("gone-sub", {"email": "gone@acme.example", "name": "Gone", "groups": []})
    me = (await sso.get("/v1/me", headers=bearer(token))).json()
    assert (me["role"], me["teams"]) == ("reader", [])
    assert (await sso.patch("/v1/people/gone@acme.example", json={"active": False})).status_code == 200
    again = oidc_provider.id_token("gone-sub", {"email": "gone@acme.example", "name": "Gone", "groups": []})
    full_problem(await sso.get("/v1/me", headers=bearer(again)), 401, "unauthorized")


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _forged(static_issuer: StaticIssuer) -> dict[str, str]:
    now = int(time.time())
    good = {"iss": static_issuer.issuer, "aud": AUDIENCE, "email": "eve@acme.example", "exp": now + 300}
    public = static_issuer.key.as_dict(private=False)
    stranger = RSAKey.generate_key(2048, parameters={"kid": "stranger"})
    valid = static_issuer.token({"email": "eve@acme.example"})
    head, body, signature = valid.split(".")
    tampered_body = _b64({**json.loads(base64.urlsafe_b64decode(body + "==")), "email": "admin@acme.example"})
    return {
        "expired": static_issuer.token({"email": "eve@acme.example", "iat": now - 7200, "exp": now - 3600}),
        "not yet valid": static_issuer.token({"email": "eve@acme.example", "nbf": now + 3600}),
        "wrong issuer": static_issuer.token({"email": "eve@acme.example", "iss": "https://evil.example"}),
        "wrong audience": static_issuer.token({"email": "eve@acme.example", "aud": "another-app"}),
        "no expiry": static_issuer.token({"email": "eve@acme.example", "exp": None}),
        "alg none": f"{_b64({'alg': 'none', 'kid': 'static-1'})}.{_b64(good)}.",
        "HS256 with the public key": jwt.encode(
            {"alg": "HS256", "kid": "static-1"}, good, OctKey.import_key(json.dumps(public).encode())
        ),
        "unknown kid": jwt.encode({"alg": "RS256", "kid": "stranger"}, good, stranger),
        "known kid, other key": jwt.encode({"alg": "RS256", "kid": "static-1"}, good, stranger),
        "tampered": f"{head}.{tampered_body}.{signature}",
        "garbage": "eyJhbGciOiJSUzI1NiJ9.not-json.x",
    }


async def test_every_forged_or_foreign_token_is_401_problem_json(
    strict: AsyncTestClient[Any], static_issuer: StaticIssuer
) -> None:
    assert (
        await strict.get("/v1/me", headers=bearer(static_issuer.token({"email": "ok@acme.example"})))
    ).status_code == 200
    for reason, token in _forged(static_issuer).items():
        response = await strict.get("/v1/me", headers=bearer(token))
        assert response.status_code == 401, (reason, response.text)
        full_problem(response, 401, "unauthorized")
    people = (await strict.get("/v1/people")).json()["items"]
    assert [p["subject"] for p in people] == ["ok@acme.example"]  # nobody else was created


async def test_api_keys_keep_working_beside_single_sign_on(strict: AsyncTestClient[Any]) -> None:
    reader = await Api(strict).key("reader")
    assert (await strict.get("/v1/me", headers=reader)).json()["credential"] == "api_key"


async def test_an_unreachable_provider_is_a_fast_503_not_a_hang(
    settings: Settings, static_issuer: StaticIssuer
) -> None:
    closed = free_port()
    configured = msgspec.structs.replace(settings, oidc_issuer=f"http://127.0.0.1:{closed}", oidc_audience=AUDIENCE)
    async with running_client(configured) as client:
        token = static_issuer.token({"email": "x@acme.example"})
        started = time.monotonic()
        first = await client.get("/v1/me", headers=bearer(token))
        second = await client.get("/v1/me", headers=bearer(token))
        assert time.monotonic() - started < 5
        for response in (first, second):
            full_problem(response, 503, "unavailable")
        assert (await client.get("/v1/me")).status_code == 200  # API keys do not depend on the provider


async def test_a_rotated_signing_key_is_fetched_when_a_token_names_it_and_not_more_often(tmp_path: Path) -> None:
    with serving_issuer(tmp_path) as issuer:
        verifier = OidcVerifier(OidcSettings(issuer=issuer.issuer, audience=AUDIENCE), refresh_seconds=0.5)
        try:
            first = await verifier.verify(issuer.token({"email": "a@acme.example", "name": "A"}))
            assert first is not None
            assert (first.subject, first.name, first.teams, first.role) == ("a@acme.example", "A", None, None)

            rotated = RSAKey.generate_key(2048, parameters={"kid": "static-2"})
            publish_keys(tmp_path, issuer.key, rotated)
            token = issuer.token({"email": "b@acme.example"}, header={"alg": "RS256", "kid": "static-2"}, key=rotated)
            # Within the refresh interval of the last fetch, an unknown key id is refused without asking the provider...
            assert await verifier.verify(token) is None
            await asyncio.sleep(0.6)
            # ...and accepted once the interval has passed, the new key fetched because the token names it.
            accepted = await verifier.verify(token)
            assert accepted is not None
            assert accepted.subject == "b@acme.example"
            # The old key keeps working while the provider still publishes it.
            assert await verifier.verify(issuer.token({"email": "a@acme.example"})) is not None
        finally:
            await verifier.close()


def test_group_mappings_are_parsed_and_mistakes_name_the_setting() -> None:
    assert parse_group_map("canon-mkt=team:marketing, canon-mkt=role:approver,x=team:sales") == {
        "canon-mkt": (GroupGrant(team="marketing"), GroupGrant(role=Role.approver)),
        "x": (GroupGrant(team="sales"),),
    }
    for bad in ("nogrant", "g=squad:x", "g=role:owner", "=team:x"):
        with pytest.raises(ValueError, match="CANON_OIDC_GROUPS"):
            parse_group_map(bad)
