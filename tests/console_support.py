"""What the console's in-process tests share: another "browser" on a test client's app (cookies of its own, no key),
signing in through the form, the CSRF token of a page, and the worker's search sync the lists and search read."""

from __future__ import annotations

import re
from typing import Any

from litestar.testing import AsyncTestClient

from service.search.sync import SearchSync
from service.worker import drain
from tests.asset_fixtures import in_app, services
from tests.support import Api

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def key_of(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


def csrf_in(page: str) -> str:
    found = CSRF.search(page)
    assert found, page
    return found.group(1)


def browser_of(client: AsyncTestClient[Any], base_url: str = "http://canon.test") -> AsyncTestClient[Any]:
    """Another browser on `client`'s running app: no admin key, cookies of its own. It shares the client's event
    loop (its blocking portal), where the app's pool lives."""
    console = AsyncTestClient(app=client.app, base_url=base_url)
    console.follow_redirects = False  # a browser follows them, but the tests look at each
    console.blocking_portal = client.blocking_portal
    return console


async def sign_in(console: AsyncTestClient[Any], key: str) -> str:
    """Sign in through the form; return the session's CSRF token (from the page the redirect leads to)."""
    form = await console.get("/console/sign-in")
    assert form.status_code == 200, form.text
    response = await console.post("/console/sign-in", data={"key": key, "csrf_token": csrf_in(form.text)})
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/console/glossary"
    page = await console.get("/console/glossary")
    assert page.status_code == 200, page.text
    return csrf_in(page.text)


async def signed_in(api: Api, role: str = "reader", team: str = "sales") -> AsyncTestClient[Any]:
    """Another browser, signed in with a new key of `role` in `team` (its person `<role>@acme.example`)."""
    browser = browser_of(api.client)
    await sign_in(browser, key_of(await api.key(role, team, f"{role}@acme.example")))
    return browser


async def synced(client: AsyncTestClient[Any]) -> int:
    """Run the worker's search sync until it has handled every event (as `canon worker` would); how many it handled."""
    found = services(client)
    return await in_app(client, drain, found.pool, SearchSync(found.search, found.settings.public_url))
