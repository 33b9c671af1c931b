"""The console in a real headless Chromium against a real `canon serve`: a person signs in with their key, reads the
glossary, filters it (an HTMX swap, not a page load), opens a definition and signs out; user text stays text; a
forged cookie is no session. Every page loads with no console error and nothing blocked by its CSP."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, async_playwright

from tests.browsers import CHROMIUM_ARGS, chromium
from tests.e2e.test_graceful_shutdown import Canon
from tests.support import Api
from tests.webhook_fixtures import free_port

pytestmark = pytest.mark.e2e

ADMIN_KEY = "e2e-console-admin-key"
# Recorded in every page before its own scripts run (an init script comes through the DevTools protocol, so the CSP
# does not apply to it): what the CSP refused, if anything.
WATCH_CSP = """window.__violations = [];
document.addEventListener("securitypolicyviolation",
    (e) => window.__violations.push(e.violatedDirective + " " + e.blockedURI));"""


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    """One Chromium for the module (a fresh profile in a temporary directory, as Playwright launches it)."""
    executable = chromium()
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
def served(database_url: str, tmp_path: Path) -> Iterator[str]:
    """`canon serve` on the test's database, on 127.0.0.1."""
    port = free_port()
    env = {"CANON_DATABASE_URL": database_url, "CANON_BOOTSTRAP_ADMIN_KEY": ADMIN_KEY, "CANON_KEY_CACHE_SECONDS": "0"}
    server = Canon(tmp_path, "serve", ["serve", "--host", "127.0.0.1", "--port", str(port)], env)
    base_url = f"http://127.0.0.1:{port}"
    try:
        server.wait_for(lambda: _healthy(base_url), "healthy")
        yield base_url
    finally:
        server.kill()


def _healthy(base_url: str) -> bool:
    with contextlib.suppress(httpx.TransportError):
        return httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200
    return False


@contextlib.asynccontextmanager
async def admin_api(base_url: str) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(base_url=base_url, headers={"Authorization": f"Bearer {ADMIN_KEY}"}) as client:
        yield Api(client)  # type: ignore[arg-type]  # the same calls as the test client's


class Watched:
    """A page whose console errors, uncaught errors, failed requests, dialogs and CSP violations are recorded."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda message: message.type == "error" and self.problems.append(f"console: {message.text}"))
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("requestfailed", self._failed)
        page.on("dialog", self._dialog)

    def _failed(self, request: Any) -> None:
        # A request the browser itself abandoned because the page moved on (a favicon during a navigation) is not a
        # failure of Canon's; anything else is.
        if request.failure != "net::ERR_ABORTED":
            self.problems.append(f"failed: {request.url} {request.failure}")

    async def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        await dialog.dismiss()

    async def assert_clean(self) -> None:
        violations = await self.page.evaluate("window.__violations")
        assert violations == [], violations
        assert self.problems == []
        assert self.dialogs == []


async def watched_page(browser: Browser) -> Watched:
    context = await browser.new_context()
    await context.add_init_script(WATCH_CSP)
    return Watched(await context.new_page())


async def sign_in(watched: Watched, base_url: str, key: str) -> None:
    page = watched.page
    await page.goto(f"{base_url}/console")
    assert page.url == f"{base_url}/console/sign-in"
    await page.get_by_label("API key").fill(key)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(f"{base_url}/console/glossary")


async def test_a_person_signs_in_reads_the_glossary_and_signs_out(browser: Browser, served: str) -> None:
    async with admin_api(served) as api:
        await api.published("mql")
        await api.published("arr", title="Annual Recurring Revenue", tags=["finance"])
        reader = (await api.key("reader", "sales", "sam@acme.example"))["Authorization"].removeprefix("Bearer ")
    watched = await watched_page(browser)
    page = watched.page
    await sign_in(watched, served, reader)
    assert await page.evaluate("typeof htmx") == "object"  # the vendored HTMX loaded under the CSP
    await page.get_by_role("link", name="Annual Recurring Revenue").wait_for()
    await watched.assert_clean()

    await page.evaluate("window.__same_page = true")
    await page.get_by_label("Tag").select_option("finance")
    await page.wait_for_url(f"{served}/console/glossary?tag=finance")
    await page.get_by_text("tagged finance").wait_for()
    assert await page.get_by_role("link", name="Marketing Qualified Lead").count() == 0
    assert await page.evaluate("window.__same_page") is True  # swapped by HTMX, not reloaded
    await page.get_by_label("Tag").select_option("")
    await page.get_by_role("link", name="Marketing Qualified Lead").click()
    await page.wait_for_url(f"{served}/console/glossary/mql")
    await page.get_by_role("heading", name="Qualification rules").wait_for()
    assert await page.get_by_text("company.employees ≥ 50").count() == 1
    assert await page.get_by_text("version 1 in effect").count() == 1
    await watched.assert_clean()

    await page.get_by_role("button", name="Sign out").click()
    await page.wait_for_url(f"{served}/console/sign-in")
    await page.goto(f"{served}/console/glossary")
    assert page.url == f"{served}/console/sign-in"
    await watched.assert_clean()
    await page.context.close()


async def test_user_text_stays_text_and_a_forged_cookie_is_no_session(browser: Browser, served: str) -> None:
    attack = "<script>alert(1)</script>"
    async with admin_api(served) as api:
        await api.published("xss", title=attack)
        reader = (await api.key("reader", "sales"))["Authorization"].removeprefix("Bearer ")
    forged = await watched_page(browser)
    await forged.page.context.add_cookies([{"name": "canon_console", "value": "forged", "url": served}])
    await forged.page.goto(f"{served}/console/glossary")
    assert forged.page.url == f"{served}/console/sign-in"
    # The watch itself works: an inline script, which no console page has, is refused and recorded.
    await forged.page.evaluate(
        "document.body.appendChild(Object.assign(document.createElement('script'), {textContent: 'window.ran = 1'}))"
    )
    assert await forged.page.evaluate("window.ran") is None
    assert await forged.page.evaluate("window.__violations") == ["script-src-elem inline"]
    await forged.page.context.close()

    watched = await watched_page(browser)
    await sign_in(watched, served, reader)
    await watched.page.get_by_role("link", name=attack).click()
    await watched.page.get_by_role("heading", name=attack).wait_for()
    await watched.assert_clean()  # no alert: the title was text in both pages
    await watched.page.context.close()
