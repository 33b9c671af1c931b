"""`create_app(settings)`: the one place that wires pools, adapters and routes together."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, Request
from litestar.config.cors import CORSConfig
from litestar.exceptions import HTTPException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme

from service.api import feeds, health, keys, search
from service.api import metrics as metrics_api
from service.api.assets import assets_router
from service.api.definitions import definitions_router
from service.api.deps import DEPENDENCIES
from service.api.entries import entry_router
from service.api.evaluation import evaluate_record_stream, evaluate_records
from service.api.people import PEOPLE_ROUTES
from service.api.problems import EXCEPTION_HANDLERS
from service.api.webhooks import webhooks_router
from service.config import Settings
from service.domain.kinds import MESSAGE
from service.observability.http import observe
from service.observability.metrics import CanonMetrics
from service.store import migrations
from service.store.database import Pool, create_pool, start_embedded
from service.store.view_cache import keep_listening
from service.usecases.keys import KeyResolver
from service.wiring import build_services, install_io_threads, oidc_verifier, open_search_reads

API_VERSION = "1.0.0"
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


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
        pool = await create_pool(url, min_size=settings.db_pool_min, max_size=settings.db_pool_max)
        search_reads: Pool | None = None
        try:
            if migrate:
                async with pool.acquire() as conn:
                    await migrations.migrate(conn)
            search_reads = await open_search_reads(url, settings)
            services = build_services(pool, settings, search_reads=search_reads)
            app.state.services = services
            app.state.pool = pool
            app.state.search_pool = search_reads
            app.state.settings = settings
            app.state.entry_contexts = services.entry_contexts
            app.state.asset_context = services.assets
            app.state.blobs = services.blobs
            app.state.webhook_context = services.webhooks
            oidc = oidc_verifier(settings)
            app.state.key_resolver = KeyResolver(
                pool, bootstrap_key=settings.bootstrap_admin_key, ttl=settings.key_cache_seconds, oidc=oidc
            )
            stop_listening = asyncio.Event()
            listener = asyncio.create_task(keep_listening(services.views, url, stop_listening))
            try:
                async with _running(background, app):
                    yield
            finally:
                stop_listening.set()
                await listener
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


async def _require_json(request: Request[Any, Any, Any]) -> None:
    """Bodies are JSON: anything else is 415 before a handler sees it."""
    if request.method not in _BODY_METHODS or request.route_handler.opt.get("raw_body"):
        return
    has_body = request.headers.get("content-length", "0") != "0" or "transfer-encoding" in request.headers
    if not has_body:
        return
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json" and not (
        media_type.startswith("application/") and media_type.endswith("+json")
    ):
        raise HTTPException(
            status_code=415, detail=f"send JSON bodies as application/json (got {media_type or 'no Content-Type'})"
        )
    if nested_deeper_than(await request.body(), MAX_JSON_DEPTH):
        # Refused before decoding: a deeply nested document would exhaust the decoder's recursion.
        raise HTTPException(status_code=400, detail=f"JSON nested deeper than {MAX_JSON_DEPTH} levels")


MAX_JSON_DEPTH = 64
_JSON_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"')
_JSON_BRACKETS = re.compile(rb"[\[\]{}]")


def nested_deeper_than(body: bytes, limit: int) -> bool:
    """Whether the JSON text `body` opens more than `limit` arrays and objects inside each other (brackets inside
    strings do not count). Linear in the body's size; never decodes it."""
    depth = 0
    for bracket in _JSON_BRACKETS.finditer(_JSON_STRINGS.sub(b"", body)):
        if bracket.group() in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Canon",
        version=API_VERSION,
        description=(
            "The single source of truth for shared definitions, approved messaging and collateral. "
            "Every error is application/problem+json (RFC 9457)."
        ),
        path="/schema",
        render_plugins=[ScalarRenderPlugin(), SwaggerRenderPlugin(path="/swagger")],
        components=Components(
            security_schemes={"apiKey": SecurityScheme(type="http", scheme="bearer", description="A Canon API key")}
        ),
        security=[{"apiKey": []}],
        use_handler_docstrings=True,
    )


def create_app(settings: Settings, *, migrate: bool = False, background: Background | None = None) -> Litestar:
    """The HTTP application. With `migrate`, pending migrations are applied at start-up (as `canon dev` does);
    `background` runs beside the server once the pool is ready (`canon dev` runs the worker there)."""
    app = Litestar(
        route_handlers=[
            definitions_router(),
            evaluate_records,
            evaluate_record_stream,
            entry_router(MESSAGE),
            assets_router(),
            webhooks_router(),
            feeds.list_events,
            feeds.list_audit,
            keys.create_key,
            keys.list_keys,
            keys.revoke_key,
            *PEOPLE_ROUTES,
            search.search,
            search.create_search_token,
            health.healthz,
            health.readyz,
            metrics_api.metrics,
        ],
        dependencies=DEPENDENCIES,
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        before_request=_require_json,
        lifespan=[_lifespan(settings, migrate=migrate, background=background)],
        openapi_config=openapi_config(),
        request_max_body_size=settings.max_body_bytes,
        cors_config=None if not settings.cors_origins else CORSConfig(allow_origins=list(settings.cors_origins)),
        debug=False,
        logging_config=None,  # logging is the process's (service/observability/logging.py), not Litestar's
    )
    return observe(app, CanonMetrics())
