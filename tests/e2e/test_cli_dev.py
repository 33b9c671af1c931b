"""`canon` as its users run it: the console script in a subprocess, over the embedded PostgreSQL in a data directory.

Every CLI process that touches the database starts the embedded server under `CANON_DATA_DIR/postgres` and stops it
when it exits, so each test checks that no PostgreSQL process outlives it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from service.contracts import rendered_contracts

pytestmark = pytest.mark.e2e

CANON = Path(sys.executable).parent / "canon"
START_SECONDS = 60.0
STOP_SECONDS = 15.0
CLI_SECONDS = 120.0
BOOTSTRAP_KEY = "e2e-bootstrap-admin-key"
QUALIFYING_LEAD = {"company": {"employees": 300, "country": "DE"}, "email": "vp@acme.de", "score": 72}


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The caller's environment without any CANON_* setting, pointed at `data_dir`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CANON_")}
    env.update(CANON_DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1", **extra)
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _postgres_processes(data_dir: Path) -> list[psutil.Process]:
    """PostgreSQL server processes serving a cluster under `data_dir`."""
    found = []
    needle = str(data_dir.resolve())
    for proc in psutil.process_iter(attrs=["name", "cmdline"]):
        cmdline = proc.info["cmdline"] or []
        if proc.info["name"] == "postgres" and any(needle in part for part in cmdline):
            found.append(proc)
    return found


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    """A fresh CANON_DATA_DIR; afterwards no PostgreSQL may still run on it (one that does is stopped, then fails)."""
    folder = tmp_path / "canon-data"
    yield folder
    leaked = _postgres_processes(folder)
    for proc in leaked:  # the postmaster shuts its children down with it: a fast shutdown
        with contextlib.suppress(psutil.NoSuchProcess):
            if proc.parent() is None or proc.parent().name() != "postgres":
                proc.send_signal(signal.SIGINT)
    psutil.wait_procs(leaked, timeout=10)
    assert not leaked, f"embedded PostgreSQL outlived the canon process: {[p.pid for p in leaked]}"


class Dev:
    """`canon dev` in a subprocess, with its output collected as it runs."""

    def __init__(self, data_dir: Path, env: dict[str, str]) -> None:
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            [str(CANON), "dev", "--host", "127.0.0.1", "--port", str(self.port)],
            env=env,
            cwd=data_dir.parent,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_ready(self) -> str:
        """Wait for /healthz and the banner; return the admin key the banner prints."""
        deadline = time.monotonic() + START_SECONDS
        healthy = False
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"canon dev exited with {self.proc.returncode}:\n{self.output}"
            if not healthy:
                with contextlib.suppress(httpx.TransportError):
                    healthy = httpx.get(f"{self.base_url}/healthz", timeout=2).status_code == 200
            found = re.search(r"Admin key: (\S+)", self.output)
            if healthy and found:
                return found.group(1)
            time.sleep(0.1)
        pytest.fail(f"canon dev not ready after {START_SECONDS} s (healthy={healthy}):\n{self.output}")

    def client(self, key: str) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, headers={"Authorization": f"Bearer {key}"}, timeout=10)

    def terminate(self) -> None:
        """SIGTERM: the process must exit by itself within STOP_SECONDS (not die of the signal, which skips cleanup)."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"canon dev still running {STOP_SECONDS} s after SIGTERM:\n{self.output}")
        self._close()
        assert code in (0, 128 + signal.SIGTERM), f"canon dev exited with {code} on SIGTERM:\n{self.output}"

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self._close()

    def _close(self) -> None:
        self._reader.join(5)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


@contextlib.contextmanager
def dev(data_dir: Path, **env: str) -> Iterator[Dev]:
    running = Dev(data_dir, _env(data_dir, **env))
    try:
        yield running
    finally:
        running.kill()


def canon(data_dir: Path, *args: str, check: bool = True, **settings: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(CANON), *args],
        env=_env(data_dir, **settings),
        cwd=data_dir.parent,
        capture_output=True,
        text=True,
        timeout=CLI_SECONDS,
        check=False,
    )
    if check:
        assert result.returncode == 0, f"canon {' '.join(args)} -> {result.returncode}\n{result.stdout}{result.stderr}"
    return result


def _assert_the_seeded_glossary_is_served(http: httpx.Client) -> None:
    listed = http.get("/v1/definitions")
    assert listed.status_code == 200, listed.text
    assert {"lead", "mql", "sql"} <= {item["slug"] for item in listed.json()["items"]}
    for slug in ("lead", "mql", "sql"):
        response = http.get(f"/v1/definitions/{slug}")
        assert response.status_code == 200, response.text
        assert response.headers["etag"]
        body = response.json()
        assert body["current_version"] == 1
        assert body["version"]["status"] == "published"
        assert {a["team"] for a in body["version"]["approvals"]} >= {"sales", "marketing"}
        assert body["version"]["pending_teams"] == []


