"""Settings read once from CANON_* environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal

import msgspec

from service.identity.oidc import parse_group_map
from service.webhooks.proxy import DIRECT, NoProxy, parse_proxy_url

# Timeouts are positive seconds; attempts count the first try.
Seconds = Annotated[float, msgspec.Meta(gt=0)]
Attempts = Annotated[int, msgspec.Meta(ge=1, le=10)]
Retries = Annotated[int, msgspec.Meta(ge=0, le=10)]
RetentionDays = Annotated[int, msgspec.Meta(ge=0, le=36500)]  # 0: keep for good


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    database_url: str | None = None
    # Fail fast (docs/operations.md): a dependency that stops answering costs a request about 10 s, then a 503.
    # The API's pools; the worker and the CLI keep 5 s to connect, 30 s per statement and no limit to acquire.
    database_connect_timeout: Seconds = 5.0  # opening a connection: TCP, TLS, authentication
    database_acquire_timeout: Seconds = 5.0  # a request waiting for a pooled connection (opening one included)
    database_command_timeout: Seconds = 10.0  # one statement of a request
    # Online migrations (docs/operations.md): how long a migration waits for a table lock before it gives up, rolls
    # back and tries again (so it never queues in front of traffic), and how many tries it makes in all.
    migration_lock_timeout: Annotated[float, msgspec.Meta(gt=0)] = 5.0
    migration_lock_attempts: Annotated[int, msgspec.Meta(ge=1, le=20)] = 6
    data_dir: Path = Path(".canon-data")
    bootstrap_admin_key: str | None = None
    max_body_bytes: int = 1_048_576
    public_url: str = ""
    db_pool_min: int = 2
    db_pool_max: int = 10
    key_cache_seconds: float = 5.0
    # Rate limits of each API process (token buckets, per minute; 0 turns one off; docs/operations.md): failed
    # authentication per client address, searches per credential and per client address.
    rate_limit_auth_failures: Annotated[int, msgspec.Meta(ge=0)] = 60
    rate_limit_search: Annotated[int, msgspec.Meta(ge=0)] = 1200
    rate_limit_search_address: Annotated[int, msgspec.Meta(ge=0)] = 3000
    log_level: str = "info"
    cors_origins: tuple[str, ...] = ()
    s3_bucket: str | None = None
    s3_endpoint_url: str | None = None
    s3_region: str | None = None
    # CRC32 checksums on uploads (boto3's default, "when_supported"), or none ("when_required") for S3-compatible
    # stores that refuse checksum headers.
    s3_checksums: Literal["when_supported", "when_required"] = "when_supported"
    s3_connect_timeout: Seconds = 2.0  # opening a connection, and sending each block of a body
    s3_read_timeout: Seconds = 4.0  # each wait for the answer's next bytes (never the whole transfer)
    s3_max_attempts: Attempts = 2  # tries per call, the first included
    s3_retry_mode: Literal["standard", "adaptive"] = "standard"  # botocore's retry modes
    blob_dir: Path | None = None  # the local store's directory; default: data_dir/blobs
    asset_max_bytes: int = 512 * 1024 * 1024
    presign_seconds: int = 300
    asset_expiring_days: int = 7
    blob_gc_grace_hours: float = 24.0
    webhook_allow_networks: str | None = None  # CIDRs webhook targets may be in despite being private
    webhook_require_https: bool = True
    webhook_timeout_seconds: float = 15.0
    webhook_disable_after_hours: float = 120.0
    # Seconds between attempts (default 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h); tests shorten it.
    webhook_retry_seconds: tuple[float, ...] = ()
    # A delivery's lease is the timeout plus this: how long a dead worker's sends wait before another worker retries.
    webhook_lease_margin_seconds: float = 30.0
    # The egress proxy for webhook delivery (docs/webhooks.md). Unset: HTTP_PROXY, HTTPS_PROXY and NO_PROXY from the
    # environment; a URL (http://[user:password@]host:port): this proxy for every target; `direct`: no proxy at all.
    webhook_proxy: str | None = None
    webhook_no_proxy: str | None = None  # set: replaces NO_PROXY for webhook delivery
    # A replay is refused (429) while this many deliveries to the subscription are pending, and queues no more than
    # the room left: one subscription's replays cannot pile up an unbounded backlog.
    replay_max_in_flight: Annotated[int, msgspec.Meta(ge=1, le=1_000_000)] = 10_000
    meilisearch_url: str | None = None  # unset: PostgreSQL full-text search
    meilisearch_api_key: str | None = None
    meilisearch_connect_timeout: Seconds = 2.0
    meilisearch_read_timeout: Seconds = 5.0  # each wait for bytes of an answer (or to send a request)
    meilisearch_retries: Retries = 1  # repeats of a request whose connection failed (it never reached Meilisearch)
    # The live index's uid (`canon reindex` builds `<uid>_<timestamp>` beside it and swaps): installations, or a
    # benchmark, can share one Meilisearch. Meilisearch allows letters, digits, `-` and `_` in a uid.
    meilisearch_index: Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9_-]{1,200}$")] = "canon_entries"
    # HMAC keys of search tokens and download links (service/shared_secrets.py): newest first, the first signs, all
    # verify (rotation with an overlap). CANON_SEARCH_TOKEN_SECRET is one such key. Both unset: the secrets are kept
    # in PostgreSQL, shared by every replica, rotated by `canon secrets rotate search-token` and re-read this often.
    search_token_secrets: tuple[str, ...] = ()
    search_token_secret: str | None = None
    search_token_refresh_seconds: Seconds = 60.0
    # Connections each API process keeps for search statements (PostgreSQL search), beside CANON_DB_POOL_MAX:
    # they are opened with the planner settings search needs (see service/search/postgres.py).
    search_pool_max: int = 4
    search_cache_size: int = 2000  # answers each API process keeps (PostgreSQL search); 0 turns the cache off
    # How long a process trusts its cache before asking whether the index changed: adds at most this much to the
    # time a publish, retire or expiry takes to show in search, and saves that question on nearly every request.
    search_cache_recheck_seconds: float = 0.1
    # Operations (docs/operations.md): logs, metrics, readiness and shutdown.
    log_format: str | None = None  # json | text; unset: json for `canon serve` and `canon worker`, text otherwise
    metrics_token: str | None = None  # if set, /metrics wants `Authorization: Bearer <this>`
    worker_metrics_port: int | None = None  # if set, `canon worker` serves /metrics and /healthz on this port
    worker_metrics_host: str = "0.0.0.0"  # noqa: S104 - a pod's metrics port must be reachable by the scraper
    worker_fresh_seconds: float = 60.0  # a worker heartbeat younger than this means the worker is alive
    ready_require_worker: bool = False  # whether /readyz fails without a fresh worker heartbeat
    shutdown_grace_seconds: float = 25.0  # on SIGTERM: how long in-flight requests and deliveries may take
    # Retention (docs/operations.md): days to keep finished webhook deliveries (and their attempts), events and audit
    # records; 0 keeps them for good. The worker prunes every `retention_every_seconds`, a small batch at a time.
    retention_deliveries_days: RetentionDays = 30
    retention_events_days: RetentionDays = 0
    retention_audit_days: RetentionDays = 0
    retention_every_seconds: Seconds = 300.0
    # Reviews and acknowledgements (docs/operations.md): a team's review pending longer than the review window (48 h;
    # an entry may set its own) is overdue, announced once per window; a person who has not acknowledged a version
    # in effect for the acknowledgement window (5 days) is named once. The worker looks every reminders_every_seconds.
    review_window_seconds: Seconds = 172_800.0
    acknowledgement_window_seconds: Seconds = 432_000.0
    reminders_every_seconds: Seconds = 60.0
    # Single sign-on (docs/operations.md): bearer JWTs of this OpenID Connect issuer for this audience are accepted
    # beside API keys. Both unset: API keys only.
    oidc_issuer: str | None = None
    oidc_audience: str | None = None
    oidc_subject_claim: str = "email"  # the claim that is the person's subject in Canon
    oidc_name_claim: str = "name"
    oidc_groups_claim: str = "groups"
    # `GROUP=team:NAME` / `GROUP=role:ROLE`, comma-separated. Set: the provider manages people's teams and role (the
    # highest role granted, else oidc_default_role). Unset: they are managed in Canon (`/v1/people`).
    oidc_groups: str | None = None
    oidc_default_role: Literal["reader", "editor", "approver", "admin"] = "reader"
    # The console signs people in with the provider (authorization code flow with PKCE) as this client; unset: the
    # audience. Its redirect URI is `{public_url}/console/sso/callback` (register it with the provider). A public
    # client needs no secret; a confidential one sends it to the token endpoint.
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    # The console's sign-in sessions (docs/operations.md): one ends after this long unused, and this long after
    # sign-in however busy; both are checked on every page, by every replica (sessions live in PostgreSQL).
    console_session_idle_seconds: Seconds = 3600.0
    console_session_absolute_seconds: Seconds = 43200.0

    def __post_init__(self) -> None:
        if (self.oidc_issuer is None) != (self.oidc_audience is None):
            raise ValueError("CANON_OIDC_ISSUER and CANON_OIDC_AUDIENCE are set together or not at all")
        if self.oidc_groups:
            parse_group_map(self.oidc_groups)  # a mistake is reported at start-up, naming the variable
        if self.webhook_proxy and self.webhook_proxy.strip().lower() != DIRECT:
            parse_proxy_url(self.webhook_proxy, "CANON_WEBHOOK_PROXY")
        if self.search_token_secret and self.search_token_secrets:
            raise ValueError("CANON_SEARCH_TOKEN_SECRET and CANON_SEARCH_TOKEN_SECRETS: set one or the other")
        if any(not secret.strip() for secret in self.search_token_secrets):
            raise ValueError("CANON_SEARCH_TOKEN_SECRETS: an empty secret in the list")
        ignored = NoProxy.parse(self.webhook_no_proxy).ignored
        if ignored:
            raise ValueError(
                f"CANON_WEBHOOK_NO_PROXY: not a host name, domain, IP address or CIDR: {', '.join(ignored)}"
            )

    @property
    def search_token_keys(self) -> tuple[str, ...]:
        """The configured search-token secrets, newest first; empty: they are kept in the database."""
        return self.search_token_secrets or ((self.search_token_secret,) if self.search_token_secret else ())

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Build settings from `CANON_*` variables; explicit overrides win over the environment."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for field in msgspec.structs.fields(cls):
            raw = env.get(f"CANON_{field.name.upper()}")
            if raw is not None and raw != "":
                values[field.name] = raw.split(",") if field.name in _LISTS else raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return msgspec.convert(values, cls, strict=False, dec_hook=_decode_path)
        except msgspec.ValidationError as exc:  # name the variable, not the field
            message, _, path = str(exc).rpartition(" - at `$.")
            name = path.rstrip("`").split("[")[0]
            raise ValueError(f"CANON_{name.upper()}: {message}" if message else str(exc)) from None


_LISTS = frozenset({"cors_origins", "webhook_retry_seconds", "search_token_secrets"})


def _decode_path(tp: type, obj: object) -> object:
    if tp is Path and isinstance(obj, str):
        return Path(obj)
    raise NotImplementedError
