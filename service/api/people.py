"""`/v1/people` (admin: who may act, in which teams, with which role) and `/v1/me` (who the caller is)."""

from __future__ import annotations

from typing import Annotated

from litestar import get, patch, post
from litestar.params import FromPath, JSONBody, QueryParameter

from service.api.deps import Caller, DbPool, Keys
from service.api.entries import READS, WRITES, Cursor, Limit
from service.domain.operations import PersonCreate, PersonUpdate
from service.usecases import people

SubjectPath = FromPath[str]


@get("/v1/me", responses=READS, operation_id="get_me", tags=["People"], summary="Who the caller is")
async def get_me(principal: Caller) -> people.Me:
    return people.me(principal)


@post("/v1/people", responses=WRITES, operation_id="create_person", tags=["People"], summary="Add a person (admin)")
async def create_person(pool: DbPool, principal: Caller, data: JSONBody[PersonCreate]) -> people.PersonOut:
    return await people.create(pool, principal, data)


@get("/v1/people", responses=READS, operation_id="list_people", tags=["People"], summary="List people (admin)")
async def list_people(
    pool: DbPool,
    principal: Caller,
    team: Annotated[str | None, QueryParameter(min_length=1, max_length=64)] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> people.PeoplePage:
    return await people.page(pool, principal, team=team, cursor=cursor, limit=limit)


@get(
    "/v1/people/{subject:str}", responses=READS, operation_id="get_person", tags=["People"], summary="A person (admin)"
)
async def get_person(pool: DbPool, principal: Caller, subject: SubjectPath) -> people.PersonOut:
    return await people.get(pool, principal, subject)


@patch(
    "/v1/people/{subject:str}",
    responses=WRITES,
    operation_id="update_person",
    tags=["People"],
    summary="Change a person's name, teams or role, or deactivate them (admin)",
)
async def update_person(
    pool: DbPool,
    principal: Caller,
    key_resolver: Keys,
    subject: SubjectPath,
    data: JSONBody[PersonUpdate],
) -> people.PersonOut:
    updated = await people.update(pool, principal, subject, data)
    key_resolver.forget()  # this process at once; other replicas within the key cache's lifetime
    return updated


PEOPLE_ROUTES = [get_me, create_person, list_people, get_person, update_person]
