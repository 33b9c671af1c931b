"""Settings `canon` cannot work with stop it at once with one line naming them, never with a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CANON = Path(sys.executable).parent / "canon"


def test_a_malformed_proxy_variable_stops_the_worker_with_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CANON_") and "proxy" not in k.lower()}
    env |= {"HTTPS_PROXY": "socks5://proxy.example:1080", "CANON_DATA_DIR": str(tmp_path)}
    stopped = subprocess.run([str(CANON), "worker"], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert stopped.returncode == 1
    assert stopped.stderr.strip() == "canon: HTTPS_PROXY: the proxy's URL must start with http:// (got socks5://)"
