"""Strict input: a query parameter the route does not take is a 400 that names it, not silently ignored."""

from __future__ import annotations

from typing import Any, get_args

from litestar.testing import AsyncTestClient

from service.api.entries import MessageTypeName
from service.domain.kinds import MessageType
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


async def test_messages_filter_by_type_locale_audience_and_segment(client: AsyncTestClient[Any]) -> None:
    """`?message_type=talk_track` and `?locale=de` used to return every message."""
    contents = {
        "call-opener": {"message_type": "talk_track", "locale": "de", "audience": "CFO", "segment": "enterprise"},
        "pricing-objection": {"message_type": "objection_handling", "locale": "de", "audience": "CFO"},
        "elevator": {"message_type": "talk_track", "locale": "en", "segment": "smb"},
    }
    for slug, content in contents.items():
        body = {"slug": slug, "title": slug, "owners": ["marketing"], "content": {"body": "text", **content}}
        assert (await client.post("/v1/messages", json=body)).status_code == 201

    async def listed(**params: str) -> list[str]:
        response = await client.get("/v1/messages", params=params)
        assert response.status_code == 200, response.text
        return [item["slug"] for item in response.json()["items"]]

    assert await listed() == ["call-opener", "elevator", "pricing-objection"]
    assert await listed(message_type="talk_track") == ["call-opener", "elevator"]
    assert await listed(locale="de") == ["call-opener", "pricing-objection"]
    assert await listed(audience="CFO", segment="enterprise") == ["call-opener"]
    assert await listed(message_type="talk_track", locale="en") == ["elevator"]
    assert await listed(segment="midmarket") == []
    full_problem(await client.get("/v1/messages", params={"message_type": "jingle"}), 422, "invalid")
    full_problem(await client.get("/v1/definitions", params={"locale": "de"}), 400, "bad-request")


def test_the_message_type_filter_names_every_message_type() -> None:
    assert {member.value for member in MessageTypeName} == set(get_args(MessageType))


async def test_head_answers_an_entry_read_and_a_download_without_a_body(client: AsyncTestClient[Any]) -> None:
    """HEAD on asset content was 405."""
    await Api(client).published("mql")
    read = await client.get("/v1/definitions/mql")
    assert read.status_code == 200, read.text
    head = await client.head("/v1/definitions/mql")
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["etag"] == read.headers["etag"]
    assert (
        await client.head("/v1/definitions/mql", headers={"If-None-Match": read.headers["etag"]})
    ).status_code == 304
    assert (await client.head("/v1/definitions/nope")).status_code == 404
    assert (await client.head("/v1/assets/nope/content")).status_code == 404


async def test_json_bodies_are_taken_as_json_types_them(client: AsyncTestClient[Any]) -> None:
    """`0` is not `false` and `"30"` is not `30` (Litestar's lenient conversion took both); `30.0` is an integer."""
    created = await client.post("/v1/people", json={"subject": "kim@example.com", "name": "Kim", "role": "reader"})
    assert created.status_code == 201, created.text
    refused = full_problem(await client.patch("/v1/people/kim@example.com", json={"active": 0}), 422, "invalid")
    assert refused.errors is not None
    assert [e.pointer for e in refused.errors] == ["/active"]
    assert (await client.get("/v1/people/kim@example.com")).json()["active"] is True  # nothing changed
    token = await client.post("/v1/search/tokens", json={"ttl_seconds": "300"})
    full_problem(token, 422, "invalid")
    assert (await client.post("/v1/search/tokens", json={"ttl_seconds": 300.0})).status_code == 201


async def test_options_lists_every_method_of_a_path(client: AsyncTestClient[Any]) -> None:
    for path, methods in {
        "/v1/definitions": "GET, OPTIONS, POST",
        "/v1/keys": "GET, OPTIONS, POST",
        "/v1/definitions/mql": "GET, HEAD, OPTIONS, PATCH",
    }.items():
        answered = await client.options(path)
        assert answered.status_code == 204, path
        assert answered.headers["allow"] == methods, path
