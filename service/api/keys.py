"""`/v1/keys`: issue, list and revoke API keys (admin)."""

from __future__ import annotations

from uuid import UUID

from litestar import delete, get, post
from litestar.params import FromPath, JSONBody

from service.api.deps import Caller, DbPool, Keys
from service.api.entries import READS, WRITES, Cursor, Limit
from service.domain.operations import KeyCreate
from service.store.keys import KeyRecord
from service.usecases import keys, reads


@post(
    "/v1/keys",
    responses=WRITES,
    operation_id="create_key",
    tags=["Keys"],
    summary="Issue an API key; the secret is shown once",
)
async def create_key(pool: DbPool, principal: Caller, data: JSONBody[KeyCreate]) -> keys.IssuedKey:
    return await keys.create(pool, principal, data)


@get(
    "/v1/keys", responses=READS, operation_id="list_keys", tags=["Keys"], summary="List API keys (never their secrets)"
)
async def list_keys(pool: DbPool, principal: Caller, cursor: Cursor = None, limit: Limit = 50) -> reads.KeyPage:
    return await reads.key_page(pool, principal, cursor=cursor, limit=limit)


@delete(
    "/v1/keys/{key_id:uuid}",
    responses=READS,
    operation_id="revoke_key",
    tags=["Keys"],
    summary="Revoke an API key",
    status_code=200,
)
async def revoke_key(pool: DbPool, principal: Caller, key_resolver: Keys, key_id: FromPath[UUID]) -> KeyRecord:
    record = await keys.revoke(pool, principal, key_id)
    key_resolver.forget()
    return record
