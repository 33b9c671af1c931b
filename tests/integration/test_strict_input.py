"""Strict input: a query parameter the route does not take is a 400 that names it, not silently ignored."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.support import Api, full_problem


async def test_an_unknown_query_parameter_is_400_naming_it_and_the_accepted_ones(client: AsyncTestClient[Any]) -> None:
    await Api(client).create("mql")
    cases = {
        "/v1/messages?locale_x=de": (["locale_x"], "cursor, limit"),
        "/v1/events?slugg=mql": (["slugg"], "after, "),
        "/v1/definitions/mql?asof=2027-01-01": (["asof"], "as_of, known_at, version"),
        "/v1/definitions?statuss=draft&tagg=x": (["statuss", "tagg"], "cursor, limit, q, status, tag, team"),
        "/v1/me?verbose=1": (["verbose"], "none"),
    }
    for path, (names, listed) in cases.items():
        response = await client.get(path)
        problem = full_problem(response, 400, "bad-request")
        assert problem.errors is not None
        assert [(e.pointer, e.source) for e in problem.errors] == [(name, "query") for name in names], path
        assert listed in (problem.detail or ""), problem.detail


async def test_unknown_query_parameters_are_refused_before_authentication_and_on_writes(
    client: AsyncTestClient[Any],
) -> None:
    response = await client.post("/v1/definitions?dry_run=1", json={"slug": "x", "title": "X", "owners": ["sales"]})
    full_problem(response, 400, "bad-request")
    assert (await client.get("/v1/definitions/x")).status_code == 404  # nothing was created
    del client.headers["Authorization"]
    full_problem(await client.get("/v1/definitions?nope=1"), 400, "bad-request")


async def test_the_parameters_a_route_takes_still_work(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.create("mql")
    for path in (
        "/v1/definitions?status=draft&tag=x&limit=5",
        "/v1/definitions/mql/diff?from=1&to=1",
        "/v1/events?after=now&type=definition.*",
        "/v1/search?q=mql&kind=definition",
    ):
        response = await client.get(path)
        assert response.status_code == 200, (path, response.text)
