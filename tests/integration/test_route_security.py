"""Authentication fails closed: every route of the app, found by walking the router (not from a list kept by hand),
answers 401 problem+json without a credential, unless it is one of the few routes that are public by decision."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient

from service.api.deps import OWN_AUTHENTICATION_PATHS, PUBLIC_PATHS
from tests.support import full_problem

# Public by decision: the probes (an orchestrator has no key), the metrics (their own token, if set) and the API's
# documents. A route added to this set is a decision to review; a new route not in it must demand a credential.
PUBLIC = {
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/metrics"),
}
# The console (service/console) signs people in with a session cookie, never a bearer key: without a session its
# pages answer 303 to the sign-in page, whatever Authorization header comes with them. Public by decision: the
# sign-in form itself, the console's static files (HTMX, the stylesheet), which the sign-in page needs, and single
# sign-on's way out to the identity provider and back (its own state cookie protects the way back).
CONSOLE_PUBLIC = {
    ("GET", "/console/sign-in"),
    ("POST", "/console/sign-in"),
    ("GET", "/console/sso"),
    ("GET", "/console/sso/callback"),
    ("GET", "/console/static/{name}"),
}
_PARAMETER = re.compile(r"\{(\w+)\}")
_SAMPLES: dict[type, str] = {str: "mql", int: "1", uuid.UUID: str(uuid.UUID(int=7)), Path: "no/such/page"}


def _every_operation(app: Litestar) -> list[tuple[str, str, str]]:
    """(method, path template, a concrete path) of every route handler the app serves."""
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        samples = {name: _SAMPLES[parameter.type] for name, parameter in route.path_parameters.items()}
        concrete = _PARAMETER.sub(lambda match, samples=samples: samples[match.group(1)], route.path_format)
        for method in sorted(route.methods):
            found.append((method, route.path_format, concrete))
    return found


def _is_documentation(path: str) -> bool:
    return any(re.match(pattern, path) for pattern in PUBLIC_PATHS)


def _is_console(path: str) -> bool:
    return any(re.match(pattern, path) for pattern in OWN_AUTHENTICATION_PATHS)


def test_the_walk_finds_the_whole_api(client: AsyncTestClient[Any]) -> None:
    operations = _every_operation(client.app)
    paths = {path for _, path, _ in operations}
    # A walk that found too little would prove nothing: spot-check routes of every area.
    for expected in (
        "/v1/definitions/{slug}",
        "/v1/messages/{slug}/versions/{number}/publish",
        "/v1/assets/{slug}/content",
        "/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/retry",
        "/v1/people/{subject}",
        "/v1/search",
        "/v1/evaluate/stream",
        "/console/glossary/{slug}",
        "/console/sign-out",
    ):
        assert expected in paths
    assert len(operations) > 80


async def test_every_route_demands_a_credential_unless_public_by_decision(client: AsyncTestClient[Any]) -> None:
    del client.headers["Authorization"]
    public_seen = set()
    for method, path, concrete in _every_operation(client.app):
        if method == "OPTIONS":  # Litestar's own answer to CORS preflight: the allowed methods, nothing else
            response = await client.options(concrete)
            assert response.status_code == 204, (path, response.text)
            assert response.content == b""
            continue
        if _is_documentation(path):
            continue
        if _is_console(path):
            if (method, path) in CONSOLE_PUBLIC:
                public_seen.add((method, path))
            else:
                await _assert_sends_to_sign_in(client, method, concrete)
            continue
        if (method, path) in PUBLIC:
            public_seen.add((method, path))
            continue
        response = await client.request(method, concrete)
        if method == "HEAD":  # the GET's status and headers, without the problem body
            assert response.status_code == 401, (path, response.status_code)
            continue
        problem = full_problem(response, 401, "unauthorized")
        assert problem.status == 401, (method, path)
        assert response.headers["www-authenticate"] == 'Bearer realm="canon"'
    assert public_seen == PUBLIC | CONSOLE_PUBLIC


async def _assert_sends_to_sign_in(client: AsyncTestClient[Any], method: str, path: str) -> None:
    response = await client.request(method, path, follow_redirects=False)
    assert (response.status_code, response.headers.get("location")) == (303, "/console/sign-in"), (method, path)


async def test_console_pages_want_a_session_not_a_key(client: AsyncTestClient[Any]) -> None:
    """The admin's bearer key opens no console page, and a forged session cookie is no session."""
    protected = [
        (method, concrete)
        for method, path, concrete in _every_operation(client.app)
        if _is_console(path) and method != "OPTIONS" and (method, path) not in CONSOLE_PUBLIC
    ]
    assert ("GET", "/console/glossary") in protected
    assert ("POST", "/console/sign-out") in protected
    for method, path in protected:
        await _assert_sends_to_sign_in(client, method, path)
    client.cookies.set("canon_console", "forged-session-id", domain="canon.test", path="/console")
    for method, path in protected:
        await _assert_sends_to_sign_in(client, method, path)


@pytest.mark.parametrize("header", ["Bearer cst_a.\xe9", "Bearer canon_\xe9\xe9", "Bearer canon_a\x7fb"])
async def test_bad_bytes_in_a_credential_are_401_not_500(client: AsyncTestClient[Any], header: str) -> None:
    for path in ("/v1/search?q=mql", "/v1/definitions", "/v1/me"):
        response = await client.get(path, headers={"Authorization": header.encode("latin-1")})  # type: ignore[dict-item]
        problem = full_problem(response, 401, "unauthorized")
        assert problem.detail == "the credential has characters no API key or token has"
