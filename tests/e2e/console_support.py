"""What the console's browser tests share: `canon serve` on the test's database, an admin's API client, pages whose
console errors, failed requests, dialogs and CSP violations are recorded, signing in through the form, and
screenshots of each page saved to the test output folder (`CANON_TEST_OUTPUT`, default `test-output/` in the
repository, never committed). The fixtures `browser` and `served` are in tests/e2e/conftest.py."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import Browser, Page

from tests.e2e.test_graceful_shutdown import Canon
from tests.support import Api
from tests.webhook_fixtures import free_port

SCREENSHOTS = Path(os.environ.get("CANON_TEST_OUTPUT", Path(__file__).parents[2] / "test-output")) / "screenshots"

ADMIN_KEY = "e2e-console-admin-key"
# Recorded in every page before its own scripts run (an init script comes through the DevTools protocol, so the CSP
# does not apply to it): what the CSP refused, if anything.
WATCH_CSP = """window.__violations = [];
document.addEventListener("securitypolicyviolation",
    (e) => window.__violations.push(e.violatedDirective + " " + e.blockedURI));"""


@contextlib.contextmanager
def serving(database_url: str, tmp_path: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """`canon serve` on the test's database, on 127.0.0.1, with the bootstrap admin key (and `env`): its URL."""
    port = free_port()
    env = {
        "CANON_DATABASE_URL": database_url,
        "CANON_BOOTSTRAP_ADMIN_KEY": ADMIN_KEY,
        "CANON_KEY_CACHE_SECONDS": "0",
        **(env or {}),
    }
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

    async def shot(self, name: str) -> Path:
        """A full-page screenshot of the page as it is now, saved as `name`.png in the test output folder."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{re.sub(r'[^a-z0-9-]+', '-', name.lower())}.png"
        await self.page.screenshot(path=str(path), full_page=True)
        return path

    async def assert_clean(self) -> None:
        violations = await self.page.evaluate("window.__violations")
        assert violations == [], violations
        assert self.problems == []
        assert self.dialogs == []


async def watched_page(browser: Browser, **context_options: Any) -> Watched:
    """A page in a context of its own (its own cookies: one person), e.g. `viewport={"width": 375, "height": 812}`."""
    context = await browser.new_context(**context_options)
    await context.add_init_script(WATCH_CSP)
    return Watched(await context.new_page())


async def sign_in(watched: Watched, base_url: str, key: str) -> None:
    page = watched.page
    await page.goto(f"{base_url}/console")
    assert page.url == f"{base_url}/console/sign-in"
    await page.get_by_label("API key").fill(key)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(f"{base_url}/console/glossary")
