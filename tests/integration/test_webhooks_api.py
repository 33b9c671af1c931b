"""`/v1/webhooks`: subscriptions (admin only), secrets shown once and rotated, the SSRF guard at creation,
If-Match, test pings, deliveries with their attempts, manual retry and replay. Every error is problem+json."""

from __future__ import annotations

import base64
import datetime as dt
import re
import uuid
from typing import Any

from litestar.testing import AsyncTestClient

from service.store import webhooks as store
from service.store.database import Pool
from service.webhooks.dispatcher import FanOut, disable
from service.worker import drain
from tests.asset_fixtures import create_entry, message_body, running_client
from tests.support import Api, full_problem
from tests.webhook_fixtures import deliveries, subscribe, webhook_settings

SECRET = re.compile(r"^whsec_([A-Za-z0-9+/]+={0,2})$")
HOOK = "http://127.0.0.1:9/hook"  # never contacted: these tests run no worker


def assert_secret(secret: str) -> None:
    match = SECRET.match(secret)
    assert match is not None, secret
    assert 24 <= len(base64.b64decode(match[1])) <= 64


def near(text: str | None, expected: dt.datetime, seconds: float = 60) -> bool:
    assert text is not None
    return abs(dt.datetime.fromisoformat(text) - expected) < dt.timedelta(seconds=seconds)


# --- subscriptions --------------------------------------------------------------------------------------------------


