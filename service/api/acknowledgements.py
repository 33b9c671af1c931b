"""Acknowledgements: `POST|GET /v1/{kind}s/{slug}/versions/{n}/acknowledgements` (each kind's router takes
`acknowledgement_routes(kind)` among its extra routes) and `GET /v1/me/acknowledgements` (what the caller still has
to acknowledge)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Response, get, post
from litestar.handlers import HTTPRouteHandler
from litestar.openapi import ResponseSpec

from service.api.deps import AllServices, AppSettings, Caller, Entries, SlugPath, VersionPath
from service.api.entries import READS, Cursor, Limit
from service.api.problems import READ_PROBLEMS, problem_responses
from service.usecases import acknowledgements
from service.usecases.acknowledgements import AcknowledgementOut, AcknowledgementStatus, OutstandingPage

_ACKNOWLEDGE_PROBLEMS = problem_responses((*READ_PROBLEMS, 409))  # 409: the version is not in effect
_ALREADY = ResponseSpec(
    data_container=AcknowledgementOut,
    description="Already acknowledged: the acknowledgement given before, unchanged (the call is idempotent).",
    generate_examples=False,
)


def _window(seconds: float) -> dt.timedelta:
    return dt.timedelta(seconds=seconds)


def acknowledgement_routes(kind: str) -> list[HTTPRouteHandler]:
    """The acknowledgement routes of one kind, for its router (which provides the kind's `context`)."""

    async def acknowledge(
        principal: Caller, context: Entries, slug: SlugPath, number: VersionPath
    ) -> Response[AcknowledgementOut]:
        """Acknowledge the version in effect for yourself (people only; it must be addressed to one of your teams).
        201 the first time, 200 with the same acknowledgement on every later call."""
        found, created = await acknowledgements.acknowledge(context, principal, slug, number)
        return Response(found, status_code=201 if created else 200)

    async def list_acknowledgements(
        principal: Caller, context: Entries, settings: AppSettings, slug: SlugPath, number: VersionPath
    ) -> AcknowledgementStatus:
        """Who of the addressed teams has acknowledged the version and who has not, per team, with counts and
        rates (editors and up)."""
        window = _window(settings.acknowledgement_window_seconds)
        return await acknowledgements.status(context, principal, slug, number, window)

    path = "/{slug:str}/versions/{number:int}/acknowledgements"
    return [
        post(
            path,
            responses={**_ACKNOWLEDGE_PROBLEMS, 200: _ALREADY},
            operation_id=f"acknowledge_{kind}",
            status_code=201,
            summary="Acknowledge the version in effect (people of the addressed teams; once, idempotent)",
        )(acknowledge),
        get(
            path,
            responses=READS,
            operation_id=f"list_{kind}_acknowledgements",
            summary="Who has and has not acknowledged a version, per addressed team (editors and up)",
        )(list_acknowledgements),
    ]


@get(
    "/v1/me/acknowledgements",
    responses=READS,
    operation_id="list_my_acknowledgements",
    tags=["People"],
    summary="Versions in effect addressed to your teams that you have not acknowledged yet (people only)",
)
async def list_my_acknowledgements(
    principal: Caller, services: AllServices, cursor: Cursor = None, limit: Limit = 50
) -> OutstandingPage:
    return await acknowledgements.outstanding(
        services.pool,
        services.entry_contexts,
        principal,
        cursor=cursor,
        limit=limit,
        window=_window(services.settings.acknowledgement_window_seconds),
    )


ACKNOWLEDGEMENT_ROUTES: list[Any] = [list_my_acknowledgements]
