"""The library and search in a real headless Chromium against a real `canon serve` and `canon worker` (which keeps the
search index current): a person finds MQL by typing a misspelling (results swapped in, no page load) and opens it;
filters the library by a facet; opens an asset and downloads its file; and the search page fits a 375 px phone.
Every page loads with no console error and nothing blocked by its CSP."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser

from tests.asset_fixtures import PDF, asset_body, create_entry, message_body, publish_entry, upload
from tests.e2e.console_support import admin_api, sign_in, watched_page
from tests.e2e.test_graceful_shutdown import Canon
from tests.support import Api, start_version

pytestmark = pytest.mark.e2e


@pytest.fixture
def worker(database_url: str, tmp_path: Path, served: str) -> Iterator[Canon]:
    """`canon worker` beside the server (same database, same data directory): it syncs the search index."""
    started = Canon(tmp_path, "worker", ["worker"], {"CANON_DATABASE_URL": database_url})
    try:
        yield started
    finally:
        started.kill()


async def reader_key(api: Api) -> str:
    return (await api.key("reader", "sales", "sam@acme.example"))["Authorization"].removeprefix("Bearer ")


async def seeded(api: Api) -> None:
    """MQL, a message citing it, and two assets with files (one expiring in a week)."""
    await api.published("mql")
    await create_entry(api, "messages", message_body("why-canon", references=[{"slug": "mql"}]))
    await publish_entry(api, "messages", "why-canon")
    expires = (dt.datetime.now(dt.UTC) + dt.timedelta(days=7, hours=1)).isoformat()
    await create_entry(api, "assets", asset_body("pricing-deck", expires_at=expires))
    assert (await upload(api, "pricing-deck", 1, PDF)).status_code == 200
    await publish_entry(api, "assets", "pricing-deck")
    await create_entry(api, "assets", {**asset_body("brand-book", file_name="brand.txt"), "title": "Brand book"})
    response = await upload(api, "brand-book", 1, b"Our colours are blue and white.\n", content_type="text/plain")
    assert response.status_code == 200, response.text
    await publish_entry(api, "assets", "brand-book")
    await start_version(api, "mql")  # version 2 in effect: the message now cites an outdated version
    await api.publish_through_review("mql", 2)


async def wait_until_searchable(served: str, key: str, slug: str) -> None:
    """Until the worker has indexed `slug` (the search API, as the reader)."""
    async with httpx.AsyncClient(base_url=served, headers={"Authorization": f"Bearer {key}"}) as client:
        deadline = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)
        while dt.datetime.now(dt.UTC) < deadline:
            found = (await client.get("/v1/search", params={"q": "", "limit": 100})).json()
            if slug in {hit["slug"] for hit in found["hits"]}:
                return
            await asyncio.sleep(0.2)
    pytest.fail(f"{slug} never became searchable")


async def test_find_mql_by_a_misspelling_then_the_library_a_facet_and_a_download(
    browser: Browser, served: str, worker: Canon
) -> None:
    async with admin_api(served) as api:
        await seeded(api)
        key = await reader_key(api)
    await wait_until_searchable(served, key, "brand-book")
    watched = await watched_page(browser, accept_downloads=True)
    page = watched.page
    await sign_in(watched, served, key)

    # Search as you type: the results come without a page load, and the URL follows.
    await page.get_by_role("link", name="Search", exact=True).click()
    await page.wait_for_url(f"{served}/console/search")
    await page.evaluate("window.__same_page = true")
    await page.get_by_label("Search definitions, messages and assets").press_sequentially("qualifed", delay=40)
    await page.wait_for_url(f"{served}/console/search?q=qualifed")
    first = page.locator("#results .hit h2 a").first
    await first.wait_for()
    assert await first.inner_text() == "Marketing Qualified Lead"
    assert await page.evaluate("window.__same_page") is True
    await watched.assert_clean()
    await watched.shot("search")
    await first.click()
    await page.wait_for_url(f"{served}/console/glossary/mql")
    await page.get_by_role("heading", name="Marketing Qualified Lead").wait_for()

    # The library, narrowed by a facet (an HTMX swap), then an asset and its file.
    await page.get_by_role("link", name="Library", exact=True).click()
    await page.wait_for_url(f"{served}/console/library")
    await page.get_by_role("link", name="Why Canon", exact=True).wait_for()
    assert await page.get_by_text("expires in 7 days").count() == 1
    await page.evaluate("window.__same_page = true")
    await page.get_by_label("Assets (2)").check()  # by keyboard too: a checkbox, with its label
    await page.wait_for_url(f"{served}/console/library?kind=asset")
    await page.get_by_text("2 items matching the filters").wait_for()
    assert await page.get_by_role("link", name="Why Canon", exact=True).count() == 0
    assert await page.evaluate("window.__same_page") is True
    assert await page.evaluate("document.activeElement.name") == "kind"  # the focus stays on the box ticked
    await watched.assert_clean()
    # After the swap: a full-page screenshot touches the inputs' style, which a later swap would then copy (CSP).
    await watched.shot("library")
    await page.get_by_role("link", name="Pricing deck", exact=True).click()
    await page.wait_for_url(f"{served}/console/library/assets/pricing-deck")
    await page.get_by_role("heading", name="The file").wait_for()
    await watched.shot("asset")
    async with page.expect_download() as download_info:
        await page.get_by_role("link", name="Download pricing.pdf").click()
    download = await download_info.value
    assert download.suggested_filename == "pricing.pdf"
    assert await asyncio.to_thread(Path(await download.path()).read_bytes) == PDF
    await watched.assert_clean()

    # A message whose citation fell behind says so, naming the definition.
    await page.goto(f"{served}/console/library/messages/why-canon")
    await page.get_by_role("heading", name="Cites an outdated version").wait_for()
    assert await page.get_by_role("link", name="Marketing Qualified Lead").count() == 2  # the warning, the table
    await watched.assert_clean()
    await watched.shot("message")
    await page.context.close()


async def test_the_search_page_fits_a_phone(browser: Browser, served: str, worker: Canon) -> None:
    async with admin_api(served) as api:
        await seeded(api)
        key = await reader_key(api)
    await wait_until_searchable(served, key, "brand-book")
    watched = await watched_page(browser, viewport={"width": 375, "height": 812})
    page = watched.page
    await sign_in(watched, served, key)
    await page.goto(f"{served}/console/search?q=pricing")
    await page.locator("#results .hit").first.wait_for()
    assert await page.evaluate("document.documentElement.scrollWidth") <= 375
    await watched.assert_clean()
    await watched.shot("search-phone")
    await page.goto(f"{served}/console/library")
    await page.get_by_role("link", name="Brand book", exact=True).wait_for()
    assert await page.evaluate("document.documentElement.scrollWidth") <= 375
    await page.goto(f"{served}/console/library/assets/pricing-deck")
    assert await page.evaluate("document.documentElement.scrollWidth") <= 375
    await watched.assert_clean()
    await page.context.close()
