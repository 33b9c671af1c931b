"""SIGTERM, for real, to `canon serve` and `canon worker` subprocesses on a test database.

- `canon serve`: a slow upload is in flight when SIGTERM arrives; new connections are refused from then on, the
  upload still completes with 200, and the process exits within the grace period.
- `canon worker`: a delivery is in flight to a slow receiver. Within the grace it is finished and recorded; past the
  grace it is cancelled and its lease released, so the next worker sends it at once. Either way the worker exits 0.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from service.config import Settings
from tests.asset_fixtures import PDF, asset_body, running_client
from tests.support import definition_body
from tests.webhook_fixtures import Receiver, Reply, free_port, subscribe, until, webhook_settings

pytestmark = pytest.mark.e2e

CANON = Path(sys.executable).parent / "canon"
ADMIN_KEY = "e2e-shutdown-admin-key"
START_SECONDS = 30.0


class Canon:
    """`canon <command>` as a subprocess with its own environment; output collected in a file."""

    def __init__(self, folder: Path, name: str, args: list[str], env: dict[str, str]) -> None:
        clean = {k: v for k, v in os.environ.items() if not k.startswith("CANON_")}
        clean.update(PYTHONUNBUFFERED="1", CANON_DATA_DIR=str(folder / "data"), **env)
        self.log = folder / f"{name}.log"
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [str(CANON), *args], env=clean, cwd=folder, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    @property
    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def records(self) -> list[dict[str, Any]]:
        """The JSON log lines (serve and worker log JSON by default)."""
        return [json.loads(line) for line in self.output.splitlines() if line.startswith("{")]

    def wait_for(self, predicate: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"exited with {self.proc.returncode} before {what}:\n{self.output}"
            if predicate():
                return
            time.sleep(0.05)
        pytest.fail(f"not {what} within {START_SECONDS} s:\n{self.output}")

    def terminate(self) -> float:
        """Send SIGTERM; return the time it was sent."""
        self.proc.send_signal(signal.SIGTERM)
        return time.monotonic()

    def wait_exit(self, within: float) -> int:
        try:
            return self.proc.wait(within)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"still running {within} s after SIGTERM:\n{self.output}")

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


@pytest.fixture
def processes() -> Iterator[list[Canon]]:
    started: list[Canon] = []
    yield started
    for proc in started:
        proc.kill()


def _healthy(base_url: str) -> bool:
    with contextlib.suppress(httpx.TransportError):
        return httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200
    return False


def _refuses_connections(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) != 0


def test_serve_finishes_the_request_in_flight_on_sigterm_and_stops_accepting(
    database_url: str, tmp_path: Path, processes: list[Canon]
) -> None:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    grace = 10.0
    server = Canon(
        tmp_path,
        "serve",
        ["serve", "--host", "127.0.0.1", "--port", str(port)],
        {
            "CANON_DATABASE_URL": database_url,
            "CANON_BOOTSTRAP_ADMIN_KEY": ADMIN_KEY,
            "CANON_SHUTDOWN_GRACE_SECONDS": str(grace),
        },
    )
    processes.append(server)
    server.wait_for(lambda: _healthy(base_url), "healthy")
    auth = {"Authorization": f"Bearer {ADMIN_KEY}"}
    with httpx.Client(base_url=base_url, headers=auth, timeout=30) as http:
        assert http.post("/v1/assets", json=asset_body("deck")).status_code == 201
        etag = http.get("/v1/assets/deck", params={"version": 1}).headers["etag"]

    first_chunk_sent = threading.Event()

    def slow_body() -> Iterator[bytes]:
        yield PDF
        first_chunk_sent.set()
        for _ in range(6):  # three seconds of upload after the signal
            time.sleep(0.5)
            yield b"%" + b"0" * 1022 + b"\n"

    answer: dict[str, Any] = {}

    def upload() -> None:
        headers = {**auth, "If-Match": etag, "Content-Type": "application/pdf", "X-Request-ID": "slow-upload"}
        with httpx.Client(base_url=base_url, timeout=30) as http:
            try:
                answer["response"] = http.put(
                    "/v1/assets/deck/versions/1/content", content=slow_body(), headers=headers
                )
            except httpx.HTTPError as exc:
                answer["error"] = exc

    uploading = threading.Thread(target=upload)
    uploading.start()
    assert first_chunk_sent.wait(10)
    time.sleep(0.3)  # the request has reached the handler and is streaming
    signalled = server.terminate()
    time.sleep(0.5)
    assert _refuses_connections(port), "after SIGTERM the server accepts no new connections"
    uploading.join(30)

    assert "error" not in answer, answer
    response: httpx.Response = answer["response"]
    assert response.status_code == 200, response.text
    assert response.json()["version"]["content"]["size"] == len(PDF) + 6 * 1024
    assert response.headers["x-request-id"] == "slow-upload"
    code = server.wait_exit(grace + 5)
    assert code in (0, 128 + signal.SIGTERM), f"exit code {code}:\n{server.output}"
    assert time.monotonic() - signalled < grace + 5
    access = [r for r in server.records() if r.get("logger") == "canon.access" and r.get("request_id") == "slow-upload"]
    assert [(r["method"], r["route"], r["status"]) for r in access] == [
        ("PUT", "/v1/assets/{slug}/versions/{number}/content", 200)
    ]
    assert ADMIN_KEY not in server.output


@contextlib.asynccontextmanager
async def _content_api(settings: Settings) -> AsyncIterator[Any]:
    async with running_client(settings) as client:
        yield client


def _worker(folder: Path, database_url: str, name: str, grace: float, metrics_port: int | None = None) -> Canon:
    env = {
        "CANON_DATABASE_URL": database_url,
        "CANON_WEBHOOK_ALLOW_NETWORKS": "127.0.0.0/8",
        "CANON_WEBHOOK_REQUIRE_HTTPS": "false",
        "CANON_WEBHOOK_TIMEOUT_SECONDS": "60",
        "CANON_WEBHOOK_LEASE_MARGIN_SECONDS": "60",  # a lease far longer than the test: only a release frees it
        "CANON_SHUTDOWN_GRACE_SECONDS": str(grace),
    }
    if metrics_port is not None:
        env["CANON_WORKER_METRICS_PORT"] = str(metrics_port)
        env["CANON_WORKER_METRICS_HOST"] = "127.0.0.1"
    return Canon(folder, name, ["worker"], env)


def _started(worker: Canon) -> bool:
    return any(r.get("message", "").endswith(" started") for r in worker.records())


async def _delivery(database_url: str) -> dict[str, Any]:
    conn = await asyncpg.connect(database_url)
    try:
        row = await conn.fetchrow("SELECT status, attempts, lease_until FROM webhook_deliveries")
    finally:
        await conn.close()
    assert row is not None
    return dict(row)


async def _heartbeats(database_url: str) -> bool:
    conn = await asyncpg.connect(database_url)
    try:
        return bool(await conn.fetchval("SELECT count(*) FROM worker_heartbeats") == 1)
    finally:
        await conn.close()


async def test_worker_finishes_a_send_within_the_grace_and_exits_zero(
    database_url: str,
    settings: Settings,
    tmp_path: Path,
    receivers: Callable[..., Receiver],
    processes: list[Canon],
) -> None:
    receiver = receivers().answer(Reply(delay=1.5))
    metrics_port = free_port()
    async with _content_api(webhook_settings(settings, tmp_path / "api")) as client:
        await subscribe(client, receiver.url, event_types=["definition.created"])
        worker = _worker(tmp_path, database_url, "worker", grace=10.0, metrics_port=metrics_port)
        processes.append(worker)
        worker.wait_for(lambda: _started(worker), "started")
        await until(lambda: _heartbeats(database_url), within=10, what="the worker's heartbeat row")
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{metrics_port}", timeout=2) as probe:
            assert (await probe.get("/healthz")).status_code == 200
            assert (await client.post("/v1/definitions", json=definition_body("lead"))).status_code == 201
            await until(lambda: len(receiver.hits) == 1, within=15, what="the send")
            scraped = (await probe.get("/metrics")).text
            assert "canon_db_pool_connections" in scraped
            signalled = worker.terminate()
            assert worker.wait_exit(10) == 0, worker.output
            assert time.monotonic() - signalled < 5
    delivery = await _delivery(database_url)
    assert (delivery["status"], delivery["attempts"], delivery["lease_until"]) == ("succeeded", 1, None)
    assert "released" not in worker.output


async def test_worker_releases_a_send_that_outlives_the_grace_and_exits_zero(
    database_url: str,
    settings: Settings,
    tmp_path: Path,
    receivers: Callable[..., Receiver],
    processes: list[Canon],
) -> None:
    receiver = receivers().answer(Reply(delay=60))
    grace = 2.0
    async with _content_api(webhook_settings(settings, tmp_path / "api")) as client:
        await subscribe(client, receiver.url, event_types=["definition.created"])
        worker = _worker(tmp_path, database_url, "worker-1", grace=grace)
        processes.append(worker)
        worker.wait_for(lambda: _started(worker), "started")
        assert (await client.post("/v1/definitions", json=definition_body("lead"))).status_code == 201
        await until(lambda: len(receiver.hits) == 1, within=15, what="the send")
        signalled = worker.terminate()
        assert worker.wait_exit(grace + 8) == 0, worker.output
        assert time.monotonic() - signalled < grace + 3
        delivery = await _delivery(database_url)
        assert (delivery["status"], delivery["attempts"], delivery["lease_until"]) == ("pending", 0, None)
        assert any("released 1 unfinished" in r.get("message", "") for r in worker.records()), worker.output

        successor = _worker(tmp_path, database_url, "worker-2", grace=grace)
        processes.append(successor)
        await until(lambda: len(receiver.hits) == 2, within=15, what="the send by the next worker")
        first, again = receiver.hits
        assert again.webhook_id == first.webhook_id
        successor.terminate()
        assert successor.wait_exit(grace + 8) == 0, successor.output
