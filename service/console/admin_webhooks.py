"""Admin: webhook subscriptions. The list with each one's filters, format, delivery mode and health; a subscription's
page with its recent deliveries (refreshed while any is pending), a delivery's attempts, retry, a test event, enable
and disable; and the form to subscribe, whose signing secret is shown once. The use cases are the API's
(`service/api/webhooks.py`), with its rules and its admin-only check."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Final

from litestar import get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from service.api.deps import AllServices, Caller
from service.api.webhooks import DeliveryStatus
from service.console.admin_forms import Form, FormErrors, checked, place_all, read_form, uuid_or_404
from service.console.admin_people import admin_only
from service.console.render import CursorQuery, HttpRequest, page, page_or_fragment
from service.domain.digests import Every, Weekday
from service.domain.errors import Invalid
from service.usecases import webhooks
from service.usecases.webhooks import RotateSecret, WebhookCreate, WebhookUpdate, WebhookWithSecret
from service.webhooks.formats import WebhookFormat

PAGE_SIZE: Final = 50
DELIVERIES_SHOWN: Final = 25
WEBHOOKS: Final = "/console/admin/webhooks"
MAX_DELIVERY_ID: Final = 2**63 - 1
FIELDS: Final = {
    "/url": "url",
    "/description": "description",
    "/event_types": "event_types",
    "/tags": "tags",
    "/slugs": "slugs",
    "/teams": "teams",
    "/format": "format",
    "/delivery/every": "every",
    "/delivery/at": "at",
    "/delivery/timezone": "timezone",
    "/delivery/on": "on",
    "/delivery": "mode",
    "/enabled": "enabled",
}
DEFAULTS: Final = {
    "format": WebhookFormat.standard.value,
    "mode": "each",
    "every": Every.day.value,
    "at": "09:00",
    "timezone": "UTC",
    "on": Weekday.monday.value,
    "enabled": "on",
}
CHOICES: Final = {
    "formats": [f.value for f in WebhookFormat],
    "everies": [e.value for e in Every],
    "weekdays": [d.value for d in Weekday],
    "statuses": [s.value for s in DeliveryStatus],
}


class Done(StrEnum):
    """What the page a form redirects to says was done."""

    test = "test"
    enabled = "enabled"
    disabled = "disabled"
    retried = "retried"
    deleted = "deleted"


NOTICES: Final = {
    Done.test: "A webhook.test event is queued: its delivery below shows the outcome once the worker has sent it.",
    Done.enabled: "Enabled: deliveries resume, and the failure streak is cleared.",
    Done.disabled: "Disabled: nothing is sent until it is enabled again.",
    Done.retried: "Queued again: the worker sends it now, with the same webhook-id.",
    Done.deleted: "The subscription was deleted: nothing more is sent to that endpoint.",
}
DoneQuery = Annotated[Done | None, QueryParameter()]
StatusQuery = Annotated[DeliveryStatus | None, QueryParameter()]


@get("/admin/webhooks")
async def webhooks_page(
    request: HttpRequest, services: AllServices, principal: Caller, cursor: CursorQuery = None, done: DoneQuery = None
) -> Template:
    """Every subscription: where it sends, what it filters, in which format and mode, and whether it is healthy."""
    found = await webhooks.page(services.webhooks, principal, cursor=cursor, limit=PAGE_SIZE)
    return page(
        request,
        "admin_webhooks.html",
        active="admin",
        tab="webhooks",
        items=found.items,
        next_cursor=found.next_cursor,
        notice=None if done is None else NOTICES[done],
    )


@get("/admin/webhooks/new")
async def new_webhook(request: HttpRequest, principal: Caller) -> Template:
    """The form to subscribe an endpoint."""
    admin_only(principal)
    return _form(request, dict(DEFAULTS), FormErrors(), 200)


def _form(request: HttpRequest, form: dict[str, str], errors: FormErrors, status: int) -> Template:
    return page(
        request, "admin_webhook_new.html", status, active="admin", tab="webhooks", form=form, errors=errors, **CHOICES
    )


@post("/admin/webhooks", status_code=201)
async def create_webhook(request: HttpRequest, services: AllServices, principal: Caller) -> Template:
    """Subscribe (`POST /v1/webhooks`); the signing secret is on this response only (`Cache-Control: no-store`), and
    each fault of the form is shown at its field."""
    admin_only(principal)
    errors = FormErrors()
    form = await read_form(request, errors)
    data = checked(WebhookCreate, _body(form), errors, FIELDS)
    if data is not None:
        try:
            created = await webhooks.create(services.webhooks, principal, data)
        except Invalid as exc:
            if exc.errors:
                place_all(errors, exc.errors, FIELDS)
            else:
                errors.form.append(exc.detail)
        else:
            return _secret(request, created, 201, rotated=False)
    return _form(request, form.values, errors, 422)


def _secret(request: HttpRequest, shown: WebhookWithSecret, status: int, *, rotated: bool) -> Template:
    """The page that shows a signing secret, the only time it is shown: never in a URL, never stored by a cache."""
    answer = page(
        request,
        "admin_webhook_created.html",
        status,
        active="admin",
        tab="webhooks",
        webhook=shown.webhook,
        secret=shown.secret,
        rotated=rotated,
    )
    answer.headers["Cache-Control"] = "no-store"
    return answer


def _body(form: Form) -> dict[str, Any]:
    """The API's JSON body from the form: lists typed one item per comma or line, the delivery mode's fields."""
    delivery: dict[str, str] = {"mode": form.text("mode") or "each"}
    if delivery["mode"] == "digest":
        delivery.update({name: form.text(name) for name in ("every", "at", "timezone", "on") if form.text(name)})
    return {
        "url": form.text("url"),
        "description": form.text("description"),
        "event_types": form.items("event_types"),
        "tags": form.items("tags"),
        "slugs": form.items("slugs"),
        "teams": form.items("teams"),
        "format": form.text("format") or WebhookFormat.standard.value,
        "delivery": delivery,
        "enabled": form.has("enabled"),
    }


@get("/admin/webhooks/{webhook_id:str}")
async def webhook_page(
    request: HttpRequest,
    services: AllServices,
    principal: Caller,
    webhook_id: FromPath[str],
    status: StatusQuery = None,
    cursor: CursorQuery = None,
    done: DoneQuery = None,
) -> Template:
    """A subscription, its health and its newest deliveries (filtered by status). For HTMX, the deliveries alone:
    the page asks for them again every few seconds while one is pending."""
    subscription_id = uuid_or_404(webhook_id)
    subscription = webhooks.out(await webhooks.read(services.webhooks, principal, subscription_id))
    found = await webhooks.delivery_page(
        services.webhooks,
        principal,
        subscription_id,
        status=None if status is None else status.value,
        event_type=None,
        cursor=cursor,
        limit=DELIVERIES_SHOWN,
    )
    return page_or_fragment(
        request,
        "admin_webhook.html",
        "_admin_deliveries.html",
        active="admin",
        tab="webhooks",
        webhook=subscription,
        deliveries=found.items,
        next_cursor=found.next_cursor,
        status=None if status is None else status.value,
        cursor=cursor,
        pending=any(item.status == DeliveryStatus.pending for item in found.items),
        notice=None if done is None else NOTICES[done],
        statuses=CHOICES["statuses"],
    )


@post("/admin/webhooks/{webhook_id:str}/test", status_code=303)
async def send_test(services: AllServices, principal: Caller, webhook_id: FromPath[str]) -> Redirect:
    """Queue a `webhook.test` event to this endpoint (`POST /v1/webhooks/{id}/test`)."""
    subscription_id = uuid_or_404(webhook_id)
    await webhooks.send_test(services.webhooks, principal, subscription_id)
    return Redirect(f"{WEBHOOKS}/{subscription_id}?done={Done.test.value}", status_code=303)


@post("/admin/webhooks/{webhook_id:str}/enabled", status_code=303)
async def set_enabled(
    request: HttpRequest, services: AllServices, principal: Caller, webhook_id: FromPath[str]
) -> Redirect:
    """Enable (which clears a disable and the failure streak) or disable a subscription (`PATCH`, `enabled`)."""
    enabled = (await read_form(request, FormErrors())).text("enabled") == "true"
    subscription_id = uuid_or_404(webhook_id)
    await webhooks.update(services.webhooks, principal, subscription_id, None, WebhookUpdate(enabled=enabled))
    done = Done.enabled if enabled else Done.disabled
    return Redirect(f"{WEBHOOKS}/{subscription_id}?done={done.value}", status_code=303)


@post("/admin/webhooks/{webhook_id:str}/rotate-secret", status_code=200)
async def rotate_secret(
    request: HttpRequest, services: AllServices, principal: Caller, webhook_id: FromPath[str]
) -> Template:
    """A new signing secret, shown once; the old one keeps signing alongside for a day (`POST .../rotate-secret`)."""
    rotated = await webhooks.rotate_secret(services.webhooks, principal, uuid_or_404(webhook_id), RotateSecret())
    return _secret(request, rotated, 200, rotated=True)


@get("/admin/webhooks/{webhook_id:str}/delete")
async def confirm_delete(
    request: HttpRequest, services: AllServices, principal: Caller, webhook_id: FromPath[str]
) -> Template:
    """Are you sure? The subscription, with the button that deletes it."""
    subscription = webhooks.out(await webhooks.read(services.webhooks, principal, uuid_or_404(webhook_id)))
    return page(request, "admin_webhook_delete.html", active="admin", tab="webhooks", webhook=subscription)


@post("/admin/webhooks/{webhook_id:str}/delete", status_code=303)
async def delete_webhook(services: AllServices, principal: Caller, webhook_id: FromPath[str]) -> Redirect:
    """Unsubscribe (`DELETE /v1/webhooks/{id}`): nothing more is sent, and its deliveries go with it."""
    await webhooks.delete(services.webhooks, principal, uuid_or_404(webhook_id))
    return Redirect(f"{WEBHOOKS}?done={Done.deleted.value}", status_code=303)


@get("/admin/webhooks/{webhook_id:str}/deliveries/{delivery_id:str}")
async def delivery_page(
    request: HttpRequest,
    services: AllServices,
    principal: Caller,
    webhook_id: FromPath[str],
    delivery_id: FromPath[str],
    done: DoneQuery = None,
) -> Template:
    """One delivery and every attempt at it: when, the status code, latency, error and the response's start. For
    HTMX, the attempts alone (a delivery's row on the subscription's page opens them in place)."""
    subscription_id = uuid_or_404(webhook_id)
    found = await webhooks.delivery_detail(services.webhooks, principal, subscription_id, _delivery(delivery_id))
    subscription = webhooks.out(await webhooks.read(services.webhooks, principal, subscription_id))
    return page_or_fragment(
        request,
        "admin_delivery.html",
        "_admin_attempts.html",
        active="admin",
        tab="webhooks",
        webhook=subscription,
        delivery=found.delivery,
        attempts=found.attempts,
        notice=None if done is None else NOTICES[done],
    )


@post("/admin/webhooks/{webhook_id:str}/deliveries/{delivery_id:str}/retry", status_code=303)
async def retry_delivery(
    services: AllServices, principal: Caller, webhook_id: FromPath[str], delivery_id: FromPath[str]
) -> Redirect:
    """Send a delivery again now, with the same webhook-id (`POST .../deliveries/{id}/retry`)."""
    subscription_id, number = uuid_or_404(webhook_id), _delivery(delivery_id)
    await webhooks.retry(services.webhooks, principal, subscription_id, number)
    return Redirect(f"{WEBHOOKS}/{subscription_id}/deliveries/{number}?done={Done.retried.value}", status_code=303)


def _delivery(delivery_id: str) -> int:
    """A delivery id the database can hold; any other is no delivery (404), as an unknown one is."""
    number = int(delivery_id) if delivery_id.isascii() and delivery_id.isdigit() and len(delivery_id) < 20 else 0
    if not 1 <= number <= MAX_DELIVERY_ID:
        raise NotFoundException(f"no delivery {delivery_id!r}")
    return number


ROUTES = [
    webhooks_page,
    new_webhook,
    create_webhook,
    webhook_page,
    send_test,
    set_enabled,
    rotate_secret,
    confirm_delete,
    delete_webhook,
    delivery_page,
    retry_delivery,
]
