"""The headless Chromium the console's browser tests drive: Debian's `chromium` package, which `make test` installs
when it is missing (Makefile, target `chromium`). Playwright is only the protocol client here: its own browser
downloads are never used."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CANON_TEST_CHROMIUM", "/usr/bin/chromium"))
# Headless, no sandbox (tests run as root in CI), nothing in the background that reaches the network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium() -> str:
    """The Chromium binary, or a failure that says how to get one (never a silent skip)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"no Chromium at {CHROMIUM}: `make test` installs Debian's chromium package (apt-get install chromium, "
            "as root or with sudo); elsewhere install a Chromium and set CANON_TEST_CHROMIUM to its path",
            pytrace=False,
        )
    return str(CHROMIUM)
