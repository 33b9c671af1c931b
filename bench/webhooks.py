"""Webhook delivery benchmark: latency from a publish to the receiver, and fan-out throughput to 100 subscribers.

    .venv/bin/python bench/webhooks.py [--latency-events 1000] [--publish-rate 25] [--subscribers 100]
                                       [--hanging 10] [--fanout-rate 30] [--seconds 20] [--phases abcd]
                                       [--latency-kinds definition,message]
                                       [--profile] [--no-write] [--output FILE] [--logs DIR]

A full run takes about 10 minutes.

Targets (issue 4), on loopback with local receivers: (a) from a publish request's HTTP response to the receiver
getting the webhook, p50 ≤ 25 ms and p99 ≤ 250 ms over at least 1,000 events; (b) sustained fan-out to 100
subscribers of at least 1,500 successful deliveries per second on this 2-core machine; (c) the same with 10 of the
100 endpoints hanging until the timeout, and the effect on the others' throughput.

One run:

1. starts an embedded PostgreSQL in a temporary folder (deleted afterwards), unless `CANON_DATABASE_URL` is set;
   `canon migrate`;
2. starts the receivers: one process (`bench/webhooks.py _receivers …`), an asyncio server over raw sockets with one
   listening port per subscriber, answering `200` with an empty body and keeping connections alive, or (ports told
   to hang) reading the request and never answering; it counts every request, the distinct `webhook-id`s and, on
   the latency port, parses the body to note when each `*.published` arrived (`time.monotonic()`, the same
   clock in every process on Linux). A control port answers `/stats`, `/arrivals` and `/hang`;
3. starts `canon serve` (1 worker) and `canon worker` (1 process) with `CANON_WEBHOOK_ALLOW_NETWORKS=127.0.0.0/8`,
   `CANON_WEBHOOK_REQUIRE_HTTPS=false` and the default timeout (15 s) and retry schedule;
4. (a) latency: one subscription to `*.published` on the latency port; for each of `--latency-kinds`,
   `--latency-events` entries are created, submitted and approved by marketing and sales over HTTP (4 threads, not
   measured), the worker is let catch up, then they are published one at a time at `--publish-rate` per second
   (open loop, one keep-alive connection). For each, the latency is the receiver's arrival time minus the time the
   publish response had been read; the database's timestamps split it into fan-out and send stages;
5. (b) fan-out: `--subscribers` fresh subscriptions to `definition.*`, one per receiver port (those of an earlier
   phase are deleted first, with any backlog they still have); `definition.created` events
   are made at `--fanout-rate` per second (`POST /v1/definitions`, open loop) for `--seconds`, so that more
   deliveries are offered than the target; the receivers are sampled every 0.5 s. Reported: deliveries per second
   while the events come (steady part: after the first 3 s), the backlog when they stop, then the rate at which the
   worker drains that backlog with no API traffic (up to `--drain-seconds`);
6. (c) the same with `--hanging` of the endpoints hanging (their deliveries time out after 15 s, then retry);
   reported for the healthy endpoints, next to (b);
7. with `--profile`: `py-spy record` on the worker during (b) (on-CPU samples), summarised;
8. (d) components alone, after stopping `canon serve` and `canon worker`, in this process and against the same
   receivers: `HttpSender` with 128 deliveries in flight, and Canon's `Dispatcher` working off a backlog inserted
   directly into a database of its own (with an instant sender, then end to end with `HttpSender`, then with
   `--hanging` endpoints hanging), at the pool size `canon worker` gets by default;
9. writes its section of `docs/benchmarks.md` between `<!-- webhooks:start -->` and `<!-- webhooks:end -->`, keeping
   the rest of the file and any notes between `<!-- webhooks:notes:start -->` and `<!-- webhooks:notes:end -->`.

CPU time of the worker, the API server, PostgreSQL, the receivers and this script is accounted per phase (/proc).
Every process it starts runs in its own process group and is killed on the way out, whatever happens.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import math
import resource
import secrets
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import _harness as harness

MARKS = harness.marks("webhooks")
TARGET_P50_MS = 25.0
TARGET_P99_MS = 250.0
TARGET_RATE = 1500.0
SAMPLE_SECONDS = 0.5
STEADY_AFTER = 3.0  # seconds of a fan-out phase left out of its steady rate (the worker ramping up)


# --------------------------------------------------------------------------------------------------------------
# The receivers (a separate process: `webhooks.py _receivers SPEC`)

_OK = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"


class _ReceiverState:
    def __init__(self, latency_port: int) -> None:
        self.latency_port = latency_port
        self.ok: Counter[int] = Counter()  # port -> requests answered 200
        self.hung: Counter[int] = Counter()  # port -> requests left hanging
        self.hanging: set[int] = set()
        self.ids: set[bytes] = set()
        self.duplicates = 0
        self.arrivals: list[tuple[str, float]] = []  # (slug, monotonic) of definition.published on the latency port
        self.open_hung: set[asyncio.Transport] = set()

    def request(self, hook: _Hook, head: bytes, body: bytes) -> None:
        webhook_id = harness.header_value(head, b"webhook-id")
        if webhook_id is not None:
            if webhook_id in self.ids:
                self.duplicates += 1
            else:
                self.ids.add(webhook_id)
        port = hook.port
        if port in self.hanging:
            self.hung[port] += 1
            assert hook.transport is not None
            self.open_hung.add(hook.transport)
            hook.hanging = True
            return
        assert hook.transport is not None
        hook.transport.write(_OK)
        self.ok[port] += 1
        if port == self.latency_port:
            now = time.monotonic()
            payload = json.loads(body)
            if str(payload.get("type", "")).endswith(".published"):
                self.arrivals.append((payload["data"]["slug"], now))


class _Hook(harness.RawConnection):
    """One connection to a receiver port: HTTP/1.1 requests with a Content-Length body, pipelining tolerated."""

    def __init__(self, state: _ReceiverState, port: int) -> None:
        super().__init__()
        self.state = state
        self.port = port
        self.hanging = False

    def connection_lost(self, exc: Exception | None) -> None:
        if self.transport is not None:
            self.state.open_hung.discard(self.transport)

    def data_received(self, data: bytes) -> None:
        if self.hanging:
            return  # a hanging endpoint reads nothing more on this connection
        buffer = self.buffer + data if self.buffer else data
        while True:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                break
            head = buffer[:end]
            total = end + 4 + int(harness.header_value(head, b"content-length") or 0)
            if len(buffer) < total:
                break
            body, buffer = buffer[end + 4 : total], buffer[total:]
            self.state.request(self, head, body)
            if self.hanging:
                buffer = b""
                break
        self.buffer = buffer


class _Control(harness.RawConnection):
    """`GET /stats`, `GET /arrivals`, `POST /hang?ports=1,2`; one request per connection."""

    def __init__(self, state: _ReceiverState) -> None:
        super().__init__()
        self.state = state

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if b"\r\n\r\n" not in self.buffer:
            return
        method, target = self.buffer.split(b" ", 2)[:2]
        url = urlsplit(target.decode())
        state = self.state
        answer: Any
        if url.path == "/stats":
            answer = {
                "ok": dict(state.ok),
                "hung": dict(state.hung),
                "unique": len(state.ids),
                "duplicates": state.duplicates,
                "open_hung": len(state.open_hung),
                "at": time.monotonic(),
            }
        elif url.path == "/arrivals":
            answer = state.arrivals
        elif url.path == "/hang" and method == b"POST":
            ports = parse_qs(url.query).get("ports", [""])[0]
            state.hanging = {int(p) for p in ports.split(",") if p}
            answer = sorted(state.hanging)
        else:
            answer = {"error": "unknown"}
        body = json.dumps(answer).encode()
        assert self.transport is not None
        self.transport.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n"
            + f"content-length: {len(body)}\r\n\r\n".encode()
            + body
        )
        self.transport.close()


async def _serve_receivers(spec: dict[str, Any]) -> None:
    loop = asyncio.get_running_loop()
    ports: list[int] = []
    servers = []
    state = _ReceiverState(latency_port=-1)
    for _ in range(spec["hooks"]):
        port_holder: list[int] = []

        def factory(holder: list[int] = port_holder) -> _Hook:
            return _Hook(state, holder[0])

        server = await loop.create_server(factory, harness.HOST, 0, backlog=1024)
        port_holder.append(server.sockets[0].getsockname()[1])
        ports.append(port_holder[0])
        servers.append(server)
    state.latency_port = ports[0]
    control = await loop.create_server(lambda: _Control(state), harness.HOST, 0)
    _write_ports(spec["ports_file"], control.sockets[0].getsockname()[1], ports)
    await asyncio.Event().wait()


def _write_ports(path: str, control: int, hooks: list[int]) -> None:
    """Tell the parent where everything listens; the file appears whole or not at all."""
    written = Path(path + ".tmp")
    written.write_text(json.dumps({"control": control, "hooks": hooks, "latency": hooks[0]}))
    written.rename(path)


def receivers_main(spec_json: str) -> None:
    asyncio.run(_serve_receivers(json.loads(spec_json)))


# --------------------------------------------------------------------------------------------------------------
# Talking to Canon and the receivers


def definition(slug: str) -> dict[str, Any]:
    content = {
        "summary": "A definition made by the webhook benchmark.",
        "body": "# Benchmark\n\nOne of many: every change to it becomes a webhook.\n",
        "aliases": [slug.upper()],
    }
    return _entry("definition", slug, content)


def message(slug: str) -> dict[str, Any]:
    return _entry(
        "message", slug, {"message_type": "other", "body": "One of many: every change to it becomes a webhook.\n"}
    )


def _entry(kind: str, slug: str, content: dict[str, Any]) -> dict[str, Any]:
    return {
        "slug": slug,
        "title": f"Benchmark {kind} {slug}",
        "tags": ["bench"],
        "owners": ["marketing", "sales"],
        "content": content,
    }


BODIES: dict[str, Callable[[str], dict[str, Any]]] = {"definition": definition, "message": message}


class Connection:
    """One keep-alive HTTP connection to Canon (the open-loop generators use one each)."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection(harness.HOST, port, timeout=30)

    def request(self, method: str, path: str, key: str, body: object = None) -> tuple[int, bytes]:
        status, _, answer = harness.send(self.conn, method, path, key, body)
        return status, answer

    def close(self) -> None:
        self.conn.close()