def _assert_docs_probes_and_evaluation_work(dev_server: Dev, http: httpx.Client) -> None:
    docs = httpx.get(f"{dev_server.base_url}/schema", timeout=10)
    assert docs.status_code == 200
    assert docs.headers["content-type"].startswith("text/html")
    assert "<html" in docs.text.lower()
    openapi = httpx.get(f"{dev_server.base_url}/schema/openapi.json", timeout=10)
    assert openapi.status_code == 200
    assert openapi.json()["info"]["title"] == "Canon"
    assert "/v1/definitions/{slug}/evaluate" in openapi.json()["paths"]
    ready = http.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["status"] == "ready"

    evaluated = http.post("/v1/definitions/mql/evaluate", json={"record": QUALIFYING_LEAD})
    assert evaluated.status_code == 200, evaluated.text
    assert evaluated.json()["matched"] is True
    assert evaluated.json()["version"] == 1
    free_mail = http.post("/v1/definitions/mql/evaluate", json={"record": {**QUALIFYING_LEAD, "email": "x@gmail.com"}})
    assert free_mail.status_code == 200, free_mail.text
    assert free_mail.json()["matched"] is False


def _console_key(output: str) -> str:
    found = re.search(r"Console: .*\(sign in as Avery Kim \(admin\) with (canon_\S+)\)", output)
    assert found, output
    return found.group(1)


def _assert_signs_in_to_the_console(http: httpx.Client, key: str) -> None:
    """The key `canon dev` prints for the console opens a session as its admin person (the admin key would not)."""
    form = http.get("/console/sign-in")
    assert form.status_code == 200, form.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert csrf, form.text
    signed_in = http.post("/console/sign-in", data={"key": key, "csrf_token": csrf.group(1)})
    assert (signed_in.status_code, signed_in.headers.get("location")) == (303, "/console/glossary"), signed_in.text
    glossary = http.get("/console/glossary")
    assert glossary.status_code == 200
    assert "Avery Kim (admin)" in glossary.text


def _all_events(http: httpx.Client) -> list[dict[str, object]]:
    response = http.get("/v1/events", params={"limit": 200})
    assert response.status_code == 200, response.text
    items: list[dict[str, object]] = response.json()["items"]
    return items


def test_dev_seeds_serves_and_keeps_its_data_and_key_across_restarts(data_dir: Path) -> None:
    with dev(data_dir) as first:
        admin_key = first.wait_ready()
        assert admin_key.startswith("canon_")
        assert "(seeded: lead, mql, sql)" in first.output
        assert f"Canon is running at {first.base_url}" in first.output
        assert f"Console:   {first.base_url}/console " in first.output
        console_key = _console_key(first.output)
        with first.client(admin_key) as http:
            _assert_signs_in_to_the_console(http, console_key)
            _assert_the_seeded_glossary_is_served(http)
            _assert_docs_probes_and_evaluation_work(first, http)
            created = http.post("/v1/keys", json={"name": "kept", "role": "reader"})
            assert created.status_code == 201, created.text
            reader_key = created.json()["key"]
            assert http.get("/v1/definitions/mql", headers={"Authorization": "Bearer nope"}).status_code == 401
        with first.client(reader_key) as http:
            events = _all_events(http)
            # A reader's feed shows the three publications (each in effect at once), not the reviews before them.
            assert [(e["type"], e["data"]["slug"]) for e in events] == [  # type: ignore[index]
                (kind, slug)
                for slug in ("lead", "mql", "sql")
                for kind in ("definition.published", "definition.effective")
            ]
        first.terminate()
    assert (data_dir / "dev-admin.key").read_text().strip() == admin_key
    assert not _postgres_processes(data_dir), "the embedded PostgreSQL must stop with canon dev"

    with dev(data_dir) as second:
        assert second.wait_ready() == admin_key, "a restart prints the same admin key"
        assert _console_key(second.output) == console_key, "and the same console key"
        assert "seeded:" not in second.output, "a restart does not seed again"
        with second.client(reader_key) as http:
            _assert_the_seeded_glossary_is_served(http)
            assert _all_events(http) == events, "a restart adds no events: nothing was re-seeded"
        second.terminate()


