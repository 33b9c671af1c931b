"""My work and a definition's page in a real headless Chromium against a real `canon serve`: the sales approver and
the marketing approver each approve a new version of MQL from their own review queue (two browser contexts, two
people), it is published, and a seller acknowledges it from their list; then the seller finds MQL by typing a typo in
the glossary, compares the two versions and tries a record against the rules. Every page loads with no console
error and nothing blocked by its CSP; My work fits a 375 px wide phone screen without scrolling sideways."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page

from tests.e2e.console_support import Watched, admin_api, sign_in, watched_page
from tests.support import MQL_CRITERIA, Api, definition_body

pytestmark = pytest.mark.e2e

CANON = Path(sys.executable).parent / "canon"
PHONE = {"width": 375, "height": 812}
NEW_CRITERIA: dict[str, Any] = {
    "all": [
        {"field": "company.employees", "op": "gte", "value": 100},
        MQL_CRITERIA["all"][1],
        {"field": "country", "op": "in", "value": ["US", "CA"]},
    ]
}


def key(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


async def mql_v2_in_review(api: Api) -> None:
    """MQL v1 in effect; v2 (stricter rules, to be acknowledged by sales) submitted for marketing and sales."""
    await api.published("mql")
    await api.create("arr", title="Annual Recurring Revenue", tags=["finance"], owners=["finance"])
    await api.publish_through_review("arr", 1, teams=("finance",))
    author = await api.key("editor", "revops", "author")
    content = {
        **definition_body()["content"],
        "criteria": NEW_CRITERIA,
        "body": "# MQL\n\nFit, engagement, a market.\n",
    }
    body = {"title": "Marketing Qualified Lead (2027)", "acknowledge_teams": ["sales"], "content": content}
    created = await api.client.post("/v1/definitions/mql/versions", json=body, headers=author)
    assert created.status_code == 201, created.text
    submitted = await api.client.post("/v1/definitions/mql/versions/2/submit", headers=author)
    assert submitted.status_code == 200, submitted.text


async def approved_and_published(api: Api) -> None:
    """MQL v2 approved by marketing and sales through the API, then published."""
    for team in ("marketing", "sales"):
        path = "/v1/definitions/mql/versions/2/approve"
        approved = await api.client.post(path, json={}, headers=await api.key("approver", team))
        assert approved.status_code == 200, approved.text
    published = await api.client.post("/v1/definitions/mql/versions/2/publish", headers=await api.publisher())
    assert published.status_code == 200, published.text


async def reindexed(database_url: str, tmp_path: Path) -> None:
    """`canon serve` runs no worker here: index what was published, as the worker's search sync would."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CANON_")}
    indexed = await asyncio.to_thread(
        subprocess.run,
        [str(CANON), "reindex"],
        env={**env, "CANON_DATABASE_URL": database_url, "CANON_DATA_DIR": str(tmp_path / "data")},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert indexed.returncode == 0, indexed.stdout + indexed.stderr


async def fits_the_screen(page: Page) -> None:
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


async def approve_from_my_work(watched: Watched, base_url: str, comment: str | None, shot: str) -> None:
    page = watched.page
    await page.get_by_role("link", name="My work").click()
    await page.wait_for_url(f"{base_url}/console/work")
    item = page.get_by_role("article", name="Marketing Qualified Lead (2027)")
    await item.wait_for()
    await watched.shot(shot)
    if comment is not None:
        await item.get_by_label("Comment (optional)").fill(comment)
    await item.get_by_role("button", name="Approve").click()
    await page.wait_for_url(f"{base_url}/console/work?done=approved&kind=definition&slug=mql&version=2")
    await page.get_by_role("status").filter(has_text="You approved version 2 of definition mql.").wait_for()
    assert await page.get_by_text("Nothing waits for your review.").count() == 1
    await watched.assert_clean()


async def on_a_phone(browser: Browser, served: str, seller: str) -> None:
    """A definition's page and a diff on a phone: nothing wider than the screen."""
    phone = await watched_page(browser, viewport=PHONE)
    await sign_in(phone, served, seller)
    for path, shot in (
        ("/console/glossary/mql", "definition-mobile"),
        ("/console/glossary/mql/diff?from=1&to=2", "definition-diff-mobile"),
    ):
        await phone.page.goto(f"{served}{path}")
        await fits_the_screen(phone.page)
        await phone.shot(shot)
    await phone.assert_clean()
    await phone.page.context.close()


async def test_two_approvers_sign_off_and_a_seller_acknowledges(browser: Browser, served: str) -> None:
    async with admin_api(served) as api:
        await mql_v2_in_review(api)
        sales = key(await api.key("approver", "sales", "sally@acme.example"))
        marketing = key(await api.key("approver", "marketing", "mark@acme.example"))
        seller = key(await api.key("reader", "sales", "sam@acme.example"))

    # The sales approver, on a phone: the queue with its forms fits the screen; a wrong reject is refused in words.
    sally = await watched_page(browser, viewport=PHONE)
    await sign_in(sally, served, sales)
    await sally.page.goto(f"{served}/console/work")
    await fits_the_screen(sally.page)
    item = sally.page.get_by_role("article", name="Marketing Qualified Lead (2027)")
    await item.get_by_text("Reject…").click()
    await item.get_by_label("Why you reject it").wait_for()
    await fits_the_screen(sally.page)
    await sally.shot("work-mobile")
    await item.get_by_text("Reject…").click()  # closed again: she approves
    await approve_from_my_work(sally, served, "Fine by sales.", "work")
    await fits_the_screen(sally.page)

    # The marketing approver, in a browser context of their own.
    mark = await watched_page(browser)
    await sign_in(mark, served, marketing)
    await approve_from_my_work(mark, served, None, "work-marketing")

    async with admin_api(served) as api:
        version = (await api.client.get("/v1/definitions/mql", params={"version": 2})).json()["version"]
        assert [(a["team"], a["comment"]) for a in version["approvals"]] == [
            ("marketing", None),
            ("sales", "Fine by sales."),
        ]
        published = await api.client.post("/v1/definitions/mql/versions/2/publish", headers=await api.publisher())
        assert published.status_code == 200, published.text

    # A seller, on a phone, acknowledges it from their list.
    sam = await watched_page(browser, viewport=PHONE)
    await sign_in(sam, served, seller)
    page = sam.page
    await page.goto(f"{served}/console/work")
    owed = page.get_by_role("article", name="Marketing Qualified Lead (2027)")
    await owed.wait_for()
    await fits_the_screen(page)
    await sam.shot("work-acknowledge")
    await owed.get_by_role("button", name="Acknowledge").click()
    await page.wait_for_url(f"{served}/console/work?done=acknowledged&kind=definition&slug=mql&version=2")
    await page.get_by_text("You acknowledged version 2 of definition mql.").wait_for()
    await page.get_by_text("You are up to date").wait_for()
    await fits_the_screen(page)
    await sam.assert_clean()
    await sam.shot("work-done")

    # Sally (an approver, not an editor) sees no progress; Mark neither: progress is for editors and up.
    async with admin_api(served) as api:
        editor = key(await api.key("editor", "revops", "ed@acme.example"))
    ed = await watched_page(browser)
    await sign_in(ed, served, editor)
    await ed.page.goto(f"{served}/console/glossary/mql#acknowledgements")
    await ed.page.get_by_text(re.compile(r"^1 of \d+ people have acknowledged version 2")).wait_for()
    await ed.assert_clean()
    await ed.shot("definition-acknowledgements")
    for watched in (sally, mark, sam, ed):
        await watched.page.context.close()


async def test_a_seller_finds_compares_and_tries_a_definition(
    browser: Browser, served: str, database_url: str, tmp_path: Path
) -> None:
    async with admin_api(served) as api:
        await mql_v2_in_review(api)
        await approved_and_published(api)
        seller = key(await api.key("reader", "sales", "sam@acme.example"))
    await reindexed(database_url, tmp_path)

    watched = await watched_page(browser)
    page = watched.page
    await sign_in(watched, served, seller)
    await page.get_by_role("link", name="Annual Recurring Revenue").wait_for()
    await page.evaluate("window.__same_page = true")
    await page.get_by_label("Find a definition").press_sequentially("qualifed", delay=40)  # typed, with a typo
    await page.wait_for_url(f"{served}/console/glossary?q=qualifed")  # the empty filters left out
    await page.get_by_text("found for “qualifed”").wait_for()
    assert await page.get_by_role("link", name="Annual Recurring Revenue").count() == 0
    assert await page.evaluate("window.__same_page") is True  # swapped in by HTMX as they typed
    await watched.assert_clean()
    await watched.shot("glossary-search")

    await page.get_by_role("link", name="Marketing Qualified Lead (2027)").click()
    await page.wait_for_url(f"{served}/console/glossary/mql")
    await page.get_by_text("version 2 in effect").wait_for()
    await watched.assert_clean()
    await watched.shot("definition-v2")

    # The diff: version 1 and version 2 are chosen in the timeline by default.
    assert await page.get_by_label("from", exact=True).nth(1).is_checked()  # v1 (newest first)
    assert await page.get_by_label("to", exact=True).first.is_checked()  # v2
    await page.get_by_role("button", name="Compare versions").click()
    await page.wait_for_url(re.compile(r"/console/glossary/mql/diff\?(to=2&from=1|from=1&to=2)$"))
    await page.get_by_role("heading", name="Qualification rules, rule by rule").wait_for()
    changes = page.get_by_role("listitem")
    assert await changes.filter(has_text="company.employees ≥ 100 (was ≥ 50)").count() == 1
    assert await changes.filter(has_text="added country in [US, CA]").count() == 1
    await watched.assert_clean()
    await watched.shot("definition-diff")

    # Try it: a record that misses one rule, then one that is not JSON.
    await page.goto(f"{served}/console/glossary/mql")
    record = page.get_by_label("Record (JSON)")
    await record.fill('{"company": {"employees": 250}, "score": 75, "country": "FR"}')
    await page.get_by_role("button", name="Evaluate").click()
    await page.get_by_text("Does not meet").wait_for()
    outcomes = page.get_by_role("table", name="Each rule's outcome for this record")
    assert await outcomes.get_by_role("row", name="country in [US, CA]").get_by_text("✗ failed").count() == 1
    assert await outcomes.get_by_role("row", name="company.employees ≥ 100").get_by_text("✓ passed").count() == 1
    await watched.assert_clean()
    await watched.shot("try-it")
    await page.get_by_label("Record (JSON)").fill("{not json")
    await page.get_by_role("button", name="Evaluate").click()
    await page.get_by_role("alert").filter(has_text="The record is not valid JSON").wait_for()
    assert await page.get_by_label("Record (JSON)").get_attribute("aria-invalid") == "true"
    await watched.shot("try-it-invalid")
    await page.context.close()

    await on_a_phone(browser, served, seller)
