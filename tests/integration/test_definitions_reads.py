"""Reading definitions through HTTP: current and historical versions, as_of, conditional GETs, lists, version
lists, diffs and criteria evaluation."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from service.app import create_app
from service.config import Settings
from tests.support import (
    MQL_CRITERIA,
    Api,
    decoded,
    decoded_list,
    decoded_versions,
    edit_draft,
    problem,
    start_version,
)

ALIAS = "Marketing-qualified lead"
V2_BODY = "# MQL\n\nFit and engagement, within 30 days.\n\nOwned by marketing.\n"


def _utc(moment: dt.datetime | None) -> dt.datetime:
    assert moment is not None
    return moment.astimezone(dt.UTC)


async def _two_published_versions(api: Api, v2_patch: dict[str, Any] | None = None) -> tuple[Any, Any]:
    """`mql` v1 published, then v2 (with `v2_patch` applied) published: both responses, decoded."""
    v1 = decoded(await api.published("mql"))
    await start_version(api, "mql")
    await edit_draft(api, "mql", 2, v2_patch or {"aliases": ["MQL", ALIAS]})
    v2 = decoded(await api.publish_through_review("mql", 2))
    return v1, v2


async def _read(client: AsyncTestClient[Any], headers: dict[str, str] | None = None, **params: Any) -> Any:
    response = await client.get("/v1/definitions/mql", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return decoded(response)


# --- reading one definition ---------------------------------------------------------------------------------------


async def test_nothing_is_current_until_a_version_is_published(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.create("mql")
    reader = await api.key("reader")
    editor = await api.key("editor", "sales")

    for headers in (reader, editor, None):
        found = problem(await client.get("/v1/definitions/mql", headers=headers), 404)
        assert found.detail == "definition 'mql' has no published version yet; ask for a specific ?version=N"

    # Editors (and admins) see the draft by number; readers do not.
    assert (await _read(client, editor, version=1)).version.status == "draft"
    hidden = problem(await client.get("/v1/definitions/mql", params={"version": 1}, headers=reader), 404)
    assert hidden.detail == "definition 'mql' has no version 1 visible to this key"
    unknown = problem(await client.get("/v1/definitions/nope", headers=reader), 404)
    assert unknown.detail == "no definition with slug 'nope'"

    await api.publish_through_review("mql", 1)
    current = await _read(client, reader)
    assert (current.current_version, current.version.number, current.version.status) == (1, 1, "published")
    assert (await _read(client, reader, version=1)) == current
    absent = problem(await client.get("/v1/definitions/mql", params={"version": 2}, headers=editor), 404)
    assert absent.detail == "definition 'mql' has no version 2 visible to this key"


async def test_readers_see_published_and_superseded_versions_but_never_open_ones(
    client: AsyncTestClient[Any],
) -> None:
    api = Api(client)
    await _two_published_versions(api)
    await start_version(api, "mql")
    reader = await api.key("reader")

    old = await _read(client, reader, version=1)
    assert (old.version.number, old.version.status, old.version.content.aliases) == (1, "superseded", ["MQL"])
    current = await _read(client, reader)
    assert (current.version.number, current.version.content.aliases) == (2, ["MQL", ALIAS])
    problem(await client.get("/v1/definitions/mql", params={"version": 3}, headers=reader), 404)

    # An open version under review or approved stays hidden too.
    await client.post("/v1/definitions/mql/versions/3/submit", headers=await api.key("editor", "revops", "author"))
    problem(await client.get("/v1/definitions/mql", params={"version": 3}, headers=reader), 404)
    draft = await _read(client, await api.key("editor", "sales"), version=3)
    assert (draft.version.number, draft.version.status, draft.latest_version) == (3, "in_review", 3)


async def test_as_of_returns_the_version_in_effect_at_that_moment(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    v1, v2 = await _two_published_versions(api)
    t1, t2 = _utc(v1.version.published_at), _utc(v2.version.published_at)
    assert t1 < t2
    assert _utc(v1.version.effective_from) == t1
    reader = await api.key("reader")
    micro = dt.timedelta(microseconds=1)

    def at(moment: dt.datetime | str) -> Any:
        value = moment if isinstance(moment, str) else moment.isoformat()
        return client.get("/v1/definitions/mql", params={"as_of": value}, headers=reader)

    long_ago = problem(await at("2000-01-01"), 404)
    assert long_ago.detail == "definition 'mql' had no published version in effect before 2000-01-02T00:00:00+00:00"
    problem(await at(t1 - micro), 404)

    in_effect = {
        t1: 1,  # a time includes what took effect exactly then
        t1 + (t2 - t1) / 2: 1,
        t2 - micro: 1,
        t2: 2,
        dt.datetime.now(dt.UTC): 2,
    }
    for moment, expected in in_effect.items():
        response = await at(moment)
        assert response.status_code == 200, (moment, response.text)
        entry = decoded(response)
        assert (entry.version.number, entry.current_version) == (expected, 2), moment

    # A date means the end of that day (UTC); a time without an offset is UTC; other offsets are converted.
    assert decoded(await at(t2.date().isoformat())).version.number == 2
    assert decoded(await at(t1.replace(tzinfo=None).isoformat())).version.number == 1
    problem(await at((t1 - micro).replace(tzinfo=None).isoformat()), 404)
    plus_two = t1.astimezone(dt.timezone(dt.timedelta(hours=2)))
    assert decoded(await at(plus_two.isoformat())).version.number == 1
    assert decoded(await at(t2.isoformat().replace("+00:00", "Z"))).version.number == 2


async def test_as_of_is_refused_with_version_or_when_it_is_not_a_time(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.published("mql")

    both = problem(await client.get("/v1/definitions/mql", params={"as_of": "2030-01-01", "version": 1}), 422)
    assert both.detail == "give either version or as_of, not both"
    assert both.errors is not None
    assert [(e.pointer, e.source) for e in both.errors] == [("as_of", "query")]

    for bad in ("yesterday", "2026-13-01", "2026-02-30", "2026-01-01T25:00:00Z", ""):
        found = problem(await client.get("/v1/definitions/mql", params={"as_of": bad}), 422)
        assert found.errors is not None, bad
        assert [(e.pointer, e.source) for e in found.errors] == [("as_of", "query")], bad


async def test_a_future_effective_date_is_scheduled_not_current(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    v1 = decoded(await api.published("mql"))
    today = _utc(v1.version.published_at).date()
    tomorrow = today + dt.timedelta(days=1)
    await start_version(api, "mql")
    await edit_draft(api, "mql", 2, {"effective_date": tomorrow.isoformat(), "aliases": ["MQL", ALIAS]})
    v2 = decoded(await api.publish_through_review("mql", 2))
    starts = dt.datetime.combine(tomorrow, dt.time(), tzinfo=dt.UTC)
    assert _utc(v2.version.effective_from) == starts
    assert _utc(v2.version.published_at) < starts
    reader = await api.key("reader")

    # What applies now is v1; integrators see what is coming in `upcoming`, and `as_of` says what applies when.
    current = await _read(client, reader)
    assert current.version.number == 1
    assert current.upcoming is not None
    assert (current.upcoming.version, _utc(current.upcoming.effective_at)) == (2, starts)
    assert (await _read(client, reader, as_of=today.isoformat())).version.number == 1
    assert (await _read(client, reader, as_of=dt.datetime.now(dt.UTC).isoformat())).version.number == 1
    assert (await _read(client, reader, as_of=tomorrow.isoformat())).version.number == 2
    assert (await _read(client, reader, as_of=starts.isoformat())).version.number == 2
    before = (starts - dt.timedelta(microseconds=1)).isoformat()
    assert (await _read(client, reader, as_of=before)).version.number == 1


async def test_a_past_effective_date_records_history(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.create("mql")
    await edit_draft(api, "mql", 1, {"effective_date": "2020-01-01"})
    published = decoded(await api.publish_through_review("mql", 1))
    assert _utc(published.version.effective_from) == dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    assert published.version.content.effective_date == dt.date(2020, 1, 1)
    assert decoded(await client.get("/v1/definitions/mql", params={"as_of": "2020-06-01"})).version.number == 1
    problem(await client.get("/v1/definitions/mql", params={"as_of": "2019-12-31"}), 404)


async def test_effective_dates_are_utc_days_whatever_the_database_time_zone(
    database_url: str, settings: Settings
) -> None:
    """A server whose sessions run at UTC+14 must not make tomorrow's definition take effect today."""
    admin = await asyncpg.connect(database_url)
    try:
        name = await admin.fetchval("SELECT current_database()")
        await admin.execute(f"ALTER DATABASE {name} SET timezone TO 'Pacific/Kiritimati'")
    finally:
        await admin.close()
    fresh = await asyncpg.connect(database_url)
    try:
        assert await fresh.fetchval("SHOW timezone") == "Pacific/Kiritimati"  # the premise: sessions default to +14
    finally:
        await fresh.close()
    async with AsyncTestClient(app=create_app(settings), base_url="http://canon.test") as client:
        client.headers["Authorization"] = f"Bearer {settings.bootstrap_admin_key}"
        api = Api(client)
        v1 = decoded(await api.published("mql"))
        today = _utc(v1.version.published_at).date()
        tomorrow = today + dt.timedelta(days=1)
        await start_version(api, "mql")
        await edit_draft(api, "mql", 2, {"effective_date": tomorrow.isoformat()})
        v2 = decoded(await api.publish_through_review("mql", 2))
        assert _utc(v2.version.effective_from) == dt.datetime.combine(tomorrow, dt.time(), tzinfo=dt.UTC)
        assert (await _read(client, as_of=today.isoformat())).version.number == 1
        assert (await _read(client, as_of=tomorrow.isoformat())).version.number == 2


