"""Every published, effective and review event says in one line how its version differs from the one in effect."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.support import MQL_CRITERIA, Api, edit_draft, entry_events, start_version

STRICTER = {
    "all": [
        {"field": "company.employees", "op": "gte", "value": 100},
        MQL_CRITERIA["all"][1],
        {"field": "country", "op": "in", "value": ["US", "CA"]},
    ]
}
CHANGE = "company.employees ≥ 100 (was ≥ 50); added country in [US, CA]; owners +revops"


def summaries(events: list[dict[str, Any]], version: int) -> dict[str, str | None]:
    """The summary of each type of event about `version` (the last one of each type)."""
    return {
        event["type"].split(".", 1)[1]: event["data"].get("summary")
        for event in events
        if event["data"].get("version") == version
    }


async def test_review_publish_and_effect_events_carry_the_change_in_one_line(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.published("mql")
    await start_version(api, "mql")
    await edit_draft(api, "mql", 2, {"criteria": STRICTER, "owners": ["marketing", "sales", "revops"]})
    editor = await api.key("editor", "revops", "author")
    await client.post("/v1/definitions/mql/versions/2/submit", headers=editor)
    sales = await api.key("approver", "sales")
    rejected = await client.post(
        "/v1/definitions/mql/versions/2/reject", json={"comment": "Say why 100."}, headers=sales
    )
    assert rejected.status_code == 200, rejected.text
    await api.publish_through_review("mql", 2)

    events = await entry_events(client, "mql")
    first = summaries(events, 1)
    assert (first["submitted"], first["approved"], first["published"], first["effective"]) == ("first version",) * 4
    assert first["created"] is None  # only the events that announce a change to review or to use carry one
    second = summaries(events, 2)
    assert second["draft_updated"] is None
    for action in ("submitted", "rejected", "approved", "published", "effective"):
        assert second[action] == CHANGE, action


async def test_a_summary_stays_short_however_much_changed(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.published("mql")
    await start_version(api, "mql")
    many = {"all": [{"field": f"field_{n:03d}", "op": "eq", "value": "x" * 20} for n in range(40)]}
    await edit_draft(api, "mql", 2, {"criteria": many, "title": "T" * 200, "body": "new"})
    await api.publish_through_review("mql", 2)

    [published] = [e for e in await entry_events(client, "mql") if e["type"] == "definition.published"][1:]
    summary = published["data"]["summary"]
    assert len(summary) <= 300
    assert summary.startswith("removed company.employees ≥ 50; removed any of (score ≥ 60, requested_demo = true)")
    assert summary.endswith(" more")