def test_dev_with_a_bootstrap_key_prints_and_accepts_that_key(data_dir: Path) -> None:
    with dev(data_dir, CANON_BOOTSTRAP_ADMIN_KEY=BOOTSTRAP_KEY) as server:
        assert server.wait_ready() == BOOTSTRAP_KEY
        with server.client(BOOTSTRAP_KEY) as http:
            _assert_the_seeded_glossary_is_served(http)
            evaluated = http.post("/v1/definitions/mql/evaluate", json={"record": QUALIFYING_LEAD})
            assert evaluated.status_code == 200, evaluated.text
            assert evaluated.json()["matched"] is True
            assert http.get("/v1/keys").status_code == 200, "the bootstrap key is an admin key"
        server.terminate()
    assert not (data_dir / "dev-admin.key").exists(), "no dev key is minted when a bootstrap key is set"


def test_keys_need_migrations_then_create_list_and_revoke(data_dir: Path) -> None:
    refused = canon(data_dir, "keys", "list", check=False)
    assert refused.returncode != 0
    assert "run `canon migrate` first" in refused.stderr, refused.stderr

    assert canon(data_dir, "migrate").stdout.startswith("applied ")
    assert canon(data_dir, "migrate").stdout.strip() == "applied 0 migration(s)", "migrate is idempotent"

    issued = json.loads(canon(data_dir, "keys", "create", "--name", "x", "--role", "reader").stdout)
    assert issued["key"].startswith("canon_")
    assert issued["role"] == "reader"
    key_id = issued["id"]

    listed = canon(data_dir, "keys", "list").stdout
    line = next(line for line in listed.splitlines() if line.startswith(key_id))
    assert "active" in line
    assert line.split()[-3:] == ["x", "service", "service:x"]

    assert canon(data_dir, "keys", "revoke", key_id).stdout.strip() == f"revoked {key_id} (x)"
    line = next(line for line in canon(data_dir, "keys", "list").stdout.splitlines() if line.startswith(key_id))
    assert "revoked" in line


def test_people_and_their_keys_from_the_command_line(data_dir: Path) -> None:
    canon(data_dir, "migrate")
    person = canon(
        data_dir,
        "people",
        "create",
        "--subject",
        "dana@acme.example",
        "--name",
        "Dana",
        "--role",
        "approver",
        "--team",
        "marketing",
        "--team",
        "sales",
    )
    assert json.loads(person.stdout)["teams"] == ["marketing", "sales"]
    issued = json.loads(
        canon(data_dir, "keys", "create", "--name", "dana-laptop", "--person", "dana@acme.example").stdout
    )
    assert (issued["role"], issued["principal"]["subject"]) == ("approver", "dana@acme.example")
    refused = canon(data_dir, "keys", "create", "--name", "bot", "--role", "approver", check=False)
    assert refused.returncode != 0
    assert "services never approve" in refused.stderr
    duplicate = canon(data_dir, "keys", "create", "--name", "dana-laptop", "--person", "dana@acme.example", check=False)
    assert "key names are unique" in duplicate.stderr
    changed = canon(data_dir, "people", "update", "dana@acme.example", "--team", "sales", "--active", "no")
    assert (json.loads(changed.stdout)["teams"], json.loads(changed.stdout)["active"]) == (["sales"], False)
    listed = canon(data_dir, "people", "list").stdout.split()
    assert listed[:4] == ["dana@acme.example", "approver", "sales", "deactivated"]
    bad = canon(data_dir, "people", "create", "--subject", "no spaces", "--name", "X", check=False)
    assert bad.returncode != 0
    assert "subject" in bad.stderr


def test_keys_create_rejects_an_unknown_role_before_touching_the_database(data_dir: Path) -> None:
    result = canon(data_dir, "keys", "create", "--name", "x", "--role", "owner", check=False)
    assert result.returncode == 2
    assert "invalid choice: 'owner'" in result.stderr
    assert not data_dir.exists()


def test_a_bad_setting_stops_any_command_with_its_variable_named(data_dir: Path) -> None:
    result = canon(data_dir, "migrate", check=False, CANON_MEILISEARCH_INDEX="canon entries")
    assert result.returncode == 1
    assert result.stderr.startswith("canon: CANON_MEILISEARCH_INDEX: Expected `str` matching regex"), result.stderr
    assert "Traceback" not in result.stderr
    assert not data_dir.exists()


def test_openapi_writes_the_contracts_under_root(tmp_path: Path) -> None:
    root = tmp_path / "out"
    result = canon(tmp_path / "unused", "openapi", "--root", str(root))
    expected = rendered_contracts()
    assert sorted(Path(line).relative_to(root).as_posix() for line in result.stdout.split()) == sorted(expected)
    for relative, content in expected.items():
        assert (root / relative).read_bytes() == content, relative
    assert not (tmp_path / "unused").exists(), "canon openapi needs no database"
