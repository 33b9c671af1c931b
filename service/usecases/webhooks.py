"""Webhook subscriptions (admin) and the operations on their deliveries: test, retry, replay."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar
from urllib.parse import urlsplit
from uuid import UUID, uuid4

import msgspec

from service.domain import digests, lifecycle
from service.domain.concurrency import check_if_match
from service.domain.cursors import CURSOR_PATTERN, decode_cursor, decode_int_cursor, encode_cursor
from service.domain.errors import Conflict, FieldError, Invalid, TooBusy
from service.domain.events import (
    WebhookTestData,
    event_type_to_sql_like,
    matches_no_event_type,
    valid_type_pattern,
)
from service.domain.model import Principal, Role, Slug, Tag, Team
from service.store import audit
from service.store import webhooks as store
from service.store.database import Pool, transaction
from service.usecases import digests as digest_deliveries
from service.webhooks import network, signing
from service.webhooks.formats import WebhookFormat

Url = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=2000,
        description="Where events are sent: http or https (private and loopback addresses only where allowed).",
        extra_json_schema={"format": "uri", "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[^/?#]"},
    ),
]
TypePattern = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Description = Annotated[str, msgspec.Meta(max_length=500)]
TeamFilter = Annotated[
    list[Team],
    msgspec.Meta(
        max_length=50,
        description="Events about entries these teams own, must approve, review or acknowledge (any of them).",
    ),
]
REPLAY_LIMIT = 10_000  # events per replay call
REPLAY_RETRY_AFTER = 60  # seconds a replay refused for the backlog is asked to wait


class WebhookCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    url: Url
    description: Description = ""
    event_types: Annotated[list[TypePattern], msgspec.Meta(max_length=50)] = msgspec.field(default_factory=list)
    tags: Annotated[list[Tag], msgspec.Meta(max_length=50)] = msgspec.field(default_factory=list)
    slugs: Annotated[list[Slug], msgspec.Meta(max_length=200)] = msgspec.field(default_factory=list)
    teams: TeamFilter = msgspec.field(default_factory=list)
    format: WebhookFormat = WebhookFormat.standard
    delivery: digests.Delivery = msgspec.field(default_factory=digests.EachEvent)
    enabled: bool = True


class WebhookUpdate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    url: Url | msgspec.UnsetType = msgspec.UNSET
    description: Description | msgspec.UnsetType = msgspec.UNSET
    event_types: Annotated[list[TypePattern], msgspec.Meta(max_length=50)] | msgspec.UnsetType = msgspec.UNSET
    tags: Annotated[list[Tag], msgspec.Meta(max_length=50)] | msgspec.UnsetType = msgspec.UNSET
    slugs: Annotated[list[Slug], msgspec.Meta(max_length=200)] | msgspec.UnsetType = msgspec.UNSET
    teams: TeamFilter | msgspec.UnsetType = msgspec.UNSET
    format: WebhookFormat | msgspec.UnsetType = msgspec.UNSET
    # A new schedule applies from the next period; back to `each`, the period under way is sent as a digest at once.
    delivery: digests.Delivery | msgspec.UnsetType = msgspec.UNSET
    enabled: bool | msgspec.UnsetType = msgspec.UNSET


class RotateSecret(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    overlap_hours: Annotated[float, msgspec.Meta(ge=0, le=168)] = 24.0


class Replay(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Send again every matching event after a feed cursor and/or since a time."""

    __json_schema_extra__: ClassVar[dict[str, Any]] = {
        "anyOf": [
            {"required": ["since"], "properties": {"since": {"type": "string"}}},
            {"required": ["after"], "properties": {"after": {"type": "string"}}},
        ]
    }

    since: dt.datetime | None = None
    after: Annotated[str, msgspec.Meta(max_length=512, extra_json_schema={"pattern": CURSOR_PATTERN})] | None = None


class WebhookOut(msgspec.Struct, frozen=True):
    id: UUID
    url: str
    description: str
    event_types: list[str]
    tags: list[str]
    slugs: list[str]
    teams: list[str]
    format: WebhookFormat
    delivery: digests.Delivery
    # Digests: when the period under way ends and its digest is sent (None: one delivery per event).
    next_digest_at: dt.datetime | None
    enabled: bool
    failing_since: dt.datetime | None
    disabled_at: dt.datetime | None
    disabled_reason: str | None
    rotating_until: dt.datetime | None
    created_by: str
    created_at: dt.datetime
    updated_at: dt.datetime


