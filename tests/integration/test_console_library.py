"""The console's library: messages and assets in one list with facets and expiry badges (HTMX swaps and plain GETs
alike), a message's and an asset's page (the version in effect, stale citations naming what they cite, the
versions), the download of a file for a signed-in person (and for no one else), user text kept as text, and odd
query parameters answered in words."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import httpx
import msgspec
import pytest
from litestar.testing import AsyncTestClient

from service.config import Settings
from service.console import library
from tests.asset_fixtures import (
    PDF,
    PDF_V2,
    asset_body,
    author,
    create_entry,
    message_body,
    publish_entry,
    published_asset,
    upload,
)
from tests.console_support import browser_of, signed_in, synced
from tests.support import Api, start_version


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Search answers straight after a sync (the library's list is the search index's)."""
    return msgspec.structs.replace(settings, search_cache_recheck_seconds=0.0)


@pytest.fixture
def api(local_client: AsyncTestClient[Any]) -> Api:
    return Api(local_client)


def at(delta: dt.timedelta) -> str:
    return (dt.datetime.now(dt.UTC) + delta).isoformat()


async def publish_message(api: Api, slug: str, **overrides: Any) -> None:
    body = message_body(slug, **overrides.pop("content", {}))
    await create_entry(api, "messages", {**body, **overrides})
    await publish_entry(api, "messages", slug)


async def publish_asset(api: Api, slug: str, data: bytes = PDF, **fields: Any) -> None:
    """An asset with its file, published; `fields` are the entry's (title, tags), the rest its content."""
    entry = {name: fields.pop(name) for name in ("title", "tags") if name in fields}
    await create_entry(api, "assets", {**asset_body(slug, **fields), **entry})
    assert (await upload(api, slug, 1, data)).status_code == 200
    await publish_entry(api, "assets", slug)


async def a_library(api: Api) -> None:
    await api.published("mql")  # a definition: in the glossary, not the library
    await publish_message(api, "why-canon")  # value_proposition, for RevOps leaders, tagged pitch
    await publish_message(
        api,
        "objections",
        title="Handling the price objection",
        tags=["sales-plays"],
        content={"message_type": "objection_handling", "audience": "CFOs", "body": "Point to the payback period."},
    )
    await published_asset(api, "pricing-deck", expires_at=at(dt.timedelta(days=10, hours=1)))
    await publish_asset(api, "brand-book", PDF_V2, title="Brand book", tags=["brand"])
    await synced(api.client)


def rows(page: str) -> list[str]:
    """The titles the library's table lists, in order."""
    return re.findall(r'<th scope="row"><a href="/console/library/[a-z]+/[a-z-]+">([^<]+)</a>', page)


async def test_the_library_lists_messages_and_assets_with_facets_and_expiry_badges(api: Api) -> None:
    await a_library(api)
    browser = await signed_in(api)
    response = await browser.get("/console/library")
    assert response.status_code == 200, response.text
    page = response.text
    assert rows(page) == ["Brand book", "Handling the price objection", "Pricing deck", "Why Canon"]
    assert "Marketing Qualified Lead" not in page
    assert "4 items" in page
    assert "expires in 10 days" in page  # the pricing deck; the brand book never expires
    assert page.count("expires") == 1
    assert '<a class="download" href="/console/library/assets/pricing-deck/download">Download<span' in page
    assert '<p id="result-status" class="library-visually-hidden" role="status">4 items' in page
    assert "Value proposition, for RevOps leaders (mid-market)" in page
    # Facets with counts, as checkboxes named like the query parameters.
    for name, value, label in [
        ("kind", "asset", 'Assets <span class="count">(2)</span>'),
        ("kind", "message", 'Messages <span class="count">(2)</span>'),
        ("tag", "pitch", 'pitch <span class="count">(1)</span>'),
        ("message_type", "objection_handling", 'Objection handling <span class="count">(1)</span>'),
        ("audience", "CFOs", 'CFOs <span class="count">(1)</span>'),
        ("team", "marketing", 'marketing <span class="count">(4)</span>'),
    ]:
        assert f'name="{name}" value="{value}"' in page, name
        assert label in page, label
    assert "<label for=" in page
    assert 'role="search"' not in page


