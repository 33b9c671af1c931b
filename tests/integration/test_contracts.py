"""The committed contracts (`openapi/openapi.json`, `schemas/*.json`) are exactly what the code generates.

When one of these fails after an intended change, run `canon openapi` and commit the result.
"""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from litestar.testing import AsyncTestClient
from openapi_spec_validator import OpenAPIV31SpecValidator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from service.api.contract import SIGNATURE_HEADERS, criteria_components, event_component
from service.config import Settings
from service.contracts import rendered_contracts
from service.domain.criteria_schema import DIALECT
from service.domain.events import EVENT_TYPES
from service.store.database import Pool
from tests.support import Api
from tests.webhook_fixtures import Receiver, running_worker, settled, subscribe, until

ROOT = Path(__file__).resolve().parents[2]
REGENERATE = "the committed contracts are stale: run `canon openapi` (from the repository root) and commit the result"
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
PROBLEM_MEDIA_TYPE = "application/problem+json"


@pytest.fixture(scope="module")
def rendered() -> dict[str, bytes]:
    return rendered_contracts()


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    document: dict[str, Any] = json.loads((ROOT / "openapi" / "openapi.json").read_bytes())
    return document


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    ]


def _schema_files() -> list[Path]:
    """Every JSON Schema in schemas/ (index.json is their catalogue, not a schema)."""
    return sorted(p for p in (ROOT / "schemas").glob("*.json") if p.name != "index.json")


def _event_schema_files() -> list[Path]:
    return [p for p in _schema_files() if p.name != "criteria.json"]


