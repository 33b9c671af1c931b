"""Two real `canon serve` processes and two real `canon worker` processes on one PostgreSQL, neither API given a
search-token secret (the Helm chart's default):

- they agree on the secret kept in the database, so a search token minted through one API is accepted by the other,
  also across `canon secrets rotate search-token`;
- a definition published through one API is visible through the other within a second (its view cache hears it);
- with both workers running, every webhook reaches every subscriber exactly once (counted by `webhook-id` and by
  event at receivers on 127.0.0.1), both workers send, and search sync handles each event in exactly one committed
  batch (probes in the test's database record every move of its position and every write of a published document);
- a key revoked through one API is refused by that one at once and by the other once its cache entry expires,
  within `CANON_KEY_CACHE_SECONDS` of the revocation (and not before: it is still accepted there just after).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import re
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from service.search import sync, tokens
from service.store import events, secrets
from tests.e2e.test_graceful_shutdown import CANON, Canon
from tests.support import Api
from tests.webhook_fixtures import Receiver, free_port

pytestmark = pytest.mark.e2e

ADMIN_KEY = "e2e-replicas-admin-key"
REFRESH_SECONDS = 0.5  # the replicas re-read the secrets this often; a new one signs after twice that
KEY_CACHE_SECONDS = 1.0  # how long each API process trusts a key it looked up: the documented revocation delay
# Loopback webhook targets over plain http: accepted by the APIs at creation and by the workers at connect time.
LOOPBACK_WEBHOOKS = {"CANON_WEBHOOK_ALLOW_NETWORKS": "127.0.0.0/8", "CANON_WEBHOOK_REQUIRE_HTTPS": "false"}


@pytest.fixture
def replicas(database_url: str, tmp_path: Path) -> Iterator[list[str]]:
    """The base URLs of two `canon serve` processes on the test's database, on ports from the OS."""
    started: list[Canon] = []
    urls: list[str] = []
    env = {
        "CANON_DATABASE_URL": database_url,
        "CANON_BOOTSTRAP_ADMIN_KEY": ADMIN_KEY,
        "CANON_SEARCH_TOKEN_REFRESH_SECONDS": str(REFRESH_SECONDS),
        "CANON_KEY_CACHE_SECONDS": str(KEY_CACHE_SECONDS),
        **LOOPBACK_WEBHOOKS,
    }
    try:
        for name in ("first", "second"):
            port = free_port()
            folder = tmp_path / name
            folder.mkdir()
            started.append(Canon(folder, "serve", ["serve", "--host", "127.0.0.1", "--port", str(port)], env))
            urls.append(f"http://127.0.0.1:{port}")
        for server, url in zip(started, urls, strict=True):
            server.wait_for(lambda url=url: _healthy(url), "healthy")
        yield urls
    finally:
        for server in started:
            server.kill()


def _healthy(base_url: str) -> bool:
    with contextlib.suppress(httpx.TransportError):
        return httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200
    return False


def _token(base_url: str) -> str:
    response = httpx.post(f"{base_url}/v1/search/tokens", json={}, headers={"Authorization": f"Bearer {ADMIN_KEY}"})
    assert response.status_code == 201, response.text
    token: str = response.json()["token"]
    return token


def _searches(base_url: str, token: str) -> int:
    answer = httpx.get(f"{base_url}/v1/search", params={"q": "lead"}, headers={"Authorization": f"Bearer {token}"})
    return answer.status_code


