"""Schemathesis over the whole OpenAPI document, against a real app on a real database seeded with the glossary.

Whatever a client sends, Canon never answers 5xx, every 4xx is `application/problem+json` (RFC 9457), and every
schemathesis check holds: answers match the document (status, content type, headers, schema), requests the document
allows are accepted and those it forbids refused, required headers are required, `Allow` lists the methods.
Each operation gets a small, derandomized budget of valid and invalid requests, so the run is fast and repeatable.

What a document cannot say is stated here, each with its reason, and nowhere else:
- Answers that depend on the server's state, not on the request's shape (`STATE_DEPENDENT`): a stale ETag is 412 as
  a conflicting state is 409; a file's bytes must be of its type (415); a citation must name a published version,
  a key's person must exist, a webhook's address must be one the deployment allows (422); a configured size limit
  (413); a range past the end of a file (416); an entry retired at that date (410). And one the document states but
  schemathesis 4.32 does not honour: a file has at least one byte (`minLength` on a binary body; else 422).
- Rules across parameters (`_as_the_server_takes_it`): not `version` with `as_of`, one of `from` and `from_as_of`,
  not `actor` with another `person`; a cursor is one the server issued (here: none, the seeded lists fit one page);
  a key's expiry lies in the future.
- A missing required If-Match is 428 (RFC 6585), a body over the limit 413, both client errors.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import hypothesis
import msgspec
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig
from schemathesis.config._checks import (
    MISSING_REQUIRED_HEADER_EXPECTED_STATUSES,
    NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES,
    POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES,
)
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
from tests.conftest import ADMIN_KEY, TEMPLATE, scratch_database, settings_of

MAX_EXAMPLES = 25
SEEDED_SLUGS = ("mql", "lead", "sql")
DRAFT = ("mql", 2)  # a draft version the seed adds, so version routes can succeed too
PUBLISHED = ("lead", 1)
AUTH = {"Authorization": f"Bearer {ADMIN_KEY}"}


STATE_DEPENDENT: dict[str, tuple[int, ...]] = {
    **{f"create_{kind}": (422,) for kind in ("definition", "message", "asset")},
    **{f"create_{kind}_version": (422,) for kind in ("definition", "message", "asset")},
    **{f"edit_{kind}_draft": (422,) for kind in ("definition", "message", "asset")},
    **{f"get_{kind}": (410,) for kind in ("definition", "message", "asset")},
    **{f"head_{kind}": (410,) for kind in ("definition", "message", "asset")},
    **{f"list_{kind}_dependents": (410,) for kind in ("definition", "message", "asset")},
    "evaluate_definition": (410, 422),
    "evaluate_records": (410, 422),
    "evaluate_record_stream": (410, 422),
    "create_key": (422,),
    "create_webhook": (422,),
    "update_webhook": (422,),
    "upload_asset_content": (413, 415, 422),
    "start_asset_direct_upload": (413, 415),
    "complete_asset_direct_upload": (415, 422),
    "download_asset_content": (410, 416),
    "head_asset_content": (410, 416),
}


@schemathesis.serializer("application/x-ndjson")
def _ndjson(ctx: Any, value: Any) -> bytes:
    """The NDJSON stream's body is text (its lines are records), as the document says."""
    return value.encode() if isinstance(value, str) else msgspec.json.encode(value) + b"\n"


def _config() -> SchemathesisConfig:
    def statuses(defaults: list[str], *extra: int) -> list[str]:
        return [*defaults, *(str(status) for status in extra)]

    positive = statuses(POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES, 412)
    return SchemathesisConfig.from_dict(
        {
            # Constants seen in the document and answers are sent as any string field, formats notwithstanding
            # (`since: "HEAD"`): fine for finding crashes, which the negative cases cover, not for positive data.
            "analysis": {"constants": {"enabled": False}},
            "checks": {
                "positive_data_acceptance": {"expected-statuses": positive},
                "negative_data_rejection": {
                    "expected-statuses": statuses(NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES, 412, 413)
                },
                "missing_required_header": {
                    "expected-statuses": statuses(MISSING_REQUIRED_HEADER_EXPECTED_STATUSES, 428)
                },
            },
            "operations": [
                {
                    "include-operation-id": operation_id,
                    "checks": {"positive_data_acceptance": {"expected-statuses": [*positive, *map(str, extra)]}},
                }
                for operation_id, extra in STATE_DEPENDENT.items()
            ],
        }
    )