class Receivers:
    def __init__(self, control: int, hooks: list[int], latency: int) -> None:
        self.control = control
        self.hooks = hooks
        self.latency = latency

    def stats(self) -> dict[str, Any]:
        _, body = harness.expect(self.control, "GET", "/stats", 200)
        stats: dict[str, Any] = json.loads(body)
        return stats

    def arrivals(self) -> list[tuple[str, float]]:
        _, body = harness.expect(self.control, "GET", "/arrivals", 200)
        return [(slug, at) for slug, at in json.loads(body)]

    def hang(self, ports: list[int]) -> None:
        harness.expect(self.control, "POST", f"/hang?ports={','.join(map(str, ports))}", 200)


def subscribe(port: int, admin: str, url: str, event_types: list[str]) -> str:
    body = {"url": url, "event_types": event_types}
    _, answer = harness.expect(port, "POST", "/v1/webhooks", 201, key=admin, body=body)
    return str(json.loads(answer)["webhook"]["id"])


def wait_until(what: str, predicate: Callable[[], bool], timeout: float, every: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(every)
    raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}")


# --------------------------------------------------------------------------------------------------------------
# CPU accounting


@dataclass
class Cpu:
    """CPU seconds per process kind over one phase, and the phase's wall time."""

    seconds: float
    worker: float
    serve: float
    postgres: float | None
    receivers: float
    bench: float
    machine: float

    def cores(self, value: float | None) -> str:
        # PostgreSQL's is the sum over its processes alive at both ends: one that exits in between (autovacuum,
        # a closed connection) takes its CPU with it, so that figure is a lower bound, shown as 0 when negative.
        return "-" if value is None or self.seconds <= 0 else f"{max(value, 0.0) / self.seconds:.2f}"


class CpuMeter:
    def __init__(self, pids: dict[str, int], postmaster: int | None) -> None:
        self.pids = pids
        self.postmaster = postmaster

    def snapshot(self) -> dict[str, float | None]:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return {
            "t": time.monotonic(),
            **{name: harness.cpu_seconds(pid) for name, pid in self.pids.items()},
            "postgres": harness.postgres_cpu(self.postmaster),
            "bench": usage.ru_utime + usage.ru_stime,
            "machine": harness.machine_busy(),
        }

    @staticmethod
    def between(before: dict[str, float | None], after: dict[str, float | None]) -> Cpu:
        def delta(name: str) -> float | None:
            a, b = after.get(name), before.get(name)
            return None if a is None or b is None else a - b

        return Cpu(
            seconds=delta("t") or 0.0,
            worker=delta("worker") or 0.0,
            serve=delta("serve") or 0.0,
            postgres=delta("postgres"),
            receivers=delta("receivers") or 0.0,
            bench=delta("bench") or 0.0,
            machine=delta("machine") or 0.0,
        )