# --- conditional GET ----------------------------------------------------------------------------------------------


async def test_if_none_match_answers_304_without_a_body_while_nothing_changed(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.published("mql")
    reader = await api.key("reader")
    first = await client.get("/v1/definitions/mql", headers=reader)
    tag = first.headers["ETag"]

    for candidate in (tag, f"W/{tag}", f'"nope", {tag}', "*"):
        unchanged = await client.get("/v1/definitions/mql", headers={**reader, "If-None-Match": candidate})
        assert unchanged.status_code == 304, (candidate, unchanged.text)
        assert unchanged.content == b""
        assert unchanged.headers["ETag"] == tag

    stale = await client.get("/v1/definitions/mql", headers={**reader, "If-None-Match": '"0"'})
    assert stale.status_code == 200
    assert stale.headers["ETag"] == tag
    assert decoded(stale) == decoded(first)

    # Any change to the entry changes its tag, so the old one no longer matches.
    author = await api.key("editor", "revops", "author")
    started = await client.post("/v1/definitions/mql/versions", json={"title": "MQL"}, headers=author)
    assert started.status_code == 201, started.text
    after = await client.get("/v1/definitions/mql", headers={**reader, "If-None-Match": tag})
    assert after.status_code == 200
    assert after.headers["ETag"] == started.headers["ETag"] != tag
    assert decoded(after).title == "Marketing Qualified Lead"  # the draft's new title is not released


# --- lists --------------------------------------------------------------------------------------------------------


async def _five_entries(api: Api) -> None:
    """account and lead published (lead with a v2 draft), mql published then retired, opportunity approved,
    sql in review."""
    await api.create("account", title="Account", tags=["crm"], owners=["sales"])
    await api.publish_through_review("account", 1, teams=("sales",))
    await api.create("lead", title="Lead", owners=["marketing"])
    await api.publish_through_review("lead", 1, teams=("marketing",))
    await start_version(api, "lead")
    await api.published("mql")
    assert (await api.client.post("/v1/definitions/mql/retire")).status_code == 200
    await api.create("opportunity", title="Opportunity", tags=["crm"], owners=["sales"])
    author = await api.key("editor", "revops", "author")
    assert (await api.client.post("/v1/definitions/opportunity/versions/1/submit", headers=author)).status_code == 200
    approval = await api.client.post(
        "/v1/definitions/opportunity/versions/1/approve", headers=await api.key("approver", "sales")
    )
    assert approval.status_code == 200, approval.text
    await api.create(
        "sql", title="Sales Qualified Lead", tags=["funnel", "sales"], owners=["sales"], required_teams=["finance"]
    )
    assert (await api.client.post("/v1/definitions/sql/versions/1/submit", headers=author)).status_code == 200


async def _slugs(client: AsyncTestClient[Any], headers: dict[str, str] | None = None, **params: Any) -> list[str]:
    page = decoded_list(await client.get("/v1/definitions", params=params, headers=headers))
    assert page.next_cursor is None
    return [item.slug for item in page.items]


async def test_list_filters_by_status_tag_team_and_prefix(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await _five_entries(api)
    reader = await api.key("reader")
    editor = await api.key("editor", "sales")

    assert await _slugs(client, reader) == ["account", "lead"]
    assert await _slugs(client, reader, status="published") == ["account", "lead"]
    assert await _slugs(client, reader, status="retired") == ["mql"]
    for hidden in ("draft", "in_review", "approved", "any"):
        refused = problem(await client.get("/v1/definitions", params={"status": hidden}, headers=reader), 403)
        assert refused.detail == f"listing {hidden} definitions needs the editor role"

    assert await _slugs(client, editor) == ["account", "lead", "mql", "opportunity", "sql"]
    assert await _slugs(client, editor, status="any") == ["account", "lead", "mql", "opportunity", "sql"]
    assert await _slugs(client, editor, status="published") == ["account", "lead"]
    assert await _slugs(client, editor, status="draft") == ["lead"]
    assert await _slugs(client, editor, status="in_review") == ["sql"]
    assert await _slugs(client, editor, status="approved") == ["opportunity"]
    assert await _slugs(client, editor, status="retired") == ["mql"]

    assert await _slugs(client, editor, tag="funnel") == ["lead", "mql", "sql"]
    assert await _slugs(client, editor, tag="crm") == ["account", "opportunity"]
    assert await _slugs(client, editor, tag="fun") == []  # tags match exactly
    assert await _slugs(client, reader, tag="funnel") == ["lead"]
    assert await _slugs(client, editor, team="marketing") == ["lead", "mql"]
    assert await _slugs(client, editor, team="finance") == ["sql"]  # a required team counts as well as an owner
    assert await _slugs(client, editor, team="sales") == ["account", "mql", "opportunity", "sql"]
    assert await _slugs(client, editor, tag="funnel", team="sales") == ["mql", "sql"]

    assert await _slugs(client, editor, q="l") == ["lead"]
    assert await _slugs(client, editor, q="s") == ["sql"]  # slug and title both start with s
    assert await _slugs(client, editor, q="MARK") == ["mql"]  # title, case-insensitively
    assert await _slugs(client, editor, q="sales qual") == ["sql"]
    assert await _slugs(client, editor, q="qualified") == []  # a prefix, not a substring
    assert await _slugs(client, editor, q="%") == []  # LIKE wildcards are literal
    assert await _slugs(client, editor, q="_") == []
    assert await _slugs(client, reader, q="m") == []  # mql is retired

    page = decoded_list(await client.get("/v1/definitions", headers=editor))
    summaries = {item.slug: item for item in page.items}
    assert summaries["lead"].open_version is not None
    assert (summaries["lead"].open_version.number, summaries["lead"].open_version.status) == (2, "draft")
    assert (summaries["lead"].current_version, summaries["lead"].latest_version) == (1, 2)
    assert summaries["account"].open_version is None
    assert summaries["opportunity"].open_version is not None
    assert summaries["opportunity"].open_version.status == "approved"
    assert (summaries["mql"].retired, summaries["sql"].required_teams) == (True, ["finance"])


async def test_list_pages_visit_every_entry_exactly_once(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await _five_entries(api)

    async def walk(limit: int, headers: dict[str, str] | None = None, **params: Any) -> list[list[str]]:
        pages: list[list[str]] = []
        cursor: str | None = None
        while True:
            query = {**params, "limit": limit, **({"cursor": cursor} if cursor else {})}
            page = decoded_list(await client.get("/v1/definitions", params=query, headers=headers))
            pages.append([item.slug for item in page.items])
            cursor = page.next_cursor
            if cursor is None:
                return pages
            assert len(pages) < 10, pages

    assert await walk(2) == [["account", "lead"], ["mql", "opportunity"], ["sql"]]
    assert await walk(1, tag="funnel") == [["lead"], ["mql"], ["sql"]]
    assert await walk(5) == [["account", "lead", "mql", "opportunity", "sql"]]
    assert await walk(200) == [["account", "lead", "mql", "opportunity", "sql"]]
    assert await walk(1, await api.key("reader")) == [["account"], ["lead"]]


async def test_list_refuses_bad_limits_and_cursors(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.published("mql")
    for limit in (0, 201, -1):
        found = problem(await client.get("/v1/definitions", params={"limit": limit}), 422)
        assert found.errors is not None
        assert [(e.pointer, e.source) for e in found.errors] == [("limit", "query")]
    for cursor in ("not a cursor!", "WzEsMl0", base64.urlsafe_b64encode(b"{}").decode()):
        found = problem(await client.get("/v1/definitions", params={"cursor": cursor}), 422)
        assert found.errors is not None
        assert [(e.pointer, e.source) for e in found.errors] == [("cursor", "query")]
    bad_status = problem(await client.get("/v1/definitions", params={"status": "deleted"}), 422)
    assert bad_status.errors is not None
    assert [(e.pointer, e.source) for e in bad_status.errors] == [("status", "query")]


# --- versions -----------------------------------------------------------------------------------------------------


async def test_versions_are_listed_newest_first_and_readers_see_only_released_ones(
    client: AsyncTestClient[Any],
) -> None:
    api = Api(client)
    await _two_published_versions(api)
    await start_version(api, "mql")
    reader = await api.key("reader")

    page = decoded_versions(await client.get("/v1/definitions/mql/versions"))
    assert [(v.number, v.status) for v in page.items] == [(3, "draft"), (2, "published"), (1, "superseded")]
    assert page.next_cursor is None
    assert [v.based_on for v in page.items] == [2, 1, None]
    assert page.items[1].content.aliases == ["MQL", ALIAS]

    page = decoded_versions(await client.get("/v1/definitions/mql/versions", headers=reader))
    assert [(v.number, v.status) for v in page.items] == [(2, "published"), (1, "superseded")]

    seen: list[int] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        page = decoded_versions(await client.get("/v1/definitions/mql/versions", params=params))
        seen.extend(v.number for v in page.items)
        cursor = page.next_cursor
        if cursor is None:
            break
        assert len(seen) < 5
    assert seen == [3, 2, 1]

    problem(await client.get("/v1/definitions/nope/versions"), 404)
    for bad in ("garbage!", base64.urlsafe_b64encode(b'["x"]').decode(), base64.urlsafe_b64encode(b"[1e99]").decode()):
        found = problem(await client.get("/v1/definitions/mql/versions", params={"cursor": bad}), 422)
        assert found.errors is not None
        assert [(e.pointer, e.source) for e in found.errors] == [("cursor", "query")]


async def test_a_reader_lists_no_versions_of_an_unpublished_definition(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.create("mql")
    page = decoded_versions(await client.get("/v1/definitions/mql/versions", headers=await api.key("reader")))
    assert (page.items, page.next_cursor) == ([], None)
    page = decoded_versions(await client.get("/v1/definitions/mql/versions"))
    assert [(v.number, v.status) for v in page.items] == [(1, "draft")]


# --- diff ---------------------------------------------------------------------------------------------------------


V1_TO_V2_BODY = (
    "--- v1\n"
    "+++ v2\n"
    "@@ -1,3 +1,5 @@\n"
    " # MQL\n"
    " \n"
    "-Fit and engagement.\n"
    "+Fit and engagement, within 30 days.\n"
    "+\n"
    "+Owned by marketing.\n"
)
V2_TO_V1_BODY = (
    "--- v2\n"
    "+++ v1\n"
    "@@ -1,5 +1,3 @@\n"
    " # MQL\n"
    " \n"
    "-Fit and engagement, within 30 days.\n"
    "-\n"
    "-Owned by marketing.\n"
    "+Fit and engagement.\n"
)


async def test_diff_lists_field_changes_and_line_diffs_both_ways(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await _two_published_versions(api, {"aliases": ["MQL", ALIAS], "body": V2_BODY, "effective_date": "2020-01-01"})
    reader = await api.key("reader")

    forward = await client.get("/v1/definitions/mql/diff", params={"from": 1, "to": 2}, headers=reader)
    assert forward.status_code == 200, forward.text
    assert forward.json() == {
        "from_version": 1,
        "to_version": 2,
        "changes": [
            {
                "field": "aliases",
                "change": "modified",
                "before": ["MQL"],
                "after": ["MQL", ALIAS],
                "added_items": [ALIAS],
                "removed_items": [],
            },
            {"field": "body", "change": "modified", "before": "# MQL\n\nFit and engagement.\n", "after": V2_BODY},
            {"field": "effective_date", "change": "added", "after": "2020-01-01"},
        ],
        "text": [{"field": "body", "unified": V1_TO_V2_BODY, "added_lines": 3, "removed_lines": 1}],
        "criteria_changes": [],
        "summary": f"effective date 1 Jan 2020 (was none); aliases +{ALIAS}; body edited",
    }

    backward = await client.get("/v1/definitions/mql/diff", params={"from": 2, "to": 1}, headers=reader)
    assert backward.status_code == 200, backward.text
    assert backward.json() == {
        "from_version": 2,
        "to_version": 1,
        "changes": [
            {
                "field": "aliases",
                "change": "modified",
                "before": ["MQL", ALIAS],
                "after": ["MQL"],
                "added_items": [],
                "removed_items": [ALIAS],
            },
            {"field": "body", "change": "modified", "before": V2_BODY, "after": "# MQL\n\nFit and engagement.\n"},
            {"field": "effective_date", "change": "removed", "before": "2020-01-01"},
        ],
        "text": [{"field": "body", "unified": V2_TO_V1_BODY, "added_lines": 1, "removed_lines": 3}],
        "criteria_changes": [],
        "summary": f"effective date none (was 1 Jan 2020); aliases -{ALIAS}; body edited",
    }

    same = await client.get("/v1/definitions/mql/diff", params={"from": 2, "to": 2}, headers=reader)
    assert same.json() == {
        "from_version": 2,
        "to_version": 2,
        "changes": [],
        "text": [],
        "criteria_changes": [],
        "summary": "no changes",
    }


async def test_diff_compares_criteria_rule_by_rule(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    criteria = {
        "all": [
            {"field": "company.employees", "op": "gte", "value": 100},
            {
                "any": [
                    {"field": "score", "op": "gte", "value": 60},
                    {"field": "requested_demo", "op": "eq", "value": True},
                ]
            },
            {"field": "country", "op": "in", "value": ["US", "CA"]},
        ]
    }
    await _two_published_versions(api, {"criteria": criteria})
    reader = await api.key("reader")

    response = await client.get("/v1/definitions/mql/diff", params={"from": 1, "to": 2}, headers=reader)
    assert response.status_code == 200, response.text
    body = response.json()
    # The criteria's field change keeps both whole trees, as it always had; the rules are compared one by one.
    assert body["changes"] == [{"field": "criteria", "change": "modified", "before": MQL_CRITERIA, "after": criteria}]
    assert body["criteria_changes"] == [
        {
            "change": "modified",
            "path": "/all/0",
            "text": "/all/0 company.employees gte: 50 → 100",
            "phrase": "company.employees ≥ 100 (was ≥ 50)",
            "before": "company.employees gte 50",
            "after": "company.employees gte 100",
        },
        {
            "change": "added",
            "path": "/all/2",
            "text": "added: country in [US, CA]",
            "phrase": "added country in [US, CA]",
            "after": "country in [US, CA]",
        },
    ]
    assert body["summary"] == "company.employees ≥ 100 (was ≥ 50); added country in [US, CA]"


async def test_diff_needs_both_versions_and_hides_open_ones_from_readers(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.published("mql")
    await start_version(api, "mql")
    await edit_draft(api, "mql", 2, {"summary": "Draft summary."})
    reader = await api.key("reader")

    unknown = problem(await client.get("/v1/definitions/mql/diff", params={"from": 1, "to": 9}), 404)
    assert unknown.detail == "definition 'mql' has no version 9 visible to this key"
    problem(await client.get("/v1/definitions/nope/diff", params={"from": 1, "to": 2}), 404)
    hidden = problem(await client.get("/v1/definitions/mql/diff", params={"from": 1, "to": 2}, headers=reader), 404)
    assert hidden.detail == "definition 'mql' has no version 2 visible to this key"

    visible = await client.get("/v1/definitions/mql/diff", params={"from": 1, "to": 2})
    assert visible.status_code == 200, visible.text
    assert visible.json()["changes"] == [
        {
            "field": "summary",
            "change": "modified",
            "before": "A lead worth a sales conversation.",
            "after": "Draft summary.",
        }
    ]
    assert visible.json()["text"] == []

    for params, name in (
        ({"to": 2}, "from"),
        ({"from": 1}, "to"),
        ({"from": 0, "to": 1}, "from"),
        ({"from": "one", "to": 2}, "from"),
        ({"from": 1, "to": 1_000_001}, "to"),
    ):
        found = problem(await client.get("/v1/definitions/mql/diff", params=params), 422)
        assert found.errors is not None, params
        assert [(e.pointer, e.source) for e in found.errors] == [(name, "query")], params


# --- evaluate -----------------------------------------------------------------------------------------------------


QUALIFYING = {"company": {"employees": 300, "country": "DE"}, "score": 72}
FAILING = {"company": {"employees": 10}, "score": 72, "requested_demo": False}


async def test_evaluate_reports_a_match_and_every_rule_outcome(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.published("mql")
    reader = await api.key("reader")

    matched = await client.post("/v1/definitions/mql/evaluate", json={"record": QUALIFYING}, headers=reader)
    assert matched.status_code == 200, matched.text
    assert matched.json() == {
        "slug": "mql",
        "version": 1,
        "matched": True,
        "outcomes": [
            {"path": "", "rule": "all of 2 rules", "passed": True, "actual": None, "reason": None},
            {"path": "/all/0", "rule": "company.employees gte 50", "passed": True, "actual": 300, "reason": None},
            {"path": "/all/1", "rule": "any of 2 rules", "passed": True, "actual": None, "reason": None},
            {"path": "/all/1/any/0", "rule": "score gte 60", "passed": True, "actual": 72, "reason": None},
            {
                "path": "/all/1/any/1",
                "rule": "requested_demo eq true",
                "passed": False,
                "actual": None,
                "reason": "field missing",
            },
        ],
    }

    failed = await client.post("/v1/definitions/mql/evaluate", json={"record": FAILING}, headers=reader)
    assert failed.status_code == 200, failed.text
    assert failed.json() == {
        "slug": "mql",
        "version": 1,
        "matched": False,
        "outcomes": [
            {"path": "", "rule": "all of 2 rules", "passed": False, "actual": None, "reason": "1 of 2 rules failed"},
            {
                "path": "/all/0",
                "rule": "company.employees gte 50",
                "passed": False,
                "actual": 10,
                "reason": "not greater than or equal to 50",
            },
            {"path": "/all/1", "rule": "any of 2 rules", "passed": True, "actual": None, "reason": None},
            {"path": "/all/1/any/0", "rule": "score gte 60", "passed": True, "actual": 72, "reason": None},
            {
                "path": "/all/1/any/1",
                "rule": "requested_demo eq true",
                "passed": False,
                "actual": False,
                "reason": "not equal to true",
            },
        ],
    }


async def test_evaluate_uses_the_current_version_unless_told_otherwise(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    stricter = {"all": [{"field": "company.employees", "op": "gte", "value": 500}, MQL_CRITERIA["all"][1]]}
    await _two_published_versions(api, {"criteria": stricter})
    await start_version(api, "mql")
    await edit_draft(api, "mql", 3, {"criteria": {"field": "score", "op": "gte", "value": 90}})
    reader = await api.key("reader")

    async def evaluate(headers: dict[str, str] | None = None, **body: Any) -> dict[str, Any]:
        response = await client.post(
            "/v1/definitions/mql/evaluate", json={"record": QUALIFYING, **body}, headers=headers
        )
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    current = await evaluate(reader)
    assert (current["version"], current["matched"]) == (2, False)
    assert [o["path"] for o in current["outcomes"] if not o["passed"]] == ["", "/all/0", "/all/1/any/1"]
    assert current["outcomes"][1]["reason"] == "not greater than or equal to 500"
    older = await evaluate(reader, version=1)
    assert (older["version"], older["matched"]) == (1, True)
    draft = await evaluate(version=3)  # editors (here the admin) may evaluate a draft
    assert (draft["version"], draft["matched"]) == (3, False)
    assert draft["outcomes"] == [
        {"path": "", "rule": "score gte 90", "passed": False, "actual": 72, "reason": "not greater than or equal to 90"}
    ]
    hidden = await client.post(
        "/v1/definitions/mql/evaluate", json={"record": QUALIFYING, "version": 3}, headers=reader
    )
    assert problem(hidden, 404).detail == "definition 'mql' has no version 3 visible to this key"
    problem(await client.post("/v1/definitions/mql/evaluate", json={"record": QUALIFYING, "version": 9}), 404)


async def test_evaluate_refuses_what_it_cannot_evaluate(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.create("mql")
    unpublished = problem(await client.post("/v1/definitions/mql/evaluate", json={"record": QUALIFYING}), 404)
    assert unpublished.detail == "definition 'mql' has no published version in effect yet; give a version to evaluate"
    problem(await client.post("/v1/definitions/nope/evaluate", json={"record": QUALIFYING}), 404)

    content = {"summary": "No machine-readable rule.", "criteria": None}
    await api.create("lead", title="Lead", content=content)
    await api.publish_through_review("lead", 1)
    no_criteria = problem(await client.post("/v1/definitions/lead/evaluate", json={"record": QUALIFYING}), 409)
    assert no_criteria.detail == "version 1 of 'lead' has no criteria to evaluate"

    for body, pointer in (
        ({"record": [1, 2]}, "/record"),
        ({"record": "lead"}, "/record"),
        ({"record": None}, "/record"),
        ({"record": QUALIFYING, "version": 0}, "/version"),
    ):
        found = problem(await client.post("/v1/definitions/mql/evaluate", json=body), 422)
        assert found.errors is not None, body
        assert [(e.pointer, e.source) for e in found.errors] == [(pointer, "body")], body
    missing = problem(await client.post("/v1/definitions/mql/evaluate", json={}), 422)
    assert missing.errors is not None
    assert len(missing.errors) == 1


async def test_readers_do_not_learn_of_versions_in_progress_from_lists(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.published("mql")
    editor = await api.key("editor", "revops", "author")
    assert (await client.post("/v1/definitions/mql/versions", json={}, headers=editor)).status_code == 201
    reader_view = (await client.get("/v1/definitions", headers=await api.key("reader"))).json()["items"]
    editor_view = (await client.get("/v1/definitions", headers=editor)).json()["items"]
    assert [item["open_version"] for item in reader_view] == [None]
    assert [item["open_version"] for item in editor_view] == [{"number": 2, "status": "draft"}]


async def test_as_of_accepts_only_dates_and_rfc_3339_times(client: AsyncTestClient[Any]) -> None:
    await Api(client).published("mql")
    for bad in ("20261101", "2026-W48", "2026-11-01T10", "2026-11-01T10:00:00+0100"):
        found = problem(await client.get("/v1/definitions/mql", params={"as_of": bad}), 422)
        assert [(e.pointer, e.source) for e in found.errors or []] == [("as_of", "query")], bad
