"""Builds the adapters and contexts once; the HTTP app, the worker and the CLI all get theirs from here."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from service.blobs.base import BlobStore
from service.blobs.local import LocalBlobStore
from service.config import Settings
from service.domain.kinds import ASSET, KINDS
from service.domain.model import Role
from service.extract.task import AssetTextExtraction
from service.identity.oidc import OidcSettings, OidcVerifier, parse_group_map
from service.limits import Clock, RateLimits
from service.observability.metrics import CanonMetrics
from service.search.base import SearchIndex
from service.search.postgres import READ_SESSION, PostgresSearchIndex
from service.search.sync import SearchSync, refresh_blob
from service.shared_secrets import KeyRing
from service.store.database import Connection, DatabaseTimeouts, Pool, create_pool
from service.store.view_cache import ViewCache
from service.usecases import acknowledgements, blob_gc, expiry, retention, reviews, timeline
from service.usecases.assets import AssetContext
from service.usecases.digests import DigestBuilder
from service.usecases.entries import EntryContext
from service.usecases.webhooks import WebhookContext
from service.webhooks import policy
from service.webhooks.dispatcher import Dispatcher, DispatchSettings, FanOut
from service.webhooks.network import Networks
from service.webhooks.proxy import Proxies
from service.webhooks.sender import HttpSender
from service.worker import Consumer, Periodic, Worker

IO_THREADS = 32


def install_io_threads() -> None:
    """Blob I/O (boto3, files) runs in the default executor; its stock size (cores + 4) would let one large
    upload's parts starve every other request's file or S3 call."""
    asyncio.get_running_loop().set_default_executor(
        ThreadPoolExecutor(max_workers=IO_THREADS, thread_name_prefix="canon-io")
    )


def build_blob_store(settings: Settings) -> BlobStore:
    """S3 when a bucket is configured, else a local directory (the embedded default)."""
    if settings.s3_bucket:
        from service.blobs.s3 import S3BlobStore  # noqa: PLC0415  # boto3 loads only when S3 is used

        return S3BlobStore(
            settings.s3_bucket,
            endpoint_url=settings.s3_endpoint_url,
            region=settings.s3_region,
            checksums=settings.s3_checksums,
            connect_timeout=settings.s3_connect_timeout,
            read_timeout=settings.s3_read_timeout,
            max_attempts=settings.s3_max_attempts,
            retry_mode=settings.s3_retry_mode,
        )
    return LocalBlobStore(settings.blob_dir or settings.data_dir / "blobs")


def request_timeouts(settings: Settings) -> DatabaseTimeouts:
    """The database timeouts of the pools requests use (CANON_DATABASE_*_TIMEOUT); the worker's and the CLI's pools
    keep `DatabaseTimeouts()`."""
    return DatabaseTimeouts(
        connect=settings.database_connect_timeout,
        acquire=settings.database_acquire_timeout,
        command=settings.database_command_timeout,
    )


def build_search_index(pool: Pool, settings: Settings, reads: Pool | None = None) -> SearchIndex:
    """Meilisearch when `CANON_MEILISEARCH_URL` is set, else full-text search in PostgreSQL (the default), searching
    on `reads` (see `open_search_reads`)."""
    if settings.meilisearch_url:
        from service.search.meilisearch import MeilisearchIndex  # noqa: PLC0415  # its client loads only when used

        return MeilisearchIndex(
            settings.meilisearch_url,
            settings.meilisearch_api_key,
            index=settings.meilisearch_index,
            connect_timeout=settings.meilisearch_connect_timeout,
            read_timeout=settings.meilisearch_read_timeout,
            retries=settings.meilisearch_retries,
        )
    return PostgresSearchIndex(
        pool,
        reads=reads,
        cache_size=settings.search_cache_size,
        recheck_seconds=settings.search_cache_recheck_seconds,
    )


async def open_search_reads(url: str, settings: Settings) -> Pool | None:
    """The connections an API process searches on: PostgreSQL search plans best with its own session settings, which
    a pool shared with everything else cannot carry. None with Meilisearch."""
    if settings.meilisearch_url:
        return None
    size = max(1, settings.search_pool_max)
    return await create_pool(
        url, min_size=1, max_size=size, session=READ_SESSION, stateless=True, timeouts=request_timeouts(settings)
    )


@dataclass(frozen=True)
class Services:
    pool: Pool
    settings: Settings
    blobs: BlobStore
    entry_contexts: dict[str, EntryContext]
    assets: AssetContext
    views: ViewCache
    webhooks: WebhookContext
    search: SearchIndex
    # Sign and verify search tokens and download links: the configured secrets, or (loaded by the API process at
    # start-up, see service/shared_secrets.py) the database's.
    search_token_keys: KeyRing
    limits: RateLimits  # this process's rate limits (the API's; the worker does not consult them)


def build_services(
    pool: Pool, settings: Settings, blobs: BlobStore | None = None, search_reads: Pool | None = None
) -> Services:
    views = ViewCache()
    contexts = {
        name: EntryContext(
            pool=pool,
            spec=spec,
            base_url=settings.public_url,
            views=views,
            review_window_seconds=settings.review_window_seconds,
        )
        for name, spec in KINDS.items()
    }
    store = blobs or build_blob_store(settings)
    return Services(
        pool=pool,
        settings=settings,
        blobs=store,
        entry_contexts=contexts,
        views=views,
        webhooks=WebhookContext(
            pool=pool,
            allow=Networks.parse(settings.webhook_allow_networks),
            require_https=settings.webhook_require_https,
            replay_max_in_flight=settings.replay_max_in_flight,
        ),
        assets=AssetContext(
            entries=contexts[ASSET.name],
            blobs=store,
            max_bytes=settings.asset_max_bytes,
            presign_for=dt.timedelta(seconds=settings.presign_seconds),
        ),
        search=build_search_index(pool, settings, search_reads),
        search_token_keys=KeyRing(settings.search_token_keys),
        limits=rate_limits(settings),
    )


def rate_limits(settings: Settings, clock: Clock = time.monotonic) -> RateLimits:
    """The API's rate limits as configured (CANON_RATE_LIMIT_*); tests pass their own clock."""
    return RateLimits.build(
        auth_failures=settings.rate_limit_auth_failures,
        search=settings.rate_limit_search,
        search_address=settings.rate_limit_search_address,
        clock=clock,
    )


