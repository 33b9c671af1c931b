"""Replays are bounded per subscription: while CANON_REPLAY_MAX_IN_FLIGHT deliveries to it are pending, a replay is
refused with 429 and Retry-After, and one queues no more than the room left; other subscriptions are unaffected."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from service.config import Settings
from service.store.database import Pool
from tests.asset_fixtures import running_client
from tests.support import Api, full_problem
from tests.webhook_fixtures import deliveries, subscribe, webhook_settings

HOOK = "http://127.0.0.1:9/hook"  # never contacted: no worker runs
EVER = {"since": "2000-01-01T00:00:00Z"}


@pytest.fixture
async def bounded_client(settings: Settings, tmp_path: Path) -> AsyncIterator[AsyncTestClient[Any]]:
    async with running_client(webhook_settings(settings, tmp_path / "data", replay_max_in_flight=3)) as client:
        yield client


async def test_a_replay_queues_only_the_room_left_and_then_answers_429_with_retry_after(
    bounded_client: AsyncTestClient[Any], hook_pool: Pool
) -> None:
    api = Api(bounded_client)
    target = await subscribe(bounded_client, HOOK, event_types=["definition.*"])
    bystander = await subscribe(bounded_client, HOOK, event_types=["definition.*"])
    for slug in ("alpha", "beta", "gamma", "delta", "epsilon"):
        await api.create(slug)

    first = await bounded_client.post(f"/v1/webhooks/{target.id}/replay", json=EVER)
    assert first.status_code == 202, first.text
    assert first.json()["queued"] == 3  # five events, room for three

    refused = await bounded_client.post(f"/v1/webhooks/{target.id}/replay", json=EVER)
    problem = full_problem(refused, 429, "too-many-requests")
    assert refused.headers["retry-after"] == "60"
    assert "3 deliveries" in problem.detail
    assert len(await deliveries(hook_pool, target.id)) == 3

    # Another subscription has room of its own.
    other = await bounded_client.post(f"/v1/webhooks/{bystander.id}/replay", json=EVER)
    assert other.json()["queued"] == 3

    # Once two of the target's have gone out, there is room for two.
    async with hook_pool.acquire() as conn:
        await conn.execute(
            """UPDATE webhook_deliveries SET status = 'succeeded', completed_at = now()
               WHERE id IN (SELECT id FROM webhook_deliveries WHERE subscription_id = $1 ORDER BY id LIMIT 2)""",
            target.id,
        )
    again = await bounded_client.post(f"/v1/webhooks/{target.id}/replay", json=EVER)
    assert again.status_code == 202, again.text
    assert again.json()["queued"] == 2


@pytest.mark.parametrize("value", ["0", "-5", "many"])
def test_the_replay_bound_is_validated_naming_the_variable(value: str) -> None:
    with pytest.raises(ValueError, match="CANON_REPLAY_MAX_IN_FLIGHT"):
        Settings.from_env({"CANON_REPLAY_MAX_IN_FLIGHT": value})


def test_the_replay_bound_defaults_to_10_000() -> None:
    assert Settings.from_env({}).replay_max_in_flight == 10_000