async def test_facets_filter_the_library_with_or_without_htmx(api: Api) -> None:
    await a_library(api)
    browser = await signed_in(api)
    assets = await browser.get("/console/library", params={"kind": "asset"})
    assert rows(assets.text) == ["Brand book", "Pricing deck"]
    assert 'value="asset" checked' in assets.text
    assert 'value="message"' in assets.text  # the other kind can still be ticked
    assert "Messages</label>" in assets.text  # not counted within the kind filter (not "0")
    both = await browser.get("/console/library", params=[("tag", "pitch"), ("tag", "brand")])
    assert rows(both.text) == ["Brand book", "Why Canon"]
    cfos = await browser.get("/console/library", params={"audience": "CFOs", "message_type": "objection_handling"})
    assert rows(cfos.text) == ["Handling the price objection"]

    swapped = await browser.get("/console/library", params={"tag": "brand"}, headers={"HX-Request": "true"})
    assert swapped.status_code == 200
    assert "<html" not in swapped.text  # the fragment only: the list, and the facets out of band
    assert rows(swapped.text) == ["Brand book"]
    assert '<div id="facets" hx-swap-oob="innerHTML">' in swapped.text
    assert '<p id="result-status" hx-swap-oob="innerHTML">1 item' in swapped.text
    assert swapped.headers["vary"] == "HX-Request"

    nothing = await browser.get("/console/library", params={"tag": "no-such-tag"})
    assert nothing.status_code == 200
    assert "Nothing in the library matches these filters" in nothing.text
    assert 'href="/console/library">show the whole library' in nothing.text


