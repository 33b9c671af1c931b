"""`POST /v1/evaluate`: many records, several definitions, one instant, one call."""

from __future__ import annotations

import json
from typing import Any

from litestar.testing import AsyncTestClient

from tests.support import Api, problem

LEAD = {"all": [{"field": "email", "op": "exists"}]}
SQL = {"all": [{"field": "stage", "op": "eq", "value": "opportunity"}]}
RECORDS = [
    {"email": "a@acme.example", "company": {"employees": 300}, "score": 72, "stage": "opportunity"},
    {"email": "b@acme.example", "company": {"employees": 10}, "score": 90},
    {"company": {"employees": 500}, "requested_demo": True},
]


async def glossary(api: Api) -> None:
    await api.published("lead", title="Lead", content={"summary": "x", "criteria": LEAD})
    await api.published("mql")
    await api.published("sql", title="SQL", content={"summary": "x", "criteria": SQL})


async def test_each_record_says_which_definitions_it_meets(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await glossary(api)
    reader = await api.key("reader")
    response = await client.post(
        "/v1/evaluate", json={"definitions": ["lead", "mql", "sql"], "records": RECORDS}, headers=reader
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["definitions"] == [{"slug": s, "version": 1} for s in ("lead", "mql", "sql")]
    assert [r["matches"] for r in body["results"]] == [["lead", "mql", "sql"], ["lead"], ["mql"]]
    assert [r["index"] for r in body["results"]] == [0, 1, 2]
    assert all("outcomes" not in e for r in body["results"] for e in r["evaluations"])

    detailed = await client.post(
        "/v1/evaluate", json={"definitions": ["mql"], "records": RECORDS[1:2], "outcomes": True}, headers=reader
    )
    evaluation = detailed.json()["results"][0]["evaluations"][0]
    assert (evaluation["slug"], evaluation["matched"]) == ("mql", False)
    failed = [o["rule"] for o in evaluation["outcomes"] if not o["passed"]]
    assert "company.employees gte 50" in failed


async def test_a_batch_uses_the_versions_in_effect_at_its_instant(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await glossary(api)
    before = (await client.get("/v1/definitions/mql")).json()["version"]["published_at"]
    await client.post("/v1/definitions/mql/versions", json={}, headers=await api.key("editor", "revops", "author"))
    tag = (await client.get("/v1/definitions/mql", params={"version": 2})).headers["ETag"]
    stricter = {"criteria": {"all": [{"field": "company.employees", "op": "gte", "value": 1000}]}}
    edited = await client.patch(
        "/v1/definitions/mql/versions/2",
        json=stricter,
        headers={**await api.key("editor", "revops", "author"), "If-Match": tag},
    )
    assert edited.status_code == 200, edited.text
    await api.publish_through_review("mql", 2)
    now = await client.post("/v1/evaluate", json={"definitions": ["mql"], "records": RECORDS})
    assert now.json()["definitions"] == [{"slug": "mql", "version": 2}]
    assert [r["matches"] for r in now.json()["results"]] == [[], [], []]
    then = await client.post("/v1/evaluate", json={"definitions": ["mql"], "records": RECORDS, "as_of": before})
    assert then.json()["definitions"] == [{"slug": "mql", "version": 1}]


async def test_bad_batches_name_their_fault(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await glossary(api)
    await api.create("draft-only", title="Draft")
    cases = [
        ({"definitions": ["mql", "nope", "draft-only"], "records": [{}]}, ["/definitions/1", "/definitions/2"]),
        ({"definitions": ["mql"], "records": [{}, 3]}, ["/records/1"]),
        ({"definitions": ["mql"], "records": [{}] * 1001}, ["/records"]),
        ({"definitions": [], "records": [{}]}, ["/definitions"]),
        ({"definitions": ["mql"], "records": [{}], "as_of": "soon"}, ["/as_of"]),
        ({"definitions": ["mql"], "records": [{}], "extra": 1}, ["/extra"]),
    ]
    for body, pointers in cases:
        found = problem(await client.post("/v1/evaluate", json=body), 422)
        assert found.errors is not None, body
        assert [e.pointer for e in found.errors] == pointers, body
    await api.published("plain", title="Plain", content={"summary": "no rules", "criteria": None})
    no_rules = problem(await client.post("/v1/evaluate", json={"definitions": ["plain"], "records": [{}]}), 409)
    assert no_rules.detail == "version 1 of 'plain' has no criteria to evaluate"
    assert (await client.post("/v1/definitions/mql/retire")).status_code == 200
    problem(await client.post("/v1/evaluate", json={"definitions": ["mql"], "records": [{}]}), 410)


async def test_relative_dates_count_back_from_the_batchs_instant(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    engaged = {"all": [{"field": "last_engaged_at", "op": "within", "value": "P30D"}]}
    await api.published("engaged", title="Engaged", content={"summary": "x", "criteria": engaged})
    record = {"last_engaged_at": "2027-02-15T09:00:00Z"}

    async def matches(as_of: str) -> list[str]:
        body = {"definitions": ["engaged"], "records": [record], "as_of": as_of}
        response = await client.post("/v1/evaluate", json=body)
        assert response.status_code == 200, response.text
        found: list[str] = response.json()["results"][0]["matches"]
        return found

    assert await matches("2027-03-01") == ["engaged"]
    assert await matches("2027-06-01") == []
    single = await client.post(
        "/v1/definitions/engaged/evaluate", json={"record": record, "as_of": "2027-03-01T00:00:00Z"}
    )
    assert single.json()["matched"] is True


async def test_records_stream_as_ndjson_in_and_out_past_bad_lines(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await glossary(api)
    lines = [
        json.dumps(RECORDS[0]),
        "{not json",
        "",
        json.dumps([1, 2]),
        *(json.dumps(RECORDS[1]) for _ in range(3000)),
    ]
    response = await client.post(
        "/v1/evaluate/stream",
        params={"definitions": ["lead", "mql"]},
        content="\n".join(lines).encode(),
        headers={"Content-Type": "application/x-ndjson", **await api.key("reader")},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-ndjson")
    results = [json.loads(line) for line in response.text.splitlines()]
    assert len(results) == 3003  # the blank line is no record
    assert results[0]["matches"] == ["lead", "mql"]
    assert results[1]["index"] == 1
    assert results[1]["error"].startswith("not a JSON object")
    assert results[2]["error"].startswith("not a JSON object")
    assert {tuple(r["matches"]) for r in results[3:]} == {("lead",)}
    assert [r["index"] for r in results] == list(range(3003))


async def test_a_stream_refuses_what_it_cannot_start(client: AsyncTestClient[Any]) -> None:
    api = Api(client)
    await glossary(api)
    body = json.dumps(RECORDS[0]).encode()
    ndjson = {"Content-Type": "application/x-ndjson"}
    as_json = await client.post(
        "/v1/evaluate/stream", params={"definitions": "mql"}, content=body, headers={"Content-Type": "text/plain"}
    )
    problem(as_json, 415)
    unknown = problem(
        await client.post("/v1/evaluate/stream", params={"definitions": "mql,nope"}, content=body, headers=ndjson),
        422,
    )
    assert unknown.errors is not None
    assert [e.pointer for e in unknown.errors] == ["/definitions/1"]
    bad_slug = await client.post(
        "/v1/evaluate/stream", params={"definitions": "Not A Slug"}, content=body, headers=ndjson
    )
    problem(bad_slug, 422)
    missing = await client.post("/v1/evaluate/stream", content=body, headers=ndjson)
    assert missing.status_code in (400, 422), missing.text  # Litestar reports a missing required query parameter