def _as_the_server_takes_it(case: Any) -> Any:
    """A schema-valid request made to follow the rules no schema can state (see the module's docstring)."""
    if case.query is None:
        case.query = {}
    _query_rules(case.query, {parameter.name for parameter in case.operation.query})
    if isinstance(case.body, dict):
        _body_rules(case.body, case.operation.definition.raw.get("operationId"))
    return case


def _query_rules(query: dict[str, Any], takes: set[str]) -> None:
    if query.get("version") is not None:
        for name in ("as_of", "known_at"):
            query.pop(name, None)
    for number, instant in (("from", "from_as_of"), ("to", "to_as_of")):
        if query.get(number) is not None:
            query.pop(instant, None)
        elif number in takes and query.get(instant) is None:
            query[number] = 1
    query.pop("cursor", None)
    if query.get("after") not in (None, "now"):
        query.pop("after")
    if query.get("actor") is not None:
        query.pop("person", None)


def _body_rules(body: dict[str, Any], operation_id: str | None) -> None:
    body.pop("after", None)
    if operation_id == "replay_webhook" and not (isinstance(body.get("since"), str) and _is_date_time(body["since"])):
        body["since"] = "2026-01-01T00:00:00Z"  # also where drawn from `anyOf` date-time/null without its format
    if operation_id == "create_key" and body.get("expires_at"):
        body["expires_at"] = "2999-01-01T00:00:00Z"


def _is_date_time(text: str) -> bool:
    try:
        msgspec.json.decode(msgspec.json.encode(text), type=dt.datetime)
    except msgspec.ValidationError:
        return False
    return True


def _operation_ids() -> list[str]:
    paths = openapi_document()["paths"]
    return sorted(op["operationId"] for item in paths.values() for op in item.values() if isinstance(op, dict))


@pytest.fixture(scope="module")
async def seeded_template(pg_url: str, template_url: str) -> AsyncIterator[str]:
    """A database with the published glossary (lead, mql, sql) and a draft `mql` v2, seeded once for the module: each
    operation's test gets a copy of it (a file copy takes a fraction of what seeding through the use cases does)."""
    async with scratch_database(pg_url, TEMPLATE) as url:
        pool = await create_pool(url, min_size=1, max_size=2)
        try:
            ctx = EntryContext(pool=pool, spec=DEFINITION, base_url=settings_of(url).public_url)
            assert sorted(await seed_glossary(ctx)) == sorted(SEEDED_SLUGS)
            author = Principal(subject="fuzz:author", name="fuzz", role=Role.editor, teams=("revops",))
            await entries.new_version(ctx, author, DRAFT[0], None, DefinitionVersionCreate())
        finally:
            await pool.close()
        yield urlsplit(url).path.lstrip("/")


@pytest.fixture
async def seeded(pg_url: str, seeded_template: str) -> AsyncIterator[Settings]:
    """A copy of the seeded database, this test's own."""
    async with scratch_database(pg_url, seeded_template) as url:
        yield settings_of(url)


@pytest.fixture
def api(seeded: Settings) -> Iterator[Any]:
    """The schema as the running app serves it; loading it starts the app's lifespan (pool, key resolver)."""
    app = create_app(seeded)
    try:
        yield schemathesis.openapi.from_asgi("/schema/openapi.json", app, config=_config())
    finally:
        asgi.shutdown_lifespans()


def _strategies(operation: Any) -> list[Any]:
    params = {p.name for p in operation.path_parameters}
    has_input = bool(params or operation.query or operation.headers or operation.body)
    found = [operation.as_strategy(GenerationMode.POSITIVE).map(_as_the_server_takes_it)]
    if has_input:
        found.append(operation.as_strategy(GenerationMode.NEGATIVE))
    if "slug" in params:
        for slug, number in (DRAFT, PUBLISHED):
            real = {"slug": slug, **({"number": number} if "number" in params else {})}
            found.append(
                operation.as_strategy(GenerationMode.POSITIVE, path_parameters=real).map(_as_the_server_takes_it)
            )
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
        case.validate_response(response, headers=AUTH)

    statuses: list[int] = []
    fuzz()
    assert set(statuses) - {401}, f"{operation_id}: every request was unauthorized, so nothing behind auth was fuzzed"
