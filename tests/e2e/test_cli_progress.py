"""`canon --version`, and the progress `canon reindex` and `canon gc` show on a terminal (a pseudo-terminal here)
but never in logs or pipes, where only their summary line appears."""

from __future__ import annotations

import asyncio
import importlib.metadata
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from service.blobs.local import LocalBlobStore
from tests.support import definition_body

pytestmark = pytest.mark.e2e

CANON = Path(sys.executable).parent / "canon"
SECONDS = 120.0


def _env(database_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CANON_")}
    env.update(CANON_DATABASE_URL=database_url, CANON_DATA_DIR=str(data_dir), **extra)
    return env


def _on_a_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run `canon` with stdout and stderr on one pseudo-terminal; its exit code and everything it wrote there."""
    main, secondary = pty.openpty()
    try:
        proc = subprocess.Popen(
            [str(CANON), *args], stdin=subprocess.DEVNULL, stdout=secondary, stderr=secondary, env=env
        )
    finally:
        os.close(secondary)
    out = bytearray()
    deadline = time.monotonic() + SECONDS
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([main], [], [], 0.5)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(main, 65536)
            except OSError:  # EIO: the process exited and closed its end
                break
            if not chunk:
                break
            out += chunk
        code = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(main)
    return code, out.decode().replace("\r\n", "\n")  # the terminal's line discipline turns \n into \r\n


def _screen(output: str) -> list[str]:
    """The lines a terminal shows after `output`: a carriage return goes back to the margin, ESC [K erases the rest of
    the line, other text overwrites."""
    rows = []
    for line in output.split("\n"):
        cells: list[str] = []
        column = 0
        at = 0
        while at < len(line):
            if line.startswith("\x1b[K", at):
                del cells[column:]
                at += 3
                continue
            char = line[at]
            at += 1
            if char == "\r":
                column = 0
            else:
                cells[column : column + 1] = [char]
                column += 1
        rows.append("".join(cells))
    return rows


def _piped(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CANON), *args], capture_output=True, text=True, env=env, timeout=SECONDS, check=False)


def test_version_prints_the_installed_version_and_exits_0(tmp_path: Path) -> None:
    done = _piped(["--version"], {k: v for k, v in os.environ.items() if not k.startswith("CANON_")})
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"canon {importlib.metadata.version('canon')}\n"


async def test_reindex_counts_documents_on_a_terminal_only(
    client: AsyncTestClient[Any], database_url: str, tmp_path: Path
) -> None:
    for slug in ("lead", "mql", "sql"):
        created = await client.post("/v1/definitions", json=definition_body(slug))
        assert created.status_code == 201, created.text
    env = _env(database_url, tmp_path)
    summary = "search index (postgres) rebuilt: 3 documents"

    code, shown = await asyncio.to_thread(_on_a_terminal, ["reindex"], env)
    assert code == 0, shown
    assert "\rreindex: 1 document(s)\x1b[K" in shown, repr(shown)
    # What stays on the screen: the log line (drawn over the erased counter) and the summary, no counter.
    screen = _screen(shown)
    assert screen[-2:] == [summary, ""], screen
    assert any(row.endswith("search index postgres rebuilt with 3 documents") for row in screen), screen
    assert not [row for row in screen if "reindex:" in row], screen

    piped = await asyncio.to_thread(_piped, ["reindex"], env)
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout == summary + "\n"
    assert "\r" not in piped.stderr
    assert "\x1b" not in piped.stderr
    assert "reindex:" not in piped.stderr


async def _orphans(root: Path, count: int) -> None:
    """Files in the local blob store that no ledger row names: `canon gc` checks and deletes them (grace 0)."""
    store = LocalBlobStore(root)

    async def chunks(i: int) -> Any:
        yield f"orphan {i}".encode()

    for i in range(count):
        await store.put_stream(chunks(i), content_type="text/plain", max_size=100)


async def test_gc_counts_files_on_a_terminal_only(database_url: str, tmp_path: Path) -> None:
    env = _env(database_url, tmp_path, CANON_BLOB_GC_GRACE_HOURS="0")
    await _orphans(tmp_path / "blobs", 3)
    await asyncio.sleep(0.01)  # strictly older than the cutoff

    code, shown = await asyncio.to_thread(_on_a_terminal, ["gc"], env)
    assert code == 0, shown
    assert "\rgc: 1 file(s) checked, 0 deleted\x1b[K" in shown, repr(shown)
    summary = '{"deleted_blobs":0,"deleted_orphans":3,"deleted_uploads":0,"skipped":false}'
    screen = _screen(shown)
    assert screen[-2:] == [summary, ""], screen
    assert not [row for row in screen if "gc:" in row], screen

    await _orphans(tmp_path / "blobs", 2)
    await asyncio.sleep(0.01)
    piped = await asyncio.to_thread(_piped, ["gc"], env)
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout == summary.replace('"deleted_orphans":3', '"deleted_orphans":2') + "\n"
    assert "\r" not in piped.stderr
    assert "gc:" not in piped.stderr
    assert not [p for p in (tmp_path / "blobs" / "blobs").rglob("*") if p.is_file()]
