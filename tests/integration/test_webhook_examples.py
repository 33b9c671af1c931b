"""The receivers in examples/webhooks/ are what docs/webhooks.md shows, word for word, and they work: the Node and
Python receivers run as processes of their own on 127.0.0.1, get real deliveries from Canon's worker, verify them with
their Standard Webhooks library (also during a secret rotation), do the work once per webhook-id, and answer 401 to
anything forged or tampered with. The Go receiver is checked against the guide only: Go is not on the test machines.

The Node receiver's dependency is installed from its committed package-lock.json (`npm ci`) when node_modules lacks
the locked version. Node and npm must be on PATH: the test fails, rather than skips, without them."""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import httpx
import pytest
from litestar.testing import AsyncTestClient

from service.config import Settings
from service.store.database import Pool
from service.webhooks import signing
from tests import processes
from tests.support import Api
from tests.webhook_fixtures import deliveries, free_port, running_worker, settled, subscribe, until

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "webhooks.md"
EXAMPLES = ROOT / "examples" / "webhooks"
NODE_EXAMPLE = EXAMPLES / "node"
RECEIVER_FILES = {
    "python": "examples/webhooks/python/receiver.py",
    "node": "examples/webhooks/node/receiver.js",
    "go": "examples/webhooks/go/main.go",
}
START_SECONDS = 15.0
DELIVERY_SECONDS = 15.0

# A quoted file in the guide: a line that is only a link to it, then a fenced block with its whole text.
QUOTED_FILE = re.compile(r"^\[`(?P<path>[^`]+)`\]\(\.\./(?P=path)\)\n\n```[a-z]*\n(?P<text>.*?)^```$", re.M | re.S)


# --- the guide quotes the files -------------------------------------------------------------------------------------


def test_the_guide_quotes_every_example_receiver_exactly() -> None:
    quoted = {match["path"]: match["text"] for match in QUOTED_FILE.finditer(GUIDE.read_text())}
    assert set(RECEIVER_FILES.values()) <= quoted.keys(), f"the guide quotes {sorted(quoted)}"
    for path, text in quoted.items():
        assert text == (ROOT / path).read_text(), f"docs/webhooks.md and {path} differ: copy the file into the guide"


