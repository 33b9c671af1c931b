"""What handlers receive by parameter, and the authentication in front of every route.

`CanonPlugin` registers Canon's services as dependencies (a handler names `pool`, `settings`, `asset_context`, ...
among its parameters and gets it) and puts `BearerAuthentication` in front of every route. Authentication is
middleware, not a dependency, so it fails closed: a route answers without a credential only when it says
`exclude_from_auth=True` (the probes and the API documents); tests/integration/test_route_security.py walks every
route of the app to prove it. A route that accepts signed download links (`ACCEPTS_DOWNLOAD_LINKS`) lets a request
through without a credential only when its link verifies (`service/search/links.py`). Failed authentication and
searches are rate-limited here too (`service/limits.py`): 429 with `Retry-After`.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Any, TypeAlias, TypeVar

from litestar import Request
from litestar.config.app import AppConfig
from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotAuthorizedException, TooManyRequestsException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult, DefineMiddleware
from litestar.params import FromPath, PathParameter, QueryParameter, SkipValidation
from litestar.plugins import InitPluginProtocol

from service import limits
from service.api.guards import strict_requests
from service.blobs.base import BlobStore
from service.config import Settings
from service.domain.model import Principal
from service.identity.oidc import OidcVerifier
from service.observability.metrics import CanonMetrics
from service.search import links, tokens
from service.search.links import DownloadGrant
from service.search.tokens import SearchGrant
from service.store.database import Pool
from service.usecases.assets import AssetContext
from service.usecases.entries import EntryContext
from service.usecases.keys import KeyResolver
from service.usecases.search import Searcher
from service.usecases.webhooks import WebhookContext
from service.wiring import Services

T = TypeVar("T")
# A handler parameter of this type is injected by its name. Canon's own objects are not validated again: they are
# not input (and validation would have to model every adapter's fields).
Injected: TypeAlias = NamedDependency[SkipValidation[T]]
Caller: TypeAlias = Injected[Principal]  # `principal`
SearchCaller: TypeAlias = Injected[Searcher]  # `searcher`
Downloader: TypeAlias = Injected[Principal | DownloadGrant]  # `downloader`: a key's principal, or a verified link
DbPool: TypeAlias = Injected[Pool]  # `pool`
Entries: TypeAlias = Injected[EntryContext]  # `context` in a kind's routes
Assets: TypeAlias = Injected[AssetContext]  # `asset_context`
Webhooks: TypeAlias = Injected[WebhookContext]  # `webhook_context`
Keys: TypeAlias = Injected[KeyResolver]  # `key_resolver`
AllServices: TypeAlias = Injected[Services]  # `services`
Blobs: TypeAlias = Injected[BlobStore]  # `blobs`
AppSettings: TypeAlias = Injected[Settings]  # `settings`
Metrics: TypeAlias = Injected[CanonMetrics]  # `metrics`
SearchPool: TypeAlias = Injected[Pool | None]  # `search_pool`
SlugPath: TypeAlias = FromPath[str]
HttpRequest: TypeAlias = Request[Any, Any, Any]
# Bounded like every version number, so an absurd one is a 422 rather than an int32 overflow in the database.
VersionPath: TypeAlias = Annotated[int, PathParameter(ge=1, le=1_000_000)]
# A download link's query (checked by `BearerAuthentication` before the handler runs, with `version`): declared so
# the contract names them and strict query checking lets them through.
LinkExpires: TypeAlias = Annotated[
    int | None,
    QueryParameter(
        ge=0, description="Download links (a search hit's `content_url`): until when it is valid, in unix seconds."
    ),
]
LinkSignature: TypeAlias = Annotated[
    str | None,
    QueryParameter(
        max_length=100,
        description="Download links: the link's signature. With it the request needs no Authorization header; a "
        "signature that does not verify, or an expired link, is 401.",
    ),
]

# A route's `opt` key: the route also accepts a search token (the portal's browser credential), not only API keys.
ACCEPTS_SEARCH_TOKENS = "accepts_search_tokens"
# A route's `opt` key: a request whose query carries a download link (`expires`, `signature`) is authenticated by the
# link alone, whatever its Authorization header says; a link that does not verify is 401.
ACCEPTS_DOWNLOAD_LINKS = "accepts_download_links"
PUBLIC_PATHS = ["^/schema"]  # the OpenAPI document and its viewers: they describe the API, they do not use it
# The console authenticates people by its own session cookie, never a bearer key (service/console/security.py), and
# fails closed in the same way: its pages need a session unless declared public.
OWN_AUTHENTICATION_PATHS = ["^/console(/|$)"]

_SEND_A_KEY = "send an API key as 'Authorization: Bearer <key>'"


class _RefusedCredential(NotAuthorizedException):
    """A credential was presented and did not verify: a 401 that counts against the client's address (a request
    with no credential at all does not: it guesses nothing and costs no lookup)."""


def client_address(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The address rate limits count against: the ASGI scope's client, which uvicorn has already taken from the
    proxy headers of trusted proxies (FORWARDED_ALLOW_IPS). X-Forwarded-For is not read here: anyone can send it."""
    return limits.address_key(connection.client.host if connection.client else None)