def test_a_search_token_minted_through_one_api_is_accepted_by_the_other_also_across_a_rotation(
    replicas: list[str], database_url: str, tmp_path: Path
) -> None:
    first, second = replicas
    before = _token(first)
    assert [_searches(url, before) for url in (second, first)] == [200, 200]

    rotated = subprocess.run(
        [str(CANON), "secrets", "rotate", "search-token"],
        env={"CANON_DATABASE_URL": database_url, "CANON_DATA_DIR": str(tmp_path / "cli"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert rotated.returncode == 0, rotated.stderr
    assert "generation 2 added" in rotated.stdout
    assert "generation 1 kept" in rotated.stdout
    # Within the delay both still sign with the previous secret; after it, with the new one. Either way every token
    # either replica makes is accepted by both, and the one made before the rotation still is.
    deadline = time.monotonic() + 4 * REFRESH_SECONDS + 2
    while time.monotonic() < deadline:
        for maker, checker in ((first, second), (second, first)):
            assert _searches(checker, _token(maker)) == 200
        time.sleep(0.1)
    assert [_searches(url, before) for url in (first, second)] == [200, 200]
    newest, previous = asyncio.run(_secrets(database_url))
    for url in (first, second):  # past the delay, both sign with the new secret
        made = _token(url)
        assert tokens.verify([newest], made)
        with pytest.raises(tokens.InvalidToken):
            tokens.verify([previous], made)
    assert tokens.verify([previous], before)


async def _secrets(database_url: str) -> list[bytes]:
    conn = await asyncpg.connect(database_url)
    try:
        return [secret.value for secret in await secrets.read(conn, secrets.SEARCH_TOKEN)]
    finally:
        await conn.close()


async def test_a_definition_published_through_one_api_is_visible_through_the_other_within_a_second(
    replicas: list[str],
) -> None:
    first, second = replicas
    auth = {"Authorization": f"Bearer {ADMIN_KEY}"}
    async with (
        httpx.AsyncClient(base_url=first, headers=auth, timeout=30) as writer,
        httpx.AsyncClient(base_url=second, headers=auth, timeout=30) as reader,
    ):
        api = Api(writer)  # Api needs only an httpx-like client
        await api.published("mql")
        shown = await reader.get("/v1/definitions/mql")
        assert shown.status_code == 200, shown.text
        assert shown.json()["current_version"] == 1  # and now cached on the second

        editor = await api.key("editor", "revops", "author")
        assert (await writer.post("/v1/definitions/mql/versions", json={}, headers=editor)).status_code == 201
        await api.publish_through_review("mql", 2)
        published = time.monotonic()
        while (await reader.get("/v1/definitions/mql")).json()["current_version"] != 2:
            assert time.monotonic() - published < 1.0, "the second API still shows version 1 after a second"
        assert time.monotonic() - published < 1.0


# ----------------------------------------------------------------------------------------------------------------
# Two workers: every webhook once per subscriber, search sync once


@dataclass
class Worker:
    """A `canon worker` process and the address of its own `/metrics`."""

    process: Canon
    metrics_url: str

    def sent(self, outcome: str) -> float:
        """This process's `canon_webhook_deliveries_total{outcome=...}` (0 before its first such attempt)."""
        scraped = httpx.get(f"{self.metrics_url}/metrics", timeout=2).text
        found = re.search(rf'^canon_webhook_deliveries_total\{{outcome="{outcome}"\}} (\S+)$', scraped, re.MULTILINE)
        return float(found.group(1)) if found else 0.0


def _worker_started(worker: Canon, metrics_url: str) -> bool:
    if not any(r.get("message", "").endswith(" started") for r in worker.records()):
        return False
    with contextlib.suppress(httpx.TransportError):
        return httpx.get(f"{metrics_url}/healthz", timeout=1).status_code == 200
    return False


@pytest.fixture
def workers(database_url: str, tmp_path: Path) -> Iterator[list[Worker]]:
    """Two `canon worker` processes on the test's database, each serving its metrics on a port of its own."""
    started: list[Worker] = []
    try:
        for name in ("worker-1", "worker-2"):
            port = free_port()
            folder = tmp_path / name
            folder.mkdir()
            env = {
                "CANON_DATABASE_URL": database_url,
                "CANON_WORKER_METRICS_HOST": "127.0.0.1",
                "CANON_WORKER_METRICS_PORT": str(port),
                **LOOPBACK_WEBHOOKS,
            }
            started.append(Worker(Canon(folder, name, ["worker"], env), f"http://127.0.0.1:{port}"))
        for worker in started:
            worker.process.wait_for(lambda w=worker: _worker_started(w.process, w.metrics_url), "started")
        yield started
    finally:
        for worker in started:
            worker.process.kill()


# Test-only probes: a trigger records every move of search sync's position (as the row was, as it became), another
# every write of a published search document. Both fire inside the writing transaction, so a batch rolled back
# leaves no record, exactly as it leaves no effect.
PROBES = """
CREATE TABLE probe_sync_moves (
    n bigserial PRIMARY KEY, old_txid xid8 NOT NULL, old_event bigint NOT NULL,
    new_txid xid8 NOT NULL, new_event bigint NOT NULL);
CREATE FUNCTION probe_sync_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO probe_sync_moves (old_txid, old_event, new_txid, new_event)
    VALUES (OLD.txid, OLD.event_id, NEW.txid, NEW.event_id);
    RETURN NULL;
END $$;
CREATE TRIGGER probe_sync_moved AFTER UPDATE ON consumer_offsets
    FOR EACH ROW WHEN (NEW.name = 'search-sync') EXECUTE FUNCTION probe_sync_moved();
CREATE TABLE probe_published_writes (n bigserial PRIMARY KEY, kind text, slug text, version integer, op text);
CREATE FUNCTION probe_published_written() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO probe_published_writes (kind, slug, version, op) VALUES (NEW.kind, NEW.slug, NEW.version, TG_OP);
    RETURN NULL;
END $$;
CREATE TRIGGER probe_published_written AFTER INSERT OR UPDATE ON search_documents
    FOR EACH ROW WHEN (NEW.layer = 'published') EXECUTE FUNCTION probe_published_written();
"""

Position = tuple[int, int]


@dataclass(frozen=True)
class SyncRecord:
    """What the probes saw: each committed move of search sync's position, in commit order; the published documents
    written, by slug; every event of the log, in feed order; and where search sync stands now."""

    moves: list[tuple[Position, Position]]
    published_writes: Counter[str]
    events: list[Position]
    position: Position | None


async def _install_probes(database_url: str) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(PROBES)
    finally:
        await conn.close()


async def _sync_record(database_url: str) -> SyncRecord:
    conn = await asyncpg.connect(database_url)
    try:
        moves = await conn.fetch(
            """SELECT old_txid::text::bigint AS old_txid, old_event, new_txid::text::bigint AS new_txid, new_event
               FROM probe_sync_moves ORDER BY n"""
        )
        writes = await conn.fetch("SELECT slug FROM probe_published_writes WHERE kind = 'definition'")
        log = await conn.fetch("SELECT txid::text::bigint AS txid, id FROM events ORDER BY txid, id")
        position = await events.position(conn, sync.CONSUMER)
    finally:
        await conn.close()
    return SyncRecord(
        moves=[((m["old_txid"], m["old_event"]), (m["new_txid"], m["new_event"])) for m in moves],
        published_writes=Counter(w["slug"] for w in writes),
        events=[(e["txid"], e["id"]) for e in log],
        position=position,
    )


async def _feed(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    """Every event of the change feed, oldest first."""
    found: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": 200}
    while True:
        page = await client.get("/v1/events", params=params)
        assert page.status_code == 200, page.text
        found.extend(page.json()["items"])
        if not page.json()["items"]:
            return found
        params["after"] = page.json()["next_cursor"]


def _about(payload: dict[str, Any]) -> tuple[str, str, int]:
    return payload["type"], payload["data"]["slug"], payload["data"]["version"]


async def test_two_workers_deliver_each_webhook_once_per_subscriber_and_sync_search_once(
    replicas: list[str],
    workers: list[Worker],
    database_url: str,
    receivers: Callable[..., Receiver],
) -> None:
    first, second = replicas
    await _install_probes(database_url)
    auth = {"Authorization": f"Bearer {ADMIN_KEY}"}
    subscribers = [receivers() for _ in range(4)]
    slugs = [f"term-{n:02d}" for n in range(12)]
    async with (
        httpx.AsyncClient(base_url=first, headers=auth, timeout=30) as one,
        httpx.AsyncClient(base_url=second, headers=auth, timeout=30) as other,
    ):
        for receiver, client in zip(subscribers, [one, other] * 2, strict=True):
            made = await client.post("/v1/webhooks", json={"url": receiver.url, "event_types": ["definition.*"]})
            assert made.status_code == 201, made.text
        # Both workers are up and listening. Freeze them while the backlog builds through both APIs, then let them
        # loose on it at the same moment, so they contend for every delivery and for search sync's position.
        for worker in workers:
            worker.process.proc.send_signal(signal.SIGSTOP)
        try:
            apis = [Api(one), Api(other)]
            for n, slug in enumerate(slugs):
                await apis[n % 2].published(slug)
        finally:
            for worker in workers:
                worker.process.proc.send_signal(signal.SIGCONT)
        expected = Counter(_about(e) for e in await _feed(one) if e["type"].startswith("definition."))
        for action in ("created", "submitted", "published"):
            assert [expected[(f"definition.{action}", slug, 1)] for slug in slugs] == [1] * len(slugs), action
        total = sum(expected.values())  # per entry: created, submitted, approved (twice), published, ...
        assert total >= 5 * len(slugs), expected

        deadline = time.monotonic() + 30
        while any(len(r.received()) < total for r in subscribers):
            assert time.monotonic() < deadline, [len(r.received()) for r in subscribers]
            await asyncio.sleep(0.05)
        await asyncio.sleep(1.0)  # anything sent twice would have arrived by now

        for receiver in subscribers:
            hits = receiver.received()
            ids = Counter(hit.webhook_id for hit in hits)
            assert not [i for i, n in ids.items() if n > 1], f"the same webhook-id twice at {receiver.url}"
            assert Counter(_about(hit.json) for hit in hits) == expected, f"not each event once at {receiver.url}"
        # Both workers sent (so this was two workers sharing the work), and between them made one attempt per delivery.
        sent = [worker.sent("success") for worker in workers]
        assert all(n > 0 for n in sent), f"sends per worker: {sent}"
        assert sum(sent) == len(subscribers) * total, sent
        assert [worker.sent("retry") for worker in workers] == [0, 0]

        # Search sync: it has handled the whole log, one committed batch after another, each starting where the
        # previous one ended and moving forward, so every event was handled in exactly one batch.
        record = await _sync_record(database_url)
        deadline = time.monotonic() + 10
        while record.position != record.events[-1]:
            assert time.monotonic() < deadline, f"search sync at {record.position}, the log ends at {record.events[-1]}"
            await asyncio.sleep(0.05)
            record = await _sync_record(database_url)
        assert record.moves, "search sync never moved"
        assert record.moves[0][0] == (0, 0), "the first batch started at the beginning of the log"
        for (_, after), (start, _) in itertools.pairwise(record.moves):
            assert start == after, f"a batch started at {start}, but the previous one ended at {after}"
        assert all(after > before for before, after in record.moves), f"a batch moved nowhere: {record.moves}"
        covered = [[e for e in record.events if before < e <= after] for before, after in record.moves]
        assert sum(len(batch) for batch in covered) == len(record.events)
        # Each published definition was written to the index once: a second sync of the same events, racing the
        # first, would have written its published document again.
        assert record.published_writes == Counter(dict.fromkeys(slugs, 1)), record.published_writes

        # And each is found once, through either API.
        for client in (one, other):
            found = await client.get("/v1/search", params={"q": "qualified lead", "limit": 50})
            assert found.status_code == 200, found.text
            assert Counter(hit["slug"] for hit in found.json()["hits"]) == Counter(slugs), found.json()
    for worker in workers:
        assert worker.process.proc.poll() is None, worker.process.output


# ----------------------------------------------------------------------------------------------------------------
# Revocation across replicas


def _status(base_url: str, key: str) -> int:
    return httpx.get(f"{base_url}/v1/me", headers={"Authorization": f"Bearer {key}"}, timeout=5).status_code


def test_a_key_revoked_through_one_api_stops_working_on_both_within_the_key_cache_delay(replicas: list[str]) -> None:
    first, second = replicas
    admin = {"Authorization": f"Bearer {ADMIN_KEY}"}
    made = httpx.post(f"{first}/v1/keys", json={"name": "crm-sync", "role": "reader"}, headers=admin, timeout=5)
    assert made.status_code == 201, made.text
    key, key_id = made.json()["key"], made.json()["id"]

    # Warm both caches: from here each process trusts the key for KEY_CACHE_SECONDS without asking the database.
    warmed = time.monotonic()
    assert [_status(url, key) for url in (first, second)] == [200, 200]
    revoking = time.monotonic()
    revoked = httpx.delete(f"{first}/v1/keys/{key_id}", headers=admin, timeout=5)
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["revoked_at"] is not None
    # The API that revoked it forgets at once; the other still trusts its cached lookup, so the delay is real.
    assert _status(first, key) == 401
    still = _status(second, key)
    assert time.monotonic() - warmed < KEY_CACHE_SECONDS, "too slow to see the cached key: rerun on a quieter machine"
    assert still == 200, "the other API accepted the revoked key from its cache"

    # Used meanwhile or not, the cached lookup expires KEY_CACHE_SECONDS after it was made (before the revocation):
    # from then on both refuse the key, and keep refusing it.
    while _status(second, key) == 200:
        assert time.monotonic() - revoking < KEY_CACHE_SECONDS + 0.5, "the revoked key still works on the other API"
        time.sleep(0.02)
    refused_after = time.monotonic() - revoking
    assert refused_after <= KEY_CACHE_SECONDS + 0.5, refused_after
    time.sleep(KEY_CACHE_SECONDS)  # past any cache entry either process could have made
    assert [_status(url, key) for url in (first, second)] == [401, 401]
