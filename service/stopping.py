"""Waiting that a stop signal cuts short: the background loops (worker, dispatcher, extraction, view cache) sleep
between passes and retries this way, so shutdown never waits out a sweep or a backoff."""

from __future__ import annotations

import asyncio
import contextlib


async def sleep_unless(stop: asyncio.Event, seconds: float) -> None:
    """Sleep `seconds`, or less if `stop` is set meanwhile."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def wait_any(wake: asyncio.Event, stop: asyncio.Event, seconds: float) -> None:
    """Wait until `wake` or `stop` is set, at most `seconds`."""
    waiters = [asyncio.ensure_future(wake.wait()), asyncio.ensure_future(stop.wait())]
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
