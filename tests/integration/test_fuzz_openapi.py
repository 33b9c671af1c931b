"""Schemathesis over the whole OpenAPI document, against a real app on a real database seeded with the glossary.

Whatever a client sends, Canon never answers 5xx, and every 4xx is `application/problem+json` (RFC 9457).
Each operation gets a small, derandomized budget of valid and invalid requests, so the run is fast and repeatable.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.python import asgi

from service.app import create_app
from service.config import Settings
from service.contracts import openapi_document
from service.domain.kinds import DEFINITION
from service.domain.model import Principal, Role
from service.domain.operations import DefinitionVersionCreate
from service.seed import seed_glossary
from service.store.database import create_pool
from service.usecases import entries
from service.usecases.entries import EntryContext
from tests.conftest import ADMIN_KEY

MAX_EXAMPLES = 25
SEEDED_SLUGS = ("mql", "lead", "sql")
DRAFT = ("mql", 2)  # a draft version the seed adds, so version routes can succeed too
PUBLISHED = ("lead", 1)
AUTH = {"Authorization": f"Bearer {ADMIN_KEY}"}


def _operation_ids() -> list[str]:
    paths = openapi_document()["paths"]
    return sorted(op["operationId"] for item in paths.values() for op in item.values() if isinstance(op, dict))


@pytest.fixture
async def seeded(settings: Settings) -> Settings:
    """The test database with the published glossary (lead, mql, sql) and a draft `mql` v2."""
    assert settings.database_url
    pool = await create_pool(settings.database_url, min_size=1, max_size=2)
    try:
        ctx = EntryContext(pool=pool, spec=DEFINITION, base_url=settings.public_url)
        assert sorted(await seed_glossary(ctx)) == sorted(SEEDED_SLUGS)
        author = Principal(subject="fuzz:author", name="fuzz", role=Role.editor, teams=("revops",))
        await entries.new_version(ctx, author, DRAFT[0], None, DefinitionVersionCreate())
    finally:
        await pool.close()
    return settings


@pytest.fixture
def api(seeded: Settings) -> Iterator[Any]:
    """The schema as the running app serves it; loading it starts the app's lifespan (pool, key resolver)."""
    app = create_app(seeded)
    try:
        yield schemathesis.openapi.from_asgi("/schema/openapi.json", app)
    finally:
        asgi.shutdown_lifespans()


def _strategies(operation: Any) -> list[Any]:
    params = {p.name for p in operation.path_parameters}
    has_input = bool(params or operation.query or operation.headers or operation.body)
    found = [operation.as_strategy(GenerationMode.POSITIVE)]
    if has_input:
        found.append(operation.as_strategy(GenerationMode.NEGATIVE))
    if "slug" in params:
        for slug, number in (DRAFT, PUBLISHED):
            real = {"slug": slug, **({"number": number} if "number" in params else {})}
            found.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=real))
            found.append(operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=real))
    return found


def _sent(response: Any) -> str:
    """The request exactly as it was sent, to reproduce a failure by hand."""
    request = response.request
    headers = {k: v for k, v in request.headers.items() if k.lower() not in {"user-agent", "x-schemathesis-testcaseid"}}
    body = request.body.decode(errors="replace") if isinstance(request.body, bytes) else request.body
    return f"{request.method} {request.url}\n  headers: {headers}\n  body: {str(body)[:500]}"


def _check(response: Any) -> None:
    content_type = (response.headers.get("content-type") or [""])[0]
    answer = f"{response.status_code} {content_type!r}: {response.text[:500]}"
    assert response.status_code < 500, f"server error for\n{_sent(response)}\n-> {answer}"
    if 400 <= response.status_code < 500:
        assert content_type.startswith("application/problem+json"), f"not a problem for\n{_sent(response)}\n-> {answer}"
        if response.request.method == "HEAD":  # a HEAD answer carries the headers of the problem, not its body
            return
        problem = response.json()
        assert problem["status"] == response.status_code
        assert {"type", "title"} <= problem.keys()


@pytest.mark.parametrize("operation_id", _operation_ids())
def test_no_request_gets_a_server_error_and_every_client_error_is_a_problem(api: Any, operation_id: str) -> None:
    operation = api.find_operation_by_id(operation_id)

    @hypothesis.settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @hypothesis.given(case=st.one_of(_strategies(operation)))
    def fuzz(case: Any) -> None:
        response = case.call(headers=AUTH)
        statuses.append(response.status_code)
        _check(response)

    statuses: list[int] = []
    fuzz()
    assert set(statuses) - {401}, f"{operation_id}: every request was unauthorized, so nothing behind auth was fuzzed"
