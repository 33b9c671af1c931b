"""The console's admin section in a real headless Chromium against a real `canon serve` and `canon worker`: an admin
adds a person, issues them a key and sees it once (the person then signs in with it), subscribes a receiver on
127.0.0.1, sends it a test event from the console and sees the delivery and its attempt appear (HTMX refreshes the
list while it is pending). Every page loads with no console error and nothing blocked by the CSP, and none is wider
than a 375 px phone screen."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser

from tests.e2e.console_support import Watched, admin_api, serving, sign_in, watched_page
from tests.e2e.test_graceful_shutdown import Canon
from tests.webhook_fixtures import Receiver

pytestmark = pytest.mark.e2e

# Loopback webhook targets over plain http: accepted by the API at creation and by the worker when it connects.
LOOPBACK = {"CANON_WEBHOOK_ALLOW_NETWORKS": "127.0.0.0/8", "CANON_WEBHOOK_REQUIRE_HTTPS": "false"}
PHONE = {"width": 375, "height": 812}


@pytest.fixture
def served_with_worker(database_url: str, tmp_path: Path) -> Iterator[str]:
    """`canon serve` and a `canon worker` on the test's database, both allowing loopback webhook targets."""
    folder = tmp_path / "worker"
    folder.mkdir()
    worker = Canon(folder, "worker", ["worker"], {"CANON_DATABASE_URL": database_url, **LOOPBACK})
    try:
        worker.wait_for(lambda: any(r.get("message", "").endswith(" started") for r in worker.records()), "started")
        with serving(database_url, tmp_path, LOOPBACK) as base_url:
            yield base_url
    finally:
        worker.kill()


async def key_of_new_admin(base_url: str) -> str:
    async with admin_api(base_url) as api:
        return (await api.key("admin", None, "ada@acme.example"))["Authorization"].removeprefix("Bearer ")


async def test_an_admin_issues_a_key_sees_it_once_and_tests_a_webhook(
    browser: Browser, served_with_worker: str, receivers: Callable[..., Receiver]
) -> None:
    served = served_with_worker
    watched = await watched_page(browser)
    await sign_in(watched, served, await key_of_new_admin(served))
    await add_a_person(watched, served)
    secret = await issue_their_key(watched)
    person = await watched_page(browser)
    await sign_in(person, served, secret)  # the key works: Nia signs in with it
    assert await person.page.get_by_role("link", name="Admin").count() == 0
    await person.page.context.close()
    await subscribe_and_send_a_test(watched, receivers())
    await watched.page.context.close()


async def add_a_person(watched: Watched, served: str) -> None:
    page = watched.page
    await page.get_by_role("link", name="Admin").click()
    await page.wait_for_url(f"{served}/console/admin")
    await page.get_by_label("Subject").fill("nia@acme.example")
    await page.get_by_label("Name", exact=True).fill("Nia New")
    await page.get_by_label("Role").select_option("editor")
    await page.get_by_label("Teams").fill("sales, marketing")
    await page.get_by_role("button", name="Add person").click()
    await page.wait_for_url(f"{served}/console/admin/people/nia@acme.example?done=added")
    await page.get_by_text("The person was added").wait_for()
    await page.get_by_role("link", name="People", exact=True).last.click()
    await page.get_by_role("rowheader", name="Nia New").wait_for()
    await watched.assert_clean()
    await watched.shot("admin-people")


async def issue_their_key(watched: Watched) -> str:
    """Issue Nia a key from her page; the secret is on the page that answers, and on no page after it."""
    page = watched.page
    await page.get_by_role("link", name="Nia New").click()
    await page.get_by_role("link", name="Issue a key for Nia New").click()
    assert await page.get_by_label("Person").input_value() == "nia@acme.example"
    await page.get_by_label("Key name").fill("nia-laptop")
    await page.get_by_role("button", name="Issue key").click()
    await page.get_by_role("heading", name="Copy the key now: it will not be shown again").wait_for()
    secret = await page.get_by_label("Key “nia-laptop” for Nia New").input_value()
    assert secret.startswith("canon_")
    assert secret not in page.url
    await watched.assert_clean()
    await watched.shot("admin-key-issued")
    await page.get_by_role("link", name="Done: back to the keys").click()
    await page.get_by_role("rowheader", name=re.compile("nia-laptop")).wait_for()
    assert secret not in await page.content()
    return secret


