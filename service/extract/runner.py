"""Runs the parsers off the event loop, in worker processes with a deadline and a memory limit.

A parser stuck on a pathological file cannot be interrupted from outside its thread, so parsing happens in a
`ProcessPoolExecutor`: past the deadline its processes are killed and a fresh pool is started for the next file.
Where worker processes cannot be started (no POSIX semaphores in some sandboxes), a thread per file is the
fallback: the deadline still returns an answer, but a stuck parse keeps its thread until it finishes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from service.extract.formats import Extraction, extract_bytes, failed

log = logging.getLogger(__name__)

DEFAULT_MEMORY_LIMIT = 2 * 1024 * 1024 * 1024  # address space of a parsing process
# Parsing processes are replaced after this many files so fragmented memory goes back to the system. (Not with
# `max_tasks_per_child`: on Python 3.11 a pool using it can stop scheduling work, CPython issue gh-115634.)
FILES_PER_POOL = 50


def _prepare_child(memory_limit: int | None) -> None:
    """In each parsing process: leave Ctrl-C to the parent, and cap memory so a bomb fails with MemoryError."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if memory_limit is None:
        return
    with contextlib.suppress(ImportError, OSError, ValueError):
        import resource  # noqa: PLC0415  # POSIX only

        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = memory_limit if hard == resource.RLIM_INFINITY else min(memory_limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _context() -> multiprocessing.context.BaseContext:
    # Never plain fork: the parent runs threads (the event loop's executors), which a fork would copy mid-state.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


class Extractor:
    """Parses files in up to `workers` processes at a time, each parse bounded by the caller's timeout."""

    def __init__(self, *, workers: int = 1, memory_limit: int | None = DEFAULT_MEMORY_LIMIT, processes: bool = True):
        self._workers = workers
        self._memory_limit = memory_limit
        self._use_processes = processes
        self._pool: ProcessPoolExecutor | None = None
        self._generation = 0  # bumped whenever the pool is killed
        self._slots = asyncio.Semaphore(workers)
        self._in_flight = 0
        self._files_in_pool = 0

    async def run(
        self, data: bytes, content_type: str, *, max_chars: int, max_pages: int, time_limit: float
    ) -> Extraction:
        """Parse `data`; a parse past `time_limit` seconds is abandoned (its process killed) and reported failed."""
        async with self._slots:  # waiting for a free process does not count against the deadline
            self._in_flight += 1
            try:
                return await self._run(
                    data, content_type, max_chars=max_chars, max_pages=max_pages, time_limit=time_limit
                )
            finally:
                self._in_flight -= 1
                self._recycle()

    async def _run(
        self, data: bytes, content_type: str, *, max_chars: int, max_pages: int, time_limit: float
    ) -> Extraction:
        for attempt in range(2):
            pool, generation = self._current_pool()
            if pool is None:
                return await _in_thread(
                    data, content_type, max_chars=max_chars, max_pages=max_pages, time_limit=time_limit
                )
            try:
                future = pool.submit(extract_bytes, data, content_type, max_chars=max_chars, max_pages=max_pages)
            except OSError as exc:  # the processes could not be started
                log.warning("cannot start text extraction processes (%s); parsing in threads instead", exc)
                self._kill(generation)
                self._use_processes = False
                continue
            try:
                return await asyncio.wait_for(asyncio.wrap_future(future), time_limit)
            except TimeoutError:
                self._kill(generation)
                return failed(f"extraction took longer than {time_limit:g} s and was stopped")
            except BrokenProcessPool as exc:
                if generation != self._generation and attempt == 0:
                    continue  # another file's deadline killed the pool under this one: try again in the new pool
                self._kill(generation)
                log.warning("a text extraction process died (%s: %s)", type(exc).__name__, exc)
                return failed("the extraction process crashed on this file (out of memory or a parser fault)")
        return await _in_thread(data, content_type, max_chars=max_chars, max_pages=max_pages, time_limit=time_limit)

    def _current_pool(self) -> tuple[ProcessPoolExecutor | None, int]:
        if self._pool is None and self._use_processes:
            try:
                self._pool = ProcessPoolExecutor(
                    max_workers=self._workers,
                    mp_context=_context(),
                    initializer=_prepare_child,
                    initargs=(self._memory_limit,),
                )
                self._files_in_pool = 0
            except (OSError, NotImplementedError, ImportError) as exc:
                log.warning("cannot start text extraction processes (%s); parsing in threads instead", exc)
                self._use_processes = False
        return self._pool, self._generation

    def _recycle(self) -> None:
        """Retire a pool that has parsed enough files, once it is idle; its processes exit on their own."""
        self._files_in_pool += 1
        if self._pool is not None and self._files_in_pool >= FILES_PER_POOL and self._in_flight == 0:
            pool, self._pool = self._pool, None
            self._generation += 1
            pool.shutdown(wait=False)

    def _kill(self, generation: int) -> None:
        """Stop the pool the failed parse ran in (unless that already happened) and every process in it."""
        pool = self._pool
        if pool is None or generation != self._generation:
            return
        self._pool = None
        self._generation += 1
        # No public API stops a busy worker; CPython keeps them in `_processes` (pid -> Process).
        processes = list(getattr(pool, "_processes", None) or {})
        for process in (getattr(pool, "_processes", None) or {}).values():
            with contextlib.suppress(OSError, ValueError):
                process.kill()
        pool.shutdown(wait=False, cancel_futures=True)
        log.info("killed text extraction processes %s", processes)

    def close(self) -> None:
        """Stop the worker processes (waiting for none of them)."""
        self._kill(self._generation)


async def _in_thread(
    data: bytes, content_type: str, *, max_chars: int, max_pages: int, time_limit: float
) -> Extraction:
    """The fallback: a daemon thread per file, so one stuck parse never holds up the next file."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[Extraction] = loop.create_future()

    def deliver(result: Extraction) -> None:
        if not done.done():
            done.set_result(result)

    def work() -> None:
        result = extract_bytes(data, content_type, max_chars=max_chars, max_pages=max_pages)
        with contextlib.suppress(RuntimeError):  # the loop closed while the parse ran
            loop.call_soon_threadsafe(deliver, result)

    threading.Thread(target=work, name="canon-extract", daemon=True).start()
    try:
        return await asyncio.wait_for(done, time_limit)
    except TimeoutError:
        return failed(f"extraction took longer than {time_limit:g} s and was abandoned")
