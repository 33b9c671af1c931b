"""The committed contracts (`openapi/openapi.json`, `schemas/*.json`) are exactly what the code generates.

When one of these fails after an intended change, run `canon openapi` and commit the result.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from service.contracts import rendered_contracts
from tests.support import Api

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


def _event_schema_files() -> list[Path]:
    return sorted(p for p in (ROOT / "schemas").glob("*.json") if p.name not in ("index.json", "criteria.json"))


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


def test_the_criteria_schema_is_a_valid_json_schema() -> None:
    jsonschema_rs = pytest.importorskip("jsonschema_rs")
    schema = json.loads((ROOT / "schemas" / "criteria.json").read_bytes())
    jsonschema_rs.meta.validate(schema)
    assert schema["$id"] == "https://canon.dev/schemas/criteria.json"


def test_the_index_lists_exactly_the_event_schemas() -> None:
    index = json.loads((ROOT / "schemas" / "index.json").read_bytes())
    assert index["event_types"] == sorted(p.stem for p in _event_schema_files())
    assert index["envelope"] == "Standard Webhooks"


@pytest.mark.parametrize("path", _event_schema_files(), ids=lambda p: p.stem)
def test_each_event_schema_is_a_valid_json_schema(path: Path) -> None:
    jsonschema_rs = pytest.importorskip("jsonschema_rs")
    schema = json.loads(path.read_bytes())
    jsonschema_rs.meta.validate(schema)
    assert schema["title"] == path.stem
    assert schema["$id"] == f"https://canon.dev/schemas/{path.stem}.json"
    assert schema["$defs"]["Event"]["properties"]["type"] == {"enum": [path.stem]}


async def test_real_feed_events_match_their_committed_schemas(client: AsyncTestClient[Any]) -> None:
    jsonschema_rs = pytest.importorskip("jsonschema_rs")
    await Api(client).published("mql")
    response = await client.get("/v1/events", params={"limit": 200})
    assert response.status_code == 200, response.text
    events = response.json()["items"]
    seen = {event["type"] for event in events}
    assert {"definition.created", "definition.submitted", "definition.approved", "definition.published"} <= seen
    for event in events:
        path = ROOT / "schemas" / f"{event['type']}.json"
        assert path.exists(), f"no committed schema for event type {event['type']}: run `canon openapi`"
        validator = jsonschema_rs.validator_for(json.loads(path.read_bytes()), validate_formats=True)
        errors = [f"{e.instance_path}: {e.message}" for e in validator.iter_errors(event)]
        assert not errors, f"{event['type']} event does not match {path.name}: {errors}\n{event}"
        envelope_only = {k: event[k] for k in ("type", "timestamp", "data")}
        assert validator.is_valid(envelope_only)