async def test_create_shows_the_secret_once_and_reads_never_do(hook_client: AsyncTestClient[Any]) -> None:
    response = await hook_client.post(
        "/v1/webhooks",
        json={
            "url": HOOK,
            "description": "CRM sync",
            "event_types": ["definition.*", "message.published"],
            "tags": ["funnel"],
            "slugs": ["mql"],
        },
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert set(created) == {"webhook", "secret"}
    secret = created["secret"]
    assert_secret(secret)
    hook = created["webhook"]
    assert hook == {
        "id": hook["id"],
        "url": HOOK,
        "description": "CRM sync",
        "event_types": ["definition.*", "message.published"],
        "tags": ["funnel"],
        "slugs": ["mql"],
        "teams": [],
        "format": "standard",
        "delivery": {"mode": "each"},
        "next_digest_at": None,
        "enabled": True,
        "failing_since": None,
        "disabled_at": None,
        "disabled_reason": None,
        "rotating_until": None,
        "created_by": "bootstrap-admin",
        "created_at": hook["created_at"],
        "updated_at": hook["updated_at"],
    }
    assert near(hook["created_at"], dt.datetime.now(dt.UTC))

    got = await hook_client.get(f"/v1/webhooks/{hook['id']}")
    assert got.status_code == 200
    assert got.headers["ETag"] == '"1"'
    assert got.json() == hook
    listed = await hook_client.get("/v1/webhooks")
    assert listed.status_code == 200
    assert listed.json() == {"items": [hook], "next_cursor": None}
    for response in (got, listed):
        assert "secret" not in response.text
        assert secret.removeprefix("whsec_")[:16] not in response.text

    # A second subscription has a secret of its own.
    other = await subscribe(hook_client, HOOK)
    assert_secret(other.secret)
    assert other.secret != secret


async def test_list_is_cursor_paginated(hook_client: AsyncTestClient[Any]) -> None:
    made = sorted([str((await subscribe(hook_client, HOOK, description=f"n{i}")).id) for i in range(3)])
    first = (await hook_client.get("/v1/webhooks", params={"limit": 2})).json()
    assert [h["id"] for h in first["items"]] == made[:2]
    assert first["next_cursor"]
    second = (await hook_client.get("/v1/webhooks", params={"limit": 2, "cursor": first["next_cursor"]})).json()
    assert [h["id"] for h in second["items"]] == made[2:]
    assert second["next_cursor"] is None
    full_problem(await hook_client.get("/v1/webhooks", params={"cursor": "garbage!"}), 422)


async def test_only_admins_may_touch_webhooks(hook_client: AsyncTestClient[Any]) -> None:
    api = Api(hook_client)
    hook = await subscribe(hook_client, HOOK)
    base = f"/v1/webhooks/{hook.id}"
    calls: list[tuple[str, str, dict[str, Any] | None]] = [
        ("POST", "/v1/webhooks", {"url": HOOK}),
        ("GET", "/v1/webhooks", None),
        ("GET", base, None),
        ("PATCH", base, {"description": "mine now"}),
        ("DELETE", base, None),
        ("POST", f"{base}/rotate-secret", None),
        ("POST", f"{base}/test", None),
        ("POST", f"{base}/replay", {"since": "2020-01-01T00:00:00Z"}),
        ("GET", f"{base}/deliveries", None),
        ("GET", f"{base}/deliveries/1", None),
        ("POST", f"{base}/deliveries/1/retry", None),
    ]
    for role, team in (("reader", None), ("editor", "revops"), ("approver", "sales")):
        headers = await api.key(role, team)
        for method, path, body in calls:
            response = await hook_client.request(method, path, json=body, headers=headers)
            problem = full_problem(response, 403)
            assert problem.detail is not None
            assert "admin" in problem.detail, problem.detail
    anonymous = await hook_client.get("/v1/webhooks", headers={"Authorization": ""})
    full_problem(anonymous, 401)
    # Nothing changed.
    got = (await hook_client.get(base)).json()
    assert (got["description"], got["enabled"], got["rotating_until"]) == ("", True, None)


async def test_https_is_required_by_default(client: AsyncTestClient[Any]) -> None:
    response = await client.post("/v1/webhooks", json={"url": "http://hooks.example.com/canon"})
    problem = full_problem(response, 422)
    assert problem.errors is not None
    assert [(e.pointer, e.detail) for e in problem.errors] == [("/url", "the scheme must be https")]
    assert (await client.get("/v1/webhooks")).json()["items"] == []


PRIVATE_TARGETS = [
    ("https://127.0.0.1/hook", "127.0.0.1 is not allowed (loopback address)"),
    ("https://localhost:8443/hook", "localhost resolves to "),
    ("https://10.1.2.3/hook", "10.1.2.3 is not allowed (private address)"),
    ("https://[::1]/hook", "::1 is not allowed (loopback address)"),
    ("https://169.254.169.254/latest/meta-data/", "169.254.169.254 is not allowed (cloud metadata address)"),
    ("https://2130706433/hook", "non-canonical IPv4 address"),
    ("https://user:pw@hooks.example.com/x", "credentials in the URL are not allowed"),
    ("ftp://hooks.example.com/x", "the scheme must be https"),
]


async def test_private_targets_are_refused_without_an_allow_list(client: AsyncTestClient[Any]) -> None:
    for url, reason in PRIVATE_TARGETS:
        problem = full_problem(await client.post("/v1/webhooks", json={"url": url}), 422)
        assert problem.errors is not None
        [error] = problem.errors
        assert error.pointer == "/url"
        assert reason in error.detail, (url, error.detail)
    assert (await client.get("/v1/webhooks")).json()["items"] == []


async def test_metadata_addresses_are_refused_even_inside_an_allowed_network(settings: Any, tmp_path: Any) -> None:
    broad = webhook_settings(settings, tmp_path / "data", webhook_allow_networks="0.0.0.0/0,::/0")
    async with running_client(broad) as client:
        for url in ("http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/", "http://100.100.100.200/"):
            problem = full_problem(await client.post("/v1/webhooks", json={"url": url}), 422)
            assert problem.errors is not None
            assert [e.pointer for e in problem.errors] == ["/url"]
            assert "cloud metadata address" in problem.errors[0].detail
        # The rest of the allowed network is fine.
        assert (await client.post("/v1/webhooks", json={"url": "http://10.1.2.3/hook"})).status_code == 201
        assert (await client.post("/v1/webhooks", json={"url": "http://169.254.1.1/hook"})).status_code == 201


async def test_loopback_is_allowed_when_listed(hook_client: AsyncTestClient[Any]) -> None:
    for url in ("http://127.0.0.1:8080/hook", "http://localhost:8080/hook"):
        assert (await hook_client.post("/v1/webhooks", json={"url": url})).status_code == 201
    problem = full_problem(await hook_client.post("/v1/webhooks", json={"url": "http://10.0.0.1/hook"}), 422)
    assert problem.errors is not None
    assert [e.pointer for e in problem.errors] == ["/url"]


async def test_an_event_type_canon_never_emits_is_refused_with_the_nearest_one(
    hook_client: AsyncTestClient[Any],
) -> None:
    """A misspelled `definition.publishd` was accepted and matched nothing, silently, forever."""
    for event_types, detail in (
        (["definition.publishd"], "'definition.publishd' matches no event type Canon emits; did you mean "),
        (["*.publishd"], "'*.publishd' matches no event type Canon emits"),
        (["deck.*"], "'deck.*' matches no event type Canon emits"),
    ):
        response = await hook_client.post("/v1/webhooks", json={"url": HOOK, "event_types": event_types})
        problem = full_problem(response, 422)
        assert problem.errors is not None
        assert [e.pointer for e in problem.errors] == ["/event_types/0"]
        assert problem.errors[0].detail.startswith(detail), problem.errors[0].detail
    suggested = await hook_client.post("/v1/webhooks", json={"url": HOOK, "event_types": ["definition.publishd"]})
    assert "'definition.published'" in suggested.text
    subscription = (await hook_client.post("/v1/webhooks", json={"url": HOOK, "event_types": ["webhook.*"]})).json()
    patched = await hook_client.patch(
        f"/v1/webhooks/{subscription['webhook']['id']}", json={"event_types": ["asset.expird"]}
    )
    full_problem(patched, 422)


async def test_event_type_patterns_are_validated(hook_client: AsyncTestClient[Any]) -> None:
    for event_types, pointer in (
        (["definition"], "/event_types/0"),
        (["definition.*", "Definition.Published"], "/event_types/1"),
        (["definition.**"], "/event_types/0"),
        (["definition.published", "*.*", "def inition.x"], "/event_types/2"),
    ):
        response = await hook_client.post("/v1/webhooks", json={"url": HOOK, "event_types": event_types})
        problem = full_problem(response, 422)
        assert problem.errors is not None
        assert [e.pointer for e in problem.errors] == [pointer], event_types
    accepted = await subscribe(hook_client, HOOK, event_types=["*", "*.published", "message.*", "asset.expiring"])
    assert accepted.body["webhook"]["event_types"] == ["*", "*.published", "message.*", "asset.expiring"]


async def test_malformed_bodies_are_422_with_pointers(hook_client: AsyncTestClient[Any]) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({}, ""),  # as everywhere: a missing field points at the object that lacks it
        ({"url": HOOK, "secret": "whsec_mine"}, "/secret"),
        ({"url": HOOK, "event_types": "definition.*"}, "/event_types"),
        ({"url": HOOK, "tags": ["ok", "a,b"]}, "/tags/1"),
        ({"url": HOOK, "enabled": "yes"}, "/enabled"),
    ]
    for body, pointer in cases:
        problem = full_problem(await hook_client.post("/v1/webhooks", json=body), 422)
        assert problem.errors is not None
        assert [e.pointer for e in problem.errors] == [pointer], body
    assert (await hook_client.get("/v1/webhooks")).json()["items"] == []


