"""Every error leaves as an RFC 9457 problem: right status, type, title, detail, field pointers, never a stack trace."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import msgspec
import pytest
from litestar.testing import AsyncTestClient

from service.app import create_app
from service.config import Settings
from service.domain.cursors import encode_cursor
from service.domain.errors import FieldError
from service.usecases import reads
from tests.conftest import ADMIN_KEY, TEMPLATE, with_database
from tests.support import Api, assert_no_stack_trace, definition_body, full_problem

BODY_LIMIT = 400


@pytest.fixture
async def small_client(settings: Settings) -> AsyncIterator[AsyncTestClient[Any]]:
    """A client of an app that accepts bodies of at most BODY_LIMIT bytes."""
    app = create_app(msgspec.structs.replace(settings, max_body_bytes=BODY_LIMIT))
    async with AsyncTestClient(app=app, base_url="http://canon.test") as test_client:
        test_client.headers["Authorization"] = f"Bearer {ADMIN_KEY}"
        yield test_client


@pytest.fixture(scope="module")
async def shared(pg_url: str, template_url: str) -> AsyncIterator[AsyncTestClient[Any]]:
    """One app and database for the tests whose requests all fail (and so change nothing): `mql` is published,
    `x` is a draft."""
    name = f"canon_errors_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(pg_url)
    try:
        await admin.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    finally:
        await admin.close()
    settings = Settings(
        database_url=with_database(pg_url, name), bootstrap_admin_key=ADMIN_KEY, key_cache_seconds=0.0, db_pool_max=3
    )
    async with AsyncTestClient(app=create_app(settings), base_url="http://canon.test") as test_client:
        test_client.headers["Authorization"] = f"Bearer {ADMIN_KEY}"
        api = Api(test_client)
        await api.published("mql")
        await api.create("x")
        yield test_client
    admin = await asyncpg.connect(pg_url)
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        await admin.close()


async def test_unknown_route_is_404(shared: AsyncTestClient[Any]) -> None:
    found = full_problem(await shared.get("/v1/nothing-here"), 404, "not-found")
    assert found.title == "Not found"
    assert found.detail == "no resource at /v1/nothing-here"


async def test_unknown_definition_is_404_with_its_slug(shared: AsyncTestClient[Any]) -> None:
    found = full_problem(await shared.get("/v1/definitions/nope"), 404, "not-found")
    assert "'nope'" in (found.detail or "")


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [("DELETE", "/v1/events", {"GET"}), ("PUT", "/v1/definitions", {"GET", "POST"}), ("PATCH", "/v1/keys", {"GET"})],
)
async def test_wrong_method_is_405_with_allow(
    shared: AsyncTestClient[Any], method: str, path: str, allowed: set[str]
) -> None:
    response = await shared.request(method, path)
    found = full_problem(response, 405, "method-not-allowed")
    assert found.title == "Method not allowed"
    assert allowed <= {m.strip() for m in response.headers["allow"].split(",")}
    assert method not in response.headers["allow"]


async def test_non_json_content_type_is_415(shared: AsyncTestClient[Any]) -> None:
    response = await shared.post("/v1/definitions", content=b"slug=mql", headers={"Content-Type": "text/plain"})
    found = full_problem(response, 415, "unsupported-media-type")
    assert found.detail == "send JSON bodies as application/json (got text/plain)"


async def test_body_without_content_type_is_415(shared: AsyncTestClient[Any]) -> None:
    found = full_problem(await shared.post("/v1/definitions", content=b"{}"), 415, "unsupported-media-type")
    assert found.detail == "send JSON bodies as application/json (got no Content-Type)"


async def test_json_suffix_media_types_are_accepted_as_json(client: AsyncTestClient[Any]) -> None:
    body = msgspec.json.encode(definition_body("suffix"))
    response = await client.post(
        "/v1/definitions", content=body, headers={"Content-Type": "application/vnd.canon+json; charset=utf-8"}
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("body", [b"{bad", b'{"slug": "x",}', b"\xff\xfe", b'{"slug": "x"'])
async def test_malformed_json_is_400(shared: AsyncTestClient[Any], body: bytes) -> None:
    response = await shared.post("/v1/definitions", content=body, headers={"Content-Type": "application/json"})
    found = full_problem(response, 400, "bad-request")
    assert (found.detail or "").startswith("the body is not valid JSON: ")
    assert found.errors is None


@pytest.mark.parametrize(
    ("overrides", "pointer", "detail"),
    [
        ({"title": 5}, "/title", "Expected `str`, got `int`"),
        ({"content": {"aliases": [1]}}, "/content/aliases/0", "Expected `str`, got `int`"),
        ({"content": {"aliases": ["a", ["b"]]}}, "/content/aliases/1", "Expected `str`, got `array`"),
        ({"owners": []}, "/owners", "Expected `array` of length >= 1"),
        ({"tags": "funnel"}, "/tags", "Expected `array`, got `str`"),
        ({"content": {"effective_date": "soon"}}, "/content/effective_date", "Invalid RFC3339 encoded date"),
        ({"owners": ["Marketing"]}, "/owners/0", "Expected `str` matching regex '^[a-z0-9][a-z0-9_-]*$'"),
    ],
)
async def test_wrong_field_type_is_422_with_a_json_pointer(
    shared: AsyncTestClient[Any], overrides: dict[str, Any], pointer: str, detail: str
) -> None:
    response = await shared.post("/v1/definitions", json=definition_body("typed", **overrides))
    found = full_problem(response, 422, "invalid")
    assert found.detail == "the request does not match the schema"
    assert found.errors == [FieldError(pointer, detail, "body")]


async def test_missing_required_field_is_422(shared: AsyncTestClient[Any]) -> None:
    body = definition_body("missing")
    del body["title"]
    found = full_problem(await shared.post("/v1/definitions", json=body), 422, "invalid")
    assert found.errors == [FieldError("", "Object missing required field `title`", "body")]


async def test_body_of_the_wrong_json_type_is_422(shared: AsyncTestClient[Any]) -> None:
    found = full_problem(await shared.post("/v1/definitions", json=[1, 2]), 422, "invalid")
    assert found.errors == [FieldError("", "Expected `object`, got `array`", "body")]


async def test_unknown_top_level_field_is_422(shared: AsyncTestClient[Any]) -> None:
    response = await shared.post("/v1/definitions", json=definition_body("extra", colour="blue"))
    found = full_problem(response, 422, "invalid")
    assert found.errors == [FieldError("/colour", "Object contains unknown field `colour`", "body")]


async def test_unknown_nested_field_is_422_pointing_at_its_object(shared: AsyncTestClient[Any]) -> None:
    response = await shared.post("/v1/definitions", json=definition_body("extra", content={"colour": "blue"}))
    found = full_problem(response, 422, "invalid")
    assert found.errors == [FieldError("/content/colour", "Object contains unknown field `colour`", "body")]


async def test_rule_violations_in_valid_json_are_422_with_pointers(shared: AsyncTestClient[Any]) -> None:
    response = await shared.post(
        "/v1/definitions", json=definition_body("dupes", content={"aliases": ["MQL", "Lead", "mql"]})
    )
    found = full_problem(response, 422, "invalid")
    assert found.detail == "the definition content is invalid"
    assert found.errors == [FieldError("/content/aliases/2", "duplicate value 'mql'", "body")]


async def test_body_over_the_limit_is_413(small_client: AsyncTestClient[Any]) -> None:
    big = definition_body("big", content={"body": "x" * (BODY_LIMIT * 2)})
    assert len(msgspec.json.encode(big)) > BODY_LIMIT
    found = full_problem(await small_client.post("/v1/definitions", json=big), 413, "payload-too-large")
    assert found.title == "Request body too large"
    assert (await small_client.get("/v1/definitions/big")).status_code == 404


async def test_body_over_the_limit_is_413_even_when_content_length_lies(small_client: AsyncTestClient[Any]) -> None:
    body = msgspec.json.encode(definition_body("big", content={"body": "x" * (BODY_LIMIT * 2)}))
    response = await small_client.post(
        "/v1/definitions", content=body, headers={"Content-Type": "application/json", "Content-Length": "100"}
    )
    full_problem(response, 413, "payload-too-large")
    assert (await small_client.get("/v1/definitions/big")).status_code == 404


async def test_body_under_the_limit_is_accepted(small_client: AsyncTestClient[Any]) -> None:
    small = {"slug": "small", "title": "Small", "owners": ["sales"]}
    assert len(msgspec.json.encode(small)) < BODY_LIMIT
    response = await small_client.post("/v1/definitions", json=small)
    assert response.status_code == 201, response.text


async def test_duplicate_slug_is_409(shared: AsyncTestClient[Any]) -> None:
    found = full_problem(await shared.post("/v1/definitions", json=definition_body("mql")), 409, "conflict")
    assert found.title == "Conflict"
    assert found.detail == "a definition with slug 'mql' already exists"


@pytest.mark.parametrize("slug", ["Bad Slug", "MQL", "-mql", "mql-", "m_q_l", "", "x" * 101])
async def test_invalid_slug_is_422(shared: AsyncTestClient[Any], slug: str) -> None:
    found = full_problem(await shared.post("/v1/definitions", json=definition_body(slug)), 422, "invalid")
    assert found.errors is not None
    assert [e.pointer for e in found.errors] == ["/slug"]
    assert found.errors[0].source == "body"


@pytest.mark.parametrize("number", ["abc", "1.5", "1e3", "%20"])
async def test_non_integer_version_in_a_path_is_404(shared: AsyncTestClient[Any], number: str) -> None:
    response = await shared.post(f"/v1/definitions/x/versions/{number}/submit")
    full_problem(response, 404, "not-found")


@pytest.mark.parametrize(
    ("number", "detail"),
    [
        ("0", "Expected `int` >= 1"),
        ("-1", "Expected `int` >= 1"),
        ("99999999999999999999", "Expected `int` <= 1000000"),
    ],
)
async def test_out_of_range_version_in_a_path_is_422(shared: AsyncTestClient[Any], number: str, detail: str) -> None:
    response = await shared.post(f"/v1/definitions/x/versions/{number}/submit")
    found = full_problem(response, 422, "invalid")
    assert found.errors == [FieldError("number", detail, "path")]


@pytest.mark.parametrize(
    ("query", "pointer", "detail"),
    [
        ("limit=1000", "limit", "Expected `int` <= 200"),
        ("limit=0", "limit", "Expected `int` >= 1"),
        ("limit=-5", "limit", "Expected `int` >= 1"),
        ("limit=abc", "limit", "Expected `int`, got `str`"),
        ("limit=1.5", "limit", "Expected `int`, got `str`"),
        ("limit=" + "9" * 40, "limit", "Expected `int` <= 200"),
        ("status=weird", "status", "Invalid enum value 'weird'"),
        ("q=" + "x" * 201, "q", "Expected `str` of length <= 200"),
        ("cursor=" + "x" * 513, "cursor", "Expected `str` of length <= 512"),
    ],
)
async def test_bad_list_query_parameters_are_422(
    shared: AsyncTestClient[Any], query: str, pointer: str, detail: str
) -> None:
    found = full_problem(await shared.get(f"/v1/definitions?{query}"), 422, "invalid")
    assert found.errors == [FieldError(pointer, detail, "query")]


@pytest.mark.parametrize(
    "query",
    ["limit=201", "limit=", "after=" + "x" * 600, "&".join(["type=definition.created"] * 21), "type=Definition"],
)
async def test_bad_feed_query_parameters_are_422(shared: AsyncTestClient[Any], query: str) -> None:
    found = full_problem(await shared.get(f"/v1/events?{query}"), 422, "invalid")
    assert found.errors is not None
    assert len(found.errors) == 1
    assert found.errors[0].source == "query"


@pytest.mark.parametrize(
    "path",
    [
        "/v1/events?after=" + encode_cursor("a", "b"),
        "/v1/events?after=" + encode_cursor(-1, 0),
        "/v1/events?after=" + encode_cursor(2**70, 0),
        "/v1/events?after=" + encode_cursor(1, 2**64),
        "/v1/audit?cursor=" + encode_cursor("x"),
        "/v1/audit?cursor=" + encode_cursor(2**70),
        "/v1/keys?cursor=" + encode_cursor("x", "y"),
        "/v1/definitions?cursor=!!!",
        "/v1/definitions/x/versions?cursor=" + encode_cursor("x"),
        "/v1/definitions/x/versions?cursor=" + encode_cursor(2**40),
    ],
)
async def test_forged_cursors_are_422_not_500(shared: AsyncTestClient[Any], path: str) -> None:
    response = await shared.get(path)
    found = full_problem(response, 422, "invalid")
    assert found.errors is not None
    assert [(e.pointer, e.detail, e.source) for e in found.errors] in (
        [("after", "malformed cursor", "query")],
        [("cursor", "malformed cursor", "query")],
    )


@pytest.mark.parametrize(
    "as_of", ["yesterday", "9999-99-99", "9999-12-31", "9999-12-31T23:59:59.999999+00:00", "2024-13-01"]
)
async def test_bad_as_of_is_422_not_500(shared: AsyncTestClient[Any], as_of: str) -> None:
    found = full_problem(await shared.get("/v1/definitions/mql", params={"as_of": as_of}), 422, "invalid")
    assert found.errors == [FieldError("as_of", "expected YYYY-MM-DD or an RFC 3339 time", "query")]


async def test_an_unexpected_failure_is_a_bare_problem_without_internals(
    shared: AsyncTestClient[Any], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def explode(*_: Any, **__: Any) -> reads.EventPage:
        raise RuntimeError("secret internals: password=hunter2")

    monkeypatch.setattr(reads, "event_page", explode)
    response = await shared.get("/v1/events")
    found = full_problem(response, 500, "internal")
    assert found.title == "Internal error"
    assert found.detail == "the service failed to handle this request; it has been logged"
    assert "hunter2" not in response.text
    assert "RuntimeError" not in response.text
    assert any("unhandled error on GET /v1/events" in r.getMessage() for r in caplog.records)


async def test_no_error_response_anywhere_carries_a_stack_trace(client: AsyncTestClient[Any]) -> None:
    """A sweep of hostile requests: each gets a 4xx problem, none a 500, none a trace."""
    await Api(client).create("mql")
    requests: list[tuple[str, str, dict[str, Any]]] = [
        ("GET", "/v1/definitions/mql/diff?from=a&to=1", {}),
        ("GET", "/v1/definitions/mql/diff?from=1&to=99", {}),
        ("GET", "/v1/definitions/mql?version=99999999999", {}),
        ("GET", "/v1/definitions/mql?version=1&as_of=2024-01-01", {}),
        ("GET", "/v1/definitions/%00", {}),
        ("GET", "/v1/definitions/" + "a" * 3000, {}),
        ("POST", "/v1/definitions/mql/evaluate", {"json": {"record": []}}),
        ("POST", "/v1/definitions/mql/evaluate", {"json": {"record": {}, "version": 99}}),
        ("POST", "/v1/definitions/mql/versions", {"json": {"from_version": 1, "content": {}}}),
        ("PATCH", "/v1/definitions/mql", {"json": {"title": ""}}),
        ("PATCH", "/v1/definitions/mql", {"json": {"title": "t"}, "headers": {"If-Match": '"nope"'}}),
        ("PATCH", "/v1/definitions/mql/versions/1", {"json": {"summary": 1}}),
        (
            "POST",
            "/v1/definitions/mql/versions/1/approve",
            {"content": b"[", "headers": {"content-type": "application/json"}},
        ),
        ("POST", "/v1/definitions/mql/versions/1/publish", {}),
        ("POST", "/v1/definitions/mql/restore", {}),
        ("DELETE", "/v1/keys/not-a-uuid", {}),
        ("DELETE", "/v1/keys/00000000-0000-0000-0000-000000000000", {}),
        ("POST", "/v1/keys", {"json": {"name": "k", "role": "god"}}),
        ("POST", "/v1/keys", {"json": {"name": "k" * 101, "role": "reader"}}),
        ("GET", "/v1/audit?limit=1000", {}),
        ("GET", "/v1/events?type=%25", {}),
    ]
    for method, path, kwargs in requests:
        response = await client.request(method, path, **kwargs)
        assert 400 <= response.status_code < 500, f"{method} {path}: {response.status_code} {response.text[:300]}"
        assert response.headers["content-type"].startswith("application/problem+json"), f"{method} {path}"
        assert_no_stack_trace(response)
        body = response.json()
        assert {"type", "title", "status", "detail"} <= body.keys(), f"{method} {path}: {body}"
        assert body["status"] == response.status_code


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("GET", "/v1/definitions/%00", {}),
        ("GET", "/v1/definitions?tag=a%00b", {}),
        ("GET", "/v1/audit?actor=a%00", {}),
        ("POST", "/v1/definitions", {"json": definition_body("nul", title="a\u0000b")}),
        ("POST", "/v1/definitions", {"json": definition_body("nul", content={"body": "a\u0000b"})}),
    ],
)
async def test_nul_characters_are_422_not_500(
    shared: AsyncTestClient[Any], method: str, path: str, kwargs: dict[str, Any]
) -> None:
    found = full_problem(await shared.request(method, path, **kwargs), 422, "invalid")
    assert found.detail == "text must not contain the NUL character (U+0000)"
    assert (await shared.get("/v1/definitions/nul")).status_code == 404


async def test_json_nested_too_deeply_is_400_before_any_work_with_or_without_a_key(
    client: AsyncTestClient[Any],
) -> None:
    deep = b"[" * 1000 + b"]" * 1000
    for headers in ({"Content-Type": "application/json"}, {"Content-Type": "application/json", "Authorization": ""}):
        response = await client.post("/v1/definitions", content=deep, headers=headers)
        found = full_problem(response, 400)
        assert "nested deeper than 64 levels" in (found.detail or "")
    inside_a_string = {"slug": "deep", "title": "[" * 150, "owners": ["sales"]}
    accepted = await client.post("/v1/definitions", json=inside_a_string)
    assert accepted.status_code == 201, accepted.text


async def test_if_match_star_does_not_stand_for_the_etag_an_edit_needs(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.create("mql")
    author = await api.key("editor", "revops", "author")
    for star in ("*", " * ", "*, *"):
        refused = await client.patch(
            "/v1/definitions/mql/versions/1", json={"summary": "Blind."}, headers={**author, "If-Match": star}
        )
        assert "not *" in (full_problem(refused, 428).detail or "")
    unchanged = await client.get("/v1/definitions/mql", params={"version": 1})
    assert unchanged.json()["version"]["content"]["summary"] == "A lead worth a sales conversation."
    # Where If-Match is optional, `*` keeps its meaning (the entry exists).
    submitted = await client.post("/v1/definitions/mql/versions/1/submit", headers={**author, "If-Match": "*"})
    assert submitted.status_code == 200, submitted.text