# --------------------------------------------------------------------------------------------------------------
# (a) Latency


@dataclass
class Latency:
    kind: str
    events: int
    publish_rate: float
    achieved_rate: float
    latencies_ms: list[float]
    missing: int
    prepare_seconds: float
    publish_ms_p50: float
    cpu: Cpu
    catch_up: tuple[float, dict[str, int]]
    stages: dict[str, list[float]] = field(default_factory=dict)  # ms per delivery, from the database
    worker: str = "`canon worker`"
    after: float = 0.0  # seconds the worker's consumers needed to catch up after the last publish

    def buckets(self, size: int = 100) -> list[float]:
        """The median latency of each run of `size` publishes, in publish order: a trend or a stall shows here."""
        values = self.latencies_ms
        return [statistics.median(values[i : i + size]) for i in range(0, len(values), size)]


def prepare_approved(port: int, keys: harness.Keys, slugs: list[str], kind: str = "definition") -> None:
    """Create, submit and approve (marketing, sales) each definition, ready to publish: 4 threads, a connection each."""
    local = threading.local()

    def one(slug: str) -> None:
        conn: Connection | None = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = Connection(port)
        steps: list[tuple[str, str, str, object, int]] = [
            ("POST", f"/v1/{kind}s", keys.editor, BODIES[kind](slug), 201),
            ("POST", f"/v1/{kind}s/{slug}/versions/1/submit", keys.editor, None, 200),
        ]
        steps += [
            ("POST", f"/v1/{kind}s/{slug}/versions/1/approve", approver, {"comment": "agreed"}, 200)
            for approver in keys.approvers.values()
        ]
        for method, path, key, body, status in steps:
            got, answer = conn.request(method, path, key, body)
            if got != status:
                raise RuntimeError(f"{method} {path}: {got} {answer[:300]!r}")

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(one, slugs))


_STAGES = """
SELECT extract(epoch FROM d.created_at - e.occurred_at) * 1e3 AS to_fan_out,
       extract(epoch FROM a.attempted_at - d.created_at) * 1e3 - a.latency_ms AS to_send
FROM webhook_deliveries d
JOIN events e ON e.id = d.event_id
JOIN LATERAL (SELECT attempted_at, latency_ms FROM webhook_attempts WHERE delivery_id = d.id ORDER BY id LIMIT 1) a
  ON true
WHERE d.event_type LIKE '%.published' AND e.slug = ANY ($1::text[])
ORDER BY e.id"""


_BEHIND = """
SELECT o.name, (SELECT count(*) FROM events e WHERE (e.txid, e.id) > (o.txid, o.event_id)) AS behind
FROM consumer_offsets o"""


def wait_caught_up(url: str, timeout: float = 300.0) -> tuple[float, dict[str, int]]:
    """Wait until every consumer of the event log (webhook fan-out, search sync, ...) has handled every event;
    return how long that took and how far behind each was at first."""
    import asyncpg  # noqa: PLC0415

    async def poll() -> tuple[float, dict[str, int]]:
        conn = await asyncpg.connect(url)
        started = time.monotonic()
        first: dict[str, int] | None = None
        try:
            while time.monotonic() - started < timeout:
                behind = {r["name"]: int(r["behind"]) for r in await conn.fetch(_BEHIND)}
                first = behind if first is None else first
                if behind and not any(behind.values()):
                    return time.monotonic() - started, first
                await asyncio.sleep(0.2)
        finally:
            await conn.close()
        raise RuntimeError(f"the worker's consumers did not catch up within {timeout:.0f} s: {first}")

    return asyncio.run(poll())


def stages(url: str, slugs: list[str]) -> dict[str, list[float]]:
    """Where each delivery's time went, from the database's clock: event (publish transaction start) → fan-out
    (its transaction start) → the attempt's start (attempted_at minus its latency)."""
    import asyncpg  # noqa: PLC0415

    async def fetch() -> dict[str, list[float]]:
        conn = await asyncpg.connect(url)
        try:
            rows = await conn.fetch(_STAGES, slugs)
        finally:
            await conn.close()
        return {"to_fan_out": [float(r["to_fan_out"]) for r in rows], "to_send": [float(r["to_send"]) for r in rows]}

    return asyncio.run(fetch())


def measure_latency(
    port: int, keys: harness.Keys, receivers: Receivers, meter: CpuMeter, events: int, rate: float, url: str, kind: str
) -> Latency:
    run = secrets.token_hex(3)
    slugs = [f"lat-{run}-{n:05d}" for n in range(events)]
    started = time.monotonic()
    prepare_approved(port, keys, slugs, kind)
    prepared = time.monotonic() - started
    print(f"(a) prepared {events} approved {kind}s in {prepared:.1f} s", flush=True)
    # The preparation made 4 events per definition; measure publishes, not the worker catching up with those.
    catch_up, behind = wait_caught_up(url)
    print(f"(a) the worker caught up with them in {catch_up:.1f} s (events behind at first: {behind})", flush=True)
    conn = Connection(port)
    answered: dict[str, float] = {}
    publish_ms: list[float] = []
    before = meter.snapshot()
    first = next_at = time.monotonic()
    try:
        for slug in slugs:
            delay = next_at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            next_at += 1.0 / rate
            sent = time.monotonic()
            status, body = conn.request("POST", f"/v1/{kind}s/{slug}/versions/1/publish", keys.editor)
            answered[slug] = time.monotonic()
            publish_ms.append((answered[slug] - sent) * 1e3)
            if status != 200:
                raise RuntimeError(f"publish {slug}: {status} {body[:300]!r}")
    finally:
        conn.close()
    achieved = events / (time.monotonic() - first)
    wanted = set(slugs)
    with contextlib.suppress(RuntimeError):
        wait_until(
            "every published webhook",
            lambda: wanted <= {slug for slug, _ in receivers.arrivals()},
            timeout=60,
        )
    cpu = CpuMeter.between(before, meter.snapshot())
    arrived = {slug: at for slug, at in receivers.arrivals() if slug in wanted}
    latencies = [(arrived[slug] - answered[slug]) * 1e3 for slug in slugs if slug in arrived]
    return Latency(
        kind=kind,
        events=events,
        publish_rate=rate,
        achieved_rate=achieved,
        latencies_ms=latencies,
        missing=len(wanted - set(arrived)),
        prepare_seconds=prepared,
        publish_ms_p50=statistics.median(publish_ms),
        cpu=cpu,
        catch_up=(catch_up, behind),
        stages=stages(url, slugs),
    )


# --------------------------------------------------------------------------------------------------------------
# (b), (c) Fan-out


