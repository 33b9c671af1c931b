"""`canon serve | worker | dev | migrate | gc | reindex | openapi | keys | people | secrets` and `canon --version`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import getpass
import importlib.metadata
import logging
import math
import signal
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO
from uuid import UUID

import msgspec
import uvicorn
from litestar import Litestar

from service.app import create_app, resolve_database_url
from service.config import Settings
from service.contracts import write_contracts
from service.domain.errors import DomainError
from service.domain.model import Principal, Role
from service.domain.operations import KeyCreate, PersonCreate, PersonUpdate
from service.observability import logging as logs
from service.observability import worker_server
from service.observability.collect import pool_families
from service.observability.metrics import CanonMetrics
from service.search.base import SearchDocument, SearchIndex
from service.shared_secrets import rotate, signing_delay
from service.store import migrations
from service.store.database import DatabaseTimeouts, Pool, create_pool
from service.store.secrets import SEARCH_TOKEN
from service.usecases import blob_gc, keys, people, reads
from service.wiring import build_services, build_worker, install_io_threads, webhook_proxies
from service.worker import prune_heartbeats, run_until_stopped

log = logging.getLogger("canon")


WORKER_MIN_CONNECTIONS = 6


@contextlib.asynccontextmanager
async def _pool(settings: Settings, max_size: int = 4) -> AsyncIterator[Pool]:
    install_io_threads()
    # Connecting waits CANON_DATABASE_CONNECT_TIMEOUT, as the API's pools do; statements keep the CLI's long limit.
    timeouts = DatabaseTimeouts(connect=settings.database_connect_timeout)
    pool = await create_pool(await resolve_database_url(settings), min_size=1, max_size=max_size, timeouts=timeouts)
    try:
        yield pool
    finally:
        await pool.close()


def _cli_principal() -> Principal:
    return Principal(subject=f"cli:{getpass.getuser()}", name=getpass.getuser(), role=Role.admin, credential="cli")


# `canon migrate --status` exits with this when migrations are pending (0: none; 2: the ledger disagrees with disk).
MIGRATIONS_PENDING_EXIT = 3


async def _migrate(settings: Settings, *, show_status: bool = False) -> None:
    if show_status:
        await _migration_status(settings)
        return
    policy = migrations.LockPolicy(timeout=settings.migration_lock_timeout, attempts=settings.migration_lock_attempts)
    async with _pool(settings) as pool, pool.acquire() as conn:
        applied = await migrations.migrate(conn, policy=policy)
    print(f"applied {len(applied)} migration(s)" + "".join(f"\n  {m.version:04d}_{m.name}" for m in applied))


async def _migration_status(settings: Settings) -> None:
    """One line per migration: `applied <time>` or `pending`; exits MIGRATIONS_PENDING_EXIT if any is pending."""
    async with _pool(settings) as pool, pool.acquire() as conn:
        states = await migrations.status(conn)
    for state in states:
        when = f"applied {state.applied_at:%Y-%m-%d %H:%M:%S %Z}" if state.applied_at else "pending"
        print(f"{state.version:04d}_{state.name:<32} {when}" + ("" if state.on_disk else "  (not on disk)"))
    waiting = sum(1 for s in states if s.applied_at is None)
    print(f"{len(states) - waiting} applied, {waiting} pending")
    if waiting:
        raise SystemExit(MIGRATIONS_PENDING_EXIT)


async def _ensure_migrated(pool: Pool) -> None:
    async with pool.acquire() as conn:
        waiting = await migrations.pending(conn)
    if waiting:
        raise SystemExit(f"the database needs {len(waiting)} migration(s): run `canon migrate` first")


async def _keys(settings: Settings, args: argparse.Namespace) -> None:
    async with _pool(settings) as pool:
        await _ensure_migrated(pool)
        if args.keys_command == "create":
            given = {"name": args.name, "person": args.person, "role": args.role, "team": args.team}
            request = msgspec.convert({**given, "expires_at": args.expires_at}, KeyCreate)
            issued = await keys.create(pool, _cli_principal(), request)
            print(msgspec.json.format(msgspec.json.encode(issued)).decode())
        elif args.keys_command == "list":
            page = await reads.key_page(pool, _cli_principal(), cursor=None, limit=200)
            for record in page.items:
                state = f"revoked {record.revoked_at:%Y-%m-%d}" if record.revoked_at else "active"
                print(
                    f"{record.id}  {record.prefix}…  {record.role:<8} {state:<18} {record.name:<24} "
                    f"{record.principal.type:<7} {record.principal.subject}"
                )
        else:
            record = await keys.revoke(pool, _cli_principal(), UUID(args.key_id))
            print(f"revoked {record.id} ({record.name})")


async def _rotate_secret(settings: Settings) -> None:
    """`canon secrets rotate search-token`: the database's secret only; configured ones are rotated in the settings."""
    if settings.search_token_keys:
        raise SystemExit(
            "canon: the search-token secrets are configured (CANON_SEARCH_TOKEN_SECRETS): rotate them there"
        )
    async with _pool(settings) as pool:
        await _ensure_migrated(pool)
        kept = await rotate(pool)
    delay = signing_delay(settings.search_token_refresh_seconds)
    kept_too = "".join(f"; generation {secret.generation} kept for what it signed" for secret in kept[1:])
    print(f"{SEARCH_TOKEN}: generation {kept[0].generation} added; it signs after {delay:g} s{kept_too}")


