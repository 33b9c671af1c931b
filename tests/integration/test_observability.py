"""Metrics, request ids, logs and readiness as the running app serves them, over a real PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
import logging
import os
import re
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import msgspec
import psutil
import pytest
from litestar.testing import AsyncTestClient
from prometheus_client.parser import text_string_to_metric_families

from service.config import Settings
from service.observability import logging as logs
from service.observability import process
from service.observability.collect import database_families
from service.observability.metrics import CONTENT_TYPE, CanonMetrics, Registry, process_families
from service.store.database import create_pool
from service.webhooks.dispatcher import FanOut
from service.worker import drain
from tests.asset_fixtures import PDF, asset_body, create_entry, running_client, upload
from tests.support import Api, definition_body
from tests.webhook_fixtures import webhook_settings

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def samples(text: str) -> Samples:
    """Every sample of a scrape, keyed by (sample name, sorted labels)."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def scrape(client: AsyncTestClient[Any], **headers: str) -> Samples:
    response = await client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == CONTENT_TYPE
    return samples(response.text)


async def test_metrics_count_requests_by_route_template_and_status(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    created = await client.post("/v1/definitions", json=definition_body("mql"))
    assert created.status_code == 201, created.text
    for slug in ("mql", "mql", "no-such-slug"):
        await client.get(f"/v1/definitions/{slug}", params={"version": 1})
    assert (await client.get("/nowhere/at/all")).status_code == 404
    await api.client.get("/healthz")

    found = await scrape(client)
    route = "/v1/definitions/{slug}"
    assert found[("canon_http_requests_total", (("method", "GET"), ("route", route), ("status", "200")))] == 2
    assert found[("canon_http_requests_total", (("method", "GET"), ("route", route), ("status", "404")))] == 1
    assert (
        found[("canon_http_requests_total", (("method", "POST"), ("route", "/v1/definitions"), ("status", "201")))] == 1
    )
    assert found[("canon_http_requests_total", (("method", "GET"), ("route", "unmatched"), ("status", "404")))] == 1
    assert found[("canon_http_request_duration_seconds_count", (("method", "GET"), ("route", route)))] == 3
    assert not any("no-such-slug" in str(key) or "/nowhere" in str(key) for key in found), "raw paths stay out"
    assert found[("canon_db_pool_max_connections", ())] == 5
    assert {("canon_db_pool_connections", (("state", state),)) for state in ("in_use", "idle")} <= set(found)
    assert found[("canon_search_pool_max_connections", ())] == 4  # CANON_SEARCH_POOL_MAX's default
    assert {("canon_search_pool_connections", (("state", state),)) for state in ("in_use", "idle")} <= set(found)
    assert found[("canon_metrics_database_up", ())] == 1
    assert found[("canon_http_requests_in_flight", ())] == 1, "the scrape itself"


async def test_metrics_report_outbox_backlog_deliveries_search_lag_and_stored_bytes(
    settings: Settings, tmp_path: Path, database_url: str
) -> None:
    hooked = webhook_settings(settings, tmp_path / "data")
    async with running_client(hooked) as client:
        api = Api(client)
        subscribed = await client.post("/v1/webhooks", json={"url": "http://127.0.0.1:9/hook"})
        assert subscribed.status_code == 201, subscribed.text
        await create_entry(api, "assets", asset_body("deck"))
        assert (await upload(api, "deck", 1, PDF)).status_code == 200

        pool = await create_pool(database_url, min_size=1, max_size=2)
        try:
            async with pool.acquire() as conn:
                await conn.execute("INSERT INTO consumer_offsets (name) VALUES ('search-sync') ON CONFLICT DO NOTHING")
                await conn.execute("UPDATE consumer_offsets SET txid = '0', event_id = 0 WHERE name = 'search-sync'")
                await conn.execute("UPDATE events SET occurred_at = now() - interval '90 seconds'")
            await drain(pool, FanOut())  # the worker's fan-out turns the event into a delivery, not yet sent
        finally:
            await pool.close()

        found = await scrape(client)
    assert found[("canon_outbox_backlog_events", (("consumer", "search-sync"),))] >= 1
    assert found[("canon_outbox_oldest_age_seconds", (("consumer", "search-sync"),))] >= 90
    assert found[("canon_search_sync_lag_seconds", ())] >= 90
    assert found[("canon_outbox_backlog_events", (("consumer", "webhook-fan-out"),))] == 0
    assert found[("canon_outbox_oldest_age_seconds", (("consumer", "webhook-fan-out"),))] == 0
    assert found[("canon_webhook_deliveries_pending", (("state", "due"),))] >= 1
    assert found[("canon_webhook_deliveries_pending", (("state", "in_flight"),))] == 0
    assert found[("canon_webhook_subscriptions", (("state", "healthy"),))] == 1
    assert found[("canon_asset_bytes", ())] == len(PDF)
    assert found[("canon_asset_files", ())] == 1
    assert found[("canon_workers_alive", ())] == 0
    assert ("canon_worker_heartbeat_age_seconds", ()) not in found, "no worker ever ran"
    assert found[("canon_db_oldest_transaction_age_seconds", ())] >= 0


async def test_metrics_can_require_a_token(settings: Settings) -> None:
    token = "metrics-scrape-token"
    async with running_client(msgspec.structs.replace(settings, metrics_token=token)) as client:
        refused = await client.get("/metrics")  # the admin key is not the metrics token
        assert refused.status_code == 401
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert (await client.get("/metrics", headers={"Authorization": "Bearer wrong"})).status_code == 401
        assert await scrape(client, Authorization=f"Bearer {token}")


async def test_database_gauges_give_up_quickly_when_the_database_hangs(database_url: str) -> None:
    pool = await create_pool(database_url, min_size=1, max_size=2)
    locker = await asyncpg.connect(database_url)
    try:
        async with locker.transaction():
            await locker.execute("LOCK TABLE blobs IN ACCESS EXCLUSIVE MODE")  # every read of blobs now waits
            started = time.monotonic()
            families = await database_families(pool, fresh=dt.timedelta(seconds=60), seconds=0.5)
            elapsed = time.monotonic() - started
        assert elapsed < 1.5, elapsed
        assert [(f.name, [s.value for s in f.samples]) for f in families] == [("canon_metrics_database_up", [0.0])]

        async with pool.acquire(), pool.acquire():  # the pool is exhausted: acquiring waits
            started = time.monotonic()
            families = await database_families(pool, fresh=dt.timedelta(seconds=60), seconds=0.5)
            assert time.monotonic() - started < 1.5
        assert families[0].samples[0].value == 0.0
    finally:
        await locker.close()
        await pool.close()


async def test_metrics_report_this_process_memory_cpu_open_files_and_start_time(client: AsyncTestClient[Any]) -> None:
    me = psutil.Process()
    found = await scrape(client)
    assert found[("process_start_time_seconds", ())] == pytest.approx(me.create_time(), abs=1.5)
    assert found[("process_start_time_seconds", ())] <= time.time()
    resident = found[("process_resident_memory_bytes", ())]
    assert resident == pytest.approx(me.memory_info().rss, rel=0.25), "within a quarter of what psutil sees"
    assert resident > 20 * 2**20, "Python with the app loaded holds more than 20 MiB"
    assert found[("process_virtual_memory_bytes", ())] >= resident
    cpu = found[("process_cpu_seconds_total", ())]
    times = me.cpu_times()
    assert 0 < cpu <= times.user + times.system + 0.05
    open_fds = found[("process_open_fds", ())]
    assert open_fds == pytest.approx(me.num_fds(), abs=10), "the scrape's own sockets come and go"
    assert open_fds > 3, "stdin, stdout, stderr and the database connections at least"
    assert found[("process_max_fds", ())] == psutil.Process().rlimit(psutil.RLIMIT_NOFILE)[0] > open_fds

    more = await scrape(client)
    assert more[("process_cpu_seconds_total", ())] >= cpu, "a counter"
    assert more[("process_start_time_seconds", ())] == found[("process_start_time_seconds", ())]


def _fake_proc(root: Path, *, limit: str = "4096", command: str = "canon (serve) x") -> Path:
    """A /proc with the files the process figures are read from: 250 + 150 clock ticks of CPU, started 1234.5 s
    (in ticks) after a boot at 1700000000, 10 MiB virtual, 300 resident pages, five descriptors open."""
    ticks = os.sysconf("SC_CLK_TCK")
    (root / "self" / "fd").mkdir(parents=True)
    for fd in range(5):
        (root / "self" / "fd" / str(fd)).touch()
    fields = ["S", *(["0"] * 21)]  # proc(5) fields 3 (state) to 24 (rss)
    fields[14 - 3], fields[15 - 3] = "250", "150"
    fields[22 - 3], fields[23 - 3], fields[24 - 3] = str(int(1234.5 * ticks)), str(10 * 2**20), "300"
    (root / "self" / "stat").write_text(f"4242 ({command}) {' '.join(fields)} 0 0 0\n")
    (root / "stat").write_text("cpu  1 2 3 4\nbtime 1700000000\nprocesses 9\n")
    (root / "self" / "limits").write_text(
        "Limit                     Soft Limit           Hard Limit           Units\n"
        f"Max open files            {limit:<20} 524288               files\n"
    )
    return root


def test_process_figures_are_read_from_proc_self(tmp_path: Path) -> None:
    ticks = os.sysconf("SC_CLK_TCK")
    figures = process.read(started_at=1.0, proc=_fake_proc(tmp_path))
    assert figures == process.ProcessFigures(
        cpu_seconds=pytest.approx(400 / ticks),
        start_time=pytest.approx(1700000000 + 1234.5),
        resident_bytes=300 * os.sysconf("SC_PAGESIZE"),
        virtual_bytes=10 * 2**20,
        open_fds=5,
        max_fds=4096,
    )
    exposed = samples(Registry().render(process_families(figures)))
    assert exposed[("process_open_fds", ())] == 5
    assert exposed[("process_cpu_seconds_total", ())] == pytest.approx(400 / ticks)


def test_an_unlimited_descriptor_limit_is_left_out(tmp_path: Path) -> None:
    figures = process.read(started_at=1.0, proc=_fake_proc(tmp_path, limit="unlimited"))
    assert figures.max_fds is None
    names = {family.name for family in process_families(figures)}
    assert "process_max_fds" not in names
    assert "process_open_fds" in names


def test_without_proc_only_the_portable_figures_are_exposed(tmp_path: Path) -> None:
    started = time.time() - 30
    figures = process.read(started_at=started, proc=tmp_path / "no-proc-here")
    assert figures.start_time == started, "the time the process recorded stands in for the kernel's"
    assert figures.cpu_seconds > 0
    assert figures.max_fds == psutil.Process().rlimit(psutil.RLIMIT_NOFILE)[0]
    assert (figures.resident_bytes, figures.virtual_bytes, figures.open_fds) == (None, None, None)
    exposed = samples(Registry().render(process_families(figures)))
    assert {name for name, _ in exposed} == {
        "process_cpu_seconds_total",
        "process_max_fds",
        "process_start_time_seconds",
    }


async def test_every_response_carries_a_request_id_the_caller_may_choose(client: AsyncTestClient[Any]) -> None:
    chosen = await client.get("/healthz", headers={"X-Request-ID": "trace-abc.123"})
    assert chosen.headers["x-request-id"] == "trace-abc.123"
    unsafe = await client.get("/healthz", headers={"X-Request-ID": "bad id\twith tab"})
    assert unsafe.headers["x-request-id"] != "bad id\twith tab"
    assert len(unsafe.headers["x-request-id"]) == 32
    missing = await client.get("/v1/definitions/none")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert len(missing.headers["x-request-id"]) == 32
    unrouted = await client.get("/not-a-route", headers={"X-Request-ID": "r-404"})
    assert unrouted.headers["x-request-id"] == "r-404"


@pytest.fixture
def captured_logs() -> Iterator[io.StringIO]:
    """Every record at DEBUG and above, from every logger, through Canon's JSON handler."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    out = io.StringIO()
    logs.configure(
        Settings(log_level="debug", bootstrap_admin_key="test-bootstrap-admin-key"), default_format="json", stream=out
    )
    yield out
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    for handler in handlers:
        if handler not in root.handlers:
            root.addHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(False)


async def test_logs_are_json_with_request_fields_and_never_contain_keys_or_webhook_secrets(
    settings: Settings, tmp_path: Path, captured_logs: io.StringIO
) -> None:
    unknown_key = "canon_unknownKeyThatMustNeverBeLogged_0123456789abcdefghijkl"
    async with running_client(webhook_settings(settings, tmp_path / "data")) as client:
        created = await client.post("/v1/keys", json={"name": "writer", "role": "editor"})
        assert created.status_code == 201
        issued_key = created.json()["key"]
        hook = await client.post("/v1/webhooks", json={"url": "http://127.0.0.1:9/hook"})
        secret = hook.json()["secret"]
        ok = await client.get(
            "/v1/definitions", headers={"Authorization": f"Bearer {issued_key}", "X-Request-ID": "req-ok"}
        )
        assert ok.status_code == 200
        denied = await client.get(
            "/v1/definitions", headers={"Authorization": f"Bearer {unknown_key}", "X-Request-ID": "req-401"}
        )
        assert denied.status_code == 401
        bad = await client.post(
            "/v1/definitions",
            json={"slug": "x"},
            headers={"Authorization": f"Bearer {issued_key}", "X-Request-ID": "req-422"},
        )
        assert bad.status_code == 422
        await client.get("/healthz")
        await asyncio.sleep(0.05)

    written = captured_logs.getvalue()
    for secret_value in ("test-bootstrap-admin-key", issued_key, unknown_key, secret, secret.removeprefix("whsec_")):
        assert secret_value not in written, f"a secret was logged: {secret_value[:10]}…"
    records = [json.loads(line) for line in written.splitlines()]
    access = {r["request_id"]: r for r in records if r["logger"] == "canon.access" and "request_id" in r}
    assert {"req-ok", "req-401", "req-422"} <= set(access)
    line = access["req-401"]
    assert (line["method"], line["route"], line["status"]) == ("GET", "/v1/definitions", 401)
    assert line["duration_ms"] >= 0
    assert set(line) >= {"time", "level", "logger", "message", "request_id", "method", "route", "status", "duration_ms"}
    assert access["req-422"]["status"] == 422
    probes = [r for r in records if r["logger"] == "canon.access" and r.get("route") == "/healthz"]
    assert probes
    assert all(r["level"] == "debug" for r in probes), "probes log quietly"


async def test_an_unexpected_error_is_logged_with_its_request_id(
    client: AsyncTestClient[Any], captured_logs: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    from service.store import events

    async def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(events, "feed", broken)
    failed = await client.get("/v1/events", headers={"X-Request-ID": "req-500"})
    assert failed.status_code == 500, failed.text
    assert failed.headers["x-request-id"] == "req-500"
    records = [json.loads(line) for line in captured_logs.getvalue().splitlines()]
    errors = [r for r in records if r.get("request_id") == "req-500" and r["level"] == "error"]
    assert errors
    assert "RuntimeError: kaboom" in errors[0]["exception"]
    access = [r for r in records if r.get("request_id") == "req-500" and r["logger"] == "canon.access"]
    assert access[0]["status"] == 500
    assert access[0]["level"] == "warning"


@pytest.fixture
async def heartbeat(database_url: str) -> AsyncIterator[asyncpg.Connection[Any]]:
    conn = await asyncpg.connect(database_url)
    try:
        yield conn
    finally:
        await conn.close()


async def test_readiness_reports_the_worker_and_requires_it_only_when_told(
    settings: Settings, heartbeat: asyncpg.Connection[Any]
) -> None:
    async with running_client(settings) as client:
        ready = await client.get("/readyz")
        assert ready.status_code == 200, ready.text
        worker = next(c for c in ready.json()["checks"] if c["name"] == "worker")
        assert worker["ok"] is True
        assert "no worker heartbeat" in worker["detail"]
        assert "not required" in worker["detail"]

    async with running_client(msgspec.structs.replace(settings, ready_require_worker=True)) as client:
        unready = await client.get("/readyz")
        assert unready.status_code == 503
        checks = {c["name"]: c for c in unready.json()["checks"]}
        assert checks["worker"] == {"name": "worker", "ok": False, "detail": "no worker heartbeat"}
        assert all(c["ok"] for name, c in checks.items() if name != "worker")

        await heartbeat.execute(
            "INSERT INTO worker_heartbeats (worker_id, seen_at) VALUES ('old', now() - interval '10 minutes')"
        )
        stale = await client.get("/readyz")
        assert stale.status_code == 503
        seen = re.search(
            r"last seen (\d+) s ago", next(c for c in stale.json()["checks"] if c["name"] == "worker")["detail"]
        )
        assert seen is not None
        assert 600 <= int(seen.group(1)) < 620

        await heartbeat.execute("INSERT INTO worker_heartbeats (worker_id) VALUES ('fresh')")
        fresh = await client.get("/readyz")
        assert fresh.status_code == 200, fresh.text
        assert {"name": "worker", "ok": True, "detail": "1 alive"} in fresh.json()["checks"]
        found = await scrape(client)
        assert found[("canon_workers_alive", ())] == 1
        assert found[("canon_worker_heartbeat_age_seconds", ())] < 5


OPERATIONS = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text()


def test_every_setting_is_documented_in_the_operations_guide() -> None:
    names = [f"CANON_{field.name.upper()}" for field in msgspec.structs.fields(Settings)]
    missing = [name for name in names if f"`{name}`" not in OPERATIONS]
    assert not missing, f"settings missing from docs/operations.md: {missing}"


async def test_every_metric_is_documented_in_the_operations_guide(
    client: AsyncTestClient[Any], heartbeat: asyncpg.Connection[Any]
) -> None:
    await heartbeat.execute("INSERT INTO worker_heartbeats (worker_id) VALUES ('w')")
    await heartbeat.execute("INSERT INTO consumer_offsets (name) VALUES ('search-sync') ON CONFLICT DO NOTHING")
    response = await client.get("/metrics")
    families = {family.name for family in text_string_to_metric_families(response.text)}
    families |= {family.name for family in text_string_to_metric_families(CanonMetrics().render())}
    documented = set(re.findall(r"`((?:canon|process)_[a-z_]+)`", OPERATIONS))
    exposed = {name if name + "_total" not in documented else name + "_total" for name in families}
    assert len(exposed) >= 20
    missing = sorted(exposed - documented)
    assert not missing, f"metrics missing from docs/operations.md: {missing}"


async def test_the_worker_endpoint_serves_metrics_and_health_and_nothing_else() -> None:
    from service.observability import worker_server

    metrics = CanonMetrics()
    metrics.observe_delivery("success", 0.1)
    async with worker_server.serving("127.0.0.1", 0, metrics.render) as server:
        port = server.sockets[0].getsockname()[1]
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as http:
            scraped = await http.get("/metrics")
            assert scraped.status_code == 200
            assert scraped.headers["content-type"] == CONTENT_TYPE
            found = samples(scraped.text)
            assert found[("canon_webhook_deliveries_total", (("outcome", "success"),))] == 1
            assert found[("process_open_fds", ())] > 0
            assert found[("process_resident_memory_bytes", ())] > 0
            assert (await http.get("/healthz")).json() == {"status": "ok"}
            assert (await http.get("/metrics?x=1")).status_code == 200
            assert (await http.get("/other")).status_code == 404
            assert (await http.post("/metrics")).status_code == 405
            head = await http.head("/healthz")
            assert (head.status_code, head.content) == (200, b"")
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"garbage without an end")
        writer.write_eof()
        assert await asyncio.wait_for(reader.read(), 7) == b"", "an incomplete request is closed without an answer"
        writer.close()


async def test_workers_gone_for_a_day_are_forgotten(database_url: str, heartbeat: asyncpg.Connection[Any]) -> None:
    from service.worker import prune_heartbeats

    await heartbeat.execute(
        """INSERT INTO worker_heartbeats (worker_id, seen_at)
           VALUES ('gone', now() - interval '25 hours'), ('recent', now() - interval '23 hours')"""
    )
    pool = await create_pool(database_url, min_size=1, max_size=1)
    try:
        await prune_heartbeats(pool)
    finally:
        await pool.close()
    assert [r["worker_id"] for r in await heartbeat.fetch("SELECT worker_id FROM worker_heartbeats")] == ["recent"]