class WebhookWithSecret(msgspec.Struct, frozen=True):
    """The subscription and its signing secret: the only time the secret is shown."""

    webhook: WebhookOut
    secret: str


@dataclass(frozen=True)
class WebhookContext:
    pool: Pool
    allow: network.Networks
    require_https: bool
    replay_max_in_flight: int = 10_000  # CANON_REPLAY_MAX_IN_FLIGHT


def out(subscription: store.Subscription) -> WebhookOut:
    rotating = subscription.previous_secret_until
    return WebhookOut(
        id=subscription.id,
        url=subscription.url,
        description=subscription.description,
        event_types=subscription.event_types,
        tags=subscription.tags,
        slugs=subscription.slugs,
        teams=subscription.teams,
        format=WebhookFormat(subscription.format),
        delivery=delivery_of(subscription),
        next_digest_at=subscription.digest_next_at if subscription.digest is not None else None,
        enabled=subscription.enabled,
        failing_since=subscription.failing_since,
        disabled_at=subscription.disabled_at,
        disabled_reason=subscription.disabled_reason,
        rotating_until=rotating if rotating and rotating > dt.datetime.now(dt.UTC) else None,
        created_by=subscription.created_by,
        created_at=subscription.created_at,
        updated_at=subscription.updated_at,
    )


def delivery_of(subscription: store.Subscription) -> digests.Delivery:
    if subscription.digest is None:
        return digests.EachEvent()
    return msgspec.convert(subscription.digest, digests.DigestSchedule)


def _digest_start(delivery: digests.Delivery, now: dt.datetime) -> tuple[dict[str, Any] | None, dt.datetime | None]:
    """What a subscription stores for its delivery mode: the schedule and when its first period ends."""
    if isinstance(delivery, digests.EachEvent):
        return None, None
    digests.check(delivery)
    return msgspec.to_builtins(delivery), digests.next_end(delivery, now)


async def _checked_url(ctx: WebhookContext, url: str) -> str:
    """Refuse targets inside private, loopback, link-local or metadata networks (unless allowed), by name too."""
    network.check_url(url, allow=ctx.allow, require_https=ctx.require_https)
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    await network.resolve_and_check(parts.hostname or "", port, ctx.allow)
    return url


def _type_likes(patterns: list[str]) -> list[str]:
    """The LIKE patterns of well-formed event type patterns that match some type Canon emits: a misspelled filter
    (`definition.publishd`) would otherwise be accepted and never deliver anything."""
    bad = []
    for index, pattern in enumerate(patterns):
        reason = (
            matches_no_event_type(pattern)
            if valid_type_pattern(pattern)
            else f"{pattern!r} is not an event type pattern"
        )
        if reason is not None:
            bad.append(FieldError(f"/event_types/{index}", reason))
    if bad:
        raise Invalid("unknown event type pattern", bad)
    return [event_type_to_sql_like(p) for p in patterns]


async def create(ctx: WebhookContext, principal: Principal, data: WebhookCreate) -> WebhookWithSecret:
    lifecycle.require_role(principal, Role.admin)
    likes = _type_likes(data.event_types)
    digest, digest_next_at = _digest_start(data.delivery, dt.datetime.now(dt.UTC))
    url = await _checked_url(ctx, data.url)
    secret = signing.new_secret()
    async with transaction(ctx.pool) as conn:
        subscription = await store.insert(
            conn,
            subscription_id=uuid4(),
            url=url,
            description=data.description,
            event_types=data.event_types,
            type_likes=likes,
            tags=data.tags,
            slugs=data.slugs,
            teams=data.teams,
            format=data.format,
            enabled=data.enabled,
            secret=secret,
            created_by=principal.subject,
            digest=digest,
            digest_next_at=digest_next_at,
        )
        await audit.record(conn, principal, "webhook.created", detail={"webhook_id": str(subscription.id), "url": url})
    return WebhookWithSecret(webhook=out(subscription), secret=secret)


async def read(ctx: WebhookContext, principal: Principal, subscription_id: UUID) -> store.Subscription:
    lifecycle.require_role(principal, Role.admin)
    async with ctx.pool.acquire() as conn:
        return await store.get(conn, subscription_id)