@dataclass
class FanOut:
    name: str
    subscribers: int
    hanging: int
    rate: float  # events per second asked for
    events: int  # events made
    seconds: float  # how long they were being made
    healthy_ports: list[int]
    samples: list[tuple[float, int, int]]  # (time since start, healthy deliveries, hung requests)
    backlog_at_stop: int
    drain_seconds: float
    drain_delivered: int
    drained: bool
    duplicates: int
    cpu_load: Cpu
    cpu_drain: Cpu
    per_port_spread: tuple[int, int]  # min, max deliveries per healthy endpoint at the end

    @property
    def offered(self) -> float:
        return self.events * len(self.healthy_ports) / self.seconds if self.seconds else 0.0

    def delivered_between(self, start: float, end: float) -> float:
        inside = [(t, n) for t, n, _ in self.samples if start <= t <= end]
        if len(inside) < 2 or inside[-1][0] <= inside[0][0]:
            return float("nan")
        return (inside[-1][1] - inside[0][1]) / (inside[-1][0] - inside[0][0])

    @property
    def load_rate(self) -> float:
        return self.delivered_between(0.0, self.seconds)

    @property
    def steady_rate(self) -> float:
        return self.delivered_between(STEADY_AFTER, self.seconds)

    @property
    def drain_rate(self) -> float:
        return self.drain_delivered / self.drain_seconds if self.drain_seconds > 0 else float("nan")

    def per_second(self) -> list[float]:
        """Deliveries in each whole second of the load window (from the 0.5 s samples)."""
        rates = []
        for second in range(int(self.seconds)):
            rate = self.delivered_between(second, second + 1.0)
            if not math.isnan(rate):
                rates.append(rate)
        return rates


class EventMaker(threading.Thread):
    """`definition.created` events at `rate` per second (`POST /v1/definitions`, open loop, one connection)."""

    def __init__(self, port: int, keys: harness.Keys, name: str, rate: float) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.keys = keys
        self.prefix = f"{name}-{secrets.token_hex(3)}"
        self.rate = rate
        self.made = 0
        self.failures: list[str] = []
        self._stop_making = threading.Event()

    def run(self) -> None:
        conn = Connection(self.port)
        try:
            next_at = time.monotonic()
            n = 0
            while not self._stop_making.is_set():
                delay = next_at - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                next_at += 1.0 / self.rate
                status, body = conn.request(
                    "POST", "/v1/definitions", self.keys.editor, definition(f"{self.prefix}-{n}")
                )
                n += 1
                if status == 201:
                    self.made += 1
                else:
                    self.failures.append(f"{status} {body[:200]!r}")
        finally:
            conn.close()

    def finish(self) -> None:
        self._stop_making.set()
        self.join(30)
        if self.failures:
            raise RuntimeError(f"{len(self.failures)} event(s) could not be made: {self.failures[:3]}")


def healthy_total(stats: dict[str, Any], ports: list[int]) -> int:
    ok = stats["ok"]
    return sum(int(ok.get(str(p), 0)) for p in ports)


def measure_fanout(
    name: str,
    port: int,
    keys: harness.Keys,
    receivers: Receivers,
    meter: CpuMeter,
    ports: list[int],
    hanging: list[int],
    rate: float,
    seconds: float,
    drain_limit: float,
) -> FanOut:
    healthy = [p for p in ports if p not in set(hanging)]
    base = healthy_total(receivers.stats(), healthy)
    samples: list[tuple[float, int, int]] = []
    started = time.monotonic()

    def sample() -> int:
        stats = receivers.stats()
        delivered = healthy_total(stats, healthy) - base
        samples.append((stats["at"] - started, delivered, sum(stats["hung"].values())))
        return delivered

    before = meter.snapshot()
    maker = EventMaker(port, keys, name, rate)
    maker.start()
    while time.monotonic() - started < seconds:
        sample()
        time.sleep(SAMPLE_SECONDS)
    maker.finish()
    stopped = time.monotonic() - started
    at_stop = sample()
    cpu_load = CpuMeter.between(before, meter.snapshot())
    expected = maker.made * len(healthy)
    print(
        f"({name}) {maker.made} events in {stopped:.1f} s; delivered {at_stop} of {expected} healthy deliveries",
        flush=True,
    )

    drain_before = meter.snapshot()
    drain_start = time.monotonic()
    delivered = at_stop
    while delivered < expected and time.monotonic() - drain_start < drain_limit:
        time.sleep(SAMPLE_SECONDS)
        delivered = sample()
    drain_seconds = time.monotonic() - drain_start
    cpu_drain = CpuMeter.between(drain_before, meter.snapshot())
    final = receivers.stats()
    per_port = [int(final["ok"].get(str(p), 0)) for p in healthy]
    return FanOut(
        name=name,
        subscribers=len(ports),
        hanging=len(hanging),
        rate=rate,
        events=maker.made,
        seconds=stopped,
        healthy_ports=healthy,
        samples=samples,
        backlog_at_stop=expected - at_stop,
        drain_seconds=drain_seconds,
        drain_delivered=delivered - at_stop,
        drained=delivered >= expected,
        duplicates=int(final["duplicates"]),
        cpu_load=cpu_load,
        cpu_drain=cpu_drain,
        per_port_spread=(min(per_port), max(per_port)),
    )


# --------------------------------------------------------------------------------------------------------------
# (d) Component ceilings (`--phases d`): where the time goes.
# Each runs in this process against the same receivers, on a database of its own with a backlog of deliveries
# inserted directly (100 subscriptions x N events); the rate is counted over a fixed window after a 1 s ramp.


class InstantSender:
    """A sender that succeeds at once, without any I/O: the dispatcher's database side alone."""

    async def send(self, delivery: Any) -> Any:
        from service.webhooks.sender import SendResult  # noqa: PLC0415

        return SendResult(200, 0.0, None, "", None)


@dataclass
class Component:
    name: str
    label: str
    rate: float
    cpu_us: float  # this process's CPU per delivery (the dispatcher and/or sender)
    pg_cpu_us: float | None
    errors: int
    window: float