async def test_the_library_pages_with_the_use_cases_cursor(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    await a_library(api)
    monkeypatch.setattr(library, "PAGE_SIZE", 3)
    browser = await signed_in(api)
    first = await browser.get("/console/library", params={"team": "marketing"})
    assert rows(first.text) == ["Brand book", "Handling the price objection", "Pricing deck"]
    found = re.search(r'<a href="(/console/library\?[^"]+)" rel="next">Next page</a>', first.text)
    assert found, first.text
    following = await browser.get(found.group(1).replace("&amp;", "&"))
    assert following.status_code == 200
    assert rows(following.text) == ["Why Canon"]
    assert "team=marketing" in found.group(1)
    assert 'rel="next"' not in following.text
    assert "First page" in following.text


async def test_an_empty_library_says_what_to_do_next(api: Api) -> None:
    browser = await signed_in(api)
    page = await browser.get("/console/library")
    assert page.status_code == 200
    assert "The library is empty: nothing is published yet" in page.text


async def test_odd_parameters_are_answered_in_words_never_500(api: Api) -> None:
    await a_library(api)
    browser = await signed_in(api)
    bad_cursor = await browser.get("/console/library", params={"cursor": "not-a-cursor"})
    assert bad_cursor.status_code == 400
    assert "start again from the first page" in bad_cursor.text
    too_long = await browser.get("/console/library", params={"tag": "x" * 101})
    assert too_long.status_code == 400
    assert "at most 100 characters" in too_long.text
    haiku = await browser.get("/console/library", params={"message_type": "haiku"})
    assert haiku.status_code == 400
    assert "message type: unknown message type &#39;haiku&#39;; choose from positioning" in haiku.text
    for params in ({"cursor": "x" * 600}, {"nonsense": "1"}, {"include_drafts": "maybe"}):
        response = await browser.get("/console/library", params=params)
        assert response.status_code in (400, 422), (params, response.text)
        assert "<title>" in response.text
        assert "Traceback" not in response.text
    # A kind the library does not hold, and an editor's option in a reader's link, are ignored.
    for params in ({"kind": "definition", "include_drafts": "true"}, {"kind": "<b>"}):
        ignored = await browser.get("/console/library", params=params)
        assert ignored.status_code == 200
        assert len(rows(ignored.text)) == 4
    assert (await browser.get("/console/library/messages/no-such")).status_code == 404
    assert (await browser.get("/console/library/assets/pricing-deck", params={"version": "0"})).status_code in (
        400,
        422,
    )
    assert (await browser.get("/console/library/assets/pricing-deck", params={"version": "9"})).status_code == 404


async def test_editors_may_also_list_versions_in_progress_and_expired_assets(api: Api) -> None:
    await a_library(api)
    await publish_asset(api, "old-flyer", title="Old flyer", expires_at=at(-dt.timedelta(hours=1)))
    await create_entry(api, "messages", {**message_body("draft-talk"), "title": "Draft talk track"})
    await synced(api.client)
    reader = await signed_in(api)
    assert "Old flyer" not in (await reader.get("/console/library")).text
    editor = await signed_in(api, "editor", "marketing")
    plain = await editor.get("/console/library")
    assert "Also versions in progress and expired assets" in plain.text
    assert "Old flyer" not in plain.text
    assert "Draft talk track" not in plain.text
    everything = await editor.get("/console/library", params={"include_drafts": "true"})
    assert "Old flyer" in everything.text
    assert '<span class="badge expiry-expired">expired</span>' in everything.text
    assert "Draft talk track" in everything.text
    assert "v1 draft" in everything.text
    assert 'href="/console/library/messages/draft-talk?version=1"' in everything.text


async def test_a_message_page_names_the_definition_it_cites_once_that_is_outdated(api: Api) -> None:
    await api.published("mql")
    await publish_message(api, "why-canon", content={"references": [{"slug": "mql"}]})
    browser = await signed_in(api)
    fresh = await browser.get("/console/library/messages/why-canon")
    assert fresh.status_code == 200, fresh.text
    page = fresh.text
    assert "<h1>Why Canon</h1>" in page
    assert "version 1 in effect" in page
    assert "One definition of a lead, shared by sales and marketing." in page
    assert "Value proposition, for RevOps leaders in mid-market, by email." in page
    assert "still in effect" in page
    assert "outdated" not in page

    await start_version(api, "mql")
    await api.publish_through_review("mql", 2)
    stale = (await browser.get("/console/library/messages/why-canon")).text
    assert "Cites an outdated version" in stale
    assert (
        'It cites version 1 of the definition <a href="/console/glossary/mql">Marketing Qualified Lead</a> '
        "(<code>mql</code>); version 2 is in effect now." in stale
    )
    assert "Its owners (marketing) should check" in stale
    assert 'href="/console/library/messages/why-canon?version=1"' in stale  # the timeline


async def test_an_asset_page_shows_its_file_its_versions_and_downloads_them(api: Api) -> None:
    await published_asset(api, "pricing-deck", expires_at=at(dt.timedelta(days=3, hours=1)))
    started = await api.client.post("/v1/assets/pricing-deck/versions", json={}, headers=await author(api))
    assert started.status_code == 201, started.text
    assert (await upload(api, "pricing-deck", 2, PDF_V2)).status_code == 200
    await publish_entry(api, "assets", "pricing-deck", 2)
    browser = await signed_in(api)
    response = await browser.get("/console/library/assets/pricing-deck")
    assert response.status_code == 200, response.text
    page = response.text
    assert "version 2 in effect" in page
    assert "Download pricing.pdf" in page
    assert '<a class="library-download" href="/console/library/assets/pricing-deck/download" download>' in page
    assert "expires in 3 days" in page
    assert f"{len(PDF_V2)} bytes" in page
    assert 'href="/console/library/assets/pricing-deck/download?version=1" download>v1 file</a>' in page

    current = await browser.get("/console/library/assets/pricing-deck/download")
    assert current.status_code == 200
    assert current.content == PDF_V2
    assert current.headers["content-type"] == "application/pdf"
    assert current.headers["content-disposition"].startswith('attachment; filename="pricing.pdf"')
    assert "default-src 'none'" in current.headers["content-security-policy"]
    older = await browser.get("/console/library/assets/pricing-deck/download", params={"version": 1})
    assert (older.status_code, older.content) == (200, PDF)
    pinned = await browser.get("/console/library/assets/pricing-deck", params={"version": 1})
    assert "You are reading version 1." in pinned.text

    # No session, or an API key instead of one: the sign-in page, never the file.
    nobody = browser_of(api.client)
    refused = await nobody.get("/console/library/assets/pricing-deck/download")
    assert (refused.status_code, refused.headers["location"]) == (303, "/console/sign-in")
    with_key = await api.client.get("/console/library/assets/pricing-deck/download", follow_redirects=False)
    assert with_key.status_code == 303
    assert PDF_V2 not in with_key.content


async def test_a_file_in_object_storage_downloads_by_a_presigned_redirect(s3_client: AsyncTestClient[Any]) -> None:
    api = Api(s3_client)
    await publish_asset(api, "pricing-deck")
    browser = await signed_in(api)
    response = await browser.get("/console/library/assets/pricing-deck/download")
    assert response.status_code == 307, response.text
    location = response.headers["location"]
    assert "X-Amz-Signature=" in location
    async with httpx.AsyncClient() as storage:
        fetched = await storage.get(location)
    assert (fetched.status_code, fetched.content) == (200, PDF)
    assert fetched.headers["content-type"] == "application/pdf"


async def test_an_expired_file_is_not_served_and_the_page_says_so(api: Api) -> None:
    await published_asset(api, "old-flyer", expires_at=at(-dt.timedelta(hours=1)))
    editor = await signed_in(api, "editor", "marketing")
    page = await editor.get("/console/library/assets/old-flyer")
    assert page.status_code == 200, page.text
    assert "is no longer served" in page.text
    assert "/console/library/assets/old-flyer/download" not in page.text
    gone = await editor.get("/console/library/assets/old-flyer/download")
    assert gone.status_code == 410
    assert "expired" in gone.text
    assert PDF not in gone.content


async def test_user_text_stays_text_in_the_list_and_the_pages(api: Api) -> None:
    attack = "<script>alert(1)</script>"
    image = '<img src=x onerror="alert(2)">'
    await publish_message(
        api, "xss-message", title=attack, content={"body": f"Say {image} to them", "audience": attack}
    )
    await publish_asset(api, "xss-asset", title=attack, description=image, file_name="a<b>.pdf")
    await synced(api.client)
    browser = await signed_in(api)
    for path in ("/console/library", "/console/library/messages/xss-message", "/console/library/assets/xss-asset"):
        page = (await browser.get(path)).text
        assert attack not in page, path
        assert image not in page, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, path