class WebhookPage(msgspec.Struct, frozen=True):
    items: list[WebhookOut]
    next_cursor: str | None


async def page(ctx: WebhookContext, principal: Principal, *, cursor: str | None, limit: int) -> WebhookPage:
    lifecycle.require_role(principal, Role.admin)
    after = None
    if cursor:
        try:
            after = UUID(str(decode_cursor(cursor, 1)[0]))
        except ValueError:
            raise Invalid("malformed cursor", [FieldError("cursor", "malformed cursor", "query")]) from None
    async with ctx.pool.acquire() as conn:
        rows = await store.page(conn, after=after, limit=limit + 1)
    items = [out(r) for r in rows[:limit]]
    return WebhookPage(items=items, next_cursor=encode_cursor(str(items[-1].id)) if len(rows) > limit else None)


async def update(
    ctx: WebhookContext, principal: Principal, subscription_id: UUID, if_match: str | None, data: WebhookUpdate
) -> store.Subscription:
    lifecycle.require_role(principal, Role.admin)
    fields: dict[str, Any] = {
        name: value for name in data.__struct_fields__ if (value := getattr(data, name)) is not msgspec.UNSET
    }
    if "url" in fields:
        fields["url"] = await _checked_url(ctx, fields["url"])
    if "event_types" in fields:
        fields["type_likes"] = _type_likes(fields["event_types"])
    if fields.get("enabled") is True:
        # Re-enabling starts a clean slate: the disabling reason and the failure streak are history.
        fields.update(disabled_at=None, disabled_reason=None, failing_since=None)
    delivery: digests.Delivery | None = fields.pop("delivery", None)
    now = dt.datetime.now(dt.UTC)
    digest, first_end = _digest_start(delivery, now) if delivery is not None else (None, None)
    async with transaction(ctx.pool) as conn:
        current = await store.get(conn, subscription_id, lock=True)
        check_if_match(if_match, current.revision, required=False)
        if delivery is not None:
            fields.update(_delivery_change(current, digest, first_end, now))
        updated = await store.update(conn, subscription_id, **fields) if fields else current
        if delivery is not None and (current.digest is None) != (digest is None):
            updated = await store.switch_mode(conn, subscription_id, to_digest=digest is not None)
        if delivery is not None:
            fields["delivery"] = delivery
        await audit.record(
            conn, principal, "webhook.updated", detail={"webhook_id": str(subscription_id), "changes": sorted(fields)}
        )
    return updated


def _delivery_change(
    current: store.Subscription, digest: dict[str, Any] | None, first_end: dt.datetime | None, now: dt.datetime
) -> dict[str, Any]:
    """The columns a change of delivery mode sets. A digest's new schedule applies from its next period (the one
    under way ends as planned); from one delivery per event, the first period starts now; back to one per event,
    the period under way ends now and its digest goes out at once (the worker builds it)."""
    if digest is not None:
        return {"digest": digest} if current.digest is not None else {"digest": digest, "digest_next_at": first_end}
    if current.digest is not None:
        return {"digest": None, "digest_next_at": now}
    return {}


async def delete(ctx: WebhookContext, principal: Principal, subscription_id: UUID) -> None:
    lifecycle.require_role(principal, Role.admin)
    async with transaction(ctx.pool) as conn:
        await store.delete(conn, subscription_id)
        await audit.record(conn, principal, "webhook.deleted", detail={"webhook_id": str(subscription_id)})


async def rotate_secret(
    ctx: WebhookContext, principal: Principal, subscription_id: UUID, data: RotateSecret
) -> WebhookWithSecret:
    """A new secret; the old one keeps signing too (both signatures sent) until the overlap ends."""
    lifecycle.require_role(principal, Role.admin)
    secret = signing.new_secret()
    until = dt.datetime.now(dt.UTC) + dt.timedelta(hours=data.overlap_hours)
    async with transaction(ctx.pool) as conn:
        await store.get(conn, subscription_id, lock=True)
        subscription = await store.rotate_secret(conn, subscription_id, secret, until)
        await audit.record(conn, principal, "webhook.secret_rotated", detail={"webhook_id": str(subscription_id)})
    return WebhookWithSecret(webhook=out(subscription), secret=secret)


class Queued(msgspec.Struct, frozen=True):
    queued: int
    delivery_id: int | None = None


