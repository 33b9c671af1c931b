"""Subscriptions by team: a subscription's `teams` lets through the events of entries that those teams own, must
approve, review or are asked to acknowledge, beside its types, tags and slugs; team names are checked like owners."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar.testing import AsyncTestClient

from service.config import Settings
from service.store.database import Pool
from tests.support import Api, edit_draft, entry_events, full_problem, start_version
from tests.webhook_fixtures import Receiver, running_worker, settled, subscribe, until

Receivers = Callable[..., Receiver]
HOOK = "http://127.0.0.1:9/hook"  # never contacted: the API tests run no worker


def seen(receiver: Receiver) -> list[tuple[str, str | None]]:
    return sorted((hit.type, hit.slug) for hit in receiver.hits)


async def test_team_names_are_checked_and_kept(hook_client: AsyncTestClient[Any]) -> None:
    hook = await subscribe(hook_client, HOOK, teams=["sales", "field-marketing"])
    assert hook.body["webhook"]["teams"] == ["sales", "field-marketing"]
    patched = await hook_client.patch(f"/v1/webhooks/{hook.id}", json={"teams": []})
    assert patched.status_code == 200, patched.text
    assert patched.json()["teams"] == []

    for teams, pointer in (
        (["Sales"], "/teams/0"),
        (["sales", "sales team"], "/teams/1"),
        ([""], "/teams/0"),
        (["x" * 65], "/teams/0"),
        ("sales", "/teams"),
        ([f"team-{n}" for n in range(51)], "/teams"),
    ):
        problem = full_problem(await hook_client.post("/v1/webhooks", json={"url": HOOK, "teams": teams}), 422)
        assert problem.errors is not None
        assert [e.pointer for e in problem.errors] == [pointer], teams
        problem = full_problem(await hook_client.patch(f"/v1/webhooks/{hook.id}", json={"teams": teams}), 422)
        assert problem.errors is not None
        assert [e.pointer for e in problem.errors] == [pointer], teams
    assert (await hook_client.get(f"/v1/webhooks/{hook.id}")).json()["teams"] == []


async def test_events_carry_every_team_their_version_concerns(hook_client: AsyncTestClient[Any]) -> None:
    api = Api(hook_client)
    await api.published("mql", owners=["marketing"], required_teams=["marketing", "sales"])
    events = {event["type"]: event["data"] for event in await entry_events(hook_client, "mql")}
    assert events["definition.created"]["teams"] == ["marketing", "sales"]
    assert events["definition.published"]["teams"] == ["marketing", "sales"]

    # A version that drops sales still needs sales's approval (the version in effect requires it): sales reviews it.
    await start_version(api, "mql")
    await edit_draft(api, "mql", 2, {"required_teams": ["marketing"], "owners": ["marketing"]})
    submitted = await hook_client.post(
        "/v1/definitions/mql/versions/2/submit", headers=await api.key("editor", "revops", "author")
    )
    assert submitted.status_code == 200, submitted.text
    events = {event["type"]: event["data"] for event in await entry_events(hook_client, "mql")}
    assert events["definition.draft_updated"]["teams"] == ["marketing"]
    assert events["definition.submitted"]["teams"] == ["marketing", "sales"]


async def test_a_team_filter_lets_through_what_concerns_its_teams(
    hook_client: AsyncTestClient[Any], hook_pool: Pool, hook_settings: Settings, receivers: Receivers
) -> None:
    legal, sales_funnel, finance_created, everything = (receivers() for _ in range(4))
    await subscribe(hook_client, legal.url, teams=["legal"])
    await subscribe(hook_client, sales_funnel.url, teams=["sales", "nobody"], tags=["funnel"])
    await subscribe(hook_client, finance_created.url, teams=["finance"], event_types=["*.created"])
    await subscribe(hook_client, everything.url)
    api = Api(hook_client)
    async with running_worker(hook_pool, hook_settings):
        await api.create("mql")  # owned by marketing and sales, tagged funnel
        await api.create("contract", owners=["legal"], tags=["terms"])  # owned by legal
        await api.create("arr", owners=["finance"], required_teams=["finance", "legal"], tags=["funnel"])
        await api.create("sql", owners=["sales"], tags=["pipeline"])  # sales, but not tagged funnel
        await until(lambda: len(everything.hits) == 4, what="every event at the catch-all subscriber")
        await until(lambda: settled(hook_pool), what="every delivery")

    assert seen(legal) == [("definition.created", "arr"), ("definition.created", "contract")]
    assert seen(sales_funnel) == [("definition.created", "mql")]
    assert seen(finance_created) == [("definition.created", "arr")]
    for hit in legal.hits:
        assert "legal" in hit.json["data"]["teams"]


async def test_the_teams_asked_to_acknowledge_a_version_hear_of_it(
    hook_client: AsyncTestClient[Any], hook_pool: Pool, hook_settings: Settings, receivers: Receivers
) -> None:
    field_sales, everything = receivers(), receivers()
    await subscribe(hook_client, field_sales.url, teams=["field-sales"], event_types=["definition.published"])
    await subscribe(hook_client, everything.url, event_types=["definition.published"])
    api = Api(hook_client)
    async with running_worker(hook_pool, hook_settings):
        await api.published("mql", acknowledge_teams=["field-sales"])
        await api.published("sql")  # not addressed to field-sales
        await until(lambda: len(everything.hits) == 2, what="both publications at the catch-all subscriber")
        await until(lambda: settled(hook_pool, 3), what="the deliveries")

    [hit] = field_sales.hits
    assert (hit.type, hit.slug) == ("definition.published", "mql")
    assert hit.json["data"]["teams"] == ["field-sales", "marketing", "sales"]
