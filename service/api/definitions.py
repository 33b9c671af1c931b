"""`/v1/definitions`: the shared entry routes plus criteria evaluation."""

from __future__ import annotations

from litestar import Router, post
from litestar.params import JSONBody

from service.api.acknowledgements import acknowledgement_routes
from service.api.deps import Caller, Entries, SlugPath
from service.api.entries import DEFINITION_ROUTES, entry_router, parse_as_of
from service.api.problems import WRITE_PROBLEMS, problem_responses
from service.domain.operations import Evaluate
from service.usecases import reads


@post(
    "/{slug:str}/evaluate",
    responses=problem_responses((*WRITE_PROBLEMS, 410)),  # 410: retired
    operation_id="evaluate_definition",
    status_code=200,
    summary="Does a record (e.g. a lead) meet this definition's criteria? Which rules passed and failed?",
)
async def evaluate(
    principal: Caller, context: Entries, slug: SlugPath, data: JSONBody[Evaluate]
) -> reads.EvaluationResult:
    return await reads.evaluate(
        context,
        principal,
        slug,
        data.version,
        data.record,
        as_of=parse_as_of(data.as_of, "as_of", "body"),
        known_at=parse_as_of(data.known_at, "known_at", "body"),
    )


def definitions_router() -> Router:
    return entry_router(DEFINITION_ROUTES, extra=[evaluate, *acknowledgement_routes(DEFINITION_ROUTES.spec.name)])