async def send_test(ctx: WebhookContext, principal: Principal, subscription_id: UUID) -> Queued:
    lifecycle.require_role(principal, Role.admin)
    data = WebhookTestData(id=subscription_id, message="A test event from Canon: your endpoint is reachable.")
    payload = {
        "type": "webhook.test",
        "timestamp": dt.datetime.now(dt.UTC).isoformat(),
        "data": msgspec.to_builtins(data),
    }
    async with transaction(ctx.pool) as conn:
        await store.get(conn, subscription_id)
        delivery_id = await store.insert_direct(conn, subscription_id, "webhook.test", payload)
    return Queued(queued=1, delivery_id=delivery_id)


async def retry(ctx: WebhookContext, principal: Principal, subscription_id: UUID, delivery_id: int) -> Queued:
    lifecycle.require_role(principal, Role.admin)
    async with transaction(ctx.pool) as conn:
        await store.delivery(conn, subscription_id, delivery_id)
        if not await store.requeue(conn, delivery_id):
            raise Conflict(f"delivery {delivery_id} is being sent right now; retry it once that attempt ends")
    return Queued(queued=1, delivery_id=delivery_id)


async def replay(ctx: WebhookContext, principal: Principal, subscription_id: UUID, data: Replay) -> Queued:
    """Queue new deliveries to this subscription for every matching event after `after` and/or since `since`: at
    most REPLAY_LIMIT events, and no more than keep its pending deliveries within `replay_max_in_flight` (TooBusy
    once they are there)."""
    lifecycle.require_role(principal, Role.admin)
    if data.since is None and data.after is None:
        raise Invalid("say where to replay from", [FieldError("/since", "give since (a time) or after (a cursor)")])
    txid, event_id = (0, 0)
    if data.after is not None:
        txid, event_id = decode_int_cursor(data.after, 2, "/after", "body")
    async with transaction(ctx.pool) as conn:
        # One replay at a time per subscription: the bound holds.
        subscription = await store.get(conn, subscription_id, lock=True)
        pending = await store.pending_count(conn, subscription_id, cap=ctx.replay_max_in_flight)
        room = ctx.replay_max_in_flight - pending
        if room <= 0:
            raise TooBusy(
                f"{pending} deliveries to this webhook are still pending (the limit is {ctx.replay_max_in_flight}); "
                "replay more once they have gone out",
                REPLAY_RETRY_AFTER,
            )
        ids = await store.event_ids_since(
            conn, after_txid=txid, after_id=event_id, since=data.since, limit=min(REPLAY_LIMIT, room)
        )
        if not ids:
            queued = 0
        elif subscription.digest is not None:  # the replayed events as one digest, now
            queued = await digest_deliveries.queue_replay(conn, subscription, ids)
        else:
            queued = await store.fan_out(conn, ids, only=subscription_id)
        await audit.record(
            conn, principal, "webhook.replayed", detail={"webhook_id": str(subscription_id), "queued": queued}
        )
    return Queued(queued=queued)


class DeliveryPage(msgspec.Struct, frozen=True):
    items: list[store.DeliveryRow]
    next_cursor: str | None


async def delivery_page(
    ctx: WebhookContext,
    principal: Principal,
    subscription_id: UUID,
    *,
    status: str | None,
    event_type: str | None,
    cursor: str | None,
    limit: int,
) -> DeliveryPage:
    lifecycle.require_role(principal, Role.admin)
    before = decode_int_cursor(cursor, 1)[0] if cursor else None
    async with ctx.pool.acquire() as conn:
        await store.get(conn, subscription_id)
        rows = await store.deliveries(
            conn, subscription_id, status=status, event_type=event_type, before=before, limit=limit + 1
        )
    items = rows[:limit]
    return DeliveryPage(items=items, next_cursor=encode_cursor(items[-1].id) if len(rows) > limit else None)


class DeliveryDetail(msgspec.Struct, frozen=True):
    delivery: store.DeliveryRow
    attempts: list[store.AttemptRow]


async def delivery_detail(
    ctx: WebhookContext, principal: Principal, subscription_id: UUID, delivery_id: int
) -> DeliveryDetail:
    lifecycle.require_role(principal, Role.admin)
    async with ctx.pool.acquire() as conn:
        row = await store.delivery(conn, subscription_id, delivery_id)
        found = await store.attempts(conn, delivery_id)
    return DeliveryDetail(delivery=row, attempts=found)
