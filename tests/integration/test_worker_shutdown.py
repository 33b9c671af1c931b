"""A stopping worker finishes the sends it has in flight within the shutdown grace, and hands back the leases of
those it cannot finish, so another worker sends them at once (not after the lease runs out) with the same id."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import msgspec
from litestar.testing import AsyncTestClient

from service.config import Settings
from service.observability.metrics import CanonMetrics
from service.store.database import Pool
from service.wiring import build_services, build_worker
from service.worker import run_until_stopped
from tests.support import definition_body
from tests.webhook_fixtures import Receiver, Reply, deliveries, subscribe, until


async def _lease(pool: Pool, delivery_id: int) -> Any:
    async with pool.acquire() as conn:
        return await conn.fetchval("SELECT lease_until FROM webhook_deliveries WHERE id = $1", delivery_id)


def _start(pool: Pool, settings: Settings, metrics: CanonMetrics) -> tuple[asyncio.Event, asyncio.Task[None]]:
    stop = asyncio.Event()
    worker = build_worker(build_services(pool, settings), metrics)
    return stop, asyncio.create_task(run_until_stopped(worker.run(stop), stop, settings.shutdown_grace_seconds))


async def test_a_send_that_outlives_the_grace_is_released_and_sent_by_the_next_worker_at_once(
    hook_client: AsyncTestClient[Any],
    hook_settings: Settings,
    hook_pool: Pool,
    receivers: Callable[..., Receiver],
) -> None:
    receiver = receivers().answer(Reply(delay=60))  # holds the first request until the receiver stops
    await subscribe(hook_client, receiver.url, event_types=["definition.created"])
    assert (await hook_client.post("/v1/definitions", json=definition_body("lead"))).status_code == 201
    # A lease far longer than the test: only the release can make the delivery claimable again in time.
    settings = msgspec.structs.replace(
        hook_settings, shutdown_grace_seconds=2.5, webhook_timeout_seconds=60.0, webhook_lease_margin_seconds=60.0
    )
    metrics = CanonMetrics()
    stop, running = _start(hook_pool, settings, metrics)
    await until(lambda: len(receiver.hits) == 1, within=10, what="the first send")
    [delivery] = await deliveries(hook_pool)
    assert await _lease(hook_pool, delivery.id) is not None

    stopped_at = time.monotonic()
    stop.set()
    await asyncio.wait_for(running, 10)
    assert time.monotonic() - stopped_at < settings.shutdown_grace_seconds + 1

    [released] = await deliveries(hook_pool)
    assert (released.status, released.attempts) == ("pending", 0), "the abandoned attempt does not count"
    assert await _lease(hook_pool, delivery.id) is None
    assert metrics.deliveries.value("released") == 1

    second_stop, second = _start(hook_pool, settings, CanonMetrics())
    try:
        await until(lambda: len(receiver.hits) == 2, within=5, what="the send by the next worker")
        await until(lambda: _succeeded(hook_pool), within=5, what="the delivery to succeed")
    finally:
        second_stop.set()
        await asyncio.wait_for(second, 10)
    first, again = receiver.hits
    assert again.webhook_id == first.webhook_id
    assert again.body == first.body


async def _succeeded(pool: Pool) -> bool:
    return [d.status for d in await deliveries(pool)] == ["succeeded"]


async def test_a_send_that_ends_within_the_grace_is_finished_and_recorded(
    hook_client: AsyncTestClient[Any],
    hook_settings: Settings,
    hook_pool: Pool,
    receivers: Callable[..., Receiver],
) -> None:
    receiver = receivers().answer(Reply(delay=1.0))
    await subscribe(hook_client, receiver.url, event_types=["definition.created"])
    assert (await hook_client.post("/v1/definitions", json=definition_body("lead"))).status_code == 201
    settings = msgspec.structs.replace(hook_settings, shutdown_grace_seconds=10.0)
    metrics = CanonMetrics()
    stop, running = _start(hook_pool, settings, metrics)
    await until(lambda: len(receiver.hits) == 1, within=10, what="the send")
    stop.set()
    await asyncio.wait_for(running, 10)
    [delivery] = await deliveries(hook_pool)
    assert (delivery.status, delivery.attempts) == ("succeeded", 1)
    assert metrics.deliveries.value("success") == 1
    assert metrics.delivery_duration.family().samples[-1].value == 1, "one latency observed"
