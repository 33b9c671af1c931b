"""`create_app(settings)`: the one place that wires pools, adapters and routes together."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import SecurityScheme
from litestar.types import LifeSpanReceive, LifeSpanScope, LifeSpanSend, Receive, Scope, Send

from service.api import feeds, health, keys, reviews, search
from service.api import metrics as metrics_api
from service.api.acknowledgements import ACKNOWLEDGEMENT_ROUTES, acknowledgement_routes
from service.api.assets import assets_router
from service.api.contract import RECEIVER_RESPONSES, SIGNATURE_HEADERS, ContractComponents, contract_schemas, webhooks
from service.api.definitions import definitions_router
from service.api.deps import CanonPlugin
from service.api.docs_assets import docs_router, render_plugins
from service.api.entries import MESSAGE_ROUTES, entry_router
from service.api.evaluation import evaluate_record_stream, evaluate_records
from service.api.people import PEOPLE_ROUTES
from service.api.problems import EXCEPTION_HANDLERS
from service.api.webhooks import webhooks_router
from service.config import Settings
from service.console import console_router, template_config
from service.observability.http import ObservedApp
from service.observability.metrics import CanonMetrics
from service.shared_secrets import keep_fresh, load
from service.store import migrations
from service.store.database import Pool, create_pool, start_embedded
from service.store.view_cache import keep_listening
from service.usecases.keys import KeyResolver
from service.wiring import build_services, install_io_threads, oidc_verifier, open_search_reads, request_timeouts

API_VERSION = "1.0.0"


async def resolve_database_url(settings: Settings) -> str:
    if settings.database_url:
        return settings.database_url
    return await asyncio.to_thread(start_embedded, settings.data_dir)


Background = Callable[[Litestar], Coroutine[Any, Any, None]]


log = logging.getLogger(__name__)


def _lifespan(settings: Settings, *, migrate: bool, background: Background | None) -> Any:
    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        install_io_threads()
        url = await resolve_database_url(settings)
        pool = await create_pool(
            url, min_size=settings.db_pool_min, max_size=settings.db_pool_max, timeouts=request_timeouts(settings)
        )
        search_reads: Pool | None = None
        try:
            if migrate:
                async with pool.acquire() as conn:
                    await migrations.migrate(conn)
            search_reads = await open_search_reads(url, settings)
            services = build_services(pool, settings, search_reads=search_reads)
            app.state.services = services
            # Replicas agree on the search-token secrets: the configured ones, or the database's (created once).
            await load(services.search_token_keys, pool, settings.search_token_refresh_seconds)
            app.state.search_pool = search_reads
            oidc = oidc_verifier(settings)
            app.state.oidc = oidc  # the console's single sign-on redeems codes with it
            app.state.key_resolver = KeyResolver(
                pool, bootstrap_key=settings.bootstrap_admin_key, ttl=settings.key_cache_seconds, oidc=oidc
            )
            stop_listening = asyncio.Event()
            listener = asyncio.create_task(keep_listening(services.views, url, stop_listening))
            refresh = asyncio.create_task(
                keep_fresh(services.search_token_keys, pool, settings.search_token_refresh_seconds)
            )
            try:
                async with _running(background, app):
                    yield
            finally:
                stop_listening.set()
                await listener
                refresh.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await refresh
                await services.search.close()
                if oidc is not None:
                    await oidc.close()
        finally:
            if search_reads is not None:
                await search_reads.close()
            await pool.close()

    return lifespan


@asynccontextmanager
async def _running(background: Background | None, app: Litestar) -> AsyncIterator[None]:
    """Run `background` beside the server; cancel it when the server stops."""
    task = None if background is None else asyncio.create_task(background(app))
    if task is not None:
        task.add_done_callback(_report_failure)
    try:
        yield
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def _report_failure(task: asyncio.Task[None]) -> None:
    """A background task that dies says why (otherwise its exception waits, unseen, until shutdown)."""
    if not task.cancelled() and (error := task.exception()) is not None:
        log.error("background work stopped: %r", error, exc_info=error)


class CanonApp(Litestar):
    """Litestar with Canon's outermost layer (`ObservedApp`: request id, access log, request metrics) around the
    whole of it, routing and exception handling included, so 404s and problem+json answers are counted too."""

    def __init__(self, metrics: CanonMetrics, **config: Any) -> None:
        super().__init__(**config)
        self.state.metrics = metrics
        self._observed = ObservedApp(super().__call__, metrics)

    async def __call__(
        self, scope: Scope | LifeSpanScope, receive: Receive | LifeSpanReceive, send: Send | LifeSpanSend
    ) -> None:
        await self._observed(scope, receive, send)  # type: ignore[arg-type]  # lifespan passes straight through


def openapi_config() -> OpenAPIConfig:
    schema_path = "/schema"
    return OpenAPIConfig(
        title="Canon",
        version=API_VERSION,
        description=(
            "The single source of truth for shared definitions, approved messaging and collateral. "
            "Every error is application/problem+json (RFC 9457)."
        ),
        path=schema_path,
        # The pages' scripts and styles are Canon's own copies, pinned (service/api/docs_assets.py): no CDN.
        render_plugins=render_plugins(schema_path),
        openapi_router=docs_router(schema_path),
        components=ContractComponents(
            security_schemes={"apiKey": SecurityScheme(type="http", scheme="bearer", description="A Canon API key")},
            parameters=dict(SIGNATURE_HEADERS),
            responses=dict(RECEIVER_RESPONSES),
            contract_schemas=contract_schemas(),
        ),
        security=[{"apiKey": []}],
        webhooks=webhooks(),  # what Canon sends to subscribers (service/api/contract.py)
        use_handler_docstrings=True,
    )


def create_app(settings: Settings, *, migrate: bool = False, background: Background | None = None) -> Litestar:
    """The HTTP application. With `migrate`, pending migrations are applied at start-up (as `canon dev` does);
    `background` runs beside the server once the pool is ready (`canon dev` runs the worker there)."""
    return CanonApp(
        CanonMetrics(),
        route_handlers=[
            definitions_router(),
            evaluate_records,
            evaluate_record_stream,
            entry_router(MESSAGE_ROUTES, extra=acknowledgement_routes(MESSAGE_ROUTES.spec.name)),
            assets_router(),
            webhooks_router(),
            feeds.list_events,
            feeds.list_audit,
            keys.create_key,
            keys.list_keys,
            keys.revoke_key,
            *PEOPLE_ROUTES,
            *ACKNOWLEDGEMENT_ROUTES,
            reviews.list_reviews,
            search.search,
            search.create_search_token,
            health.healthz,
            health.readyz,
            metrics_api.metrics,
            console_router(),
        ],
        plugins=[CanonPlugin()],
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=[_lifespan(settings, migrate=migrate, background=background)],
        openapi_config=openapi_config(),
        template_config=template_config(),  # the console's pages (service/console)
        request_max_body_size=settings.max_body_bytes,
        cors_config=None if not settings.cors_origins else CORSConfig(allow_origins=list(settings.cors_origins)),
        debug=False,
        logging_config=None,  # logging is the process's (service/observability/logging.py), not Litestar's
    )
