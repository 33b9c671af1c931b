"""A small async client for Meilisearch's HTTP API: requests with the API key, errors, and asynchronous tasks.

Every write to Meilisearch (documents, settings, indexes, swaps) is answered with a task that runs later; `run`
enqueues one and waits for it, so callers learn about a failure (and can retry) instead of assuming success.
Waiting always has a deadline. Every failure is a `MeilisearchError`, a `SearchError` the API maps to 503.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Mapping
from typing import Any

import httpx
import msgspec

from service.search.base import SearchError

_encoder = msgspec.json.Encoder()
_FINISHED = frozenset({"succeeded", "failed", "canceled"})


class MeilisearchError(SearchError):
    """Meilisearch could not be reached, refused a request, or a task of it failed or did not finish in time."""

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code  # Meilisearch's error code, e.g. "index_not_found"


class TaskError(msgspec.Struct, frozen=True):
    message: str = ""
    code: str = ""
    type: str = ""


class Task(msgspec.Struct, frozen=True, rename="camel"):
    """A task as `GET /tasks/{uid}` describes it."""

    uid: int
    status: str
    type: str = ""
    index_uid: str | None = None
    error: TaskError | None = None


class _Enqueued(msgspec.Struct, frozen=True, rename="camel"):
    task_uid: int


class _ErrorBody(msgspec.Struct, frozen=True):
    message: str = ""
    code: str = ""


_task_decoder = msgspec.json.Decoder(Task)
_enqueued_decoder = msgspec.json.Decoder(_Enqueued)
_error_decoder = msgspec.json.Decoder(_ErrorBody)


def describe(task: Task) -> str:
    error = task.error
    reason = f"{error.message} ({error.code})" if error is not None else task.status
    where = f" on index {task.index_uid}" if task.index_uid else ""
    return f"task {task.uid} ({task.type}{where}) {task.status}: {reason}"


# Fail fast (docs/decisions.md): a Meilisearch that accepts connections and never answers costs a request one read
# timeout; one that refuses or drops connections, (retries + 1) connect timeouts at most.
CONNECT_TIMEOUT = 2.0
READ_TIMEOUT = 5.0
RETRIES = 1


class MeiliClient:
    """HTTP access to one Meilisearch server. `transport` replaces the network (unit tests use a mock).

    `connect_timeout` bounds opening a connection; `read_timeout` each wait for bytes of an answer (and to send a
    request, or for a pooled connection). A request whose connection could not be opened is repeated up to
    `retries` times; one that may have reached Meilisearch never is (a write would be enqueued twice)."""

    def __init__(
        self,
        url: str,
        api_key: str | None = None,
        *,
        connect_timeout: float = CONNECT_TIMEOUT,
        read_timeout: float = READ_TIMEOUT,
        retries: int = RETRIES,
        task_timeout: float = 60.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        self.url = url.rstrip("/")
        self.task_timeout = task_timeout
        self._http = httpx.AsyncClient(
            base_url=self.url,
            headers=headers,
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
            transport=transport or httpx.AsyncHTTPTransport(retries=retries),
        )

    async def close(self) -> None:
        await self._http.aclose()

    async def send(
        self, method: str, path: str, *, body: object = None, params: Mapping[str, str] | None = None
    ) -> bytes:
        """The response body of a successful request; `MeilisearchError` for a transport failure or an error."""
        content = None if body is None else _encoder.encode(body)
        try:
            response = await self._http.request(method, path, content=content, params=params)
        except httpx.TimeoutException as exc:
            raise MeilisearchError(
                f"Meilisearch at {self.url} did not answer {method} {path} in time ({exc!r})"
            ) from exc
        except httpx.HTTPError as exc:
            raise MeilisearchError(f"cannot reach Meilisearch at {self.url}: {type(exc).__name__}: {exc}") from exc
        if response.status_code >= 400:
            try:
                error = _error_decoder.decode(response.content)
            except msgspec.DecodeError:
                error = _ErrorBody(message=response.text[:300])
            raise MeilisearchError(
                f"Meilisearch refused {method} {path} ({response.status_code}): {error.message} ({error.code})",
                status=response.status_code,
                code=error.code or None,
            )
        return response.content

    async def get(self, path: str, *, params: Mapping[str, str] | None = None) -> Any:
        return msgspec.json.decode(await self.send("GET", path, params=params))

    async def post(self, path: str, body: object) -> Any:
        return msgspec.json.decode(await self.send("POST", path, body=body))

    async def enqueue(
        self, method: str, path: str, *, body: object = None, params: Mapping[str, str] | None = None
    ) -> int:
        """Ask for an asynchronous operation; return its task uid."""
        content = await self.send(method, path, body=body, params=params)
        try:
            return _enqueued_decoder.decode(content).task_uid
        except msgspec.DecodeError as exc:
            raise MeilisearchError(f"Meilisearch answered {method} {path} without a task: {exc}") from exc

    async def task(self, uid: int) -> Task:
        return _task_decoder.decode(await self.send("GET", f"/tasks/{uid}"))

    async def wait(self, uid: int, *, timeout: float | None = None) -> Task:  # noqa: ASYNC109  # a polling deadline
        """Poll the task until it has finished; raise unless it succeeded or when `timeout` seconds pass first."""
        limit = self.task_timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        pause = 0.005
        while True:
            task = await self.task(uid)
            if task.status in _FINISHED:
                if task.status != "succeeded":
                    raise MeilisearchError(
                        f"Meilisearch {describe(task)}", code=task.error.code if task.error else task.status
                    )
                return task
            if time.monotonic() + pause > deadline:
                raise MeilisearchError(
                    f"Meilisearch task {uid} did not finish within {limit:g} s (still {task.status})"
                )
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.25)

    async def wait_all(self, uids: Iterable[int], *, timeout: float | None = None) -> list[Task]:  # noqa: ASYNC109
        """Wait for every task (each for up to `timeout` seconds, default `task_timeout`); raise one error naming
        every task that failed (not just the first)."""
        failures: list[str] = []
        done: list[Task] = []
        for uid in uids:
            try:
                done.append(await self.wait(uid, timeout=timeout))
            except MeilisearchError as exc:
                failures.append(str(exc))
        if failures:
            raise MeilisearchError(f"{len(failures)} Meilisearch task(s) failed: " + "; ".join(failures))
        return done

    async def run(
        self, method: str, path: str, *, body: object = None, params: Mapping[str, str] | None = None
    ) -> Task:
        """Enqueue an operation and wait for it to succeed."""
        return await self.wait(await self.enqueue(method, path, body=body, params=params))
