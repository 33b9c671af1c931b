"""The console in a real headless Chromium against a real `canon serve`: a person signs in with their key, reads the
glossary, filters it (an HTMX swap, not a page load), opens a definition and signs out; user text stays text; a
forged cookie is no session. Every page loads with no console error and nothing blocked by its CSP."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser

from tests.e2e.console_support import admin_api, sign_in, watched_page

pytestmark = pytest.mark.e2e


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
    await watched.shot("glossary")

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
    await watched.shot("definition")

    await page.get_by_role("button", name="Sign out").click()
    await page.wait_for_url(f"{served}/console/sign-in")
    await page.goto(f"{served}/console/glossary")
    assert page.url == f"{served}/console/sign-in"
    await watched.assert_clean()
    await watched.shot("sign-in")
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