async def _people(settings: Settings, args: argparse.Namespace) -> None:
    async with _pool(settings) as pool:
        await _ensure_migrated(pool)
        if args.people_command == "create":
            given = {"subject": args.subject, "name": args.name, "role": args.role, "teams": args.team or []}
            out = await people.create(pool, _cli_principal(), msgspec.convert(given, PersonCreate))
            print(msgspec.json.format(msgspec.json.encode(out)).decode())
        elif args.people_command == "update":
            given = {"name": args.name, "role": args.role, "teams": args.team}
            if args.active is not None:
                given["active"] = args.active == "yes"
            change = msgspec.convert({k: v for k, v in given.items() if v is not None}, PersonUpdate)
            out = await people.update(pool, _cli_principal(), args.subject, change)
            print(msgspec.json.format(msgspec.json.encode(out)).decode())
        else:
            found = await people.page(pool, _cli_principal(), team=args.team, cursor=None, limit=200)
            for person in found.items:
                state = "active" if person.active else "deactivated"
                print(
                    f"{person.subject:<32} {person.role:<8} {','.join(person.teams) or '-':<24} {state:<11} "
                    f"{person.name}"
                )


async def _run_worker(settings: Settings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    # Sized by CANON_DB_POOL_MAX: two connections hold a LISTEN (the consumers', the dispatcher's), and the
    # dispatcher claims, records and renews leases beside the consumers' drains and text extraction. At least 6.
    async with _pool(settings, max(settings.db_pool_max, WORKER_MIN_CONNECTIONS)) as pool:
        await _ensure_migrated(pool)
        await prune_heartbeats(pool)  # every start adds a row: forget workers gone for a day
        metrics = CanonMetrics()
        worker = build_worker(build_services(pool, settings), metrics)

        def render() -> str:
            return metrics.render(pool_families(pool))

        async with contextlib.AsyncExitStack() as stack:
            if settings.worker_metrics_port is not None:
                await stack.enter_async_context(
                    worker_server.serving(settings.worker_metrics_host, settings.worker_metrics_port, render)
                )
            log.info("worker %s started", worker.worker_id)
            await run_until_stopped(worker.run(stop), stop, settings.shutdown_grace_seconds)
    log.info("worker %s stopped", worker.worker_id)


class _Progress:
    """A counter line on a terminal, rewritten in place (at most every `interval` seconds). Nothing at all when
    stderr is not a terminal, so logs and pipes get only the command's summary line."""

    def __init__(self, stream: TextIO, interval: float = 0.1) -> None:
        self._stream = stream
        self._interval = interval
        self.live = stream.isatty()
        self._shown_at: float | None = None

    def show(self, text: str) -> None:
        if not self.live:
            return
        now = time.monotonic()
        if self._shown_at is not None and now - self._shown_at < self._interval:
            return
        self._shown_at = now
        self._stream.write(f"\r{text}\x1b[K")
        self._stream.flush()

    def clear(self) -> None:
        """Erase the line, so what follows (the summary, an error) starts at the left margin."""
        if self._shown_at is not None:
            self._stream.write("\r\x1b[K")
            self._stream.flush()
            self._shown_at = None


@contextlib.contextmanager
def _progress() -> Iterator[_Progress]:
    """A progress line on stderr; a log record written meanwhile erases it first (the next update redraws it)."""
    progress = _Progress(sys.stderr)

    def erase_first(record: logging.LogRecord) -> bool:
        progress.clear()
        return True

    handlers = list(logging.getLogger().handlers) if progress.live else []
    for handler in handlers:
        handler.addFilter(erase_first)
    try:
        yield progress
    finally:
        for handler in handlers:
            handler.removeFilter(erase_first)
        progress.clear()


class _CountedIndex:
    """The search index, telling `seen` the running count of the documents a rebuild streams into it."""

    def __init__(self, index: SearchIndex, seen: Callable[[int], None]) -> None:
        self._index = index
        self._seen = seen
        self.name = index.name
        self.upsert = index.upsert
        self.delete = index.delete
        self.search = index.search
        self.set_synonyms = index.set_synonyms
        self.check = index.check
        self.close = index.close

    async def reindex(self, docs: AsyncIterator[SearchDocument], synonyms: list[list[str]]) -> int:
        async def counted() -> AsyncIterator[SearchDocument]:
            count = 0
            async for doc in docs:
                count += 1
                self._seen(count)
                yield doc

        return await self._index.reindex(counted(), synonyms)


async def _gc(settings: Settings) -> None:
    async with _pool(settings) as pool:
        await _ensure_migrated(pool)
        services = build_services(pool, settings)
        grace = dt.timedelta(hours=settings.blob_gc_grace_hours)
        with _progress() as progress:

            def show(checked: int, deleted: int) -> None:
                progress.show(f"gc: {checked} file(s) checked, {deleted} deleted")

            report = await blob_gc.collect(pool, services.blobs, grace, show)
    print(msgspec.json.encode(report).decode())


def _uvicorn_options(settings: Settings) -> dict[str, Any]:
    """Logging stays ours (uvicorn's records go through the redacting root handler; access lines come from
    service/observability/http.py), and SIGTERM lets requests in flight finish within the shutdown grace."""
    return {
        "log_config": None,
        "log_level": "info",
        "access_log": False,
        "proxy_headers": True,
        "timeout_graceful_shutdown": max(1, math.ceil(settings.shutdown_grace_seconds)),
    }


async def _reindex(settings: Settings) -> None:
    from service.search import sync  # noqa: PLC0415  # only this command needs it

    async with _pool(settings) as pool:
        await _ensure_migrated(pool)
        index = build_services(pool, settings).search
        try:
            with _progress() as progress:
                counted = _CountedIndex(index, lambda count: progress.show(f"reindex: {count} document(s)"))
                count = await sync.reindex(pool, counted, settings.public_url)
        finally:
            await index.close()
    print(f"search index ({index.name}) rebuilt: {count} documents")


async def _serve(app: Litestar, host: str, port: int, settings: Settings) -> None:
    config = uvicorn.Config(app, host=host, port=port, lifespan="on", **_uvicorn_options(settings))
    await uvicorn.Server(config).serve()


async def _dev(settings: Settings, host: str, port: int) -> None:
    from service.dev import dev_background  # noqa: PLC0415  # dev-only wiring

    base = f"http://{host}:{port}"
    # A developer's receivers listen on localhost over plain HTTP; production keeps HTTPS-only, public targets.
    settings = msgspec.structs.replace(
        settings,
        public_url=settings.public_url or base,
        webhook_require_https=False,
        webhook_allow_networks=settings.webhook_allow_networks or "127.0.0.0/8,::1/128",
    )
    app = create_app(settings, migrate=True, background=lambda app: dev_background(app, settings, base))
    await _serve(app, host, port, settings)


def _version() -> str:
    """The installed distribution's version (pyproject.toml's, as built into the wheel)."""
    try:
        return importlib.metadata.version("canon")
    except importlib.metadata.PackageNotFoundError:  # imported from a checkout that was never installed
        return "unknown"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="canon", description="Canon: the shared source of truth.")
    parser.add_argument("--version", action="version", version=f"canon {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (("serve", "run the HTTP API"), ("dev", "API and worker over the embedded defaults, seeded")):
        cmd = sub.add_parser(name, help=text)
        cmd.add_argument("--host", default="127.0.0.1")
        cmd.add_argument("--port", type=int, default=8000)
    serve = sub.choices["serve"]
    serve.add_argument("--workers", type=int, default=1, help="HTTP worker processes")
    sub.add_parser("worker", help="run background work (webhook delivery, search sync)")
    migrate = sub.add_parser("migrate", help="apply pending database migrations")
    migrate.add_argument(
        "--status",
        action="store_true",
        help=f"list applied and pending ones (exit {MIGRATIONS_PENDING_EXIT}: some pending)",
    )
    sub.add_parser("gc", help="delete asset files no version uses (after CANON_BLOB_GC_GRACE_HOURS)")
    sub.add_parser("reindex", help="rebuild the search index from PostgreSQL and swap it in")
    openapi = sub.add_parser("openapi", help="write openapi/openapi.json and schemas/")
    openapi.add_argument("--root", type=Path, default=Path())
    roles = [r.value for r in Role]
    key = sub.add_parser("keys", help="manage API keys")
    key_sub = key.add_subparsers(dest="keys_command", required=True)
    create = key_sub.add_parser("create", help="a key for a person (--person), or a service key (--role)")
    create.add_argument("--name", required=True)
    create.add_argument("--person", help="the subject of the person the key acts as")
    create.add_argument("--role", choices=roles, help="a service key's role (not approver)")
    create.add_argument("--team", help="a service key's team")
    create.add_argument("--expires-at", help="RFC 3339 time after which the key stops working")
    key_sub.add_parser("list")
    revoke = key_sub.add_parser("revoke")
    revoke.add_argument("key_id")
    person = sub.add_parser("people", help="manage people")
    person_sub = person.add_subparsers(dest="people_command", required=True)
    add = person_sub.add_parser("create")
    add.add_argument("--subject", required=True, help="unique, usually the email address")
    add.add_argument("--name", required=True)
    add.add_argument("--role", default="reader", choices=roles)
    add.add_argument("--team", action="append", help="repeat for several teams")
    change = person_sub.add_parser("update")
    change.add_argument("subject")
    change.add_argument("--name")
    change.add_argument("--role", choices=roles)
    change.add_argument("--team", action="append", help="the person's teams, all of them; repeat")
    change.add_argument("--active", choices=["yes", "no"])
    listing = person_sub.add_parser("list")
    listing.add_argument("--team")
    secret = sub.add_parser("secrets", help="the secrets API replicas share when no setting gives them")
    secret_sub = secret.add_subparsers(dest="secrets_command", required=True)
    rotation = secret_sub.add_parser("rotate", help="add a newest generation, keep the previous one for an overlap")
    rotation.add_argument("name", choices=[SEARCH_TOKEN])
    return parser


def app_from_env() -> Litestar:
    """The ASGI factory `canon serve` runs (one per HTTP worker process, each configuring its own logging)."""
    settings = Settings.from_env()
    logs.configure(settings, default_format="json")
    return create_app(settings)


def _exit_on_sigterm(signum: int, frame: object) -> None:
    """SIGTERM ends the process with a normal exit, so `atexit` handlers run and stop the embedded PostgreSQL.

    uvicorn shuts down gracefully on SIGTERM and then re-raises the signal; under the default disposition that kills
    the process before `atexit`, leaving the embedded server of `canon dev` running after it.
    """
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        settings = Settings.from_env()
        logs.configure(settings, default_format="json" if args.command in ("serve", "worker") else "text")
        if args.command in ("worker", "dev"):
            webhook_proxies(settings)  # a malformed HTTPS_PROXY is a one-line refusal, not a traceback at start-up
    except ValueError as exc:
        raise SystemExit(f"canon: {exc}") from None
    commands: dict[str, Callable[[], Any]] = {
        "serve": lambda: uvicorn.run(
            "service.cli:app_from_env",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            **_uvicorn_options(settings),
        ),
        "dev": lambda: asyncio.run(_dev(settings, args.host, args.port)),
        "worker": lambda: asyncio.run(_run_worker(settings)),
        "migrate": lambda: asyncio.run(_migrate(settings, show_status=args.status)),
        "gc": lambda: asyncio.run(_gc(settings)),
        "reindex": lambda: asyncio.run(_reindex(settings)),
        "openapi": lambda: print("\n".join(str(p) for p in write_contracts(args.root))),
        "keys": lambda: asyncio.run(_keys(settings, args)),
        "people": lambda: asyncio.run(_people(settings, args)),
        "secrets": lambda: asyncio.run(_rotate_secret(settings)),
    }
    try:
        commands[args.command]()
    except (DomainError, msgspec.ValidationError) as exc:
        fields = [f"\n  {e.pointer}: {e.detail}" for e in getattr(exc, "errors", [])]
        raise SystemExit(f"canon: {exc}{''.join(fields)}") from None
    except migrations.MigrationError as exc:
        print(f"canon: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
