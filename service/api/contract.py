"""What the OpenAPI document says beyond its routes: the criteria grammar that every `criteria` field refers to (the
field's declaration, `Criteria` in service/domain/kinds.py, names the component for msgspec's rendering, which the
finished document uses: service/api/openapi_document.py), and every event Canon sends, under OpenAPI 3.1's
`webhooks`, with the schemas of both in `components.schemas`.

The schemas are those of `schemas/` (service/domain/criteria_schema.py, event_schema.py), their `$defs` turned into
components. Litestar builds `components.schemas` from the routes' types, replacing any its configuration holds, so
these travel beside them (`ContractComponents`) and join them when the document is written out (`to_schema`, which
both `app.openapi_schema.to_schema()` and `/schema/openapi.json` go through).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from litestar.exceptions import ImproperlyConfiguredException
from litestar.openapi.spec import (
    Components,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Parameter,
    PathItem,
    Reference,
    RequestBody,
    Schema,
)

from service.domain.criteria_schema import CRITERIA_SCHEMA
from service.domain.event_schema import data_schemas, data_types, envelope_schema
from service.domain.events import EVENT_TYPES, data_type

SCHEMAS: Final = "#/components/schemas/"
CRITERIA: Final = "Criteria"
WEBHOOK_TAG: Final = "Webhook events"

# What each event means to a receiver (docs/webhooks.md, Event types, says the same at more length).
_ACTIONS: Final = {
    "created": "A new entry, with version 1 as a draft.",
    "updated": "The entry's own fields changed, not a version; `data.changes` names them.",
    "draft_updated": "A draft was edited or its file uploaded, or a version was rejected back to draft.",
    "submitted": "A version went to review.",
    "review_requested": "A submitted version awaits one team's approval (`data.review_request.team`): one per team.",
    "review_overdue": (
        "A team's review is still pending after the review window (`data.review_request.windows_overdue` windows); "
        "sent once per window and team."
    ),
    "approved": "One team approved (`data.review`); `data.status` is `approved` once every required team has.",
    "rejected": "A version was rejected (`data.review.comment`).",
    "published": "A version became current (`data.previous_version`, `data.stale_dependents`).",
    "effective": "A scheduled version came into effect (`data.effective_at`).",
    "acknowledgement_overdue": (
        "People of the addressed teams had not acknowledged the version in effect when its acknowledgement window "
        "ended (`data.acknowledgements_due.people`); each person is named once per version."
    ),
    "citation_stale": (
        "The version in effect of this message or asset cites a version that a newer one of the cited entry has just "
        "replaced (`data.stale_citations`: the entry cited, the version cited, the version now in effect); sent once "
        "per citation falling behind."
    ),
    "retired": "The entry was retired.",
    "restored": "The entry was restored.",
    "expiring": "The current version expires soon (sent once per version; only assets expire today).",
    "expired": "The current version has expired and left the portal's search (only assets expire today).",
    "disabled": "Canon stopped sending to another endpoint (`data.reason`); see docs/webhooks.md, Disabled endpoints.",
    "test": "A test of this endpoint, asked for with `POST /v1/webhooks/{id}/test`; `data.id` is the subscription.",
    "digest": (
        "A digest subscription's period ended (`data.period`): its changes grouped by entry, runs of one kind of "
        "change collapsed into one line with its count (`data.entries`); nothing is sent for a period without changes."
    ),
}


def rewrite_refs(node: Any, refs: Mapping[str, str]) -> Any:
    """`node` (JSON) with every `$ref` replaced by `refs[$ref]`; a `$ref` missing from `refs` is a KeyError."""
    if isinstance(node, dict):
        return {key: refs[value] if key == "$ref" else rewrite_refs(value, refs) for key, value in node.items()}
    if isinstance(node, list):
        return [rewrite_refs(item, refs) for item in node]
    return node


def criteria_components() -> dict[str, dict[str, Any]]:
    """The criteria grammar as components: its root is `Criteria`, each definition `Criteria<Name>`."""
    definitions: dict[str, Any] = CRITERIA_SCHEMA["$defs"]
    names = {"#": CRITERIA} | {f"#/$defs/{name}": CRITERIA + name[0].upper() + name[1:] for name in definitions}
    refs = {ref: SCHEMAS + name for ref, name in names.items()}
    root = {key: value for key, value in CRITERIA_SCHEMA.items() if key not in ("$schema", "$id", "$defs")}
    found = {CRITERIA: rewrite_refs(root, refs)}
    found.update({names[f"#/$defs/{name}"]: rewrite_refs(schema, refs) for name, schema in definitions.items()})
    return found


def event_component(event_type: str) -> str:
    """`definition.draft_updated` -> `DefinitionDraftUpdatedEvent`."""
    return "".join(part.capitalize() for part in re.split(r"[._]", event_type)) + "Event"


def event_components() -> dict[str, dict[str, Any]]:
    """Each event type's envelope (`DefinitionPublishedEvent`, ...) and the Structs they carry: a `data` Struct keeps
    its name (`EntryEventData`), the Structs inside it are prefixed `Event` (`EventActor`) to stay clear of the
    routes' own. Each title is its component's name: openapi-python-client names its classes after titles."""
    carried = {struct.__name__ for struct in data_types()}
    schemas = data_schemas()
    names = {name: name if name in carried else f"Event{name}" for name in schemas}
    refs = {f"#/$defs/{name}": SCHEMAS + renamed for name, renamed in names.items()}
    found = {names[name]: rewrite_refs(schema, refs) | {"title": names[name]} for name, schema in schemas.items()}
    for event_type in EVENT_TYPES:
        name = event_component(event_type)
        found[name] = {"title": name} | envelope_schema(event_type, SCHEMAS + data_type(event_type).__name__)
    return found


def contract_schemas() -> dict[str, dict[str, Any]]:
    criteria, events = criteria_components(), event_components()
    if clash := sorted(criteria.keys() & events.keys()):
        raise ImproperlyConfiguredException(f"criteria and event schemas share the names {clash}")
    return criteria | events


@dataclass
class ContractComponents(Components):
    """`Components` that add `contract_schemas` to the schemas Litestar generates when written out; a name both
    use is an error (rename one), not a silent replacement."""

    contract_schemas: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def _exclude_fields(self) -> set[str]:
        return {"contract_schemas"}

    def to_schema(self) -> dict[str, Any]:
        written = super().to_schema()
        generated: dict[str, Any] = written.get("schemas", {})
        if clash := sorted(generated.keys() & self.contract_schemas.keys()):
            raise ImproperlyConfiguredException(f"component schemas named both by routes and by the contract: {clash}")
        written["schemas"] = dict(sorted((generated | self.contract_schemas).items()))
        return written


def _header(name: str, description: str, pattern: str, example: str) -> Parameter:
    return Parameter(
        name=name,
        param_in="header",
        required=True,
        description=description,
        schema=Schema(type=OpenAPIType.STRING, pattern=pattern),
        example=example,
    )


SIGNATURE_HEADERS: Final = {
    "WebhookId": _header(
        "webhook-id",
        "The message id: the same for every attempt of a delivery, so receivers can deduplicate on it.",
        r"^\S+$",
        "msg_5",
    ),
    "WebhookTimestamp": _header(
        "webhook-timestamp",
        "When this attempt was signed, in Unix seconds; refuse times far from your clock (5 minutes).",
        r"^[0-9]+$",
        "1795421503",
    ),
    "WebhookSignature": _header(
        "webhook-signature",
        "`v1,` and the base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{raw body}`, keyed with the secret's "
        "base64-decoded part after `whsec_`; during a secret rotation two, separated by a space: accept either.",
        r"^v1,[A-Za-z0-9+/]+={0,2}( v1,[A-Za-z0-9+/]+={0,2})*$",
        "v1,8vDak50C+nyMHN2ikAwv1kMdjr23NU5WSwAxsejA3V8=",
    ),
}

RECEIVER_RESPONSES: Final = {
    "WebhookAcknowledged": OpenAPIResponse(
        description="Received: any 2xx within 15 seconds. Answer first, then do the work; the body is ignored."
    ),
    "WebhookGone": OpenAPIResponse(
        description="Stop: Canon disables the subscription at once and the delivery fails (re-enable with PATCH)."
    ),
    "WebhookRetried": OpenAPIResponse(
        description=(
            "Anything else (another status, a redirect, a timeout, a refused connection) is retried: 5 s, 5 min, "
            "30 min, 2 h, 5 h, 10 h, 10 h (with jitter), then the delivery fails. A 429 or 503 with Retry-After "
            "(1 s to 24 h) sets the next attempt's time."
        )
    ),
}


def webhooks() -> dict[str, PathItem | Reference]:
    """One entry per event type: the signed POST Canon sends to a subscribed endpoint, and what it should answer."""
    return {event_type: PathItem(post=_delivery(event_type)) for event_type in EVENT_TYPES}


def _delivery(event_type: str) -> Operation:
    return Operation(
        tags=[WEBHOOK_TAG],
        summary=event_type,
        description=_ACTIONS[event_type.rpartition(".")[2]],
        operation_id=f"receive_{event_type.replace('.', '_')}",
        parameters=[Reference(ref=f"#/components/parameters/{name}") for name in SIGNATURE_HEADERS],
        request_body=RequestBody(
            required=True,
            description="The event, signed (docs/webhooks.md): verify the signature over the raw bytes, then parse.",
            content={"application/json": OpenAPIMediaType(schema=Reference(ref=SCHEMAS + event_component(event_type)))},
        ),
        responses={
            "2XX": Reference(ref="#/components/responses/WebhookAcknowledged"),
            "410": Reference(ref="#/components/responses/WebhookGone"),
            "default": Reference(ref="#/components/responses/WebhookRetried"),
        },
        security=[],  # no API key: the signature headers authenticate Canon to the receiver
    )
