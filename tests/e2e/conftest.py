"""Fixtures of the end-to-end tests: a headless Chromium for a module's browser tests, and `canon serve`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright

from tests.browsers import CHROMIUM_ARGS, chromium
from tests.e2e.console_support import serving


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
    with serving(database_url, tmp_path) as base_url:
        yield base_url
