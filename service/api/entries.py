"""HTTP routes shared by every kind of entry: `entry_router(kind)` builds `/v1/{kind}s` for one kind.

Handlers are thin: parse, call one use case, shape the response. They are written once, generic over the kind's
request and response types (`DefinitionCreate`, `Definition`, ...: plain Structs declared in
service/domain/operations.py and service/api/schemas.py). Each kind's Router names its types in its signature
namespace, Litestar's way of resolving a handler's forward references, so validation and OpenAPI use them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Generic

import msgspec
from litestar import Response, Router, get, patch, post, route
from litestar.datastructures import ResponseHeader, State
from litestar.di import Provide
from litestar.enums import HttpMethod
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromQuery, HeaderParameter, JSONBody, QueryParameter
from litestar.types import Method, OperationIDCreator
from litestar.types.internal_types import PathParameterDefinition

from service.api.deps import Caller, Entries, SlugPath, VersionPath, provide_services
from service.api.openapi_document import RESPONSES
from service.api.problems import READ_PROBLEMS, problem_responses
from service.api.schemas import (
    ASSET_OUT,
    DEFINITION_OUT,
    MESSAGE_OUT,
    EntryT,
    KindOut,
    ListT,
    VersionListT,
)
from service.domain import instants
from service.domain.concurrency import ENTITY_TAGS, TAGS_ONLY, etag, none_match
from service.domain.cursors import CURSOR_PATTERN
from service.domain.diff import VersionDiff
from service.domain.errors import FieldError, Invalid
from service.domain.instants import INSTANT_SCHEMAS
from service.domain.kinds import ASSET, DEFINITION, MESSAGE, KindSpec
from service.domain.operations import (
    ASSET_INPUT,
    DEFINITION_INPUT,
    MESSAGE_INPUT,
    Approve,
    CreateT,
    EntryUpdate,
    KindInput,
    PatchT,
    Reject,
    VersionCreateT,
)
from service.store.entry_views import EntryView
from service.usecases import entries as writes
from service.usecases import reads
from service.usecases.entries import EntryContext

Limit = Annotated[int, QueryParameter(ge=1, le=200, description="Page size (1 to 200).")]
Cursor = Annotated[
    str | None,
    QueryParameter(
        description="`next_cursor` of the previous page (opaque).",
        max_length=512,
        schema_extra={"pattern": CURSOR_PATTERN},  # documented; a cursor not issued here is 422 "malformed cursor"
    ),
]
IfMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-Match",
        schema_extra={"pattern": ENTITY_TAGS},  # documented; what matches no ETag is 412 (RFC 9110)
        description="The ETag this write is based on (412 when it is stale).",
    ),
]
IfMatchRequired = Annotated[
    str | None,
    HeaderParameter(
        name="If-Match",
        schema_extra={"pattern": TAGS_ONLY},  # documented; absent or `*` is 428, what matches no ETag 412
        required=True,  # documented as required; the use case answers 428 without it (or with `*`)
        description="The ETag of the entry this edit is based on: 428 without it (`*` does not count), 412 when stale.",
    ),
]
IfNoneMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-None-Match",
        schema_extra={"pattern": ENTITY_TAGS},  # documented; what matches no ETag is a plain 200
        description="An ETag you hold: 304 when it is current.",
    ),
]
VersionQuery = Annotated[int | None, QueryParameter(ge=1, le=1_000_000, description="A version number.")]


def instant_parameter(description: str) -> QueryParameter:
    """A query parameter naming an instant: a date or an RFC 3339 time, checked by `parse_as_of`."""
    return QueryParameter(description=description, max_length=64, schema_extra={"anyOf": INSTANT_SCHEMAS})


AsOf = Annotated[
    str | None, instant_parameter("A date (end of that day, UTC) or RFC 3339 time: the version in effect then.")
]
KnownAt = Annotated[
    str | None,
    instant_parameter("Read the timeline as Canon had recorded it then: only versions published by this date or time."),
]


class EntryStatusFilter(StrEnum):
    """Which entries a list shows, by their status (`any`: all of them)."""

    published = "published"
    retired = "retired"
    draft = "draft"
    in_review = "in_review"
    approved = "approved"
    any = "any"


StatusFilter = FromQuery[EntryStatusFilter | None]
TextFilter = Annotated[str | None, QueryParameter(min_length=1, max_length=200)]


class EntryKindName(StrEnum):
    """A kind of entry (named, so generated clients get one enum)."""

    definition = "definition"
    message = "message"
    asset = "asset"


class MessageTypeName(StrEnum):
    """What a message is (named, so generated clients get one enum)."""

    positioning = "positioning"
    value_proposition = "value_proposition"
    talk_track = "talk_track"
    objection_handling = "objection_handling"
    other = "other"


JSON_TYPE = "application/json"
READS = problem_responses(READ_PROBLEMS)
WRITES = problem_responses()
TIMED_READS = problem_responses((*READ_PROBLEMS, 410))  # as of a date after the entry's retirement


def entry_response(view: EntryView, status_code: int = 200, location: str | None = None) -> Response[Any]:
    """The rendered JSON as it came from PostgreSQL, with its ETag."""
    headers = {"ETag": etag(view.revision)}
    if location:
        headers["Location"] = location
    return Response(msgspec.Raw(view.body), status_code=status_code, media_type=JSON_TYPE, headers=headers)


# The ETag every answer carrying an entry has (documented; `entry_response` sets it).
ENTRY_HEADERS = [
    ResponseHeader(
        name="ETag",
        description="The entry's revision: If-Match on the next write, If-None-Match on the next read.",
        documentation_only=True,
    )
]
NOT_MODIFIED = {304: {"description": "Not modified: the If-None-Match tag is the entry's current ETag."}}
READ_METHODS = [HttpMethod.GET, HttpMethod.HEAD]  # HEAD: the same status and headers (ETag), no body


def operation_ids(get_id: str, head_id: str) -> OperationIDCreator:
    """One route handler serves GET and HEAD; each operation keeps an id of its own."""

    def operation_id(handler: HTTPRouteHandler, method: Method, path: list[str | PathParameterDefinition]) -> str:
        return head_id if method == HttpMethod.HEAD else get_id

    return operation_id


def not_modified(revision: int) -> Response[Any]:
    return Response(b"", status_code=304, headers={"ETag": etag(revision)})


def _page_response(page: reads.Page) -> Response[Any]:
    body = b'{"items":[' + b",".join(page.items) + b'],"next_cursor":' + msgspec.json.encode(page.next_cursor) + b"}"
    return Response(msgspec.Raw(body), media_type=JSON_TYPE)


def _instant(value: str, name: str, source: str = "query") -> tuple[dt.datetime, bool]:
    """A date (start of that day, UTC) or an RFC 3339 time (UTC when it has no offset), and whether it was a date."""
    try:
        return instants.parse(value)
    except (ValueError, OverflowError):  # OverflowError: beyond the years 1 to 9999 in UTC
        raise Invalid(
            f"{name} must be a date or an RFC 3339 time",
            [FieldError(name if source != "body" else f"/{name}", "expected YYYY-MM-DD or an RFC 3339 time", source)],
        ) from None


def parse_instant(value: str | None, name: str) -> dt.datetime | None:
    """A query parameter naming an instant; a date means the start of that day (UTC)."""
    return None if value is None else _instant(value, name)[0]


def parse_as_of(value: str | None, name: str = "as_of", source: str = "query") -> dt.datetime | None:
    """An instant of `as_of` or `known_at`, as the moment just after it: a date means the end of that day (UTC), a
    time without an offset is taken as UTC."""
    if value is None:
        return None
    moment, is_date = _instant(value, name, source)
    try:
        # A time names the versions in effect at that instant, so include versions that took effect exactly then.
        return moment + (dt.timedelta(days=1) if is_date else dt.timedelta(microseconds=1))
    except OverflowError:
        pointer = name if source != "body" else f"/{name}"
        raise Invalid(
            f"{name} must be a date or an RFC 3339 time",
            [FieldError(pointer, "expected YYYY-MM-DD or an RFC 3339 time", source)],
        ) from None


@dataclass(frozen=True)
class KindRoutes(Generic[CreateT, VersionCreateT, PatchT, EntryT, ListT, VersionListT]):
    """A kind and its request and response types."""

    spec: KindSpec
    requests: KindInput[CreateT, VersionCreateT, PatchT]
    responses: KindOut[EntryT, ListT, VersionListT]

    def signature_namespace(self) -> dict[str, object]:
        """The names the generic handlers' annotations use, bound to this kind's types."""
        return {
            "CreateT": self.requests.create,
            "VersionCreateT": self.requests.new_version,
            "PatchT": self.requests.edit,
            "EntryT": self.responses.entry,
            "ListT": self.responses.entries,
            "VersionListT": self.responses.versions,
        }


DEFINITION_ROUTES = KindRoutes(DEFINITION, DEFINITION_INPUT, DEFINITION_OUT)
MESSAGE_ROUTES = KindRoutes(MESSAGE, MESSAGE_INPUT, MESSAGE_OUT)
ASSET_ROUTES = KindRoutes(ASSET, ASSET_INPUT, ASSET_OUT)


def entry_context_provider(spec: KindSpec) -> Provide:
    """The kind's use-case context, as the `context` dependency of its routes."""

    def provide_entry_context(state: State) -> EntryContext:
        return provide_services(state).entry_contexts[spec.name]

    return Provide(provide_entry_context, sync_to_thread=False)


