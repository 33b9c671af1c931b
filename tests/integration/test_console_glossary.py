"""The console's glossary and definition pages in process: search as you type (typo-tolerant, and definitions not yet
indexed found by their title), the tag and team filters, a definition's version chosen from the timeline, the diff
of two versions side by side and rule by rule, "try it" (each rule's outcome; a bad record is a 422 at its field),
the messages citing it with their stale flags, acknowledgement progress per team, and what each role may see."""

from __future__ import annotations

import html
import re
from typing import Any

import msgspec
import pytest
from litestar.testing import AsyncTestClient
from markupsafe import escape

from service.config import Settings
from service.search.base import SearchError
from tests.asset_fixtures import create_entry, message_body, publish_entry, services
from tests.console_support import browser_of, csrf_in, key_of, sign_in, synced
from tests.support import Api, edit_draft, start_version


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Search answers straight after a sync, never from a cache trusted for 0.1 s."""
    return msgspec.structs.replace(settings, search_cache_recheck_seconds=0.0)


@pytest.fixture
def browser(client: AsyncTestClient[Any]) -> AsyncTestClient[Any]:
    return browser_of(client)


async def as_person(client: AsyncTestClient[Any], api: Api, role: str, team: str, name: str) -> AsyncTestClient[Any]:
    console = browser_of(client)
    await sign_in(console, key_of(await api.key(role, team, name)))
    return console


async def glossary_of(client: AsyncTestClient[Any]) -> Api:
    """mql (marketing and sales), sql (sales), arr (finance, owned by finance), all published and indexed."""
    api = Api(client)
    await api.published("mql")
    await api.create("sql", title="Sales Qualified Lead", tags=["funnel", "sales"], owners=["sales"])
    await api.publish_through_review("sql", 1, teams=("sales",))
    await api.create("arr", title="Annual Recurring Revenue", tags=["finance"], owners=["finance"])
    await api.publish_through_review("arr", 1, teams=("finance",))
    await synced(client)
    return api


async def test_typing_finds_definitions_with_typos_and_marks_the_words_found(
    client: AsyncTestClient[Any], browser: AsyncTestClient[Any]
) -> None:
    api = await glossary_of(client)
    await sign_in(browser, key_of(await api.key("reader", "sales")))
    page = (await browser.get("/console/glossary")).text
    assert 'hx-trigger="input changed delay:250ms from:#q' in page
    assert re.search(r'<label for="q">[^<]+</label>\s*<input id="q" name="q" type="search"', page)
    typed = await browser.get("/console/glossary", params={"q": "qualifed"}, headers={"HX-Request": "true"})
    assert typed.status_code == 200
    assert "<html" not in typed.text  # the list only: HTMX swaps it in
    assert "Marketing Qualified Lead" in typed.text
    assert "Sales Qualified Lead" in typed.text
    assert "Annual Recurring Revenue" not in typed.text
    assert "found for “qualifed”" in typed.text
    assert typed.headers["hx-push-url"] == "/console/glossary?q=qualifed"
    filtered = await browser.get(
        "/console/glossary", params={"q": "", "tag": "funnel", "team": ""}, headers={"HX-Request": "true"}
    )
    assert filtered.headers["hx-push-url"] == "/console/glossary?tag=funnel"
    # The whole page with the text typed, as the URL HTMX pushed loads it.
    whole = (await browser.get("/console/glossary", params={"q": "qualifed"})).text
    assert 'value="qualifed"' in whole
    assert "Marketing Qualified Lead" in whole
    marked = (await browser.get("/console/glossary", params={"q": "conversation"})).text
    assert "A lead worth a sales <mark>conversation</mark>" in marked
    nothing = (await browser.get("/console/glossary", params={"q": "zzzyqx"})).text
    assert "No definition matches “zzzyqx”" in nothing


async def test_a_definition_not_yet_indexed_is_found_by_the_start_of_its_title(
    client: AsyncTestClient[Any], browser: AsyncTestClient[Any]
) -> None:
    api = await glossary_of(client)
    await api.published("churn", title="Churned Customer", tags=["retention"])  # not synced
    await sign_in(browser, key_of(await api.key("reader", "sales")))
    found = (await browser.get("/console/glossary", params={"q": "churned"}, headers={"HX-Request": "true"})).text
    assert "Churned Customer" in found
    assert "title or slug" in found


async def test_search_combines_with_the_tag_and_team_filters(
    client: AsyncTestClient[Any], browser: AsyncTestClient[Any]
) -> None:
    api = await glossary_of(client)
    await sign_in(browser, key_of(await api.key("reader", "sales")))
    by_tag = (await browser.get("/console/glossary", params={"q": "qualified", "tag": "sales"})).text
    assert "Sales Qualified Lead" in by_tag
    assert "Marketing Qualified Lead" not in by_tag


async def test_the_glossary_filters_by_team(client: AsyncTestClient[Any], browser: AsyncTestClient[Any]) -> None:
    api = await glossary_of(client)
    await sign_in(browser, key_of(await api.key("reader", "sales")))
    page = (await browser.get("/console/glossary")).text
    assert '<label for="team">Team</label>' in page
    for team in ("finance", "marketing", "sales"):
        assert f'<option value="{team}">{team}</option>' in page
    finance = (await browser.get("/console/glossary", params={"team": "finance"})).text
    assert "Annual Recurring Revenue" in finance
    assert "Marketing Qualified Lead" not in finance
    assert "of team <strong>finance</strong>" in finance
    assert '<option value="sales">sales</option>' in finance  # every team stays a choice, not only the filtered
    assert '<option value="finance" selected>finance</option>' in finance
    sales = await browser.get("/console/glossary", params={"team": "sales"}, headers={"HX-Request": "true"})
    assert "Sales Qualified Lead" in sales.text
    assert "Marketing Qualified Lead" in sales.text
    assert "Annual Recurring Revenue" not in sales.text
    none = (await browser.get("/console/glossary", params={"team": "legal"})).text
    assert "No definition is of team <strong>legal</strong>" in none
    too_long = await browser.get("/console/glossary", params={"team": "x" * 65})
    assert too_long.status_code == 422


async def test_search_results_keep_user_text_as_text(
    client: AsyncTestClient[Any], browser: AsyncTestClient[Any]
) -> None:
    api = Api(client)
    attack = "<script>alert(1)</script>"
    await api.published("xss", title=f"Qualified {attack}", content={"summary": f"Qualified {attack} lead"})
    await synced(client)
    await sign_in(browser, key_of(await api.key("reader", "sales")))
    for params in ({"q": "qualified"}, {"q": "<script>"}, {"q": "qualified", "tag": attack}):
        page = (await browser.get("/console/glossary", params=params)).text
        assert attack not in page
        assert "<script>alert" not in page
    found = (await browser.get("/console/glossary", params={"q": "qualified"})).text
    assert html.escape(attack, quote=False) in found


async def test_the_definition_page_shows_a_version_chosen_in_the_timeline_and_its_diff(
    client: AsyncTestClient[Any], browser: AsyncTestClient[Any]
) -> None:
    api = Api(client)
    await api.published("mql")
    await start_version(api, "mql")
    criteria = {
        "all": [
            {"field": "company.employees", "op": "gte", "value": 100},
            {"field": "country", "op": "in", "value": ["US", "CA"]},
        ]
    }
    await edit_draft(
        api, "mql", 2, {"title": "MQL (2027)", "criteria": criteria, "body": "# MQL\n\nFit, engagement and intent.\n"}
    )
    await api.publish_through_review("mql", 2)
    await sign_in(browser, key_of(await api.key("reader", "sales")))
    page = (await browser.get("/console/glossary/mql")).text
    assert 'action="/console/glossary/mql/diff"' in page
    assert '<input type="radio" id="from-1" name="from" value="1" checked>' in page
    assert '<input type="radio" id="to-2" name="to" value="2" checked>' in page
    assert '<label for="from-1">from</label>' in page
    older = (await browser.get("/console/glossary/mql", params={"version": 1})).text
    assert "version 1: superseded" in older
    assert "Read the version in effect (v2)" in older
    assert 'href="/console/glossary/mql/diff?from=2&amp;to=1"' in older

    diff = await browser.get("/console/glossary/mql/diff", params={"from": 1, "to": 2})
    assert diff.status_code == 200, diff.text
    text = diff.text
    assert "version 1 and version 2" in text
    assert re.search(r'<tr class="changed">\s*<th scope="row">Title <span class="badge draft">changed</span>', text)
    assert "Marketing Qualified Lead" in text
    assert "MQL (2027)" in text
    assert "company.employees ≥ 100 (was ≥ 50)" in text  # rule by rule, in words
    assert "added country in [US, CA]" in text
    assert "removed any of (score ≥ 60, requested_demo = true)" in text
    assert "<ins>+Fit, engagement and intent.</ins>" in text  # the description line by line
    assert "<del>-Fit and engagement.</del>" in text
    backwards = (await browser.get("/console/glossary/mql/diff", params={"from": 2, "to": 1})).text
    assert "company.employees ≥ 50 (was ≥ 100)" in backwards
    same = (await browser.get("/console/glossary/mql/diff", params={"from": 1, "to": 1})).text
    assert "These versions say the same thing." in same
    assert "The qualification rules are the same in both versions." in same


async def test_diffs_refuse_what_the_api_refuses(client: AsyncTestClient[Any], browser: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.published("mql")
    await start_version(api, "mql")  # a draft: editors only
    await sign_in(browser, key_of(await api.key("reader", "sales")))
    hidden = await browser.get("/console/glossary/mql/diff", params={"from": 1, "to": 2})
    assert hidden.status_code == 404
    assert "no version 2 visible" in hidden.text
    missing = await browser.get("/console/glossary/mql/diff", params={"to": 1})
    assert missing.status_code == 422
    assert "give either from" in missing.text
    for params in ({"from": "x", "to": 1}, {"from": 0, "to": 1}, {"from": 10**9, "to": 1}):
        assert (await browser.get("/console/glossary/mql/diff", params=params)).status_code in (400, 422), params
    assert (await browser.get("/console/glossary/nothing/diff", params={"from": 1, "to": 1})).status_code == 404
    editor = await as_person(client, api, "editor", "revops", "ed@acme.example")
    drafted = await editor.get("/console/glossary/mql/diff", params={"from": 1, "to": 2})
    assert drafted.status_code == 200
    assert "These versions say the same thing." in drafted.text  # a copy of version 1 so far


async def test_try_it_shows_each_rules_outcome(client: AsyncTestClient[Any], browser: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.published("mql")
    token = await sign_in(browser, key_of(await api.key("reader", "sales")))
    page = (await browser.get("/console/glossary/mql")).text
    assert '<label for="record">Record (JSON)</label>' in page
    assert "&#34;employees&#34;: 50" in page  # a record to start from
    record = '{"company": {"employees": 80}, "score": 40, "requested_demo": false}'
    tried = await browser.post("/console/glossary/mql/try", data={"record": record, "csrf_token": token})
    assert tried.status_code == 200, tried.text
    text = tried.text
    assert "Does not meet" in text
    assert re.search(
        r'<tr class="passed">\s*<th scope="row" class="definition-depth-1">company.employees ≥ 50</th>', text
    )
    assert re.search(r'class="definition-depth-2">score ≥ 60</th>\s*<td><span class="badge retired">✗ failed', text)
    assert "<code>80</code>" in text
    assert str(escape(record)) in text  # kept in the form
    met = await browser.post(
        "/console/glossary/mql/try", data={"record": '{"company": {"employees": 80}, "score": 70}', "csrf_token": token}
    )
    assert "<strong>Meets</strong> the criteria of version 1" in met.text


@pytest.mark.parametrize(
    ("record", "error"),
    [
        ("", "Type a record"),
        ("   ", "Type a record"),
        ("{not json", "The record is not valid JSON"),
        ("[1, 2]", "The record must be a JSON object"),
        ('"text"', "The record must be a JSON object"),
        ("x" * 100_001, "The record is longer than 100,000 characters"),
    ],
)
async def test_try_it_says_what_is_wrong_with_the_record_at_its_field(
    client: AsyncTestClient[Any], browser: AsyncTestClient[Any], record: str, error: str
) -> None:
    api = Api(client)
    await api.published("mql")
    token = await sign_in(browser, key_of(await api.key("reader", "sales")))
    refused = await browser.post("/console/glossary/mql/try", data={"record": record, "csrf_token": token})
    assert refused.status_code == 422
    assert re.search(r'aria-invalid="true" aria-describedby="record-error"', refused.text)
    assert f'<p class="error" id="record-error" role="alert">{error}' in refused.text


async def test_try_it_needs_the_csrf_token_and_keeps_user_text_as_text(
    client: AsyncTestClient[Any], browser: AsyncTestClient[Any]
) -> None:
    api = Api(client)
    await api.published("mql")
    token = await sign_in(browser, key_of(await api.key("reader", "sales")))
    assert (await browser.post("/console/glossary/mql/try", data={"record": "{}"})).status_code == 403
    attack = '{"score": "</textarea><script>alert(1)</script>"}'
    tried = await browser.post("/console/glossary/mql/try", data={"record": attack, "csrf_token": token})
    assert tried.status_code == 200
    assert "<script>alert(1)</script>" not in tried.text
    assert "</textarea><script>" not in tried.text


async def test_try_it_refuses_in_words_what_the_api_refuses(
    client: AsyncTestClient[Any], browser: AsyncTestClient[Any]
) -> None:
    api = Api(client)
    await api.published("mql")
    await api.published("icp", title="Ideal Customer", content={"summary": "No rules."})
    token = await sign_in(browser, key_of(await api.key("reader", "sales")))
    no_rules = await browser.get("/console/glossary/icp")
    assert 'id="record"' not in no_rules.text  # no criteria, no form
    refused = await browser.post("/console/glossary/icp/try", data={"record": "{}", "csrf_token": token})
    assert refused.status_code == 409
    assert "has no criteria to evaluate" in refused.text
    assert (await client.post("/v1/definitions/mql/retire")).status_code == 200
    gone = await browser.post("/console/glossary/mql/try", data={"record": "{}", "csrf_token": token})
    assert gone.status_code == 410
    assert "was retired" in gone.text


async def test_the_definition_page_lists_what_cites_it_and_flags_stale_citations(
    client: AsyncTestClient[Any], browser: AsyncTestClient[Any]
) -> None:
    api = Api(client)
    await api.published("mql")
    await create_entry(api, "messages", message_body("why-canon", references=[{"slug": "mql"}]))
    await publish_entry(api, "messages", "why-canon")
    await sign_in(browser, key_of(await api.key("reader", "sales")))
    page = (await browser.get("/console/glossary/mql")).text
    assert '<a href="/console/library/messages/why-canon">Why Canon</a> <code>why-canon</code>' in page
    assert '<span class="badge live">current</span>' in page
    await start_version(api, "mql", {"content": {"summary": "Fit, engagement and intent."}})
    await api.publish_through_review("mql", 2)
    page = (await browser.get("/console/glossary/mql")).text
    assert "stale: cites an older version" in page
    assert "(version 2 is in effect)" in page
    lonely = (await browser.get("/console/glossary/why-not")).status_code
    assert lonely == 404
    await api.published("sql", title="Sales Qualified Lead")
    assert "No message or asset cites this definition yet" in (await browser.get("/console/glossary/sql")).text


async def test_acknowledgement_progress_per_team_is_for_editors(
    client: AsyncTestClient[Any], browser: AsyncTestClient[Any]
) -> None:
    api = Api(client)
    await api.published("mql", acknowledge_teams=["sales", "support"])
    sam = await api.key("reader", "sales", "sam@acme.example")
    await api.key("reader", "sales", "sue@acme.example")
    await api.key("reader", "support", "sid@acme.example")
    assert (await client.post("/v1/definitions/mql/versions/1/acknowledgements", headers=sam)).status_code == 201
    await sign_in(browser, key_of(sam))
    reader_view = (await browser.get("/console/glossary/mql")).text
    assert "Who has acknowledged it is shown to editors and up." in reader_view
    editor = await as_person(client, api, "editor", "revops", "ed@acme.example")
    page = (await editor.get("/console/glossary/mql")).text
    assert re.search(r"1 of \d+ people have acknowledged version 1", page)
    assert re.search(r'<th scope="row">sales</th>\s*<td><progress', page)
    assert "sue@acme.example" in page
    assert "sid@acme.example" in page
    await api.published("sql", title="Sales Qualified Lead")
    assert "asks no team to acknowledge it" in (await editor.get("/console/glossary/sql")).text


async def test_editors_read_drafts_readers_do_not(client: AsyncTestClient[Any], browser: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.create("draft-only", title="Only a draft")
    editor = await as_person(client, api, "editor", "revops", "ed@acme.example")
    page = await editor.get("/console/glossary/draft-only")
    assert page.status_code == 200
    assert "version 1: draft" in page.text
    assert "No version of this definition is in effect yet." in page.text
    await sign_in(browser, key_of(await api.key("reader", "sales")))
    assert (await browser.get("/console/glossary/draft-only")).status_code == 404
    assert (await browser.get("/console/glossary/draft-only", params={"version": 1})).status_code == 404
    for bad in ("0", "x", "99999999"):
        assert (await editor.get("/console/glossary/draft-only", params={"version": bad})).status_code in (400, 422)


async def test_every_glossary_page_is_free_of_inline_script_and_style(
    client: AsyncTestClient[Any], browser: AsyncTestClient[Any]
) -> None:
    api = await glossary_of(client)
    await start_version(api, "mql")
    await api.publish_through_review("mql", 2)
    token = await sign_in(browser, key_of(await api.key("reader", "sales")))
    pages = [
        (await browser.get(path, params=params)).text
        for path, params in (
            ("/console/glossary", {}),
            ("/console/glossary", {"q": "qualified"}),
            ("/console/glossary/mql", {}),
            ("/console/glossary/mql/diff", {"from": 1, "to": 2}),
        )
    ]
    pages.append((await browser.post("/console/glossary/mql/try", data={"record": "{}", "csrf_token": token})).text)
    for page in pages:
        assert re.findall(r"<script\b[^>]*>(.*?)</script>", page, re.DOTALL) == [""]
        assert " style=" not in page
        assert "<style" not in page
        assert "hx-on" not in page
        assert csrf_in(page)


async def test_when_search_is_down_typing_still_finds_titles(
    client: AsyncTestClient[Any], browser: AsyncTestClient[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    api = await glossary_of(client)

    async def unavailable(query: object) -> None:
        raise SearchError("connection refused")

    monkeypatch.setattr(services(client).search, "search", unavailable)
    await sign_in(browser, key_of(await api.key("reader", "sales")))
    found = await browser.get("/console/glossary", params={"q": "marketing"}, headers={"HX-Request": "true"})
    assert found.status_code == 200
    assert "Search is unavailable right now" in found.text
    assert "Marketing Qualified Lead" in found.text
    assert "Sales Qualified Lead" not in found.text