async def sender_ceiling(label: str, name: str, sender: Any, ports: list[int], seconds: float) -> Component:
    """Deliveries per second one sender makes with 128 in flight over all `ports`, and its CPU per delivery."""
    from service.webhooks import signing  # noqa: PLC0415
    from service.webhooks.sender import Delivery  # noqa: PLC0415

    secret = signing.new_secret()
    body = json.dumps({"type": "definition.created", "timestamp": "2026-01-01T00:00:00Z", "data": definition("x")})
    counts = Counter[str]()
    deadline = time.monotonic() + 1.0 + seconds
    window: dict[str, float] = {}

    async def lane(index: int) -> None:
        n = index
        while time.monotonic() < deadline:
            url = f"http://{harness.HOST}:{ports[n % len(ports)]}/hook"
            result = await sender.send(Delivery(url, f"msg_{n}", int(time.time()), body.encode(), [secret]))
            n += 128
            if "start" in window:
                counts["ok" if result.status == 200 else "error"] += 1

    async def mark() -> None:
        await asyncio.sleep(1.0)
        window.update(start=time.monotonic(), cpu=time.process_time())

    await asyncio.gather(mark(), *(lane(i) for i in range(128)))
    elapsed = time.monotonic() - window["start"]
    cpu = time.process_time() - window["cpu"]
    done = max(counts["ok"], 1)
    return Component(name, label, counts["ok"] / elapsed, cpu / done * 1e6, None, counts["error"], elapsed)


async def backlog_database(url: str, name: str, ports: list[int], events: int) -> str:
    """A fresh migrated database with one subscription per port and `events` deliveries to each; its URL."""
    import asyncpg  # noqa: PLC0415

    from service.store import migrations  # noqa: PLC0415
    from service.webhooks import signing  # noqa: PLC0415

    database_name = f"bench_{name.replace('-', '_')}_{secrets.token_hex(3)}"
    admin = await asyncpg.connect(url)
    try:
        await admin.execute(f"CREATE DATABASE {database_name}")
    finally:
        await admin.close()
    target = urlsplit(url)._replace(path=f"/{database_name}").geturl()
    conn = await asyncpg.connect(target)
    try:
        await migrations.migrate(conn)
        subscriptions = [
            await conn.fetchval(
                """INSERT INTO webhook_subscriptions (id, url, secret, created_by)
                   VALUES (gen_random_uuid(), $1, $2, 'bench') RETURNING id""",
                f"http://{harness.HOST}:{port}/hook",
                signing.new_secret(),
            )
            for port in ports
        ]
        payload = json.dumps(
            {"type": "definition.created", "timestamp": "2026-01-01T00:00:00Z", "data": definition("x")}
        )
        await conn.execute(
            """INSERT INTO webhook_deliveries (subscription_id, event_id, event_type, scope, payload)
               SELECT s, e, 'definition.created', 'definition:bench-' || e, $2::jsonb
               FROM generate_series(1, $1) AS e, unnest($3::uuid[]) AS s ORDER BY e, s""",
            events,
            payload,
            subscriptions,
        )
        await conn.execute("VACUUM ANALYZE webhook_deliveries")
    finally:
        await conn.close()
    return target


async def dispatcher_ceiling(
    label: str,
    name: str,
    url: str,
    postmaster: int | None,
    make: Callable[[Any], Any],
    pool_max: int,
    ports: list[int],
    events: int,
    seconds: float,
) -> Component:
    """Deliveries per second a dispatcher records as succeeded while it works off a backlog, and the CPU per delivery
    of this process and of PostgreSQL. `make(pool)` builds the dispatcher."""
    import asyncpg  # noqa: PLC0415

    from service.store.database import create_pool  # noqa: PLC0415

    target = await backlog_database(url, name, ports, events)
    pool = await create_pool(target, min_size=1, max_size=pool_max)
    counter = await asyncpg.connect(target)
    stop = asyncio.Event()
    task = asyncio.create_task(make(pool).run(stop))
    count = "SELECT count(*) FROM webhook_deliveries WHERE status = 'succeeded'"
    try:
        await asyncio.sleep(1.0)
        first, started, cpu, pg = await counter.fetchval(count), time.monotonic(), time.process_time(), None
        pg = harness.postgres_cpu(postmaster)
        await asyncio.sleep(seconds)
        last, elapsed = await counter.fetchval(count), time.monotonic() - started
        cpu_used = time.process_time() - cpu
        pg_after = harness.postgres_cpu(postmaster)
        failed = await counter.fetchval("SELECT count(*) FROM webhook_attempts WHERE status_code IS DISTINCT FROM 200")
    finally:
        stop.set()
        await asyncio.wait_for(task, 60)
        await counter.close()
        await pool.close()
    done = max(last - first, 1)
    pg_us = None if pg is None or pg_after is None else (pg_after - pg) / done * 1e6
    if last >= events * len(ports):
        label += " (backlog ran out: a lower bound)"
    return Component(name, label, (last - first) / elapsed, cpu_used / done * 1e6, pg_us, failed, elapsed)


def measure_components(
    url: str, postmaster: int | None, receivers: Receivers, seconds: float, hanging_count: int
) -> list[Component]:
    ports = receivers.hooks
    from service.config import Settings  # noqa: PLC0415
    from service.webhooks.dispatcher import Dispatcher, DispatchSettings  # noqa: PLC0415
    from service.webhooks.network import Networks  # noqa: PLC0415
    from service.webhooks.sender import HttpSender  # noqa: PLC0415

    allow = Networks.parse("127.0.0.0/8")
    pool_max = Settings().db_pool_max  # what `canon worker` gets by default (CANON_DB_POOL_MAX)

    def dispatcher(sender: Any) -> Callable[[Any], Any]:
        return lambda pool: Dispatcher(pool, sender, DispatchSettings())

    async def all_of_them() -> list[Component]:
        found = [
            await sender_ceiling(
                "sender: `HttpSender` (h11, keep-alive connections per host:port)",
                "sender",
                HttpSender(allow=allow),
                ports,
                seconds,
            )
        ]
        print(f"(d) {found[-1].label}: {found[-1].rate:,.0f}/s, {found[-1].cpu_us:,.0f} µs CPU each", flush=True)
        dispatchers = [
            ("d-instant", f"dispatcher, instant sender, pool of {pool_max}", None, 1000),
            ("e-http", f"end to end: dispatcher + `HttpSender`, pool of {pool_max}", "http", 400),
            (
                "e-http-hang",
                f"the same, {hanging_count} of the {len(ports)} endpoints hanging (deliveries/s to the others)",
                "http",
                400,
            ),
        ]
        for name, label, wire, events in dispatchers:
            receivers.hang(ports[:hanging_count] if name.endswith("-hang") else [])
            sender = InstantSender() if wire is None else HttpSender(allow=allow)
            found.append(
                await dispatcher_ceiling(
                    label, name, url, postmaster, dispatcher(sender), pool_max, ports, events, seconds
                )
            )
            print(f"(d) {found[-1].label}: {found[-1].rate:,.0f}/s, {found[-1].cpu_us:,.0f} µs CPU each", flush=True)
        return found

    return asyncio.run(all_of_them())


