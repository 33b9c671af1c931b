"""Dependencies injected by parameter name: `principal` (the caller) and `pool`."""

from __future__ import annotations

from typing import Annotated, Any, TypeAlias

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotAuthorizedException
from litestar.params import FromPath, PathParameter

from service.domain.model import Principal
from service.identity.oidc import OidcVerifier
from service.store.database import Pool
from service.usecases.keys import KeyResolver

# Handler parameters named `principal` and `pool` are injected: these aliases say so explicitly.
Caller: TypeAlias = NamedDependency[Principal]
DbPool: TypeAlias = NamedDependency[Pool]
SlugPath: TypeAlias = FromPath[str]
HttpRequest: TypeAlias = Request[Any, Any, Any]
# Bounded like every version number, so an absurd one is a 422 rather than an int32 overflow in the database.
VersionPath: TypeAlias = Annotated[int, PathParameter(ge=1, le=1_000_000)]


async def provide_principal(request: Request[Any, Any, Any]) -> Principal:
    header = request.headers.get("authorization")
    scheme, _, token = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthorizedException("send an API key as 'Authorization: Bearer <key>'")
    resolver: KeyResolver = request.app.state.key_resolver
    principal = await resolver.resolve(token.strip())
    if principal is None:
        if OidcVerifier.looks_like_jwt(token.strip()):
            raise NotAuthorizedException(
                "the token is not valid here: expired or not yet valid, for another issuer or audience, not signed by "
                "the identity provider, or its person is deactivated"
            )
        raise NotAuthorizedException("the API key is unknown, revoked or expired")
    return principal


def provide_pool(state: State) -> Pool:
    pool: Pool = state.pool
    return pool


DEPENDENCIES = {
    "principal": Provide(provide_principal),
    "pool": Provide(provide_pool, sync_to_thread=False),
}
