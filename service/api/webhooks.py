"""`/v1/webhooks`: subscriptions (admin), their deliveries, manual retry, replay and test pings."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated
from uuid import UUID

from litestar import Response, Router, delete, get, patch, post
from litestar.params import FromPath, JSONBody, PathParameter, QueryParameter

from service.api.deps import Caller, Webhooks
from service.api.entries import READS, WRITES, Cursor, IfMatch, Limit
from service.domain.concurrency import etag
from service.store.webhooks import Subscription
from service.usecases import webhooks
from service.usecases.webhooks import (
    DeliveryDetail,
    DeliveryPage,
    Queued,
    Replay,
    RotateSecret,
    WebhookCreate,
    WebhookOut,
    WebhookPage,
    WebhookUpdate,
    WebhookWithSecret,
)

WebhookId = FromPath[UUID]
DeliveryPath = Annotated[
    int, PathParameter(ge=1, le=2**63 - 1, schema_extra={"maximum": 2**63 - 1})
]  # exact, not a float


class DeliveryStatus(StrEnum):
    """Where a delivery stands."""

    pending = "pending"
    succeeded = "succeeded"
    failed = "failed"


StatusFilter = Annotated[DeliveryStatus | None, QueryParameter()]
TypeFilter = Annotated[str | None, QueryParameter(max_length=100)]


def _with_etag(subscription: Subscription) -> Response[WebhookOut]:
    return Response(webhooks.out(subscription), headers={"ETag": etag(subscription.revision)})


@post(
    "/",
    operation_id="create_webhook",
    summary="Subscribe an endpoint; the signing secret is shown once",
    responses=WRITES,
)
async def create_webhook(
    principal: Caller, webhook_context: Webhooks, data: JSONBody[WebhookCreate]
) -> WebhookWithSecret:
    return await webhooks.create(webhook_context, principal, data)


@get("/", operation_id="list_webhooks", summary="List subscriptions", responses=READS)
async def list_webhooks(
    principal: Caller, webhook_context: Webhooks, cursor: Cursor = None, limit: Limit = 50
) -> WebhookPage:
    return await webhooks.page(webhook_context, principal, cursor=cursor, limit=limit)


@get("/{webhook_id:uuid}", operation_id="get_webhook", summary="A subscription (never its secret)", responses=READS)
async def get_webhook(principal: Caller, webhook_context: Webhooks, webhook_id: WebhookId) -> Response[WebhookOut]:
    return _with_etag(await webhooks.read(webhook_context, principal, webhook_id))


@patch(
    "/{webhook_id:uuid}",
    operation_id="update_webhook",
    summary="Change a subscription; enabling clears a disable",
    responses=WRITES,
)
async def update_webhook(
    principal: Caller,
    webhook_context: Webhooks,
    webhook_id: WebhookId,
    data: JSONBody[WebhookUpdate],
    if_match: IfMatch = None,
) -> Response[WebhookOut]:
    return _with_etag(await webhooks.update(webhook_context, principal, webhook_id, if_match, data))


@delete("/{webhook_id:uuid}", operation_id="delete_webhook", summary="Unsubscribe", responses=WRITES, status_code=204)
async def delete_webhook(principal: Caller, webhook_context: Webhooks, webhook_id: WebhookId) -> None:
    await webhooks.delete(webhook_context, principal, webhook_id)


@post(
    "/{webhook_id:uuid}/rotate-secret",
    operation_id="rotate_webhook_secret",
    status_code=200,
    responses=WRITES,
    summary="A new secret; the old one keeps signing alongside until the overlap ends",
)
async def rotate_secret(
    principal: Caller,
    webhook_context: Webhooks,
    webhook_id: WebhookId,
    data: JSONBody[RotateSecret | None] = None,
) -> WebhookWithSecret:
    return await webhooks.rotate_secret(webhook_context, principal, webhook_id, data or RotateSecret())


@post(
    "/{webhook_id:uuid}/test",
    operation_id="test_webhook",
    status_code=202,
    responses=WRITES,
    summary="Send a webhook.test event to this endpoint",
)
async def test_webhook(principal: Caller, webhook_context: Webhooks, webhook_id: WebhookId) -> Queued:
    return await webhooks.send_test(webhook_context, principal, webhook_id)


@post(
    "/{webhook_id:uuid}/replay",
    operation_id="replay_webhook",
    status_code=202,
    responses=WRITES,
    summary="Send again every matching event since a time or after a feed cursor",
)
async def replay_webhook(
    principal: Caller, webhook_context: Webhooks, webhook_id: WebhookId, data: JSONBody[Replay]
) -> Queued:
    return await webhooks.replay(webhook_context, principal, webhook_id, data)


@get(
    "/{webhook_id:uuid}/deliveries",
    operation_id="list_webhook_deliveries",
    responses=READS,
    summary="Deliveries to this endpoint, newest first",
)
async def list_deliveries(
    principal: Caller,
    webhook_context: Webhooks,
    webhook_id: WebhookId,
    status: StatusFilter = None,
    event_type: TypeFilter = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> DeliveryPage:
    return await webhooks.delivery_page(
        webhook_context, principal, webhook_id, status=status, event_type=event_type, cursor=cursor, limit=limit
    )


@get(
    "/{webhook_id:uuid}/deliveries/{delivery_id:int}",
    operation_id="get_webhook_delivery",
    responses=READS,
    summary="One delivery with every attempt (time, status, latency, error, response excerpt)",
)
async def get_delivery(
    principal: Caller,
    webhook_context: Webhooks,
    webhook_id: WebhookId,
    delivery_id: DeliveryPath,
) -> DeliveryDetail:
    return await webhooks.delivery_detail(webhook_context, principal, webhook_id, delivery_id)


@post(
    "/{webhook_id:uuid}/deliveries/{delivery_id:int}/retry",
    operation_id="retry_webhook_delivery",
    status_code=202,
    responses=WRITES,
    summary="Send a delivery again now (same webhook-id)",
)
async def retry_delivery(
    principal: Caller,
    webhook_context: Webhooks,
    webhook_id: WebhookId,
    delivery_id: DeliveryPath,
) -> Queued:
    return await webhooks.retry(webhook_context, principal, webhook_id, delivery_id)


def webhooks_router() -> Router:
    return Router(
        path="/v1/webhooks",
        tags=["Webhooks"],
        route_handlers=[
            create_webhook,
            list_webhooks,
            get_webhook,
            update_webhook,
            delete_webhook,
            rotate_secret,
            test_webhook,
            replay_webhook,
            list_deliveries,
            get_delivery,
            retry_delivery,
        ],
    )
