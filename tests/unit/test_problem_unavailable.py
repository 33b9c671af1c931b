"""503 answers name the database only when the failure is the database's (a real asyncpg connection attempt
versus a real socket that is not the database's)."""

from __future__ import annotations

import socket

import asyncpg
import pytest
from litestar import Litestar, get
from litestar.testing import AsyncTestClient

from service.api.problems import EXCEPTION_HANDLERS, _from_database


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@get("/database")
async def database_down() -> None:
    await asyncpg.connect(f"postgresql://canon@127.0.0.1:{_closed_port()}/canon", timeout=2)


@get("/socket")
async def socket_down() -> None:
    socket.create_connection(("127.0.0.1", _closed_port()), timeout=2).close()


@pytest.fixture
def app() -> Litestar:
    return Litestar(route_handlers=[database_down, socket_down], exception_handlers=EXCEPTION_HANDLERS)


async def test_a_database_connection_error_blames_the_database(app: Litestar) -> None:
    async with AsyncTestClient(app) as client:
        response = await client.get("/database")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "2"
    assert response.json()["detail"] == "the database is unavailable right now; retry shortly"


async def test_another_socket_error_does_not_blame_the_database(app: Litestar) -> None:
    async with AsyncTestClient(app) as client:
        response = await client.get("/socket")
    assert response.status_code == 503
    assert response.json()["detail"] == "a network or file operation failed (ConnectionRefusedError); retry shortly"


def _gave_up() -> None:
    try:
        raise asyncpg.CannotConnectNowError("starting up")
    except asyncpg.CannotConnectNowError as exc:
        raise TimeoutError("gave up") from exc


def test_errors_caused_by_the_database_count_as_the_database() -> None:
    with pytest.raises(TimeoutError) as caught:
        _gave_up()
    assert _from_database(caught.value)
    assert not _from_database(TimeoutError("a file lock"))