def _too_many(seconds: int, detail: str) -> TooManyRequestsException:
    return TooManyRequestsException(f"{detail}; retry after {seconds} s", headers={"Retry-After": str(seconds)})


def _bearer_credential(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    scheme, _, credential = (connection.headers.get("authorization") or "").partition(" ")
    credential = credential.strip()
    if scheme.lower() != "bearer" or not credential:
        raise NotAuthorizedException(_SEND_A_KEY)
    # Keys and tokens are printable ASCII; anything else (a header decoded as Latin-1) cannot be one.
    if not (credential.isascii() and credential.isprintable()):
        raise _RefusedCredential("the credential has characters no API key or token has")
    return credential


class BearerAuthentication(AbstractAuthenticationMiddleware):
    """Resolves `Authorization: Bearer` to the caller (`request.user`): a person or service by API key or single
    sign-on token, or, on routes that accept them, the grant of a search token.

    Each presented credential or download link that fails spends a token of the client address's failure budget
    (CANON_RATE_LIMIT_AUTH_FAILURES); an address whose budget is spent gets 429 before anything is looked up."""

    async def authenticate_request(self, connection: ASGIConnection[Any, Any, Any, Any]) -> AuthenticationResult:
        services: Services = connection.app.state.services
        failures = services.limits.auth_failures
        address = client_address(connection)
        wait = failures.wait(address)
        if wait > 0:
            raise _too_many(limits.retry_after(wait), "too many failed authentication attempts from this address")
        try:
            user = await _caller(connection, services)
        except _RefusedCredential:
            failures.take(address)
            raise
        return AuthenticationResult(user=user, auth=None)


async def _caller(
    connection: ASGIConnection[Any, Any, Any, Any], services: Services
) -> Principal | SearchGrant | DownloadGrant:
    if connection.route_handler.opt.get(ACCEPTS_DOWNLOAD_LINKS) and links.is_link(connection.query_params):
        return _download_grant(connection, services)
    credential = _bearer_credential(connection)
    if tokens.is_token(credential) and connection.route_handler.opt.get(ACCEPTS_SEARCH_TOKENS):
        try:
            return tokens.verify(services.search_token_keys.accepted, credential)
        except tokens.InvalidToken as exc:
            raise _RefusedCredential(str(exc)) from None
    resolver: KeyResolver = connection.app.state.key_resolver
    principal = await resolver.resolve(credential)
    if principal is None:
        if OidcVerifier.looks_like_jwt(credential):
            raise _RefusedCredential(
                "the token is not valid here: expired or not yet valid, for another issuer or audience, not "
                "signed by the identity provider, or its person is deactivated"
            )
        raise _RefusedCredential("the API key is unknown, revoked or expired")
    return principal


def _download_grant(connection: ASGIConnection[Any, Any, Any, Any], services: Services) -> DownloadGrant:
    slug = str(connection.path_params.get("slug", ""))
    try:
        return links.verify(services.search_token_keys.accepted, slug, connection.query_params.dict())
    except links.InvalidLink as exc:
        raise _RefusedCredential(str(exc)) from None


def provide_principal(request: HttpRequest) -> Principal:
    user = request.user
    if not isinstance(user, Principal):  # a search token on a route that takes one, yet asks for a person
        raise NotAuthorizedException(_SEND_A_KEY)
    return user


def provide_searcher(request: HttpRequest, state: State) -> Searcher:
    """The caller of a search, once the search limits admit it: one token per search from the credential's bucket
    (CANON_RATE_LIMIT_SEARCH) and from the client address's (CANON_RATE_LIMIT_SEARCH_ADDRESS), or a 429."""
    user = request.user
    budgets = provide_services(state).limits
    wait = limits.admit((budgets.search, _credential_key(request)), (budgets.search_address, client_address(request)))
    if wait is not None:
        raise _too_many(wait, "too many searches with this credential or from this address")
    return Searcher(grant=user) if isinstance(user, SearchGrant) else Searcher(principal=user)


def _credential_key(request: HttpRequest) -> str:
    """Whom a search counts against: an API key by its id, a person or the bootstrap key by subject, a search token
    (which has no id: nothing about it is stored) by a digest of the token itself."""
    user = request.user
    if isinstance(user, Principal):
        return f"key:{user.key_id}" if user.key_id is not None else f"subject:{user.subject}"
    token = (request.headers.get("authorization") or "").partition(" ")[2].strip()
    return "token:" + hashlib.sha256(token.encode()).hexdigest()[:32]


def provide_downloader(request: HttpRequest) -> Principal | DownloadGrant:
    user = request.user
    if not isinstance(user, Principal | DownloadGrant):  # a search token: it searches, it does not download
        raise NotAuthorizedException(_SEND_A_KEY)
    return user


def provide_services(state: State) -> Services:
    services: Services = state.services
    return services


def provide_pool(state: State) -> Pool:
    return provide_services(state).pool


def provide_settings(state: State) -> Settings:
    return provide_services(state).settings


def provide_blobs(state: State) -> BlobStore:
    return provide_services(state).blobs


def provide_asset_context(state: State) -> AssetContext:
    return provide_services(state).assets


def provide_webhook_context(state: State) -> WebhookContext:
    return provide_services(state).webhooks


def provide_key_resolver(state: State) -> KeyResolver:
    resolver: KeyResolver = state.key_resolver
    return resolver


def provide_search_pool(state: State) -> Pool | None:
    search_pool: Pool | None = state.search_pool
    return search_pool


def provide_metrics(state: State) -> CanonMetrics:
    metrics: CanonMetrics = state.metrics
    return metrics


PROVIDERS = {
    "principal": Provide(provide_principal, sync_to_thread=False),
    "searcher": Provide(provide_searcher, sync_to_thread=False),
    "downloader": Provide(provide_downloader, sync_to_thread=False),
    "services": Provide(provide_services, sync_to_thread=False),
    "pool": Provide(provide_pool, sync_to_thread=False),
    "settings": Provide(provide_settings, sync_to_thread=False),
    "blobs": Provide(provide_blobs, sync_to_thread=False),
    "asset_context": Provide(provide_asset_context, sync_to_thread=False),
    "webhook_context": Provide(provide_webhook_context, sync_to_thread=False),
    "key_resolver": Provide(provide_key_resolver, sync_to_thread=False),
    "search_pool": Provide(provide_search_pool, sync_to_thread=False),
    "metrics": Provide(provide_metrics, sync_to_thread=False),
}


class CanonPlugin(InitPluginProtocol):
    """Canon's services as dependencies; in front of every route, the request checks, then authentication."""

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        app_config.dependencies = {**PROVIDERS, **app_config.dependencies}
        authentication = DefineMiddleware(BearerAuthentication, exclude=[*PUBLIC_PATHS, *OWN_AUTHENTICATION_PATHS])
        app_config.middleware = [strict_requests, authentication, *app_config.middleware]
        return app_config
