"""`GET /v1/reviews`: the review queue of the caller's teams (or, for an admin, of any team)."""

from __future__ import annotations

from typing import Annotated

from litestar import get
from litestar.params import QueryParameter

from service.api.deps import AllServices, Caller
from service.api.entries import READS, Cursor, Limit
from service.usecases import reviews
from service.usecases.reviews import ReviewPage

TeamFilter = Annotated[
    str | None,
    QueryParameter(
        min_length=1,
        max_length=64,
        description="One team's queue: one of your own teams, or any team for an admin (another team is 403).",
    ),
]


@get(
    "/v1/reviews",
    responses=READS,
    operation_id="list_reviews",
    tags=["Reviews"],
    summary="Versions awaiting approval by your teams, across kinds, oldest request first",
)
async def list_reviews(
    principal: Caller, services: AllServices, team: TeamFilter = None, cursor: Cursor = None, limit: Limit = 50
) -> ReviewPage:
    """Each row: the version, who submitted it and when, the teams still to approve, when its review window ends
    and whether it has (`overdue`), and the fields it changes from the version in effect. Editors and up."""
    return await reviews.queue(
        services.pool,
        services.entry_contexts,
        principal,
        team=team,
        cursor=cursor,
        limit=limit,
        default_window_seconds=services.settings.review_window_seconds,
    )
