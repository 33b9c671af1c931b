"""What `canon dev` adds to the API: the sample glossary, a ready admin key, a banner and the worker."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
from pathlib import Path

from litestar import Litestar

from service.config import Settings
from service.domain.kinds import DEFINITION
from service.domain.model import Role
from service.domain.operations import KeyCreate, PersonCreate
from service.seed import PEOPLE, SEEDER, seed_glossary
from service.store import keys as key_store
from service.store import principals
from service.store.database import Pool
from service.usecases import keys, people
from service.usecases.entries import EntryContext
from service.wiring import Services, build_worker

log = logging.getLogger("canon.dev")


# The console is for people, so `canon dev` keeps a key of a sample admin person to sign in with.
CONSOLE_PERSON = PersonCreate(
    subject="avery@canon.example", name="Avery Kim (admin)", role=Role.admin, teams=["revops"]
)


async def _admin_key(pool: Pool, settings: Settings) -> str:
    """The bootstrap key if one is set, else a stored dev key kept in the data directory across restarts."""
    if settings.bootstrap_admin_key:
        return settings.bootstrap_admin_key
    return await _kept_key(
        pool,
        Path(settings.data_dir) / "dev-admin.key",
        KeyCreate(name=f"dev-admin-{secrets.token_hex(3)}", role=Role.admin),
    )


async def _console_key(pool: Pool, settings: Settings) -> str:
    """A key of the sample admin person (created if missing), kept in the data directory across restarts."""
    async with pool.acquire() as conn:
        found = await principals.find(conn, CONSOLE_PERSON.subject)
    if found is None:
        await people.create(pool, SEEDER, CONSOLE_PERSON)
    name = f"dev-console-{secrets.token_hex(3)}"
    return await _kept_key(
        pool, Path(settings.data_dir) / "dev-console.key", KeyCreate(name=name, person=CONSOLE_PERSON.subject)
    )


async def _kept_key(pool: Pool, path: Path, issue: KeyCreate) -> str:
    """The key stored at `path` while it still works, else a new one issued as `issue` and stored there (0600)."""
    secret = _read_key(path)
    if secret is not None:
        async with pool.acquire() as conn:
            if await key_store.active_by_hash(conn, keys.hash_secret(secret)) is not None:
                return secret
    issued = await keys.create(pool, SEEDER, issue)
    _store_key(path, issued.key)
    return issued.key


def _read_key(path: Path) -> str | None:
    return path.read_text().strip() if path.exists() else None


def _store_key(path: Path, secret: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(secret + "\n")
    os.chmod(path, 0o600)


async def dev_background(app: Litestar, settings: Settings, base_url: str) -> None:
    services: Services = app.state.services
    pool = services.pool
    published = await seed_glossary(EntryContext(pool=pool, spec=DEFINITION, base_url=base_url))
    admin_key = await _admin_key(pool, settings)
    console_key = await _console_key(pool, settings)
    seeded = f" (seeded: {', '.join(published)})" if published else ""
    print(
        f"Canon is running at {base_url}{seeded}\n"
        f"  API docs:  {base_url}/schema  (Swagger UI: {base_url}/schema/swagger)\n"
        f"  Console:   {base_url}/console  (sign in as {CONSOLE_PERSON.name} with {console_key})\n"
        f"  Admin key: {admin_key}\n"
        f"  Try:       curl -H 'Authorization: Bearer {admin_key}' {base_url}/v1/definitions/mql\n"
        f"  People:    {', '.join(f'{p.subject} ({p.role.value}, {p.teams[0]})' for p in PEOPLE)}\n"
        f"  Their keys: canon keys create --name riley-laptop --person riley@canon.example\n"
        f'             or POST {base_url}/v1/keys {{"name": "riley-laptop", "person": "riley@canon.example"}}',
        flush=True,
    )
    stop = asyncio.Event()
    try:
        await build_worker(app.state.services, app.state.metrics).run(stop)
    finally:
        stop.set()