async def test_patch_takes_if_match_and_revalidates(hook_client: AsyncTestClient[Any]) -> None:
    hook = await subscribe(hook_client, HOOK)
    path = f"/v1/webhooks/{hook.id}"

    stale = await hook_client.patch(path, json={"description": "x"}, headers={"If-Match": '"7"'})
    problem = full_problem(stale, 412)
    assert problem.detail is not None
    assert '"1"' in problem.detail

    changed = await hook_client.patch(
        path,
        json={"description": "renamed", "event_types": ["message.*"], "tags": ["pitch"]},
        headers={"If-Match": '"1"'},
    )
    assert changed.status_code == 200, changed.text
    assert changed.headers["ETag"] == '"2"'
    body = changed.json()
    assert (body["description"], body["event_types"], body["tags"], body["url"]) == (
        "renamed",
        ["message.*"],
        ["pitch"],
        HOOK,
    )
    assert body["updated_at"] > body["created_at"]
    # The old tag is now stale; no If-Match at all is accepted.
    full_problem(await hook_client.patch(path, json={"description": "y"}, headers={"If-Match": '"1"'}), 412)
    assert (await hook_client.patch(path, json={"slugs": ["mql"]})).headers["ETag"] == '"3"'

    for patch, pointer in (
        ({"event_types": ["nope"]}, "/event_types/0"),
        ({"url": "http://169.254.169.254/"}, "/url"),
        ({"url": "http://10.0.0.1/"}, "/url"),
        ({"secret": "whsec_x"}, "/secret"),
    ):
        problem = full_problem(await hook_client.patch(path, json=patch), 422)
        assert problem.errors is not None
        assert [e.pointer for e in problem.errors] == [pointer]
    after = await hook_client.get(path)
    assert after.headers["ETag"] == '"3"'
    assert (after.json()["url"], after.json()["event_types"]) == (HOOK, ["message.*"])