async def subscribe_and_send_a_test(watched: Watched, receiver: Receiver) -> None:
    """Subscribe the receiver (after a refused URL, shown at its field), send it a test event, and see the delivery
    succeed in place and its attempt on the delivery's page."""
    page = watched.page
    await page.get_by_role("link", name="Webhooks").click()
    await page.get_by_text("No subscriptions yet").wait_for()
    await page.get_by_role("link", name="Subscribe an endpoint").first.click()
    await page.get_by_label("URL").fill("ftp://127.0.0.1/hook")
    await page.get_by_role("button", name="Subscribe").click()
    await page.get_by_text("the scheme must be http").first.wait_for()
    assert await page.get_by_label("URL").get_attribute("aria-invalid") == "true"
    # The refusal is a 422 page, which Chromium reports as a failed resource: expected here, and nothing else.
    assert all("status of 422" in problem for problem in watched.problems), watched.problems
    watched.problems.clear()
    await page.get_by_label("URL").fill(receiver.url)
    await page.get_by_label("Description").fill("Receiver on loopback")
    await page.get_by_label("Event types").fill("webhook.test, definition.*")
    await page.get_by_role("button", name="Subscribe").click()
    await page.get_by_role("heading", name="Copy the signing secret now: it will not be shown again").wait_for()
    assert (await page.locator("#secret").input_value()).startswith("whsec_")
    await page.get_by_role("link", name="Done: open the subscription").click()
    await page.get_by_text("Nothing sent yet").wait_for()
    await page.get_by_role("button", name="Send a test event").click()
    await page.get_by_text("A webhook.test event is queued").wait_for()
    await page.evaluate("window.__same_page = true")
    succeeded = page.locator("#deliveries .badge", has_text="succeeded")
    await succeeded.wait_for(timeout=20_000)  # HTMX asks again every 2 s while the delivery is pending
    assert await page.evaluate("window.__same_page") is True  # refreshed in place, not reloaded
    assert len(receiver.received("webhook.test")) == 1
    await page.locator("#deliveries summary", has_text="1 attempt").click()  # the attempts open in place
    opened = page.locator("#deliveries details table tbody tr").first
    await opened.wait_for()
    assert re.search(r"200\s+\d+ ms", await opened.inner_text())
    await watched.assert_clean()
    await watched.shot("admin-webhook")
    await page.locator("#deliveries").get_by_role("link", name=re.compile(r"^#\d+$")).click()
    await page.get_by_role("heading", name="Attempts").wait_for()
    row = page.locator("table.admin-table tbody tr").first
    assert re.search(r"200\s+\d+ ms", await row.inner_text())
    await watched.assert_clean()
    await watched.shot("admin-delivery")


async def test_the_admin_pages_fit_a_phone_and_keep_focus_visible(
    browser: Browser, served_with_worker: str, receivers: Callable[..., Receiver]
) -> None:
    served = served_with_worker
    async with admin_api(served) as api:
        await api.key("reader", "sales", "a-very-long-subject-name-that-does-not-wrap@a-long-domain.example")
        created = await api.client.post("/v1/webhooks", json={"url": receivers().url + "/" + "x" * 200})
        assert created.status_code == 201, created.text
        webhook_id = created.json()["webhook"]["id"]
        await api.client.post(f"/v1/webhooks/{webhook_id}/test")
    watched = await watched_page(browser, viewport=PHONE)
    page = watched.page
    await sign_in(watched, served, await key_of_new_admin(served))
    for path in ("people", "keys", "webhooks", "webhooks/new", f"webhooks/{webhook_id}"):
        await page.goto(f"{served}/console/admin/{path}")
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (path, width)
    await page.goto(f"{served}/console/admin/webhooks/new")
    await page.get_by_label("URL").focus()
    outline = await page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.id") == "f-description"
    await watched.assert_clean()
    await watched.shot("admin-phone")
    await page.context.close()