def webhook_proxies(settings: Settings) -> Proxies:
    """The egress proxies of webhook deliveries. HTTP(S)_PROXY and NO_PROXY are the process's standard variables,
    not CANON_* settings; a malformed one is a ValueError naming it."""
    return Proxies.from_environment(os.environ, proxy=settings.webhook_proxy, no_proxy=settings.webhook_no_proxy)


def build_worker(services: Services, metrics: CanonMetrics | None = None) -> Worker:
    """The background worker; `metrics` (if given) counts its webhook deliveries and the rows retention prunes."""
    settings = services.settings
    warn_before = dt.timedelta(days=settings.asset_expiring_days)
    grace = dt.timedelta(hours=settings.blob_gc_grace_hours)

    async def notify_expiry() -> None:
        await expiry.send_due_notices(services.entry_contexts[ASSET.name], warn_before)

    async def activate_scheduled() -> None:
        await timeline.activate_due(services.entry_contexts)

    async def remind_reviews() -> None:
        await reviews.send_overdue(services.pool, services.entry_contexts, settings.review_window_seconds)

    async def remind_acknowledgements() -> None:
        window = dt.timedelta(seconds=settings.acknowledgement_window_seconds)
        await acknowledgements.send_overdue(services.pool, services.entry_contexts, window)

    digest_builder = DigestBuilder(services.pool)

    async def send_digests() -> None:
        await digest_builder.run()

    async def collect_garbage() -> None:
        await blob_gc.collect(services.pool, services.blobs, grace)

    async def index_extracted(conn: Connection, sha256: str) -> None:
        await refresh_blob(conn, services.search, sha256, settings.public_url)

    dispatcher = Dispatcher(
        services.pool,
        HttpSender(
            allow=services.webhooks.allow,
            timeout=settings.webhook_timeout_seconds,
            proxies=webhook_proxies(settings),
        ),
        DispatchSettings(
            timeout=dt.timedelta(seconds=settings.webhook_timeout_seconds),
            disable_after=dt.timedelta(hours=settings.webhook_disable_after_hours),
            schedule=tuple(dt.timedelta(seconds=s) for s in settings.webhook_retry_seconds) or policy.RETRY_SCHEDULE,
            lease_margin=dt.timedelta(seconds=settings.webhook_lease_margin_seconds),
            # Leave a little of the shutdown grace for releasing unfinished sends and closing the pool.
            shutdown_wait=dt.timedelta(seconds=max(settings.shutdown_grace_seconds - 2.0, 0.0)),
        ),
        observe=None if metrics is None else metrics.observe_delivery,
    )
    extraction = AssetTextExtraction(services.pool, services.blobs, on_extracted=index_extracted)
    consumers: list[Consumer] = [FanOut(), SearchSync(services.search, settings.public_url)]
    keep = retention.Retention.days(
        settings.retention_deliveries_days, settings.retention_events_days, settings.retention_audit_days
    )

    async def prune() -> None:
        await retention.prune(
            services.pool,
            keep,
            [consumer.name for consumer in consumers],
            pruned=None if metrics is None else metrics.observe_pruned,
        )

    return Worker(
        services.pool,
        consumers,
        periodic=[
            # Scheduled versions take effect within a second or so of their instant, also after a restart.
            Periodic("timeline", 1.0, activate_scheduled),
            Periodic("asset-expiry", 30.0, notify_expiry),
            Periodic("blob-gc", 3600.0, collect_garbage),
            Periodic("retention", settings.retention_every_seconds, prune),
            Periodic("review-reminders", settings.reminders_every_seconds, remind_reviews),
            Periodic("acknowledgement-reminders", settings.reminders_every_seconds, remind_acknowledgements),
            # A digest goes out within a second or so of its period's end.
            Periodic("digests", 1.0, send_digests),
        ],
        # Text extraction runs beside the consumers, not between their batches: one slow file must not delay sync.
        alongside=[dispatcher.run, extraction.run],
    )


def oidc_verifier(settings: Settings) -> OidcVerifier | None:
    """The single sign-on verifier, when an issuer is configured."""
    if settings.oidc_issuer is None or settings.oidc_audience is None:
        return None
    return OidcVerifier(
        OidcSettings(
            issuer=settings.oidc_issuer,
            audience=settings.oidc_audience,
            subject_claim=settings.oidc_subject_claim,
            name_claim=settings.oidc_name_claim,
            groups_claim=settings.oidc_groups_claim,
            groups=parse_group_map(settings.oidc_groups or ""),
            default_role=Role(settings.oidc_default_role),
        )
    )
