"""Helpers for the servers tests run as real processes on 127.0.0.1 (moto, s3rver, ...)."""

from __future__ import annotations

import subprocess
import time

import httpx

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