async def test_enabling_clears_a_disable(hook_client: AsyncTestClient[Any], hook_pool: Pool) -> None:
    hook = await subscribe(hook_client, HOOK)
    path = f"/v1/webhooks/{hook.id}"
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=6)
    async with hook_pool.acquire() as conn, conn.transaction():
        await store.mark_failing(conn, hook.id)
        await disable(conn, hook.id, "failing continuously since then", since)

    disabled = (await hook_client.get(path)).json()
    assert disabled["enabled"] is False
    assert disabled["disabled_reason"] == "failing continuously since then"
    assert near(disabled["disabled_at"], dt.datetime.now(dt.UTC))
    assert disabled["failing_since"] is not None

    enabled = await hook_client.patch(path, json={"enabled": True})
    assert enabled.status_code == 200, enabled.text
    body = enabled.json()
    assert (body["enabled"], body["disabled_at"], body["disabled_reason"], body["failing_since"]) == (
        True,
        None,
        None,
        None,
    )
    # Disabling by hand is just `enabled: false`: no reason is made up.
    off = (await hook_client.patch(path, json={"enabled": False})).json()
    assert (off["enabled"], off["disabled_reason"]) == (False, None)


async def test_delete_then_everything_is_404(hook_client: AsyncTestClient[Any]) -> None:
    hook = await subscribe(hook_client, HOOK)
    keep = await subscribe(hook_client, HOOK)
    path = f"/v1/webhooks/{hook.id}"
    queued = (await hook_client.post(f"{path}/test")).json()
    deleted = await hook_client.delete(path)
    assert deleted.status_code == 204
    assert deleted.content == b""
    full_problem(await hook_client.get(path), 404, "not-found")
    full_problem(await hook_client.delete(path), 404)
    full_problem(await hook_client.get(f"{path}/deliveries/{queued['delivery_id']}"), 404)
    assert [h["id"] for h in (await hook_client.get("/v1/webhooks")).json()["items"]] == [str(keep.id)]


