from typing import Any
from litestar.testing import AsyncTestClient
from tests.support import Api, definition_body

async def test_probe(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await api.create("mql")
    reqs = [
        ("GET", "/nope", {}),
        ("DELETE", "/v1/events", {}),
        ("PUT", "/v1/definitions", {}),
        ("POST", "/v1/definitions", {"content": b"hello", "headers": {"content-type": "text/plain"}}),
        ("POST", "/v1/definitions", {"content": b"{bad", "headers": {"content-type": "application/json"}}),
        ("POST", "/v1/definitions", {"json": definition_body("x", title=5)}),
        ("POST", "/v1/definitions", {"json": definition_body("x", content={"aliases": [1]})}),
        ("POST", "/v1/definitions", {"json": definition_body("x", bogus=1)}),
        ("POST", "/v1/definitions", {"json": definition_body("x", content={"bogus": 1})}),
        ("POST", "/v1/definitions", {"json": definition_body("mql")}),
        ("POST", "/v1/definitions", {"json": definition_body("Bad Slug")}),
        ("POST", "/v1/definitions", {"json": definition_body("x", content={"aliases": ["a", "A"]})}),
        ("POST", "/v1/definitions/x/versions/abc/submit", {}),
        ("POST", "/v1/definitions/mql/versions/abc/submit", {}),
        ("POST", "/v1/definitions/mql/versions/-1/submit", {}),
        ("POST", "/v1/definitions/mql/versions/99999999999999999999/submit", {}),
        ("GET", "/v1/definitions?limit=1000", {}),
        ("GET", "/v1/definitions?limit=abc", {}),
        ("GET", "/v1/definitions?limit=0", {}),
        ("GET", "/v1/events?limit=201", {}),
        ("GET", "/v1/definitions/mql?version=abc", {}),
        ("GET", "/v1/definitions/mql?version=0", {}),
        ("GET", "/v1/definitions?status=weird", {}),
        ("GET", "/v1/definitions?cursor=zzz", {}),
        ("GET", "/v1/events?after=zzz", {}),
        ("GET", "/v1/events?type=Bad!", {}),
        ("GET", "/v1/definitions/mql?as_of=yesterday", {}),
        ("GET", "/v1/definitions/mql/diff?from=a&to=1", {}),
        ("POST", "/v1/definitions", {"content": b"[]", "headers": {"content-type": "application/json"}}),
        ("POST", "/v1/definitions", {"content": b"", "headers": {"content-type": "application/json"}}),
        ("POST", "/v1/keys", {"json": {"name": "a", "role": "god"}}),
        ("DELETE", "/v1/keys/not-a-uuid", {}),
        ("GET", "/v1/definitions?limit=1&limit=2", {}),
    ]
    for method, url, kw in reqs:
        r = await client.request(method, url, **kw)
        print(method, url, r.status_code, r.headers.get("content-type"), r.headers.get("allow"), r.text[:600])