# --------------------------------------------------------------------------------------------------------------
# Profile (py-spy)

# Where the worker's time goes, by the frames that matter for the proposals (inclusive: any depth of the stack).
AREAS = (
    ("HTTP client (HttpSender: connect, send, read the response)", ("HttpSender._attempt",)),
    ("signing (HMAC-SHA256)", ("(service/webhooks/signing.py",)),
    ("recording outcomes (Dispatcher._flush: 1 transaction per batch)", ("Dispatcher._flush",)),
    ("claiming (store.claim)", ("claim (service/store/webhooks.py",)),
    ("fan-out (event log → deliveries)", ("drain (service/worker.py",)),
    ("asyncpg protocol (all queries)", ("asyncpg/",)),
)
IDLE = "waiting in `select` (idle)"  # counted on the leaf frame only


@dataclass
class Profile:
    samples: int
    seconds: float
    functions: list[tuple[str, int]]
    areas: list[tuple[str, int]]
    inclusive: list[tuple[str, int]]


def summarise_profile(path: Path, seconds: float) -> Profile:
    wanted = ("service/", "httpx", "httpcore", "asyncpg/pool", "asyncpg/connection")
    counts = harness.summarise_profile(path, wanted, top=20, group=areas_of)
    areas = [(label, counts.groups[label]) for label in [label for label, _ in AREAS] + [IDLE]]
    return Profile(counts.samples, seconds, counts.functions, areas, counts.inclusive)


def areas_of(frames: list[str], areas: Sequence[tuple[str, tuple[str, ...]]] = AREAS) -> list[str]:
    """The labels of `areas` whose frames are in this stack, and IDLE when it ends waiting in `select`."""
    stack = ";".join(frames)
    found = [label for label, needles in areas if any(needle in stack for needle in needles)]
    return [*found, IDLE] if "EpollSelector.select" in frames[-1] else found


# --------------------------------------------------------------------------------------------------------------
# Report


def _rate(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:,.0f}"


