"""Helpers for the servers tests run as real processes on 127.0.0.1 (moto, s3rver, ...)."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest

Process = subprocess.Popen[bytes] | subprocess.Popen[str]


def wait_for_http(
    url: str, process: subprocess.Popen[bytes] | subprocess.Popen[str], name: str, timeout: float
) -> None:
    """Until `url` answers at all (any status will do); raise if `process` exits first or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with status {process.returncode}")
        try:
            httpx.get(url, timeout=1.0)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
        else:
            return


def stop(process: Process) -> None:
    """Terminate `process`, killing it if it has not exited after 5 s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def locked_version(project: Path, package: str) -> str:
    """The version of `package` that `project`'s package-lock.json pins."""
    lock = json.loads((project / "package-lock.json").read_text())
    return str(lock["packages"][f"node_modules/{package}"]["version"])


def installed_version(project: Path, package: str) -> str | None:
    manifest = project / "node_modules" / package / "package.json"
    return str(json.loads(manifest.read_text())["version"]) if manifest.exists() else None


def node_with(project: Path, package: str, purpose: str) -> str:
    """The node binary, with `project`'s locked dependencies installed by `npm ci` (nothing to do when `package` is
    already there at its locked version)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.fail(f"node and npm (Node 18 or later) must be on PATH to {purpose}", pytrace=False)
    if installed_version(project, package) != locked_version(project, package):
        command = [npm, "ci", "--no-audit", "--no-fund"]
        installed = subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=300, check=False)
        if installed.returncode != 0:
            pytest.fail(f"npm ci in {project} failed:\n{installed.stdout}\n{installed.stderr}", pytrace=False)
    return node
