"""`POST /v1/evaluate`: many records against several definitions in one call, for CRMs and marketing automation."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import post
from litestar.params import JSONBody

from service.api.deps import Caller, HttpRequest
from service.api.entries import entry_context, parse_as_of
from service.api.problems import WRITE_PROBLEMS, problem_responses
from service.domain.kinds import DEFINITION
from service.domain.model import Slug
from service.usecases import evaluation

MAX_RECORDS = 1000
Instant = Annotated[str, msgspec.Meta(max_length=64, description="A date or RFC 3339 time.")]


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
)
async def evaluate_records(
    request: HttpRequest, principal: Caller, data: JSONBody[BatchEvaluate]
) -> evaluation.BatchResult:
    return await evaluation.evaluate_batch(
        entry_context(request, DEFINITION),
        principal,
        data.definitions,
        data.records,
        as_of=parse_as_of(data.as_of, "as_of", "body"),
        known_at=parse_as_of(data.known_at, "known_at", "body"),
        outcomes=data.outcomes,
    )