def _validator(document: dict[str, Any], pointer: str) -> Draft202012Validator:
    """A JSON Schema 2020-12 validator (formats checked) for the schema at `pointer` in the OpenAPI `document`, its
    `$ref`s resolved within the document, as OpenAPI 3.1 schema objects are."""
    uri = "urn:canon:openapi"
    registry: Registry[Any] = Registry().with_resource(uri, Resource.from_contents(document, DRAFT202012))
    return Draft202012Validator(
        {"$ref": f"{uri}#{pointer}"}, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def _webhook_validator(document: dict[str, Any], event_type: str) -> Draft202012Validator:
    """The validator of the request body the document's `webhooks` entry for `event_type` declares."""
    body = document["webhooks"][event_type]["post"]["requestBody"]["content"]["application/json"]["schema"]
    return _validator(document, body["$ref"].removeprefix("#"))


def _file_validator(event_type: str) -> Draft202012Validator:
    schema = json.loads((ROOT / "schemas" / f"{event_type}.json").read_bytes())
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _branches(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The alternatives of `schema` (its `anyOf`/`oneOf`, else itself), a lone `allOf` member taken for its wrapper."""
    branches = schema.get("anyOf", schema.get("oneOf", [schema]))
    return [branch["allOf"][0] if len(branch.get("allOf", [])) == 1 else branch for branch in branches]


def _references(schema: dict[str, Any]) -> list[str]:
    """The `$ref`s among the alternatives of `schema`."""
    return [branch["$ref"] for branch in _branches(schema) if "$ref" in branch]


def _resolve(document: dict[str, Any], node: dict[str, Any]) -> Any:
    """`node`, or what its local `$ref` points at."""
    found: Any = document
    for part in node["$ref"].removeprefix("#/").split("/") if "$ref" in node else []:
        found = found[part]
    return found if "$ref" in node else node


def _first_difference(relative: str, expected: bytes) -> str:
    committed = (ROOT / relative).read_text().splitlines()
    lines = difflib.unified_diff(committed, expected.decode().splitlines(), relative, "generated", lineterm="", n=2)
    return "\n".join(list(lines)[:40])


def test_every_contract_file_matches_what_the_code_generates(rendered: dict[str, bytes]) -> None:
    missing = [relative for relative in rendered if not (ROOT / relative).exists()]
    assert not missing, f"missing contract files {missing}: {REGENERATE}"
    stale = [relative for relative, content in rendered.items() if (ROOT / relative).read_bytes() != content]
    assert not stale, (
        f"contract files differ from the code {stale}: {REGENERATE}\n{_first_difference(stale[0], rendered[stale[0]])}"
    )


def test_no_stale_files_linger_in_the_contract_directories(rendered: dict[str, bytes]) -> None:
    on_disk = {
        path.relative_to(ROOT).as_posix()
        for folder in ("schemas", "openapi")
        for path in (ROOT / folder).rglob("*")
        if path.is_file()
    }
    extra = sorted(on_disk - set(rendered))
    assert not extra, f"files no longer generated {extra}: delete them, run `canon openapi` and commit the result"


def test_every_operation_has_a_unique_operation_id(openapi: dict[str, Any]) -> None:
    operations = _operations(openapi)
    assert operations
    without = [f"{method} {path}" for method, path, op in operations if not op.get("operationId")]
    assert not without, f"operations without an operationId: {without}"
    ids = [op["operationId"] for _, _, op in operations]
    ids += [item["post"]["operationId"] for item in openapi["webhooks"].values()]
    assert len(ids) == len(set(ids)), f"duplicate operationIds: {sorted({i for i in ids if ids.count(i) > 1})}"


def test_every_path_is_versioned_or_a_probe(openapi: dict[str, Any]) -> None:
    outside = [path for path in openapi["paths"] if not path.startswith("/v1/") and path not in {"/healthz", "/readyz"}]
    assert not outside, f"paths outside /v1: {outside}"


def test_the_api_is_authenticated_by_bearer_keys(openapi: dict[str, Any]) -> None:
    schemes = openapi["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"}.items() <= schemes["apiKey"].items()
    assert openapi["security"] == [{"apiKey": []}]


def test_every_operation_documents_its_problem_responses(openapi: dict[str, Any]) -> None:
    undocumented = []
    for method, path, operation in _operations(openapi):
        if path in {"/healthz", "/readyz"}:
            continue
        errors = {code: r for code, r in operation["responses"].items() if code.startswith(("4", "5"))}
        if not errors or any(PROBLEM_MEDIA_TYPE not in r.get("content", {}) for r in errors.values()):
            undocumented.append(f"{method} {path}")
    assert not undocumented, f"operations whose error responses are not application/problem+json: {undocumented}"


def test_the_committed_document_is_valid_openapi_3_1(openapi: dict[str, Any]) -> None:
    assert openapi["openapi"].startswith("3.1.")
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message.splitlines()[0][:200]}"
        for e in OpenAPIV31SpecValidator(openapi).iter_errors()
    ]
    assert not errors, f"openapi/openapi.json is not valid OpenAPI 3.1 ({len(errors)} errors):\n" + "\n".join(
        errors[:10]
    )


@pytest.mark.parametrize("path", _schema_files(), ids=lambda p: p.name)
def test_each_schema_file_is_a_draft_2020_12_json_schema(path: Path) -> None:
    schema = json.loads(path.read_bytes())
    assert schema["$schema"] == DIALECT == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"https://canon.dev/schemas/{path.name}"
    Draft202012Validator.check_schema(schema)  # against the 2020-12 metaschema


def test_the_index_lists_every_schema_file() -> None:
    index = json.loads((ROOT / "schemas" / "index.json").read_bytes())
    assert index["event_types"] == sorted(p.stem for p in _event_schema_files()) == sorted(EVENT_TYPES)
    assert index["envelope"] == "Standard Webhooks"
    listed = {entry["file"]: entry for entry in index["schemas"]}
    assert sorted(listed) == [p.name for p in _schema_files()]
    for path in _schema_files():
        schema = json.loads(path.read_bytes())
        assert listed[path.name] == {
            "file": path.name,
            "$id": schema["$id"],
            "$schema": schema["$schema"],
            "title": schema["title"],
        }


@pytest.mark.parametrize("path", _event_schema_files(), ids=lambda p: p.stem)
def test_each_event_schema_is_the_envelope_of_its_type(path: Path) -> None:
    schema = json.loads(path.read_bytes())
    assert schema["title"] == path.stem
    assert schema["properties"]["type"] == {"const": path.stem}
    assert schema["required"] == ["type", "timestamp", "data"]
    assert schema["properties"]["data"]["$ref"].startswith("#/$defs/")


def test_every_event_type_is_a_webhook_posting_its_envelope(openapi: dict[str, Any]) -> None:
    assert sorted(openapi["webhooks"]) == sorted(EVENT_TYPES)
    schemas = openapi["components"]["schemas"]
    for event_type, item in openapi["webhooks"].items():
        assert list(item) == ["post"], event_type
        operation = item["post"]
        body = operation["requestBody"]
        assert body["required"] is True
        # The envelope is a shared component, and so is its `data`: no schema copied into each webhook.
        assert body["content"]["application/json"]["schema"] == {
            "$ref": f"#/components/schemas/{event_component(event_type)}"
        }
        envelope = schemas[event_component(event_type)]
        assert envelope["properties"]["type"] == {"const": event_type}
        assert set(envelope["required"]) == {"type", "timestamp", "data"}
        assert _resolve(openapi, envelope["properties"]["data"]) is not envelope["properties"]["data"]
        assert operation["security"] == [], "a receiver gets no API key: the signature authenticates Canon"
        assert set(operation["responses"]) == {"2XX", "410", "default"}


def test_webhooks_declare_the_signature_headers_as_required(openapi: dict[str, Any]) -> None:
    for event_type, item in openapi["webhooks"].items():
        headers = [_resolve(openapi, parameter) for parameter in item["post"]["parameters"]]
        assert {(h["name"], h["in"], h["required"]) for h in headers} == {
            ("webhook-id", "header", True),
            ("webhook-timestamp", "header", True),
            ("webhook-signature", "header", True),
        }, event_type


def test_the_receivers_answers_are_described(openapi: dict[str, Any]) -> None:
    responses = {
        code: _resolve(openapi, r)
        for code, r in openapi["webhooks"]["definition.published"]["post"]["responses"].items()
    }
    assert "2xx" in responses["2XX"]["description"]
    assert "retried" in responses["default"]["description"]
    assert "disables" in responses["410"]["description"]


def test_every_criteria_field_refers_to_the_criteria_grammar(openapi: dict[str, Any]) -> None:
    schemas = openapi["components"]["schemas"]
    criteria_fields = {
        name: schema["properties"]["criteria"]
        for name, schema in schemas.items()
        if "criteria" in schema.get("properties", {})
    }
    assert {"DefinitionContent", "DefinitionContentPatch"} <= set(criteria_fields)
    for name, field in criteria_fields.items():
        assert _references(field) == ["#/components/schemas/Criteria"], f"{name}.criteria is not the grammar: {field}"
        others = [branch for branch in _branches(field) if "$ref" not in branch]
        assert others in ([], [{"type": "null"}]), f"{name}.criteria is the grammar or null, nothing else: {field}"
    assert {name: schemas[name] for name in criteria_components()} == criteria_components()


def test_the_committed_criteria_grammar_judges_trees_as_the_schema_file_does(openapi: dict[str, Any]) -> None:
    component = _validator(openapi, "/components/schemas/Criteria")
    file = Draft202012Validator(json.loads((ROOT / "schemas" / "criteria.json").read_bytes()))
    trees: list[Any] = [
        {"all": [{"field": "company.employees", "op": "gte", "value": 50}, {"not": {"field": "x", "op": "exists"}}]},
        {"field": "seen", "op": "within", "value": "P30D", "type": "date", "label": "recent"},
        {"field": "a", "op": "between", "value": [1, 2]},
        {"all": []},
        {"field": "a", "op": "eq", "value": 1, "weight": 2},
        {"field": "a", "op": "within", "value": "P1D", "type": "number"},
    ]
    assert [component.is_valid(tree) for tree in trees] == [file.is_valid(tree) for tree in trees]
    assert [component.is_valid(tree) for tree in trees] == [True, True, True, False, False, False]


async def test_real_feed_events_match_their_committed_schemas(client: AsyncTestClient[Any]) -> None:
    jsonschema_rs = pytest.importorskip("jsonschema_rs")
    await Api(client).published("mql")
    response = await client.get("/v1/events", params={"limit": 200})
    assert response.status_code == 200, response.text
    events = response.json()["items"]
    seen = {event["type"] for event in events}
    assert {"definition.created", "definition.submitted", "definition.approved", "definition.published"} <= seen
    document = json.loads((ROOT / "openapi" / "openapi.json").read_bytes())
    for event in events:
        path = ROOT / "schemas" / f"{event['type']}.json"
        assert path.exists(), f"no committed schema for event type {event['type']}: run `canon openapi`"
        validator = jsonschema_rs.validator_for(json.loads(path.read_bytes()), validate_formats=True)
        errors = [f"{e.instance_path}: {e.message}" for e in validator.iter_errors(event)]
        assert not errors, f"{event['type']} event does not match {path.name}: {errors}\n{event}"
        envelope_only = {k: event[k] for k in ("type", "timestamp", "data")}
        assert validator.is_valid(envelope_only)
        webhook = _webhook_validator(document, event["type"])
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in webhook.iter_errors(envelope_only)]
        assert not errors, f"{event['type']} event does not match its webhooks entry: {errors}\n{event}"


async def test_the_served_document_carries_the_webhooks_and_the_criteria_grammar(
    client: AsyncTestClient[Any], openapi: dict[str, Any]
) -> None:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200, response.text
    served = response.json()
    assert served["webhooks"] == openapi["webhooks"]
    assert sorted(served["webhooks"]) == sorted(EVENT_TYPES)
    names = [*criteria_components(), *(event_component(t) for t in EVENT_TYPES), "EntryEventData", "EventActor"]
    assert {name: served["components"]["schemas"][name] for name in names} == {
        name: openapi["components"]["schemas"][name] for name in names
    }
    assert served["components"]["parameters"] == openapi["components"]["parameters"]
    criteria = served["components"]["schemas"]["DefinitionContent"]["properties"]["criteria"]
    assert _references(criteria) == ["#/components/schemas/Criteria"]


async def test_a_delivered_webhook_is_what_the_contract_says(
    hook_client: AsyncTestClient[Any], hook_pool: Pool, hook_settings: Settings, receivers: Any
) -> None:
    receiver: Receiver = receivers()
    subscription = await subscribe(hook_client, receiver.url, event_types=["definition.*", "webhook.test"])
    document = json.loads((ROOT / "openapi" / "openapi.json").read_bytes())
    async with running_worker(hook_pool, hook_settings):
        await Api(hook_client).published("mql")
        queued = await hook_client.post(f"/v1/webhooks/{subscription.id}/test")
        assert queued.status_code == 202, queued.text
        await until(lambda: len(receiver.received("webhook.test")) == 1, what="the test ping")
        await until(lambda: len(receiver.received("definition.published")) == 1, what="the published event")
        await until(lambda: settled(hook_pool), what="the deliveries to be recorded")

    seen = {hit.type for hit in receiver.hits}
    assert {"definition.created", "definition.approved", "definition.published", "webhook.test"} <= seen
    for hit in receiver.hits:
        payload = json.loads(hit.body)
        for validator, where in (
            (_webhook_validator(document, hit.type), "its webhooks entry"),
            (_file_validator(hit.type), f"schemas/{hit.type}.json"),
        ):
            errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(payload)]
            assert not errors, f"a delivered {hit.type} does not match {where}: {errors}\n{payload}"
        declared = [_resolve(document, parameter) for parameter in document["webhooks"][hit.type]["post"]["parameters"]]
        assert {header["name"] for header in declared} == {header.name for header in SIGNATURE_HEADERS.values()}
        for header in declared:
            value = hit.headers.get(header["name"])
            assert value is not None, f"a delivered {hit.type} lacks the required header {header['name']}"
            assert re.search(header["schema"]["pattern"], value), f"{header['name']}: {value!r}"
