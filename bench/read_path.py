"""Read-path benchmark: `GET /v1/definitions/{slug}` against a minimal Litestar JSON endpoint, in one run.

    .venv/bin/python bench/read_path.py [--seconds 10] [--rounds 3] [--connections 32] [--warmup 3]

One run:

1. starts an embedded PostgreSQL in a temporary folder (deleted afterwards), unless `CANON_DATABASE_URL` is set;
2. applies the migrations with `canon migrate`;
3. starts `canon serve` (uvicorn, 1 worker) with `CANON_DATABASE_URL` and a random `CANON_BOOTSTRAP_ADMIN_KEY`;
4. seeds one published definition over HTTP: keys for an editor, two approvers (marketing, sales) and a reader
   (`POST /v1/keys`), then create, submit, approve twice and publish;
5. starts `bench/minimal_app.py`: one Litestar GET route returning a dict padded to the size of the Canon
   response, served by the same `uvicorn.run` call with the same settings;
6. checks the conditional GET: the ETag in `If-None-Match` must answer 304;
7. warms up, then load-tests the three targets (Canon 200, Canon 304, minimal) in rotating order for `--rounds`
   rounds of `--seconds` each, at `--connections` keep-alive connections, with `wrk` when it is on PATH, else a
   Python generator (raw asyncio sockets, HTTP/1.1 keep-alive) in a separate process;
8. writes the results into `docs/benchmarks.md` between `<!-- read_path:start -->` and `<!-- read_path:end -->`,
   keeping the rest of the file.

Every process it starts runs in its own process group and is killed on the way out, whatever happens.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import os
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import _harness as harness

BENCH = Path(__file__).resolve().parent
MARKS = harness.marks("read_path")
MINIMAL_PATH = "/v1/minimal"  # bench/minimal_app.py
TARGET_RATIO = 0.60


# --------------------------------------------------------------------------------------------------------------
# Seeding and checks over HTTP


def seed(port: int, admin: str) -> tuple[str, str]:
    """Publish one definition through the whole review over HTTP; return its path and a reader key."""
    from service.seed import GLOSSARY  # noqa: PLC0415  # the glossary's MQL: a realistic size and shape

    keys = harness.seed_keys(port, admin)
    definition = copy.deepcopy(next(item for item in GLOSSARY if item["slug"] == "mql"))
    definition["slug"] = f"bench-mql-{secrets.token_hex(4)}"  # unique, so an external database can be reused
    return harness.publish_definition(port, keys, definition), keys.reader


@dataclass
class Conditional:
    etag: str
    body_bytes: int
    status_304: int
    weak_304: int
    stale_status: int
    headers_304: dict[str, str]

    @property
    def ok(self) -> bool:
        return self.status_304 == 304 and self.weak_304 == 304 and self.stale_status == 200


def check_conditional(port: int, path: str, reader: str) -> Conditional:
    headers, body = harness.expect(port, "GET", path, 200, key=reader)
    document = json.loads(body)
    if document["version"]["status"] != "published" or document["current_version"] != 1:
        raise RuntimeError(f"unexpected current version: {document['version']['status']}")
    tag = headers["etag"]
    status, headers_304, _ = harness.call(port, "GET", path, key=reader, headers={"If-None-Match": tag})
    weak, _, _ = harness.call(port, "GET", path, key=reader, headers={"If-None-Match": f"W/{tag}"})
    stale, _, _ = harness.call(port, "GET", path, key=reader, headers={"If-None-Match": '"0"'})
    return Conditional(tag, len(body), status, weak, stale, headers_304)


# --------------------------------------------------------------------------------------------------------------
# Load generation


@dataclass
class Target:
    name: str
    label: str
    port: int
    path: str
    headers: dict[str, str]
    expected_status: int
    server_pid: int


@dataclass
class Sample:
    target: str
    round: int
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    unexpected: int
    bytes_per_response: float | None
    server_cpu_us: float  # server process CPU per request
    db_cpu_us: float | None  # PostgreSQL CPU per request (embedded server only)
    generator_cpu: float  # generator CPU seconds per wall second
    other_cpu: float  # cores busy with processes other than the server, PostgreSQL and the generator


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_python(target: Target, seconds: int, connections: int) -> harness.LoadRun:
    spec = {
        "port": target.port,
        "path": target.path,
        "headers": target.headers,
        "seconds": seconds,
        "connections": connections,
        "expected": target.expected_status,
    }
    argv = [sys.executable, str(Path(__file__).resolve()), "_load", json.dumps(spec)]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    return harness.LoadRun(**json.loads(out))


class _Client(harness.RawConnection):
    """One keep-alive connection sending one request at a time (closed loop), timing each response."""

    def __init__(self, request: bytes, run: _Run) -> None:
        super().__init__()
        self.request = request
        self.run = run
        self.expected_end = -1
        self.status = 0
        self.sent_at = 0.0
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.closed.done():
            self.closed.set_result(None)

    def send(self) -> None:
        assert self.transport is not None
        if time.perf_counter() >= self.run.deadline:
            self.transport.close()
            return
        self.sent_at = time.perf_counter()
        self.transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer + data if self.buffer else data
        while True:
            if self.expected_end < 0:
                end = buffer.find(b"\r\n\r\n")
                if end < 0:
                    self.buffer = buffer
                    return
                self.status = int(buffer[9:12])
                self.expected_end = end + 4 + self._body_length(buffer[:end])
            if len(buffer) < self.expected_end:
                self.buffer = buffer
                return
            now = time.perf_counter()
            size, buffer, self.expected_end = self.expected_end, buffer[self.expected_end :], -1
            self.run.record(self.status, now - self.sent_at, size, now)
            self.send()
            if not buffer:
                self.buffer = b""
                return

    def _body_length(self, head: bytes) -> int:
        if self.status in (204, 304) or self.status < 200:
            return 0
        length = harness.header_value(head, b"content-length")
        if length is None:
            raise RuntimeError("the load generator needs Content-Length responses")
        return int(length)


class _Run:
    def __init__(self, seconds: float, expected: int) -> None:
        self.started = 0.0
        self.deadline = float("inf")
        self.seconds = seconds
        self.expected = expected
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}
        self.bytes = 0
        self.errors = 0

    def record(self, status: int, latency: float, size: int, now: float) -> None:
        if now > self.deadline:
            return  # finished after the end of the measurement window
        self.latencies.append(latency)
        self.statuses[status] = self.statuses.get(status, 0) + 1
        self.bytes += size


async def _generate(spec: dict[str, Any]) -> harness.LoadRun:
    headers = "".join(f"{name}: {value}\r\n" for name, value in spec["headers"].items())
    request = f"GET {spec['path']} HTTP/1.1\r\nHost: {harness.HOST}:{spec['port']}\r\n{headers}\r\n".encode()
    run = _Run(spec["seconds"], spec["expected"])
    loop = asyncio.get_running_loop()

    async def connect() -> _Client:
        _, client = await loop.create_connection(lambda: _Client(request, run), harness.HOST, spec["port"])
        return client

    async def keep_going(client: _Client) -> None:
        """Drive one connection until the deadline, reconnecting if the server closes it early."""
        while True:
            client.send()
            await client.closed
            if time.perf_counter() >= run.deadline:
                return
            run.errors += 1
            client = await connect()

    clients = await asyncio.gather(*(connect() for _ in range(spec["connections"])))
    run.started = time.perf_counter()
    run.deadline = run.started + spec["seconds"]
    await asyncio.gather(*(keep_going(client) for client in clients))
    latencies_ms = [latency * 1e3 for latency in run.latencies]
    unexpected = sum(v for k, v in run.statuses.items() if k != run.expected) + run.errors
    return harness.LoadRun(
        requests=len(latencies_ms),
        seconds=spec["seconds"],
        p50_ms=harness.percentile(latencies_ms, 0.50, default=0.0),
        p95_ms=harness.percentile(latencies_ms, 0.95, default=0.0),
        p99_ms=harness.percentile(latencies_ms, 0.99, default=0.0),
        errors=unexpected,
        bytes=run.bytes,
    )


def generator_main(spec_json: str) -> None:
    print(json.dumps(asdict(asyncio.run(_generate(json.loads(spec_json))))))


# --------------------------------------------------------------------------------------------------------------
# The run


@dataclass
class Settings:
    seconds: int
    rounds: int
    connections: int
    warmup: int
    generator: str  # "wrk" or "python"
    threads: int


def measure(target: Target, settings: Settings, postmaster: int | None, round_number: int) -> Sample:
    server_before, db_before = harness.cpu_seconds(target.server_pid), harness.postgres_cpu(postmaster)
    gen_before, busy_before = children_cpu(), harness.machine_busy()
    if settings.generator == "wrk":
        load = harness.run_wrk(
            target.port, target.path, target.headers, settings.seconds, settings.connections, settings.threads
        )
    else:
        load = run_python(target, settings.seconds, settings.connections)
    server = harness.cpu_seconds(target.server_pid) - server_before
    db_after = harness.postgres_cpu(postmaster)
    generator = children_cpu() - gen_before
    busy = harness.machine_busy() - busy_before
    ours = server + generator + (0.0 if db_before is None or db_after is None else db_after - db_before)
    requests = max(load.requests, 1)
    return Sample(
        target=target.name,
        round=round_number,
        rps=load.rps,
        p50_ms=load.p50_ms,
        p99_ms=load.p99_ms,
        requests=load.requests,
        unexpected=load.errors,
        bytes_per_response=load.bytes_per_response,
        server_cpu_us=server / requests * 1e6,
        db_cpu_us=None if db_before is None or db_after is None else (db_after - db_before) / requests * 1e6,
        generator_cpu=generator / load.seconds if load.seconds else 0.0,
        other_cpu=max(busy - ours, 0.0) / load.seconds if load.seconds else 0.0,
    )


def benchmark(targets: list[Target], settings: Settings, postmaster: int | None) -> list[Sample]:
    if settings.warmup > 0:
        warm = Settings(**{**settings.__dict__, "seconds": settings.warmup})
        for target in targets:
            print(f"warm-up  {target.name:<12} {settings.warmup}s", flush=True)
            measure(target, warm, postmaster, 0)
    samples = []
    for round_number in range(1, settings.rounds + 1):
        for target in harness.rotation(targets, round_number):
            sample = measure(target, settings, postmaster, round_number)
            samples.append(sample)
            print(
                f"round {round_number}  {target.name:<12} {sample.rps:9.0f} req/s  p50 {sample.p50_ms:7.2f} ms  "
                f"p99 {sample.p99_ms:7.2f} ms  unexpected {sample.unexpected}  "
                f"other cores {sample.other_cpu:.2f}",
                flush=True,
            )
    return samples


@dataclass
class Summary:
    name: str
    rps: float
    rps_min: float
    rps_max: float
    p50_ms: float
    p99_ms: float
    server_cpu_us: float
    db_cpu_us: float | None
    generator_cpu: float
    other_cpu: float
    unexpected: int
    bytes_per_response: float | None


def summarize(samples: list[Sample], name: str) -> Summary:
    mine = [s for s in samples if s.target == name]
    db = [s.db_cpu_us for s in mine if s.db_cpu_us is not None]
    sizes = [s.bytes_per_response for s in mine if s.bytes_per_response is not None]
    return Summary(
        name=name,
        rps=harness.median_of(mine, "rps"),
        rps_min=min(s.rps for s in mine),
        rps_max=max(s.rps for s in mine),
        p50_ms=harness.median_of(mine, "p50_ms"),
        p99_ms=harness.median_of(mine, "p99_ms"),
        server_cpu_us=harness.median_of(mine, "server_cpu_us"),
        db_cpu_us=statistics.median(db) if db else None,
        generator_cpu=harness.median_of(mine, "generator_cpu"),
        other_cpu=harness.median_of(mine, "other_cpu"),
        unexpected=sum(s.unexpected for s in mine),
        bytes_per_response=statistics.median(sizes) if sizes else None,
    )


# --------------------------------------------------------------------------------------------------------------
# Report


def _ms(value: float) -> str:
    return f"{value:.2f}"


def render(
    settings: Settings,
    summaries: dict[str, Summary],
    samples: list[Sample],
    conditional: Conditional,
    labels: dict[str, str],
    database_kind: str,
    command: str,
    load: tuple[str, str],
) -> str:
    info = harness.machine()
    noisy = any(s.other_cpu > 0.1 for s in summaries.values())
    canon, minimal, c304 = summaries["canon"], summaries["minimal"], summaries["canon_304"]
    ratio = canon.rps / minimal.rps
    ratio_304 = c304.rps / minimal.rps
    per_round = harness.round_ratios(samples, "canon", "minimal", "rps")
    per_round_304 = harness.round_ratios(samples, "canon_304", "minimal", "rps")
    verdict = "meets" if ratio >= TARGET_RATIO else "misses"
    generator = (
        f"`wrk` ({settings.threads} thread)"
        if settings.generator == "wrk"
        else "the Python generator in this script (asyncio Protocol, 1 process)"
    )
    lines = [
        MARKS.start,
        "## Read path: `GET /v1/definitions/{slug}` vs a minimal Litestar endpoint",
        "",
        harness.written_by("read_path.py"),
        "",
        f"Command: `{command}`",
        "",
        f"- Machine: {info['description']}",
        f"- Software: {info['packages']}; uvicorn {info['uvicorn_impl']}",
        "- Servers: both started as `canon serve` starts Canon: `uvicorn.run(factory, workers=1, "
        'log_level="warning", proxy_headers=True)` on 127.0.0.1',
        f"- Database: {database_kind}, on the same machine",
        f"- Load: {generator}, {settings.connections} keep-alive connections, closed loop; "
        f"{settings.warmup} s warm-up per target, then {settings.rounds} rounds x {settings.seconds} s per target, "
        "the targets' order rotating each round. The generator, PostgreSQL and the server share the same "
        f"{info['nproc']} cores, so every number here includes that competition.",
        "- Canon is called with a reader key (`Authorization: Bearer …`, resolved through the key cache); "
        "the minimal endpoint receives the same header and ignores it.",
        "",
        "| target | requests/s (median) | min-max over rounds | p50 ms | p99 ms | server CPU µs/req "
        "| PostgreSQL CPU µs/req | bytes/response |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key in ("canon", "canon_304", "minimal"):
        s = summaries[key]
        db = "-" if s.db_cpu_us is None else f"{s.db_cpu_us:.0f}"
        size = "-" if s.bytes_per_response is None else f"{s.bytes_per_response:.0f}"
        lines.append(
            f"| {labels[key]} | **{s.rps:.0f}** | {s.rps_min:.0f}-{s.rps_max:.0f} | {_ms(s.p50_ms)} | "
            f"{_ms(s.p99_ms)} | {s.server_cpu_us:.0f} | {db} | {size} |"
        )
    unexpected = sum(s.unexpected for s in summaries.values())
    lines += [
        "",
        f"**Canon / minimal = {ratio:.0%}** (ratio of the medians; per round: "
        f"{', '.join(f'{r:.0%}' for r in per_round)}, median {statistics.median(per_round):.0%}). "
        f"Target ≥ {TARGET_RATIO:.0%}: **{verdict}** it.",
        "",
        f"Server CPU per request, minimal / Canon = {minimal.server_cpu_us / canon.server_cpu_us:.0%} "
        f"(304: {minimal.server_cpu_us / c304.server_cpu_us:.0%}): the ratio one CPU-bound worker would reach with "
        "a core of its own, whatever the neighbours do.",
        "",
        f"Conditional GET (304) / minimal = {ratio_304:.0%} "
        f"(per round: {', '.join(f'{r:.0%}' for r in per_round_304)}).",
        "",
        f"Unexpected responses or socket errors during the measurements: {unexpected}.",
        "",
        "Conditional GET check (before the load):",
        "",
        f"- `GET` → 200, `ETag: {conditional.etag}`, {conditional.body_bytes} bytes of JSON, current version published",
        f"- same `GET` with `If-None-Match: {conditional.etag}` → **{conditional.status_304}**"
        f" (ETag header on the 304: {'yes' if 'etag' in conditional.headers_304 else 'no'})",
        f'- with the weak form `W/{conditional.etag}` → {conditional.weak_304}; with a stale tag `"0"` → '
        f"{conditional.stale_status}",
        f"- verdict: {'304 works as specified' if conditional.ok else 'FAILED'}",
        "",
        f"Generator CPU (median, cores): canon {canon.generator_cpu:.2f}, 304 {c304.generator_cpu:.2f}, "
        f"minimal {minimal.generator_cpu:.2f}. Server CPU µs/req is the CPU time of the uvicorn process divided by "
        "the requests it served (PostgreSQL's likewise): it is less sensitive to the neighbours than req/s.",
        "",
        f"Noise: other processes on the machine kept a median of {canon.other_cpu:.2f} / {c304.other_cpu:.2f} / "
        f"{minimal.other_cpu:.2f} cores busy during the canon / 304 / minimal measurements "
        f"(load average {load[0]} before, {load[1]} after). "
        + ("Treat the absolute numbers with care; the ratios compare rounds run side by side." if noisy else ""),
        "",
        "<details><summary>Every round</summary>",
        "",
        "| round | target | requests/s | p50 ms | p99 ms | requests | unexpected | other cores busy |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {s.round} | {labels[s.target]} | {s.rps:.0f} | {_ms(s.p50_ms)} | {_ms(s.p99_ms)} | {s.requests} "
        f"| {s.unexpected} | {s.other_cpu:.2f} |"
        for s in samples
    ]
    lines += ["", "</details>", MARKS.end]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------------------------
# Main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Canon read path vs a minimal Litestar endpoint, in one run.")
    harness.add_load_options(parser, connections=32)
    parser.add_argument(
        "--generator",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="load generator: wrk when on PATH (auto), or the built-in Python one",
    )
    harness.add_wait_idle_option(parser)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1: the server needs the cores)")
    harness.add_output_options(parser)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    generator = args.generator
    if generator == "auto":
        generator = "wrk" if shutil.which("wrk") else "python"
    elif generator == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not on PATH: install it or use --generator python")
    settings = Settings(args.seconds, args.rounds, args.connections, args.warmup, generator, args.threads)
    command = "python bench/read_path.py " + " ".join(
        f"--{k} {v}" for k, v in (("seconds", args.seconds), ("rounds", args.rounds), ("connections", args.connections))
    )
    command += f" (load generator: {generator})"
    if args.wait_idle > 0:
        harness.wait_idle(args.wait_idle)
    with harness.run_folder("canon-bench-") as (procs, _folder):
        section = run(procs, settings, command)
    harness.write_or_print(section, MARKS, args)


def run(procs: harness.Processes, settings: Settings, command: str) -> str:
    admin = harness.admin_key()
    with harness.database() as (url, postmaster):
        env = harness.canon_env(url, admin)
        harness.migrate(env)
        canon, canon_port = harness.start_canon(procs, env)
        path, reader = seed(canon_port, admin)
        conditional = check_conditional(canon_port, path, reader)
        if not conditional.ok:
            raise RuntimeError(f"conditional GET failed: {conditional}")
        print(f"seeded {path}: {conditional.body_bytes} bytes, ETag {conditional.etag}, 304 ok", flush=True)

        minimal_port = harness.free_port()
        minimal_env = {**os.environ, "MINIMAL_BODY_BYTES": str(conditional.body_bytes)}
        minimal_app = [sys.executable, str(BENCH / "minimal_app.py")]
        minimal = procs.start(
            "minimal", [*minimal_app, "--host", harness.HOST, "--port", str(minimal_port)], minimal_env
        )
        harness.wait_ready(procs, "minimal", minimal, minimal_port, MINIMAL_PATH)

        auth = {"Authorization": f"Bearer {reader}"}
        targets = [
            Target("canon", f"Canon `GET {path}`", canon_port, path, auth, 200, canon.pid),
            Target(
                "canon_304",
                "Canon, `If-None-Match` → 304",
                canon_port,
                path,
                {**auth, "If-None-Match": conditional.etag},
                304,
                canon.pid,
            ),
            Target(
                "minimal", f"minimal Litestar `GET {MINIMAL_PATH}`", minimal_port, MINIMAL_PATH, auth, 200, minimal.pid
            ),
        ]
        load_before = harness.load_average()
        samples = benchmark(targets, settings, postmaster)
        load_after = harness.load_average()
        summaries = {t.name: summarize(samples, t.name) for t in targets}
        labels = {t.name: t.label for t in targets}
        kind = harness.database_kind(postmaster)
        section = render(settings, summaries, samples, conditional, labels, kind, command, (load_before, load_after))
        procs.stop_all()  # before the database goes away
        return section


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "_load":
        generator_main(sys.argv[2])
    else:
        main()
