"""The console's search: one box over definitions, messages and assets (typos forgiven), snippets whose marks are the
only markup, facets, search as you type (HTMX fragments) with a plain GET form behind it, downloads through the
console rather than signed links, and odd parameters answered in words."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from service.config import Settings
from service.console import search
from service.console.search import expiry_badge, marked
from tests.asset_fixtures import create_entry, message_body, publish_entry, published_asset
from tests.console_support import browser_of, signed_in, synced
from tests.support import Api, edit_draft, start_version


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return msgspec.structs.replace(settings, search_cache_recheck_seconds=0.0)


@pytest.fixture
def api(local_client: AsyncTestClient[Any]) -> Api:
    return Api(local_client)


async def publish_message(api: Api, slug: str, title: str, body: str, **content: Any) -> None:
    await create_entry(api, "messages", {**message_body(slug, body=body, **content), "title": title})
    await publish_entry(api, "messages", slug)


async def some_content(api: Api) -> None:
    await api.published("mql")  # Marketing Qualified Lead
    await publish_message(api, "fast-follow-up", "Fast follow-up", "Every qualified lead gets a reply within a day.")
    await published_asset(api, "pricing-deck")
    await synced(api.client)


def titles(page: str) -> list[str]:
    return re.findall(r'<h2><a href="[^"]+">([^<]+)</a></h2>', page)


async def test_a_misspelled_word_finds_the_definition_with_its_words_marked(api: Api) -> None:
    await some_content(api)
    browser = await signed_in(api)
    response = await browser.get("/console/search", params={"q": "qualifed"})
    assert response.status_code == 200, response.text
    page = response.text
    assert titles(page)[0] == "Marketing Qualified Lead"
    assert '<h2><a href="/console/glossary/mql">Marketing Qualified Lead</a></h2>' in page
    assert '<a href="/console/library/messages/fast-follow-up">Fast follow-up</a>' in page
    assert re.search(r"<mark>[Qq]ualified</mark>", page)
    assert 'value="qualifed"' in page  # the box keeps what was typed
    assert "results for <strong>qualifed</strong>" in page


async def test_the_search_form_searches_as_you_type_and_works_without_javascript(api: Api) -> None:
    await some_content(api)
    browser = await signed_in(api)
    page = (await browser.get("/console/search")).text
    form = re.search(r'<form id="search-form"[^>]*>', page)
    assert form
    assert 'role="search"' in form.group(0)
    assert 'method="get" action="/console/search"' in form.group(0)
    box = re.search(r'<input id="q"[^>]*>', page, re.DOTALL)
    assert box
    for attribute in (
        'type="search"',
        'hx-get="/console/search"',
        'hx-trigger="input changed delay:250ms, search"',
        'hx-push-url="true"',
        'hx-target="#results"',
    ):
        assert attribute in box.group(0), attribute
    assert '<label for="q">' in page
    # With no words: everything by title, and the facets to narrow it.
    assert titles(page) == ["Fast follow-up", "Marketing Qualified Lead", "Pricing deck"]

    typed = await browser.get("/console/search", params={"q": "pricing"}, headers={"HX-Request": "true"})
    assert typed.status_code == 200
    assert "<html" not in typed.text
    assert titles(typed.text) == ["Pricing deck"]
    assert '<div id="facets" hx-swap-oob="innerHTML">' in typed.text
    assert typed.headers["vary"] == "HX-Request"
    # Back to a page HTMX no longer holds: it asks for the whole page, and gets it.
    restored = await browser.get(
        "/console/search", params={"q": "pricing"}, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in restored.text


async def test_facets_count_and_narrow_the_results(api: Api) -> None:
    await some_content(api)
    browser = await signed_in(api)
    page = (await browser.get("/console/search")).text
    for label in ("Definitions", "Messages", "Assets"):
        assert f'{label} <span class="count">(1)</span>' in page, label
    assert 'name="tag" value="pitch"' in page
    assert 'name="message_type" value="value_proposition"' in page
    messages = await browser.get("/console/search", params={"kind": "message"})
    assert titles(messages.text) == ["Fast follow-up"]
    assert 'value="message" checked' in messages.text
    assert 'value="definition"' in messages.text  # still offered
    both = await browser.get("/console/search", params=[("kind", "message"), ("kind", "asset")])
    assert titles(both.text) == ["Fast follow-up", "Pricing deck"]
    none = await browser.get("/console/search", params={"q": "qualified", "tag": "collateral"})
    assert "Nothing matches <strong>qualified</strong> with these filters" in none.text
    assert 'href="/console/search?q=qualified">search without filters' in none.text


async def test_an_asset_hit_downloads_through_the_console_not_a_signed_link(api: Api) -> None:
    await some_content(api)
    browser = await signed_in(api)
    page = (await browser.get("/console/search", params={"q": "pricing"})).text
    assert '<a class="download" href="/console/library/assets/pricing-deck/download">' in page
    assert "signature=" not in page
    assert "/v1/assets" not in page


async def test_search_pages_with_the_use_cases_cursor(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    await some_content(api)
    monkeypatch.setattr(search, "PAGE_SIZE", 2)
    browser = await signed_in(api)
    first = await browser.get("/console/search", params={"kind": ["message", "asset", "definition"]})
    assert titles(first.text) == ["Fast follow-up", "Marketing Qualified Lead"]
    found = re.search(r'<a href="(/console/search\?[^"]+)" rel="next">', first.text)
    assert found
    following = await browser.get(found.group(1).replace("&amp;", "&"))
    assert titles(following.text) == ["Pricing deck"]
    assert "First page" in following.text


async def test_snippets_and_titles_stay_text(api: Api) -> None:
    attack = "<script>alert(1)</script>"
    await publish_message(api, "xss", attack, f"Our pricing beats theirs {attack} <img src=x onerror=alert(2)>")
    await synced(api.client)
    browser = await signed_in(api)
    for headers in ({}, {"HX-Request": "true"}):
        page = (await browser.get("/console/search", params={"q": "pricing"}, headers=headers)).text
        assert attack not in page
        assert "<img src=x" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "<mark>pricing</mark>" in page


def test_marks_are_the_only_markup_a_snippet_keeps() -> None:
    assert str(marked("a &lt;b&gt; <mark>lead</mark> &amp; more")) == "a &lt;b&gt; <mark>lead</mark> &amp; more"
    # Whatever a backend let through unescaped is escaped here; stray or unbalanced marks make no markup.
    assert str(marked("<script>x</script><mark>y</mark>")) == "&lt;script&gt;x&lt;/script&gt;<mark>y</mark>"
    assert str(marked("</mark>z<mark>w")) == "z<mark>w</mark>"
    assert str(marked('<mark><img src="x" onerror="alert(1)"></mark>')) == (
        "<mark>&lt;img src=&#34;x&#34; onerror=&#34;alert(1)&#34;&gt;</mark>"
    )
    assert str(marked("")) == ""


def test_expiry_badges_say_when_in_words() -> None:
    now = dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC)
    cases = {
        None: None,
        now: ("expired", "expired"),
        now + dt.timedelta(hours=5): ("expires today", "soon"),
        now + dt.timedelta(days=1, hours=1): ("expires in 1 day", "soon"),
        now + dt.timedelta(days=30, hours=1): ("expires in 30 days", "soon"),
        now + dt.timedelta(days=31, hours=1): ("expires on 2027-01-03", "later"),
    }
    for expires_at, wanted in cases.items():
        badge = expiry_badge(expires_at, now)
        assert (None if badge is None else (badge.text, badge.tone)) == wanted, expires_at


async def test_editors_may_search_versions_in_progress_readers_are_not_refused(api: Api) -> None:
    await some_content(api)
    await start_version(api, "mql")
    await edit_draft(api, "mql", 2, {"aliases": ["MQL", "Hand-raiser"]})
    await synced(api.client)
    reader = await signed_in(api)
    asked = await reader.get("/console/search", params={"q": "hand raiser", "include_drafts": "true"})
    assert asked.status_code == 200
    assert "Also versions in progress" not in asked.text
    assert titles(asked.text) == []
    editor = await signed_in(api, "editor", "marketing")
    drafts = await editor.get("/console/search", params={"q": "hand raiser", "include_drafts": "true"})
    assert titles(drafts.text) == ["Marketing Qualified Lead"]
    assert "v2 draft" in drafts.text
    assert 'id="include-drafts" name="include_drafts" value="true" checked' in drafts.text


async def test_odd_parameters_are_answered_in_words_never_500(api: Api) -> None:
    await some_content(api)
    browser = await signed_in(api)
    long = await browser.get("/console/search", params={"q": "x" * 501})
    assert long.status_code == 400
    assert "The search is too long: at most 500 characters." in long.text
    cursor = await browser.get("/console/search", params={"q": "lead", "cursor": "nope"})
    assert cursor.status_code == 400
    assert "start again from the first page" in cursor.text
    kind = await browser.get("/console/search", params={"kind": "<i>poem</i>"})
    assert kind.status_code == 400
    assert "kind: unknown kind &#39;&lt;i&gt;poem&lt;/i&gt;&#39;; choose from definition, message, asset" in kind.text
    many = await browser.get("/console/search", params={"tag": [f"t{n}" for n in range(21)]})
    assert many.status_code == 400
    assert "at most 20 values" in many.text
    partial = await browser.get("/console/search", params={"cursor": "nope"}, headers={"HX-Request": "true"})
    assert partial.status_code == 200  # swapped in, so the person sees why
    assert "start again from the first page" in partial.text
    unknown = await browser.get("/console/search", params={"page": "2"})
    assert unknown.status_code == 400
    assert "Traceback" not in unknown.text


async def test_an_empty_search_says_what_to_do_next(api: Api) -> None:
    browser = await signed_in(api)
    empty = await browser.get("/console/search")
    assert "Nothing is published yet, so there is nothing to find." in empty.text
    await some_content(api)
    nothing = await browser.get("/console/search", params={"q": "zebra"})
    assert "Nothing matches <strong>zebra</strong>" in nothing.text
    assert "Check the spelling" in nothing.text


async def test_search_needs_a_session(api: Api) -> None:
    nobody = browser_of(api.client)
    response = await nobody.get("/console/search", params={"q": "lead"})
    assert (response.status_code, response.headers["location"]) == (303, "/console/sign-in")
    swapped = await nobody.get("/console/search", params={"q": "lead"}, headers={"HX-Request": "true"})
    assert (swapped.status_code, swapped.headers["hx-redirect"]) == (401, "/console/sign-in")