def entry_router(  # noqa: C901  # a flat list of routes
    kind: KindRoutes[CreateT, VersionCreateT, PatchT, EntryT, ListT, VersionListT], extra: list[Any] | None = None
) -> Router:
    """Every route of one kind: create, list, read, edit, versions, review, publish, retire, diff."""
    spec = kind.spec
    name = spec.name

    async def create(principal: Caller, context: Entries, data: JSONBody[CreateT]) -> Response[EntryT]:
        view = await writes.create(context, principal, data)
        return entry_response(view, 201, location=f"{spec.path}/{data.slug}")

    async def list_entries(
        principal: Caller,
        context: Entries,
        status: StatusFilter = None,
        tag: TextFilter = None,
        team: TextFilter = None,
        q: TextFilter = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Response[ListT]:
        page = await reads.entry_page(
            context, principal, status=status, tag=tag, team=team, prefix=q, cursor=cursor, limit=limit
        )
        return _page_response(page)

    async def list_messages(
        principal: Caller,
        context: Entries,
        status: StatusFilter = None,
        tag: TextFilter = None,
        team: TextFilter = None,
        q: TextFilter = None,
        message_type: Annotated[MessageTypeName | None, QueryParameter()] = None,
        locale: Annotated[str | None, QueryParameter(max_length=20, description="e.g. en, de-DE")] = None,
        audience: TextFilter = None,
        segment: TextFilter = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Response[ListT]:
        """Filters on the listed version's content (in effect, else the latest): type, locale, audience, segment."""
        wanted = {"message_type": message_type, "locale": locale, "audience": audience, "segment": segment}
        content = {name: str(value) for name, value in wanted.items() if value is not None}
        page = await reads.entry_page(
            context,
            principal,
            status=status,
            tag=tag,
            team=team,
            prefix=q,
            cursor=cursor,
            limit=limit,
            content=content,
        )
        return _page_response(page)

    async def read(
        principal: Caller,
        context: Entries,
        slug: SlugPath,
        version: VersionQuery = None,
        as_of: AsOf = None,
        known_at: KnownAt = None,
        if_none_match: IfNoneMatch = None,
    ) -> Response[EntryT]:
        view = await reads.entry(
            context,
            principal,
            slug,
            version=version,
            as_of=parse_as_of(as_of),
            known_at=parse_as_of(known_at, "known_at"),
        )
        if none_match(if_none_match, view.revision):
            return not_modified(view.revision)
        return entry_response(view)

    async def update(
        principal: Caller,
        context: Entries,
        slug: SlugPath,
        data: JSONBody[EntryUpdate],
        if_match: IfMatchRequired = None,
    ) -> Response[EntryT]:
        return entry_response(await writes.update(context, principal, slug, if_match, data))

    async def list_versions(
        principal: Caller,
        context: Entries,
        slug: SlugPath,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Response[VersionListT]:
        return _page_response(await reads.version_page(context, principal, slug, cursor=cursor, limit=limit))

    async def new_version(
        principal: Caller,
        context: Entries,
        slug: SlugPath,
        data: JSONBody[VersionCreateT],
        if_match: IfMatch = None,
    ) -> Response[EntryT]:
        return entry_response(await writes.new_version(context, principal, slug, if_match, data), 201)

    async def edit_draft(
        principal: Caller,
        context: Entries,
        slug: SlugPath,
        number: VersionPath,
        data: JSONBody[PatchT],
        if_match: IfMatchRequired = None,
    ) -> Response[EntryT]:
        return entry_response(await writes.edit_draft(context, principal, slug, number, if_match, data))

    async def submit(
        principal: Caller,
        context: Entries,
        slug: SlugPath,
        number: VersionPath,
        if_match: IfMatch = None,
    ) -> Response[EntryT]:
        return entry_response(await writes.submit(context, principal, slug, number, if_match))

    async def approve(
        principal: Caller,
        context: Entries,
        slug: SlugPath,
        number: VersionPath,
        data: JSONBody[Approve | None] = None,
        if_match: IfMatch = None,
    ) -> Response[EntryT]:
        comment, team = (data.comment, data.team) if data else (None, None)
        return entry_response(await writes.approve(context, principal, slug, number, if_match, comment, team))

    async def reject(
        principal: Caller,
        context: Entries,
        slug: SlugPath,
        number: VersionPath,
        data: JSONBody[Reject],
        if_match: IfMatch = None,
    ) -> Response[EntryT]:
        return entry_response(await writes.reject(context, principal, slug, number, if_match, data.comment))

    async def publish(
        principal: Caller,
        context: Entries,
        slug: SlugPath,
        number: VersionPath,
        if_match: IfMatch = None,
    ) -> Response[EntryT]:
        return entry_response(await writes.publish(context, principal, slug, number, if_match))

    async def retire(principal: Caller, context: Entries, slug: SlugPath, if_match: IfMatch = None) -> Response[EntryT]:
        return entry_response(await writes.retire(context, principal, slug, if_match))

    async def restore(
        principal: Caller, context: Entries, slug: SlugPath, if_match: IfMatch = None
    ) -> Response[EntryT]:
        return entry_response(await writes.restore(context, principal, slug, if_match))

    async def diff(
        principal: Caller,
        context: Entries,
        slug: SlugPath,
        from_version: Annotated[int | None, QueryParameter(name="from", ge=1, le=1_000_000)] = None,
        to_version: Annotated[int | None, QueryParameter(name="to", ge=1, le=1_000_000)] = None,
        from_as_of: Annotated[str | None, instant_parameter("Instead of `from`: the version in effect then.")] = None,
        to_as_of: Annotated[str | None, instant_parameter("Instead of `to`: the version in effect then.")] = None,
    ) -> VersionDiff:
        return await reads.diff(
            context,
            principal,
            slug,
            reads.VersionChoice(from_version, parse_as_of(from_as_of, "from_as_of"), "from"),
            reads.VersionChoice(to_version, parse_as_of(to_as_of, "to_as_of"), "to"),
        )

    async def dependents(
        principal: Caller,
        context: Entries,
        slug: SlugPath,
        as_of: AsOf = None,
        known_at: KnownAt = None,
    ) -> reads.DependentsOut:
        return await reads.dependents(
            context, principal, slug, as_of=parse_as_of(as_of), known_at=parse_as_of(known_at, "known_at")
        )

    one = "/{slug:str}"
    version_path = one + "/versions/{number:int}"

    def action(path: str, verb: str, summary: str, handler: Callable[..., Any]) -> HTTPRouteHandler:
        """A lifecycle transition: POST, no body beyond an optional comment, answers the entry."""
        return post(
            path,
            responses=WRITES,
            response_headers=ENTRY_HEADERS,
            operation_id=f"{verb}_{name}",
            status_code=200,
            summary=summary,
        )(handler)

    handlers = [
        post(
            "/",
            responses=WRITES,
            response_headers=ENTRY_HEADERS,
            operation_id=f"create_{name}",
            summary=f"Create a {name} and its first draft",
            status_code=201,
        )(create),
        get("/", responses=READS, operation_id=f"list_{spec.plural}", summary=f"List {spec.plural}")(
            list_messages if spec is MESSAGE else list_entries
        ),
        route(
            one,
            http_method=READ_METHODS,
            responses=TIMED_READS,
            response_headers=ENTRY_HEADERS,
            opt={RESPONSES: NOT_MODIFIED},
            operation_id=operation_ids(f"get_{name}", f"head_{name}"),
            summary=f"Read a {name}: in effect now, ?version=N, or ?as_of= and ?known_at=",
        )(read),
        patch(
            one,
            responses=WRITES,
            response_headers=ENTRY_HEADERS,
            operation_id=f"update_{name}",
            summary=f"Set this {name}'s own review window; its reviewed fields change only through a new version",
        )(update),
        get(
            one + "/versions",
            responses=READS,
            operation_id=f"list_{name}_versions",
            summary="List versions, newest first",
        )(list_versions),
        post(
            one + "/versions",
            responses=WRITES,
            response_headers=ENTRY_HEADERS,
            operation_id=f"create_{name}_version",
            status_code=201,
            summary="Start a new draft (copy of the current version, of from_version for a rollback, or new content)",
        )(new_version),
        patch(
            version_path,
            responses=WRITES,
            response_headers=ENTRY_HEADERS,
            operation_id=f"edit_{name}_draft",
            summary="Edit a draft (If-Match)",
        )(edit_draft),
        action(version_path + "/submit", "submit", "Submit for review", submit),
        action(version_path + "/approve", "approve", "Approve for the caller's team", approve),
        action(version_path + "/reject", "reject", "Send back to draft with a comment", reject),
        action(version_path + "/publish", "publish", "Publish an approved version", publish),
        action(one + "/retire", "retire", "Retire (admin)", retire),
        action(one + "/restore", "restore", "Restore (admin)", restore),
        get(
            one + "/diff",
            responses=READS,
            operation_id=f"diff_{name}",
            summary="Field and line changes between two versions (by number, or those in effect at two dates)",
        )(diff),
        get(
            one + "/dependents",
            responses=READS,
            operation_id=f"list_{name}_dependents",
            summary="Messages and assets citing this entry, and whether they cite its current version",
        )(dependents),
        *(extra or []),
    ]
    return Router(
        path=spec.path,
        route_handlers=handlers,
        tags=[spec.plural.capitalize()],
        dependencies={"context": entry_context_provider(spec)},
        signature_namespace=kind.signature_namespace(),
    )