def test_the_node_dependency_is_pinned_exactly() -> None:
    wanted = json.loads((NODE_EXAMPLE / "package.json").read_text())["dependencies"]["standardwebhooks"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", wanted), f"pin an exact version, not {wanted!r}"
    assert processes.locked_version(NODE_EXAMPLE, "standardwebhooks") == wanted


# --- the receivers at work ------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def node() -> str:
    """The node binary, with the example's locked dependency installed next to it (quick when already there)."""
    return processes.node_with(NODE_EXAMPLE, "standardwebhooks", "test examples/webhooks/node")


class ReceiverProcess:
    """An example receiver running as a process on 127.0.0.1:`port`. Its stdout, one JSON object per line (what it
    handled, skipped as a duplicate or rejected), is collected as it comes."""

    def __init__(self, command: list[str], cwd: Path, secret: str, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}/hooks/canon"
        self.port = port
        environment = {**os.environ, "CANON_WEBHOOK_SECRET": secret, "HOST": "127.0.0.1", "PORT": str(port)}
        self.process = subprocess.Popen(
            command, cwd=cwd, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        self.lines: list[dict[str, Any]] = []
        self.errors: list[str] = []
        self._readers = [
            threading.Thread(target=self._collect_lines, daemon=True),
            threading.Thread(target=self._collect_errors, daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    def logged(self, outcome: str) -> list[dict[str, Any]]:
        return [line for line in list(self.lines) if line["outcome"] == outcome]

    @property
    def output(self) -> str:
        return "stdout:\n" + "\n".join(map(json.dumps, self.lines)) + "\nstderr:\n" + "".join(self.errors)

    def wait_until_listening(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the receiver exited with {self.process.returncode}:\n{self.output}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return
            time.sleep(0.05)
        pytest.fail(f"the receiver did not listen within {START_SECONDS} s:\n{self.output}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        for reader in self._readers:
            reader.join(5)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()

    def _collect_lines(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            try:
                self.lines.append(json.loads(line))
            except ValueError:
                self.errors.append(f"not JSON on stdout: {line}")

    def _collect_errors(self) -> None:
        assert self.process.stderr is not None
        self.errors.extend(self.process.stderr)


class StartReceiver(Protocol):
    def __call__(self, language: str, secret: str, port: int) -> ReceiverProcess: ...


@pytest.fixture
def start_receiver(request: pytest.FixtureRequest) -> Iterator[StartReceiver]:
    """`start_receiver(language, secret, port)` runs that language's example receiver; stopped when the test ends."""
    started: list[ReceiverProcess] = []

    def start(language: str, secret: str, port: int) -> ReceiverProcess:
        if language == "node":
            command = [request.getfixturevalue("node"), "receiver.js"]
        else:
            command = [sys.executable, "receiver.py"]
        receiver = ReceiverProcess(command, EXAMPLES / language, secret, port)
        started.append(receiver)
        receiver.wait_until_listening()
        return receiver

    yield start
    for receiver in started:
        receiver.stop()


async def handled(receiver: ReceiverProcess, count: int) -> list[dict[str, Any]]:
    await until(
        lambda: len(receiver.logged("handled")) >= count, DELIVERY_SECONDS, f"{count} handled event(s) in the receiver"
    )
    return receiver.logged("handled")


@pytest.mark.parametrize("language", ["node", "python"])
async def test_the_example_receiver_verifies_real_deliveries_once_each(
    language: str,
    start_receiver: StartReceiver,
    hook_client: AsyncTestClient[Any],
    hook_pool: Pool,
    hook_settings: Settings,
) -> None:
    # The URL is known before the receiver runs, and the secret only once it is subscribed.
    port = free_port()
    sub = await subscribe(hook_client, f"http://127.0.0.1:{port}/hooks/canon", event_types=["definition.created"])
    receiver = start_receiver(language, sub.secret, port)
    api = Api(hook_client)
    async with running_worker(hook_pool, hook_settings):
        await api.create("mql")
        [first] = await handled(receiver, 1)
        await until(lambda: settled(hook_pool), DELIVERY_SECONDS, "the delivery to be recorded")
        [row] = await deliveries(hook_pool, sub.id)
        assert (row.status, row.last_status) == ("succeeded", 204), receiver.output
        assert (first["webhook_id"], first["type"], first["data"]["slug"]) == (
            f"msg_{row.id}",
            "definition.created",
            "mql",
        )

        # The same message again (a manual retry keeps the webhook-id): acknowledged, not handled twice.
        retried = await hook_client.post(f"/v1/webhooks/{sub.id}/deliveries/{row.id}/retry")
        assert retried.status_code == 202, retried.text
        await until(lambda: bool(receiver.logged("duplicate")), DELIVERY_SECONDS, "the receiver to see the duplicate")
        await until(lambda: settled(hook_pool), DELIVERY_SECONDS, "the retry to be recorded")
        [again] = await deliveries(hook_pool, sub.id)
        assert (again.status, again.attempts, again.last_status) == ("succeeded", 2, 204)
        assert receiver.logged("duplicate") == [{"outcome": "duplicate", "webhook_id": f"msg_{row.id}"}]

        # During a rotation a receiver still holding the old secret verifies the message signed with both.
        rotation = await hook_client.post(f"/v1/webhooks/{sub.id}/rotate-secret")
        assert rotation.status_code == 200, rotation.text
        await api.create("sql")
        second = (await handled(receiver, 2))[1]
        assert (second["type"], second["data"]["slug"]) == ("definition.created", "sql")

    assert receiver.logged("rejected") == [], receiver.output


@pytest.mark.parametrize("language", ["node", "python"])
async def test_the_example_receiver_answers_401_to_forgeries(language: str, start_receiver: StartReceiver) -> None:
    secret = signing.new_secret()
    receiver = start_receiver(language, secret, free_port())
    body = json.dumps(
        {"type": "definition.retired", "timestamp": "2026-11-23T08:11:43+00:00", "data": {"slug": "mql"}}
    ).encode()
    now = int(time.time())

    def signed(msg_id: str, *, secrets: tuple[str, ...] = (secret,), at: int = now) -> dict[str, str]:
        """The headers Canon's own signer puts on `body`."""
        return signing.headers(list(secrets), msg_id, at, body)

    forgeries = {
        "a tampered body": (signed("msg_tampered"), body.replace(b"retired", b"restored")),
        "another secret": (signed("msg_other_secret", secrets=(signing.new_secret(),)), body),
        "a stale timestamp": (signed("msg_stale", at=now - 600), body),
        "no signature": ({**signed("msg_unsigned"), "webhook-signature": ""}, body),
        "a malformed signature": ({**signed("msg_malformed"), "webhook-signature": "v1"}, body),
    }
    async with httpx.AsyncClient(timeout=5) as client:
        for forgery, (headers, content) in forgeries.items():
            response = await client.post(receiver.url, headers=headers, content=content)
            assert response.status_code == 401, f"{forgery}: {response.status_code}\n{receiver.output}"
        # The same request, signed properly: only the forgery made the difference.
        genuine = await client.post(receiver.url, headers=signed("msg_genuine"), content=body)
        assert genuine.status_code == 204, receiver.output

    [done] = await handled(receiver, 1)
    assert (done["webhook_id"], done["type"]) == ("msg_genuine", "definition.retired")
    assert len(receiver.logged("rejected")) == len(forgeries), receiver.output