async def test_unknown_ids_are_404_problems(hook_client: AsyncTestClient[Any]) -> None:
    hook = await subscribe(hook_client, HOOK)
    other = await subscribe(hook_client, HOOK)
    mine = (await hook_client.post(f"/v1/webhooks/{hook.id}/test")).json()["delivery_id"]
    missing = f"/v1/webhooks/{uuid.uuid4()}"
    for method, path, body in [
        ("GET", missing, None),
        ("PATCH", missing, {"description": "x"}),
        ("DELETE", missing, None),
        ("POST", f"{missing}/rotate-secret", None),
        ("POST", f"{missing}/test", None),
        ("POST", f"{missing}/replay", {"since": "2020-01-01T00:00:00Z"}),
        ("GET", f"{missing}/deliveries", None),
        ("GET", f"{missing}/deliveries/{mine}", None),
        ("POST", f"{missing}/deliveries/{mine}/retry", None),
        # A delivery exists, but belongs to another subscription.
        ("GET", f"/v1/webhooks/{other.id}/deliveries/{mine}", None),
        ("POST", f"/v1/webhooks/{other.id}/deliveries/{mine}/retry", None),
        ("GET", f"/v1/webhooks/{hook.id}/deliveries/999999", None),
        ("POST", f"/v1/webhooks/{hook.id}/deliveries/999999/retry", None),
        ("GET", "/v1/webhooks/not-a-uuid", None),
    ]:
        full_problem(await hook_client.request(method, path, json=body), 404)


# --- secrets --------------------------------------------------------------------------------------------------------


async def test_rotate_secret_returns_a_new_secret_and_the_overlap(
    hook_client: AsyncTestClient[Any], hook_pool: Pool
) -> None:
    hook = await subscribe(hook_client, HOOK)
    path = f"/v1/webhooks/{hook.id}"
    rotated = await hook_client.post(f"{path}/rotate-secret")
    assert rotated.status_code == 200, rotated.text
    body = rotated.json()
    assert_secret(body["secret"])
    assert body["secret"] != hook.secret
    assert near(body["webhook"]["rotating_until"], dt.datetime.now(dt.UTC) + dt.timedelta(hours=24))
    got = await hook_client.get(path)
    assert got.json()["rotating_until"] == body["webhook"]["rotating_until"]
    assert got.headers["ETag"] == '"2"'
    assert "secret" not in got.text
    async with hook_pool.acquire() as conn:
        row = await conn.fetchrow("SELECT secret, previous_secret FROM webhook_subscriptions WHERE id = $1", hook.id)
    assert row is not None
    assert (row["secret"], row["previous_secret"]) == (body["secret"], hook.secret)

    short = (await hook_client.post(f"{path}/rotate-secret", json={"overlap_hours": 1.5})).json()
    assert near(short["webhook"]["rotating_until"], dt.datetime.now(dt.UTC) + dt.timedelta(hours=1.5))
    none = (await hook_client.post(f"{path}/rotate-secret", json={"overlap_hours": 0})).json()
    assert none["webhook"]["rotating_until"] is None
    assert len({hook.secret, body["secret"], short["secret"], none["secret"]}) == 4

    for bad, pointer in (({"overlap_hours": -1}, "/overlap_hours"), ({"overlap_hours": 169}, "/overlap_hours")):
        problem = full_problem(await hook_client.post(f"{path}/rotate-secret", json=bad), 422)
        assert problem.errors is not None
        assert [e.pointer for e in problem.errors] == [pointer]


# --- deliveries -----------------------------------------------------------------------------------------------------


async def test_a_test_ping_queues_a_delivery(hook_client: AsyncTestClient[Any], hook_pool: Pool) -> None:
    hook = await subscribe(hook_client, HOOK)
    response = await hook_client.post(f"/v1/webhooks/{hook.id}/test")
    assert response.status_code == 202, response.text
    queued = response.json()
    assert queued["queued"] == 1
    [row] = await deliveries(hook_pool, hook.id)
    assert queued == {"queued": 1, "delivery_id": row.id}
    assert (row.event_type, row.status, row.attempts, row.event_id) == ("webhook.test", "pending", 0, None)
    listed = (await hook_client.get(f"/v1/webhooks/{hook.id}/deliveries")).json()
    assert [(d["id"], d["event_type"], d["status"]) for d in listed["items"]] == [(row.id, "webhook.test", "pending")]
    detail = (await hook_client.get(f"/v1/webhooks/{hook.id}/deliveries/{row.id}")).json()
    assert detail["attempts"] == []
    assert detail["delivery"]["id"] == row.id


