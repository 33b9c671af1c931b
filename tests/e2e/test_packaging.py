"""What the container image does, without a container engine: build the wheel, install the runtime dependencies
from requirements.lock (pins and hashes checked, wheels only) and then the wheel without resolving anything again into
a fresh virtual environment, and run `canon migrate`, `canon serve` and `canon worker` from there against an empty
database, from a directory outside the checkout.

The locked wheels are kept in a wheelhouse between runs (`CANON_TEST_WHEELHOUSE`, default
`~/.cache/canon/test-wheelhouse`), so only the first run after the lock changes downloads them from the package index;
later runs install offline in a few seconds. The Dockerfile runs the same steps (build the wheel, install the lock,
install the wheel, `pip check`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.webhook_fixtures import free_port

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
DEV_ONLY = ("pytest", "mypy", "ruff", "hypothesis", "schemathesis", "moto", "helm-python-sdk")


def _wheelhouse() -> Path:
    configured = os.environ.get("CANON_TEST_WHEELHOUSE")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = Path(configured) if configured else cache / "canon" / "test-wheelhouse"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _run(*args: str | Path, timeout: float = 120, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=timeout, cwd=cwd, env=env, check=False
    )
    assert result.returncode == 0, (
        f"{' '.join(map(str, args))} -> {result.returncode}\n{result.stdout}\n{result.stderr}"
    )
    return result.stdout


def _pip(*args: str | Path, timeout: float = 300) -> str:
    return _run(sys.executable, "-m", "pip", "--disable-pip-version-check", *args, timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the locked runtime dependencies and the built wheel, installed as the
    Dockerfile installs them; returns its `bin/`."""
    work = tmp_path_factory.mktemp("packaging")
    _pip("wheel", ROOT, "--no-deps", "--wheel-dir", work / "dist", "--quiet")
    [wheel] = (work / "dist").glob("canon-*.whl")
    venv = work / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    house = _wheelhouse()
    locked = ("--require-hashes", "--only-binary=:all:", "-r", ROOT / "requirements.lock")
    offline = ("--python", python, "install", "--quiet", "--no-compile", "--no-index", "--find-links", house, *locked)
    try:
        _pip(*offline)
    except AssertionError:  # a locked wheel is not in the wheelhouse yet: fetch it from the index once
        _pip("download", "--quiet", "--dest", house, *locked)
        _pip(*offline)
    _pip("--python", python, "install", "--quiet", "--no-compile", "--no-index", "--no-deps", wheel)
    _pip("--python", python, "check")  # the lock satisfies everything the wheel requires
    return venv / "bin"


