"""What handlers receive by parameter, and the authentication in front of every route.

`CanonPlugin` registers Canon's services as dependencies (a handler names `pool`, `settings`, `asset_context`, ...
among its parameters and gets it) and puts `BearerAuthentication` in front of every route. Authentication is
middleware, not a dependency, so it fails closed: a route answers without a credential only when it says
`exclude_from_auth=True` (the probes and the API documents); tests/integration/test_route_security.py walks every
route of the app to prove it. A route that accepts signed download links (`ACCEPTS_DOWNLOAD_LINKS`) lets a request
through without a credential only when its link verifies (`service/search/links.py`).
"""

from __future__ import annotations

from typing import Annotated, Any, TypeAlias, TypeVar

from litestar import Request
from litestar.config.app import AppConfig
from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult, DefineMiddleware
from litestar.params import FromPath, PathParameter, QueryParameter, SkipValidation
from litestar.plugins import InitPluginProtocol

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

_SEND_A_KEY = "send an API key as 'Authorization: Bearer <key>'"


def _bearer_credential(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    scheme, _, credential = (connection.headers.get("authorization") or "").partition(" ")
    credential = credential.strip()
    if scheme.lower() != "bearer" or not credential:
        raise NotAuthorizedException(_SEND_A_KEY)
    # Keys and tokens are printable ASCII; anything else (a header decoded as Latin-1) cannot be one.
    if not (credential.isascii() and credential.isprintable()):
        raise NotAuthorizedException("the credential has characters no API key or token has")
    return credential


class BearerAuthentication(AbstractAuthenticationMiddleware):
    """Resolves `Authorization: Bearer` to the caller (`request.user`): a person or service by API key or single
    sign-on token, or, on routes that accept them, the grant of a search token."""

    async def authenticate_request(self, connection: ASGIConnection[Any, Any, Any, Any]) -> AuthenticationResult:
        state = connection.app.state
        if connection.route_handler.opt.get(ACCEPTS_DOWNLOAD_LINKS) and links.is_link(connection.query_params):
            return AuthenticationResult(user=_download_grant(connection, state.services), auth=None)
        credential = _bearer_credential(connection)
        if tokens.is_token(credential) and connection.route_handler.opt.get(ACCEPTS_SEARCH_TOKENS):
            services: Services = state.services
            try:
                return AuthenticationResult(user=tokens.verify(services.search_token_key, credential), auth=None)
            except tokens.InvalidToken as exc:
                raise NotAuthorizedException(str(exc)) from None
        resolver: KeyResolver = state.key_resolver
        principal = await resolver.resolve(credential)
        if principal is None:
            if OidcVerifier.looks_like_jwt(credential):
                raise NotAuthorizedException(
                    "the token is not valid here: expired or not yet valid, for another issuer or audience, not "
                    "signed by the identity provider, or its person is deactivated"
                )
            raise NotAuthorizedException("the API key is unknown, revoked or expired")
        return AuthenticationResult(user=principal, auth=None)


def _download_grant(connection: ASGIConnection[Any, Any, Any, Any], services: Services) -> DownloadGrant:
    slug = str(connection.path_params.get("slug", ""))
    try:
        return links.verify(services.search_token_key, slug, connection.query_params.dict())
    except links.InvalidLink as exc:
        raise NotAuthorizedException(str(exc)) from None


def provide_principal(request: HttpRequest) -> Principal:
    user = request.user
    if not isinstance(user, Principal):  # a search token on a route that takes one, yet asks for a person
        raise NotAuthorizedException(_SEND_A_KEY)
    return user


def provide_searcher(request: HttpRequest) -> Searcher:
    user = request.user
    return Searcher(grant=user) if isinstance(user, SearchGrant) else Searcher(principal=user)


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
        authentication = DefineMiddleware(BearerAuthentication, exclude=PUBLIC_PATHS)
        app_config.middleware = [strict_requests, authentication, *app_config.middleware]
        return app_config