async def publish_events(hook_client: AsyncTestClient[Any], hook_pool: Pool, slug: str = "mql") -> None:
    """created, submitted, review_requested (twice: one per team), approved, approved, published, effective: eight
    definition events, fanned out."""
    await Api(hook_client).published(slug)
    await drain(hook_pool, FanOut())


async def test_deliveries_filter_by_status_and_type_with_cursor_pagination(
    hook_client: AsyncTestClient[Any], hook_pool: Pool
) -> None:
    hook = await subscribe(hook_client, HOOK, event_types=["definition.*"])
    await publish_events(hook_client, hook_pool)
    rows = await deliveries(hook_pool, hook.id)
    assert [r.event_type for r in rows] == [
        "definition.created",
        "definition.submitted",
        "definition.review_requested",
        "definition.review_requested",
        "definition.approved",
        "definition.approved",
        "definition.published",
        "definition.effective",
    ]
    created, submitted, requested, requested_too, approved, approved_too, published, effective = rows
    async with hook_pool.acquire() as conn:
        for row in (created, submitted):
            await store.finish(conn, row.id, status="succeeded", last_status=200, last_error=None)
        await store.finish(conn, published.id, status="failed", last_status=500, last_error="HTTP 500")
    path = f"/v1/webhooks/{hook.id}/deliveries"

    async def ids(**params: Any) -> list[int]:
        response = await hook_client.get(path, params=params)
        assert response.status_code == 200, response.text
        return [d["id"] for d in response.json()["items"]]

    everything = [r.id for r in reversed(rows)]  # newest first
    assert await ids() == everything
    assert await ids(status="succeeded") == [submitted.id, created.id]
    assert await ids(status="failed") == [published.id]
    pending = [effective, approved_too, approved, requested_too, requested]
    assert await ids(status="pending") == [row.id for row in pending]
    assert await ids(event_type="definition.approved") == [approved_too.id, approved.id]
    assert await ids(event_type="definition.approved", status="succeeded") == []
    assert await ids(event_type="message.created") == []

    seen: list[int] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 2} if cursor is None else {"limit": 2, "cursor": cursor}
        page = (await hook_client.get(path, params=params)).json()
        pages += 1
        seen += [d["id"] for d in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert (seen, pages) == (everything, 4)

    first = (await hook_client.get(path, params={"status": "succeeded", "limit": 1})).json()
    assert [d["id"] for d in first["items"]] == [submitted.id]
    rest = await hook_client.get(path, params={"status": "succeeded", "limit": 1, "cursor": first["next_cursor"]})
    assert [d["id"] for d in rest.json()["items"]] == [created.id]
    assert rest.json()["next_cursor"] is None

    shown = (await hook_client.get(path, params={"status": "failed"})).json()["items"][0]
    assert shown == {
        "id": published.id,
        "event_id": published.event_id,
        "event_type": "definition.published",
        "status": "failed",
        "attempts": 0,
        "next_attempt_at": shown["next_attempt_at"],
        "last_status": 500,
        "last_error": "HTTP 500",
        "created_at": shown["created_at"],
        "completed_at": shown["completed_at"],
    }
    assert shown["completed_at"] is not None
    for params, pointer in (({"status": "lost"}, "status"), ({"cursor": "%%%"}, "cursor"), ({"limit": 0}, "limit")):
        problem = full_problem(await hook_client.get(path, params=params), 422)
        assert problem.errors is not None
        assert [(e.pointer, e.source) for e in problem.errors] == [(pointer, "query")]


async def test_retry_requeues_the_same_delivery(hook_client: AsyncTestClient[Any], hook_pool: Pool) -> None:
    hook = await subscribe(hook_client, HOOK)
    delivery_id = (await hook_client.post(f"/v1/webhooks/{hook.id}/test")).json()["delivery_id"]
    async with hook_pool.acquire() as conn:
        await store.finish(conn, delivery_id, status="failed", last_status=500, last_error="HTTP 500")
    path = f"/v1/webhooks/{hook.id}/deliveries/{delivery_id}"
    assert (await hook_client.get(path)).json()["delivery"]["status"] == "failed"

    response = await hook_client.post(f"{path}/retry")
    assert response.status_code == 202, response.text
    assert response.json() == {"queued": 1, "delivery_id": delivery_id}
    [row] = await deliveries(hook_pool, hook.id)
    assert (row.id, row.status) == (delivery_id, "pending")
    assert row.next_attempt_at <= dt.datetime.now(dt.UTC)
    detail = (await hook_client.get(path)).json()["delivery"]
    assert (detail["status"], detail["completed_at"]) == ("pending", None)


async def test_replay_since_a_time_or_after_a_cursor_queues_for_that_subscription_only(
    hook_client: AsyncTestClient[Any], hook_pool: Pool
) -> None:
    api = Api(hook_client)
    target = await subscribe(hook_client, HOOK, event_types=["definition.*"])
    bystander = await subscribe(hook_client, HOOK)
    messages_only = await subscribe(hook_client, HOOK, event_types=["message.*"])
    await api.create("alpha")
    await create_entry(api, "messages", message_body("pitch"))
    await api.create("beta")
    await api.create("gamma")
    await drain(hook_pool, FanOut())
    feed = (await hook_client.get("/v1/events")).json()["items"]
    assert [(e["type"], e["data"]["slug"]) for e in feed] == [
        ("definition.created", "alpha"),
        ("message.created", "pitch"),
        ("definition.created", "beta"),
        ("definition.created", "gamma"),
    ]
    before = {s.id: len(await deliveries(hook_pool, s.id)) for s in (target, bystander, messages_only)}
    assert before == {target.id: 3, bystander.id: 4, messages_only.id: 1}

    # Since beta's timestamp: beta and gamma, and only for the target subscription.
    since = await hook_client.post(f"/v1/webhooks/{target.id}/replay", json={"since": feed[2]["timestamp"]})
    assert since.status_code == 202, since.text
    assert since.json() == {"queued": 2, "delivery_id": None}
    rows = await deliveries(hook_pool, target.id)
    assert [r.event_id for r in rows[3:]] == [int(feed[2]["id"].removeprefix("evt_")), int(feed[3]["id"][4:])]
    assert all(r.status == "pending" and r.attempts == 0 for r in rows[3:])

    # After alpha's cursor: the message is filtered out by the subscription's types.
    after = await hook_client.post(f"/v1/webhooks/{target.id}/replay", json={"after": feed[0]["cursor"]})
    assert after.json() == {"queued": 2, "delivery_id": None}
    both = await hook_client.post(
        f"/v1/webhooks/{target.id}/replay", json={"after": feed[0]["cursor"], "since": feed[3]["timestamp"]}
    )
    assert both.json()["queued"] == 1
    future = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    nothing = await hook_client.post(f"/v1/webhooks/{target.id}/replay", json={"since": future.isoformat()})
    assert nothing.json()["queued"] == 0
    whole = await hook_client.post(f"/v1/webhooks/{messages_only.id}/replay", json={"since": "2000-01-01T00:00:00Z"})
    assert whole.json()["queued"] == 1

    after_counts = {s.id: len(await deliveries(hook_pool, s.id)) for s in (target, bystander, messages_only)}
    assert after_counts == {target.id: 3 + 2 + 2 + 1, bystander.id: 4, messages_only.id: 2}

    for body, pointer in (
        ({}, "/since"),
        ({"after": "not-a-cursor"}, "/after"),
        ({"since": "yesterday"}, "/since"),
        ({"since": "2020-01-01T00:00:00Z", "extra": 1}, "/extra"),
    ):
        problem = full_problem(await hook_client.post(f"/v1/webhooks/{target.id}/replay", json=body), 422)
        assert problem.errors is not None
        assert [(e.pointer, e.source) for e in problem.errors] == [(pointer, "body")], body