def test_the_wheel_holds_the_package_and_its_migrations_and_nothing_else(installed: Path) -> None:
    [wheel] = (installed.parent.parent / "dist").glob("canon-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.startswith("service/_migrations/0001_") for n in names)
    assert not [n for n in names if n.startswith(("tests/", "bench/", "helm/"))]
    # The docs pages' scripts and styles (service/api/docs_assets.py), every file the manifest names.
    manifest = json.loads((ROOT / "service/api/static/manifest.json").read_text())
    static = {f"service/api/static/{asset['file']}" for asset in manifest["assets"]}
    assert static | {"service/api/static/manifest.json"} <= set(names), static - set(names)
    listed = json.loads(_pip("--python", installed / "python", "list", "--format", "json"))
    present = {item["name"].lower() for item in listed}
    assert "canon" in present
    assert not present & set(DEV_ONLY), f"dev dependencies installed: {present & set(DEV_ONLY)}"


def _env(database_url: str, folder: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CANON_", "PYTHON", "VIRTUAL_ENV"))}
    env.update(CANON_DATABASE_URL=database_url, CANON_DATA_DIR=str(folder / "data"), **extra)
    return env


@contextlib.contextmanager
def _process(args: list[str], env: dict[str, str], folder: Path, log_name: str) -> Iterator[subprocess.Popen[bytes]]:
    log = folder / log_name
    with log.open("wb") as out:
        proc = subprocess.Popen(args, env=env, cwd=folder, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def _process_figures(scrape: str, launched: float) -> dict[str, float]:
    """The `process_*` samples of a scrape, after checking they describe a process started at `launched`."""
    figures = {
        sample.name: sample.value
        for family in text_string_to_metric_families(scrape)
        for sample in family.samples
        if sample.name.startswith("process_")
    }
    assert set(figures) == {
        "process_cpu_seconds_total",
        "process_virtual_memory_bytes",
        "process_resident_memory_bytes",
        "process_start_time_seconds",
        "process_open_fds",
        "process_max_fds",
    }, figures
    # The kernel's boot time is whole seconds: the start time read from /proc may be up to a second early.
    assert launched - 1.5 <= figures["process_start_time_seconds"] <= time.time(), (launched, figures)
    assert 10 * 2**20 < figures["process_resident_memory_bytes"] <= figures["process_virtual_memory_bytes"], figures
    assert 0 < figures["process_open_fds"] < figures["process_max_fds"], figures
    assert 0 < figures["process_cpu_seconds_total"] < time.time() - launched + 1, figures
    return figures


def _read(log: Path) -> str:
    return log.read_text()


async def _wait_for(url: str, proc: subprocess.Popen[bytes], log: Path, seconds: float = 30) -> None:
    """Until `url` answers 200; fails with the process's log if it exits or `seconds` pass first."""
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(timeout=5) as http:
        while True:
            assert proc.poll() is None, _read(log)
            with contextlib.suppress(httpx.TransportError):
                if (await http.get(url)).status_code == 200:
                    return
            assert time.monotonic() < deadline, _read(log)
            await asyncio.sleep(0.1)


async def _console_is_served(http: httpx.AsyncClient) -> None:
    """The console's templates and static files came with the wheel."""
    sign_in = await http.get("/console/sign-in")
    assert sign_in.status_code == 200, sign_in.text
    [script] = re.findall(r'<script src="(/console/static/[^"]+)"', sign_in.text)
    assert (await http.get(script)).status_code == 200


async def test_the_installed_wheel_migrates_serves_and_works(
    installed: Path, empty_database_url: str, tmp_path: Path
) -> None:
    canon = str(installed / "canon")
    env = _env(empty_database_url, tmp_path)
    where = _run(installed / "python", "-c", "import service; print(service.__file__)", cwd=tmp_path)
    assert where.startswith(str(installed.parent)), f"imported from the checkout, not the wheel: {where}"

    migrated = await asyncio.to_thread(_run, canon, "migrate", cwd=tmp_path, env=env)
    assert migrated.startswith("applied ")
    assert "0001_initial" in migrated

    port = free_port()
    launched = time.time()
    with _process([canon, "serve", "--host", "127.0.0.1", "--port", str(port)], env, tmp_path, "serve.log") as serve:
        await _wait_for(f"http://127.0.0.1:{port}/healthz", serve, tmp_path / "serve.log")
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as http:
            ready = await http.get("/readyz")
            assert ready.status_code == 200, ready.text
            scraped = (await http.get("/metrics")).text
            assert "canon_http_requests_total" in scraped
            _process_figures(scraped, launched)
            docs = await http.get("/schema")
            assert docs.status_code == 200, docs.text
            [script] = re.findall(r'<script src="(/schema/static/[^"]+)"', docs.text)
            served = await http.get(script)
            assert served.status_code == 200, served.text
            assert served.headers["content-type"] == "text/javascript; charset=utf-8"
            await _console_is_served(http)
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(15) in (0, 128 + signal.SIGTERM)
    first = (tmp_path / "serve.log").read_text().splitlines()[0]
    assert json.loads(first)["level"] in {"info", "warning"}, "canon serve logs JSON by default"

    metrics_port = free_port()
    worker_env = {**env, "CANON_WORKER_METRICS_HOST": "127.0.0.1", "CANON_WORKER_METRICS_PORT": str(metrics_port)}
    launched = time.time()
    with _process([canon, "worker"], worker_env, tmp_path, "worker.log") as worker:
        conn = await asyncpg.connect(empty_database_url)
        try:
            deadline = time.monotonic() + 30
            while not await conn.fetchval("SELECT count(*) FROM worker_heartbeats"):
                assert worker.poll() is None, (tmp_path / "worker.log").read_text()
                assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()
                await asyncio.sleep(0.1)
        finally:
            await conn.close()
        await _wait_for(f"http://127.0.0.1:{metrics_port}/healthz", worker, tmp_path / "worker.log")
        async with httpx.AsyncClient(timeout=5) as http:
            scraped = (await http.get(f"http://127.0.0.1:{metrics_port}/metrics")).text
        assert "canon_db_pool_connections" in scraped
        _process_figures(scraped, launched)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(15) == 0, (tmp_path / "worker.log").read_text()
