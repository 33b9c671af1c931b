"""Time you can trust: which version is in effect when, scheduled versions, rollbacks, back-dating, `known_at`.

Each case found in review is here, and failed on the code before the timeline rule (issue 13).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from service.config import Settings
from service.store.database import Pool
from tests.asset_fixtures import PDF, PDF_V2, author, decoded_asset, publish_entry, published_asset, upload
from tests.support import Api, decoded, decoded_versions, edit_draft, entry_events, problem, start_version
from tests.webhook_fixtures import running_worker

QUALIFYING = {"company": {"employees": 300}, "score": 72}
STRICTER = {"all": [{"field": "company.employees", "op": "gte", "value": 1000}]}


def days_from_today(days: int) -> str:
    return (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=days)).isoformat()


async def schedule_v2(api: Api, effective_date: str) -> None:
    """mql v1 in effect; v2 (stricter criteria) published to take effect on `effective_date`."""
    await api.published("mql")
    await start_version(api, "mql")
    await edit_draft(api, "mql", 2, {"criteria": STRICTER, "effective_date": effective_date})
    await api.publish_through_review("mql", 2)


async def evaluate(client: AsyncTestClient[Any], **extra: Any) -> Any:
    response = await client.post("/v1/definitions/mql/evaluate", json={"record": QUALIFYING, **extra})
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_version_scheduled_for_later_is_not_in_effect_yet(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    later = days_from_today(30)
    await schedule_v2(api, later)

    reader = await api.key("reader")
    current = decoded(await client.get("/v1/definitions/mql", headers=reader))
    assert (current.current_version, current.version.number, current.version.in_effect) == (1, 1, True)
    assert current.upcoming is not None
    assert (current.upcoming.version, current.upcoming.effective_at.date().isoformat()) == (2, later)
    now = dt.datetime.now(dt.UTC).isoformat()
    assert decoded(await client.get("/v1/definitions/mql", params={"as_of": now})).version.number == 1
    assert decoded(await client.get("/v1/definitions/mql", params={"as_of": later})).version.number == 2
    assert (await evaluate(client))["version"] == 1
    assert (await evaluate(client))["matched"] is True
    assert (await evaluate(client, as_of=later))["version"] == 2
    assert (await evaluate(client, as_of=later))["matched"] is False

    versions = {v.number: v for v in decoded_versions(await client.get("/v1/definitions/mql/versions")).items}
    assert (versions[2].status, versions[2].scheduled, versions[2].in_effect) == ("published", True, False)
    assert (versions[1].status, versions[1].scheduled, versions[1].in_effect) == ("published", False, True)
    published = [e for e in await entry_events(client, "mql") if e["data"]["version"] == 2]
    assert [e["type"] for e in published][-1] == "definition.published"
    assert published[-1]["data"]["effective_at"].startswith(later)


async def test_a_rollback_cancels_a_scheduled_version_for_good(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    later = days_from_today(30)
    await schedule_v2(api, later)
    await start_version(api, "mql", {"from_version": 1})
    await api.publish_through_review("mql", 3)

    after = days_from_today(60)
    for as_of in (later, after, "2099-01-01"):
        read = decoded(await client.get("/v1/definitions/mql", params={"as_of": as_of}))
        assert read.version.number == 3, as_of
    current = decoded(await client.get("/v1/definitions/mql"))
    assert (current.current_version, current.upcoming) == (3, None)
    versions = {v.number: v for v in decoded_versions(await client.get("/v1/definitions/mql/versions")).items}
    assert [versions[n].status for n in (1, 2, 3)] == ["superseded", "superseded", "published"]
    # As Canon knew it before the rollback, v2 was to take effect then.
    before_rollback = versions[3].published_at - dt.timedelta(milliseconds=1)  # type: ignore[operator]
    then = await client.get("/v1/definitions/mql", params={"as_of": after, "known_at": before_rollback.isoformat()})
    assert decoded(then).version.number == 2


async def test_history_from_before_canon_can_be_recorded(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.published("mql")
    await start_version(api, "mql")
    await edit_draft(api, "mql", 2, {"summary": "What applied in March.", "effective_date": "2026-03-01"})
    published = decoded(await api.publish_through_review("mql", 2))
    assert published.version.effective_from == dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    march = decoded(await client.get("/v1/definitions/mql", params={"as_of": "2026-03-15"}))
    assert march.version.content.summary == "What applied in March."
    # Published later than v1 and effective before it: it owns everything from March on.
    assert decoded(await client.get("/v1/definitions/mql")).version.number == 2
    # Before it was recorded, nobody could have read it as the one in effect in March.
    known = decoded(await client.get("/v1/definitions/mql", params={"version": 1})).version.published_at
    assert known is not None
    missing = await client.get("/v1/definitions/mql", params={"as_of": "2026-03-15", "known_at": known.isoformat()})
    problem(missing, 404)
    effective = [e["data"] for e in await entry_events(client, "mql") if e["type"] == "definition.effective"]
    assert [(d["version"], d.get("previous_version"), d.get("backdated")) for d in effective] == [
        (1, None, None),
        (2, 1, True),
    ]


async def test_evaluating_a_retired_definition_is_410_unless_as_of_before_it(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.published("mql")
    before = dt.datetime.now(dt.UTC).isoformat()
    await asyncio.sleep(0.01)
    assert (await client.post("/v1/definitions/mql/retire")).status_code == 200
    gone = await client.post("/v1/definitions/mql/evaluate", json={"record": QUALIFYING})
    assert "retired" in (problem(gone, 410).detail or "")
    assert (await evaluate(client, as_of=before))["version"] == 1
    bad = await client.post("/v1/definitions/mql/evaluate", json={"record": QUALIFYING, "as_of": "soon"})
    found = problem(bad, 422)
    assert found.errors is not None
    assert [(e.pointer, e.source) for e in found.errors] == [("/as_of", "body")]


async def test_known_at_and_as_of_that_do_not_parse_are_422(client: AsyncTestClient[Any]) -> None:
    await Api(client).published("mql")
    for params in ({"known_at": "yesterday"}, {"as_of": "2026-13-01"}, {"version": 1, "known_at": "2026-01-01"}):
        problem(await client.get("/v1/definitions/mql", params=params), 422)


async def move_v2_instant(database_url: str, instant_sql: str) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(f"UPDATE versions SET effective_from = {instant_sql} WHERE number = 2")
    finally:
        await conn.close()


async def wait_until_current(client: AsyncTestClient[Any], number: int, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.1)):
        if decoded(await client.get("/v1/definitions/mql")).current_version == number:
            return
        await asyncio.sleep(0.1)


async def test_the_worker_makes_a_scheduled_version_current_at_its_instant(
    client: AsyncTestClient[Any], settings: Settings, hook_pool: Pool, database_url: str
) -> None:
    await schedule_v2(Api(client), days_from_today(1))
    await move_v2_instant(database_url, "now() + interval '1 second'")  # it draws near: a test cannot wait for midnight
    async with running_worker(hook_pool, settings):
        await wait_until_current(client, 2)
    current = decoded(await client.get("/v1/definitions/mql"))
    assert (current.current_version, current.version.number, current.upcoming) == (2, 2, None)
    assert (await evaluate(client))["version"] == 2
    effective = [e["data"] for e in await entry_events(client, "mql") if e["type"] == "definition.effective"]
    assert [(d["version"], d.get("previous_version"), d["actor"]["subject"]) for d in effective][-1] == (
        2,
        1,
        "canon-worker",
    )


async def test_a_worker_started_after_the_instant_catches_up(
    client: AsyncTestClient[Any], settings: Settings, hook_pool: Pool, database_url: str
) -> None:
    await schedule_v2(Api(client), days_from_today(1))
    # Its instant passed while no worker ran (just after its publication: an instant comes after the publish).
    await move_v2_instant(database_url, "published_at + interval '1 millisecond'")
    assert decoded(await client.get("/v1/definitions/mql")).current_version == 1  # nobody has settled it yet
    async with running_worker(hook_pool, settings):
        await wait_until_current(client, 2)
    assert decoded(await client.get("/v1/definitions/mql")).current_version == 2
    versions = {v.number: v for v in decoded_versions(await client.get("/v1/definitions/mql/versions")).items}
    assert versions[1].status == "superseded"


async def test_an_assets_file_as_of_a_date_is_the_one_then_in_effect(local_client: AsyncTestClient[Any]) -> None:
    api = Api(local_client)
    first = decoded_asset(await published_asset(api))
    between = dt.datetime.now(dt.UTC).isoformat()
    await asyncio.sleep(0.01)
    started = await local_client.post("/v1/assets/pricing-deck/versions", json={}, headers=await author(api))
    assert started.status_code == 201, started.text
    assert (await upload(api, "pricing-deck", 2, PDF_V2)).status_code == 200
    await publish_entry(api, "assets", "pricing-deck", 2)

    async def file_at(**params: str) -> bytes:
        response = await local_client.get("/v1/assets/pricing-deck/content", params=params)
        assert response.status_code == 200, response.text
        return response.content

    assert await file_at() == PDF_V2
    assert await file_at(as_of=between) == PDF
    assert await file_at(known_at=between) == PDF
    assert first.version.number == 1
    problem(await local_client.get("/v1/assets/pricing-deck/content", params={"as_of": "2000-01-01"}), 404)
    problem(await local_client.get("/v1/assets/pricing-deck/content", params={"as_of": "never"}), 422)
    problem(await local_client.get("/v1/assets/pricing-deck/content", params={"version": 1, "as_of": between}), 422)


async def test_retirement_ends_the_timeline_for_reads_as_of_a_later_date(client: AsyncTestClient[Any]) -> None:
    await Api(client).published("mql")
    before = dt.datetime.now(dt.UTC).isoformat()
    await asyncio.sleep(0.01)
    assert (await client.post("/v1/definitions/mql/retire")).status_code == 200
    assert decoded(await client.get("/v1/definitions/mql", params={"as_of": before})).version.number == 1
    later = await client.get("/v1/definitions/mql", params={"as_of": dt.datetime.now(dt.UTC).isoformat()})
    assert "retired" in (problem(later, 410).detail or "")
    # The entry itself still reads, saying it is retired.
    assert decoded(await client.get("/v1/definitions/mql")).retired is True


async def test_a_diff_between_the_versions_in_effect_at_two_dates(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.published("mql")
    march = dt.datetime.now(dt.UTC).isoformat()
    await asyncio.sleep(0.01)
    await start_version(api, "mql")
    await edit_draft(api, "mql", 2, {"summary": "Sharper."})
    await api.publish_through_review("mql", 2)
    now = dt.datetime.now(dt.UTC).isoformat()
    response = await client.get("/v1/definitions/mql/diff", params={"from_as_of": march, "to_as_of": now})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["from_version"], body["to_version"]) == (1, 2)
    assert [c["field"] for c in body["changes"]] == ["summary"]
    mixed = await client.get("/v1/definitions/mql/diff", params={"from": 1, "to_as_of": now})
    assert (mixed.json()["from_version"], mixed.json()["to_version"]) == (1, 2)
    for params in ({"to": 2}, {"from": 1, "from_as_of": march, "to": 2}, {"from_as_of": "2000-01-01", "to": 2}):
        problem(await client.get("/v1/definitions/mql/diff", params=params), 404 if "2000" in str(params) else 422)
