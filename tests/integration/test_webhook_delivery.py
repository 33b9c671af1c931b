"""Webhook delivery end to end: content changes made over HTTP become events, the worker (fan-out and dispatcher,
running in the test's event loop) sends them to real HTTP receivers on 127.0.0.1, and the receivers check what
arrived with the independent `standardwebhooks` verifier. Retries, ordering, Retry-After, 410, auto-disable,
exhausted schedules, secret rotation, redirects and slow endpoints."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
import time
from collections.abc import Callable
from typing import Any

import msgspec
import pytest
from litestar.testing import AsyncTestClient
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from service.config import Settings
from service.store.database import Pool
from service.webhooks import signing
from tests.asset_fixtures import create_entry, message_body
from tests.support import Api, edit_draft
from tests.webhook_fixtures import (
    Hit,
    Receiver,
    Reply,
    attempts,
    deliveries,
    free_port,
    running_worker,
    settled,
    subscribe,
    until,
)

Receivers = Callable[..., Receiver]


def verified(hit: Hit, secret: str) -> Any:
    """The payload, after the reference Standard Webhooks library has checked the signature and timestamp."""
    return Webhook(secret).verify(hit.body, hit.headers)


async def webhook(client: AsyncTestClient[Any], subscription_id: Any) -> dict[str, Any]:
    response = await client.get(f"/v1/webhooks/{subscription_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def feed(client: AsyncTestClient[Any], *types: str) -> list[dict[str, Any]]:
    response = await client.get("/v1/events", params={"type": list(types), "limit": 200})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


# --- what arrives ---------------------------------------------------------------------------------------------------


async def test_a_published_definition_reaches_the_subscriber_signed(
    hook_client: AsyncTestClient[Any], hook_pool: Pool, hook_settings: Settings, receivers: Receivers
) -> None:
    receiver = receivers()
    sub = await subscribe(hook_client, receiver.url, event_types=["definition.published"])
    api = Api(hook_client)
    # A big definition: the webhook carries a summary of the change and a link, not the content.
    tags = [f"tag-{n:02d}-" + "x" * 50 for n in range(50)]
    content = {"summary": "s" * 400, "body": "# Big\n" + "b" * 150_000}
    async with running_worker(hook_pool, hook_settings):
        await api.published("mql", tags=tags, content=content)
        await until(lambda: len(receiver.hits) == 1, what="the published event")
        await until(lambda: settled(hook_pool), what="the delivery to be recorded")

        [hit] = receiver.hits
        [row] = await deliveries(hook_pool, sub.id)
        assert (row.status, row.attempts, row.last_status, row.event_type) == (
            "succeeded",
            1,
            200,
            "definition.published",
        )
        assert (hit.method, hit.path) == ("POST", "/hook")
        assert hit.webhook_id == f"msg_{row.id}"
        assert abs(int(hit.headers["webhook-timestamp"]) - time.time()) < 10
        assert hit.headers["webhook-signature"].startswith("v1,")
        assert len(hit.headers["webhook-signature"].split(" ")) == 1
        assert hit.headers["content-type"] == "application/json"
        assert hit.headers["user-agent"] == "Canon-Webhooks/1.0"
        assert len(hit.body) < 20_000

        payload = verified(hit, sub.secret)
        assert set(payload) == {"type", "timestamp", "data"}
        assert payload["type"] == "definition.published"
        data = payload["data"]
        assert {k: data[k] for k in ("kind", "slug", "version", "title", "url", "tags", "status")} == {
            "kind": "definition",
            "slug": "mql",
            "version": 1,
            "title": "Marketing Qualified Lead",
            "url": "http://canon.test/v1/definitions/mql?version=1",
            "tags": tags,
            "status": "published",
        }
        assert "content" not in data
        # The same event as the change feed has, with the same RFC 3339 timestamp.
        [event] = await feed(hook_client, "definition.published")
        assert data == event["data"]
        assert row.event_id == int(event["id"].removeprefix("evt_"))
        assert dt.datetime.fromisoformat(payload["timestamp"]) == dt.datetime.fromisoformat(event["timestamp"])
        assert dt.datetime.fromisoformat(payload["timestamp"]).utcoffset() == dt.timedelta(0)

        # Another secret does not verify it; a tampered body does not either.
        with pytest.raises(WebhookVerificationError):
            Webhook(signing.new_secret()).verify(hit.body, hit.headers)
        with pytest.raises(WebhookVerificationError):
            Webhook(sub.secret).verify(hit.body.replace(b"mql", b"sql"), hit.headers)

        # A test ping goes out as `webhook.test`, signed the same way.
        queued = (await hook_client.post(f"/v1/webhooks/{sub.id}/test")).json()
        await until(lambda: len(receiver.hits) == 2, what="the test ping")
        ping = receiver.hits[1]
        assert ping.webhook_id == f"msg_{queued['delivery_id']}"
        assert verified(ping, sub.secret)["type"] == "webhook.test"
        assert verified(ping, sub.secret)["data"]["id"] == str(sub.id)


async def test_filters_choose_what_each_subscriber_gets(
    hook_client: AsyncTestClient[Any], hook_pool: Pool, hook_settings: Settings, receivers: Receivers
) -> None:
    everything, definitions, funnel, mql_only, disabled = (receivers() for _ in range(5))
    await subscribe(hook_client, everything.url)
    await subscribe(hook_client, definitions.url, event_types=["definition.*"])
    await subscribe(hook_client, funnel.url, tags=["funnel"])
    await subscribe(hook_client, mql_only.url, slugs=["mql"], event_types=["*.created"])
    off = await subscribe(hook_client, disabled.url, enabled=False)
    api = Api(hook_client)
    async with running_worker(hook_pool, hook_settings):
        await api.create("mql")  # tagged funnel
        await api.create("arr", tags=["finance"])
        await create_entry(api, "messages", message_body("why-canon"))  # tagged pitch
        story = message_body("funnel-story")
        story["tags"] = ["funnel", "story"]
        await create_entry(api, "messages", story)
        await until(lambda: len(everything.hits) == 4, what="every event at the catch-all subscriber")
        await until(lambda: settled(hook_pool), what="every delivery")

    def seen(receiver: Receiver) -> list[tuple[str, str | None]]:
        return sorted((hit.type, hit.slug) for hit in receiver.hits)

    assert seen(everything) == [
        ("definition.created", "arr"),
        ("definition.created", "mql"),
        ("message.created", "funnel-story"),
        ("message.created", "why-canon"),
    ]
    assert seen(definitions) == [("definition.created", "arr"), ("definition.created", "mql")]
    assert seen(funnel) == [("definition.created", "mql"), ("message.created", "funnel-story")]
    assert seen(mql_only) == [("definition.created", "mql")]
    assert disabled.hits == []
    assert await deliveries(hook_pool, off.id) == []


# --- retries --------------------------------------------------------------------------------------------------------


async def test_a_receiver_that_is_down_gets_it_after_a_retry(
    hook_client: AsyncTestClient[Any], hook_pool: Pool, hook_settings: Settings, receivers: Receivers
) -> None:
    receiver = receivers(start=False, port=free_port())
    sub = await subscribe(hook_client, receiver.url, event_types=["definition.created"])
    async with running_worker(hook_pool, hook_settings):
        await Api(hook_client).create("mql")

        async def first_attempt_failed() -> bool:
            rows = await deliveries(hook_pool, sub.id)
            return bool(rows) and bool(await attempts(hook_pool, rows[0].id))

        await until(first_attempt_failed, what="the first attempt")
        receiver.start()  # the port now answers
        during = await webhook(hook_client, sub.id)
        assert during["failing_since"] is not None
        await until(lambda: settled(hook_pool), what="the retry")

    [row] = await deliveries(hook_pool, sub.id)
    tried = await attempts(hook_pool, row.id)
    assert (row.status, row.attempts, row.last_status, row.last_error) == ("succeeded", len(tried), 200, None)
    assert [(a.status_code, a.error) for a in tried] == [(None, "connection refused")] * (len(tried) - 1) + [
        (200, None)
    ]
    assert [a.attempted_at for a in tried] == sorted(a.attempted_at for a in tried)
    [hit] = receiver.hits
    assert hit.webhook_id == f"msg_{row.id}"
    assert verified(hit, sub.secret)["data"]["slug"] == "mql"
    # A success ends the failure streak.
    assert (await webhook(hook_client, sub.id))["failing_since"] is None


async def test_500_500_200_is_three_attempts_one_success_one_webhook_id(
    hook_client: AsyncTestClient[Any], hook_pool: Pool, hook_settings: Settings, receivers: Receivers
) -> None:
    receiver = receivers().answer(Reply(500, body=b"boom"), Reply(500, body=b"still boom"), Reply(200, body=b"ok!"))
    sub = await subscribe(hook_client, receiver.url, event_types=["definition.created"])
    async with running_worker(hook_pool, hook_settings):
        await Api(hook_client).create("mql")
        await until(lambda: len(receiver.hits) == 3, what="three attempts")
        await until(lambda: settled(hook_pool), what="the success to be recorded")

    [row] = await deliveries(hook_pool, sub.id)
    assert (row.status, row.attempts, row.last_status, row.last_error) == ("succeeded", 3, 200, None)
    assert [h.status for h in receiver.hits] == [500, 500, 200]
    assert {h.webhook_id for h in receiver.hits} == {f"msg_{row.id}"}
    assert {h.body for h in receiver.hits} == {receiver.hits[0].body}
    for hit in receiver.hits:
        assert verified(hit, sub.secret)["type"] == "definition.created"

    detail = (await hook_client.get(f"/v1/webhooks/{sub.id}/deliveries/{row.id}")).json()
    assert detail["delivery"]["status"] == "succeeded"
    assert detail["delivery"]["attempts"] == 3
    assert [(a["status_code"], a["error"], a["response_excerpt"]) for a in detail["attempts"]] == [
        (500, None, "boom"),
        (500, None, "still boom"),
        (200, None, "ok!"),
    ]
    assert all(a["latency_ms"] > 0 for a in detail["attempts"])
    times = [dt.datetime.fromisoformat(a["attempted_at"]) for a in detail["attempts"]]
    assert times == sorted(times)
    assert all(later - earlier >= dt.timedelta(seconds=0.15) for earlier, later in itertools.pairwise(times))
    succeeded = (await hook_client.get(f"/v1/webhooks/{sub.id}/deliveries", params={"status": "succeeded"})).json()
    assert [d["id"] for d in succeeded["items"]] == [row.id]


async def test_one_entry_waits_for_its_earlier_change_but_nothing_else_does(
    hook_client: AsyncTestClient[Any], hook_pool: Pool, hook_settings: Settings, receivers: Receivers
) -> None:
    failing, other = receivers(), receivers()
    healthy = threading.Event()

    def fail_alpha_created(hit: Hit) -> Reply | None:
        if (hit.type, hit.slug) == ("definition.created", "alpha") and not healthy.is_set():
            return Reply(500, body=b"not yet")
        return None

    failing.rule = fail_alpha_created
    sub = await subscribe(hook_client, failing.url, event_types=["definition.*"])
    await subscribe(hook_client, other.url, event_types=["definition.*"])
    api = Api(hook_client)
    async with running_worker(hook_pool, hook_settings):
        await api.create("alpha")
        await edit_draft(api, "alpha", 1, {"summary": "Second thoughts."})
        await api.create("beta")
        await until(lambda: len(other.hits) == 3, what="every change at the other subscriber")
        await until(lambda: len(failing.received("definition.created")) >= 2, what="beta and alpha's first try")

        # alpha's edit is held back while alpha's creation fails; beta is not.
        assert sorted((h.type, h.slug, h.status) for h in failing.hits[:2]) == [
            ("definition.created", "alpha", 500),
            ("definition.created", "beta", 200),
        ]
        assert failing.received("definition.draft_updated") == []
        rows = {(r.event_type, r.scope): r for r in await deliveries(hook_pool, sub.id)}
        held = rows[("definition.draft_updated", "definition:alpha")]
        assert (held.status, held.attempts) == ("pending", 0)
        # The other subscriber got both of alpha's changes, in order, while alpha was failing here.
        assert [(h.type, h.slug) for h in other.hits if h.slug == "alpha"] == [
            ("definition.created", "alpha"),
            ("definition.draft_updated", "alpha"),
        ]

        healthy.set()
        await until(lambda: bool(failing.received("definition.draft_updated")), what="alpha's edit")
        await until(lambda: settled(hook_pool), what="every delivery")

    alpha = [(h.type, h.status) for h in failing.hits if h.slug == "alpha"]
    failures = len(alpha) - 2
    assert failures >= 1
    assert alpha == [("definition.created", 500)] * failures + [
        ("definition.created", 200),
        ("definition.draft_updated", 200),
    ]
    alpha_ok = next(h for h in failing.hits if (h.slug, h.status, h.type) == ("alpha", 200, "definition.created"))
    edit = failing.received("definition.draft_updated")[0]
    [beta] = [h for h in failing.hits if h.slug == "beta"]
    assert edit.at > alpha_ok.at
    assert beta.at < alpha_ok.at
    assert max(h.at for h in other.hits) < alpha_ok.at


async def test_429_with_retry_after_waits_as_asked(
    hook_client: AsyncTestClient[Any], hook_pool: Pool, hook_settings: Settings, receivers: Receivers
) -> None:
    receiver = receivers().answer(Reply(429, {"Retry-After": "1"}, b"slow down"), Reply(200))
    sub = await subscribe(hook_client, receiver.url, event_types=["definition.created"])
    async with running_worker(hook_pool, hook_settings):
        await Api(hook_client).create("mql")
        await until(lambda: len(receiver.hits) == 2, what="the retry")
        await until(lambda: settled(hook_pool), what="the success")

    first, second = receiver.hits
    assert (first.status, second.status) == (429, 200)
    assert first.webhook_id == second.webhook_id
    assert second.at - first.at >= 0.95  # the schedule alone would have retried after 0.2 s
    [row] = await deliveries(hook_pool, sub.id)
    tried = await attempts(hook_pool, row.id)
    assert [(a.status_code, a.response_excerpt) for a in tried] == [(429, "slow down"), (200, "ok")]
    # Rescheduled for 1 s after the 429, not for the schedule's 0.2 s (±20%).
    assert dt.timedelta(seconds=0.9) <= row.next_attempt_at - tried[0].attempted_at <= dt.timedelta(seconds=1.1)
    assert tried[1].attempted_at - tried[0].attempted_at >= dt.timedelta(seconds=0.95)


async def test_the_retry_schedule_runs_out_then_the_delivery_has_failed(
    hook_client: AsyncTestClient[Any],
    hook_pool: Pool,
    hook_settings: Settings,
    receivers: Receivers,
) -> None:
    receiver = receivers()
    receiver.rule = lambda hit: Reply(503, body=b"down for maintenance")
    sub = await subscribe(hook_client, receiver.url, event_types=["definition.created"])
    two_retries = msgspec.structs.replace(hook_settings, webhook_retry_seconds=(0.2, 0.2))
    async with running_worker(hook_pool, two_retries):
        await Api(hook_client).create("mql")
        await until(lambda: settled(hook_pool), what="the delivery to fail")
        [row] = await deliveries(hook_pool, sub.id)
        assert (row.status, row.attempts, row.last_status) == ("failed", 3, 503)
        assert row.last_error == "HTTP 503; gave up after 3 attempts"
        assert [h.status for h in receiver.hits] == [503, 503, 503]
        assert len({h.webhook_id for h in receiver.hits}) == 1
        assert [a.status_code for a in await attempts(hook_pool, row.id)] == [503, 503, 503]
        hook = await webhook(hook_client, sub.id)
        assert (hook["enabled"], hook["failing_since"] is not None) == (True, True)
        failed = (await hook_client.get(f"/v1/webhooks/{sub.id}/deliveries", params={"status": "failed"})).json()
        assert [d["id"] for d in failed["items"]] == [row.id]

        # A manual retry sends the same message again (same webhook-id), which now succeeds.
        receiver.rule = None
        retried = await hook_client.post(f"/v1/webhooks/{sub.id}/deliveries/{row.id}/retry")
        assert retried.json() == {"queued": 1, "delivery_id": row.id}
        await until(lambda: len(receiver.hits) == 4, what="the manual retry")
        await until(lambda: settled(hook_pool), what="the retry to be recorded")

    [again] = await deliveries(hook_pool, sub.id)
    assert (again.id, again.status, again.attempts, again.last_status) == (row.id, "succeeded", 4, 200)
    assert receiver.hits[3].webhook_id == receiver.hits[0].webhook_id == f"msg_{row.id}"
    assert verified(receiver.hits[3], sub.secret)["data"]["slug"] == "mql"


# --- disabling ------------------------------------------------------------------------------------------------------


async def test_410_disables_the_subscription_and_says_so(
    hook_client: AsyncTestClient[Any], hook_pool: Pool, hook_settings: Settings, receivers: Receivers
) -> None:
    gone, watcher = receivers().answer(Reply(410, body=b"unsubscribed")), receivers()
    sub = await subscribe(hook_client, gone.url, event_types=["definition.*"])
    watch = await subscribe(hook_client, watcher.url, event_types=["webhook.*"])
    api = Api(hook_client)
    async with running_worker(hook_pool, hook_settings):
        await api.create("mql")
        await until(lambda: len(watcher.hits) == 1, what="the webhook.disabled event")
        await until(lambda: settled(hook_pool), what="every delivery")
        hook = await webhook(hook_client, sub.id)
        assert (hook["enabled"], hook["disabled_reason"]) == (False, "the endpoint answered 410 Gone")
        assert hook["disabled_at"] is not None

        [event] = await feed(hook_client, "webhook.*")
        assert event["type"] == "webhook.disabled"
        assert event["data"] == {
            "id": str(sub.id),
            "url": gone.url,
            "reason": "the endpoint answered 410 Gone",
            "failing_since": event["data"]["failing_since"],
        }
        assert dt.datetime.fromisoformat(event["data"]["failing_since"]) <= dt.datetime.now(dt.UTC)
        [hit] = watcher.hits
        payload = verified(hit, watch.secret)
        assert payload["type"] == "webhook.disabled"
        assert payload["data"] == event["data"]

        # Later changes are not queued for the disabled subscription (a new subscriber shows they were fanned out).
        newcomer = receivers()
        await subscribe(hook_client, newcomer.url, event_types=["definition.*"])
        await api.create("sql")
        await until(lambda: len(newcomer.hits) == 1, what="the later change")
        await until(lambda: settled(hook_pool), what="every delivery")

    [row] = await deliveries(hook_pool, sub.id)
    assert (row.status, row.attempts, row.last_status) == ("failed", 1, 410)
    assert [h.status for h in gone.hits] == [410]
    assert [d.event_type for d in await deliveries(hook_pool, watch.id)] == ["webhook.disabled"]


async def test_an_endpoint_failing_for_longer_than_the_limit_is_disabled(
    hook_client: AsyncTestClient[Any], hook_pool: Pool, hook_settings: Settings, receivers: Receivers
) -> None:
    receiver = receivers()
    receiver.rule = lambda hit: Reply(500, body=b"")
    sub = await subscribe(hook_client, receiver.url, event_types=["definition.created"])
    impatient = msgspec.structs.replace(
        hook_settings, webhook_disable_after_hours=0.0003, webhook_retry_seconds=(0.2,) * 6
    )
    async with running_worker(hook_pool, impatient):
        await Api(hook_client).create("mql")

        async def disabled() -> bool:
            return (await webhook(hook_client, sub.id))["enabled"] is False

        await until(disabled, within=8, what="the subscription to be disabled")
        hook = await webhook(hook_client, sub.id)
        [row] = await deliveries(hook_pool, sub.id)
        tried = await attempts(hook_pool, row.id)

    limit = dt.timedelta(hours=0.0003)
    failing_since = dt.datetime.fromisoformat(hook["failing_since"])
    assert hook["disabled_reason"] == f"failing continuously since {failing_since.isoformat()}"
    assert dt.datetime.fromisoformat(hook["disabled_at"]) - failing_since >= limit
    assert len(tried) >= 2
    assert all(a.status_code == 500 for a in tried)
    # Disabled at the first failure past the limit, not before.
    assert tried[-1].attempted_at - failing_since >= limit - dt.timedelta(milliseconds=50)
    assert tried[-2].attempted_at - failing_since < limit + dt.timedelta(milliseconds=500)
    assert len(receiver.hits) == len(tried)
    [event] = await feed(hook_client, "webhook.disabled")
    assert event["data"]["id"] == str(sub.id)
    assert dt.datetime.fromisoformat(event["data"]["failing_since"]) == failing_since


# --- signatures during a rotation -----------------------------------------------------------------------------------


async def test_during_a_rotation_both_secrets_verify(
    hook_client: AsyncTestClient[Any], hook_pool: Pool, hook_settings: Settings, receivers: Receivers
) -> None:
    receiver = receivers()
    sub = await subscribe(hook_client, receiver.url, event_types=["definition.created"])
    rotated = (await hook_client.post(f"/v1/webhooks/{sub.id}/rotate-secret")).json()["secret"]
    api = Api(hook_client)
    async with running_worker(hook_pool, hook_settings):
        await api.create("mql")
        await until(lambda: len(receiver.hits) == 1, what="the first event")

        [hit] = receiver.hits
        signatures = hit.headers["webhook-signature"].split(" ")
        assert len(signatures) == 2
        assert all(s.startswith("v1,") for s in signatures)
        for secret in (sub.secret, rotated):
            assert verified(hit, secret)["data"]["slug"] == "mql"
        # Each signature stands for exactly one of the secrets.
        for secret, signature in zip((rotated, sub.secret), signatures, strict=True):
            alone = {**hit.headers, "webhook-signature": signature}
            Webhook(secret).verify(hit.body, alone)
            with pytest.raises(WebhookVerificationError):
                Webhook(sub.secret if secret == rotated else rotated).verify(hit.body, alone)

        # Rotating again without an overlap: only the newest secret signs.
        newest = (await hook_client.post(f"/v1/webhooks/{sub.id}/rotate-secret", json={"overlap_hours": 0})).json()
        await api.create("sql")
        await until(lambda: len(receiver.hits) == 2, what="the second event")

    second = receiver.hits[1]
    assert len(second.headers["webhook-signature"].split(" ")) == 1
    assert verified(second, newest["secret"])["data"]["slug"] == "sql"
    for old in (sub.secret, rotated):
        with pytest.raises(WebhookVerificationError):
            Webhook(old).verify(second.body, second.headers)


# --- what counts as failure -----------------------------------------------------------------------------------------


async def test_redirects_are_not_followed(
    hook_client: AsyncTestClient[Any], hook_pool: Pool, hook_settings: Settings, receivers: Receivers
) -> None:
    target = receivers()
    redirecting = receivers()
    redirecting.rule = lambda hit: Reply(302, {"Location": target.url}, b"")
    sub = await subscribe(hook_client, redirecting.url, event_types=["definition.created"])
    async with running_worker(hook_pool, hook_settings):
        await Api(hook_client).create("mql")

        async def tried_twice() -> bool:
            rows = await deliveries(hook_pool, sub.id)
            return bool(rows) and len(await attempts(hook_pool, rows[0].id)) >= 2

        await until(tried_twice, what="two attempts")
        [row] = await deliveries(hook_pool, sub.id)
        tried = await attempts(hook_pool, row.id)

    assert [a.status_code for a in tried[:2]] == [302, 302]
    assert row.status == "pending"
    assert (row.last_status, row.last_error) == (302, "HTTP 302: redirects are not followed")
    assert target.hits == []
    assert [h.path for h in redirecting.hits] == ["/hook"] * len(redirecting.hits)


async def test_a_hanging_endpoint_does_not_hold_up_another(
    hook_client: AsyncTestClient[Any], hook_pool: Pool, hook_settings: Settings, receivers: Receivers
) -> None:
    slow, fast = receivers(), receivers()
    slow.rule = lambda hit: Reply(200, delay=10)  # far beyond the 2 s timeout
    hanging = await subscribe(hook_client, slow.url, event_types=["definition.created"])
    prompt = await subscribe(hook_client, fast.url, event_types=["definition.created"])
    api = Api(hook_client)
    async with running_worker(hook_pool, hook_settings):
        for slug in ("one", "two", "three"):
            await api.create(slug)
        started = time.monotonic()
        await until(lambda: len(slow.hits) == 3, what="the slow endpoint to be hanging on all three")
        await until(lambda: len(fast.hits) == 3, within=1.0, what="the fast endpoint, while the slow one hangs")
        assert time.monotonic() - started < 1.0
        # The slow endpoint is still hanging: none of its attempts has finished.
        slow_rows = await deliveries(hook_pool, hanging.id)
        assert [len(await attempts(hook_pool, r.id)) for r in slow_rows] == [0, 0, 0]
        assert sorted(h.slug or "" for h in fast.hits) == ["one", "three", "two"]

        async def slow_timed_out() -> bool:
            return all([len(await attempts(hook_pool, r.id)) == 1 for r in slow_rows])

        await until(slow_timed_out, within=5, what="the slow attempts to time out")

    fast_rows = await deliveries(hook_pool, prompt.id)
    assert [r.status for r in fast_rows] == ["succeeded"] * 3
    for r in slow_rows:
        [attempt] = await attempts(hook_pool, r.id)
        assert (attempt.status_code, attempt.error) == (None, "timeout")


async def test_a_failing_endpoint_is_probed_one_delivery_at_a_time(
    hook_client: AsyncTestClient[Any], hook_pool: Pool, hook_settings: Settings, receivers: Receivers
) -> None:
    answer = 0.3  # seconds each attempt takes to fail: two attempts under way at once would overlap by that much
    receiver = receivers()
    receiver.rule = lambda hit: Reply(500, delay=answer)
    sub = await subscribe(hook_client, receiver.url, event_types=["definition.created"])
    api = Api(hook_client)
    for slug in ("one", "two", "three"):
        await api.create(slug)
    async with running_worker(hook_pool, hook_settings):
        # Three entries, three deliveries, four attempts each (the test schedule has three retries).
        await until(lambda: len(receiver.hits) == 12, within=15, what="every attempt")
        await until(lambda: settled(hook_pool), what="the outcomes to be recorded")

    arrivals = sorted(hit.at for hit in receiver.hits)
    # Healthy until the first answers: the three go out together.
    assert arrivals[2] - arrivals[0] < answer
    # Failing from then on: each later attempt starts only once the one before it has failed.
    gaps = [later - earlier for earlier, later in itertools.pairwise(arrivals[2:])]
    assert min(gaps) >= answer * 0.9, gaps
    rows = await deliveries(hook_pool, sub.id)
    assert [(r.status, r.attempts) for r in rows] == [("failed", 4)] * 3
    assert (await webhook(hook_client, sub.id))["failing_since"] is not None
