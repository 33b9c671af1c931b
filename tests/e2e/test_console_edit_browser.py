"""Editing in a real headless Chromium against a real `canon serve`: an editor creates a definition with criteria
through the form (a mistake in the criteria first, shown at the criteria field), submits it for review, and, once
the approvers have signed off through the API, publishes it from the console. The form fits a 375 px phone screen.
Every page loads with no console error and nothing blocked by its CSP."""

from __future__ import annotations

import json

import pytest
from playwright.async_api import Browser, expect

from tests.e2e.console_support import Watched, admin_api, sign_in, watched_page

pytestmark = pytest.mark.e2e

CRITERIA = {"all": [{"field": "product.active_users", "op": "gte", "value": 5}]}


def expected_status(watched: Watched, status: int) -> None:
    """The form came back with `status`, as it should: Chromium logs every such page load as a console error. Only
    that line is forgiven; anything else recorded still fails the test."""
    assert all(f"status of {status}" in problem for problem in watched.problems), watched.problems
    watched.problems.clear()


async def test_an_editor_creates_submits_and_publishes_a_definition(browser: Browser, served: str) -> None:
    async with admin_api(served) as api:
        editor = (await api.key("editor", "marketing", "erin@acme.example"))["Authorization"].removeprefix("Bearer ")
        approvers = [await api.key("approver", team) for team in ("marketing", "sales")]
        watched = await watched_page(browser)
        page = watched.page
        await sign_in(watched, served, editor)
        await page.goto(f"{served}/console/edit/definitions/new")
        await page.get_by_label("Slug").fill("pql")
        await page.get_by_label("Title").fill("Product Qualified Lead")
        await page.get_by_label("Tags").fill("funnel, product")
        await page.get_by_label("Owning teams").fill("marketing, sales")
        await page.get_by_label("Summary").fill("A user whose product usage shows buying intent.")
        criteria = page.get_by_label("Criteria (JSON)")
        await criteria.fill('{"all": [{"field": "product.active_users", "op": "gte", "value": 5},]}')
        await page.get_by_role("button", name="Create the definition").click()

        error = page.locator("#edit-criteria-error")
        await expect(error).to_contain_text("not valid JSON: trailing comma in array at line 1, column 69")
        await expect(criteria).to_have_attribute("aria-invalid", "true")
        assert "edit-criteria-error" in (await criteria.get_attribute("aria-describedby") or "")
        await expect(page.get_by_label("Title")).to_have_value("Product Qualified Lead")  # kept
        expected_status(watched, 422)
        await watched.assert_clean()
        await watched.shot("edit-errors")

        await criteria.fill(json.dumps(CRITERIA, indent=2))
        await watched.shot("edit-definition")
        await page.get_by_role("button", name="Create the definition").click()
        await page.wait_for_url(f"{served}/console/glossary/pql")
        await expect(page.get_by_role("status").filter(has_text="Created.")).to_be_visible()
        submit = page.get_by_role("button", name="Submit version 1 for review")
        await submit.click()  # the panel came with HTMX once the page had loaded
        await page.wait_for_url(f"{served}/console/glossary/pql")
        await expect(page.get_by_text("Version 1 submitted for review")).to_be_visible()
        await expect(page.get_by_text("waiting for marketing, sales")).to_be_visible()

        for approver in approvers:
            approved = await api.client.post("/v1/definitions/pql/versions/1/approve", json={}, headers=approver)
            assert approved.status_code == 200, approved.text
    await page.reload()
    await page.get_by_role("button", name="Publish version 1").click()
    await page.wait_for_url(f"{served}/console/glossary/pql")
    await expect(page.get_by_role("status").filter(has_text="Version 1 published.")).to_be_visible()
    await expect(page.get_by_text("version 1 in effect")).to_be_visible()
    await expect(page.get_by_role("link", name="Start a new version")).to_be_visible()
    await watched.assert_clean()
    await watched.shot("edit-published")
    await page.context.close()


async def test_the_edit_form_fits_a_phone_screen(browser: Browser, served: str) -> None:
    async with admin_api(served) as api:
        editor = (await api.key("editor", "marketing"))["Authorization"].removeprefix("Bearer ")
    watched = await watched_page(browser, viewport={"width": 375, "height": 812})
    page = watched.page
    await sign_in(watched, served, editor)
    await page.goto(f"{served}/console/edit/definitions/new")
    assert await page.evaluate("document.documentElement.scrollWidth") <= 375
    await page.get_by_label("Slug").fill("a-slug-that-is-rather-long-for-a-phone-screen-but-allowed")
    await page.get_by_label("Title").fill("T" * 120)
    await page.get_by_label("Owning teams").fill("Not A Team Name At All, " * 3)
    await page.get_by_label("Criteria (JSON)").fill('{"all": [{"field": "x", "op": "near", "value": 1}]')
    await page.get_by_role("button", name="Create the definition").click()
    await expect(page.locator("#edit-owners-error")).to_contain_text("use team names")
    await expect(page.locator("#edit-criteria-error")).to_be_visible()
    assert await page.evaluate("document.documentElement.scrollWidth") <= 375
    expected_status(watched, 422)
    await watched.assert_clean()
    await watched.shot("edit-phone")

    await page.get_by_label("Owning teams").fill("marketing")
    await page.get_by_label("Criteria (JSON)").fill("")
    await page.get_by_role("button", name="Create the definition").click()
    await page.wait_for_url(f"{served}/console/glossary/a-slug-that-is-rather-long-for-a-phone-screen-but-allowed")
    await page.goto(
        f"{served}/console/edit/definitions/a-slug-that-is-rather-long-for-a-phone-screen-but-allowed/versions"
    )
    await expect(page.get_by_role("button", name="Submit version 1 for review")).to_be_visible()
    assert await page.evaluate("document.documentElement.scrollWidth") <= 375
    await watched.assert_clean()
    await watched.shot("edit-versions-phone")
    await page.context.close()
