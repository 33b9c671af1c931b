"""Chat-ready deliveries end to end: a subscription's `format` (standard, slack, teams) is validated and kept by the
API, and the worker sends each event in that format to real receivers on 127.0.0.1, signed like every delivery
(checked with the independent `standardwebhooks` verifier), retries included."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar.testing import AsyncTestClient
from standardwebhooks import Webhook

from service.config import Settings
from service.store.database import Pool
from tests.support import Api, full_problem
from tests.webhook_fixtures import Hit, Receiver, Reply, deliveries, running_worker, settled, subscribe, until

Receivers = Callable[..., Receiver]
HOOK = "http://127.0.0.1:9/hook"  # never contacted: the API tests run no worker
PUBLISHED = ["definition.published"]


def verified(hit: Hit, secret: str) -> Any:
    """The body, after the reference Standard Webhooks library has checked the signature and timestamp."""
    return Webhook(secret).verify(hit.body, hit.headers)


# --- the API --------------------------------------------------------------------------------------------------------


async def test_a_subscription_chooses_its_format_standard_by_default(hook_client: AsyncTestClient[Any]) -> None:
    plain = await subscribe(hook_client, HOOK)
    assert plain.body["webhook"]["format"] == "standard"
    chat = await subscribe(hook_client, HOOK, format="slack")
    assert chat.body["webhook"]["format"] == "slack"

    patched = await hook_client.patch(f"/v1/webhooks/{chat.id}", json={"format": "teams"})
    assert patched.status_code == 200, patched.text
    assert patched.json()["format"] == "teams"
    assert (await hook_client.get(f"/v1/webhooks/{chat.id}")).json()["format"] == "teams"
    listed = (await hook_client.get("/v1/webhooks")).json()["items"]
    assert sorted(item["format"] for item in listed) == ["standard", "teams"]


async def test_an_unknown_format_is_a_422_naming_the_field(hook_client: AsyncTestClient[Any]) -> None:
    for bad in ("xml", "Slack", "", None, 3, ["slack"]):
        problem = full_problem(await hook_client.post("/v1/webhooks", json={"url": HOOK, "format": bad}), 422)
        assert problem.errors is not None
        assert [e.pointer for e in problem.errors] == ["/format"], bad
    assert (await hook_client.get("/v1/webhooks")).json()["items"] == []

    hook = await subscribe(hook_client, HOOK, format="teams")
    problem = full_problem(await hook_client.patch(f"/v1/webhooks/{hook.id}", json={"format": "msteams"}), 422)
    assert problem.errors is not None
    assert [e.pointer for e in problem.errors] == ["/format"]
    assert (await hook_client.get(f"/v1/webhooks/{hook.id}")).json()["format"] == "teams"


# --- delivery -------------------------------------------------------------------------------------------------------


async def test_each_subscriber_gets_the_publication_in_its_format_signed(
    hook_client: AsyncTestClient[Any], hook_pool: Pool, hook_settings: Settings, receivers: Receivers
) -> None:
    standard, slack, teams = receivers(), receivers(), receivers()
    subs = {
        "standard": await subscribe(hook_client, standard.url, event_types=PUBLISHED),
        "slack": await subscribe(hook_client, slack.url, event_types=PUBLISHED, format="slack"),
        "teams": await subscribe(hook_client, teams.url, event_types=PUBLISHED, format="teams"),
    }
    api = Api(hook_client)
    async with running_worker(hook_pool, hook_settings):
        await api.published("mql", title="<!channel> MQL & @here")
        await until(lambda: all(r.hits for r in (standard, slack, teams)), what="the publication at every receiver")
        await until(lambda: settled(hook_pool, 3), what="the deliveries to be recorded")

    sentence = (
        "<!channel> MQL & @here v1 published by publisher; approved by marketing (approver-marketing) and sales "
        "(approver-sales); first version; in effect from "
    )
    # Standard: the envelope, with who approved and the summary in `data`.
    [hit] = standard.hits
    envelope = verified(hit, subs["standard"].secret)
    assert envelope["type"] == "definition.published"
    assert envelope["data"]["approvals"] == [
        {"team": "marketing", "by": "approver-marketing", "name": "approver-marketing"},
        {"team": "sales", "by": "approver-sales", "name": "approver-sales"},
    ]
    assert envelope["data"]["summary"] == "first version"

    # Slack: text plus blocks, the title escaped so it neither mentions nor links.
    [hit] = slack.hits
    body = verified(hit, subs["slack"].secret)
    assert hit.headers["content-type"] == "application/json"
    assert set(body) == {"text", "blocks", "unfurl_links", "unfurl_media"}
    escaped = sentence.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("@here", "@\u2060here")
    assert body["text"].startswith(escaped)
    headline = body["blocks"][0]["text"]["text"]
    assert headline == (
        "*<http://canon.test/v1/definitions/mql?version=1|&lt;!channel&gt; MQL &amp; @\u2060here v1>* "
        "published by publisher"
    )
    assert "<!" not in hit.body.decode()

    # Teams: one Adaptive Card.
    [hit] = teams.hits
    body = verified(hit, subs["teams"].secret)
    [attachment] = body["attachments"]
    assert body["type"] == "message"
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert (card["type"], card["version"]) == ("AdaptiveCard", "1.4")
    assert card["body"][0]["text"] == r"\<!channel\> MQL & @here v1 published by publisher"
    assert card["body"][1]["text"] == "approved by marketing (approver-marketing) and sales (approver-sales)"
    assert card["actions"] == [
        {"type": "Action.OpenUrl", "title": "Open in Canon", "url": "http://canon.test/v1/definitions/mql?version=1"}
    ]
    # Each is its own delivery, with its own webhook-id.
    ids = {hit.webhook_id for receiver in (standard, slack, teams) for hit in receiver.hits}
    assert len(ids) == 3


async def test_a_retried_chat_delivery_sends_the_same_body_under_the_same_id(
    hook_client: AsyncTestClient[Any], hook_pool: Pool, hook_settings: Settings, receivers: Receivers
) -> None:
    receiver = receivers().answer(Reply(500, body=b"invalid_blocks"), Reply(200, body=b"ok"))
    sub = await subscribe(hook_client, receiver.url, event_types=["definition.created"], format="slack")
    async with running_worker(hook_pool, hook_settings):
        await Api(hook_client).create("mql")
        await until(lambda: len(receiver.hits) == 2, what="the retry")
        await until(lambda: settled(hook_pool), what="the success to be recorded")

    [row] = await deliveries(hook_pool, sub.id)
    assert (row.status, row.attempts) == ("succeeded", 2)
    first, second = receiver.hits
    assert first.webhook_id == second.webhook_id == f"msg_{row.id}"
    assert first.body == second.body
    assert verified(second, sub.secret)["text"].startswith("Marketing Qualified Lead v1 created by author as a draft")


async def test_a_changed_format_applies_to_what_is_still_to_be_sent(
    hook_client: AsyncTestClient[Any], hook_pool: Pool, hook_settings: Settings, receivers: Receivers
) -> None:
    receiver = receivers()
    sub = await subscribe(hook_client, receiver.url, event_types=["definition.created"])
    await Api(hook_client).create("mql")  # queued as standard (no worker yet)
    patched = await hook_client.patch(f"/v1/webhooks/{sub.id}", json={"format": "teams"})
    assert patched.status_code == 200, patched.text
    async with running_worker(hook_pool, hook_settings):
        await until(lambda: len(receiver.hits) == 1, what="the delivery")
    body = verified(receiver.hits[0], sub.secret)
    assert body["attachments"][0]["content"]["type"] == "AdaptiveCard"

    ping = await hook_client.post(f"/v1/webhooks/{sub.id}/test")
    assert ping.status_code == 202
    async with running_worker(hook_pool, hook_settings):
        await until(lambda: len(receiver.hits) == 2, what="the test ping")
    card = verified(receiver.hits[1], sub.secret)["attachments"][0]["content"]
    assert card["body"][0]["text"] == "Test from Canon"
