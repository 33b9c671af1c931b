"""`POST /v1/evaluate`: many records against several definitions in one call, for CRMs and marketing automation."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from typing import Annotated, Any

import msgspec
from litestar import Response, post
from litestar.params import JSONBody, QueryParameter
from litestar.response import Stream

from service.api.deps import Caller, Entries, HttpRequest
from service.api.entries import entry_context_provider, instant_parameter, parse_as_of
from service.api.openapi_document import REQUEST_BODY, REQUEST_BODY_DESCRIPTION, RESPONSES
from service.api.problems import WRITE_PROBLEMS, problem_responses
from service.domain.errors import FieldError, Invalid, UnsupportedMediaType
from service.domain.instants import Instant
from service.domain.kinds import DEFINITION
from service.domain.model import SLUG_RE, Slug
from service.usecases import evaluation

MAX_RECORDS = 1000


class BatchEvaluate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Records (e.g. leads as the CRM sees them) to test against each named definition's version in effect."""

    definitions: Annotated[list[Slug], msgspec.Meta(min_length=1, max_length=50)]
    records: Annotated[list[dict[str, Any]], msgspec.Meta(min_length=1, max_length=MAX_RECORDS)]
    as_of: Instant | None = None  # default: now
    known_at: Instant | None = None
    outcomes: bool = False  # every rule's outcome per record and definition (bigger answers)


@post(
    "/v1/evaluate",
    responses=problem_responses((*WRITE_PROBLEMS, 410)),  # 410: a retired definition
    operation_id="evaluate_records",
    tags=["Definitions"],
    status_code=200,
    summary=f"Evaluate up to {MAX_RECORDS} records against several definitions at once",
    dependencies={"definition_context": entry_context_provider(DEFINITION)},
)
async def evaluate_records(
    principal: Caller, definition_context: Entries, data: JSONBody[BatchEvaluate]
) -> evaluation.BatchResult:
    return await evaluation.evaluate_batch(
        definition_context,
        principal,
        data.definitions,
        data.records,
        as_of=parse_as_of(data.as_of, "as_of", "body"),
        known_at=parse_as_of(data.known_at, "known_at", "body"),
        outcomes=data.outcomes,
    )


NDJSON = "application/x-ndjson"
DefinitionsQuery = Annotated[
    list[str], QueryParameter(description="The definitions to evaluate, e.g. ?definitions=lead&definitions=mql.")
]
InstantQuery = Annotated[str | None, instant_parameter("A date (end of that day, UTC) or RFC 3339 time.")]


@post(
    "/v1/evaluate/stream",
    responses=problem_responses((*WRITE_PROBLEMS, 410)),
    operation_id="evaluate_record_stream",
    tags=["Definitions"],
    status_code=200,
    request_max_body_size=None,  # read line by line in constant memory
    opt={
        "raw_body": True,
        REQUEST_BODY: {NDJSON: {"type": "string", "description": "One JSON object (a record) a line."}},
        REQUEST_BODY_DESCRIPTION: "The records, as NDJSON.",
        RESPONSES: {
            200: {
                "description": "One result a line, in the order of the records: `{index, matches, evaluations}`, "
                "or `{index, error}` for a line that is not a JSON object.",
                "content": {NDJSON: {"schema": {"type": "string"}}},
            }
        },
    },
    summary="Evaluate any number of records sent as NDJSON (one object a line); one result a line comes back",
    dependencies={"definition_context": entry_context_provider(DEFINITION)},
)
async def evaluate_record_stream(
    request: HttpRequest,
    principal: Caller,
    definition_context: Entries,
    definitions: DefinitionsQuery,
    as_of: InstantQuery = None,
    known_at: InstantQuery = None,
    outcomes: Annotated[bool, QueryParameter(description="Every rule's outcome (bigger answers).")] = False,
) -> Response[Any]:
    """Each line of the body is a record; each line of the answer is its result (`index`, `matches`, `evaluations`),
    or `{"index", "error"}` for a line that is not a JSON object. The stream goes on past bad lines."""
    del principal  # every role may evaluate released definitions
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != NDJSON:
        raise UnsupportedMediaType(f"send the records as {NDJSON}: one JSON object a line")
    slugs = [slug for value in definitions for slug in value.split(",") if slug]
    bad = [FieldError("definitions", f"{slug!r} is not a slug", "query") for slug in slugs if not SLUG_RE.match(slug)]
    if bad or not slugs or len(slugs) > 50:
        raise Invalid("name 1 to 50 definitions", bad or [FieldError("definitions", "1 to 50 slugs", "query")])
    spool = await _spooled(request)
    try:
        lines = await evaluation.evaluate_stream(
            definition_context,
            slugs,
            _read_back(spool),
            as_of=parse_as_of(as_of, "as_of"),
            known_at=parse_as_of(known_at, "known_at"),
            outcomes=outcomes,
        )
    except BaseException:
        spool.close()  # nothing will read it back
        raise
    return Stream(lines, media_type=NDJSON)


SPOOL_IN_MEMORY = 1_048_576
CHUNK = 65_536


async def _spooled(request: HttpRequest) -> tempfile.SpooledTemporaryFile[bytes]:
    """The whole body, kept in memory up to `SPOOL_IN_MEMORY` and on disk beyond. Reading all of it before answering
    keeps memory constant and cannot deadlock a client that sends its whole body before it reads the answer (most
    HTTP/1.1 clients), as answering while still reading could once the socket buffers fill."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115  # closed by _read_back
    try:
        async for chunk in request.stream():
            spool.write(chunk)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool


async def _read_back(spool: tempfile.SpooledTemporaryFile[bytes]) -> AsyncIterator[bytes]:
    try:
        while chunk := spool.read(CHUNK):
            yield chunk
    finally:
        spool.close()