def render(
    latencies: list[Latency],
    fanouts: list[FanOut],
    profile: Profile | None,
    components: list[Component],
    command: str,
    database_kind: str,
    load: tuple[str, str],
    timeout: float,
) -> str:
    info = harness.machine(("litestar", "uvicorn", "msgspec", "asyncpg", "httpx", "httpcore"))
    lines = [
        MARKS.start,
        "## Webhooks: publish → receiver latency, and fan-out to 100 subscribers",
        "",
        harness.written_by("webhooks.py", keeps_notes=True),
        "",
        f"Command: `{command}`",
        "",
        f"- Machine: {info['description']}",
        f"- Software: {info['packages']}; {info['uvicorn_impl']}",
        f"- Database: {database_kind}, on the same machine",
        "- Canon: `canon serve` (1 process) for the API calls and one `canon worker` (fan-out and delivery: "
        f"256 deliveries in flight at most, 8 per subscription and per host:port; timeout {timeout:g} s; "
        "database pool `CANON_DB_POOL_MAX`, 10)",
        "- Receivers: one separate process, asyncio over raw sockets, one port (so one host:port) per subscriber, "
        "`200` with an empty body and keep-alive; hanging ports read the request and never answer. It counts "
        "`webhook-id`s to catch duplicates. Everything shares the same "
        f"{info['nproc']} cores: the numbers include that competition.",
        "",
    ]
    if latencies:
        first = latencies[0]
        lines += [
            f"### (a) Latency: publish response → webhook at the receiver, {first.events:,} publishes per row",
            "",
            "| publishes of | worker | p50 ms | p90 ms | p99 ms | max ms | p50 per 100 publishes, in order (ms) "
            "| fan-out stage p50 / p99 ms | send stage p50 / p99 ms | worker / PostgreSQL / API cores "
            "| targets p50 ≤ 25, p99 ≤ 250 |",
            "|---|---|---:|---:|---:|---:|---|---:|---:|---:|---|",
        ]
        for lat in latencies:
            p50, p99 = harness.percentile(lat.latencies_ms, 0.50), harness.percentile(lat.latencies_ms, 0.99)
            verdict = (
                f"{'meets' if p50 <= TARGET_P50_MS else 'misses'} / {'meets' if p99 <= TARGET_P99_MS else 'misses'}"
            )
            fan, send = (_p50_p99(lat.stages.get(stage, []), " / ") for stage in ("to_fan_out", "to_send"))
            cpu = lat.cpu
            lines.append(
                f"| {lat.kind}s | {lat.worker} | **{p50:.1f}** | {harness.percentile(lat.latencies_ms, 0.90):.1f} "
                f"| **{p99:.1f}** | {max(lat.latencies_ms):.1f} | {', '.join(f'{b:.0f}' for b in lat.buckets())} "
                f"| {fan} | {send} "
                f"| {cpu.cores(cpu.worker)} / {cpu.cores(cpu.postgres)} / {cpu.cores(cpu.serve)} | **{verdict}** |"
            )
        missing = sum(lat.missing for lat in latencies)
        lines += [
            "",
            f"How: for each row, {first.events} entries were created, submitted and approved first (not measured; "
            "the worker is then given time to catch up with those events), then published one at a time, open loop "
            f"at {first.publish_rate:g}/s on one keep-alive connection, to one subscriber of `*.published`. Latency = "
            "the receiver's `time.monotonic()` when the request was in, minus this script's when the publish "
            "response had been read. Stages, from the database's clock: *fan-out* = the delivery row's creation "
            "minus the event's (the publish transaction's start), *send* = the attempt's start minus the delivery "
            "row's creation. The path: publish commits the event → `NOTIFY` → the worker's fan-out loop (search sync "
            "has a loop of its own) turns it into deliveries → `NOTIFY` → the dispatcher claims and sends. "
            f"Missing deliveries: {missing}.",
            "",
        ]
    if fanouts:
        lines += [
            "### (b), (c) Fan-out: successful deliveries per second",
            "",
            "| phase | endpoints | offered/s (healthy) | delivered/s while events come | steady (after 3 s) "
            "| backlog at stop | drain rate/s (no API load) | per-second min-median-max | duplicates "
            "| worker cores | PostgreSQL cores | API cores | receivers cores |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for f in fanouts:
            per_second = f.per_second()
            spread = (
                f"{min(per_second):,.0f}-{statistics.median(per_second):,.0f}-{max(per_second):,.0f}"
                if per_second
                else "-"
            )
            endpoints = f"{f.subscribers}" + (f" ({f.hanging} hanging)" if f.hanging else "")
            drain = _rate(f.drain_rate) + ("" if f.drained else " (not drained)")
            cpu = f.cpu_load
            lines.append(
                f"| {f.name} | {endpoints} | {_rate(f.offered)} | **{_rate(f.load_rate)}** | {_rate(f.steady_rate)} "
                f"| {f.backlog_at_stop:,} | {drain} | {spread} | {f.duplicates} "
                f"| {cpu.cores(cpu.worker)} | {cpu.cores(cpu.postgres)} | {cpu.cores(cpu.serve)} "
                f"| {cpu.cores(cpu.receivers)} |"
            )
        base = fanouts[0]
        verdict_rate = max(base.load_rate, 0.0 if math.isnan(base.drain_rate) else base.drain_rate)
        lines += [
            "",
            f"Target ≥ {TARGET_RATE:,.0f} successful deliveries/s to 100 subscribers: **"
            f"{'meets' if base.load_rate >= TARGET_RATE else 'misses'}** it while events come "
            f"({_rate(base.load_rate)}/s), best sustained rate seen {_rate(verdict_rate)}/s.",
            "",
        ]
        if len(fanouts) > 1:
            hung = fanouts[1]
            ratio = hung.load_rate / base.load_rate if base.load_rate else float("nan")
            per_endpoint = (hung.load_rate / len(hung.healthy_ports)) / (base.load_rate / len(base.healthy_ports))
            lines += [
                f"Effect of {hung.hanging} hanging endpoints on the other {len(hung.healthy_ports)}: their "
                f"deliveries/s {_rate(hung.load_rate)} vs {_rate(base.load_rate)} for all {base.subscribers} healthy "
                f"({ratio:.0%}; per healthy endpoint {per_endpoint:.0%}); drain {_rate(hung.drain_rate)}/s vs "
                f"{_rate(base.drain_rate)}/s. Deliveries per healthy endpoint at the end: "
                f"{hung.per_port_spread[0]}-{hung.per_port_spread[1]}.",
                "",
            ]
        lines += [
            "How: `definition.created` events made at the rate in the command (`POST /v1/definitions`, open loop, one "
            "keep-alive connection) for the phase's seconds, each fanned out to every subscriber; the receivers are "
            "sampled every 0.5 s. *Delivered/s while events come* counts deliveries during that window; *backlog at "
            "stop* = deliveries owed but not yet made when the events stop; *drain rate* = the rate at which the "
            "worker then works the backlog off with no API traffic. Cores = CPU seconds per wall second while events "
            "come.",
            "",
        ]
    if profile is not None and profile.samples:
        lines += [
            f"### Profile of the worker during (b) (py-spy, 100 Hz, on-CPU samples: {profile.samples}, "
            f"≈ {profile.samples / 100:.1f} CPU s over {profile.seconds:.0f} s)",
            "",
            "| where | share of the worker's CPU |",
            "|---|---:|",
            *(f"| {label} | {count / profile.samples:.0%} |" for label, count in profile.areas),
            "",
            "<details><summary>Functions (self time) and frames (inclusive)</summary>",
            "",
            *harness.profile_tables(profile.samples, profile.functions, profile.inclusive, "function (self)"),
            "",
            "</details>",
            "",
        ]
    if components:
        lines += [
            "### (d) Where the ceiling is: components alone",
            "",
            "In this script's process, against the same receivers (100 ports), without the API; dispatchers work "
            "off a backlog inserted directly into a database of their own (100 subscriptions).",
            "",
            "| what | deliveries/s | CPU µs per delivery (this process) | PostgreSQL CPU µs per delivery | errors |",
            "|---|---:|---:|---:|---:|",
            *(
                f"| {c.label} | **{c.rate:,.0f}** | {c.cpu_us:,.0f} | "
                f"{'-' if c.pg_cpu_us is None else f'{c.pg_cpu_us:,.0f}'} | {c.errors} |"
                for c in components
            ),
            "",
        ]
    lines += [
        f"Load average {load[0]} before the run, {load[1]} after.",
        "",
        MARKS.notes_start + MARKS.notes_end,
        MARKS.end,
    ]
    return "\n".join(lines) + "\n"


def _p50_p99(values: list[float], between: str) -> str:
    """Both percentiles of a stage, in whole milliseconds."""
    return f"{harness.percentile(values, 0.5):.0f}{between}{harness.percentile(values, 0.99):.0f}"


# --------------------------------------------------------------------------------------------------------------
# The run


@dataclass
class Options:
    latency_events: int
    publish_rate: float
    subscribers: int
    hanging: int
    fanout_rate: float
    seconds: float
    drain_seconds: float
    timeout: float
    profile: bool
    component_seconds: float = 8.0
    phases: set[str] = field(default_factory=set)
    latency_kinds: tuple[str, ...] = ("definition", "message")


@dataclass
class Stack:
    """What one run starts: the receivers, `canon serve` and `canon worker`."""

    receivers: Receivers
    receivers_pid: int
    api_port: int
    serve: subprocess.Popen[bytes]
    worker: subprocess.Popen[bytes]
    keys: harness.Keys
    env: dict[str, str]


def start_stack(procs: harness.Processes, folder: Path, options: Options, url: str) -> Stack:
    admin = harness.admin_key()
    env = harness.canon_env(
        url,
        admin,
        {
            "CANON_DATA_DIR": str(folder / "data"),
            "CANON_WEBHOOK_ALLOW_NETWORKS": "127.0.0.0/8",
            "CANON_WEBHOOK_REQUIRE_HTTPS": "false",
            "CANON_WEBHOOK_TIMEOUT_SECONDS": str(options.timeout),
        },
    )
    harness.migrate(env)
    ports_file = folder / "receivers.json"
    spec = {"hooks": options.subscribers + 1, "ports_file": str(ports_file)}
    receivers_proc = procs.start(
        "receivers", [sys.executable, str(Path(__file__).resolve()), "_receivers", json.dumps(spec)], env
    )
    wait_until("the receivers", ports_file.exists, timeout=30, every=0.05)
    ports = json.loads(ports_file.read_text())
    serve, api_port = harness.start_canon(procs, env, "serve")
    worker = procs.start("worker", harness.canon_command("worker"), env)
    time.sleep(2.0)
    if worker.poll() is not None:
        raise RuntimeError(f"canon worker exited:\n{procs.log_tail('worker')}")
    return Stack(
        Receivers(ports["control"], ports["hooks"][1:], ports["latency"]),
        receivers_proc.pid,
        api_port,
        serve,
        worker,
        harness.seed_keys(api_port, admin),
        env,
    )


def run_latency(procs: harness.Processes, stack: Stack, meter: CpuMeter, options: Options, url: str) -> list[Latency]:
    """(a) for each kind asked for, with `canon worker`."""
    receivers, keys, api_port = stack.receivers, stack.keys, stack.api_port
    latencies: list[Latency] = []

    def latency_round(kind: str, worker: str) -> None:
        meter.pids["worker"] = stack.worker.pid
        latency = measure_latency(
            api_port, keys, receivers, meter, options.latency_events, options.publish_rate, url, kind
        )
        latency.worker = worker
        latency.after = wait_caught_up(url)[0]
        latencies.append(latency)
        print(
            f"(a) {kind}s, {worker}: p50 {harness.percentile(latency.latencies_ms, 0.5):.1f} ms, "
            f"p99 {harness.percentile(latency.latencies_ms, 0.99):.1f} ms, "
            f"missing {latency.missing}; p50 per 100 publishes: "
            + ", ".join(f"{b:.0f}" for b in latency.buckets())
            + "; stages p50/p99 ms: "
            + ", ".join(f"{k} {_p50_p99(v, '/')}" for k, v in latency.stages.items())
            + f"; consumers caught up {latency.after:.1f} s after the last publish",
            flush=True,
        )

    subscribe(api_port, keys.admin, f"http://{harness.HOST}:{receivers.latency}/hook", ["*.published"])
    for kind in options.latency_kinds:
        latency_round(kind, "`canon worker`")
    return latencies


def run(procs: harness.Processes, folder: Path, options: Options, command: str) -> str:
    with harness.database() as (url, postmaster):
        stack = start_stack(procs, folder, options, url)
        receivers, keys, api_port = stack.receivers, stack.keys, stack.api_port
        meter = CpuMeter(
            {"worker": stack.worker.pid, "serve": stack.serve.pid, "receivers": stack.receivers_pid}, postmaster
        )
        load_before = harness.load_average()
        latencies = run_latency(procs, stack, meter, options, url) if "a" in options.phases else []
        subscriptions: list[str] = []

        def fan_out(name: str, hanging: list[int]) -> FanOut:
            # Fresh subscriptions for each phase: the one before may have left a backlog (deleted with them).
            for subscription in subscriptions:
                harness.expect(api_port, "DELETE", f"/v1/webhooks/{subscription}", 204, key=keys.admin)
            subscriptions[:] = [
                subscribe(api_port, keys.admin, f"http://{harness.HOST}:{port}/hook", ["definition.*"])
                for port in receivers.hooks
            ]
            receivers.hang(hanging)
            result = measure_fanout(
                name,
                api_port,
                keys,
                receivers,
                meter,
                receivers.hooks,
                hanging,
                options.fanout_rate,
                options.seconds,
                options.drain_seconds,
            )
            print(f"({name}) {_rate(result.load_rate)}/s while events come, drain {_rate(result.drain_rate)}/s")
            return result

        fanouts: list[FanOut] = []
        profile = None
        if "b" in options.phases:
            with contextlib.ExitStack() as profiled:
                output = (
                    profiled.enter_context(harness.profiling(procs, folder, {"worker": stack.worker.pid}))["worker"]
                    if options.profile
                    else None
                )
                fanouts.append(fan_out("b", []))
            if output is not None:
                profile = summarise_profile(output, fanouts[-1].seconds + fanouts[-1].drain_seconds)
        if "c" in options.phases:
            fanouts.append(fan_out("c", receivers.hooks[: options.hanging]))
        components: list[Component] = []
        if "d" in options.phases:
            receivers.hang([])
            for proc in (stack.worker, stack.serve):  # not needed any more: give the cores to the components
                proc.terminate()
                proc.wait(30)
            if str(harness.ROOT) not in sys.path:
                sys.path.insert(0, str(harness.ROOT))
            components = measure_components(url, postmaster, receivers, options.component_seconds, options.hanging)
        load = (load_before, harness.load_average())
        kind = harness.database_kind(postmaster)
        section = render(latencies, fanouts, profile, components, command, kind, load, options.timeout)
        procs.stop_all()  # before the database goes away
        return section


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Canon webhook delivery: latency and fan-out throughput.")
    parser.add_argument("--latency-events", type=int, default=1000, help="publishes timed in (a) (default 1000)")
    parser.add_argument("--publish-rate", type=float, default=25.0, help="publishes per second in (a) (default 25)")
    parser.add_argument("--subscribers", type=int, default=100, help="subscribers in (b) and (c) (default 100)")
    parser.add_argument("--hanging", type=int, default=10, help="endpoints that hang in (c) (default 10)")
    parser.add_argument("--fanout-rate", type=float, default=30.0, help="events per second in (b), (c) (default 30)")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of (b) and (c) (default 20)")
    parser.add_argument("--drain-seconds", type=float, default=60.0, help="longest wait for a backlog (default 60)")
    parser.add_argument("--timeout", type=float, default=15.0, help="CANON_WEBHOOK_TIMEOUT_SECONDS (default 15)")
    parser.add_argument("--phases", default="abcd", help="which of a, b, c, d to run (default abcd)")
    parser.add_argument("--component-seconds", type=float, default=8.0, help="window of each (d) measurement")
    parser.add_argument(
        "--latency-kinds", default="definition,message", help="what (a) publishes (default definition,message)"
    )
    parser.add_argument("--profile", action="store_true", help="py-spy on the worker during (b)")
    harness.add_output_options(parser)
    parser.add_argument("--logs", type=Path, help="keep the processes' logs in this folder (default: deleted)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    options = Options(
        latency_events=args.latency_events,
        publish_rate=args.publish_rate,
        subscribers=args.subscribers,
        hanging=args.hanging,
        fanout_rate=args.fanout_rate,
        seconds=args.seconds,
        drain_seconds=args.drain_seconds,
        timeout=args.timeout,
        profile=args.profile,
        component_seconds=args.component_seconds,
        phases=set(args.phases),
        latency_kinds=tuple(k for k in args.latency_kinds.split(",") if k),
    )
    command = (
        f"python bench/webhooks.py --latency-events {args.latency_events} --publish-rate {args.publish_rate:g} "
        f"--subscribers {args.subscribers} --hanging {args.hanging} --fanout-rate {args.fanout_rate:g} "
        f"--seconds {args.seconds:g} --phases {args.phases}" + (" --profile" if args.profile else "")
    )
    tails = ("worker", "serve", "receivers")
    with harness.run_folder("canon-bench-webhooks-", args.logs, tails) as (procs, folder):
        section = run(procs, folder, options, command)
    harness.write_or_print(section, MARKS, args)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "_receivers":
        receivers_main(sys.argv[2])
    else:
        main()
